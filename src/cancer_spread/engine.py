"""The engines that answer SPARQL, behind one small interface, chosen in one place.

Three engines give the same answers:

- ``oxigraph``: the merged graph in an embedded Oxigraph store (:class:`cancer_spread.store.Store`,
  the default: fast, and a cold query needs no rdflib);
- ``rdflib``: the merged rdflib ``Graph`` (:class:`RdflibEngine`; pure Python);
- ``remote``: a SPARQL endpoint the graph was pushed to (:class:`RemoteEngine`).

Each has the five methods of :class:`Engine`; :func:`open_engine` is the one place that picks
one, and :func:`as_engine` adapts what callers hand to the API (a store, an rdflib graph, an
engine). Loading lives in :mod:`cancer_spread.load` and :mod:`cancer_spread.store`, derivation
in :mod:`cancer_spread.derivation`.

>>> engine = open_engine("rdflib")
>>> engine.ask("ASK { cancer:breast cs:spreadsTo site:bone }")
True
>>> engine.query("SELECT ?s WHERE { ?s cs:spreadsTo ?o } LIMIT 1").columns
['s']
>>> engine.count() == len(engine.graph)
True
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from .errors import InputError, QueryError
from .results import Results

if TYPE_CHECKING:  # pragma: no cover
    from rdflib import Graph

__all__ = [
    "ENGINES",
    "Engine",
    "RdflibEngine",
    "RemoteEngine",
    "as_engine",
    "default_engine",
    "names_source",
    "open_engine",
    "time_limit",
]

#: The embedded engines, the default first.
ENGINES = ("oxigraph", "rdflib")


@runtime_checkable
class Engine(Protocol):
    """What every engine does. The project's prefixes are predeclared in every query text;
    updates are refused; ``timeout`` (seconds) stops a query with a :class:`QueryError`."""

    name: str

    def query(self, text: str, *, bindings: Mapping[str, Any] | None = None, timeout: float | None = None) -> Results:
        """Run a SELECT. ``bindings`` (variable -> RDF term, or a list of terms) are applied as
        VALUES: values are never pasted into the text as strings."""
        ...

    def ask(self, text: str, *, timeout: float | None = None) -> bool:
        """Run an ASK."""
        ...

    def construct(self, text: str, *, timeout: float | None = None) -> Graph:
        """Run a CONSTRUCT or DESCRIBE; the triples as an rdflib ``Graph``."""
        ...

    def count(self) -> int:
        """The number of triples the engine holds (for a remote store: in the graph it serves)."""
        ...

    def close(self) -> None:
        """Let go of what the engine holds (nothing to do for the cached in-memory engines)."""
        ...


# ---------------------------------------------------------------------- choosing


def default_engine() -> str:
    """``$CANCER_SPREAD_STORE`` if set (``oxigraph`` or ``rdflib``), else ``oxigraph``."""
    engine = os.environ.get("CANCER_SPREAD_STORE", ENGINES[0]).strip().lower() or ENGINES[0]
    if engine not in ENGINES:
        raise InputError(f"CANCER_SPREAD_STORE={engine!r}: unknown engine", hint="use oxigraph or rdflib")
    return engine


def open_engine(
    kind: str | None = None,
    root: Any = None,
    *,
    extra: Any = (),
    path: Any = None,
    endpoint: str | None = None,
    default_graph: str | None = None,
    user: str | None = None,
) -> Engine:
    """The engine holding the merged graph: ``kind`` is ``oxigraph`` or ``rdflib`` (default:
    :func:`default_engine`); ``path`` keeps the Oxigraph store on disk; with ``endpoint`` the
    queries go to that SPARQL store (as ``user``, password from ``$CANCER_SPREAD_PASSWORD``), and
    names are resolved on the local ``kind`` engine."""
    kind = kind or default_engine()
    if endpoint:
        local = open_engine(kind, root, extra=extra, path=path)
        return RemoteEngine(endpoint, default_graph=default_graph, local=local, user=user)
    if kind == "oxigraph":
        try:
            import pyoxigraph  # noqa: F401
        except ModuleNotFoundError:
            raise InputError(
                "the oxigraph engine needs the pyoxigraph package, which is not installed",
                hint="pip install 'pyoxigraph>=0.5,<0.6', or use --store rdflib",
            ) from None
        if path is None:
            from .snapshot import load_store

            return load_store(root, extra=list(extra))
        from .store import Store

        return Store.load(root, extra=list(extra), path=path)
    if kind == "rdflib":
        if path is not None:
            raise InputError("--store-path needs the oxigraph store", hint="drop --store rdflib")
        from .load import load_graph

        return RdflibEngine(load_graph(root, extra=list(extra)))
    raise InputError(f"unknown store {kind!r}", hint="use oxigraph or rdflib")


def as_engine(graph: Any = None) -> Engine:
    """``graph`` as an engine: an engine as it is, an rdflib ``Graph`` wrapped in
    :class:`RdflibEngine`, ``None`` the default engine's merged graph."""
    if graph is None:
        return open_engine()
    if isinstance(graph, Engine):
        return graph
    if hasattr(graph, "triples") and hasattr(graph, "query"):  # an rdflib Graph
        return RdflibEngine(graph)
    raise InputError(f"cannot query a {type(graph).__name__}", hint="pass load_graph(), a Store or an engine")


def names_source(engine: Engine) -> Any:
    """What names, synonyms and codes are resolved on: the local graph, also for a remote store."""
    if isinstance(engine, RemoteEngine):
        return names_source(engine.local)
    if isinstance(engine, RdflibEngine):
        return engine.graph
    return engine


# ---------------------------------------------------------------------- time limits


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Stop the enclosed query after ``seconds`` with a :class:`QueryError` (main thread only;
    elsewhere the limit is not enforced)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise QueryError(
            f"query stopped: it ran longer than the time limit of {seconds:g} s",
            hint="narrow the query, or raise the limit with --timeout",
        )

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ---------------------------------------------------------------------- rdflib


class RdflibEngine:
    """The merged rdflib ``Graph`` as an engine (parsed queries are reused)."""

    name = "rdflib"

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._prepared: dict[str, Any] = {}

    def _prepare(self, text: str) -> Any:
        from .queries import parse_sparql

        prepared = self._prepared.get(text)
        if prepared is None:
            if len(self._prepared) > 256:
                self._prepared.clear()
            prepared = self._prepared[text] = parse_sparql(text, origin="query")
        return prepared

    def _run(self, text: str, bindings: Mapping[str, Any] | None, form: str) -> Any:
        from rdflib import Variable

        from .queries import to_rdflib, values_text

        terms = {k: to_rdflib(v) for k, v in (bindings or {}).items()}
        lists = {k: v for k, v in terms.items() if isinstance(v, list)}
        single = {Variable(k): v for k, v in terms.items() if not isinstance(v, list)}
        prepared = self._prepare(values_text(text, lists) if lists else text)
        if prepared.algebra.name not in form.split("|"):
            raise QueryError(f"query: not a {form.split('|')[0].removesuffix('Query').upper()} query")
        return self.graph.query(prepared, initBindings=single)  # evaluated lazily, when read

    def query(self, text: str, *, bindings: Mapping[str, Any] | None = None, timeout: float | None = None) -> Results:
        with time_limit(timeout):
            return Results.from_rdflib(self._run(text, bindings, "SelectQuery"))

    def ask(self, text: str, *, timeout: float | None = None) -> bool:
        with time_limit(timeout):
            return bool(self._run(text, None, "AskQuery").askAnswer)

    def construct(self, text: str, *, timeout: float | None = None) -> Graph:
        from rdflib import Graph

        from .namespaces import bind_prefixes

        out = bind_prefixes(Graph())
        with time_limit(timeout):
            for triple in self._run(text, None, "ConstructQuery|DescribeQuery").graph or ():
                out.add(triple)
        return out

    def count(self) -> int:
        return len(self.graph)

    def close(self) -> None:
        self._prepared.clear()


# ---------------------------------------------------------------------- remote


class RemoteEngine:
    """A SPARQL store as an engine (:mod:`cancer_spread.remote` speaks to it). ``local`` is the
    engine names are resolved on; ``default_graph`` the graph of the store to query."""

    name = "remote"

    def __init__(
        self,
        endpoint: str,
        *,
        default_graph: str | None = None,
        local: Engine | None = None,
        user: str | None = None,
    ) -> None:
        from .remote import check_url

        self.endpoint = check_url(endpoint)
        self.default_graph = default_graph
        self.user = user  # logs in with the password from $CANCER_SPREAD_PASSWORD
        self._local = local

    @property
    def local(self) -> Engine:
        if self._local is None:
            self._local = open_engine()
        return self._local

    def _send(self, text: str, timeout: float | None) -> Any:
        from .remote import sparql

        return sparql(text, self.endpoint, default_graph=self.default_graph, timeout=timeout, user=self.user)

    def query(self, text: str, *, bindings: Mapping[str, Any] | None = None, timeout: float | None = None) -> Results:
        from .queries import values_text

        # The form stores evaluate as the embedded engines do (see values_text: for_store).
        result = self._send(values_text(text, bindings, for_store=True) if bindings else text, timeout)
        if not isinstance(result, Results):
            raise QueryError(
                f"{self.endpoint}: expected rows, got {'a boolean' if isinstance(result, bool) else 'a graph'}"
            )
        return result

    def ask(self, text: str, *, timeout: float | None = None) -> bool:
        result = self._send(text, timeout)
        if not isinstance(result, bool):
            raise QueryError(f"{self.endpoint}: expected a boolean answer (an ASK query)")
        return result

    def construct(self, text: str, *, timeout: float | None = None) -> Graph:
        result = self._send(text, timeout)
        if isinstance(result, bool | Results):
            raise QueryError(f"{self.endpoint}: expected a graph (a CONSTRUCT or DESCRIBE query)")
        return result

    def count(self) -> int:
        [row] = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(row["n"])

    def close(self) -> None:
        """Nothing is held open: each query is one HTTP request."""
