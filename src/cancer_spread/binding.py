"""Named queries and their parameters: find a query by name, check the values given for its
parameters and resolve each to an RDF term (names, synonyms and codes to IRIs) on the local
graph. Every engine then applies the terms as VALUES, never as pasted text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import InputError
from .queries import NamedQuery, coerce_text, is_entity_type, load_queries, load_query
from .resolve import DEFAULT_PREFERENCE, resolver_for
from .results import Term

__all__ = ["bind_params", "named_query"]


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


def named_query(name: str) -> NamedQuery:
    """The named query ``name``, or a clear error naming the closest names."""
    found = load_query(name)
    if found is not None:
        return found
    queries = load_queries()
    if name not in queries:
        import difflib

        close = difflib.get_close_matches(name, list(queries), n=3)
        hint = f"did you mean {', '.join(close)}?" if close else "list them with: cancer-spread queries"
        raise InputError(f"unknown query {name!r}", hint=hint)
    return queries[name]
