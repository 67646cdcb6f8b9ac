"""The Python API: named queries and free SPARQL over the graph.

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
import signal
import threading
from collections.abc import Iterator, Mapping
from typing import Any

from rdflib import Graph, Literal, URIRef

from .errors import InputError, QueryError
from .load import load_graph
from .queries import NamedQuery, coerce_text, is_entity_type, load_queries, parse_sparql
from .resolve import resolver_for
from .results import Results

__all__ = ["bind_params", "run_query", "sparql", "time_limit", "validate"]


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


def bind_params(
    query: NamedQuery, graph: Graph, params: Mapping[str, Any]
) -> dict[str, URIRef | Literal | list[URIRef | Literal]]:
    """Check ``params`` against the query's header and resolve each value to an RDF term."""
    unknown = sorted(set(params) - set(query.params))
    if unknown:
        expected = ", ".join(query.params) or "none"
        raise InputError(
            f"query {query.name}: unknown parameter {unknown[0]!r} (parameters: {expected})",
            hint=f"see: cancer-spread queries {query.name}",
        )
    resolver = resolver_for(graph)
    bound: dict[str, URIRef | Literal | list[URIRef | Literal]] = {}
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
        terms: list[URIRef | Literal] = []
        for v in values:
            if isinstance(v, URIRef | Literal):
                terms.append(v)
            elif is_entity_type(spec.type):
                terms.append(resolver.resolve(str(v), spec.type, param=name))
            else:
                terms.append(coerce_text(spec, str(v)))
        bound[name] = terms if spec.list else terms[0]
    return bound


def _query(name: str) -> NamedQuery:
    queries = load_queries()
    if name not in queries:
        import difflib

        close = difflib.get_close_matches(name, list(queries), n=3)
        hint = f"did you mean {', '.join(close)}?" if close else "list them with: cancer-spread queries"
        raise InputError(f"unknown query {name!r}", hint=hint)
    return queries[name]


def run_query(name: str, graph: Graph | None = None, *, timeout: float | None = None, **params: Any) -> Results:
    """Run the named query ``name`` (a file in ``queries/``) with ``params``.

    Values may be labels, synonyms, codes or IRIs; they are matched without regard to case.
    """
    query = _query(name)
    graph = load_graph() if graph is None else graph
    bindings = bind_params(query, graph, params)
    with time_limit(timeout):
        result = query.run(graph, bindings)
        return Results.from_rdflib(result)


def sparql(text: str, graph: Graph | None = None, *, timeout: float | None = None) -> Any:
    """Run the user's own SPARQL. SELECT gives :class:`Results`, ASK a bool, CONSTRUCT and
    DESCRIBE an rdflib Graph. The project's prefixes are predeclared. Updates are refused."""
    prepared = parse_sparql(text, origin="query")
    graph = load_graph() if graph is None else graph
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
    """Run the SHACL shapes and QC queries; return the findings (empty when all pass)."""
    from .validate import validate_graph

    return validate_graph(load_graph() if graph is None else graph)
