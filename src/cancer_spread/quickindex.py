"""The start-up path's index (:mod:`cancer_spread.quick`): written beside each store snapshot by
:mod:`cancer_spread.snapshot`, read by the start-up path. Its format lives here, in one place.

The index holds, for each command of :data:`COMMANDS`: its named query's text with the
parameter's VALUES block written around :data:`_PLACEHOLDER`; every name, synonym and code that the
full path resolves to exactly one entity, with that entity; the list columns and layout of the
answer. With them: the package version, the snapshot's store folder, the query prefixes, and the
stamps (path, modification time, size) of every source file and folder, so that any change makes
the index stale.
"""

from __future__ import annotations

import marshal
import os
import zlib

__all__ = ["COMMANDS", "INDEX", "current_index", "index_is_current", "write_index"]

#: The commands the start-up path answers: command -> (named query, its one parameter).
COMMANDS = {"sites": ("metastatic-sites", "cancer"), "primaries": ("primaries-for-site", "site")}
#: The package's own folder: its data tree (``_data`` of a wheel, or the checkout) is the default.
PACKAGE = os.path.dirname(os.path.realpath(__file__))
#: The index's file name in the cache folder, one per package folder: two checkouts, or a wheel
#: and a checkout, sharing a cache folder never read each other's index.
INDEX = f"quick-index-{zlib.crc32(PACKAGE.encode('utf-8', 'surrogatepass')):08x}.marshal"
_FORMAT = 1
_PLACEHOLDER = "<urn:x-cancer-spread:quick-parameter>"
_IRI_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#@!$&'()*+,;=%")


def write_index(folder: str | os.PathLike[str], store_dir: str | os.PathLike[str], store: object) -> None:
    """Save the start-up path's index for the snapshot in ``store_dir`` (opened as ``store``)
    in the cache ``folder``: through a temporary file and a rename, so a reader sees all or none.
    Only for the default data tree; an unwritable folder is left alone."""
    from .binding import bind_params, named_query
    from .errors import CancerSpreadError
    from .namespaces import PREFIXES
    from .paths import find_paths
    from .queries import values_text
    from .resolve import DEFAULT_PREFERENCE, resolver_for
    from .results import Term
    from .version import __version__

    paths = find_paths(None)
    resolver = resolver_for(store)
    keys = sorted({key for tier in resolver.index for key in tier})
    commands = {}
    query_files = []
    for command, (name, param) in COMMANDS.items():
        query = named_query(name)
        query_files.append(query.path)
        spec = query.params[param]
        names: dict[str, str] = {}
        for key in keys:
            if len(resolver.lookup(key, spec.type, spec.prefer or DEFAULT_PREFERENCE)) != 1:
                continue  # unknown, ambiguous or of another kind: the full path explains
            try:
                bound = bind_params(query, store, {param: key})
            except CancerSpreadError:
                continue
            iri = bound[param].value
            if set(iri) <= _IRI_CHARS:
                names[key] = iri
        template = values_text(query.text, {param: Term("uri", _PLACEHOLDER[1:-1])})
        if template.count(_PLACEHOLDER) < 1:
            continue
        commands[command] = {
            "names": names,
            "template": template,
            "lists": dict(query.list_columns),
            "layout": query.layout,
        }
    index = {
        "format": _FORMAT,
        "version": __version__,
        "package": PACKAGE,
        "store": os.path.abspath(os.path.join(store_dir, "store")),
        "prefixes": dict(PREFIXES),
        "stamps": _stamps(paths, query_files),
        "commands": commands,
    }
    tmp = os.path.join(folder, f".{INDEX}-{os.getpid()}")
    try:
        with open(tmp, "wb") as f:
            marshal.dump(index, f)
        os.replace(tmp, os.path.join(folder, INDEX))
    except OSError:
        import contextlib

        with contextlib.suppress(OSError):
            os.unlink(tmp)


def current_index(folder: str | os.PathLike[str], store_dir: str | os.PathLike[str] | None = None) -> dict | None:
    """The index in ``folder`` if it is current: of this format, package version and package
    folder, for the snapshot ``store_dir`` (any, if not given), and with every source file and
    folder unchanged since it was written; else ``None``. The one place that says when an index
    may be used (the start-up path reads it; the snapshot rewrites it when this says ``None``)."""
    from .version import __version__

    try:
        with open(os.path.join(folder, INDEX), "rb") as f:
            index = marshal.loads(f.read())  # marshal.load(f) reads in small pieces: 5x slower
        if index.get("format") != _FORMAT or index.get("version") != __version__ or index.get("package") != PACKAGE:
            return None
        if store_dir is not None and index["store"] != os.path.abspath(os.path.join(store_dir, "store")):
            return None
        stat = os.stat
        for path, mtime, size in index["stamps"]:
            st = stat(path)
            if st.st_mtime_ns != mtime or st.st_size != size:
                return None
    except (OSError, EOFError, ValueError, TypeError, KeyError, AttributeError):
        return None  # missing, damaged, or a source gone
    return index


def index_is_current(folder: str | os.PathLike[str], store_dir: str | os.PathLike[str]) -> bool:
    """Whether the index in ``folder`` belongs to the snapshot ``store_dir`` and is current."""
    return current_index(folder, store_dir) is not None


def _stamps(paths: object, query_files: list[object]) -> list[tuple[str, int, int]]:
    """(path, modification time, size) of every source of an answer: the Turtle files, the
    derivation's and the commands' queries, the package's code, and every folder holding them
    (a folder's time changes when a file is added or removed)."""
    here = PACKAGE
    files = [str(p) for p in paths.turtle_files()]  # type: ignore[attr-defined]
    files += sorted(str(p) for p in (paths.queries / "construct").glob("*.rq"))  # type: ignore[attr-defined]
    files += [str(p) for p in query_files]
    folders = {str(paths.ontology), str(paths.queries), str(paths.queries / "construct")}  # type: ignore[attr-defined]
    for top in (str(paths.graph), here):  # type: ignore[attr-defined]
        for folder, dirs, names in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            folders.add(folder)
            if top == here:
                files += [os.path.join(folder, n) for n in sorted(names) if n.endswith(".py")]
    out = []
    for path in sorted(set(files)) + sorted(folders):
        st = os.stat(path)
        out.append((os.path.realpath(path), st.st_mtime_ns, st.st_size))
    return out
