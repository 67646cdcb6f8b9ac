"""The Python API: named queries and free SPARQL over the graph.

Every query goes through one engine interface (:mod:`cancer_spread.engine`): Oxigraph
(:class:`cancer_spread.store.Store`, the default, fast), rdflib (pass ``load_graph()``, the rdflib
``Graph`` of the merged data) or a remote SPARQL store; all give the same answers. The default
engine is chosen by ``CANCER_SPREAD_STORE`` (``oxigraph`` or ``rdflib``).

>>> rows = run_query("metastatic-sites", cancer="breast")
>>> rows.columns[:2]
['site', 'siteLabel']
>>> "bone" in [r["siteLabel"] for r in rows]
True
>>> sparql("ASK { ?c a cs:PrimaryCancer }")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .engine import ENGINES, RdflibEngine, as_engine, default_engine, names_source, open_engine, time_limit
from .errors import InputError
from .queries import NamedQuery, coerce_text, is_entity_type, load_queries
from .resolve import DEFAULT_PREFERENCE, resolver_for
from .results import Results, Term

if TYPE_CHECKING:  # pragma: no cover
    from rdflib import Graph

__all__ = ["ENGINES", "bind_params", "default_engine", "open_graph", "run_query", "sparql", "time_limit", "validate"]


def open_graph(
    engine: str | None = None,
    root: Any = None,
    *,
    extra: Any = (),
    path: Any = None,
) -> Any:
    """The merged graph on ``engine``: a :class:`~cancer_spread.store.Store` for ``oxigraph``
    (on disk at ``path`` if given), an rdflib ``Graph`` for ``rdflib`` (the engine itself:
    :func:`cancer_spread.engine.open_engine`)."""
    opened = open_engine(engine, root, extra=extra, path=path)
    return opened.graph if isinstance(opened, RdflibEngine) else opened


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
    store, an rdflib graph or an engine; by default the default engine's merged graph).

    Values may be labels, synonyms, codes or IRIs; they are matched without regard to case.
    """
    query = _query(name)
    engine = as_engine(graph)
    bindings = bind_params(query, names_source(engine), params)
    return engine.query(query.text, bindings=bindings, timeout=timeout).with_sorted_lists(query.list_columns)


def query_form(text: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` (``SELECT`` when unclear: the engine then
    reports what is wrong with the text). One linear pass over the text.

    >>> query_form("PREFIX x: <urn:x#> # a comment\\nask { ?s ?p ?o }")
    'ASK'
    """
    from .queries import sparql_keywords

    first = next((w for w in sparql_keywords(text) if w not in ("PREFIX", "BASE")), "SELECT")
    return first if first in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") else "SELECT"


def sparql(text: str, graph: Any = None, *, timeout: float | None = None) -> Any:
    """Run the user's own SPARQL. SELECT gives :class:`Results`, ASK a bool, CONSTRUCT and
    DESCRIBE an rdflib Graph. The project's prefixes are predeclared. Updates are refused."""
    engine = as_engine(graph)
    form = query_form(text)
    if form == "ASK":
        return engine.ask(text, timeout=timeout)
    if form in ("CONSTRUCT", "DESCRIBE"):
        return engine.construct(text, timeout=timeout)
    return engine.query(text, timeout=timeout)


def validate(graph: Graph | None = None) -> list[Any]:
    """Run the SHACL shapes and QC queries on the rdflib graph; return the findings (empty when
    all pass)."""
    from .load import load_graph
    from .validate import validate_graph

    return validate_graph(load_graph() if graph is None else graph)
