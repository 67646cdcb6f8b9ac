"""A read-only SPARQL 1.1 endpoint over the graph, with the viewer, a query page and the named
queries over HTTP: an ASGI app (Starlette), served by uvicorn (``cancer-spread serve``).

Queries run on Oxigraph in a pool of worker processes (:mod:`cancer_spread.serve_pool`), each
holding its own copy of the graph: a query past the time limit is stopped by ending its worker,
which is replaced; a worker's memory is capped; a worker that dies costs only its own request.
The server's event loop only routes requests and never scans query texts. The guard
(:mod:`cancer_spread.serve_guard`) refuses other host names and cross-site requests, and sets
security headers on every response.

Routes:

=========================  ====================================================================
``/``                      the interactive viewer (generated once at startup)
``/query``                 a query page (plain HTML form and a little inline JavaScript; offline)
``/sparql``                the SPARQL 1.1 Protocol (GET or HEAD ``?query=``, POST form or
                           sparql-query); without a query: the service description
``/queries``               the named queries with their parameters, as JSON
``/queries/NAME``          run one named query: ``?param=value`` (repeat for list parameters)
``/.well-known/void``      the VoID description of the dataset (names the endpoint and the dump)
``/cancer-spread.nt``      the whole graph (N-Triples; ``.ttl``: Turtle), the data dump
=========================  ====================================================================

More routes (for example entity pages) are passed to :func:`make_app` as ``extra_routes``; they
get the guard and its headers too. An HTML page with inline scripts needs its own policy:
``Endpoint.html(page)`` (or :func:`cancer_spread.serve_guard.csp_for_html`) allows exactly its
scripts; without one, the default policy runs no script at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import urllib.parse
from collections.abc import AsyncIterator, Sequence
from html import escape
from typing import Any

from .serve_guard import LOOPBACK_NAMES, Guard, csp_for_html, guarded_protocol
from .serve_pool import PoolBusy, WorkerPool
from .serve_worker import GRAPH_TYPES, ROW_TYPES, TRUNCATED, Limits, Reply, error, media_header, negotiate

__all__ = ["GRAPH_TYPES", "ROW_TYPES", "Limits", "make_app", "negotiate", "run"]

_SD = "http://www.w3.org/ns/sparql-service-description#"
_VOID = "http://rdfs.org/ns/void#"
#: Seconds a client has to send its request headers (and, on POST, its body).
HEADER_TIMEOUT = 10.0
#: Open connections at most; more are closed at once.
MAX_CONNECTIONS = 256


# ---------------------------------------------------------------------- documents


def service_description(endpoint: str, n_triples: int) -> Any:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint``: the language, result
    formats, what the service does not do, and its default dataset (one default graph of
    ``n_triples`` triples, no named graphs)."""
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import RDF, RDFS, XSD

    from .namespaces import DATASET, bind_prefixes

    sd = bind_prefixes(Graph())
    sd.bind("sd", _SD)
    s = URIRef(endpoint)

    def SD(local: str) -> URIRef:
        return URIRef(_SD + local)

    sd.add((s, RDF.type, SD("Service")))
    sd.add((s, SD("endpoint"), s))
    sd.add((s, SD("supportedLanguage"), SD("SPARQL11Query")))
    for fmt in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV"):
        sd.add((s, SD("resultFormat"), URIRef(f"http://www.w3.org/ns/formats/{fmt}")))
    for fmt in ("Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        sd.add((s, SD("resultFormat"), URIRef(f"http://www.w3.org/ns/formats/{fmt}")))
    sd.add(
        (
            s,
            RDFS.comment,
            Literal(
                "Read-only: SPARQL Update, SERVICE, FROM, FROM NAMED, default-graph-uri and named-graph-uri are "
                "refused. One default graph and no named graphs: GRAPH ?g matches nothing. Each query has a time "
                "limit and results have a row limit.",
                lang="en",
            ),
        )
    )
    dataset, default = BNode(), BNode()
    sd.add((s, SD("defaultDataset"), dataset))
    sd.add((dataset, RDF.type, SD("Dataset")))
    sd.add((dataset, SD("defaultGraph"), default))
    sd.add((default, RDF.type, SD("Graph")))
    sd.add((default, URIRef(_VOID + "triples"), Literal(n_triples, datatype=XSD.integer)))
    sd.add((default, URIRef(_VOID + "inDataset"), DATASET))
    return sd


def void_document(void: Any, base: str) -> Any:
    """The VoID description with this server's SPARQL endpoint and data dump."""
    from rdflib import Graph, URIRef

    from .namespaces import DATASET, bind_prefixes

    out = bind_prefixes(Graph())
    for triple in void:
        out.add(triple)
    out.add((DATASET, URIRef(_VOID + "sparqlEndpoint"), URIRef(base + "sparql")))
    out.add((DATASET, URIRef(_VOID + "dataDump"), URIRef(base + "cancer-spread.nt")))
    return out


def rdf_body(graph: Any, media: str) -> bytes:
    """A small rdflib graph (a description) in one of :data:`GRAPH_TYPES`."""
    from .export import jsonld_context

    if media == "application/ld+json":
        return graph.serialize(format="json-ld", context=jsonld_context()["@context"], encoding="utf-8")
    fmt = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml"}[media]
    return graph.serialize(format=fmt, encoding="utf-8")


def _named_list(named: dict[str, Any]) -> bytes:
    out = []
    for name, q in named.items():
        params = [
            {
                "name": p.name,
                "type": p.type,
                "required": p.required,
                "list": p.list,
                "example": p.example,
                "description": p.description,
            }
            for p in q.params.values()
        ]
        out.append(
            {
                "name": name,
                "title": q.title,
                "description": q.description,
                "columns": q.columns,
                "url": f"/queries/{name}",
                "params": params,
            }
        )
    return json.dumps(out, ensure_ascii=False).encode("utf-8")


def _query_page(named: dict[str, Any]) -> str:
    from importlib.resources import files

    from .namespaces import PREFIXES

    examples = {
        name: {
            "title": q.title,
            "description": q.description,
            # The SPARQL without its #+ header; the page binds parameters through /queries/NAME.
            "text": "\n".join(ln for ln in q.text.splitlines() if not ln.startswith("#+")).strip() + "\n",
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
        for name, q in named.items()
    }
    data = json.dumps({"queries": examples, "prefixes": PREFIXES}, ensure_ascii=True).replace("<", "\\u003c")
    default = escape(
        "SELECT ?cancer ?label WHERE {\n  ?cancer cs:spreadsTo site:adrenal-gland ; skos:prefLabel ?label\n}"
        "\nORDER BY ?label"
    )
    template = files("cancer_spread").joinpath("serve_query.html").read_text(encoding="utf-8")
    values = {"default": default, "named": data, "truncated": TRUNCATED}
    return re.sub(r"\{\{(default|named|truncated)\}\}", lambda m: values[m.group(1)], template)


# ---------------------------------------------------------------------- the app


class Endpoint:
    """The state of one served graph, and the request handlers."""

    def __init__(self, graph: Any, limits: Limits, workers: int) -> None:
        from .export import void_graph
        from .queries import load_queries
        from .visualise import render_html

        self.limits = limits
        self.n_triples = len(graph)
        self.ntriples = graph.serialize(format="nt", encoding="utf-8")
        self.turtle: bytes | None = None
        self.graph = graph
        self.pool = WorkerPool(self.ntriples, max(1, workers), limits)
        from .pages import with_dataset_jsonld

        self.viewer = with_dataset_jsonld(render_html(graph), graph)  # the landing page names the dataset
        self.named = load_queries()
        self.named_json = _named_list(self.named)
        self.query_page = _query_page(self.named)
        self.void = void_graph(graph)
        self.max_body = limits.max_query_length * 3 + 4096  # form-encoding: at most 3 bytes a character

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def plain(status: int, message: str, hint: str | None = None, headers: dict[str, str] | None = None) -> Any:
        from starlette.responses import Response

        reply = error(status, message, hint)
        return Response(reply.body, status, media_type="text/plain; charset=utf-8", headers=headers)

    @staticmethod
    def html(page: str) -> Any:
        from starlette.responses import HTMLResponse

        return HTMLResponse(page, headers={"Content-Security-Policy": csp_for_html(page)})

    def rdf(self, request: Any, doc: Any) -> Any:
        from starlette.responses import Response

        media = negotiate(request.headers.get("accept"), GRAPH_TYPES)
        if media is None:
            return self.plain(406, "this document is RDF", f"accepted: {', '.join(GRAPH_TYPES)}")
        return Response(rdf_body(doc, media), headers={"Content-Type": media_header(media)})

    async def read_body(self, request: Any) -> bytes | Any:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_body:
            return self.plain(413, f"the request is too long (over {self.max_body} bytes)")
        chunks, size = [], 0

        async def read() -> None:
            nonlocal size
            async for chunk in request.stream():
                size += len(chunk)
                if size > self.max_body:
                    return
                chunks.append(chunk)

        try:
            await asyncio.wait_for(read(), HEADER_TIMEOUT)
        except TimeoutError:
            return self.plain(408, f"the request body did not arrive within {HEADER_TIMEOUT:g} s")
        if size > self.max_body:
            return self.plain(413, f"the request is too long (over {self.max_body} bytes)")
        return b"".join(chunks)

    async def run(self, task: dict[str, Any]) -> Any:
        from starlette.responses import Response

        try:
            reply: Reply = await self.pool.run(task)
        except PoolBusy:
            return self.plain(
                503,
                f"the server is busy: all {self.pool.size} query workers stayed busy for {self.limits.timeout:g} s",
                "try again shortly",
                {"Retry-After": "5"},
            )
        return Response(reply.body, reply.status, headers={"Content-Type": reply.media, **(reply.headers or {})})

    # ------------------------------------------------------------------ /sparql
    async def sparql_params(self, request: Any) -> tuple[dict[str, list[str]], Any]:
        """The protocol parameters of a request (URL and body together), or an error response."""
        params = urllib.parse.parse_qs(request.url.query, keep_blank_values=True)
        if request.method != "POST":
            return params, None
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            return params, self.plain(403, "SPARQL Update is refused: this endpoint is read-only")
        if ctype not in ("application/x-www-form-urlencoded", "application/sparql-query"):
            return params, self.plain(
                415,
                f"unsupported content type {ctype or '(none)'!r}",
                "POST application/sparql-query, or a form (application/x-www-form-urlencoded) with query=",
            )
        body = await self.read_body(request)
        if not isinstance(body, bytes):
            return params, body
        try:
            decoded = body.decode("utf-8")
        except UnicodeDecodeError:
            return params, self.plain(400, "the request body is not UTF-8")
        if ctype == "application/sparql-query":
            params.setdefault("query", []).append(decoded)
        else:
            for key, values in urllib.parse.parse_qs(decoded, keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        return params, None

    async def sparql(self, request: Any) -> Any:
        params, refused = await self.sparql_params(request)
        if refused is not None:
            return refused
        if params.get("update") or params.get("using-graph-uri") or params.get("using-named-graph-uri"):
            return self.plain(403, "SPARQL Update is refused: this endpoint is read-only")
        for name in ("default-graph-uri", "named-graph-uri"):
            if params.get(name):
                return self.plain(
                    400,
                    f"{name} is not supported: this endpoint serves one default graph and no named graphs",
                    "leave it out: the default graph is the whole dataset (see the service description at /sparql)",
                )
        texts = params.get("query", [])
        if not texts:
            if request.method in ("GET", "HEAD"):
                base = str(request.url.replace(query=""))
                return self.rdf(request, service_description(base, self.n_triples))
            return self.plain(400, "no query: send query=… (form) or the query text (application/sparql-query)")
        if len(texts) > 1:
            return self.plain(400, "more than one query in the request")
        text = texts[0]
        if len(text) > self.limits.max_query_length:
            return self.plain(
                413, f"the query is too long: {len(text)} characters, the limit is {self.limits.max_query_length}"
            )
        return await self.run({"kind": "sparql", "text": text, "accept": request.headers.get("accept")})

    # ------------------------------------------------------------------ other routes
    async def list_queries(self, request: Any) -> Any:
        from starlette.responses import Response

        return Response(self.named_json, media_type="application/json")

    async def named_query(self, request: Any) -> Any:
        name = request.path_params["name"]
        if len(str(request.url.query)) > self.limits.max_query_length:
            return self.plain(413, f"the parameters are too long (over {self.limits.max_query_length} characters)")
        params: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            params.setdefault(key, []).append(value)
        return await self.run(
            {"kind": "named", "name": name, "params": params, "accept": request.headers.get("accept")}
        )

    async def void_route(self, request: Any) -> Any:
        return self.rdf(request, void_document(self.void, str(request.base_url)))

    async def dump_nt(self, request: Any) -> Any:
        from starlette.responses import Response

        return Response(self.ntriples, media_type="application/n-triples")

    async def dump_ttl(self, request: Any) -> Any:
        from starlette.responses import Response

        if self.turtle is None:  # written once, in a thread: the event loop keeps answering
            from .turtle import canonical_turtle

            text = await asyncio.to_thread(canonical_turtle, self.graph)
            self.turtle = text.encode("utf-8")
        return Response(self.turtle, media_type="text/turtle; charset=utf-8")

    async def favicon(self, request: Any) -> Any:
        from starlette.responses import Response

        return Response(status_code=204)  # no icon, and no error in the browser's console

    async def home(self, request: Any) -> Any:
        return self.html(self.viewer)

    async def query_form(self, request: Any) -> Any:
        return self.html(self.query_page)

    def routes(self) -> list[Any]:
        from starlette.routing import Route

        return [
            Route("/", self.home, methods=["GET"]),
            Route("/query", self.query_form, methods=["GET"]),
            Route("/sparql", self.sparql, methods=["GET", "POST"]),
            Route("/queries", self.list_queries, methods=["GET"]),
            Route("/queries/{name}", self.named_query, methods=["GET"]),
            Route("/.well-known/void", self.void_route, methods=["GET"]),
            Route("/cancer-spread.nt", self.dump_nt, methods=["GET"]),
            Route("/cancer-spread.ttl", self.dump_ttl, methods=["GET"]),
            Route("/favicon.ico", self.favicon, methods=["GET"]),
        ]


def make_app(
    graph: Any = None,
    *,
    timeout: float = 10.0,
    max_query_length: int = 20_000,
    max_rows: int = 10_000,
    memory_mb: int = 2048,
    cors: Sequence[str] = (),
    workers: int = 4,
    allow_hosts: Sequence[str] = (),
    extra_routes: Sequence[Any] = (),
) -> Any:
    """The ASGI app serving ``graph`` (an rdflib Graph; the packaged graph by default).

    Queries run in ``workers`` processes started with the app (its lifespan), each query stopped
    after ``timeout`` seconds, each worker capped at ``memory_mb`` megabytes; longer query texts
    (``max_query_length`` characters) are refused; results are cut at ``max_rows``. ``cors``:
    origins allowed to call from a browser (none by default). ``allow_hosts``: host names to answer
    for besides the loopback names. ``extra_routes``: more Starlette routes (checked after these).
    """
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware

    from .load import load_graph

    graph = load_graph() if graph is None else graph
    limits = Limits(timeout=timeout, max_query_length=max_query_length, max_rows=max_rows, memory_mb=memory_mb)
    endpoint = Endpoint(graph, limits, workers)

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        await endpoint.pool.start()
        try:
            yield
        finally:
            endpoint.pool.close()

    middleware = [Middleware(Guard, allowed_hosts=[*LOOPBACK_NAMES, *allow_hosts], cors=list(cors))]
    if cors:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(cors),
                allow_methods=["GET", "POST", "HEAD"],
                allow_headers=["Accept", "Content-Type"],
                expose_headers=[TRUNCATED],
            )
        )
    from .pages import entity_routes  # the entity IRIs (/cancer/…, /site/…): pages, or RDF by Accept

    routes = [*endpoint.routes(), *entity_routes(graph, negotiate), *extra_routes]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.pool = endpoint.pool
    app.state.endpoint = endpoint
    return app


def server_config(
    app: Any,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    header_timeout: float = HEADER_TIMEOUT,
    max_connections: int = MAX_CONNECTIONS,
    log_level: str = "warning",
) -> Any:
    """The uvicorn configuration that serves ``app`` with the guarded HTTP protocol (a header-read
    timeout and a connection limit)."""
    import uvicorn

    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, lifespan="on", server_header=False)
    config.load()
    config.http_protocol_class = guarded_protocol(
        config.http_protocol_class, header_timeout=header_timeout, max_connections=max_connections
    )
    config.loaded = True
    return config


def run(app: Any, *, host: str = "127.0.0.1", port: int = 8000, **options: Any) -> None:
    """Serve ``app`` until interrupted (Ctrl-C)."""
    import uvicorn

    server = uvicorn.Server(server_config(app, host=host, port=port, **options))
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises the Ctrl-C it handled
        server.run()
