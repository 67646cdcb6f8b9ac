"""Remote SPARQL stores: run the named queries and your own SPARQL on an endpoint, and push the
graph into a store with the SPARQL 1.1 Graph Store HTTP Protocol.

Parameters of named queries are resolved locally (names and codes to IRIs, on the local graph)
and written into the query as VALUES blocks of RDF terms (:func:`cancer_spread.queries.values_text`),
so the endpoint answers exactly what the embedded engine answers. Results come back as W3C SPARQL
JSON and are read into the same :class:`~cancer_spread.results.Results`.

Queries go as GET (short ones) or form-encoded POST, which every store answers (Virtuoso 7.2
never answers a direct ``application/sparql-query`` POST). A store that asks for credentials gets
the user name given (``user``, ``--user``) and the password from the environment variable
``CANCER_SPREAD_PASSWORD`` (never from the command line), by basic or digest authentication.

Only the standard library is used. Requests go to the URL given and nowhere else: proxies from
the environment are not used and redirects are refused.

>>> results_from_json({"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri", "value": "urn:a"}}]}})
<Results 1 rows: x>
>>> results_from_json({"head": {}, "boolean": True})
True
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef

from .errors import InputError, QueryError
from .results import Results

__all__ = ["DEFAULT_TIMEOUT", "PASSWORD_VARIABLE", "check_url", "push", "results_from_json", "run_query", "sparql"]

#: Seconds to wait for an endpoint when no ``timeout`` is given.
DEFAULT_TIMEOUT = 120.0
#: The environment variable that holds the password for ``user``.
PASSWORD_VARIABLE = "CANCER_SPREAD_PASSWORD"
#: Queries whose GET URL would be longer than this go as a form-encoded POST.
MAX_GET_URL = 2000

_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
_USER_AGENT = "cancer-spread (+https://w3id.org/cancer-spread/)"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:
        raise InputError(
            f"{req.full_url}: the store redirects to {newurl} (HTTP {code})",
            hint="give that URL instead: redirects are not followed",
        )


def _opener(url: str, user: str | None) -> urllib.request.OpenerDirector:
    """No proxies from the environment, no redirects: a request goes to the URL given, or fails.
    With ``user``: basic and digest authentication with the password from the environment."""
    handlers: list[Any] = [urllib.request.ProxyHandler({}), _NoRedirect()]
    if user:
        password = os.environ.get(PASSWORD_VARIABLE)
        if not password:
            raise InputError(
                f"--user {user}: no password: set the environment variable {PASSWORD_VARIABLE}",
                hint=f"for example: read -rs {PASSWORD_VARIABLE} && export {PASSWORD_VARIABLE}",
            )
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, user, password)
        handlers += [urllib.request.HTTPBasicAuthHandler(manager), urllib.request.HTTPDigestAuthHandler(manager)]
    return urllib.request.build_opener(*handlers)


def check_url(url: str, what: str = "--endpoint") -> str:
    """``url`` if it is an absolute http(s) URL, else :class:`InputError`.

    >>> check_url("http://127.0.0.1:7878/query")
    'http://127.0.0.1:7878/query'
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"{what} {url!r}: not an http(s) URL", hint="for example http://localhost:7878/query")
    return url


def _check_iri(iri: str) -> str:
    parts = urllib.parse.urlsplit(iri)
    if not parts.scheme or any(c in iri for c in ' <>"{}|\\^`'):
        raise InputError(f"--graph {iri!r}: not an absolute IRI", hint="for example https://example.org/cancer-spread")
    return iri


def _with_query(url: str, params: list[tuple[str, str]]) -> str:
    if not params:
        return url
    return url + ("&" if urllib.parse.urlsplit(url).query else "?") + urllib.parse.urlencode(params)


def _request(
    method: str,
    url: str,
    *,
    body: bytes | None,
    headers: dict[str, str],
    timeout: float | None,
    user: str | None = None,
) -> tuple[str, bytes]:
    """Send one request; return (content type, body). Any failure becomes one clear error; a
    request still unanswered after ``timeout`` seconds (in all) is abandoned."""
    import threading

    req = urllib.request.Request(url, data=body, method=method, headers={"User-Agent": _USER_AGENT, **headers})
    limit = timeout or DEFAULT_TIMEOUT
    opener = _opener(url, user)
    box: dict[str, Any] = {}

    def send() -> None:
        try:
            if body is not None and len(body) > 4096:
                _authorize_upfront(req, url, user, limit)
            with opener.open(req, timeout=limit) as resp:
                box["answer"] = (resp.headers.get("Content-Type", ""), resp.read())
        except BaseException as err:  # handed to the caller's thread
            box["error"] = err

    # The whole exchange runs in a thread so that the limit holds in all, however the store
    # trickles its answer; an abandoned request ends with its socket's own timeout.
    thread = threading.Thread(target=send, name="cancer-spread-remote", daemon=True)
    thread.start()
    thread.join(limit)
    if thread.is_alive():
        raise _abandoned(url, limit)
    if "answer" in box:
        return box["answer"]
    try:
        raise box["error"]
    except urllib.error.HTTPError as err:
        raise _http_error(err, method, url, user) from None
    except urllib.error.URLError as err:
        if isinstance(err.reason, TimeoutError):
            raise _abandoned(url, limit) from None
        raise InputError(
            f"{url}: cannot reach the store ({err.reason}): is it running, and is the URL right?"
        ) from None
    except TimeoutError:
        raise _abandoned(url, limit) from None
    except OSError as err:  # e.g. connection reset
        raise InputError(f"{url}: cannot reach the store ({err})") from None


def _authorize_upfront(req: urllib.request.Request, url: str, user: str | None, limit: float) -> None:
    """Before a large upload: ask the store (HEAD, no body) whether it wants credentials, and
    send them with the upload itself. A store that refuses an upload answers 401 while the body
    is still being sent and closes the connection: the client would see only a broken pipe."""
    probe = urllib.request.Request(url, method="HEAD", headers={"User-Agent": _USER_AGENT})
    plain = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
    try:
        with plain.open(probe, timeout=limit):
            return
    except urllib.error.HTTPError as err:
        if err.code != 401:
            return  # let the upload itself say what is wrong (405 for HEAD is common)
        challenge = err.headers.get("WWW-Authenticate", "")
    if not user:
        raise urllib.error.HTTPError(url, 401, "Unauthorized", None, None)  # type: ignore[arg-type]
    # Check the credentials without the body: a 401 now means the store refuses them (another
    # error, such as Virtuoso's 501 for HEAD, comes after they were accepted).
    try:
        with _opener(url, user).open(urllib.request.Request(url, method="HEAD", headers=probe.headers), timeout=limit):
            pass
    except urllib.error.HTTPError as err:
        if err.code == 401:
            raise
    scheme, _, rest = challenge.partition(" ")
    password = os.environ.get(PASSWORD_VARIABLE, "")
    if scheme.lower() == "basic":
        import base64

        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        req.add_unredirected_header("Authorization", f"Basic {token}")
    elif scheme.lower() == "digest":
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, user, password)
        handler = urllib.request.HTTPDigestAuthHandler(manager)
        fields = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(rest)))
        answer = handler.get_authorization(req, fields)
        if answer:
            req.add_unredirected_header("Authorization", f"Digest {answer}")


def _abandoned(url: str, limit: float) -> QueryError:
    return QueryError(
        f"{url}: no complete answer within {limit:g} s: the request was abandoned",
        hint="raise the limit with --timeout, or narrow the query",
    )


def _http_error(err: urllib.error.HTTPError, method: str, url: str, user: str | None) -> Exception:
    detail = err.read().decode("utf-8", "replace").strip()
    detail = " ".join(detail.split())[:300]
    said = f"{url}: the store answered HTTP {err.code} {err.reason}"
    if err.code == 401:
        if not user:
            return InputError(
                f"{said}: it asks for a user name and password",
                hint=f"give --user NAME, with the password in the environment variable {PASSWORD_VARIABLE}",
            )
        return InputError(
            f"{said}: it refused the user {user!r} with the password in {PASSWORD_VARIABLE}",
            hint=f"check --user and {PASSWORD_VARIABLE}",
        )
    if err.code == 403:
        return InputError(
            f"{said}" + (f": {detail}" if detail else ""),
            hint=f"the store forbids this to user {user!r}"
            if user
            else "the store forbids this to anonymous users: give --user NAME (Virtuoso: use /sparql-graph-crud-auth)",
        )
    cls = QueryError if err.code in (400, 500) and method != "PUT" else InputError
    return cls(said + (f": {detail}" if detail else ""))


def _term(cell: dict[str, Any]) -> URIRef | Literal | BNode:
    kind = cell.get("type")
    value = cell.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        if cell.get("xml:lang"):
            return Literal(value, lang=cell["xml:lang"])
        datatype = cell.get("datatype")
        if datatype == _DECIMAL and value.lstrip("+-").isdigit():
            value += ".0"  # as Turtle writes a decimal (some stores drop the ".0")
        if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
            return Literal(value, datatype=URIRef(datatype))
        return Literal(value)
    raise QueryError(f"the store answered a term of unsupported type {kind!r}")


def results_from_json(data: dict[str, Any]) -> Results | bool:
    """Read W3C SPARQL 1.1 Query Results JSON: :class:`Results` for a SELECT, a bool for ASK."""
    if "boolean" in data:
        return bool(data["boolean"])
    try:
        columns = list(data["head"]["vars"])
        rows = [
            tuple(_term(b[c]) if c in b else None for c in columns)
            for b in data["results"]["bindings"]  # one dict per row
        ]
    except (KeyError, TypeError, AttributeError) as err:
        raise QueryError(f"the store answered malformed SPARQL results JSON (missing {err})") from None
    return Results(columns, rows)


def _send_query(
    endpoint: str,
    text: str,
    *,
    accept: str,
    default_graph: str | None,
    timeout: float | None,
    user: str | None = None,
) -> tuple[str, bytes]:
    """Ask ``endpoint``: GET for a short query, else a form-encoded POST (both answered by every
    store; a direct ``application/sparql-query`` POST is not)."""
    params = [("query", text)]
    if default_graph:
        params.append(("default-graph-uri", _check_iri(default_graph)))
    url = check_url(endpoint)
    get_url = _with_query(url, params)
    if len(get_url) <= MAX_GET_URL:
        return _request("GET", get_url, body=None, headers={"Accept": accept}, timeout=timeout, user=user)
    return _request(
        "POST",
        url,
        body=urllib.parse.urlencode(params).encode("ascii"),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        timeout=timeout,
        user=user,
    )


def _json(body: bytes, endpoint: str) -> dict[str, Any]:
    try:
        return json.loads(body)
    except ValueError:
        raise QueryError(f"{endpoint}: the store did not answer SPARQL results JSON") from None


def run_query(
    name: str,
    endpoint: str,
    graph: Graph | None = None,
    *,
    default_graph: str | None = None,
    timeout: float | None = None,
    user: str | None = None,
    **params: Any,
) -> Results:
    """Run the named query ``name`` on the SPARQL ``endpoint``.

    ``params`` are resolved on the local ``graph`` (the packaged one by default), which should be
    what was pushed to the store. ``default_graph`` names the graph to query (``--graph``);
    ``user`` logs in (password from ``$CANCER_SPREAD_PASSWORD``). Lists made with GROUP_CONCAT
    come back in the same order as from the embedded engines (stores keep no order there).
    """
    from .binding import bind_params
    from .binding import named_query as _query
    from .load import load_graph

    query = _query(name)
    bindings = bind_params(query, load_graph() if graph is None else graph, params)
    import re

    from .namespaces import PREFIXES

    # The project's prefixes the query file does not declare (the embedded engines predeclare
    # them all; Virtuoso refuses a prefix declared twice).
    body = query.bound_text(bindings, for_store=True)
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([\w-]*):", body, re.I)}
    text = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p.lower() not in declared) + body
    _, body = _send_query(
        endpoint,
        text,
        accept="application/sparql-results+json",
        default_graph=default_graph,
        timeout=timeout,
        user=user,
    )
    result = results_from_json(_json(body, endpoint))
    if not isinstance(result, Results):
        raise QueryError(f"{endpoint}: expected rows for query {name}, got a boolean")
    result = result.with_sorted_lists(query.list_columns)
    result.layout = query.layout
    return result


def sparql(
    text: str,
    endpoint: str,
    *,
    default_graph: str | None = None,
    timeout: float | None = None,
    user: str | None = None,
) -> Any:
    """Run your own SPARQL on ``endpoint``, as :func:`cancer_spread.api.sparql` does locally:
    :class:`Results` for SELECT, a bool for ASK, an rdflib Graph for CONSTRUCT and DESCRIBE.

    The query is checked locally first (syntax errors with line and column; updates refused) and
    sent with the project's prefixes declared."""
    from .namespaces import bind_prefixes
    from .queries import parse_sparql, prologue

    kind = parse_sparql(text, origin="query").algebra.name
    graph_result = kind in ("ConstructQuery", "DescribeQuery")
    accept = "application/n-triples, text/turtle;q=0.9" if graph_result else "application/sparql-results+json"
    ctype, body = _send_query(
        endpoint, prologue() + text, accept=accept, default_graph=default_graph, timeout=timeout, user=user
    )
    if not graph_result:
        return results_from_json(_json(body, endpoint))
    fmt = "nt" if "n-triples" in ctype else "turtle"
    out = bind_prefixes(Graph())
    try:
        out.parse(data=body.decode("utf-8"), format=fmt)
    except Exception as err:  # rdflib raises assorted errors on bad input
        raise QueryError(f"{endpoint}: the store answered a graph that could not be read: {err}") from None
    return out


def push(
    graph: Graph,
    url: str,
    *,
    graph_iri: str | None = None,
    timeout: float | None = None,
    user: str | None = None,
) -> int:
    """Replace the default graph (or the named graph ``graph_iri``) of the store at ``url`` (its
    Graph Store Protocol address) with ``graph``, sent as N-Triples in one PUT; return the number
    of triples sent. A store that refuses keeps its previous graph (the PUT is one request).
    ``user`` logs in (password from ``$CANCER_SPREAD_PASSWORD``, basic or digest)."""
    target = _with_query(check_url(url, "--endpoint"), [("graph", _check_iri(graph_iri))] if graph_iri else [])
    if not graph_iri:
        target = url + ("&" if urllib.parse.urlsplit(url).query else "?") + "default"
    body = graph.serialize(format="nt", encoding="utf-8")
    _request("PUT", target, body=body, headers={"Content-Type": "application/n-triples"}, timeout=timeout, user=user)
    return len(graph)
