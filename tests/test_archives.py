"""Zip archives (`.keras` models, `.npz` weights) whose members would expand to gigabytes are refused from
their directory, before anything is decompressed; damaged `.npy` headers are a ValueError."""

from __future__ import annotations

import io
import re
import shutil
import struct
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from tui_convnet.model.bundled import ModelAssetError, load_bundled_model
from tui_convnet.util.fileio import ArchiveError, check_keras_archive, check_zip_members
from tui_convnet.util.npy_header import read_npy_header
from tui_convnet.util.paths import assets_dir

GIB = 2**30


def zip_declaring(path: Path, members: dict[str, bytes], lie: dict[str, int]) -> Path:
    """A small zip whose central directory declares the sizes in ``lie`` for those members (a zip bomb's
    directory: what zipfile would be willing to decompress)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    raw = bytearray(path.read_bytes())
    at = 0
    while (at := raw.find(b"PK\x01\x02", at)) >= 0:  # each central directory entry
        name_length = struct.unpack_from("<H", raw, at + 28)[0]
        name = raw[at + 46 : at + 46 + name_length].decode()
        if name in lie:
            struct.pack_into("<I", raw, at + 24, lie[name])  # uncompressed size
        at += 46
    path.write_bytes(bytes(raw))
    return path


def test_a_keras_file_declaring_a_2_gib_config_is_refused_from_its_directory(tmp_path: Path) -> None:
    bomb = zip_declaring(
        tmp_path / "bomb.keras",
        {"metadata.json": b"{}", "config.json": b"{}", "model.weights.h5": b""},
        {"config.json": 2 * GIB},
    )
    start = time.perf_counter()
    with pytest.raises(ArchiveError) as error:
        check_keras_archive(bomb)
    assert time.perf_counter() - start < 0.5  # was 16.5 s and 4.77 GB inside Keras
    assert str(error.value) == (
        f"{bomb}: `config.json` would expand to 2,147,483,648 bytes, more than the limit of 16,777,216."
    )


def test_a_keras_file_declaring_2_gib_of_weights_is_refused(tmp_path: Path) -> None:
    bomb = zip_declaring(
        tmp_path / "w.keras", {"config.json": b"{}", "model.weights.h5": b"x"}, {"model.weights.h5": 2 * GIB}
    )
    with pytest.raises(ArchiveError, match=re.escape("`model.weights.h5` would expand to 2,147,483,648 bytes")):
        check_keras_archive(bomb)


def test_the_bundled_keras_model_passes() -> None:
    check_keras_archive(assets_dir() / "model" / "mnist_convnet.keras")


def test_many_members_and_the_total_are_limited(tmp_path: Path) -> None:
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as z:
        for i in range(10):
            z.writestr(f"{i}.npy", b"x" * 100)
    with pytest.raises(ArchiveError, match="holds 10 files, more than the limit of 5"):
        check_zip_members(many, max_member_bytes=1000, max_total_bytes=10**6, max_members=5)
    with pytest.raises(ArchiveError, match="would expand to 1,000 bytes, more than the limit of 999"):
        check_zip_members(many, max_member_bytes=1000, max_total_bytes=999)
    noise = tmp_path / "noise.zip"
    noise.write_bytes(b"\x1b]2;owned\x07" * 50)
    with pytest.raises(zipfile.BadZipFile):  # the caller's business, as before
        check_zip_members(noise, max_member_bytes=1, max_total_bytes=1)


def test_a_name_with_control_characters_is_shown_visibly(tmp_path: Path) -> None:
    bomb = zip_declaring(tmp_path / "m.keras", {"\x1b]2;owned\x07": b"{}"}, {"\x1b]2;owned\x07": 2 * GIB})
    with pytest.raises(ArchiveError) as error:
        check_keras_archive(bomb)
    assert "\x1b" not in str(error.value) and "`\\x1b]2;owned\\x07` would expand" in str(error.value)


def test_a_bundled_model_folder_with_a_2_gib_weights_member_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(assets_dir() / "model", folder)
    weights = folder / "mnist_convnet.weights.npz"
    with np.load(weights) as f:
        first = f.files[0]
        members = {}
        for name in f.files:
            buffer = io.BytesIO()
            np.save(buffer, f[name])
            members[f"{name}.npy"] = buffer.getvalue()
    zip_declaring(weights, members, {f"{first}.npy": 2 * GIB})
    with pytest.raises(ModelAssetError, match=re.escape(f"`{first}.npy` would expand to 2,147,483,648 bytes")):
        load_bundled_model(folder)  # was 2.08 GB read in 7.2 s


@pytest.mark.parametrize(
    "header",
    [
        b"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2",  # not a plain literal: tokenize.TokenError
        b"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)} )",
        b"[" * 2000,
    ],
)
def test_a_damaged_npy_header_is_a_value_error(header: bytes) -> None:
    padded = header + b" " * (-(len(header) + 11) % 64) + b"\n"
    raw = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(padded)) + padded
    with pytest.raises(ValueError):
        read_npy_header(io.BytesIO(raw))
