"""``cancer-spread visualise``: write the interactive viewer (one offline HTML file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..guard import Percent
from .options import CONTEXT, graph_options, handle_errors, load_ctx_graph

__all__ = ["visualise"]


@click.command(context_settings=CONTEXT)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("build/cancer-spread.html"),
    show_default=True,
    help="Where to write the HTML file.",
)
@click.option(
    "--focus",
    default=None,
    metavar="NAME",
    help="Draw only this cancer's or site's neighbourhood (a word naming both, like breast, means the cancer; "
    "site:breast the site).",
)
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
    type=Percent(),
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
    from ..visualise import write_html

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
