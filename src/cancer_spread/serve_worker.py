"""The query worker of ``cancer-spread serve``: one process that holds the graph in an embedded
Oxigraph store and answers one query at a time, sent by the server over a socket.

The server owns the limits that protect it: it ends a worker whose query runs past the time limit
and replaces it (Oxigraph cannot be interrupted, a process can). The worker protects itself from
the rest: its address space is capped (``RLIMIT_AS``), so a query that would need more memory ends
the worker with an out-of-memory error the server reports, never a 4 GB process; where the system
allows it the worker moves into a network namespace of its own with no interface up, so no query
can reach the network; and ``SERVICE`` and ``FROM`` are refused before Oxigraph sees the query
(Oxigraph itself would fetch a ``SERVICE`` address).

Frames on the socket are a 4-byte big-endian length and a pickle (the server is the only peer).

>>> refusal("SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }")
'SERVICE is not allowed: this endpoint makes no outbound requests'
>>> refusal('SELECT ("SERVICE" AS ?x) WHERE { ?s ex:from ?o }') is None
True
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import pickle
import re
import resource
import signal
import socket
import struct
import sys
from dataclasses import dataclass
from html import escape
from typing import Any

__all__ = ["GRAPH_TYPES", "ROW_TYPES", "Limits", "Reply", "negotiate", "refusal"]

#: Media types offered for SELECT and ASK results, the first being the default.
ROW_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
#: Media types offered for CONSTRUCT and DESCRIBE results (and the RDF documents of the server).
GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
_ALIASES = {"application/json": "application/sparql-results+json", "application/xml": ROW_TYPES[1]}
TRUNCATED = "X-Cancer-Spread-Truncated"
_HEADER = struct.Struct("!I")
# Characters XML 1.0 cannot carry, not even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class Limits:
    """What one query may use: seconds, characters of query text, rows (or triples) returned,
    and megabytes of address space per worker process."""

    timeout: float = 10.0
    max_query_length: int = 20_000
    max_rows: int = 10_000
    memory_mb: int = 2048


@dataclass
class Reply:
    """A worker's answer: an HTTP status, body, content type and extra headers."""

    status: int
    body: bytes
    media: str = "text/plain; charset=utf-8"
    headers: dict[str, str] | None = None


def error(status: int, message: str, hint: str | None = None) -> Reply:
    """A plain-text error reply: ``error: …`` and an optional ``hint: …`` line."""
    text = f"error: {message}\n" + (f"hint: {hint}\n" if hint else "")
    return Reply(status, text.encode("utf-8"))


# ---------------------------------------------------------------------- content negotiation


def negotiate(accept: str | None, offered: tuple[str, ...]) -> str | None:
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
    for item in accept.split(",")[:64]:
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
        if not q > 0:
            continue
        for index, candidate in enumerate(offered):
            major = candidate.split("/")[0]
            if mtype in (candidate, "*/*", f"{major}/*"):
                specificity = 2 if mtype == candidate else 1 if mtype != "*/*" else 0
                key = (q, specificity, -index)
                if best is None or key > best:
                    best, choice = key, candidate
    return choice


def media_header(media: str) -> str:
    """The Content-Type header for ``media`` (UTF-8 named for text and JSON)."""
    return media + ("; charset=utf-8" if media.startswith("text/") or media.endswith("json") else "")


# ---------------------------------------------------------------------- checks on the query text


def keywords(text: str) -> list[str]:
    """The keywords of ``text`` (see :func:`cancer_spread.queries.sparql_keywords`): one linear pass.

    >>> keywords('PREFIX ex: <urn:x> SELECT * { ?s ex:service "FROM" } # SERVICE')
    ['PREFIX', 'SELECT']
    """
    from .queries import sparql_keywords

    return sparql_keywords(text)


_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


def refusal(text: str) -> str | None:
    """Why the query ``text`` may not run on this endpoint (an update, ``SERVICE``, ``FROM``),
    or ``None``. One linear pass over the text."""
    words = keywords(text)
    first = next((w for w in words if w not in ("PREFIX", "BASE")), "")
    if first in _UPDATE_WORDS:
        return "SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP...) is refused: this endpoint is read-only"
    if "SERVICE" in words:
        return "SERVICE is not allowed: this endpoint makes no outbound requests"
    if "FROM" in words:
        return (
            "FROM and FROM NAMED are not allowed: this endpoint serves one default graph (and no named "
            "graphs) and loads nothing"
        )
    return None


# ---------------------------------------------------------------------- result bodies


def _xml_text(value: str) -> str:
    return escape(value, quote=False)


def _xml_term(term: Any) -> str:
    if term.kind == "uri":
        return f"<uri>{_xml_text(term.value)}</uri>"
    if term.kind == "bnode":
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    attrs = ""
    if term.lang:
        attrs = f' xml:lang="{escape(term.lang)}"'
    elif term.datatype:
        attrs = f' datatype="{escape(term.datatype)}"'
    return f"<literal{attrs}>{_xml_text(term.value)}</literal>"


def _csv_value(term: Any) -> str:
    if term is None:
        return ""
    return f"_:{term.value}" if term.kind == "bnode" else term.value


class NotXml(ValueError):
    """A result holds a character that XML 1.0 cannot carry."""


def _check_xml(body: str) -> str:
    m = _NOT_XML.search(body)
    if m:
        raise NotXml(f"U+{ord(m.group()):04X}")
    return body


def rows_body(columns: list[str], rows: list[tuple], media: str) -> bytes:
    """SELECT rows (engine-neutral terms, ``None`` where unbound) in one of :data:`ROW_TYPES`."""
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
        return _check_xml("\n".join(out)).encode("utf-8")
    if media == "text/csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows([_csv_value(t) for t in row] for row in rows)
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


def triples_body(triples: list[Any], media: str) -> bytes:
    """pyoxigraph triples in one of :data:`GRAPH_TYPES` (prefixed Turtle, N-Triples, JSON-LD,
    RDF/XML)."""
    import pyoxigraph as ox

    from .namespaces import PREFIXES

    fmt = {
        "text/turtle": ox.RdfFormat.TURTLE,
        "application/n-triples": ox.RdfFormat.N_TRIPLES,
        "application/ld+json": ox.RdfFormat.JSON_LD,
        "application/rdf+xml": ox.RdfFormat.RDF_XML,
    }[media]
    prefixes = PREFIXES if media in ("text/turtle", "application/rdf+xml") else None
    body = ox.serialize(triples, format=fmt, prefixes=prefixes) if prefixes else ox.serialize(triples, format=fmt)
    if media == "application/rdf+xml":
        _check_xml(body.decode("utf-8"))
    return body


# ---------------------------------------------------------------------- evaluation


class Worker:
    """The graph in an in-memory Oxigraph store, and what to do with each task."""

    def __init__(self, data_path: str) -> None:
        import pyoxigraph as ox

        from .store import Store

        self.ox = ox
        inner = ox.Store()
        inner.load(path=data_path, format=ox.RdfFormat.N_TRIPLES)
        self.store = Store(inner)

    def handle(self, task: dict[str, Any], limits: Limits) -> Reply:
        from .errors import CancerSpreadError

        try:
            if task["kind"] == "sparql":
                return self.sparql(task["text"], task.get("accept"), limits)
            if task["kind"] == "named":
                return self.named(task["name"], task["params"], task.get("accept"), limits)
            return error(500, f"unknown task {task['kind']!r}")
        except NotXml as err:
            return error(
                406,
                f"the answer holds a character ({err}) that XML 1.0 cannot carry",
                "ask for JSON, CSV or TSV (Accept: application/sparql-results+json), or Turtle for a graph",
            )
        except CancerSpreadError as err:
            return error(400, err.message, err.hint)
        except MemoryError:
            return error(
                503,
                f"query stopped: it needed more memory than this endpoint allows a query ({limits.memory_mb} MB)",
                "narrow the query (fewer or shorter values, add LIMIT)",
            )

    def sparql(self, text: str, accept: str | None, limits: Limits) -> Reply:
        from .errors import QueryError

        refused = refusal(text)
        if refused:
            return error(400, refused)
        try:
            result = self.store.inner.query(text, prefixes=_prefixes())
        except SyntaxError as err:
            return error(400, _syntax_message(text, err))
        except OSError as err:
            raise QueryError(f"query: {err}") from None
        ox = self.ox
        if isinstance(result, ox.QuerySolutions):
            media = negotiate(accept, ROW_TYPES)
            if media is None:
                return error(406, f"cannot answer this query as {accept}", f"accepted: {', '.join(ROW_TYPES)}")
            return self._rows(result, media, limits)
        if isinstance(result, ox.QueryBoolean):
            media = negotiate(accept, ROW_TYPES)
            if media is None:
                return error(406, f"cannot answer this query as {accept}", f"accepted: {', '.join(ROW_TYPES)}")
            return Reply(200, ask_body(bool(result), media), media_header(media))
        media = negotiate(accept, GRAPH_TYPES)
        if media is None:
            return error(406, f"cannot answer this query as {accept}", f"accepted: {', '.join(GRAPH_TYPES)}")
        triples, headers = [], {}
        try:
            for triple in result:
                if len(triples) >= limits.max_rows:
                    headers[TRUNCATED] = f"{limits.max_rows} triples"
                    break
                triples.append(triple)
        except OSError as err:
            raise QueryError(f"query: {err}") from None
        return Reply(200, triples_body(triples, media), media_header(media), headers)

    def _rows(self, solutions: Any, media: str, limits: Limits) -> Reply:
        from .errors import QueryError
        from .results import neutral

        columns = [v.value for v in solutions.variables]
        rows, headers = [], {}
        try:
            for solution in solutions:
                if len(rows) >= limits.max_rows:
                    headers[TRUNCATED] = f"{limits.max_rows} rows"
                    break
                rows.append(tuple(neutral(t) for t in solution))
        except OSError as err:
            raise QueryError(f"query: {err}") from None
        return Reply(200, rows_body(columns, rows, media), media_header(media), headers)

    def named(self, name: str, params: dict[str, list[str]], accept: str | None, limits: Limits) -> Reply:
        from .api import _query, run_query
        from .errors import InputError

        media = negotiate(accept, ROW_TYPES)
        if media is None:
            return error(406, f"cannot answer a named query as {accept}", f"accepted: {', '.join(ROW_TYPES)}")
        try:
            query = _query(name)
        except InputError as err:
            return error(404, err.message, (err.hint or "").replace("cancer-spread queries", "GET /queries"))
        values: dict[str, Any] = {}
        for key, vals in params.items():
            spec = query.params.get(key)
            values[key] = vals if (spec is not None and spec.list) or len(vals) > 1 else vals[0]
        result = run_query(name, self.store, **values)
        rows, headers = result.rows, {}
        if len(rows) > limits.max_rows:
            rows, headers = rows[: limits.max_rows], {TRUNCATED: f"{limits.max_rows} rows"}
        return Reply(200, rows_body(result.columns, rows, media), media_header(media), headers)


def _prefixes() -> dict[str, str]:
    from .namespaces import PREFIXES

    return dict(PREFIXES)


def _syntax_message(text: str, err: Exception) -> str:
    from .store import _OX_ERROR

    m = _OX_ERROR.search(str(err))
    if not m:
        return f"query: SPARQL syntax error: {err}"
    line, col = int(m.group(1)), int(m.group(2))
    lines = text.splitlines() or [""]
    bad = lines[line - 1] if 0 < line <= len(lines) else ""
    return f"query:{line}:{col}: SPARQL syntax error: {m.group(3).strip()}\n    {bad}\n    {' ' * (col - 1)}^"


# ---------------------------------------------------------------------- the process


def send_frame(sock: socket.socket, obj: object) -> None:
    """Send one pickled frame."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HEADER.pack(len(data)) + data)


def _recv_exactly(sock: socket.socket, n: int) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def recv_frame(sock: socket.socket) -> Any:
    """Receive one pickled frame (``None`` when the peer has gone)."""
    head = _recv_exactly(sock, _HEADER.size)
    if head is None:
        return None
    body = _recv_exactly(sock, _HEADER.unpack(head)[0])
    return None if body is None else pickle.loads(body)


def isolate_network() -> bool:
    """Move this process into a new network namespace (no interface up), where the system allows
    it: then no query can open a connection anywhere. Returns whether it worked."""
    import ctypes
    import ctypes.util

    clone_newuser, clone_newnet = 0x10000000, 0x40000000
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return False
    if libc.unshare(clone_newnet) == 0:
        return True
    return libc.unshare(clone_newuser | clone_newnet) == 0


def _no_outbound(event: str, args: tuple) -> None:
    """Audit hook: no Python-level network connection from a worker, ever."""
    if event == "socket.connect" and args[0].family in (socket.AF_INET, socket.AF_INET6):
        raise PermissionError("the SPARQL endpoint makes no outbound connections")
    if event in ("urllib.Request", "socket.getaddrinfo"):
        raise PermissionError("the SPARQL endpoint makes no outbound connections")


def main(fd: int, data_path: str, limits: Limits) -> None:
    """Serve tasks on the socket ``fd`` until the server closes it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server ends its workers itself
    sock = socket.socket(fileno=fd)
    try:
        worker = Worker(data_path)
        from .api import run_query  # noqa: F401  (import the named-query path before the cap)
        from .queries import load_queries

        load_queries()
    except BaseException as err:  # report, then exit
        send_frame(sock, ("failed", f"{type(err).__name__}: {err}"))
        return
    isolated = isolate_network()
    sys.addaudithook(_no_outbound)
    cap = limits.memory_mb * 2**20
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    with contextlib.suppress(OSError):
        send_frame(sock, ("ready", {"pid": os.getpid(), "isolated": isolated}))
    while True:
        try:
            task = recv_frame(sock)
        except OSError:
            return
        if task is None:
            return  # the server went away
        try:
            reply = worker.handle(task, limits)
        except Exception as err:  # an engine error nobody foresaw: one request fails, not the worker
            reply = error(500, f"the query failed: {type(err).__name__}: {err}")
        # A plain tuple: this module runs as __main__ here, the server knows it by its name.
        try:
            send_frame(sock, (reply.status, reply.body, reply.media, reply.headers))
        except OSError:
            return  # the server went away


if __name__ == "__main__":  # pragma: no cover - started by the server as a process
    main(int(sys.argv[1]), sys.argv[2], Limits(*json.loads(sys.argv[3])))
