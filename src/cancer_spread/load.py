"""Parse and merge the Turtle files, then add what the build derives.

>>> g = load_graph()
>>> from cancer_spread.namespaces import CS, CANCER, SITE
>>> (CANCER.breast, CS.spreadsTo, SITE.liver) in g
True
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from rdflib import Graph

from .derivation import add_dataset_description, derive
from .errors import LoadError
from .namespaces import bind_prefixes
from .paths import file_signature, find_paths

__all__ = ["add_dataset_description", "derive", "load_files", "load_graph", "parse_file"]

_GRAPH_CACHE: dict[tuple, Graph] = {}


def _position(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line = before.count(b"\n") + 1
    col = offset - (before.rfind(b"\n") + 1) + 1
    return line, col


def parse_file(path: Path, graph: Graph | None = None) -> Graph:
    """Parse one Turtle file into ``graph`` (a new one by default).

    Errors become :class:`LoadError` with a ``file:line:col: message`` text.
    """
    from rdflib.plugins.parsers.notation3 import BadSyntax

    graph = bind_prefixes(Graph()) if graph is None else graph
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise LoadError(f"{path}: no such file", hint="check the path") from None
    except OSError as err:
        raise LoadError(f"{path}: cannot read: {err.strerror}") from None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        line, col = _position(data, err.start)
        raise LoadError(
            f"{path}:{line}:{col}: not UTF-8 text ({err.reason})",
            hint="save the file as UTF-8",
        ) from None
    try:
        graph.parse(data=data, format="turtle", publicID=path.resolve().as_uri())
    except BadSyntax as err:
        line, col = _position(err._str, err._i)
        why = err._why
        hint = None
        if "not bound" in why:
            hint = "declare the prefix with an @prefix line at the top of the file"
        raise LoadError(f"{path}:{line}:{col}: {why}", hint=hint) from None
    except Exception as err:  # rdflib raises assorted errors for odd literals and IRIs
        raise LoadError(f"{path}: {type(err).__name__}: {err}") from None
    return graph


def load_files(paths: Iterable[Path]) -> Graph:
    """Parse and merge ``paths`` into one graph, with the project's prefixes bound."""
    graph = bind_prefixes(Graph())
    for path in paths:
        parse_file(Path(path), graph)
    return graph


def load_graph(
    root: str | os.PathLike[str] | None = None,
    *,
    extra: Sequence[str | os.PathLike[str]] = (),
    derived: bool = True,
    cache: bool = True,
) -> Graph:
    """Load the merged graph: ontology, curated graph, and any ``extra`` Turtle files (for
    example cohort evidence written by ``cancer-spread ingest``), plus the derived triples and
    the dataset description.

    The result is cached per process and rebuilt when any source file changes; treat it as
    read-only (pass ``cache=False`` for a private copy).
    """
    from .version import __version__

    paths = find_paths(root)
    files = paths.turtle_files() + [Path(p) for p in extra]
    key = (str(file_signature(files)), derived)
    if cache and key in _GRAPH_CACHE:
        return _GRAPH_CACHE[key]
    graph = load_files(files)
    if derived:
        derive(graph, paths)
        add_dataset_description(graph, __version__)
    if cache:
        _GRAPH_CACHE.clear()
        _GRAPH_CACHE[key] = graph
    return graph
