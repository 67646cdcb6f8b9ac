"""The on-disk Oxigraph store of ``--store-path DIR``: a content stamp, rebuilds, and a lock.

``DIR`` holds ``store/`` (RocksDB), ``cancer-spread-store.json`` (the stamp) and ``lock``.

- The stamp is the package version and a SHA-256 hash of every source file's content (not its
  size and modification time, which an edit can keep): the store is reused only while every
  source is byte for byte what it was built from.
- A missing, stale or damaged store (``store/`` deleted while the stamp survives, files
  truncated or overwritten) is rebuilt, with one ``note:`` line on stderr saying why.
- Readers share the store (each opens it read-only under a shared lock on ``DIR/lock``); a
  process that must rebuild takes the lock exclusively. A process that has to wait says so in
  one line and waits; none fails with a lock error.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> src = folder / "a.ttl"
>>> _ = src.write_text("<urn:a> <urn:b> <urn:c> .\\n", encoding="utf-8")
>>> def fill(store):
...     store.load(path=str(src), format=__import__("pyoxigraph").RdfFormat.TURTLE)
>>> notes = []
>>> store, lock = open_on_disk(folder / "s", content_signature([src], "0"), fill, notify=notes.append)
>>> len(store), notes[0].startswith("note: building the store")
(1, True)
>>> del store, lock
>>> store, lock = open_on_disk(folder / "s", content_signature([src], "0"), fill, notify=notes.append)
>>> len(notes)
1
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .errors import InputError, LoadError

__all__ = ["LOCK_NAME", "STAMP_NAME", "StoreLock", "content_signature", "open_on_disk"]

STAMP_NAME = "cancer-spread-store.json"
LOCK_NAME = "lock"
_STORE = "store"


def _hash(path: Path) -> str:
    from .gate import _require_regular

    digest = hashlib.sha256()
    try:
        _require_regular(path, os.stat(path).st_mode, "Turtle file")  # a FIFO would block
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except FileNotFoundError:
        raise LoadError(f"{path}: no such file", hint="check the path") from None
    except OSError as err:
        raise LoadError(f"{path}: cannot read: {err.strerror}") from None
    return digest.hexdigest()


def content_signature(files: Sequence[str | os.PathLike[str]], version: str) -> dict[str, Any]:
    """The stamp of a store built from ``files`` by package ``version``: each file's resolved
    path and the SHA-256 of its content."""
    return {"version": version, "files": [[str(Path(f).resolve()), _hash(Path(f))] for f in files]}


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class StoreLock:
    """An advisory lock on ``DIR/lock``: shared for readers, exclusive for the one rebuilding."""

    def __init__(self, folder: Path, notify: Callable[[str], None]) -> None:
        self.folder = folder
        self.notify = notify
        self.mode: int | None = None
        try:
            self.fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError as err:
            raise InputError(f"{folder}: cannot use as a store folder: {err.strerror}") from None

    def _take(self, mode: int, what: str) -> None:
        if self.mode == mode:
            return
        try:
            fcntl.flock(self.fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            self.notify(f"note: waiting for another cancer-spread process {what} the store at {self.folder}")
            fcntl.flock(self.fd, mode)
        self.mode = mode

    def shared(self) -> None:
        self._take(fcntl.LOCK_SH, "that is rebuilding")

    def exclusive(self) -> None:
        self._take(fcntl.LOCK_EX, "that is using")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)

    def __del__(self) -> None:
        self.close()


def _stale(folder: Path, signature: dict[str, Any]) -> str | None:
    """Why the store in ``folder`` cannot be used as it is (None if it can)."""
    stamp = folder / STAMP_NAME
    try:
        current = json.loads(stamp.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "building the store" if not (folder / _STORE).exists() else "the store has no stamp: rebuilding it"
    except (OSError, ValueError):
        return "the store's stamp is unreadable: rebuilding the store"
    if not (folder / _STORE / "CURRENT").is_file():
        return "the store is missing: rebuilding it"
    if current != signature:
        return "the source files changed: rebuilding the store"
    return None


def _open_read_only(folder: Path) -> Any:
    """The store opened read-only, or None if it cannot be opened or read."""
    import pyoxigraph as ox

    try:
        inner = ox.Store.read_only(str(folder / _STORE))
        next(iter(inner.quads_for_pattern(None, None, None)), None)  # reads data: fails on damage
        return inner
    except (OSError, ValueError, RuntimeError):
        return None


def open_on_disk(
    folder: str | os.PathLike[str],
    signature: dict[str, Any],
    fill: Callable[[Any], None],
    *,
    notify: Callable[[str], None] = _stderr,
) -> tuple[Any, StoreLock]:
    """The ``pyoxigraph.Store`` in ``folder`` for sources with ``signature``, rebuilt with
    ``fill(store)`` when missing, stale or damaged; and the lock that must be kept (shared) for
    as long as the store is used."""
    import pyoxigraph as ox

    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"--store-path {folder}: cannot create the folder: {err.strerror}") from None
    if not folder.is_dir():
        raise InputError(f"--store-path {folder}: not a folder")
    lock = StoreLock(folder, notify)
    lock.shared()
    reason = _stale(folder, signature)
    if reason is None:
        inner = _open_read_only(folder)
        if inner is not None:
            return inner, lock
    lock.exclusive()
    reason = _stale(folder, signature)  # another process may have rebuilt it while we waited
    if reason is None:
        inner = _open_read_only(folder)
        if inner is not None:
            lock.shared()
            return inner, lock
        reason = "the store is damaged: rebuilding it"
    notify(f"note: {reason} at {folder} (once, from the source files)")
    (folder / STAMP_NAME).unlink(missing_ok=True)
    shutil.rmtree(folder / _STORE, ignore_errors=True)
    try:
        inner = ox.Store(str(folder / _STORE))
    except OSError as err:
        raise InputError(f"--store-path {folder}: cannot create the store: {err}") from None
    fill(inner)
    inner.flush()
    from .files import write_atomic

    write_atomic(folder / STAMP_NAME, json.dumps(signature))
    lock.shared()
    return inner, lock
