"""The ``cancer-spread`` command: a thin layer over the library.

Exit codes: 0 answered (even with no rows), 1 problems found by a check, 2 bad input,
3 an internal error (a bug: one line says where to report it; ``--debug`` shows the traceback),
130 interrupted.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .clikit import (
    CONTEXT,
    InputError,
    endpoint_options,
    graph_options,
    handle_errors,
    load_ctx_graph,
    open_ctx_graph,
    print_rows,
    row_options,
    run_named,
    store_options,
)
from .guard import SafeGroup, Seconds, debug_option

__all__ = ["main"]


# ---------------------------------------------------------------------- the group


@click.group(cls=SafeGroup, context_settings=CONTEXT)
@click.version_option(package_name="cancer-spread", prog_name="cancer-spread")
@debug_option
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="CANCER_SPREAD_ROOT",
    help="Use the ontology/, graph/ and queries/ under this folder instead of the packaged data.",
)
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """Where cancers spread: an evidence-backed knowledge graph.

    \b
    Examples:
      cancer-spread sites "bowel cancer"
      cancer-spread primaries liver --source NCI
      cancer-spread define "locally advanced"
      cancer-spread classify breast "supraclavicular lymph nodes"
      cancer-spread visualise -o spread.html
    """
    ctx.ensure_object(dict)
    ctx.obj["root"] = root


# ---------------------------------------------------------------------- answers


@main.command(context_settings=CONTEXT)
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


@main.command(context_settings=CONTEXT)
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
    run_named(ctx, "primaries-for-site", {"site": site, "source": source}, fmt, timeout, extra)


@main.command(context_settings=CONTEXT)
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


@main.command(context_settings=CONTEXT)
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


@main.command(context_settings=CONTEXT)
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


@main.command(context_settings=CONTEXT)
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


@main.command("likely-primaries", context_settings=CONTEXT)
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


@main.command(context_settings=CONTEXT)
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
    from .queries import load_queries

    q = load_queries().get(name)
    if q is not None:
        for key, spec in q.params.items():
            if spec.list and key in values and not isinstance(values[key], list):
                values[key] = [values[key]]
    run_named(ctx, name, values, fmt, timeout, extra)


@main.command(context_settings=CONTEXT)
@click.argument("name", required=False)
@handle_errors
def queries(name: str | None) -> None:
    """List the named queries with their parameters (or show one in full).

    \b
    Example:
      cancer-spread queries metastatic-sites
    """
    from .queries import load_queries

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


@main.command(context_settings=CONTEXT)
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
@click.option(
    "--timeout", type=Seconds(), default=None, metavar="SECONDS", help="Stop a query that runs longer than this."
)
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Allow SERVICE (and FROM on the embedded graph), which send requests to the addresses in the query.",
)
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
    allow_remote: bool,
    extra: tuple[Path, ...],
) -> None:
    """Run your own SPARQL (read-only; the project's prefixes are predeclared).

    Nothing is fetched from other addresses: SERVICE and FROM are refused unless --allow-remote.
    Queries longer than 1,000,000 characters or nested more than 64 deep are refused.

    \b
    Example:
      cancer-spread sparql "SELECT ?c WHERE { ?c a cs:PrimaryCancer } ORDER BY ?c"
    """
    from .api import sparql as run_sparql

    if (text is None) == (file is None):
        raise InputError(
            "give the query as an argument or with --file, not both", hint='cancer-spread sparql "SELECT …"'
        )
    from .sparqlcheck import MAX_QUERY_CHARS, check_query

    if file is not None:
        from .errors import LoadError
        from .gate import read_regular

        try:
            data = read_regular(file, limit=4 * MAX_QUERY_CHARS + 4, what="query file")
            text = data.decode("utf-8")
        except LoadError as err:
            raise InputError(err.message.replace("no such file", "cannot read: no such file"), hint=err.hint) from None
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            raise InputError(f"{file}:{line}: not UTF-8 text ({err.reason})", hint="save the file as UTF-8") from None
    assert text is not None
    endpoint = ctx.obj.get("endpoint")
    check_query(text, allow_remote=allow_remote, endpoint=bool(endpoint))
    if endpoint:
        from .remote import sparql as run_remote

        result = run_remote(text, endpoint, default_graph=ctx.obj.get("graph_iri"), timeout=timeout)
    else:
        result = run_sparql(text, open_ctx_graph(ctx, extra), timeout=timeout, allow_remote=allow_remote)
    if isinstance(result, bool):
        if fmt in (None, "table", "csv", "tsv"):
            click.echo("true" if result else "false")
        else:
            import json

            click.echo(json.dumps({"head": {}, "boolean": result}))
        return
    from rdflib import Graph

    if isinstance(result, Graph):
        from .export import serialise

        gfmt = fmt or "ttl"
        if gfmt not in ("ttl", "nt", "jsonld"):
            raise InputError(f"--format {gfmt}: a CONSTRUCT/DESCRIBE result is a graph", hint="use ttl, nt or jsonld")
        click.echo(serialise(result, gfmt), nl=False, color=True)  # exact: click strips ANSI otherwise
        return
    rfmt = fmt or "table"
    if rfmt not in ("table", "csv", "tsv", "json"):
        raise InputError(f"--format {rfmt}: a SELECT result is rows", hint="use table, csv, tsv or json")
    print_rows(result, rfmt)


# ---------------------------------------------------------------------- data jobs


@main.command(context_settings=CONTEXT)
@graph_options
@click.pass_context
@handle_errors
def validate(ctx: click.Context, extra: tuple[Path, ...]) -> None:
    """Check the merged graph against the SHACL shapes and every QC query. Exit 1 on problems."""
    from .paths import find_paths
    from .validate import validate_graph

    graph = load_ctx_graph(ctx, extra)
    findings = validate_graph(graph, find_paths(ctx.obj.get("root")))
    for f in findings:
        click.echo(f.format())
    if findings:
        click.echo(f"{len(findings)} problem{'s' if len(findings) != 1 else ''} found", err=True)
        sys.exit(1)
    click.echo(f"ok: {len(graph)} triples pass the SHACL shapes and all QC queries")


@main.command(context_settings=CONTEXT)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help="Only report files that are not canonical (exit 1 if any).")
@click.pass_context
@handle_errors
def fmt(ctx: click.Context, files: tuple[Path, ...], check: bool) -> None:
    """Rewrite Turtle files in canonical form (default: every file under ontology/ and graph/)."""
    from .paths import find_paths
    from .turtle import format_files

    targets = list(files) or find_paths(ctx.obj.get("root")).all_turtle_files()
    changed = format_files(targets, check=check)
    for path in changed:
        click.echo(f"{'would reformat' if check else 'reformatted'} {path}")
    if check and changed:
        click.echo("run `cancer-spread fmt` (or `make fmt`) to fix", err=True)
        sys.exit(1)
    if not changed:
        click.echo(f"{len(targets)} file{'s' if len(targets) != 1 else ''} already canonical")


@main.command(context_settings=CONTEXT)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Folder for the built files.",
)
@graph_options
@click.pass_context
@handle_errors
def build(ctx: click.Context, output: Path, extra: tuple[Path, ...]) -> None:
    """Build the release files: the merged graph (canonical Turtle) and its VoID/DCAT description."""
    from .export import build_release

    graph = load_ctx_graph(ctx, extra)
    for path in build_release(graph, output):
        click.echo(path)


@main.command(context_settings=CONTEXT)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@graph_options
@click.pass_context
@handle_errors
def stats(ctx: click.Context, fmt: str, extra: tuple[Path, ...]) -> None:
    """Counts computed from the graph: cancers, sites, patterns, evidence, sources, terms."""
    import json

    from .stats import compute_stats

    numbers = compute_stats(load_ctx_graph(ctx, extra))
    if fmt == "json":
        click.echo(json.dumps(numbers, indent=2))
    else:
        width = max(len(k) for k in numbers)
        for key, value in numbers.items():
            click.echo(f"{key.ljust(width)}  {value}")


@main.command(context_settings=CONTEXT)
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["ttl", "nt", "jsonld", "xml", "trig", "csv", "graphml", "gexf"]),
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (atomically) instead of stdout.",
)
@graph_options
@click.pass_context
@handle_errors
def export(ctx: click.Context, fmt: str, output: Path | None, extra: tuple[Path, ...]) -> None:
    """Export the graph: Turtle (canonical), N-Triples, JSON-LD, RDF/XML, TriG, CSV of spread
    edges, or GraphML/GEXF for Cytoscape and Gephi.

    \b
    Example:
      cancer-spread export --format jsonld -o cancer-spread.jsonld
    """
    from .export import export_text
    from .turtle import write_atomic

    data = export_text(load_ctx_graph(ctx, extra), fmt)
    if output is None:
        click.echo(data, nl=False, color=True)  # exact: click strips ANSI otherwise
    else:
        write_atomic(output, data)
        click.echo(str(output), err=True)


@main.command(context_settings=CONTEXT)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("build/cancer-spread.html"),
    show_default=True,
    help="Where to write the HTML file.",
)
@click.option("--focus", default=None, metavar="NAME", help="Draw only this cancer's or site's neighbourhood.")
@click.option(
    "--layout",
    type=click.Choice(["layered", "force"]),
    default="layered",
    show_default=True,
    help="Fixed two-column layout, or force-directed physics that stops once stable.",
)
@click.option(
    "--physics/--no-physics", default=False, show_default=True, help="Let nodes move under vis-network physics."
)
@click.option("--title", default=None, help="Page title.")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    metavar="KIND",
    help="Preset filter: show only evidence of this kind (repeatable).",
)
@click.option(
    "--min-figure",
    type=float,
    default=None,
    help="Preset filter: hide links whose best figure is below this percentage.",
)
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="TEXT",
    help="Preset filter: only evidence from sources matching TEXT (repeatable).",
)
@click.option("--glossary", is_flag=True, help="Also draw glossary terms linked to what they describe.")
@click.option(
    "--select",
    default="auto",
    show_default=True,
    metavar="NAME",
    help="Node selected when the page opens ('auto': the focus, or breast cancer; 'none': nothing).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a web browser when written.")
@graph_options
@click.pass_context
@handle_errors
def visualise(
    ctx: click.Context,
    output: Path,
    focus: str | None,
    layout: str,
    physics: bool,
    title: str | None,
    kinds: tuple[str, ...],
    min_figure: float | None,
    sources: tuple[str, ...],
    glossary: bool,
    select: str,
    open_browser: bool,
    extra: tuple[Path, ...],
) -> None:
    """Write the interactive viewer: one self-contained HTML file that works offline.

    \b
    Example:
      cancer-spread visualise --focus breast -o breast.html
    """
    from .visualise import write_html

    filters: dict[str, Any] = {}
    if kinds:
        filters["kinds"] = list(kinds)
    if min_figure is not None:
        filters["min_figure"] = min_figure
    if sources:
        filters["sources"] = list(sources)
    path = write_html(
        output,
        load_ctx_graph(ctx, extra),
        focus=focus,
        layout=layout,
        physics=physics,
        title=title,
        filters=filters or None,
        glossary=glossary,
        select=None if select.casefold() == "none" else select,
    )
    click.echo(str(Path(path).resolve()))
    if open_browser:
        import webbrowser

        webbrowser.open(Path(path).resolve().as_uri())


# ---------------------------------------------------------------------- topic modules

#: Modules that add commands of their own (each exports ``COMMANDS``, a list of click commands).
#: They import only click at module level, so that ``cancer-spread --help`` stays fast.
COMMAND_MODULES = ("cli_analyse", "cli_ingest", "cli_serve")


def _register_topic_commands() -> None:
    import importlib

    for name in COMMAND_MODULES:
        module = importlib.import_module(f".{name}", __package__)
        for command in module.COMMANDS:
            main.add_command(command)


_register_topic_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
