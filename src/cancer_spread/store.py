"""The merged graph in an embedded Oxigraph store: the fast engine of the query commands.

Oxigraph (Rust, through ``pyoxigraph``) parses the Turtle files, derives the same triples as
:func:`cancer_spread.load.load_graph` (the CONSTRUCT queries of ``queries/construct/`` and the
dataset description) and answers SPARQL, without importing rdflib: a cold command answers in a
fraction of rdflib's import time alone, and large graphs load and query one to two orders of
magnitude faster. Answers are those of the rdflib engine: the test suite runs every named query
on both.

With ``path`` the store lives on disk (RocksDB) and is reused while the source files are
unchanged, so a large graph is parsed once.

>>> store = Store.load()
>>> len(store) > 5000
True
>>> store.select("SELECT ?c WHERE { ?c cs:spreadsTo site:adrenal-gland } ORDER BY ?c LIMIT 1")[0]["c"]
'https://w3id.org/cancer-spread/cancer/kidney'
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .derivation import dataset_description
from .errors import LoadError, QueryError
from .namespaces import BASE, PREFIXES
from .paths import DataPaths, file_signature, find_paths
from .results import Results, Term

__all__ = ["Store"]

_CS = BASE + "vocab/"
_FORMATS = {".ttl": "TURTLE", ".nt": "N_TRIPLES", ".nq": "N_QUADS", ".trig": "TRIG", ".jsonld": "JSON_LD"}
_BULK_BYTES = 8_000_000
_SIGNATURE = "cancer-spread-store.json"
_CACHE: dict[tuple, Store] = {}


def _ox_term(term: Term) -> Any:
    import pyoxigraph as ox

    if term.kind == "uri":
        return ox.NamedNode(term.value)
    if term.kind == "bnode":
        return ox.BlankNode(term.value)
    if term.lang:
        return ox.Literal(term.value, language=term.lang)
    if term.datatype:
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))
    return ox.Literal(term.value)


_OX_ERROR = re.compile(r"error at (\d+):(\d+)[^:]*: ?(.*)", re.S)


class Store:
    """The merged, derived graph in a ``pyoxigraph.Store``."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(
        cls,
        root: str | os.PathLike[str] | None = None,
        *,
        extra: Sequence[str | os.PathLike[str]] = (),
        path: str | os.PathLike[str] | None = None,
        cache: bool = True,
    ) -> Store:
        """The ontology, the curated graph and ``extra`` files (Turtle, or N-Triples/N-Quads by
        their suffix), with the derived triples and the dataset description. ``path`` keeps the
        store on disk and reuses it while no source file has changed."""
        import pyoxigraph as ox

        from .version import __version__

        paths = find_paths(root)
        files = paths.turtle_files() + [Path(p) for p in extra]
        signature = {"version": __version__, "files": file_signature(files)}
        key = (json.dumps(signature), str(path))
        if cache and key in _CACHE:
            return _CACHE[key]
        if path is not None:
            folder = Path(path)
            folder.mkdir(parents=True, exist_ok=True)
            stamp = folder / _SIGNATURE
            inner = ox.Store(str(folder / "store"))
            store = cls(inner)
            try:
                current = json.loads(stamp.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                current = None  # no stamp, or an unreadable one: rebuild
            if current != signature:
                stamp.unlink(missing_ok=True)
                inner.clear()
                store._fill(files, paths, __version__, on_disk=True)
                inner.flush()
                from .files import write_atomic

                write_atomic(stamp, json.dumps(signature))
        else:
            store = cls(ox.Store())
            store._fill(files, paths, __version__)
        if cache:
            _CACHE.clear()
            _CACHE[key] = store
        return store

    def add_file(self, path: Path, *, bulk: bool = False) -> None:
        """Parse one RDF file into the store (Turtle, or N-Triples/N-Quads/TriG/JSON-LD by suffix).

        ``bulk`` uses Oxigraph's bulk loader for large files, which is faster on disk but holds
        more memory; an in-memory store always uses the transactional loader (a third less peak
        memory at 10^6 triples, as fast).
        """
        import pyoxigraph as ox

        fmt = getattr(ox.RdfFormat, _FORMATS.get(path.suffix.lower(), "TURTLE"))
        try:
            if bulk and path.stat().st_size > _BULK_BYTES:
                self.inner.bulk_load(path=str(path), format=fmt, base_iri=path.resolve().as_uri())
            else:
                self.inner.load(path=str(path), format=fmt, base_iri=path.resolve().as_uri())
        except (SyntaxError, ValueError) as err:
            self._explain_load_error(path, err)
        except OSError as err:
            raise LoadError(f"{path}: cannot read: {err.strerror or err}") from None

    def _fill(self, files: Iterable[Path], paths: DataPaths, version: str, *, on_disk: bool = False) -> None:
        for f in files:
            self.add_file(Path(f), bulk=on_disk)
        self.derive(paths)
        self.describe(version)

    @staticmethod
    def _explain_load_error(path: Path, err: Exception) -> None:
        # The rdflib parser gives the project's own file:line:col message and hint; use it when
        # it agrees that the file is broken, else report Oxigraph's own position.
        if path.suffix.lower() == ".ttl":
            from .load import parse_file

            parse_file(path)
        m = _OX_ERROR.search(str(err))
        where = f"{path}:{m.group(1)}:{m.group(2)}" if m else str(path)
        raise LoadError(
            f"{where}: {m.group(3).strip() if m else err}",
            hint=f"fix the file there, or check that its suffix ({path.suffix or 'none'}) names its format",
        ) from None

    def derive(self, paths: DataPaths | None = None) -> None:
        """Add the results of ``queries/construct/*.rq`` (as :func:`cancer_spread.derivation.derive`)."""
        import pyoxigraph as ox

        from .queries import load_construct_queries

        for query in load_construct_queries(paths or find_paths()):
            triples = list(self.inner.query(query.text))
            self.inner.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
        from .mappings import link_oxigraph

        link_oxigraph(self.inner, paths or find_paths())

    def describe(self, version: str) -> None:
        """Add the VoID/DCAT description with counts computed from the store."""
        import pyoxigraph as ox

        n_triples = len(self.inner)
        [row] = list(self.inner.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?s)) }"))
        n_entities = int(row["n"].value)
        counts = {
            sol["c"].value: int(sol["n"].value)
            for sol in self.inner.query(
                "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c "
                f'FILTER(isIRI(?c) && STRSTARTS(STR(?c), "{_CS}")) }} GROUP BY ?c'
            )
        }
        triples = dataset_description(n_triples, n_entities, counts, version)
        self.inner.extend(ox.Quad(*(_ox_term(t) for t in triple), ox.DefaultGraph()) for triple in triples)

    def __len__(self) -> int:
        return len(self.inner)

    # ------------------------------------------------------------------ querying
    def raw(self, text: str, *, timeout: float | None = None, origin: str = "query") -> Any:
        """Run SPARQL ``text`` (the project's prefixes predeclared); the pyoxigraph result.

        A syntax error becomes :class:`QueryError` with ``origin:line:col``; updates are refused;
        with ``timeout`` a query still running after that many seconds is abandoned with a
        :class:`QueryError` (Oxigraph cannot be interrupted, so its thread finishes in the
        background).
        """

        def run() -> Any:
            result = self.inner.query(text, prefixes=PREFIXES)
            # Materialise here, so that the work (and any error) happens in this thread.
            if hasattr(result, "variables"):
                return _Solutions(result.variables, list(result))
            if isinstance(result, bool) or type(result).__name__ == "QueryBoolean":
                return bool(result)
            return list(result)

        try:
            if not timeout:
                return run()
            return _with_time_limit(run, timeout)
        except SyntaxError as err:
            from .queries import _looks_like_update

            # Store.query() parses queries only, so an update is a syntax error to Oxigraph.
            if _looks_like_update(text):
                raise QueryError(
                    f"{origin}: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE...) is refused: "
                    "the graph is read-only",
                    hint="edit the Turtle files under graph/ instead",
                ) from None
            m = _OX_ERROR.search(str(err))
            if not m:
                raise QueryError(f"{origin}: SPARQL syntax error: {err}") from None
            line, col = int(m.group(1)), int(m.group(2))
            lines = text.splitlines() or [""]
            bad = lines[line - 1] if 0 < line <= len(lines) else ""
            raise QueryError(
                f"{origin}:{line}:{col}: SPARQL syntax error: {m.group(3).strip()}\n    {bad}\n    {' ' * (col - 1)}^"
            ) from None
        except OSError as err:  # pyoxigraph raises OSError for evaluation errors (e.g. SERVICE)
            raise QueryError(f"{origin}: {err}") from None

    def select(self, text: str, *, timeout: float | None = None) -> Results:
        """Run a SELECT and return :class:`Results`."""
        result = self.raw(text, timeout=timeout)
        if not isinstance(result, _Solutions):
            raise QueryError("query: not a SELECT query", hint="use sparql() for ASK and CONSTRUCT")
        return Results([v.value for v in result.variables], result.rows)

    # ------------------------------------------------------------------ the engine interface
    # (cancer_spread.engine.Engine: query, ask, construct, count, close)
    name = "oxigraph"

    def query(self, text: str, *, bindings: Any = None, timeout: float | None = None) -> Results:
        """Run a SELECT with ``bindings`` written in as VALUES blocks; :class:`Results`."""
        if bindings:
            from .queries import values_text

            text = values_text(text, bindings)
        return self.select(text, timeout=timeout)

    def ask(self, text: str, *, timeout: float | None = None) -> bool:
        """Run an ASK."""
        result = self.raw(text, timeout=timeout)
        if not isinstance(result, bool):
            raise QueryError("query: not an ASK query")
        return result

    def construct(self, text: str, *, timeout: float | None = None) -> Any:
        """Run a CONSTRUCT or DESCRIBE; the triples as an rdflib ``Graph``."""
        from rdflib import Graph

        from .namespaces import bind_prefixes
        from .queries import to_rdflib
        from .results import neutral

        result = self.raw(text, timeout=timeout)
        if isinstance(result, bool | _Solutions):
            raise QueryError("query: not a CONSTRUCT or DESCRIBE query")
        out = bind_prefixes(Graph())
        for t in result:
            out.add(tuple(to_rdflib(neutral(x)) for x in (t.subject, t.predicate, t.object)))
        return out

    def count(self) -> int:
        """The number of triples in the store."""
        return len(self.inner)

    def close(self) -> None:
        """Write an on-disk store's pending changes (the store stays in the process's cache)."""
        self.inner.flush()


class _Solutions:
    def __init__(self, variables: Any, solutions: list[Any]) -> None:
        self.variables = variables
        self.rows = [tuple(sol) for sol in solutions]  # a solution iterates in variable order


def _with_time_limit(func: Any, seconds: float) -> Any:
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = func()
        except BaseException as err:  # handed to the caller's thread
            box["error"] = err

    worker = threading.Thread(target=target, name="cancer-spread-query", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise QueryError(
            f"query stopped: it ran longer than the time limit of {seconds:g} s",
            hint="narrow the query, or raise the limit with --timeout",
        )
    if "error" in box:
        raise box["error"]
    return box["value"]
