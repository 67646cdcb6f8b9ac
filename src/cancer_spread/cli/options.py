"""What every ``cancer-spread`` command shares: error handling, common options (declared once,
here), running a named query. The command modules of this package import from here, never from
each other.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..errors import InputError
from ..guard import Seconds, guarded

__all__ = [
    "CONTEXT",
    "AnswerCommand",
    "InputError",
    "endpoint_options",
    "graph_options",
    "handle_errors",
    "load_ctx_graph",
    "print_rows",
    "row_options",
    "run_named",
]

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into one clear message on stderr and the right exit code; anything
    unexpected into one line with a pointer to report it (see :mod:`cancer_spread.guard`)."""
    return guarded(func)


# ---------------------------------------------------------------------- help

#: Options that say how to answer, not what is asked: listed apart in --help.
ENGINE_OPTIONS = ("timeout", "extra", "store", "store_path", "endpoint", "graph_iri")


class AnswerCommand(click.Command):
    """A command that answers with rows: its --help lists the question's options apart from the
    engine options, and explains the columns of the answer (from the named query ``query``)."""

    def __init__(self, *args: Any, query: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.query = query

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        ask, engine = [], []
        for param in self.get_params(ctx):
            record = None if isinstance(param, click.Argument) else param.get_help_record(ctx)
            if record is not None:
                (engine if param.name in ENGINE_OPTIONS else ask).append(record)
        if ask:
            with formatter.section("Options"):
                formatter.write_dl(ask)
        if engine:
            with formatter.section("Engine options (how to answer; the defaults suit most uses)"):
                formatter.write_dl(engine)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self.query:
            from ..queries import load_queries
            from ..termtable import explain

            q = load_queries().get(self.query)
            if q is not None and q.columns:
                with formatter.section("Columns (table heading, then the name in CSV/TSV/JSON)"):
                    formatter.write_dl(explain(q.columns))
        super().format_epilog(ctx, formatter)


# ---------------------------------------------------------------------- shared options


def graph_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--with FILE (extra Turtle, e.g. cohort evidence) on every command that reads the graph."""
    return click.option(
        "--with",
        "extra",
        multiple=True,
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE",
        help="Also load this Turtle file (for example cohort evidence from `ingest`). Repeatable.",
    )(func)


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.ensure_object(dict)[param.name or ""] = value
    return value


def endpoint_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--endpoint URL, --graph IRI and --user NAME: ask a SPARQL store instead of the embedded
    graph (kept in ``ctx.obj``, so that the commands' signatures do not change)."""
    func = click.option(
        "--user",
        default=None,
        metavar="NAME",
        expose_value=False,
        callback=_remember,
        help="With --endpoint: log in as NAME; the password is read from the environment variable "
        "CANCER_SPREAD_PASSWORD.",
    )(func)
    func = click.option(
        "--graph",
        "graph_iri",
        default=None,
        metavar="IRI",
        expose_value=False,
        callback=_remember,
        help="With --endpoint: query this named graph of the store (as its default graph).",
    )(func)
    return click.option(
        "--endpoint",
        default=None,
        metavar="URL",
        expose_value=False,
        callback=_remember,
        help="Ask this SPARQL endpoint (e.g. http://localhost:7878/query) instead of the embedded graph; "
        "names are still resolved on the local graph.",
    )(func)


def store_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--store ENGINE and --store-path DIR: which embedded engine answers (kept in ``ctx.obj``)."""
    func = click.option(
        "--store-path",
        "store_path",
        default=None,
        type=click.Path(file_okay=False, path_type=Path),
        metavar="DIR",
        expose_value=False,
        callback=_remember,
        help="Keep the Oxigraph store on disk here and reuse it while the source files are unchanged "
        "(large graphs open without re-parsing).",
    )(func)
    return click.option(
        "--store",
        "store",
        type=click.Choice(["oxigraph", "rdflib"]),
        default=None,
        expose_value=False,
        callback=_remember,
        help="Embedded engine: oxigraph (default; fast) or rdflib (pure Python). Same answers. "
        "Default from $CANCER_SPREAD_STORE.",
    )(func)


def open_ctx_graph(ctx: click.Context, extra: tuple[Path, ...]) -> Any:
    """The engine the options chose (:func:`cancer_spread.engine.open_engine`): the merged graph
    on --store (default: $CANCER_SPREAD_STORE or oxigraph), or the store at --endpoint."""
    from ..engine import open_engine

    # The group and its commands share one ctx.obj dict (--root, --store, --store-path, --endpoint).
    return open_engine(
        ctx.obj.get("store"),
        ctx.obj.get("root"),
        extra=list(extra),
        path=ctx.obj.get("store_path"),
        endpoint=ctx.obj.get("endpoint"),
        default_graph=ctx.obj.get("graph_iri"),
        user=ctx.obj.get("user"),
    )


def row_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = store_options(func)
    func = endpoint_options(func)
    func = click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "csv", "tsv", "json"]),
        default="table",
        show_default=True,
        help="Output: an aligned table, CSV, TSV, or W3C SPARQL 1.1 results JSON.",
    )(func)
    func = click.option(
        "--timeout",
        type=Seconds(),
        default=None,
        metavar="SECONDS",
        help="Stop a query that runs longer than this.",
    )(func)
    return graph_options(func)


def load_ctx_graph(ctx: click.Context, extra: tuple[Path, ...]) -> Any:
    from ..load import load_graph

    return load_graph(ctx.obj.get("root"), extra=list(extra))


def print_rows(results: Any, fmt: str) -> None:
    # Tables are made terminal-safe by to_text; CSV, TSV and JSON keep the exact values, so
    # click must not strip what looks like ANSI codes from them (color=True keeps them).
    click.echo(results.to_text(fmt), nl=False, color=True)


def run_named(
    ctx: click.Context,
    name: str,
    params: dict[str, Any],
    fmt: str,
    timeout: float | None,
    extra: tuple[Path, ...],
    graph: Any = None,
) -> Any:
    """Run the named query, print its rows in ``fmt`` and return them (with the engine names were
    resolved on, ``graph`` if given)."""
    from ..api import run_query

    values = {k: v for k, v in params.items() if v is not None}
    if graph is None:
        graph = open_ctx_graph(ctx, extra)  # names are resolved on the local graph, also for --endpoint
    results = run_query(name, graph, timeout=timeout, **values)
    print_rows(results, fmt)
    return results
