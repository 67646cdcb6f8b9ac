"""A read-only SPARQL 1.1 endpoint over the graph, with the viewer, a query page and the named
queries over HTTP: an ASGI app (Starlette), served by uvicorn (``cancer-spread serve``).

Queries run in a small pool of worker processes, each holding its own copy of the graph: rdflib
evaluates SPARQL in pure Python under the GIL, so a slow query in the server's own process would
stall every client. A query that runs past the time limit is stopped inside its worker (an alarm
signal); one that does not stop is killed with its worker, which is replaced. Workers refuse
``SERVICE``, never load ``FROM`` graphs from the web, and may not open network connections at
all.

Routes:

====================  =========================================================================
``/``                 the interactive viewer (generated once at startup)
``/query``            a query page (plain HTML form and a little inline JavaScript; offline)
``/sparql``           the SPARQL 1.1 Protocol (GET ``?query=``, POST form or sparql-query);
                      without a query: the service description
``/queries``          the named queries with their parameters, as JSON
``/queries/NAME``     run one named query: ``?param=value`` (repeat for list parameters)
``/.well-known/void`` the VoID description of the dataset
====================  =========================================================================
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import multiprocessing
import os
import signal
import sys
import threading
import urllib.parse
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef

__all__ = ["GRAPH_TYPES", "ROW_TYPES", "Limits", "make_app", "negotiate"]

#: Media types offered for SELECT and ASK results, the first being the default.
ROW_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
#: Media types offered for CONSTRUCT and DESCRIBE results (and the service description).
GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
_RDFLIB_FORMAT = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
_ALIASES = {"application/json": "application/sparql-results+json", "application/xml": ROW_TYPES[1]}
_TRUNCATED = "X-Cancer-Spread-Truncated"
_SD = "http://www.w3.org/ns/sparql-service-description#"


@dataclass(frozen=True)
class Limits:
    """What one query may use: seconds, characters of query text, rows (or triples) returned."""

    timeout: float = 10.0
    max_query_length: int = 20_000
    max_rows: int = 10_000


# ---------------------------------------------------------------------- content negotiation


def negotiate(accept: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the ``Accept`` header prefers (the first offered on a tie or when
    there is no header), or ``None`` when it accepts none of them.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", ROW_TYPES)
    'application/sparql-results+xml'
    >>> negotiate("text/*", ROW_TYPES)
    'text/csv'
    >>> negotiate("image/png", ROW_TYPES) is None
    True
    """
    if not accept or not accept.strip():
        return offered[0]
    best: tuple[float, int, int] | None = None  # (q, specificity, -index)
    choice = None
    for item in accept.split(","):
        parts = [p.strip() for p in item.split(";")]
        mtype = _ALIASES.get(parts[0].lower(), parts[0].lower())
        q = 1.0
        for p in parts[1:]:
            key, _, value = p.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        for index, candidate in enumerate(offered):
            major = candidate.split("/")[0]
            if mtype in (candidate, "*/*", f"{major}/*"):
                specificity = 2 if mtype == candidate else 1 if mtype != "*/*" else 0
                key = (q, specificity, -index)
                if best is None or key > best:
                    best, choice = key, candidate
    return choice


# ---------------------------------------------------------------------- result bodies


def _xml_term(term: object) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term), quote=False)}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term), quote=False)}</bnode>"
    assert isinstance(term, Literal)
    attrs = ""
    if term.language:
        attrs = f' xml:lang="{escape(term.language)}"'
    elif term.datatype is not None:
        attrs = f' datatype="{escape(str(term.datatype))}"'
    return f"<literal{attrs}>{escape(str(term), quote=False)}</literal>"


def _csv_term(term: object) -> str:
    if term is None:
        return ""
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def rows_body(columns: list[str], rows: list[tuple], media: str) -> bytes:
    """SELECT rows in one of :data:`ROW_TYPES`."""
    from .results import Results

    if media == ROW_TYPES[0]:
        return json.dumps(Results(columns, rows).to_sparql_json(), ensure_ascii=False).encode("utf-8")
    if media == ROW_TYPES[1]:
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        out += [f'<variable name="{escape(c)}"/>' for c in columns]
        out.append("</head>\n<results>")
        for row in rows:
            out.append("<result>")
            for c, t in zip(columns, row, strict=True):
                if t is not None:
                    out.append(f'<binding name="{escape(c)}">{_xml_term(t)}</binding>')
            out.append("</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode("utf-8")
    if media == "text/csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows([_csv_term(t) for t in row] for row in rows)
        return buf.getvalue().encode("utf-8")
    return Results(columns, rows).to_text("tsv").encode("utf-8")


def ask_body(answer: bool, media: str) -> bytes:
    """An ASK answer in one of :data:`ROW_TYPES` (CSV and TSV as one ``_askResult`` column)."""
    word = "true" if answer else "false"
    if media == ROW_TYPES[0]:
        return json.dumps({"head": {}, "boolean": answer}).encode("utf-8")
    if media == ROW_TYPES[1]:
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
            f"<head/>\n<boolean>{word}</boolean>\n</sparql>\n"
        ).encode()
    return f"{'?' if media != 'text/csv' else ''}_askResult\n{word}\n".encode()


def graph_body(graph: Graph, media: str) -> bytes:
    """An RDF graph in one of :data:`GRAPH_TYPES`."""
    from .export import jsonld_context
    from .namespaces import bind_prefixes

    bind_prefixes(graph)
    if media == "application/ld+json":
        return graph.serialize(format="json-ld", context=jsonld_context()["@context"], encoding="utf-8")
    return graph.serialize(format=_RDFLIB_FORMAT[media], encoding="utf-8")


def _media_header(media: str) -> str:
    return media + ("; charset=utf-8" if media.startswith("text/") or media.endswith("json") else "")


# ---------------------------------------------------------------------- the worker process


class _Expired(BaseException):
    """Raised by the alarm inside a worker: a BaseException, so no ``except Exception`` in rdflib
    swallows it."""


@dataclass
class Reply:
    """A worker's answer: an HTTP status, body and headers."""

    status: int
    body: bytes
    media: str = "text/plain; charset=utf-8"
    headers: dict[str, str] | None = None


def _error(status: int, message: str, hint: str | None = None) -> Reply:
    text = f"error: {message}\n" + (f"hint: {hint}\n" if hint else "")
    return Reply(status, text.encode("utf-8"))


_GRAPH: Graph | None = None


def _no_outbound(event: str, args: tuple) -> None:
    """Audit hook of the workers: no network connection, no URL opened, ever."""
    import socket

    if event == "socket.connect" and args[0].family in (socket.AF_INET, socket.AF_INET6):
        raise PermissionError("the SPARQL endpoint makes no outbound connections")
    if event in ("urllib.Request", "socket.getaddrinfo"):
        raise PermissionError("the SPARQL endpoint makes no outbound connections")


def _refuse_service(ctx: Any, part: Any) -> Any:
    """rdflib custom evaluation (its documented extension point): refuse SERVICE at run time."""
    if getattr(part, "name", None) == "ServiceGraphPattern":
        from .errors import QueryError

        raise QueryError("SERVICE is not allowed: this endpoint makes no outbound requests")
    raise NotImplementedError


def _worker_init(data: bytes) -> None:
    global _GRAPH
    import rdflib.plugins.sparql as rdflib_sparql

    from .namespaces import bind_prefixes

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server shuts the pool down itself
    rdflib_sparql.SPARQL_LOAD_GRAPHS = False  # FROM / FROM NAMED never fetch anything
    rdflib_sparql.SPARQL_DEFAULT_GRAPH_UNION = True  # one graph: the default graph is all of it
    rdflib_sparql.CUSTOM_EVALS["cancer-spread-no-service"] = _refuse_service
    _GRAPH = bind_prefixes(Graph())
    _GRAPH.parse(data=data, format="nt")
    sys.addaudithook(_no_outbound)
    from .queries import load_queries

    for q in load_queries().values():  # prepare (parse) every named query once
        _ = q.prepared


def _algebra_nodes(node: Any) -> Any:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _algebra_nodes(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _algebra_nodes(value)


def _check_algebra(prepared: Any) -> str | None:
    """Why the parsed query may not run here (SERVICE, FROM), or ``None``."""
    algebra = prepared.algebra
    if algebra.get("datasetClause"):
        return "FROM and FROM NAMED are not allowed: this endpoint serves one default graph and loads nothing"
    for node in _algebra_nodes(algebra):
        if node.name == "ServiceGraphPattern":
            return "SERVICE is not allowed: this endpoint makes no outbound requests"
    return None


def _alarm(seconds: float) -> None:
    def expired(signum: int, frame: object) -> None:
        raise _Expired

    signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)


def _run_sparql(text: str, accept: str | None, limits: Limits) -> Reply:
    from .errors import QueryError
    from .queries import parse_sparql

    try:
        prepared = parse_sparql(text, origin="query")
    except QueryError as err:
        return _error(400, err.message, err.hint)
    refused = _check_algebra(prepared)
    if refused:
        return _error(400, refused)
    kind = prepared.algebra.name
    graph_result = kind in ("ConstructQuery", "DescribeQuery")
    offered = GRAPH_TYPES if graph_result else ROW_TYPES
    media = negotiate(accept, offered)
    if media is None:
        return _error(406, f"cannot answer this query as {accept}", f"accepted: {', '.join(offered)}")
    assert _GRAPH is not None
    result = _GRAPH.query(prepared)
    headers: dict[str, str] = {}
    if kind == "AskQuery":
        return Reply(200, ask_body(bool(result.askAnswer), media), _media_header(media))
    if graph_result:
        out = Graph()
        for n, triple in enumerate(result.graph or ()):
            if n >= limits.max_rows:
                headers[_TRUNCATED] = f"{limits.max_rows} triples"
                break
            out.add(triple)
        return Reply(200, graph_body(out, media), _media_header(media), headers)
    columns = [str(v) for v in (result.vars or [])]
    rows = []
    for n, row in enumerate(result):
        if n >= limits.max_rows:
            headers[_TRUNCATED] = f"{limits.max_rows} rows"
            break
        rows.append(tuple(row))
    return Reply(200, rows_body(columns, rows, media), _media_header(media), headers)


def _run_named(name: str, params: dict[str, list[str]], accept: str | None, limits: Limits) -> Reply:
    from .api import _query, bind_params
    from .errors import InputError

    media = negotiate(accept, ROW_TYPES)
    if media is None:
        return _error(406, f"cannot answer a named query as {accept}", f"accepted: {', '.join(ROW_TYPES)}")
    try:
        query = _query(name)
    except InputError as err:
        return _error(404, err.message, (err.hint or "").replace("cancer-spread queries", "GET /queries"))
    values: dict[str, Any] = {}
    for key, vals in params.items():
        spec = query.params.get(key)
        values[key] = vals if (spec is not None and spec.list) or len(vals) > 1 else vals[0]
    assert _GRAPH is not None
    try:
        bindings = bind_params(query, _GRAPH, values)
    except InputError as err:
        return _error(400, err.message, err.hint)
    result = query.run(_GRAPH, bindings)
    columns = [str(v) for v in (result.vars or [])]
    rows = [tuple(row) for row in result]
    headers = {}
    if len(rows) > limits.max_rows:
        rows, headers = rows[: limits.max_rows], {_TRUNCATED: f"{limits.max_rows} rows"}
    return Reply(200, rows_body(columns, rows, media), _media_header(media), headers)


def _handle(task: tuple) -> Reply:
    kind, args, limits = task[0], task[1:-1], task[-1]
    from .errors import CancerSpreadError

    _alarm(limits.timeout)
    try:
        if kind == "sparql":
            return _run_sparql(*args, limits)
        if kind == "named":
            return _run_named(*args, limits)
        return _error(500, f"unknown task {kind!r}")
    except _Expired:
        return _error(
            503,
            f"query stopped: it ran longer than the time limit of {limits.timeout:g} s",
            "narrow the query (add LIMIT, bind more variables) or ask the operator to raise --timeout",
        )
    except CancerSpreadError as err:
        return _error(400, err.message, err.hint)
    except PermissionError as err:
        return _error(400, str(err))
    except Exception as err:  # rdflib raises plain Exceptions for queries it cannot evaluate
        return _error(500, f"the query failed: {type(err).__name__}: {err}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _worker_main(conn: Any, data: bytes) -> None:
    try:
        _worker_init(data)
    except BaseException as err:  # report, then exit
        conn.send(("failed", f"{type(err).__name__}: {err}"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return  # the server went away
        try:
            reply = _handle(task)
        except _Expired:  # the alarm fired between the query's end and the reset
            reply = _error(503, "query stopped: time limit")
        conn.send(reply)


# ---------------------------------------------------------------------- the pool


class PoolBusy(Exception):
    """Every worker stayed busy for the whole time limit."""


class _Worker:
    def __init__(self, ctx: Any, data: bytes) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, data), daemon=True, name="cancer-spread-query")
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise RuntimeError(f"a query worker did not start within {timeout:g} s")
        status, detail = self.conn.recv()
        if status != "ready":
            self.kill()
            raise RuntimeError(f"a query worker failed to start: {detail}")

    def call(self, task: tuple, hard_limit: float) -> Reply | None:
        """Send ``task`` and wait for the reply; ``None`` if the worker had to be killed."""
        try:
            self.conn.send(task)
            if self.conn.poll(hard_limit):
                return self.conn.recv()
        except (EOFError, OSError):
            pass
        self.kill()
        return None

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """``size`` worker processes, each with the graph; one query at a time per worker."""

    def __init__(self, graph: Graph, size: int, limits: Limits) -> None:
        self.size = size
        self.limits = limits
        self._data = graph.serialize(format="nt", encoding="utf-8")
        self._ctx = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self.restarts = 0

    def start(self) -> None:
        """Start every worker and wait until each holds the graph (blocking)."""
        workers = [_Worker(self._ctx, self._data) for _ in range(self.size)]
        for w in workers:
            w.wait_ready(120)
            self._all.add(w)
            self._idle.put_nowait(w)

    def _replace(self, dead: _Worker) -> None:
        """Start a worker in place of a killed one, in the background."""
        self._all.discard(dead)
        self.restarts += 1
        if self._closed:
            return
        loop = self._loop

        def spawn() -> None:
            try:
                w = _Worker(self._ctx, self._data)
                w.wait_ready(120)
            except Exception as err:  # pragma: no cover - the machine is out of resources
                print(f"cancer-spread serve: {err}", file=sys.stderr)
                return
            if self._closed:
                w.kill()
                return
            self._all.add(w)
            assert loop is not None
            loop.call_soon_threadsafe(self._idle.put_nowait, w)

        threading.Thread(target=spawn, name="cancer-spread-respawn", daemon=True).start()

    async def run(self, task: tuple) -> Reply:
        """Run ``task`` on a free worker within the time limit."""
        import anyio

        self._loop = asyncio.get_running_loop()
        timeout = self.limits.timeout
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout)
        except TimeoutError:
            raise PoolBusy from None
        hard = timeout + max(1.0, timeout / 2)  # past the alarm: the worker is stuck
        reply = await anyio.to_thread.run_sync(worker.call, (*task, self.limits), hard)
        if reply is None:
            self._replace(worker)
            return _error(
                503,
                f"query stopped: it ran longer than the time limit of {timeout:g} s",
                "narrow the query (add LIMIT, bind more variables) or ask the operator to raise --timeout",
            )
        self._idle.put_nowait(worker)
        return reply

    def close(self) -> None:
        self._closed = True
        for w in list(self._all):
            w.kill()
        self._all.clear()


# ---------------------------------------------------------------------- documents


def service_description(endpoint: str) -> Graph:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint``."""
    from rdflib.namespace import RDF

    from .namespaces import DATASET, bind_prefixes

    sd = bind_prefixes(Graph())
    s = URIRef(endpoint)
    SD = lambda local: URIRef(_SD + local)  # noqa: E731
    sd.add((s, RDF.type, SD("Service")))
    sd.add((s, SD("endpoint"), s))
    sd.add((s, SD("supportedLanguage"), SD("SPARQL11Query")))
    for fmt in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV"):
        sd.add((s, SD("resultFormat"), URIRef(f"http://www.w3.org/ns/formats/{fmt}")))
    for fmt in ("Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        sd.add((s, SD("resultFormat"), URIRef(f"http://www.w3.org/ns/formats/{fmt}")))
    dataset = BNode()
    default = BNode()
    sd.add((s, SD("defaultDataset"), dataset))
    sd.add((dataset, RDF.type, SD("Dataset")))
    sd.add((dataset, SD("defaultGraph"), default))
    sd.add((default, RDF.type, SD("Graph")))
    sd.add((default, URIRef("http://rdfs.org/ns/void#inDataset"), DATASET))
    return sd


def _query_page(named: dict[str, Any]) -> str:
    examples = {}
    for name, q in named.items():
        examples[name] = {"title": q.title, "text": q.text}
    data = json.dumps(examples, ensure_ascii=True).replace("<", "\\u003c")
    default = escape(
        "SELECT ?cancer ?label WHERE {\n  ?cancer cs:spreadsTo site:adrenal-gland ; skos:prefLabel ?label\n}"
        "\nORDER BY ?label"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cancer-spread SPARQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font: 15px/1.4 system-ui, sans-serif; margin: 1.5em; max-width: 72em; }}
textarea {{ width: 100%; height: 14em; font: 13px monospace; }}
table {{ border-collapse: collapse; margin-top: 1em; }}
td, th {{ border: 1px solid #ccc; padding: 2px 6px; vertical-align: top; text-align: left; }}
#status {{ margin-top: .8em; }} .error {{ color: #a00; white-space: pre-wrap; font-family: monospace; }}
</style></head><body>
<h1>cancer-spread SPARQL</h1>
<p>Read-only SPARQL 1.1 over the graph; the project's prefixes (<code>cs:</code>, <code>site:</code>,
<code>cancer:</code>, <code>skos:</code>…) are predeclared. Endpoint: <code>/sparql</code>.
<a href="/">Viewer</a> · <a href="/queries">named queries (JSON)</a> ·
<a href="/.well-known/void">dataset description</a></p>
<form id="form" method="post" action="/sparql">
<label>Example: <select id="examples"><option value="">(choose a named query)</option></select></label>
<textarea id="query" name="query" spellcheck="false">{default}</textarea>
<button type="submit">Run</button></form>
<div id="status"></div><div id="out"></div>
<script id="named" type="application/json">{data}</script>
<script>
"use strict";
const named = JSON.parse(document.getElementById("named").textContent);
const select = document.getElementById("examples");
for (const [name, q] of Object.entries(named)) {{
  const o = document.createElement("option"); o.value = name; o.textContent = name + ": " + q.title;
  select.appendChild(o);
}}
select.addEventListener("change", () => {{
  if (select.value) document.getElementById("query").value = named[select.value].text;
}});
function show(term) {{ return term === undefined ? "" : term.value; }}
document.getElementById("form").addEventListener("submit", async (event) => {{
  event.preventDefault();
  const status = document.getElementById("status"), out = document.getElementById("out");
  out.replaceChildren(); status.className = ""; status.textContent = "running…";
  const started = performance.now();
  try {{
    const resp = await fetch("/sparql", {{method: "POST",
      headers: {{"Content-Type": "application/sparql-query",
                 "Accept": "application/sparql-results+json, text/turtle;q=0.5"}},
      body: document.getElementById("query").value}});
    const text = await resp.text();
    if (!resp.ok) {{ status.className = "error"; status.textContent = resp.status + ": " + text; return; }}
    const ms = Math.round(performance.now() - started);
    const type = resp.headers.get("Content-Type") || "";
    if (!type.startsWith("application/sparql-results+json")) {{
      const pre = document.createElement("pre"); pre.textContent = text; out.appendChild(pre);
      status.textContent = "graph result, " + ms + " ms"; return;
    }}
    const data = JSON.parse(text);
    if ("boolean" in data) {{ status.textContent = "answer: " + data.boolean + " (" + ms + " ms)"; return; }}
    const table = document.createElement("table"), head = document.createElement("tr");
    for (const v of data.head.vars) {{
      const th = document.createElement("th"); th.textContent = v; head.appendChild(th);
    }}
    table.appendChild(head);
    for (const b of data.results.bindings) {{
      const tr = document.createElement("tr");
      for (const v of data.head.vars) {{
        const td = document.createElement("td"); td.textContent = show(b[v]); tr.appendChild(td);
      }}
      table.appendChild(tr);
    }}
    out.appendChild(table);
    const cut = resp.headers.get("{_TRUNCATED}");
    status.textContent = data.results.bindings.length + " rows, " + ms + " ms" + (cut ? " (cut at " + cut + ")" : "");
  }} catch (err) {{ status.className = "error"; status.textContent = String(err); }}
}});
</script></body></html>
"""


# ---------------------------------------------------------------------- the app


def make_app(
    graph: Graph | None = None,
    *,
    timeout: float = 10.0,
    max_query_length: int = 20_000,
    max_rows: int = 10_000,
    cors: Sequence[str] = (),
    workers: int = 2,
) -> Any:
    """The ASGI app serving ``graph`` (the packaged graph by default). Queries run in ``workers``
    processes started when the app starts (its lifespan), each stopped after ``timeout`` seconds;
    longer query texts (``max_query_length`` characters) are refused; results are cut at
    ``max_rows``. ``cors``: origins allowed to call from a browser (none by default)."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, JSONResponse, Response
    from starlette.routing import Route

    from .load import load_graph
    from .queries import _looks_like_update, load_queries
    from .visualise import render_html

    graph = load_graph() if graph is None else graph
    limits = Limits(timeout=timeout, max_query_length=max_query_length, max_rows=max_rows)
    pool = WorkerPool(graph, max(1, workers), limits)
    from .pages import entity_routes, with_dataset_jsonld

    viewer = with_dataset_jsonld(render_html(graph), graph)
    named = load_queries()
    query_page = _query_page(named)
    from .export import void_graph

    max_body = max_query_length * 3 + 4096  # a form-encoded query is at most 3 bytes a character

    def plain(status: int, message: str, hint: str | None = None, headers: dict[str, str] | None = None) -> Response:
        reply = _error(status, message, hint)
        return Response(reply.body, status, media_type="text/plain; charset=utf-8", headers=headers)

    def reply_response(reply: Reply) -> Response:
        return Response(reply.body, reply.status, headers={"Content-Type": reply.media, **(reply.headers or {})})

    async def read_body(request: Request) -> bytes | Response:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_body:
            return plain(413, f"the request is too long (over {max_body} bytes)")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_body:
                return plain(413, f"the request is too long (over {max_body} bytes)")
            chunks.append(chunk)
        return b"".join(chunks)

    async def run(task: tuple) -> Response:
        try:
            return reply_response(await pool.run(task))
        except PoolBusy:
            return plain(
                503,
                f"the server is busy: all {pool.size} query workers stayed busy for {timeout:g} s",
                "try again shortly",
                {"Retry-After": "5"},
            )

    def rdf_document(request: Request, doc: Graph) -> Response:
        media = negotiate(request.headers.get("accept"), GRAPH_TYPES)
        if media is None:
            return plain(406, "this document is RDF", f"accepted: {', '.join(GRAPH_TYPES)}")
        return Response(graph_body(doc, media), headers={"Content-Type": _media_header(media)})

    async def sparql(request: Request) -> Response:
        params = urllib.parse.parse_qs(request.url.query, keep_blank_values=True)
        texts: list[str] = params.get("query", [])
        updates = params.get("update", [])
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                return plain(403, "SPARQL Update is refused: this endpoint is read-only")
            if ctype not in ("application/x-www-form-urlencoded", "application/sparql-query"):
                return plain(
                    415,
                    f"unsupported content type {ctype or '(none)'!r}",
                    "POST application/sparql-query, or a form (application/x-www-form-urlencoded) with query=",
                )
            body = await read_body(request)
            if isinstance(body, Response):
                return body
            try:
                decoded = body.decode("utf-8")
            except UnicodeDecodeError:
                return plain(400, "the request body is not UTF-8")
            if ctype == "application/sparql-query":
                texts = [*texts, decoded]
            else:
                form = urllib.parse.parse_qs(decoded, keep_blank_values=True)
                texts = [*texts, *form.get("query", [])]
                updates = [*updates, *form.get("update", [])]
        if updates:
            return plain(403, "SPARQL Update is refused: this endpoint is read-only")
        if not texts:
            if request.method == "GET":
                return rdf_document(request, service_description(str(request.url.replace(query=""))))
            return plain(400, "no query: send query=… (form) or the query text (application/sparql-query)")
        if len(texts) > 1:
            return plain(400, "more than one query in the request")
        text = texts[0]
        if len(text) > max_query_length:
            return plain(413, f"the query is too long: {len(text)} characters, the limit is {max_query_length}")
        if _looks_like_update(text):
            return plain(
                400, "SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP...) is refused: this endpoint is read-only"
            )
        return await run(("sparql", text, request.headers.get("accept")))

    async def list_queries(request: Request) -> Response:
        out = []
        for name, q in named.items():
            out.append(
                {
                    "name": name,
                    "title": q.title,
                    "description": q.description,
                    "columns": q.columns,
                    "url": f"/queries/{name}",
                    "params": [
                        {
                            "name": p.name,
                            "type": p.type,
                            "required": p.required,
                            "list": p.list,
                            "example": p.example,
                            "description": p.description,
                        }
                        for p in q.params.values()
                    ],
                }
            )
        return JSONResponse(out)

    async def named_query(request: Request) -> Response:
        name = request.path_params["name"]
        if len(str(request.url.query)) > max_query_length:
            return plain(413, f"the parameters are too long (over {max_query_length} characters)")
        params: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            params.setdefault(key, []).append(value)
        return await run(("named", name, params, request.headers.get("accept")))

    async def void_document(request: Request) -> Response:
        endpoint = str(request.url.replace(path="/sparql", query="", fragment=""))
        return rdf_document(request, void_graph(graph, endpoint=endpoint))

    async def home(request: Request) -> Response:
        return HTMLResponse(viewer)

    async def query_form(request: Request) -> Response:
        return HTMLResponse(query_page)

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        import anyio

        await anyio.to_thread.run_sync(pool.start)
        try:
            yield
        finally:
            pool.close()

    middleware = []
    if cors:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(cors),
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
                expose_headers=[_TRUNCATED],
            )
        )
    routes = [
        Route("/", home, methods=["GET"]),
        Route("/query", query_form, methods=["GET"]),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/queries", list_queries, methods=["GET"]),
        Route("/queries/{name}", named_query, methods=["GET"]),
        Route("/.well-known/void", void_document, methods=["GET"]),
        *entity_routes(graph, negotiate),  # the entity IRIs (/cancer/…, /site/…): pages.py
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.pool = pool
    return app
