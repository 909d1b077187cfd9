"""Photos of digits: accuracy per condition on the photo test set, and the time and memory of one big photo.

Method: every picture of ``tests/images/photos/`` (``scripts/make_photo_set.py``
writes it from official MNIST test digits) is read and preprocessed by
:func:`tui_convnet.images.load_digit` and classified by the bundled model
(numpy engine), exactly as ``convnet-tui predict --image`` does. A digit
counts as read when the top class is its label; a picture refused with "no
digit found" counts as wrong. For the ``no_digit`` pictures it is the other
way round: only a refusal is right.

Speed: a 4000x3000 photo of a digit as JPEG, PNG (RGB, RGBA, 16-bit grey), WebP and
BMP, read, preprocessed and classified, the minimum and median of ``--repeats`` runs in this
process (after one warm-up), and of reading alone. Memory: a fresh process reads and classifies the picture
once; the number is its peak resident size (``VmHWM``) minus the size it had
just before, with the model loaded. Timing: wall-clock and the process's own
CPU time (on a loaded machine the wall clock also holds the wait for a core).

    .venv/bin/python benchmarks/bench_photos.py [--repeats 7] [--label before] [--record] [--speed-only]

Prints markdown tables and writes them to ``benchmarks/results/bench_photos.md``
(``--label`` names the code measured; with ``--no-write`` nothing is written; with ``--speed-only`` only
the big photos are timed, and only the speed section of the file is replaced).
With ``--record`` the accuracy over every picture of a digit is written into the
bundled model's record (``photo_accuracy``, ``photo_pictures``), which the
inspect screen shows; ``make bundled-model`` does it after training.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

if TYPE_CHECKING:
    from tui_convnet.model.model import Model

ROOT = Path(__file__).resolve().parent.parent
PHOTOS = ROOT / "tests" / "images" / "photos"
#: Made by another generator (``scripts/make_heldout_set.py``) and never tuned on: the check.
HELDOUT = ROOT / "tests" / "images" / "heldout"
RESULTS = ROOT / "benchmarks" / "results" / "bench_photos.md"
TARGET_MS = 300.0
TARGET_ALL = 0.90
TARGET_EACH = 0.85


def classify(path: Path) -> tuple[int | None, float, str]:
    """``(predicted, probability, reason)``: the top class and its probability, or None and the refusal."""
    from tui_convnet.core import forward
    from tui_convnet.images import ImageError, load_digit
    from tui_convnet.model.bundled import load_bundled_model

    model = _model_cache.get("m") or _model_cache.setdefault("m", load_bundled_model())
    try:
        pre = load_digit(path)
    except ImageError as exc:
        return None, 0.0, str(exc)
    p = np.asarray(forward(model.spec, model.weights, pre.model_input), dtype=np.float64).reshape(-1)
    top = int(np.argmax(p))
    return top, float(p[top]), ""


_model_cache: dict[str, Model] = {}


def accuracy(
    folder: Path, model_folder: Path | None = None, outcomes: dict[str, int] | None = None
) -> dict[str, tuple[int, int]]:
    """``condition -> (right, total)`` over the manifest of ``folder``, by the bundled model (or the one in
    ``model_folder``); ``outcomes`` gets how the pictures without a digit ended: ``refused``, ``unsure``
    (the top class under 50 %) or ``confident`` (a guess at 50 % or more: the failure)."""
    from tui_convnet.model.bundled import load_bundled_model

    _model_cache["m"] = load_bundled_model(model_folder)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    with open(folder / "manifest.csv", newline="") as f:
        for row in csv.DictReader(f):
            predicted, probability, _ = classify(folder / row["file"])
            right = predicted is None if row["label"] == "-" else predicted == int(row["label"])
            if row["label"] == "-" and outcomes is not None:
                how = "refused" if predicted is None else "unsure" if probability < 0.5 else "confident"
                outcomes[how] = outcomes.get(how, 0) + 1
            counts[row["condition"]][0] += int(right)
            counts[row["condition"]][1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def record(counts: dict[str, tuple[int, int]], folder: Path | None = None) -> tuple[float, int]:
    """Write the accuracy over every picture of a digit into the bundled model's record (or the one in ``folder``)."""
    from tui_convnet.model.bundled import INFO_NAME, model_dir, read_info, write_info

    path = (folder or model_dir()) / INFO_NAME
    digits = [v for k, v in counts.items() if k != "no_digit"]
    right, total = sum(r for r, _ in digits), sum(t for _, t in digits)
    info = read_info(path)
    info["photo_accuracy"] = round(right / total, 6)
    info["photo_pictures"] = total
    write_info(path, info)
    return right / total, total


def accuracy_table(title: str, counts: dict[str, tuple[int, int]], outcomes: dict[str, int]) -> tuple[list[str], bool]:
    """The markdown lines for one set, and whether its targets are met."""
    digits = {k: v for k, v in counts.items() if k != "no_digit"}
    right = sum(r for r, _ in digits.values())
    total = sum(t for _, t in digits.values())
    lines = [f"{title}: {total} pictures of digits, {counts.get('no_digit', (0, 0))[1]} without", ""]
    lines += ["| condition | pictures | read correctly |", "|---|---:|---:|"]
    lines += [f"| {name} | {t} | {r / t:.1%} |" for name, (r, t) in digits.items()]
    lines.append(f"| **all conditions together** | {total} | **{right / total:.1%}** |")
    if "no_digit" in counts:
        r, t = counts["no_digit"]
        lines.append(f"| no digit: refused with a reason | {t} | {r / t:.1%} |")
        unsure, confident = outcomes.get("unsure", 0), outcomes.get("confident", 0)
        lines.append(f"| no digit: read, the top class under 50 % (said so) | {t} | {unsure / t:.1%} |")
        lines.append(f"| no digit: read with 50 % or more (a confident guess) | {t} | {confident / t:.1%} |")
    worst = min(r / t for r, t in digits.values())
    met = right / total >= TARGET_ALL and worst >= TARGET_EACH
    lines += [
        "",
        f"Targets: all together ≥ {TARGET_ALL:.0%}, every condition ≥ {TARGET_EACH:.0%}: "
        f"{'met' if met else 'not met'} (worst condition {worst:.1%}).",
    ]
    return lines, met


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Intersection over union of two boxes ``(top, left, bottom, right)``."""
    inter = max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


#: A crop is good when its box and the digit's (from the manifest) overlap this much (intersection over union).
GOOD_CROP = 0.5
MISREAD_KINDS = (
    "refused (no digit found)",
    "bad crop (the box misses the digit)",
    "good crop; the digit alone (its ink on black, no photo) is misread too: the model",
    "good crop; the digit alone is read: the photo's light, noise, paper or file lost it",
    "good crop; a digit drawn here, no record of it alone",
)


def digit_inks(folder: Path) -> dict[str, np.ndarray]:
    """Each picture's digit as its generator drew it (the ink's coverage, before paper, light and camera), by
    file name: the generator of ``folder`` run again into a temporary folder (the same seeds, the same digits)."""
    import tempfile

    sys.path.insert(0, str(ROOT / "scripts"))
    inks: dict[str, np.ndarray] = {}
    with tempfile.TemporaryDirectory() as tmp:
        if folder == PHOTOS:
            import make_photo_set

            def test_digits() -> tuple[np.ndarray, np.ndarray]:
                with np.load(ROOT / "assets" / "mnist" / "mnist-sample.npz", allow_pickle=False) as f:
                    return f["x_test"], f["y_test"]

            make_photo_set.build(Path(tmp), 30, test_digits, inks)
        else:
            import make_heldout_set

            make_heldout_set.build(Path(tmp), 20, 8, inks)
    return inks


def alone(ink: np.ndarray) -> np.ndarray:
    """The digit alone as the network gets it: its ink cropped to its box, a fine pen widened, scaled and
    centred like the preprocessing's last stages (no paper, light or noise to find it in)."""
    from tui_convnet.images import centre_by_mass, ink_box, scale_to_box
    from tui_convnet.images.preprocess import thicken

    top, left, bottom, right = ink_box(ink)
    return centre_by_mass(scale_to_box(thicken(ink[top:bottom, left:right])[0]))[..., None]


def misreads(folder: Path) -> dict[str, int]:
    """Why each digit of ``folder`` was misread: refused, a bad crop (the box found misses the digit's box in
    the manifest), or a good crop that the model misreads, with or without misreading the digit alone (its
    generator's ink on black, preprocessed the same way: what the model makes of the digit's shape)."""
    from tui_convnet.core import forward
    from tui_convnet.images import ImageError, load_digit

    model = _model_cache["m"]
    inks = digit_inks(folder)
    kinds = dict.fromkeys(MISREAD_KINDS, 0)
    with open(folder / "manifest.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row["label"] == "-":
                continue
            try:
                pre = load_digit(folder / row["file"])
            except ImageError:
                kinds[MISREAD_KINDS[0]] += 1
                continue
            label = int(row["label"])
            if int(np.argmax(forward(model.spec, model.weights, pre.model_input))) == label:
                continue
            (gh, gw), (oh, ow) = pre.gray.shape, pre.original
            top, left, bottom, right = pre.box
            found = (top * oh / gh, left * ow / gw, bottom * oh / gh, right * ow / gw)
            if _overlap(found, tuple(float(v) for v in row["box"].split())) < GOOD_CROP:
                kinds[MISREAD_KINDS[1]] += 1
            elif row["file"] not in inks:
                kinds[MISREAD_KINDS[4]] += 1
            else:
                read = int(np.argmax(forward(model.spec, model.weights, alone(inks[row["file"]]))))
                kinds[MISREAD_KINDS[2] if read != label else MISREAD_KINDS[3]] += 1
    return kinds


#: The big photos timed: (name, Pillow format, mode, file extension, save options).
BIG_PHOTOS: tuple[tuple[str, str, str, str, dict[str, object]], ...] = (
    ("JPEG", "JPEG", "RGB", "jpg", {"quality": 90}),
    ("PNG", "PNG", "RGB", "png", {"compress_level": 1}),
    ("PNG, RGBA", "PNG", "RGBA", "png", {"compress_level": 1}),
    ("PNG, 16-bit grey", "PNG", "I;16", "png", {"compress_level": 1}),
    ("WebP", "WEBP", "RGB", "webp", {"quality": 90}),
    ("BMP", "BMP", "RGB", "bmp", {}),
)


def big_photo(fmt: str, mode: str = "RGB", options: dict[str, object] | None = None) -> bytes:
    """A 4000x3000 photo of a test digit (a 7): grey paper, uneven light, noise, as a phone saves it."""
    from PIL import Image

    sys.path.insert(0, str(ROOT / "scripts"))
    from make_photo_set import digit_alpha, lighting, paper, place

    rng = np.random.default_rng(4000)
    with np.load(ROOT / "assets" / "mnist" / "mnist-sample.npz", allow_pickle=False) as f:
        digit = f["x_test"][0]
    h, w = 3000, 4000
    page = paper(h, w, rng)
    place(page, digit_alpha(digit, 1800, rng, stroke=0.8), np.zeros(3, np.float32), 500, 1200)
    page *= lighting(h, w, rng, 0.3)[..., None]
    page += rng.normal(0, 4 / 255, (h, w, 1)).astype(np.float32)
    img = Image.fromarray((np.clip(page, 0, 1) * 255).astype(np.uint8), mode="RGB")
    if mode == "RGBA":
        img.putalpha(255)
    elif mode == "I;16":
        img = Image.fromarray((np.asarray(img.convert("L"), dtype=np.uint16) * 257).astype(np.uint16))
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **(options if options is not None else {"quality": 90}))
    return buffer.getvalue()


def read_ms(path: Path, repeats: int) -> tuple[float, float]:
    """Minimum and median CPU milliseconds of reading alone (decoding and shrinking to the working size), as
    :func:`tui_convnet.images.load_digit` reads."""
    from tui_convnet.images import WORK_SIDE, read_picture

    times = []
    for _ in range(repeats):
        started = time.process_time()
        read_picture(path, max_side=WORK_SIDE)
        times.append((time.process_time() - started) * 1000)
    return min(times), statistics.median(times)


@dataclass(frozen=True)
class Timing:
    """One picture read, preprocessed and classified ``repeats`` times: milliseconds, minimum and median."""

    wall: tuple[float, float]
    cpu: tuple[float, float]
    read_cpu: tuple[float, float]
    traced_mib: float  # the peak of numpy's and Python's own allocations (tracemalloc; not Pillow's)


def time_one(path: Path, repeats: int) -> Timing:
    """Wall-clock and CPU milliseconds to read, preprocess and classify ``path`` (minimum and median of
    ``repeats``, after a warm-up), of reading alone, and the peak that tracemalloc sees in one more run."""
    import tracemalloc

    classify(path)  # warm-up: imports, the model
    wall, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        predicted, _, reason = classify(path)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert predicted == 7, (predicted, reason)
    tracemalloc.start()
    try:
        classify(path)
        traced = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return Timing(
        (min(wall), statistics.median(wall)), (min(cpu), statistics.median(cpu)), read_ms(path, repeats), traced
    )


MEMORY_PROBE = """
import json, os, pathlib, sys
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, {bench!r})
import bench_photos


def status(key):
    with open("/proc/self/status") as f:
        return [int(line.split()[1]) for line in f if line.startswith(key + ":")][0]


bench_photos.classify(pathlib.Path({first!r}))  # imports, the model
rss = status("VmRSS")
predicted = bench_photos.classify(pathlib.Path({path!r}))[0]
print(json.dumps({{"rss_kib": rss, "peak_kib": status("VmHWM"), "predicted": predicted}}))
"""


def peak_memory_mib(path: Path) -> float:
    """The picture's peak memory in a fresh process: its peak resident size (``VmHWM``, which, unlike
    ``ru_maxrss``, does not carry this process's peak across ``exec``) minus its size just before (MiB)."""
    first = min((PHOTOS / "clean").iterdir())
    code = MEMORY_PROBE.format(bench=str(ROOT / "benchmarks"), first=str(first), path=str(path))
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    probe = json.loads(out.strip().splitlines()[-1])
    return float(probe["peak_kib"] - probe["rss_kib"]) / 1024


#: The speed section of the results file starts with this line and ends with the "Target:" paragraph.
SPEED_HEADING = "One 4000x3000 photo, read, preprocessed and classified"


def speed_lines(repeats: int) -> tuple[list[str], bool]:
    """The speed table's markdown lines, and whether every photo meets :data:`TARGET_MS` (CPU, the minimum)."""
    import tempfile

    met_speed = True
    lines = [
        f"{SPEED_HEADING}; milliseconds as minimum / median of {repeats} runs (1-min load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs: the wall clock holds the waits for a core, the CPU "
        "time is the process's own):",
        "",
        "| one 4000x3000 photo | CPU ms | wall ms | of it reading (CPU ms) | peak RSS MiB | tracemalloc MiB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for name, fmt, mode, ext, options in BIG_PHOTOS:
            path = Path(tmp) / f"photo.{ext}"
            path.write_bytes(big_photo(fmt, mode, options))
            t = time_one(path, repeats)
            mib = peak_memory_mib(path)
            met_speed &= t.cpu[0] < TARGET_MS
            lines.append(
                f"| {name} ({path.stat().st_size / 1e6:.1f} MB) | {t.cpu[0]:.0f} / {t.cpu[1]:.0f} | "
                f"{t.wall[0]:.0f} / {t.wall[1]:.0f} | {t.read_cpu[0]:.0f} / {t.read_cpu[1]:.0f} | {mib:.0f} | "
                f"{t.traced_mib:.0f} |"
            )
    lines += [
        "",
        f"Target: under {TARGET_MS:.0f} ms (of CPU, the minimum). Peak RSS: a fresh process's peak resident size "
        "while it reads and classifies the picture once, above its size just before; tracemalloc: the peak of "
        "numpy's and Python's allocations in that run (Pillow's decoded image is not traced).",
    ]
    return lines, met_speed


def replace_speed(text: str, speed: list[str]) -> str:
    """``text`` (the results file) with its speed section replaced by ``speed`` (appended when it has none), the
    accuracy tables and any notes after the section kept as they are."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith((SPEED_HEADING, "| one 4000x3000 photo"))]
    if not starts:
        return "\n".join([*lines, "", *speed]) + "\n"
    ends = [i for i, line in enumerate(lines) if i > starts[0] and line.startswith("Target: under")]
    end = ends[0] + 1 if ends else len(lines)
    return "\n".join([*lines[: starts[0]], *speed, *lines[end:]]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--label", default="this code")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--record", action="store_true", help="write the accuracy into the bundled model's record")
    parser.add_argument("--speed-only", action="store_true", help="time the big photos; replace only that section")
    args = parser.parse_args(argv)
    if args.speed_only:
        speed, met = speed_lines(args.repeats)
        print("\n".join(speed))
        if not args.no_write:
            RESULTS.write_text(replace_speed(RESULTS.read_text() if RESULTS.exists() else "", speed))
        return 0 if met else 1

    outcomes: dict[str, int] = {}
    counts = accuracy(PHOTOS, outcomes=outcomes)
    if args.record:
        share, pictures = record(counts)
        print(f"Recorded photo_accuracy={share:.6f} on {pictures} pictures in the bundled model's record")
    held_outcomes: dict[str, int] = {}
    held = accuracy(HELDOUT, outcomes=held_outcomes)
    lines = [
        f"Bundled model, numpy engine; {args.label}; Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, 1-min load average {os.getloadavg()[0]:.1f}",
        "",
    ]
    met_accuracy = True
    for title, c, o in (
        ("Photo test set (`tests/images/photos`, tuned on)", counts, outcomes),
        ("Held-out set (`tests/images/heldout`, another generator; no threshold set on it)", held, held_outcomes),
    ):
        table, met = accuracy_table(title, c, o)
        lines += [*table, ""]
        met_accuracy &= met
    lines += ["| why a digit was misread | photo set | held-out set |", "|---|---:|---:|"]
    ours, theirs = misreads(PHOTOS), misreads(HELDOUT)
    lines += [f"| {kind} | {ours[kind]} | {theirs[kind]} |" for kind in MISREAD_KINDS]
    lines += [
        f"| **misread in all** | {sum(ours.values())} | {sum(theirs.values())} |",
        "",
        f"A good crop: the box found and the digit's own box overlap at least {GOOD_CROP:.0%} (intersection "
        "over union). The digit alone: the generator's own ink for the digit (after its turn, shear, warp and pen), "
        "on black, cropped, its pen widened if fine, scaled and centred as the preprocessing does, and read.",
        "",
    ]
    met_speed = True
    if not args.skip_speed:
        speed, met_speed = speed_lines(args.repeats)
        lines += ["", *speed, ""]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        RESULTS.write_text(text)
    return 0 if met_accuracy and met_speed else 1


if __name__ == "__main__":
    sys.exit(main())
