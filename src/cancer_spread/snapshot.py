"""A snapshot of the merged, derived Oxigraph store on disk, reused by the next process.

A cold command (``cancer-spread sites breast``) would otherwise parse every Turtle file and run
the derivation before it can answer. The first run writes the finished store to the user's
cache folder under a name made from the SHA-256 of the sources' *content* (and the package
version); later runs open that store read-only, which takes milliseconds. A changed, added or
removed source (a Turtle file, a CONSTRUCT query of the derivation, or the package's own code)
gives another name, so a stale snapshot is never used; old snapshots are pruned.

The cache folder is ``$CANCER_SPREAD_CACHE`` if set (``off`` turns snapshots off), else
``$XDG_CACHE_HOME/cancer-spread`` or ``~/.cache/cancer-spread``. A snapshot is written to a
temporary folder and renamed into place, so a reader never sees half of one; if the folder
cannot be written the store is simply built in memory, as without snapshots.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from .cachedir import cache_dir
from .paths import file_signature, find_paths
from .store import Store
from .version import __version__

__all__ = ["cache_dir", "content_key", "load_store"]

#: Snapshots kept in the cache folder (the most recently used first).
KEEP = 4
_DONE = "cancer-spread-snapshot"
_NAMES = "names-index.json"
_OPENED: dict[str, Store] = {}


def content_key(files: Sequence[Path], version: str = __version__) -> str:
    """SHA-256 of the package version and of each file's name and bytes, in order.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "a.ttl"
    >>> _ = f.write_text("<urn:a> <urn:b> <urn:c> .")
    >>> k = content_key([f]); _ = f.write_text("<urn:a> <urn:b> <urn:d> .")
    >>> k == content_key([f]), len(k)
    (False, 64)
    """
    from .gate import read_regular  # FIFOs, devices and oversized files are refused, never read

    h = hashlib.sha256(f"cancer-spread {version}\n".encode())
    for f in files:
        data = read_regular(f, what="Turtle file")
        h.update(f"{Path(f).name}\n{len(data)}\n".encode())
        h.update(data)
    return h.hexdigest()


def load_store(root: str | os.PathLike[str] | None = None, *, extra: Sequence[str | os.PathLike[str]] = ()) -> Store:
    """The merged, derived store: the snapshot of these sources if there is one, else built
    (as :meth:`Store.load`) and saved as a snapshot for the next process."""
    paths = find_paths(root)
    # The derivation's CONSTRUCT queries are sources too: they decide the derived triples.
    files = paths.turtle_files() + [Path(p) for p in extra] + sorted((paths.queries / "construct").glob("*.rq"))
    signature = repr(file_signature(files))  # cheap: reuse within this process while unchanged
    if signature in _OPENED:
        return _OPENED[signature]
    folder = cache_dir()
    store = None
    if folder is not None:
        # The code that builds the store is a source too (a checkout changes without a new version).
        key = _known_key(folder, files + _code_files())
        snap = folder / f"store-{key[:40]}"
        store = _open(snap)
        if store is None:
            store = Store.load(root, extra=list(extra), cache=False)
            _save(store, folder, snap)
        if root is None and not extra and not os.environ.get("CANCER_SPREAD_ROOT"):
            _keep_quick_index(folder, snap, store)
    if store is None:
        store = Store.load(root, extra=list(extra), cache=False)
    _OPENED.clear()
    _OPENED[signature] = store
    return store


def _keep_quick_index(folder: Path, snap: Path, store: Store) -> None:
    """Write the start-up path's index (:mod:`cancer_spread.quickindex`) for this snapshot unless
    the current one is for it."""
    from .quickindex import index_is_current, write_index

    if snap.is_dir() and not index_is_current(folder, snap):
        write_index(folder, snap, store)


def _code_files() -> list[str]:
    """The package's Python files (the code that builds a store is one of its sources)."""
    here = os.path.dirname(os.path.realpath(__file__))
    out = []
    for folder, dirs, names in os.walk(here):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        out += [os.path.join(folder, n) for n in sorted(names) if n.endswith(".py")]
    return out


def _known_key(folder: Path, files: Sequence[Path]) -> str:
    """:func:`content_key` of ``files``, remembered in the cache folder under their signature
    (path, modification time in nanoseconds, size), as git's index does: while no file is
    touched, the next process does not read and hash every source again."""
    import json

    stat = os.stat
    stamp = hashlib.sha256(
        repr([(str(f), (s := stat(f)).st_mtime_ns, s.st_size, s.st_ino) for f in files]).encode()
    ).hexdigest()
    known = folder / "keys.json"
    try:
        keys = json.loads(known.read_text(encoding="utf-8"))
        key = keys.get(stamp) if isinstance(keys, dict) else None
        if isinstance(key, str) and len(key) == 64:
            return key
    except (OSError, ValueError):
        keys = {}
    key = content_key(files)
    keys = dict(keys) if isinstance(keys, dict) else {}
    keys[stamp] = key
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".keys-{os.getpid()}.json"
        tmp.write_text(json.dumps(dict(list(keys.items())[-KEEP * 4 :])), encoding="utf-8")
        os.replace(tmp, known)  # whole or not at all
    except OSError:
        pass  # an unwritable cache: hash again next time
    return key


def _open(snap: Path) -> Store | None:
    if not (snap / _DONE).is_file():
        return None
    import pyoxigraph as ox

    try:
        inner = ox.Store.read_only(str(snap / "store"))
    except OSError:
        return None  # damaged or from another pyoxigraph: rebuilt below
    os.utime(snap / _DONE)  # most recently used: pruned last
    store = Store(inner)
    store.read_only = True
    _remember_names(store, snap / _NAMES)
    return store


def _remember_names(store: Store, path: Path) -> None:
    """Give the store its name index from the snapshot (saves a query over every label and the
    building of the index)."""
    import json

    from .resolve import _RESOLVERS, Resolver

    try:
        _RESOLVERS[store] = Resolver.from_state(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return  # built from the store when first needed


def _save(store: Store, folder: Path, snap: Path) -> None:
    """Write ``store`` as the snapshot ``snap`` (through a temporary folder and a rename)."""
    import shutil
    import tempfile

    import pyoxigraph as ox

    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".store-", dir=folder))
    except OSError:
        return  # no writable cache: answer from memory
    try:
        disk = ox.Store(str(tmp / "store"))
        disk.extend(store.inner)
        disk.flush()
        del disk
        (tmp / _NAMES).write_text(_name_rows(store), encoding="utf-8")
        (tmp / _DONE).write_text(__version__ + "\n", encoding="utf-8")
        os.rename(tmp, snap)
    except OSError:
        pass  # e.g. another process renamed its snapshot into place first
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _prune(folder)


def _name_rows(store: Store) -> str:
    """The store's name index (:class:`cancer_spread.resolve.Resolver`) as JSON."""
    import json

    from .resolve import RECORDS_QUERY, Resolver, records_from_rows

    rows = store.select(RECORDS_QUERY).rows
    records = records_from_rows(
        (r.value, c.value, p.value if p else None, o.value if o else None) for r, c, p, o in rows
    )
    return json.dumps(Resolver(records=records).state())


def _prune(folder: Path) -> None:
    import shutil

    def used(p: Path) -> float:
        try:
            return (p / _DONE).stat().st_mtime
        except OSError:
            return 0.0

    snaps = sorted((p for p in folder.glob("store-*") if p.is_dir()), key=used, reverse=True)
    for old in snaps[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
