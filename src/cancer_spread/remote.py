"""Remote SPARQL stores: run the named queries and your own SPARQL on an endpoint, and push the
graph into a store with the SPARQL 1.1 Graph Store HTTP Protocol.

Parameters of named queries are resolved locally (names and codes to IRIs, on the local graph)
and written into the query as VALUES blocks of RDF terms (:func:`cancer_spread.queries.values_text`),
so the endpoint answers exactly what the embedded engine answers. Results come back as W3C SPARQL
JSON and are read into the same :class:`~cancer_spread.results.Results`.

Only the standard library is used. Requests go to the URL given and nowhere else: proxies from
the environment are not used and redirects are refused.

>>> results_from_json({"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri", "value": "urn:a"}}]}})
<Results 1 rows: x>
>>> results_from_json({"head": {}, "boolean": True})
True
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef

from .errors import InputError, QueryError
from .results import Results

__all__ = ["DEFAULT_TIMEOUT", "check_url", "push", "results_from_json", "run_query", "sparql"]

#: Seconds to wait for an endpoint when no ``timeout`` is given.
DEFAULT_TIMEOUT = 120.0

_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
_USER_AGENT = "cancer-spread (+https://w3id.org/cancer-spread/)"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:
        raise InputError(
            f"{req.full_url}: the store redirects to {newurl} (HTTP {code})",
            hint="give that URL instead: redirects are not followed",
        )


# No proxies from the environment, no redirects: a request goes to the URL given, or fails.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


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
    method: str, url: str, *, body: bytes | None, headers: dict[str, str], timeout: float | None
) -> tuple[str, bytes]:
    """Send one request; return (content type, body). Any failure becomes one clear error."""
    req = urllib.request.Request(url, data=body, method=method, headers={"User-Agent": _USER_AGENT, **headers})
    limit = timeout or DEFAULT_TIMEOUT
    try:
        with _OPENER.open(req, timeout=limit) as resp:
            return resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as err:
        detail = err.read().decode("utf-8", "replace").strip()
        detail = " ".join(detail.split())[:300]
        cls = QueryError if err.code in (400, 500) and method == "POST" else InputError
        raise cls(
            f"{url}: the store answered HTTP {err.code} {err.reason}" + (f": {detail}" if detail else "")
        ) from None
    except urllib.error.URLError as err:
        raise InputError(
            f"{url}: cannot reach the store ({err.reason}): is it running, and is the URL right?"
        ) from None
    except TimeoutError:
        raise QueryError(f"{url}: no answer within {limit:g} s (raise the limit with --timeout)") from None
    except OSError as err:  # e.g. connection reset
        raise InputError(f"{url}: cannot reach the store ({err})") from None


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


def _post_query(
    endpoint: str, text: str, *, accept: str, default_graph: str | None, timeout: float | None
) -> tuple[str, bytes]:
    params = [("default-graph-uri", _check_iri(default_graph))] if default_graph else []
    return _request(
        "POST",
        _with_query(check_url(endpoint), params),
        body=text.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept},
        timeout=timeout,
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
    **params: Any,
) -> Results:
    """Run the named query ``name`` on the SPARQL ``endpoint``.

    ``params`` are resolved on the local ``graph`` (the packaged one by default), which should be
    what was pushed to the store. ``default_graph`` names the graph to query (``--graph``).
    """
    from .api import _query, bind_params
    from .load import load_graph

    query = _query(name)
    bindings = bind_params(query, load_graph() if graph is None else graph, params)
    text = query.bound_text(bindings)
    _, body = _post_query(
        endpoint, text, accept="application/sparql-results+json", default_graph=default_graph, timeout=timeout
    )
    result = results_from_json(_json(body, endpoint))
    if not isinstance(result, Results):
        raise QueryError(f"{endpoint}: expected rows for query {name}, got a boolean")
    result.layout = query.layout
    return result


def sparql(text: str, endpoint: str, *, default_graph: str | None = None, timeout: float | None = None) -> Any:
    """Run your own SPARQL on ``endpoint``, as :func:`cancer_spread.api.sparql` does locally:
    :class:`Results` for SELECT, a bool for ASK, an rdflib Graph for CONSTRUCT and DESCRIBE.

    The query is checked locally first (syntax errors with line and column; updates refused) and
    sent with the project's prefixes declared."""
    from .namespaces import bind_prefixes
    from .queries import parse_sparql, prologue

    kind = parse_sparql(text, origin="query").algebra.name
    graph_result = kind in ("ConstructQuery", "DescribeQuery")
    accept = "application/n-triples, text/turtle;q=0.9" if graph_result else "application/sparql-results+json"
    ctype, body = _post_query(endpoint, prologue() + text, accept=accept, default_graph=default_graph, timeout=timeout)
    if not graph_result:
        return results_from_json(_json(body, endpoint))
    fmt = "nt" if "n-triples" in ctype else "turtle"
    out = bind_prefixes(Graph())
    try:
        out.parse(data=body.decode("utf-8"), format=fmt)
    except Exception as err:  # rdflib raises assorted errors on bad input
        raise QueryError(f"{endpoint}: the store answered a graph that could not be read: {err}") from None
    return out


def push(graph: Graph, url: str, *, graph_iri: str | None = None, timeout: float | None = None) -> int:
    """Replace the default graph (or the named graph ``graph_iri``) of the store at ``url`` (its
    Graph Store Protocol address) with ``graph``, sent as N-Triples in one PUT; return the number
    of triples sent. A store that refuses keeps its previous graph (the PUT is one request)."""
    target = _with_query(check_url(url, "--endpoint"), [("graph", _check_iri(graph_iri))] if graph_iri else [])
    if not graph_iri:
        target = url + ("&" if urllib.parse.urlsplit(url).query else "?") + "default"
    body = graph.serialize(format="nt", encoding="utf-8")
    _request("PUT", target, body=body, headers={"Content-Type": "application/n-triples"}, timeout=timeout)
    return len(graph)
