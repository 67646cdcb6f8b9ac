"""Answers: the named-query commands (``sites``, ``primaries``, ``evidence``, ``define``,
``xrefs``, ``classify``, ``likely-primaries``), ``query``, ``queries`` and ``sparql``.

Exit codes: 0 answered (even with no rows), 1 problems found by a check, 2 bad input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .options import (
    CONTEXT,
    InputError,
    endpoint_options,
    graph_options,
    handle_errors,
    open_ctx_graph,
    print_rows,
    row_options,
    run_named,
    store_options,
)

__all__ = [
    "classify",
    "define",
    "evidence",
    "likely_primaries",
    "primaries",
    "queries",
    "query",
    "sites",
    "sparql",
    "xrefs",
]


# ---------------------------------------------------------------------- answers


@click.command(context_settings=CONTEXT)
@click.argument("cancer")
@click.option("--source", default=None, metavar="TEXT", help="Only evidence from sources matching TEXT.")
@row_options
@click.pass_context
@handle_errors
def sites(
    ctx: click.Context, cancer: str, source: str | None, fmt: str, timeout: float | None, extra: tuple[Path, ...]
) -> None:
    """Where CANCER spreads, strongest evidence first.

    \b
    Example:
      cancer-spread sites breast
    """
    run_named(ctx, "metastatic-sites", {"cancer": cancer, "source": source}, fmt, timeout, extra)


@click.command(context_settings=CONTEXT)
@click.argument("site")
@click.option("--source", default=None, metavar="TEXT", help="Only evidence from sources matching TEXT.")
@row_options
@click.pass_context
@handle_errors
def primaries(
    ctx: click.Context, site: str, source: str | None, fmt: str, timeout: float | None, extra: tuple[Path, ...]
) -> None:
    """Which cancers spread to SITE (or to any part of it).

    \b
    Example:
      cancer-spread primaries bone --source NCI
    """
    graph = open_ctx_graph(ctx, extra)
    results = run_named(ctx, "primaries-for-site", {"site": site, "source": source}, fmt, timeout, extra, graph)
    if not len(results) and source is None:
        _hint_wider_site(graph, site)


def _hint_wider_site(graph: Any, site: str) -> None:
    """No cancer recorded for this site: say which wider site (the spine is part of bone) has
    some, on stderr, so that the rows stay clean."""
    from ..api import run_query
    from ..resolve import resolver_for

    resolver = resolver_for(graph)
    iri = resolver.resolve_iri(site, "site")
    record = resolver.records.get(iri)
    for parent in sorted(record.parents if record else ()):
        n = len(run_query("primaries-for-site", graph, site=parent))
        if n:
            name, wider = resolver.labels[iri], resolver.labels[parent]
            shown = wider if " " not in wider else f'"{wider}"'
            click.echo(
                f"note: no cancer is recorded as spreading to the {name} itself; the {name} is part of "
                f"the {wider}, to which {n} cancer{'s' if n != 1 else ''} spread: cancer-spread primaries {shown}",
                err=True,
            )


@click.command(context_settings=CONTEXT)
@click.argument("cancer")
@click.argument("site")
@row_options
@click.pass_context
@handle_errors
def evidence(
    ctx: click.Context, cancer: str, site: str, fmt: str, timeout: float | None, extra: tuple[Path, ...]
) -> None:
    """Every evidence item that CANCER spreads to SITE.

    \b
    Example:
      cancer-spread evidence colorectal liver
    """
    run_named(ctx, "evidence", {"cancer": cancer, "site": site}, fmt, timeout, extra)


@click.command(context_settings=CONTEXT)
@click.argument("term")
@row_options
@click.pass_context
@handle_errors
def define(ctx: click.Context, term: str, fmt: str, timeout: float | None, extra: tuple[Path, ...]) -> None:
    """What TERM means, in plain words, with its source.

    \b
    Example:
      cancer-spread define "locally advanced"
    """
    run_named(ctx, "define", {"term": term}, fmt, timeout, extra)


@click.command(context_settings=CONTEXT)
@click.argument("name")
@row_options
@click.pass_context
@handle_errors
def xrefs(ctx: click.Context, name: str, fmt: str, timeout: float | None, extra: tuple[Path, ...]) -> None:
    """All codes of NAME (NCIt, Mondo, DOID, MeSH, UBERON, OncoTree, ICD-10, ICD-O-3).

    \b
    Example:
      cancer-spread xrefs liver
    """
    run_named(ctx, "xrefs", {"entity": name}, fmt, timeout, extra)


@click.command(context_settings=CONTEXT)
@click.argument("cancer")
@click.argument("site")
@row_options
@click.pass_context
@handle_errors
def classify(
    ctx: click.Context, cancer: str, site: str, fmt: str, timeout: float | None, extra: tuple[Path, ...]
) -> None:
    """Is spread of CANCER to SITE local, regional or distant? With the rule and its source.

    \b
    Example:
      cancer-spread classify breast "armpit lymph nodes"
    """
    run_named(ctx, "classify-spread", {"cancer": cancer, "site": site}, fmt, timeout, extra)


@click.command("likely-primaries", context_settings=CONTEXT)
@click.argument("site", nargs=-1, required=True)
@row_options
@click.pass_context
@handle_errors
def likely_primaries(
    ctx: click.Context, site: tuple[str, ...], fmt: str, timeout: float | None, extra: tuple[Path, ...]
) -> None:
    """Primaries that best explain metastases found at SITE... (cancer of unknown primary).

    \b
    Example:
      cancer-spread likely-primaries liver bone
    """
    run_named(ctx, "likely-primaries", {"site": list(site)}, fmt, timeout, extra)


@click.command(context_settings=CONTEXT)
@click.argument("name")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter; repeat for more (and for list parameters).",
)
@row_options
@click.pass_context
@handle_errors
def query(
    ctx: click.Context, name: str, params: tuple[str, ...], fmt: str, timeout: float | None, extra: tuple[Path, ...]
) -> None:
    """Run the named query NAME (see `cancer-spread queries`).

    \b
    Example:
      cancer-spread query shared-sites -p cancer=breast -p other=prostate
    """
    values: dict[str, Any] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"-p {item!r}: expected KEY=VALUE", hint="for example -p cancer=breast")
        key = key.strip()
        if key in values:
            values[key] = (values[key] if isinstance(values[key], list) else [values[key]]) + [value]
        else:
            values[key] = value
    from ..queries import load_queries

    q = load_queries().get(name)
    if q is not None:
        for key, spec in q.params.items():
            if spec.list and key in values and not isinstance(values[key], list):
                values[key] = [values[key]]
    run_named(ctx, name, values, fmt, timeout, extra)


@click.command(context_settings=CONTEXT)
@click.argument("name", required=False)
@handle_errors
def queries(name: str | None) -> None:
    """List the named queries with their parameters (or show one in full).

    \b
    Example:
      cancer-spread queries metastatic-sites
    """
    from ..queries import load_queries

    all_queries = load_queries()
    if name is not None and name not in all_queries:
        raise InputError(f"unknown query {name!r}", hint="run `cancer-spread queries` for the list")
    for qname, q in all_queries.items():
        if name is not None and qname != name:
            continue
        click.echo(f"{qname}: {q.title}")
        if name is not None:
            click.echo(f"  {q.description}")
        for p in q.params.values():
            flags = ", ".join(x for x in ("optional" if not p.required else "", "list" if p.list else "") if x)
            extra = f" ({flags})" if flags else ""
            click.echo(f"  -p {p.name}=<{p.type}>{extra}  e.g. {p.example!r}: {p.description}")
        if name is not None:
            click.echo(f"  columns: {', '.join(q.columns)}")
            click.echo(f"  file: {q.path}")


@click.command(context_settings=CONTEXT)
@click.argument("text", required=False)
@click.option(
    "--file",
    "file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Read the query from this file.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "ttl", "nt", "jsonld"]),
    default=None,
    help="Rows: table|csv|tsv|json (default table). Graphs (CONSTRUCT/DESCRIBE): ttl|nt|jsonld (default ttl).",
)
@click.option("--timeout", type=float, default=None, metavar="SECONDS", help="Stop a query that runs longer than this.")
@store_options
@endpoint_options
@graph_options
@click.pass_context
@handle_errors
def sparql(
    ctx: click.Context,
    text: str | None,
    file: Path | None,
    fmt: str | None,
    timeout: float | None,
    extra: tuple[Path, ...],
) -> None:
    """Run your own SPARQL (read-only; the project's prefixes are predeclared).

    \b
    Example:
      cancer-spread sparql "SELECT ?c WHERE { ?c a cs:PrimaryCancer } ORDER BY ?c"
    """
    from ..api import sparql as run_sparql

    if (text is None) == (file is None):
        raise InputError(
            "give the query as an argument or with --file, not both", hint='cancer-spread sparql "SELECT …"'
        )
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as err:
            raise InputError(f"{file}: cannot read: {err.strerror}") from None
    assert text is not None
    result = run_sparql(text, open_ctx_graph(ctx, extra), timeout=timeout)
    if isinstance(result, bool):
        if fmt in (None, "table", "csv", "tsv"):
            click.echo("true" if result else "false")
        else:
            import json

            click.echo(json.dumps({"head": {}, "boolean": result}))
        return
    from rdflib import Graph

    if isinstance(result, Graph):
        from ..export import serialise

        gfmt = fmt or "ttl"
        if gfmt not in ("ttl", "nt", "jsonld"):
            raise InputError(f"--format {gfmt}: a CONSTRUCT/DESCRIBE result is a graph", hint="use ttl, nt or jsonld")
        click.echo(serialise(result, gfmt), nl=False)
        return
    rfmt = fmt or "table"
    if rfmt not in ("table", "csv", "tsv", "json"):
        raise InputError(f"--format {rfmt}: a SELECT result is rows", hint="use table, csv, tsv or json")
    print_rows(result, rfmt)
