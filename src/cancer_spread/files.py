"""Writing files safely: nothing half-written, nothing overwritten that was an input.

Every file the project writes goes through :func:`write_atomic` (one file) or :func:`write_set`
(several files that belong together, such as the release files of ``build``):

- an output path that is one of the command's inputs (a file read in this process: every Turtle
  file passed through the input gate, and what :func:`note_input` names) is refused, so
  ``visualise --with x.ttl -o x.ttl`` cannot destroy ``x.ttl``;
- a FIFO, device, socket or directory as output is refused (a FIFO used to be replaced by a
  regular file);
- a symbolic link as output is written *through*: the file it points to is replaced and the link
  stays a link (its target is checked like any output path);
- the new file keeps the mode of the file it replaces (a 0600 file stays 0600); a new file gets
  the mode a plain ``open()`` would give;
- data goes to a temporary file ``.NAME.PID.RANDOM.tmp`` beside the target and is renamed over
  it; on an error, SIGINT or SIGTERM the temporary file is removed (temporary files of processes
  that no longer run, e.g. after ``kill -9``, are swept by the next write into that folder);
- :func:`write_set` renames all its files with SIGINT/SIGTERM/SIGHUP held back, and restores the
  old files if a rename fails: readers see all old files or all new ones.

>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> write_atomic(d / "a.txt", "one\\n")
>>> (d / "a.txt").read_text()
'one\\n'
>>> note_input(d / "a.txt")
>>> try:
...     write_atomic(d / "a.txt", "two\\n")
... except InputError as err:
...     print(err.message.replace(str(d), "D"))
D/a.txt: is one of this command's inputs; writing there would destroy it
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path

from .errors import SYSTEM_ERRNOS, InputError, SystemRefusal

__all__ = [
    "check_output",
    "install_signal_cleanup",
    "note_input",
    "remove_temporary_files",
    "write_atomic",
    "write_set",
]

# Inputs of this process: (device, inode) of existing files, and resolved paths.
_INPUT_IDS: set[tuple[int, int]] = set()
_INPUT_PATHS: set[str] = set()
# Temporary files this process has created and not yet renamed or removed.
_TEMPS: set[str] = set()
_INSTALLED = False
_STALE = re.compile(r"\.(.+)\.(\d+)\.[0-9a-f]+\.(tmp|bak)\Z")


def note_input(path: str | os.PathLike[str], st: os.stat_result | None = None) -> None:
    """Remember ``path`` as an input of this command: :func:`write_atomic` refuses to replace it
    (``st``: its ``os.stat``, if known)."""
    with contextlib.suppress(OSError):
        st = st or os.stat(path)
        _INPUT_IDS.add((st.st_dev, st.st_ino))
    _INPUT_PATHS.add(os.path.realpath(path))


def _kind(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def check_output(path: str | os.PathLike[str], *, replace_input: bool = False) -> Path:
    """The file to write for the output ``path`` (a symbolic link's target), or
    :class:`InputError` if ``path`` is an input, a special file or a directory."""
    given = Path(path)
    target = given.resolve()  # follows symbolic links, also dangling ones
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as err:
        raise InputError(f"{given}: cannot write: {err.strerror}", hint="choose another output path") from None
    if st is not None:
        kind = _kind(st.st_mode)
        if kind:
            raise InputError(
                f"{given}: is {kind}; an output must be a regular file",
                hint="choose another output path (leave out -o to write to stdout where the command can)",
            )
        if not replace_input and (st.st_dev, st.st_ino) in _INPUT_IDS:
            raise _is_input(given)
    if not replace_input and str(target) in _INPUT_PATHS:
        raise _is_input(given)
    return target


def _is_input(path: Path) -> InputError:
    return InputError(
        f"{path}: is one of this command's inputs; writing there would destroy it",
        hint="choose another output path",
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep(folder: Path) -> None:
    """Remove temporary files left in ``folder`` by processes that no longer run; restore the
    backups of a :func:`write_set` that was killed while renaming."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        m = _STALE.match(name)
        if not m or _alive(int(m.group(2))):
            continue
        with contextlib.suppress(OSError):
            if m.group(3) == "bak":
                _restore(folder / name, folder / m.group(1))
            else:
                os.unlink(folder / name)


def _restore(backup: Path, target: Path) -> None:
    """Put ``backup`` (a hard link of the old file) back at ``target``."""
    try:
        same = os.path.samefile(backup, target)
    except OSError:
        same = False
    if same:  # rename() of two links to one file does nothing: drop the extra link
        os.unlink(backup)
    else:
        os.replace(backup, target)


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _temp_name(target: Path, kind: str = "tmp") -> Path:
    return target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.{kind}"


def _write_temp(target: Path, data: bytes) -> Path:
    """Write ``data`` to a new temporary file beside ``target`` (with the mode the target should
    have); return its path. The file is registered for removal on failure or signal."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"{target.parent}: cannot create the folder: {err.strerror}") from None
    _sweep(target.parent)
    tmp = _temp_name(target)
    mode = _mode_for(target)
    _TEMPS.add(str(tmp))
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
    except BaseException as err:
        _discard(tmp)
        if isinstance(err, OSError) and err.errno in SYSTEM_ERRNOS:
            raise SystemRefusal.from_os_error(err, str(target)) from None
        if isinstance(err, OSError):
            raise InputError(
                f"{target}: cannot write: {err.strerror or err}", hint="choose another output path, or free space"
            ) from None
        raise
    return tmp


def _discard(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)
    _TEMPS.discard(str(tmp))


def _as_bytes(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def write_atomic(path: str | os.PathLike[str], data: str | bytes, *, replace_input: bool = False) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` through a temporary file and a rename: readers
    never see a half-written file, and an error leaves any existing file untouched.
    ``replace_input`` allows rewriting an input in place (``fmt`` does)."""
    target = check_output(path, replace_input=replace_input)
    tmp = _write_temp(target, _as_bytes(data))
    try:
        os.replace(tmp, target)
    except OSError as err:
        _discard(tmp)
        if err.errno in SYSTEM_ERRNOS:
            raise SystemRefusal.from_os_error(err, str(path)) from None
        raise InputError(f"{path}: cannot write: {err.strerror}", hint="choose another output path") from None
    except BaseException:
        _discard(tmp)
        raise
    _TEMPS.discard(str(tmp))


_HELD = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold back SIGINT, SIGTERM and SIGHUP (delivered on leaving), in the main thread."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def write_set(files: Mapping[str | os.PathLike[str], str | bytes]) -> list[Path]:
    """Write several files as a set: all are written to temporary files first, then renamed
    into place with signals held back; if a rename fails, the files already renamed are put
    back as they were. Returns the paths given."""
    targets = [(Path(p), check_output(p), _as_bytes(d)) for p, d in files.items()]
    temps: list[Path] = []
    try:
        for _, target, data in targets:
            temps.append(_write_temp(target, data))
    except BaseException:
        for tmp in temps:
            _discard(tmp)
        raise
    with _signals_held():
        backups: list[tuple[Path, Path | None]] = []  # (target, backup or None if it was new)
        try:
            for (_, target, _), tmp in zip(targets, temps, strict=True):
                backup = None
                if target.exists():
                    backup = _temp_name(target, "bak")
                    _TEMPS.add(str(backup))
                    os.link(target, backup)
                backups.append((target, backup))
                os.replace(tmp, target)
                _TEMPS.discard(str(tmp))
        except OSError as err:
            for target, backup in reversed(backups):
                with contextlib.suppress(OSError):
                    if backup is None:
                        os.unlink(target)
                    else:
                        _restore(backup, target)
                        _TEMPS.discard(str(backup))
            for tmp in temps:
                _discard(tmp)
            if err.errno in SYSTEM_ERRNOS:
                raise SystemRefusal.from_os_error(
                    err, str(err.filename or targets[0][0]), then="; the previous files are kept"
                ) from None
            raise InputError(
                f"{err.filename or targets[0][0]}: cannot write: {err.strerror}; the previous files are kept",
                hint="choose another output folder",
            ) from None
        for _, backup in backups:
            if backup is not None:
                _discard(backup)
    return [given for given, _, _ in targets]


def remove_temporary_files() -> None:
    """Remove every temporary file this process created and has not renamed yet."""
    for name in list(_TEMPS):
        _discard(Path(name))


def install_signal_cleanup() -> None:
    """Make SIGTERM and SIGHUP end the process as SIGINT does (with ``finally`` blocks and
    temporary files removed), and remove leftover temporary files at exit."""
    import atexit

    global _INSTALLED
    if _INSTALLED:
        return
    _INSTALLED = True

    def stop(signum: int, frame: object) -> None:
        remove_temporary_files()
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(ValueError, OSError):  # not the main thread
            signal.signal(sig, stop)
    atexit.register(remove_temporary_files)
