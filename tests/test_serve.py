"""The SPARQL endpoint over real HTTP on loopback: every method and media type, the errors, the
limits, and no outbound request ever."""

from __future__ import annotations

import csv
import http.server
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import typing
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from cancer_spread.api import run_query
from cancer_spread.queries import load_queries

from .conftest import need

ROOT = Path(__file__).resolve().parent.parent
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
FAST = "SELECT ?c ?label WHERE { ?c cs:spreadsTo site:adrenal-gland ; skos:prefLabel ?label } ORDER BY ?label"
TIMEOUT = 4.0
MAX_ROWS = 50
MAX_QUERY = 5000


def _imports() -> None:
    for module in ("starlette", "uvicorn", "httpx"):
        try:
            __import__(module)
        except ImportError:
            need(False, f"{module} is not installed (pip install -e '.[test]')")


class Server:
    def __init__(self, app, **options) -> None:
        import uvicorn

        from cancer_spread.serve import server_config

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = app
        self.server = uvicorn.Server(server_config(app, **options))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 120
        while not self.server.started:
            assert self.thread.is_alive(), "the server stopped while starting"
            assert time.monotonic() < deadline, "the server did not start within 120 s"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)
        self.sock.close()
        assert not self.thread.is_alive()


@pytest.fixture(scope="module")
def server(graph) -> Iterator[Server]:
    _imports()
    from cancer_spread.serve import make_app

    app = make_app(
        graph, timeout=TIMEOUT, max_query_length=MAX_QUERY, max_rows=MAX_ROWS, cors=["https://example.org"], workers=4
    )
    with Server(app) as running:
        yield running


@pytest.fixture(scope="module")
def client(server):
    import httpx

    with httpx.Client(base_url=server.url, timeout=30, trust_env=False) as c:
        yield c


# ------------------------------------------------------------------ the protocol


def test_get_post_form_and_post_query_agree(client) -> None:
    a = client.get("/sparql", params={"query": FAST})
    b = client.post("/sparql", data={"query": FAST})
    c = client.post("/sparql", content=FAST.encode(), headers={"Content-Type": "application/sparql-query"})
    for resp in (a, b, c):
        assert resp.status_code == 200, resp.text
        assert resp.headers["content-type"].startswith("application/sparql-results+json")
    assert a.json() == b.json() == c.json()
    labels = [row["label"]["value"] for row in a.json()["results"]["bindings"]]
    assert labels and labels == sorted(labels)


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/html, */*;q=0.1", "application/sparql-results+json"),
        ("application/xml;q=0.2, text/csv;q=0.9", "text/csv"),
    ],
)
def test_select_media_types(client, accept: str, media: str) -> None:
    resp = client.get("/sparql", params={"query": FAST}, headers={"Accept": accept})
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].split(";")[0] == media
    if media == "text/csv":
        rows = list(csv.reader(io.StringIO(resp.text)))
        assert rows[0] == ["c", "label"] and rows[1][0].startswith("https://w3id.org/cancer-spread/cancer/")
    elif media == "text/tab-separated-values":
        lines = resp.text.splitlines()
        assert lines[0] == "?c\t?label" and lines[1].startswith("<https://w3id.org/cancer-spread/cancer/")
    elif media.endswith("xml"):
        import xml.etree.ElementTree as ET

        root = ET.fromstring(resp.content)
        ns = "{http://www.w3.org/2005/sparql-results#}"
        assert [v.get("name") for v in root.iter(f"{ns}variable")] == ["c", "label"]
        assert len(list(root.iter(f"{ns}result"))) > 0


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/sparql-results+json", '"boolean": true'),
        ("application/sparql-results+xml", "<boolean>true</boolean>"),
        ("text/csv", "_askResult\ntrue"),
    ],
)
def test_ask(client, accept: str, expected: str) -> None:
    resp = client.get(
        "/sparql", params={"query": "ASK { cancer:breast cs:spreadsTo site:bone }"}, headers={"Accept": accept}
    )
    assert resp.status_code == 200
    assert expected in resp.text


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_media_types(client, accept: str, fmt: str) -> None:
    query = "CONSTRUCT { ?c cs:spreadsTo site:liver } WHERE { ?c cs:spreadsTo site:liver }"
    resp = client.post("/sparql", data={"query": query}, headers={"Accept": accept})
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].split(";")[0] == accept
    g = Graph().parse(data=resp.content, format=fmt)
    assert len(g) > 5


def test_service_description_and_void(client, graph) -> None:
    resp = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/turtle")
    sd = Graph().parse(data=resp.text, format="turtle")
    assert "sparql-service-description#Service" in resp.text or any("Service" in str(o) for o in sd.objects())
    void = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert void.status_code == 200
    g = Graph().parse(data=void.text, format="turtle")
    from rdflib.namespace import VOID

    from cancer_spread.namespaces import DATASET

    assert int(g.value(DATASET, VOID.triples)) == int(graph.value(DATASET, VOID.triples))


def test_pages(client) -> None:
    home = client.get("/")
    assert home.status_code == 200 and home.headers["content-type"].startswith("text/html")
    page = client.get("/query")
    assert page.status_code == 200
    assert "<script src" not in page.text and "cdn" not in page.text.lower()
    assert "textContent" in page.text and "innerHTML" not in page.text
    for name in load_queries():
        assert name in page.text


# ------------------------------------------------------------------ errors


def test_malformed_query_is_400_with_line_and_column(client) -> None:
    resp = client.get("/sparql", params={"query": "SELECT ?x\nWHERE { ?x a }"})
    assert resp.status_code == 400
    assert resp.headers["content-type"].startswith("text/plain")
    assert "query:2:" in resp.text and "syntax error" in resp.text


def test_unacceptable_is_406(client) -> None:
    resp = client.get("/sparql", params={"query": FAST}, headers={"Accept": "image/png"})
    assert resp.status_code == 406
    assert "application/sparql-results+json" in resp.text


def test_wrong_method_405_and_media_type_415(client) -> None:
    assert client.put("/sparql", content=b"x").status_code == 405
    assert client.delete("/queries").status_code == 405
    resp = client.post("/sparql", content=FAST.encode(), headers={"Content-Type": "text/plain"})
    assert resp.status_code == 415


def test_too_long_is_413(client) -> None:
    long = FAST + "\n#" + "x" * MAX_QUERY
    assert client.get("/sparql", params={"query": long}).status_code == 413
    resp = client.post("/sparql", content=long.encode(), headers={"Content-Type": "application/sparql-query"})
    assert resp.status_code == 413 and "too long" in resp.text


def test_updates_are_refused(client, graph) -> None:
    before = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}).json()
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    r1 = client.post("/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-update"})
    r2 = client.post("/sparql", data={"update": update})
    r3 = client.post("/sparql", data={"query": update})
    r4 = client.get("/sparql", params={"query": "# hidden\nDELETE WHERE { ?s ?p ?o }"})
    assert [r.status_code for r in (r1, r2, r3, r4)] == [403, 403, 400, 400]
    assert all("read-only" in r.text for r in (r1, r2, r3, r4))
    after = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}).json()
    assert before == after


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: typing.ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/turtle")
        self.end_headers()
        self.wfile.write(b"<urn:a> <urn:b> <urn:c> .\n")

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    _Recorder.hits = []
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    httpd.timeout = 0.2
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", _Recorder.hits
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(10)


def test_service_and_remote_from_are_refused_and_nothing_is_fetched(client, listener) -> None:
    url, hits = listener
    queries = [
        f"SELECT * WHERE {{ SERVICE <{url}/> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x a cs:PrimaryCancer OPTIONAL {{ SERVICE SILENT <{url}/s> {{ ?x ?p ?o }} }} }}",
        f"SELECT * FROM <{url}/x> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}/y> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"ASK FROM <{url}/z> {{ ?s ?p ?o }}",
    ]
    for q in queries:
        resp = client.post("/sparql", data={"query": q})
        assert resp.status_code == 400, (q, resp.text)
        assert "SERVICE is not allowed" in resp.text or "FROM" in resp.text
    time.sleep(0.3)
    assert hits == []


def test_a_worker_cannot_reach_the_network_even_past_the_check(listener, tmp_path: Path) -> None:
    """Oxigraph itself would fetch a SERVICE address: the worker's network namespace stops it
    even for a query that slipped past the text check."""
    url, hits = listener
    data = tmp_path / "g.nt"
    data.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    code = f"""
from cancer_spread import serve_worker
w = serve_worker.Worker({str(data)!r})
print(serve_worker.isolate_network())
try:
    print(len(list(w.store.inner.query("SELECT * WHERE {{ SERVICE <{url}/x> {{ ?s ?p ?o }} }}"))))
except OSError as err:
    print("refused", err)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    isolated, outcome = out.stdout.strip().splitlines()
    need(isolated == "True", "this system does not let a process have a network namespace of its own")
    assert outcome.startswith("refused")
    time.sleep(0.3)
    assert hits == []


def test_the_server_reports_its_workers_isolated(server) -> None:
    need(server.app.state.pool.isolated, "this system does not let a process have a network namespace of its own")


# ------------------------------------------------------------------ named queries over HTTP


def test_named_query_list(client) -> None:
    listed = client.get("/queries").json()
    assert [q["name"] for q in listed] == sorted(load_queries())
    sites = next(q for q in listed if q["name"] == "metastatic-sites")
    assert [p["name"] for p in sites["params"]] == ["cancer", "source"]


@pytest.mark.parametrize("name", sorted(load_queries()))
def test_named_query_matches_the_library(client, graph, name: str) -> None:
    q = load_queries()[name]
    params = {p.name: ([p.example] if p.list else p.example) for p in q.params.values() if p.required}
    resp = client.get(f"/queries/{name}", params=params)
    assert resp.status_code == 200, resp.text
    expected = run_query(name, graph, **params).to_sparql_json()
    rows = expected["results"]["bindings"]
    if len(rows) > MAX_ROWS:
        expected["results"]["bindings"] = rows[:MAX_ROWS]
        assert resp.headers["x-cancer-spread-truncated"] == f"{MAX_ROWS} rows"
    assert resp.json() == expected


def test_named_query_params(client, graph) -> None:
    resp = client.get("/queries/likely-primaries", params=[("site", "liver"), ("site", "bone")])
    expected = run_query("likely-primaries", graph, site=["liver", "bone"]).to_sparql_json()
    assert len(expected["results"]["bindings"]) > MAX_ROWS  # the endpoint's row cap is exercised
    expected["results"]["bindings"] = expected["results"]["bindings"][:MAX_ROWS]
    assert resp.headers["x-cancer-spread-truncated"] == f"{MAX_ROWS} rows"
    assert resp.json() == expected
    csv_resp = client.get(
        "/queries/metastatic-sites", params={"cancer": "bowel cancer"}, headers={"Accept": "text/csv"}
    )
    assert (
        csv_resp.text.splitlines()[0]
        == "site,siteLabel,frequency,classification,bestFigure,figure,partOf,nSources,nEvidence,kinds,sources"
    )
    bad = client.get("/queries/metastatic-sites", params={"cancer": "brest cancer"})
    assert bad.status_code == 400
    assert "unknown primary cancer 'brest cancer'" in bad.text and "breast cancer" in bad.text
    assert client.get("/queries/metastatic-sites").status_code == 400  # missing parameter
    assert client.get("/queries/metastatic-sites", params={"cancer": "breast", "colour": "red"}).status_code == 400
    two = client.get("/queries/metastatic-sites", params=[("cancer", "breast"), ("cancer", "lung")])
    assert two.status_code == 400 and "takes one value" in two.text
    missing = client.get("/queries/metastatic-site")
    assert missing.status_code == 404 and "metastatic-sites" in missing.text


# ------------------------------------------------------------------ limits


def test_rows_are_capped(client) -> None:
    resp = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o }"})
    assert resp.status_code == 200
    assert len(resp.json()["results"]["bindings"]) == MAX_ROWS
    assert resp.headers["x-cancer-spread-truncated"] == f"{MAX_ROWS} rows"


def test_runaway_queries_are_stopped_while_others_are_served(server, client) -> None:
    """Two clients sending cartesian products: both are stopped at the time limit, and the
    other requests are all answered while they run (before, everyone else waited ~9.5 s)."""
    import httpx

    slow: list[tuple[int, str]] = []
    finished: list[str] = []

    def run_slow() -> None:
        with httpx.Client(base_url=server.url, timeout=60, trust_env=False) as c:
            resp = c.post("/sparql", data={"query": SLOW})
            slow.append((resp.status_code, resp.text))
            finished.append("slow")

    threads = [threading.Thread(target=run_slow) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    for _ in range(5):
        assert client.get("/sparql", params={"query": FAST}).status_code == 200
        assert client.get("/queries/metastatic-sites", params={"cancer": "breast"}).status_code == 200
        finished.append("fast")
    for t in threads:
        t.join(60)
    assert finished[:5] == ["fast"] * 5  # answered while both runaways were still running
    assert [status for status, _ in slow] == [503, 503]
    assert all(f"time limit of {TIMEOUT:g} s" in text and "replaced" in text for _, text in slow)
    assert client.get("/sparql", params={"query": FAST}).status_code == 200  # still serving


def _bomb(doublings: int) -> str:
    binds = " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(doublings))
    return f'SELECT (STRLEN(?v{doublings}) AS ?n) WHERE {{ VALUES ?v0 {{ "xxxxxxxxxxxxxxxx" }} {binds} }}'


@pytest.fixture(scope="module")
def small_server(graph) -> Iterator[Server]:
    """One worker capped at 400 MB with a long time limit, a short header timeout and few
    connections: for the attacks that end workers."""
    _imports()
    from cancer_spread.serve import make_app

    app = make_app(graph, timeout=60, memory_mb=400, workers=1, allow_hosts=["cancer-spread.example"])
    with Server(app, header_timeout=1.0, max_connections=8) as running:
        yield running


def test_a_memory_bomb_is_a_clear_error_not_a_4_gb_process(small_server) -> None:
    import httpx

    with httpx.Client(base_url=small_server.url, timeout=120, trust_env=False) as c:
        bomb = _bomb(26)
        assert len(bomb) < 1000
        resp = c.post("/sparql", data={"query": bomb})
        assert resp.status_code == 503, resp.text
        assert "needed more memory than this endpoint allows a query (400 MB)" in resp.text
        assert resp.text.count("\n") <= 2
        ok = c.get("/sparql", params={"query": _bomb(4)})  # the replacement answers
        assert ok.status_code == 200 and ok.json()["results"]["bindings"][0]["n"]["value"] == "256"


def test_a_worker_that_died_idle_costs_no_request(small_server) -> None:
    import httpx

    pool = small_server.app.state.pool
    with httpx.Client(base_url=small_server.url, timeout=120, trust_env=False) as c:
        assert c.get("/sparql", params={"query": FAST}).status_code == 200
        [worker] = list(pool._all)
        os.kill(worker.pid, signal.SIGKILL)
        worker.proc.wait(10)
        for _ in range(3):  # before: a false "ran longer than the time limit" 503
            resp = c.get("/sparql", params={"query": FAST})
            assert resp.status_code == 200, resp.text


def test_a_worker_that_dies_mid_query_says_so(small_server) -> None:
    import httpx

    pool = small_server.app.state.pool
    with httpx.Client(base_url=small_server.url, timeout=120, trust_env=False) as c:
        assert c.get("/sparql", params={"query": FAST}).status_code == 200
        answer: dict[str, object] = {}

        def run() -> None:
            answer["resp"] = c.post("/sparql", data={"query": SLOW})

        thread = threading.Thread(target=run)
        thread.start()
        deadline = time.monotonic() + 30
        while not any(w.pending is not None for w in pool._all) and time.monotonic() < deadline:
            time.sleep(0.05)
        [worker] = [w for w in pool._all if w.pending is not None]
        time.sleep(0.2)
        os.kill(worker.pid, signal.SIGTERM)
        thread.join(60)
        resp = answer["resp"]
        assert resp.status_code == 503
        assert "ended (signal SIGTERM) while running this query; it was replaced" in resp.text
        assert c.get("/sparql", params={"query": FAST}).status_code == 200


def test_the_event_loop_never_scans_query_text(server, client, monkeypatch) -> None:
    """A 20 kB PREFIX + spaces + '!' made the update check take ~1 s in the event loop. The loop
    now only measures the text; the worker checks it in one linear pass."""
    from cancer_spread import queries, serve_worker

    calls: list[str] = []
    monkeypatch.setattr(queries, "_looks_like_update", lambda text: calls.append("update") or False)
    monkeypatch.setattr(serve_worker, "refusal", lambda text: calls.append("refusal"))
    attack = "PREFIX" + " " * 4000 + "!"
    resp = client.get("/sparql", params={"query": attack})
    assert resp.status_code == 400 and "syntax error" in resp.text
    assert calls == []
    words = serve_worker.keywords("PREFIX" + " " * 19_990 + "!")
    assert words == ["PREFIX"]


def test_graph_variable_and_dataset_parameters(client) -> None:
    resp = client.get("/sparql", params={"query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"})
    assert resp.status_code == 200 and resp.json()["results"]["bindings"] == []  # no named graphs
    for name in ("default-graph-uri", "named-graph-uri"):
        for resp in (
            client.get("/sparql", params={"query": FAST, name: "https://example.org/g"}),
            client.post("/sparql", data={"query": FAST, name: "https://example.org/g"}),
            client.post(
                f"/sparql?{name}=https%3A%2F%2Fexample.org%2Fg",
                content=FAST.encode(),
                headers={"Content-Type": "application/sparql-query"},
            ),
        ):
            assert resp.status_code == 400, resp.text
            assert f"{name} is not supported" in resp.text
    sd = client.get("/sparql", headers={"Accept": "text/turtle"}).text
    assert "GRAPH ?g matches nothing" in sd and "void:triples" in sd


def test_head_is_like_get(client) -> None:
    for params in ({"query": FAST}, {}):
        get = client.get("/sparql", params=params)
        head = client.head("/sparql", params=params)
        assert head.status_code == get.status_code == 200
        assert head.headers["content-type"] == get.headers["content-type"]
        assert head.content == b""
    assert client.head("/").status_code == 200
    assert client.head("/queries/metastatic-sites", params={"cancer": "breast"}).status_code == 200


def test_void_names_the_endpoint_and_the_dump(server, client, graph) -> None:
    from rdflib.namespace import VOID

    from cancer_spread.namespaces import DATASET

    g = Graph().parse(data=client.get("/.well-known/void", headers={"Accept": "text/turtle"}).text, format="turtle")
    assert str(g.value(DATASET, VOID.sparqlEndpoint)) == server.url + "/sparql"
    dump = str(g.value(DATASET, VOID.dataDump))
    assert dump == server.url + "/cancer-spread.nt"
    got = Graph().parse(data=client.get(dump.removeprefix(server.url)).text, format="nt")
    assert len(got) == len(graph)
    ttl = client.get("/cancer-spread.ttl")
    assert ttl.headers["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=ttl.text, format="turtle")) == len(graph)


def test_control_characters_never_make_malformed_xml(client) -> None:
    import xml.etree.ElementTree as ET

    query = 'SELECT ?x WHERE { VALUES ?x { "bell\\u0007" "ok" } }'
    xml = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+xml"})
    assert xml.status_code == 406 and "U+0007" in xml.text and "XML 1.0" in xml.text
    construct = 'CONSTRUCT { <urn:a> <urn:b> ?x } WHERE { VALUES ?x { "esc\\u001b" } }'
    rdfxml = client.get("/sparql", params={"query": construct}, headers={"Accept": "application/rdf+xml"})
    assert rdfxml.status_code == 406
    as_json = client.get("/sparql", params={"query": query})
    assert [b["x"]["value"] for b in as_json.json()["results"]["bindings"]] == ["bell\u0007", "ok"]
    fine = client.get(
        "/sparql",
        params={"query": 'SELECT ?x WHERE { VALUES ?x { "a & <b>" } }'},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert fine.status_code == 200 and ET.fromstring(fine.content) is not None


def test_every_page_has_security_headers(client) -> None:
    for path in ("/", "/query"):
        resp = client.get(path)
        csp = resp.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "script-src 'sha256-" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert resp.headers["x-content-type-options"] == "nosniff"
        assert resp.headers["x-frame-options"] == "DENY"
    for path in ("/sparql", "/queries", "/.well-known/void", "/nowhere"):
        resp = client.get(path)
        assert resp.headers["x-content-type-options"] == "nosniff"
        assert "content-security-policy" in resp.headers


def test_other_host_names_are_refused(server, client, small_server) -> None:
    """DNS rebinding: a page on evil.example whose name now points at 127.0.0.1."""
    import httpx

    for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example"):
        resp = client.get("/sparql", params={"query": FAST}, headers={"Host": host})
        assert resp.status_code == 421 and "--allow-host" in resp.text
    for host in ("localhost", f"localhost:{server.port}", "127.0.0.1", "[::1]:80"):
        assert client.get("/queries", headers={"Host": host}).status_code == 200
    with httpx.Client(base_url=small_server.url, timeout=30, trust_env=False) as c:
        assert c.get("/queries", headers={"Host": "cancer-spread.example"}).status_code == 200
        assert c.get("/queries", headers={"Host": "evil.example"}).status_code == 421


def test_cross_site_requests_are_refused_without_cors(small_server) -> None:
    import httpx

    with httpx.Client(base_url=small_server.url, timeout=30, trust_env=False) as c:
        form = c.post("/sparql", data={"query": FAST}, headers={"Origin": "https://evil.example"})
        assert form.status_code == 403 and "--cors" in form.text
        fetch = c.get(
            "/sparql", params={"query": FAST}, headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"}
        )
        assert fetch.status_code == 403
        other_port = c.post(
            "/sparql", data={"query": FAST}, headers={"Sec-Fetch-Site": "same-site", "Origin": "http://localhost:1"}
        )
        assert other_port.status_code == 403
        null = c.post("/sparql", data={"query": FAST}, headers={"Origin": "null"})
        assert null.status_code == 403
        # A link followed from another site, the page itself, and tools without browser headers.
        link = c.get("/", headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"})
        assert link.status_code == 200
        own = c.post(
            "/sparql",
            data={"query": FAST},
            headers={"Origin": small_server.url, "Sec-Fetch-Site": "same-origin"},
        )
        assert own.status_code == 200
        assert c.post("/sparql", data={"query": FAST}).status_code == 200


def test_slow_headers_are_cut_off_and_connections_limited(small_server) -> None:
    """Slowloris: connections that never finish their headers are closed (here after 1 s), and
    connections beyond the limit (here 8) are closed at once."""
    slow = socket.create_connection(("127.0.0.1", small_server.port), timeout=30)
    slow.sendall(b"GET /queries HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
    assert slow.recv(100) == b""  # closed by the server, without an answer
    slow.close()
    held = [socket.create_connection(("127.0.0.1", small_server.port), timeout=30) for _ in range(20)]
    try:
        refused = 0
        for s in held:
            s.settimeout(5)
            try:
                data = s.recv(200)
            except TimeoutError:
                continue
            refused += data == b"" or data.startswith(b"HTTP/1.1 503")
        assert refused >= 12
    finally:
        for s in held:
            s.close()
    import httpx

    time.sleep(1.5)
    with httpx.Client(base_url=small_server.url, timeout=30, trust_env=False) as c:
        assert c.get("/queries").status_code == 200


def test_cors_is_configurable_and_off_by_default(client) -> None:
    ok = client.get("/sparql", params={"query": FAST}, headers={"Origin": "https://example.org"})
    assert ok.headers.get("access-control-allow-origin") == "https://example.org"
    other = client.get("/sparql", params={"query": FAST}, headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers
    pre = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert pre.status_code == 200
    _imports()
    from starlette.middleware.cors import CORSMiddleware

    from cancer_spread.serve import make_app

    assert all(m.cls is not CORSMiddleware for m in make_app(workers=1).user_middleware)


def test_serve_command_binds_loopback_by_default(run_cli) -> None:
    out = run_cli("serve", "--help")
    assert out.returncode == 0
    assert "127.0.0.1" in out.stdout
    for option in (
        "--timeout",
        "--max-query-length",
        "--max-rows",
        "--cors",
        "--port",
        "--allow-host",
        "--worker-memory",
    ):
        assert option in out.stdout


def test_serve_command_runs(cli_path, tmp_path: Path) -> None:
    """The real command: start, answer one request, stop on SIGINT."""
    import signal

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [*cli_path, "serve", "--port", str(port), "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
        deadline = time.monotonic() + 120
        body = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:
                    body = json.loads(resp.read())
                break
            except OSError:
                time.sleep(0.2)
        assert body == {"head": {}, "boolean": True}
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err


@pytest.mark.browser
def test_pages_work_under_their_security_policy_in_chromium(server, browser) -> None:
    """The viewer draws and the query page runs a query in Debian's chromium, with the policy
    the server sends, no error on the console and no request leaving the server."""
    context = browser.new_context()
    page = context.new_page()
    try:
        errors: list[str] = []
        outside: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "request",
            lambda r: None if r.url.startswith((server.url, "data:", "blob:")) else outside.append(r.url),
        )
        page.goto(server.url + "/")
        deadline = time.monotonic() + 60
        while not page.evaluate("Boolean(window.csViewer && csViewer.stableMs !== null)"):
            assert time.monotonic() < deadline, "the viewer did not finish drawing"
            page.wait_for_timeout(50)
        assert page.evaluate("csViewer.nodes.length") > 10
        page.goto(server.url + "/query")
        page.click("button[type=submit]")
        page.wait_for_selector("#out table", timeout=30_000)
        assert page.locator("#out tr").count() > 2
        assert errors == [] and outside == []
    finally:
        context.close()  # and its connections, before the server stops
