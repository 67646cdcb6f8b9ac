"""The SPARQL endpoint over real HTTP on loopback: every method and media type, the errors, the
limits, and no outbound request ever."""

from __future__ import annotations

import csv
import http.server
import io
import json
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
TIMEOUT = 2.0
MAX_ROWS = 50
MAX_QUERY = 5000


def _imports() -> None:
    for module in ("starlette", "uvicorn", "httpx"):
        try:
            __import__(module)
        except ImportError:
            need(False, f"{module} is not installed (pip install -e '.[test]')")


class Server:
    def __init__(self, app) -> None:
        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.app = app
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
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
        graph, timeout=TIMEOUT, max_query_length=MAX_QUERY, max_rows=MAX_ROWS, cors=["https://example.org"], workers=2
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


def test_worker_guards_hold_without_the_parse_check(graph, listener, tmp_path: Path) -> None:
    """Even a query that slipped past the algebra check fetches nothing inside a worker."""
    url, hits = listener
    data = tmp_path / "g.nt"
    data.write_bytes(graph.serialize(format="nt", encoding="utf-8"))
    code = f"""
import sys
from pathlib import Path
from cancer_spread import serve
from rdflib import Graph, Dataset
serve._worker_init(Path({str(data)!r}).read_bytes())
outcomes = []
for q in ["SELECT * WHERE {{ SERVICE <{url}/> {{ ?s ?p ?o }} }}"]:
    try:
        list(serve._GRAPH.query(q))
        outcomes.append("ran")
    except Exception as err:
        outcomes.append(type(err).__name__)
try:
    ds = Dataset()
    list(ds.query("SELECT * FROM <{url}/x> WHERE {{ ?s ?p ?o }}"))
    outcomes.append("ran")
except Exception as err:
    outcomes.append(type(err).__name__)
try:
    Graph().parse("{url}/direct")
    outcomes.append("fetched")
except PermissionError:
    outcomes.append("PermissionError")
print(",".join(outcomes))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    outcomes = out.stdout.strip().split(",")
    assert outcomes[0] == "QueryError"  # SERVICE refused by the custom evaluation
    assert outcomes[2] == "PermissionError"  # and no socket may be opened at all
    time.sleep(0.3)
    assert hits == []


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
    assert resp.json() == run_query("likely-primaries", graph, site=["liver", "bone"]).to_sparql_json()
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


def test_runaway_query_is_stopped_while_others_are_served(server, client) -> None:
    import httpx

    slow: dict[str, object] = {}

    def run_slow() -> None:
        with httpx.Client(base_url=server.url, timeout=30, trust_env=False) as c:
            started = time.monotonic()
            slow["resp"] = c.post("/sparql", data={"query": SLOW})
            slow["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.3)
    fast_times = []
    for _ in range(3):  # answered while the slow query holds the other worker
        started = time.monotonic()
        assert client.get("/sparql", params={"query": FAST}).status_code == 200
        fast_times.append(time.monotonic() - started)
    thread.join(30)
    assert not thread.is_alive()
    resp = slow["resp"]
    assert resp.status_code == 503, resp.text
    assert "time limit" in resp.text
    assert TIMEOUT - 0.5 < slow["seconds"] < TIMEOUT + 5
    assert max(fast_times) < TIMEOUT
    assert client.get("/sparql", params={"query": FAST}).status_code == 200  # still serving


def test_a_stuck_worker_is_killed_and_replaced() -> None:
    """The backstop behind the alarm: a worker that does not answer in time is killed."""
    import multiprocessing

    from cancer_spread.load import load_graph
    from cancer_spread.serve import Limits, _Worker

    ctx = multiprocessing.get_context("spawn")
    worker = _Worker(ctx, load_graph().serialize(format="nt", encoding="utf-8"))
    try:
        worker.wait_ready(120)
        # The alarm is set far beyond the hard limit given to call(): call() must kill.
        started = time.monotonic()
        assert worker.call(("sparql", SLOW, None, Limits(timeout=60)), 1.0) is None
        assert time.monotonic() - started < 10
        assert not worker.process.is_alive()
    finally:
        worker.kill()


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
    from cancer_spread.serve import make_app

    assert make_app().user_middleware == []


def test_serve_command_binds_loopback_by_default(run_cli) -> None:
    out = run_cli("serve", "--help")
    assert out.returncode == 0
    assert "127.0.0.1" in out.stdout
    for option in ("--timeout", "--max-query-length", "--max-rows", "--cors", "--port"):
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
