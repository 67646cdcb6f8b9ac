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

from typing import TYPE_CHECKING, Any

from .binding import bind_params, named_query
from .engine import ENGINES, RdflibEngine, as_engine, default_engine, names_source, open_engine, time_limit
from .results import Results

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


def run_query(name: str, graph: Any = None, *, timeout: float | None = None, **params: Any) -> Results:
    """Run the named query ``name`` (a file in ``queries/``) with ``params`` on ``graph`` (a
    store, an rdflib graph or an engine; by default the default engine's merged graph).

    Values may be labels, synonyms, codes or IRIs; they are matched without regard to case.
    """
    from .sparqlcheck import check_timeout

    query = named_query(name)
    timeout = check_timeout(timeout)
    engine = as_engine(graph)
    bindings = bind_params(query, names_source(engine), params)
    results = engine.query(query.text, bindings=bindings, timeout=timeout).with_sorted_lists(query.list_columns)
    results.layout = query.layout
    return results


#: The old name of :func:`cancer_spread.binding.named_query` (still imported by serve.py).
_query = named_query


def query_form(text: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` (``SELECT`` when unclear: the engine then
    reports what is wrong with the text). One linear pass over the text.

    >>> query_form("PREFIX x: <urn:x#> # a comment\\nask { ?s ?p ?o }")
    'ASK'
    """
    from .queries import sparql_keywords

    first = next((w for w in sparql_keywords(text) if w not in ("PREFIX", "BASE")), "SELECT")
    return first if first in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") else "SELECT"


def sparql(text: str, graph: Any = None, *, timeout: float | None = None, allow_remote: bool = False) -> Any:
    """Run the user's own SPARQL. SELECT gives :class:`Results`, ASK a bool, CONSTRUCT and
    DESCRIBE an rdflib Graph. The project's prefixes are predeclared. Updates are refused, and so
    are ``SERVICE`` and (on the embedded engines) ``FROM`` unless ``allow_remote``; overlong and
    deeply nested queries are refused before any engine parses them
    (:mod:`cancer_spread.sparqlcheck`)."""
    from .errors import CancerSpreadError, QueryError
    from .sparqlcheck import check_query, check_timeout

    timeout = check_timeout(timeout)
    engine = as_engine(graph)
    check_query(text, allow_remote=allow_remote, endpoint=engine.name == "remote")
    form = query_form(text)
    try:
        if form == "ASK":
            return engine.ask(text, timeout=timeout)
        if form in ("CONSTRUCT", "DESCRIBE"):
            return engine.construct(text, timeout=timeout)
        return engine.query(text, timeout=timeout)
    except CancerSpreadError:
        raise
    except (Exception, RecursionError) as err:  # rdflib's evaluator raises assorted errors
        raise QueryError(
            f"query: the {engine.name} engine cannot evaluate it ({type(err).__name__}: {err})",
            hint="check the functions and graph patterns the query uses",
        ) from None


def validate(graph: Graph | None = None) -> list[Any]:
    """Run the SHACL shapes and QC queries on the rdflib graph; return the findings (empty when
    all pass)."""
    from .load import load_graph
    from .validate import validate_graph

    return validate_graph(load_graph() if graph is None else graph)
