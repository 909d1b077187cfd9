"""Paths the user typed, and files written atomically.

Plain Python, no package imports: the data loader, the training layer and
the UI all use it.

- :func:`user_path` turns what the user typed into a :class:`~pathlib.Path`
  (``~`` expanded), refusing an empty name, an unknown ``~user`` and a name
  the operating system would refuse, with one clear message.
- :func:`os_reason` says in a few words why an ``OSError`` happened
  ("permission denied", "file name too long" …).
- :func:`check_zip_members` reads a zip archive's directory (a ``.keras``
  model, a ``.npz``) and refuses members that would expand beyond a limit
  before anything is decompressed: a 2.7 MB file may hold a 2 GiB member.
  Plain :mod:`zipfile`, so a process without TensorFlow can check a model.
- :func:`atomic_write` writes a file through a temporary file in the same
  folder and :func:`os.replace`: a crash, a full disk or a signal never
  leaves a half-written file where a good one was.  The new file keeps the
  mode of the file it replaces (else the umask default, as ``open`` would
  create it), and the temporary file is removed on any failure and on Ctrl-C.
  When the process exits (SIGTERM included) while another thread is saving,
  :func:`finish_writes` (run at exit) lets that save finish, for at most
  :data:`FINISH_WRITES_S`, then removes any temporary file still there.  A
  signal handler never removes the temporary file of a save under way: the
  writer (Keras) would create it again by name, and the file was left behind.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import os
import stat
import threading
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from .visible import visible

#: The longest path a user may type (Linux' PATH_MAX); longer is refused before any system call.
MAX_PATH_CHARS = 4096


class PathError(ValueError):
    """A path the user typed cannot be used; the message says why."""


_REASONS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENAMETOOLONG: "file name too long",
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "it is a folder",
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.ELOOP: "too many symbolic links",
    errno.EPIPE: "broken pipe",
    errno.EIO: "input/output error",
}


def os_reason(exc: OSError) -> str:
    """A short lower-case reason for ``exc``: "permission denied", "file name too long" …"""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    text = exc.strerror or str(exc) or type(exc).__name__
    return text[:1].lower() + text[1:]


def user_path(text: str | os.PathLike[str], what: str = "path", name: str | None = None) -> Path:
    """``text`` as a Path with ``~`` expanded; :class:`PathError` if it cannot name a file.

    ``what`` names the path in the message ("model path"), ``name`` the
    argument it came from ("--save"; default: ``what``).
    """
    raw = os.fspath(text)
    name = name or what
    if not raw.strip():
        raise PathError(f"The {what} is empty: give a file name. Received: {name}={raw!r}")
    if "\0" in raw:
        raise PathError(f"The {what} contains a NUL character. Received: {name}={raw!r}")
    if len(raw) > MAX_PATH_CHARS:
        raise PathError(
            f"The {what} is too long ({len(raw):,} characters; the limit is {MAX_PATH_CHARS:,}). "
            f"Received: {name}={raw[:40]!r}…"
        )
    try:
        return Path(raw).expanduser()
    except RuntimeError:  # "Could not determine home directory." or an unknown ~user
        user = raw.split("/", 1)[0]
        raise PathError(f"Cannot expand {user}: no such user. Received: {name}={raw[:200]!r}") from None


# --------------------------------------------------------------------------- zip archives


class ArchiveError(ValueError):
    """A zip archive that is not one, or whose members would expand beyond a limit."""


def check_zip_members(
    path: str | os.PathLike[str],
    *,
    max_member_bytes: int,
    max_total_bytes: int,
    max_members: int = 256,
    member_limits: Mapping[str, int] | None = None,
) -> list[zipfile.ZipInfo]:
    """The members of the zip archive at ``path``, after checking their declared sizes; :class:`ArchiveError` else
    (a file that is not a zip archive raises :class:`zipfile.BadZipFile`, one that cannot be read ``OSError``).

    Only the central directory is read.  ``ZipInfo.file_size`` bounds what :mod:`zipfile` will ever
    decompress (it stops there and checks the CRC), so a member that declares a small size cannot expand
    further.  ``member_limits`` gives some members (``config.json``) a smaller limit of their own.
    """
    shown = visible(os.fspath(path))
    with zipfile.ZipFile(path) as archive:  # not a zip, unreadable: zipfile's own errors, for the caller
        members = archive.infolist()
    if len(members) > max_members:
        raise ArchiveError(f"{shown}: holds {len(members):,} files, more than the limit of {max_members:,}.")
    total = 0
    for info in members:
        limit = (member_limits or {}).get(info.filename, max_member_bytes)
        if info.file_size > limit:
            raise ArchiveError(
                f"{shown}: `{visible(info.filename[:100])}` would expand to {info.file_size:,} bytes, "
                f"more than the limit of {limit:,}."
            )
        total += info.file_size
    if total > max_total_bytes:
        raise ArchiveError(f"{shown}: would expand to {total:,} bytes, more than the limit of {max_total_bytes:,}.")
    return members


#: A ``.keras`` model: its config and metadata are a few kB; the weights of any model the numpy engine can run
#: (at most 2**27 values per array) fit in 512 MiB.  Keras' own check starts at 4 GiB per member.
KERAS_MAX_WEIGHTS_BYTES = 512 * 2**20
KERAS_MAX_CONFIG_BYTES = 16 * 2**20


def check_keras_archive(path: str | os.PathLike[str]) -> None:
    """Refuse a ``.keras`` file whose members would expand beyond what a model of this app needs
    (:class:`ArchiveError`), before Keras decompresses anything."""
    check_zip_members(
        path,
        max_member_bytes=KERAS_MAX_WEIGHTS_BYTES,
        max_total_bytes=KERAS_MAX_WEIGHTS_BYTES + 2 * KERAS_MAX_CONFIG_BYTES,
        max_members=64,
        member_limits={"config.json": KERAS_MAX_CONFIG_BYTES, "metadata.json": KERAS_MAX_CONFIG_BYTES},
    )


# --------------------------------------------------------------------------- atomic writes

#: How long the process waits at exit for a save under way in another thread.
FINISH_WRITES_S = 15.0

#: The temporary file of every atomic write under way, and the thread writing it.
_temp_files: dict[str, int] = {}
_temp_lock = threading.Condition()
_at_exit_registered = False


def remove_temp_files() -> None:
    """Remove every temporary file an :func:`atomic_write` in progress has created (the last resort at exit)."""
    with _temp_lock:
        pending = list(_temp_files)
        _temp_files.clear()
    for name in pending:
        with contextlib.suppress(OSError):
            os.unlink(name)


def finish_writes(timeout: float = FINISH_WRITES_S) -> None:
    """Wait (at most ``timeout`` s) for the atomic writes other threads are doing, then remove what is left.

    Run at exit: a save the student asked for completes (or is abandoned) instead of leaving its
    temporary file when the process ends during it (SIGTERM while a model is saved).
    """
    me = threading.get_ident()
    deadline = time.monotonic() + timeout
    with _temp_lock:
        while any(owner != me for owner in _temp_files.values()):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            _temp_lock.wait(left)
    remove_temp_files()


def _temp_name(path: Path, suffix: str) -> str:
    """A hidden name beside ``path`` that no file has yet (as :func:`tempfile.mkstemp` picks one)."""
    while True:
        import secrets  # (hashlib and OpenSSL behind it: imported when a file is first written)

        name = str(path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp{suffix}")
        if not os.path.lexists(name):
            return name


def _create(name: str) -> None:
    """Create ``name`` empty, readable by its owner only; an existing file is an error (it is someone else's)."""
    os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600))


@contextlib.contextmanager
def _registered(name: str) -> Iterator[str]:
    global _at_exit_registered
    with _temp_lock:
        if not _at_exit_registered:
            atexit.register(finish_writes)
            _at_exit_registered = True
        _temp_files[name] = threading.get_ident()
    try:
        yield name
    finally:
        with _temp_lock:
            _temp_files.pop(name, None)
            _temp_lock.notify_all()


def _umask() -> int:
    # os.umask can only be read by setting it; the app is single-process and this takes microseconds.
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _mode_for(path: Path) -> int:
    """The mode ``path`` has (when it exists as a regular file), else the umask default for a new file."""
    try:
        st = os.stat(path)
    except OSError:
        return 0o666 & ~_umask()
    if stat.S_ISREG(st.st_mode):
        return stat.S_IMODE(st.st_mode)
    return 0o666 & ~_umask()


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], None], *, suffix: str = "") -> Path:
    """Write ``path`` atomically: ``write(tmp)`` fills a temporary file in the same folder, then it is renamed.

    ``suffix`` is the temporary file's ending (Keras insists on ``.keras``).
    The result has the mode of the file it replaces, else the umask default.
    On any failure (and on Ctrl-C) the temporary file is removed and the
    exception propagates; ``path`` is left as it was.
    """
    path = Path(path)
    mode = _mode_for(path)
    # The name is registered before the file exists: a signal at any line from here on (its handler raises
    # between two bytecodes) finds it in the list the exit cleans (was: created by mkstemp, then registered,
    # and a signal in between left it behind).
    with _registered(_temp_name(path, suffix)) as tmp:
        ours = True
        try:  # one try from before the file exists to its rename: no line between two cleanups
            try:
                _create(tmp)
            except FileExistsError:  # another process took the name since it was picked: not ours to remove
                ours = False
                raise
            write(Path(tmp))
            os.chmod(tmp, mode)
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            if ours:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            raise
    return path


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write`)."""

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    return atomic_write(path, write)
