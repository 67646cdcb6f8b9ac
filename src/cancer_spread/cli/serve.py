"""``cancer-spread serve`` (a read-only SPARQL endpoint, the viewer and the named queries over
HTTP) and ``cancer-spread push`` (load the graph into a SPARQL store).

Only click and the CLI's helpers are imported here: the server stack (Starlette, uvicorn) loads
when ``serve`` runs.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..guard import Seconds
from .options import CONTEXT, graph_options, handle_errors, load_ctx_graph

__all__ = ["push", "serve"]


@click.command(context_settings=CONTEXT)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--timeout", type=Seconds(), default=10.0, show_default=True, help="Seconds a query may run.")
@click.option(
    "--max-query-length",
    type=click.IntRange(min=1),
    default=20_000,
    show_default=True,
    help="Longest query text accepted, in characters (longer: 413).",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Rows (or triples) returned at most; longer results are cut and marked with a header.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="Query worker processes (each holds the graph; each runs one query at a time).",
)
@click.option(
    "--worker-memory",
    type=click.IntRange(min=64),
    default=2048,
    show_default=True,
    metavar="MB",
    help="Address space each query worker may use; a query that needs more is stopped (503).",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    help="Also answer requests for this host name (besides 127.0.0.1, localhost, ::1 and --host); "
    "others are refused against DNS rebinding. Repeatable.",
)
@click.option(
    "--cors",
    multiple=True,
    metavar="ORIGIN",
    help="Let web pages from ORIGIN (e.g. https://example.org, or *) call the endpoint. Repeatable; off by default.",
)
@graph_options
@click.pass_context
@handle_errors
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    timeout: float,
    max_query_length: int,
    max_rows: int,
    workers: int,
    worker_memory: int,
    allow_hosts: tuple[str, ...],
    cors: tuple[str, ...],
    extra: tuple[Path, ...],
) -> None:
    """Serve the graph: a read-only SPARQL 1.1 endpoint at /sparql, the viewer at /, a query
    page at /query, the named queries at /queries and the dataset description at
    /.well-known/void.

    \b
    Example:
      cancer-spread serve --port 8000
      curl -H 'Accept: text/csv' 'http://127.0.0.1:8000/queries/metastatic-sites?cancer=breast'
    """
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401

        from ..serve import make_app, run
    except ImportError as err:
        from ..errors import InputError

        raise InputError(f"serve needs {err.name}", hint="pip install 'cancer-spread[serve]'") from None
    app = make_app(
        load_ctx_graph(ctx, extra),
        timeout=timeout,
        max_query_length=max_query_length,
        max_rows=max_rows,
        cors=list(cors),
        workers=workers,
        memory_mb=worker_memory,
        allow_hosts=[*allow_hosts, *([host] if host not in ("0.0.0.0", "::") else [])],
    )
    click.echo(f"serving on http://{host}:{port}/ (SPARQL at /sparql; Ctrl-C stops)", err=True)
    if host in ("0.0.0.0", "::") and not allow_hosts:
        click.echo(
            "note: listening on every interface; requests are answered only for the loopback names: "
            "add the names clients use with --allow-host NAME",
            err=True,
        )
    run(app, host=host, port=port)


@click.command(context_settings=CONTEXT)
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="The store's Graph Store Protocol address, e.g. http://localhost:7878/store or "
    "http://localhost:3030/DATASET/data.",
)
@click.option(
    "--graph",
    "graph_iri",
    default=None,
    metavar="IRI",
    help="Replace this named graph (default: the store's default graph).",
)
@click.option("--timeout", type=Seconds(), default=None, metavar="SECONDS", help="Give up after this long.")
@click.option(
    "--user",
    default=None,
    metavar="NAME",
    help="Log in to the store as NAME (basic or digest); the password is read from the environment "
    "variable CANCER_SPREAD_PASSWORD.",
)
@graph_options
@click.pass_context
@handle_errors
def push(
    ctx: click.Context,
    endpoint: str,
    graph_iri: str | None,
    timeout: float | None,
    user: str | None,
    extra: tuple[Path, ...],
) -> None:
    """Load the merged graph into a SPARQL store (SPARQL 1.1 Graph Store Protocol: one PUT that
    replaces the default graph, or the named graph --graph).

    \b
    Example:
      cancer-spread push --endpoint http://localhost:7878/store
      cancer-spread sites breast --endpoint http://localhost:7878/query
      CANCER_SPREAD_PASSWORD=… cancer-spread push --user dba --graph https://example.org/g \\
        --endpoint http://localhost:8890/sparql-graph-crud-auth
    """
    from ..remote import push as push_graph

    n = push_graph(load_ctx_graph(ctx, extra), endpoint, graph_iri=graph_iri, timeout=timeout, user=user)
    where = f"graph <{graph_iri}>" if graph_iri else "the default graph"
    click.echo(f"pushed {n} triples to {where} of {endpoint}")
