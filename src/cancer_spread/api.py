"""The Python API: named queries and free SPARQL over the graph.

Two embedded engines give the same answers: Oxigraph (:class:`cancer_spread.store.Store`, the
default, fast) and rdflib (pass ``load_graph()``, the rdflib ``Graph`` of the merged data). The
default engine is chosen by ``CANCER_SPREAD_STORE`` (``oxigraph`` or ``rdflib``).

>>> rows = run_query("metastatic-sites", cancer="breast")
>>> rows.columns[:2]
['site', 'siteLabel']
>>> "bone" in [r["siteLabel"] for r in rows]
True
>>> sparql("ASK { ?c a cs:PrimaryCancer }")
True
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .errors import InputError, QueryError
from .queries import NamedQuery, coerce_text, is_entity_type, load_queries
from .resolve import DEFAULT_PREFERENCE, resolver_for
from .results import Results, Term

if TYPE_CHECKING:  # pragma: no cover
    from rdflib import Graph

__all__ = ["ENGINES", "bind_params", "default_engine", "open_graph", "run_query", "sparql", "time_limit", "validate"]

#: The embedded engines, the default first.
ENGINES = ("oxigraph", "rdflib")


def default_engine() -> str:
    """``$CANCER_SPREAD_STORE`` if set (``oxigraph`` or ``rdflib``), else ``oxigraph``."""
    engine = os.environ.get("CANCER_SPREAD_STORE", ENGINES[0]).strip().lower() or ENGINES[0]
    if engine not in ENGINES:
        raise InputError(f"CANCER_SPREAD_STORE={engine!r}: unknown engine", hint="use oxigraph or rdflib")
    return engine


def open_graph(
    engine: str | None = None,
    root: Any = None,
    *,
    extra: Any = (),
    path: Any = None,
) -> Any:
    """The merged graph on ``engine``: a :class:`~cancer_spread.store.Store` for ``oxigraph``
    (on disk at ``path`` if given), an rdflib ``Graph`` for ``rdflib``."""
    engine = engine or default_engine()
    if engine == "oxigraph":
        try:
            import pyoxigraph  # noqa: F401
        except ModuleNotFoundError:
            raise InputError(
                "the oxigraph engine needs the pyoxigraph package, which is not installed",
                hint="pip install 'pyoxigraph>=0.5,<0.6', or use --store rdflib",
            ) from None
        from .store import Store

        return Store.load(root, extra=list(extra), path=path)
    if engine == "rdflib":
        if path is not None:
            raise InputError("--store-path needs the oxigraph store", hint="drop --store rdflib")
        from .load import load_graph

        return load_graph(root, extra=list(extra))
    raise InputError(f"unknown store {engine!r}", hint="use oxigraph or rdflib")


def _is_store(graph: Any) -> bool:
    return hasattr(graph, "select") and hasattr(graph, "inner")


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


def bind_params(query: NamedQuery, graph: Any, params: Mapping[str, Any]) -> dict[str, Any]:
    """Check ``params`` against the query's header and resolve each value to an RDF term
    (an engine-neutral :class:`~cancer_spread.results.Term`; rdflib terms are kept as given)."""
    unknown = sorted(set(params) - set(query.params))
    if unknown:
        expected = ", ".join(query.params) or "none"
        raise InputError(
            f"query {query.name}: unknown parameter {unknown[0]!r} (parameters: {expected})",
            hint=f"see: cancer-spread queries {query.name}",
        )
    resolver = resolver_for(graph)
    bound: dict[str, Any] = {}
    for name, spec in query.params.items():
        value = params.get(name)
        if value is None or value == [] or value == "":
            if spec.required:
                example = f" (for example {spec.example!r})" if spec.example else ""
                raise InputError(
                    f"query {query.name}: missing parameter {name}{example}",
                    hint=f"{spec.description}" if spec.description else None,
                )
            continue
        values = list(value) if isinstance(value, list | tuple) else [value]
        if len(values) > 1 and not spec.list:
            raise InputError(f"query {query.name}: parameter {name} takes one value")
        terms: list[Any] = []
        for v in values:
            if isinstance(v, Term) or type(v).__module__.startswith("rdflib"):
                terms.append(v)
            elif is_entity_type(spec.type):
                prefer = spec.prefer or DEFAULT_PREFERENCE
                terms.append(Term("uri", resolver.resolve_iri(str(v), spec.type, param=name, prefer=prefer)))
            else:
                terms.append(coerce_text(spec, str(v)))
        # A list is a set: sorted, so that both engines see (and order joins on) the same VALUES.
        bound[name] = sorted(terms, key=_sort_key) if spec.list else terms[0]
    return bound


def _sort_key(term: Any) -> str:
    return term.value if isinstance(term, Term) else str(term)


def _query(name: str) -> NamedQuery:
    queries = load_queries()
    if name not in queries:
        import difflib

        close = difflib.get_close_matches(name, list(queries), n=3)
        hint = f"did you mean {', '.join(close)}?" if close else "list them with: cancer-spread queries"
        raise InputError(f"unknown query {name!r}", hint=hint)
    return queries[name]


def run_query(name: str, graph: Any = None, *, timeout: float | None = None, **params: Any) -> Results:
    """Run the named query ``name`` (a file in ``queries/``) with ``params`` on ``graph`` (a
    store or an rdflib graph; by default the default engine's merged graph).

    Values may be labels, synonyms, codes or IRIs; they are matched without regard to case.
    """
    query = _query(name)
    graph = open_graph() if graph is None else graph
    bindings = bind_params(query, graph, params)
    if _is_store(graph):
        results = graph.select(query.bound_text(bindings), timeout=timeout)
    else:
        with time_limit(timeout):
            results = Results.from_rdflib(query.run(graph, bindings))
    results.layout = query.layout
    return results


def sparql(text: str, graph: Any = None, *, timeout: float | None = None) -> Any:
    """Run the user's own SPARQL. SELECT gives :class:`Results`, ASK a bool, CONSTRUCT and
    DESCRIBE an rdflib Graph. The project's prefixes are predeclared. Updates are refused."""
    graph = open_graph() if graph is None else graph
    if _is_store(graph):
        result = graph.raw(text, timeout=timeout)
        if isinstance(result, bool):
            return result
        if hasattr(result, "rows"):
            return Results([v.value for v in result.variables], result.rows)
        from rdflib import Graph

        from .namespaces import bind_prefixes
        from .queries import to_rdflib
        from .results import neutral

        out = bind_prefixes(Graph())
        for t in result:
            out.add(tuple(to_rdflib(neutral(x)) for x in (t.subject, t.predicate, t.object)))
        return out
    from rdflib import Graph

    from .queries import parse_sparql

    prepared = parse_sparql(text, origin="query")
    with time_limit(timeout):
        result = graph.query(prepared)
        if result.type == "SELECT":
            return Results.from_rdflib(result)
        if result.type == "ASK":
            return bool(result.askAnswer)
        out = Graph()
        from .namespaces import bind_prefixes

        bind_prefixes(out)
        for triple in result.graph or ():
            out.add(triple)
        return out


def validate(graph: Graph | None = None) -> list[Any]:
    """Run the SHACL shapes and QC queries on the rdflib graph; return the findings (empty when
    all pass)."""
    from .load import load_graph
    from .validate import validate_graph

    return validate_graph(load_graph() if graph is None else graph)
