"""``cancer-spread analyse`` (measures of the spread network as tables) and ``cancer-spread plot``
(the heatmap and one cancer's profile as PNG, SVG or PDF).

Only click and the CLI helpers are imported here; networkx, matplotlib and rdflib load when a
command runs, so that ``cancer-spread --help`` stays fast.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import click

from .options import CONTEXT, InputError, graph_options, handle_errors, load_ctx_graph

__all__ = ["analyse", "plot"]

#: Measure names, in the order `analyse` prints them (kept here so --help needs no networkx).
MEASURE_NAMES = ("destinations", "breadth", "similarity", "communities", "profile")
_FIGURE_SUFFIXES = (".png", ".svg", ".pdf")
#: Pairs shown by `analyse` without --measure (the full list: --measure similarity).
_SIMILARITY_PREVIEW = 20


def _plotting():  # type: ignore[no-untyped-def]
    """The plotting module, or a clear error when matplotlib is missing."""
    try:
        from .. import plot as plotting
    except ModuleNotFoundError as err:
        if (err.name or "").split(".")[0] != "matplotlib":
            raise
        raise InputError("matplotlib is not installed", hint="pip install 'matplotlib>=3.7'") from None
    return plotting


def _check_output(path: Path) -> None:
    if path.suffix.lower() not in _FIGURE_SUFFIXES:
        shown = path.suffix or "no extension"
        raise InputError(f"{path}: cannot write a figure as {shown}", hint="name the file .png, .svg or .pdf")


@click.command(context_settings=CONTEXT)
@click.option(
    "--measure",
    type=click.Choice(MEASURE_NAMES),
    default=None,
    help="One measure (default: all, each titled; `profile` needs --cancer).",
)
@click.option(
    "--cancer",
    default=None,
    metavar="NAME",
    help="Focus on this cancer: its profile against the average, its similarity to others, its community.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
    help="Output: an aligned table, CSV, TSV, or W3C SPARQL 1.1 results JSON (csv/tsv/json: one --measure).",
)
@graph_options
@click.pass_context
@handle_errors
def analyse(ctx: click.Context, measure: str | None, cancer: str | None, fmt: str, extra: tuple[Path, ...]) -> None:
    """What the spread network says: measures as tables.

    \b
    destinations  sites ranked by weighted in-degree (weight = independent sources per
                  cancer→site link) and by in-degree (number of cancers)
    breadth       cancers ranked by number of sites, then distinct top-level sites
    similarity    pairs of cancers: Jaccard on site sets, cosine on source-weighted profiles
    communities   groups of similar cancers (greedy modularity on the Jaccard projection)
    profile       one cancer (--cancer) against the average over all cancers

    \b
    Examples:
      cancer-spread analyse
      cancer-spread analyse --measure destinations --format csv
      cancer-spread analyse --measure profile --cancer "bowel cancer"
    """
    if measure is None and fmt != "table":
        raise InputError(
            f"--format {fmt} holds one table: choose a --measure",
            hint=f"e.g. --measure destinations --format {fmt} ({', '.join(MEASURE_NAMES)})",
        )
    if measure == "profile" and cancer is None:
        raise InputError("the profile measure needs a cancer", hint="add --cancer NAME, e.g. --cancer breast")
    from ..analyse import MEASURES, run_measure
    from ..network import spread_network

    graph = load_ctx_graph(ctx, extra)
    network = spread_network(graph)
    if measure is not None:
        # color=True: CSV/TSV/JSON exact (click strips ANSI-like text otherwise); tables are made safe
        click.echo(run_measure(measure, graph, cancer=cancer, network=network).to_text(fmt), nl=False, color=True)
        return
    names = [n for n in MEASURE_NAMES if n != "profile" or cancer is not None]
    for k, name in enumerate(names):
        results = run_measure(name, graph, cancer=cancer, network=network)
        title = MEASURES[name][1]
        heading = textwrap.fill(f"== {name}: {title}", 100, subsequent_indent="   ")
        click.echo(("\n" if k else "") + heading)
        if name == "similarity" and cancer is None and len(results) > _SIMILARITY_PREVIEW:
            click.echo(results[:_SIMILARITY_PREVIEW].to_text("table"), nl=False)
            click.echo(
                f"(the {_SIMILARITY_PREVIEW} most similar of {len(results)} pairs: --measure similarity for all)"
            )
        elif name == "communities":
            # One record per community, unclipped: member lists are long.
            for i in range(len(results)):
                click.echo(results[i : i + 1].to_text("table").removesuffix("(1 row)\n"), nl=False)
            click.echo(f"({len(results)} communit{'ies' if len(results) != 1 else 'y'})")
        else:
            click.echo(results.to_text("table"), nl=False)
    if cancer is None:
        click.echo("\n(profile: add --cancer NAME to compare one cancer with the average)")


@click.group(context_settings=CONTEXT)
def plot() -> None:
    """Figures for print and slides (PNG, SVG or PDF, by the file extension).

    \b
    Examples:
      cancer-spread plot heatmap -o heatmap.png
      cancer-spread plot profile breast -o breast.svg
    """


def _output_option(func):  # type: ignore[no-untyped-def]
    func = click.option(
        "--dpi", type=click.IntRange(50, 600), default=150, show_default=True, help="Resolution of PNG output."
    )(func)
    return click.option(
        "-o",
        "--output",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="The image file: .png, .svg or .pdf (written atomically).",
    )(func)


@plot.command(context_settings=CONTEXT)
@_output_option
@graph_options
@click.pass_context
@handle_errors
def heatmap(ctx: click.Context, output: Path, dpi: int, extra: tuple[Path, ...]) -> None:
    """The primary cancer × site matrix: colour = best figure (%), grey = number of sources.

    \b
    Example:
      cancer-spread plot heatmap -o docs/heatmap.png
    """
    _check_output(output)
    click.echo(str(_plotting().write_heatmap(output, load_ctx_graph(ctx, extra), dpi=dpi)))


@plot.command(context_settings=CONTEXT)
@click.argument("cancer")
@_output_option
@graph_options
@click.pass_context
@handle_errors
def profile(ctx: click.Context, cancer: str, output: Path, dpi: int, extra: tuple[Path, ...]) -> None:
    """CANCER's sites as ranked bars, with the evidence behind each.

    \b
    Example:
      cancer-spread plot profile "bowel cancer" -o bowel.png
    """
    _check_output(output)
    click.echo(str(_plotting().write_profile(output, load_ctx_graph(ctx, extra), cancer, dpi=dpi)))


#: The commands this module adds to ``cancer-spread``.
