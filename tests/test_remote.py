"""Remote stores for real: an Oxigraph server on loopback, the graph pushed with the Graph Store
Protocol, and every named query answering there exactly what the embedded engine answers."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery

from cancer_spread import remote
from cancer_spread.api import bind_params, run_query
from cancer_spread.errors import InputError, QueryError
from cancer_spread.namespaces import PREFIXES
from cancer_spread.queries import load_queries, values_text
from cancer_spread.results import Results

from .conftest import need

QUERIES = load_queries()
GRAPH_IRI = "https://example.org/graphs/cancer-spread"

# Beyond each query's header example: the cases where engines differ most (UNION branches with
# FILTER EXISTS, optional parameters, lists, sites with parts).
EXTRA_CASES = [
    *(
        ("classify-spread", {"cancer": c, "site": s})
        for c in ("breast", "colorectal", "prostate", "melanoma")
        for s in ("liver", "armpit lymph nodes", "supraclavicular lymph nodes", "breast", "inguinal lymph nodes")
    ),
    ("likely-primaries", {"site": ["liver", "bone", "lung"]}),
    ("metastatic-sites", {"cancer": "bowel cancer", "source": "Cancer Research UK"}),
    ("metastatic-sites", {"cancer": "melanoma"}),
    ("primaries-for-site", {"site": "lymph nodes"}),
    ("evidence", {"cancer": "breast", "site": "lymph nodes"}),
    ("define", {"term": "metastasis"}),
    ("define", {"term": "liver"}),
    ("xrefs", {"entity": "breast"}),
    ("cancers-by-route", {"route": "lymphatic"}),
]


def _cases() -> list[tuple[str, dict]]:
    cases = []
    for name, q in sorted(QUERIES.items()):
        cases.append((name, {p.name: ([p.example] if p.list else p.example) for p in q.params.values()}))
        required = {p.name: ([p.example] if p.list else p.example) for p in q.params.values() if p.required}
        if required != cases[-1][1]:
            cases.append((name, required))
    return cases + list(EXTRA_CASES)


CASES = _cases()


def _id(case: tuple[str, dict]) -> str:
    return case[0] + ":" + ",".join(f"{k}={v}" for k, v in case[1].items())


def assert_same_results(expected: Results, got: Results) -> None:
    """Same columns, same rows in the same order, the same terms (in their engine-neutral form:
    a store's 16.00 is XSD's canonical 16.0, as the embedded engines write it)."""
    assert got.columns == expected.columns
    assert len(got) == len(expected)
    for i, (x, y) in enumerate(zip(expected.rows, got.rows, strict=True)):
        for column, a, b in zip(expected.columns, x, y, strict=True):
            assert a == b, f"row {i}, {column}: embedded {a!r} != store {b!r}"


# ------------------------------------------------------------------ no server needed


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_values_text_answers_like_init_bindings(graph, case) -> None:
    """The VALUES text sent to stores gives rdflib's initBindings answers, on rdflib itself."""
    name, params = case
    query = QUERIES[name]
    bindings = bind_params(query, graph, params)
    expected = run_query(name, graph, **params)
    got = Results.from_rdflib(graph.query(prepareQuery(query.bound_text(bindings), initNs=PREFIXES)))
    assert_same_results(expected, got.with_sorted_lists(query.list_columns))


def test_values_text_binds_terms_not_text() -> None:
    nasty = Literal('") } UNION { ?s ?p ?o } #')
    text = values_text("SELECT ?x WHERE { ?x ?p ?source }", {"source": nasty})
    prepared = prepareQuery(text)  # still one well-formed query
    assert prepared.algebra.name == "SelectQuery"
    assert text.count("UNION") == 1 and '\\"' in text


def test_values_text_skips_strings_comments_and_data_blocks() -> None:
    text = 'SELECT * WHERE { ?s ?p "a { b" # { not a group\n VALUES ?q { 1 } OPTIONAL { ?s ?q ?o } }'
    out = values_text(text, {"s": URIRef("urn:s")})
    assert out.count("VALUES ?s") == 1  # the WHERE group; an OPTIONAL's group takes none
    union = values_text("SELECT * WHERE { { ?s ?p ?o } UNION { ?o ?p ?s } }", {"s": URIRef("urn:s")})
    assert union.count("VALUES ?s") == 3
    assert '"a { b"' in out and "# { not a group" in out and "VALUES ?q { 1 }" in out


def test_bad_urls_are_refused_before_any_request() -> None:
    with pytest.raises(InputError, match="not an http"):
        remote.check_url("file:///etc/passwd")
    with pytest.raises(InputError, match="not an absolute IRI"):
        remote.run_query("glossary", "http://127.0.0.1:9/q", default_graph="not an iri")


def test_unreachable_store_is_one_clean_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    with pytest.raises(InputError, match="cannot reach the store"):
        remote.sparql("ASK { ?s ?p ?o }", f"http://127.0.0.1:{port}/query", timeout=5)


# ------------------------------------------------------------------ against Oxigraph


def _oxigraph() -> str:
    exe = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    need(exe is not None, "the oxigraph server is not installed (pip install oxigraph)")
    assert exe is not None
    return exe


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Iterator[str]:
    exe = _oxigraph()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    location = tmp_path_factory.mktemp("oxigraph")
    proc = subprocess.Popen(
        [exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else b""
            assert time.monotonic() < deadline, "oxigraph did not start within 60 s"
            try:
                with urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        if proc.stderr:
            proc.stderr.close()


@pytest.fixture(scope="module")
def pushed(store, run_cli, graph) -> str:
    out = run_cli("push", "--endpoint", store + "/store")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"pushed {len(graph)} triples to the default graph of {store}/store"
    return store + "/query"


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_named_queries_answer_the_same_on_the_store(graph, pushed, case) -> None:
    name, params = case
    expected = run_query(name, graph, **params)
    got = remote.run_query(name, pushed, graph, **params)
    assert_same_results(expected, got)


def test_push_replaces_the_graph(store, pushed, graph) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert remote.sparql(count, pushed)[0]["n"] == len(graph)
    assert remote.push(graph, store + "/store") == len(graph)  # a second push replaces, not adds
    assert remote.sparql(count, pushed)[0]["n"] == len(graph)


def test_push_and_query_a_named_graph(store, pushed, run_cli, graph) -> None:
    out = run_cli("push", "--endpoint", store + "/store", "--graph", GRAPH_IRI)
    assert out.returncode == 0, out.stderr
    assert f"graph <{GRAPH_IRI}>" in out.stdout
    asked = remote.sparql(f"ASK {{ GRAPH <{GRAPH_IRI}> {{ cancer:breast cs:spreadsTo site:bone }} }}", pushed)
    assert asked is True
    got = remote.run_query("xrefs", pushed, graph, default_graph=GRAPH_IRI, entity="liver")
    assert_same_results(run_query("xrefs", graph, entity="liver"), got)
    cli = run_cli("xrefs", "liver", "--endpoint", pushed, "--graph", GRAPH_IRI, "--format", "csv")
    assert cli.returncode == 0, cli.stderr
    assert cli.stdout == run_cli("xrefs", "liver", "--format", "csv").stdout


@pytest.mark.parametrize(
    "args",
    [
        ["sites", "breast"],
        ["sites", "bowel cancer", "--source", "NCI"],
        ["primaries", "liver", "--source", "Macmillan"],
        ["evidence", "breast", "lymph nodes"],
        ["define", "locally advanced"],
        ["xrefs", "liver"],
        ["classify", "breast", "collarbone lymph nodes"],
        ["likely-primaries", "liver", "bone", "lung"],
        ["query", "shared-sites", "-p", "cancer=breast", "-p", "other=prostate"],
        [
            "sparql",
            "SELECT ?c ?label WHERE { ?c cs:spreadsTo site:adrenal-gland ; skos:prefLabel ?label } ORDER BY ?label",
        ],
        ["sparql", "ASK { cancer:breast cs:spreadsTo site:bone }"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_cli_answers_the_same_with_endpoint(run_cli, pushed, args: list[str]) -> None:
    fmt = ["--format", "csv"] if args[0] != "sparql" or "SELECT" in args[1] else []
    embedded = run_cli(*args, *fmt)
    on_store = run_cli(*args, *fmt, "--endpoint", pushed)
    assert embedded.returncode == on_store.returncode == 0, on_store.stderr
    assert on_store.stdout == embedded.stdout


def test_construct_on_the_store(pushed, graph) -> None:
    query = "CONSTRUCT { ?c cs:spreadsTo site:liver } WHERE { ?c cs:spreadsTo site:liver }"
    got = remote.sparql(query, pushed)
    assert isinstance(got, Graph)
    assert set(got) == set(graph.query(prepareQuery(query, initNs=PREFIXES)).graph)


def test_store_errors_are_clean(store, pushed, run_cli) -> None:
    with pytest.raises(QueryError, match="syntax error"):  # caught locally, with line and column
        remote.sparql("SELECT ?x\nWHERE { ?x a }", pushed)
    with pytest.raises(QueryError, match="read-only"):
        remote.sparql("INSERT DATA { <urn:a> <urn:b> <urn:c> }", pushed)
    refused = run_cli("push", "--endpoint", store + "/no-such-service")
    assert refused.returncode == 2
    assert len(refused.stderr.strip().splitlines()) == 1 and "HTTP 404" in refused.stderr
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    down = run_cli("push", "--endpoint", f"http://127.0.0.1:{port}/store")
    assert down.returncode == 2
    assert len(down.stderr.strip().splitlines()) == 1 and "cannot reach the store" in down.stderr
    wrong = run_cli("sites", "breast", "--endpoint", f"http://127.0.0.1:{port}/query")
    assert wrong.returncode == 2 and "cannot reach the store" in wrong.stderr
