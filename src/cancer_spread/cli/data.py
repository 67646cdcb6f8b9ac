"""Data jobs: ``validate``, ``fmt``, ``build``, ``stats``, ``export`` and ``pages``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .options import CONTEXT, graph_options, handle_errors, load_ctx_graph

__all__ = ["build", "export", "fmt", "pages", "stats", "validate"]


# ---------------------------------------------------------------------- data jobs


@click.command(context_settings=CONTEXT)
@graph_options
@click.pass_context
@handle_errors
def validate(ctx: click.Context, extra: tuple[Path, ...]) -> None:
    """Check the merged graph against the SHACL shapes and every QC query. Exit 1 on problems."""
    from ..paths import find_paths
    from ..textsafe import terminal_safe
    from ..validate import validate_graph

    graph = load_ctx_graph(ctx, extra)
    findings = validate_graph(graph, find_paths(ctx.obj.get("root")))
    for f in findings:
        click.echo(terminal_safe(f.format(), keep_newlines=True))  # values come from the data
    if findings:
        click.echo(f"{len(findings)} problem{'s' if len(findings) != 1 else ''} found", err=True)
        sys.exit(1)
    click.echo(f"ok: {len(graph)} triples pass the SHACL shapes and all QC queries")


@click.command(context_settings=CONTEXT)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help="Only report files that are not canonical (exit 1 if any).")
@click.pass_context
@handle_errors
def fmt(ctx: click.Context, files: tuple[Path, ...], check: bool) -> None:
    """Rewrite Turtle files in canonical form (default: every file under ontology/ and graph/)."""
    from ..paths import find_paths
    from ..turtle import format_files

    targets = list(files) or find_paths(ctx.obj.get("root")).all_turtle_files()
    changed = format_files(targets, check=check)
    for path in changed:
        click.echo(f"{'would reformat' if check else 'reformatted'} {path}")
    if check and changed:
        click.echo("run `cancer-spread fmt` (or `make fmt`) to fix", err=True)
        sys.exit(1)
    if not changed:
        click.echo(f"{len(targets)} file{'s' if len(targets) != 1 else ''} already canonical")


@click.command(context_settings=CONTEXT)
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
    """Build the release files: the merged graph (Turtle, N-Triples, JSON-LD, RDF/XML), the spread
    edges (CSV, GraphML, GEXF), the dataset description (VoID, schema.org), the JSON-LD context,
    the SSSOM mappings and the vocabulary as its own ontology (Turtle, RDF/XML)."""
    from ..export import build_release

    graph = load_ctx_graph(ctx, extra)
    for path in build_release(graph, output):
        click.echo(path)


@click.command(context_settings=CONTEXT)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True)
@graph_options
@click.pass_context
@handle_errors
def stats(ctx: click.Context, fmt: str, extra: tuple[Path, ...]) -> None:
    """Counts computed from the graph: cancers, sites, patterns, evidence, sources, terms.

    `--format markdown` prints the README's table of counts (`make readme` writes it there).
    """
    import json

    from ..stats import compute_stats, markdown_table

    numbers = compute_stats(load_ctx_graph(ctx, extra))
    if fmt == "json":
        click.echo(json.dumps(numbers, indent=2))
    elif fmt == "markdown":
        click.echo(markdown_table(numbers))
    else:
        width = max(len(k) for k in numbers)
        for key, value in numbers.items():
            click.echo(f"{key.ljust(width)}  {value}")


@click.command(context_settings=CONTEXT)
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
    from ..export import export_text
    from ..files import write_atomic

    data = export_text(load_ctx_graph(ctx, extra), fmt)
    if output is None:
        click.echo(data, nl=False, color=True)  # exact: click strips ANSI otherwise
    else:
        write_atomic(output, data)
        click.echo(str(output), err=True)


@click.command(context_settings=CONTEXT)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build/pages"),
    show_default=True,
    help="Folder for the site (index.html, cancer/, site/, term/, source/).",
)
@graph_options
@click.pass_context
@handle_errors
def pages(ctx: click.Context, output: Path, extra: tuple[Path, ...]) -> None:
    """Write a static, offline site: one page per cancer, site, glossary term and source, and an
    index. Each page has the definition, where it spreads (or what spreads to it) with frequency
    level, figures and sources, the codes, a small chart, and its data as JSON-LD.

    \b
    Example:
      cancer-spread pages -o site && open site/index.html
    """
    from ..pages import write_pages

    written = write_pages(load_ctx_graph(ctx, extra), output)
    click.echo(f"{len(written)} pages written; open {(Path(output) / 'index.html').resolve()}")
