"""The named query files keep their contract, and parameters are bound, never pasted."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pytest
from rdflib import URIRef

from cancer_spread.api import run_query, sparql
from cancer_spread.errors import InputError, QueryError
from cancer_spread.queries import load_queries

QUERIES = load_queries()
REQUIRED = [
    "metastatic-sites",
    "primaries-for-site",
    "evidence",
    "define",
    "xrefs",
    "classify-spread",
    "likely-primaries",
    "shared-sites",
    "cancers-by-route",
    "sources",
    "glossary",
]


def test_required_queries_exist() -> None:
    assert set(REQUIRED) <= set(QUERIES)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_header_documents_the_query(name: str) -> None:
    q = QUERIES[name]
    assert q.title and q.description, f"{name}: #+ title and description are required"
    assert q.columns, f"{name}: #+ columns is required"
    for p in q.params.values():
        assert p.example and p.description, f"{name}: parameter {p.name} needs an example and a description"
        assert re.search(rf"\?{p.name}\b", q.text), f"{name}: parameter {p.name} is not a variable in the query"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_select_has_order_by_and_declared_columns(name: str) -> None:
    q = QUERIES[name]
    assert q.kind == "SELECT"
    assert "ORDER BY" in q.text.upper()
    projected = [str(v) for v in q.prepared.algebra["PV"]]
    assert projected == q.columns, f"{name}: #+ columns {q.columns} != projection {projected}"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_example_parameters_run(name: str, graph) -> None:
    q = QUERIES[name]
    params = {p.name: ([p.example] if p.list else p.example) for p in q.params.values() if p.required}
    rows = run_query(name, graph, **params)
    assert len(rows) > 0, f"{name} answered nothing for its own example"


def test_prepared_once_and_reused() -> None:
    q = QUERIES["metastatic-sites"]
    assert q.prepared is q.prepared


def test_hostile_text_is_data_not_query(graph) -> None:
    # A value that would change the query if it were pasted into it.
    nasty = '") } UNION { ?s ?p ?o } #'
    rows = run_query("metastatic-sites", graph, cancer="breast", source=nasty)
    assert len(rows) == 0
    with pytest.raises(InputError, match="unknown primary cancer"):
        run_query("metastatic-sites", graph, cancer=nasty)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("breast", "cancer/breast"),
        ("BREAST CANCER", "cancer/breast"),
        ("breast carcinoma", "cancer/breast"),
        ("NCIT:C4872", "cancer/breast"),
        ("ncit:c4872", "cancer/breast"),
        ("BRCA", "cancer/breast"),
        ("cancer:breast", "cancer/breast"),
        ("https://w3id.org/cancer-spread/cancer/breast", "cancer/breast"),
        ("bowel cancer", "cancer/colorectal"),
        ("oesophageal cancer", "cancer/oesophagus"),
        ("esophageal cancer", "cancer/oesophagus"),
        ("womb cancer", "cancer/womb"),
        ("uterine cancer", "cancer/womb"),
        ("endometrial cancer", "cancer/womb"),
    ],
)
def test_cancer_names_resolve(graph, value: str, expected: str) -> None:
    from cancer_spread.resolve import resolver_for

    assert str(resolver_for(graph).resolve(value, "cancer")).endswith(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("C78.7", "site/liver"),
        ("UBERON:0002107", "site/liver"),
        ("liver", "site/liver"),
        ("armpit lymph nodes", "site/axillary-lymph-nodes"),
        ("C79.5", "site/bone"),
    ],
)
def test_site_codes_resolve(graph, value: str, expected: str) -> None:
    from cancer_spread.resolve import resolver_for

    assert str(resolver_for(graph).resolve(value, "site")).endswith(expected)


def test_unknown_value_suggests_close_matches(graph) -> None:
    with pytest.raises(InputError) as err:
        run_query("metastatic-sites", graph, cancer="brest cancer")
    assert "unknown primary cancer 'brest cancer'" in err.value.message
    assert "breast cancer" in (err.value.hint or "")


def test_missing_and_unknown_parameters(graph) -> None:
    with pytest.raises(InputError, match="missing parameter cancer"):
        run_query("metastatic-sites", graph)
    with pytest.raises(InputError, match="unknown parameter 'colour'"):
        run_query("metastatic-sites", graph, cancer="breast", colour="red")
    with pytest.raises(InputError, match="unknown query"):
        run_query("no-such-query", graph)


def test_sparql_syntax_error_has_line_and_column(graph) -> None:
    with pytest.raises(QueryError) as err:
        sparql("SELECT ?x\nWHERE { ?x a }", graph)
    assert re.match(r"query:2:\d+: SPARQL syntax error", err.value.message)


def test_update_is_refused(graph) -> None:
    before = len(graph)
    with pytest.raises(QueryError, match="read-only"):
        sparql("PREFIX ex: <http://example.org/>\nINSERT DATA { ex:a ex:b ex:c }", graph)
    with pytest.raises(QueryError, match="read-only"):
        sparql("# comment\nDELETE WHERE { ?s ?p ?o }", graph)
    assert len(graph) == before


def test_time_limit_stops_a_runaway_query(graph) -> None:
    with pytest.raises(QueryError, match="time limit"):
        sparql("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", graph, timeout=0.5)


def test_results_as_dataframe(graph) -> None:
    pd = pytest.importorskip("pandas")
    df = run_query("metastatic-sites", graph, cancer="breast").to_dataframe()
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns)[:2] == ["site", "siteLabel"]
    # Figures are numbers (NaN where a site has none), so they sort and plot; IRIs are the
    # short names of the table, full IRIs on request.
    assert df["bestFigure"].dtype == "float64" and df["bestFigure"].isna().any()
    assert df["nSources"].dtype == "int64"
    assert df.sort_values("bestFigure", ascending=False)["siteLabel"].iloc[0] == "bone"
    assert df["site"].str.startswith("site:").all()
    full = run_query("metastatic-sites", graph, cancer="breast").to_dataframe(iris=True)
    assert full["site"].str.startswith("https://w3id.org/cancer-spread/site/").all()


def test_sparql_json_format(graph) -> None:
    data = run_query("xrefs", graph, entity="liver").to_sparql_json()
    assert data["head"]["vars"] == ["scheme", "code", "status", "meaning"]
    codes = {b["code"]["value"] for b in data["results"]["bindings"]}
    assert "ICD10:C78.7" in codes and "UBERON:0002107" in codes


def test_construct_returns_a_graph(graph) -> None:
    out = sparql("CONSTRUCT { ?c cs:spreadsTo site:liver } WHERE { ?c cs:spreadsTo site:liver }", graph)
    assert (URIRef("https://w3id.org/cancer-spread/cancer/colorectal"), None, None) in out


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_engines_give_identical_answers(name: str, graph, store) -> None:
    """Behaviour never changes with the engine: every named query, on rdflib and on Oxigraph."""
    q = QUERIES[name]
    for example in (True, False):
        params = {
            p.name: ([p.example] if p.list else p.example)
            for p in q.params.values()
            if p.required or (example and p.example)
        }
        a = run_query(name, graph, **params)
        b = run_query(name, store, **params)
        assert a == b
        for fmt in ("table", "csv", "tsv", "json"):
            assert a.to_text(fmt) == b.to_text(fmt)


def test_store_errors_read_like_rdflib(store) -> None:
    with pytest.raises(QueryError) as err:
        sparql("SELECT ?x\nWHERE { ?x a }", store)
    assert re.match(r"query:2:\d+: SPARQL syntax error", err.value.message)
    with pytest.raises(QueryError, match="read-only"):
        sparql("INSERT DATA { <a:b> <a:c> <a:d> }", store)
    with pytest.raises(QueryError, match="time limit"):
        sparql("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", store, timeout=0.3)


def test_store_sparql_kinds(store) -> None:
    from rdflib import Graph

    assert sparql("ASK { cancer:breast cs:spreadsTo site:bone }", store) is True
    assert isinstance(
        sparql("CONSTRUCT { ?c cs:spreadsTo site:liver } WHERE { ?c cs:spreadsTo site:liver }", store), Graph
    )
    rows = sparql("SELECT ?c WHERE { ?c cs:spreadsTo site:liver } ORDER BY ?c LIMIT 2", store)
    assert rows.columns == ["c"] and len(rows) == 2


def test_both_engines_hold_the_same_triples(graph, store) -> None:
    import pyoxigraph as ox
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from cancer_spread.results import canonical_decimal
    from cancer_spread.turtle import canonical_turtle

    dumped = Graph().parse(
        data=store.inner.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), format="nt"
    )
    # Oxigraph keeps decimals as numbers; compare after writing both canonically.
    a = Graph().parse(data=canonical_turtle(graph), format="turtle")
    b = Graph().parse(data=canonical_turtle(dumped), format="turtle")
    assert canonical_decimal("28") == "28.0"
    assert isomorphic(a, b)


# ------------------------------------------------------------------ list columns, checked against the algebra


def _projected_lists(node: Any) -> dict[str, str]:
    """The variables a query level (a ``Project`` node of rdflib's algebra) projects that hold a
    ``GROUP_CONCAT`` list, with their separators. Each sub-select is its own level: rdflib names
    aggregates ``__agg_1__`` afresh in each, so names never cross levels."""
    from rdflib.plugins.sparql.parserutils import CompValue

    aggregates: dict[str, str] = {}
    extends: list[tuple[str, Any]] = []
    lists: dict[str, str] = {}

    def visit(n: Any, top: bool) -> None:
        if isinstance(n, CompValue):
            if n.name == "Project" and not top:
                lists.update(_projected_lists(n))
                return
            if n.name == "Aggregate_GroupConcat":
                sep = n.get("separator")
                aggregates[str(n.res)] = " " if sep is None else str(sep)
            elif n.name == "Extend":
                extends.append((str(n.var), n.expr))
            for value in n.values():
                visit(value, False)
        elif isinstance(n, (list, tuple)):
            for value in n:
                visit(value, False)

    visit(node["p"] if node.name == "SelectQuery" else node, True)
    lists.update(aggregates)
    changed = True
    while changed:  # an Extend may pass on a list another Extend made
        changed = False
        for var, expr in extends:
            sep = _list_separator(expr, lists)
            if sep is not None and lists.get(var) != sep:
                lists[var] = sep
                changed = True
    projected = {str(v) for v in (node.get("PV") or node["p"].get("PV") or [])}
    return {v: sep for v, sep in lists.items() if v in projected}


def _list_separator(expr: Any, lists: Mapping[str, str]) -> str | None:
    """The separator of the list ``expr`` passes on whole, or ``None`` when it is not such a list.
    ``IF`` and ``COALESCE`` pass a list on when every other branch is a constant or a variable."""
    from rdflib import Literal, Variable
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(expr, Variable):
        return lists.get(str(expr))
    if not isinstance(expr, CompValue) or expr.name not in ("Builtin_IF", "Builtin_COALESCE"):
        return None
    branches = [expr.get("arg2"), expr.get("arg3")] if expr.name == "Builtin_IF" else list(expr.arg)
    seps = {s for b in branches if (s := _list_separator(b, lists)) is not None}
    plain = all(
        isinstance(b, (Variable, Literal))
        or _list_separator(b, lists) is not None
        or (isinstance(b, CompValue) and b.name == "Function")
        for b in branches
    )
    return seps.pop() if len(seps) == 1 and plain else None


@pytest.mark.parametrize("name", sorted(load_queries()))
def test_list_columns_from_text_match_the_algebra(name: str) -> None:
    """The answering path finds list columns in the query text (no SPARQL parser on the cold
    path); rdflib's algebra of the same query must agree, sub-selects and IF/COALESCE included."""
    query = load_queries()[name]
    found = _projected_lists(query.prepared.algebra)
    assert query.list_columns == {c: found[c] for c in query.columns if c in found}


def test_list_columns_leave_out_lists_written_into_text() -> None:
    lists = load_queries()["metastatic-sites"].list_columns
    assert lists["partOf"] == ", "  # passed on through a sub-select and IF
    assert "figure" not in lists  # a list inside CONCAT is text, not a list
    assert "basis" not in load_queries()["classify-spread"].list_columns


def test_list_columns_are_not_misled_by_strings_or_comments() -> None:
    """Parentheses inside a string literal and projections inside a comment are not syntax."""
    from cancer_spread.queries import _list_columns

    text = (
        'SELECT ?a (GROUP_CONCAT(?x; separator="; ") AS ?b) (CONCAT("(", ?z) AS ?c)\n'
        '# (GROUP_CONCAT(?q; separator=",") AS ?d)\n'
        'WHERE { ?s ?p ?x BIND(") AS ?e" AS ?z) }'
    )
    assert _list_columns(text, ["a", "b", "c", "d", "e"]) == {"b": "; "}
