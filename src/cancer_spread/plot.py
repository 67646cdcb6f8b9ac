"""Figures for print and slides: the cancer × site heatmap and one cancer's spread profile.

Matplotlib draws on the Agg backend without pyplot (no windows, no global figure state). The
output is deterministic: sorted inputs, no randomness, a fixed SVG hash salt and no dates in the
file metadata, so the same graph gives the same bytes. Every figure carries a title, a legend,
the dataset version and a source note.

>>> from cancer_spread.load import load_graph
>>> data = figure_bytes(profile_figure(load_graph(), "breast"), "svg")
>>> b"breast cancer" in data and data == figure_bytes(profile_figure(load_graph(), "breast"), "svg")
True
"""

from __future__ import annotations

import contextlib
import io
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

if "matplotlib.pyplot" not in sys.modules:  # leave an interactive session's backend alone
    matplotlib.use("Agg")

from matplotlib.figure import Figure
from rdflib import Graph

from .errors import InputError
from .version import __version__

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = [
    "FIGURE_FORMATS",
    "MEASURE_LABEL",
    "figure_bytes",
    "heatmap_figure",
    "profile_figure",
    "write_figure",
    "write_heatmap",
    "write_profile",
]

FIGURE_FORMATS = ("png", "svg", "pdf")

#: The one measure comparable across sites: what a cell's colour (a bar's length) shows.
MEASURE_LABEL = "share of patients with distant spread who have the site involved"

_CMAP = "YlOrRd"
_GREYS = ("#e4e4e4", "#c2c2c2", "#9c9c9c", "#767676")  # 1, 2, 3, 4+ independent sources
_STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "svg.fonttype": "none",  # labels stay text: searchable, selectable, crisp in print
    "svg.hashsalt": "cancer-spread",
    "pdf.fonttype": 42,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_LICENCE = "CC BY 4.0"
_NOTE = "Not medical advice."


@contextlib.contextmanager
def _style() -> Iterator[None]:
    with matplotlib.rc_context(_STYLE):
        yield


def _check_format(path: Path | str) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FIGURE_FORMATS:
        raise InputError(
            f"{path}: cannot write a figure as {('.' + suffix) if suffix else 'a file without extension'}",
            hint="name the file .png, .svg or .pdf",
        )
    return suffix


def _metadata(fmt: str, title: str) -> dict[str, Any]:
    creator = f"cancer-spread {__version__}"
    if fmt == "svg":
        return {"Date": None, "Creator": creator, "Title": title}
    if fmt == "pdf":
        return {"CreationDate": None, "ModDate": None, "Creator": creator, "Producer": creator, "Title": title}
    return {"Software": creator, "Title": title}


def figure_bytes(fig: Figure, fmt: str, *, dpi: float = 150) -> bytes:
    """The figure as ``png``, ``svg`` or ``pdf`` bytes, without dates in the metadata."""
    if fmt not in FIGURE_FORMATS:
        raise InputError(f"unknown figure format {fmt!r}", hint="use png, svg or pdf")
    buf = io.BytesIO()
    title = fig.get_label() or "cancer-spread"
    with _style():
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=_metadata(fmt, title), facecolor="white")
    return buf.getvalue()


def write_figure(path: Path | str, fig: Figure, *, dpi: float = 150) -> Path:
    """Write the figure atomically, its format taken from the file extension."""
    from .files import write_atomic

    fmt = _check_format(path)
    write_atomic(Path(path), figure_bytes(fig, fmt, dpi=dpi))
    return Path(path)


def _source_note(shorts: list[str], total: int | None = None, width: int = 150) -> str:
    head = f"cancer-spread {__version__} · {_LICENCE} · "
    if total is not None and total > len(shorts):
        listed = f"sources: {total} cited sources, figures from " + ", ".join(shorts)
    else:
        listed = "sources: " + ", ".join(shorts)
    return "\n".join(textwrap.wrap(head + listed + f". {_NOTE}", width))


def _text_colour(rgba: tuple[float, ...]) -> str:
    r, g, b = rgba[:3]
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "white"


def _grey(n_sources: int) -> str:
    return _GREYS[min(max(n_sources, 1), len(_GREYS)) - 1]


def _figure_sources(G: nx.DiGraph) -> list[str]:
    from .analyse import best_source

    shorts = set()
    for u, v, d in G.edges(data=True):
        if d.get("best_figure") is not None:
            short = best_source(G, u, v)
            if short:
                shorts.add(short)
    return sorted(shorts, key=str.casefold)


# ---------------------------------------------------------------------- heatmap


def heatmap_order(graph: Graph, *, network: nx.DiGraph | None = None) -> tuple[list[str], list[str], list[int]]:
    """Rows, columns and row-group sizes of the heatmap.

    Rows (cancers): by community of similar spread (``analyse --measure communities``), then
    breadth (number of sites, top-level sites, name). Columns (sites any cancer reaches): organs
    first, then lymph nodes, each by weighted in-degree (``analyse --measure destinations``).
    """
    from .analyse import _network, breadth, cancer_communities, destinations, site_groups

    G = _network(graph, network)
    order = [r["cancer"] for r in breadth(graph, network=G)]
    rank = {c: i for i, c in enumerate(order)}
    rows: list[str] = []
    sizes = []
    for members in cancer_communities(graph, network=G):
        rows += sorted(members, key=rank.__getitem__)
        sizes.append(len(members))
    groups = site_groups(G)
    dest = [r["site"] for r in destinations(graph, network=G)]
    cols = [s for s in dest if groups[s] == "organ"] + [s for s in dest if groups[s] == "lymph node"]
    return rows, cols, sizes


def heatmap_figure(graph: Graph, *, network: nx.DiGraph | None = None) -> Figure:
    """The primary cancer × site matrix.

    A coloured cell shows the strongest comparable figure (best figure, %; the measure is
    :data:`MEASURE_LABEL`) and its value; a grey cell a link with no such figure, its shade and
    number the independent sources; an empty cell no spread pattern in the graph.
    """
    from matplotlib import colormaps
    from matplotlib.colors import Normalize

    from .analyse import _network, site_groups

    G = _network(graph, network)
    rows, cols, sizes = heatmap_order(graph, network=G)
    label = {n: str(d.get("label", n)) for n, d in G.nodes(data=True)}
    cmap = colormaps[_CMAP]
    norm = Normalize(vmin=0, vmax=100)
    cell = 0.3  # inches
    left, right, top, bottom = 2.4, 2.7, 1.55, 2.35
    width = left + cell * len(cols) + right
    height = top + cell * len(rows) + bottom
    title = "Where primary cancers spread: the strongest evidence for each site"
    with _style():
        fig = Figure(figsize=(width, height), label=title)
        ax = fig.add_axes(
            (left / width, bottom / height, cell * len(cols) / width, cell * len(rows) / height),
        )
        ax.set_xlim(0, len(cols))
        ax.set_ylim(len(rows), 0)
        _heatmap_cells(ax, G, rows, cols, cmap, norm)
        _heatmap_axes(ax, rows, cols, label)
        _heatmap_groups(ax, cols, site_groups(G), sizes)
        legend_x = (left + cell * len(cols) + 0.75) / width
        box = (legend_x, width, height, bottom, cell * len(rows))
        _heatmap_legends(fig, cmap, norm, box)
        _heatmap_texts(fig, G, title, width, height)
    return fig


def _heatmap_cells(ax: Any, G: nx.DiGraph, rows: list[str], cols: list[str], cmap: Any, norm: Any) -> None:
    """One cell per link: coloured with its best figure, or grey with its number of sources."""
    from matplotlib.patches import Rectangle

    for i, cancer in enumerate(rows):
        for j, site in enumerate(cols):
            if not G.has_edge(cancer, site):
                continue
            d = G.edges[cancer, site]
            figure = d.get("best_figure")
            if figure is not None:
                colour = cmap(norm(figure))
                ax.add_patch(Rectangle((j, i), 1, 1, facecolor=colour, edgecolor="white", linewidth=0.8))
                ax.text(
                    j + 0.5,
                    i + 0.5,
                    f"{figure:.0f}",
                    ha="center",
                    va="center",
                    fontsize=6.5,
                    fontweight="bold",
                    color=_text_colour(colour),
                )
            else:
                n = int(d["n_sources"])
                ax.add_patch(Rectangle((j, i), 1, 1, facecolor=_grey(n), edgecolor="white", linewidth=0.8))
                ax.text(
                    j + 0.5,
                    i + 0.5,
                    str(n),
                    ha="center",
                    va="center",
                    fontsize=6,
                    fontstyle="italic",
                    color="black" if n < 3 else "white",
                )


def _heatmap_axes(ax: Any, rows: list[str], cols: list[str], label: dict[str, str]) -> None:
    """Site names along the bottom, cancer names down the side, a faint grid."""
    import numpy as np

    ax.set_xticks(np.arange(len(cols)) + 0.5, [label[s] for s in cols], rotation=90, fontsize=8.5)
    ax.set_yticks(np.arange(len(rows)) + 0.5, [label[c] for c in rows], fontsize=8.5)
    ax.tick_params(length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_xticks(np.arange(len(cols) + 1), minor=True)
    ax.set_yticks(np.arange(len(rows) + 1), minor=True)
    ax.grid(which="minor", color="#f0f0f0", linewidth=0.5)
    ax.tick_params(which="minor", length=0)
    ax.set_axisbelow(True)


def _heatmap_groups(ax: Any, cols: list[str], groups: dict[str, str], sizes: list[int]) -> None:
    """Column groups (organs | lymph nodes) and row groups (communities of similar spread)."""
    # Column groups: organs | lymph nodes.
    n_organs = sum(groups[s] == "organ" for s in cols)
    for start, stop, name in ((0, n_organs, "organs and tissues"), (n_organs, len(cols), "lymph nodes")):
        if stop <= start:
            continue
        ax.annotate(
            "",
            xy=(start + 0.1, -0.35),
            xytext=(stop - 0.1, -0.35),
            xycoords="data",
            arrowprops={"arrowstyle": "-", "color": "#555555", "linewidth": 1.2},
            annotation_clip=False,
        )
        ax.text((start + stop) / 2, -0.6, name, ha="center", va="bottom", fontsize=9, color="#333333")
    if 0 < n_organs < len(cols):
        ax.axvline(n_organs, color="#555555", linewidth=1.2)
    # Row groups: communities of similar spread.
    start = 0
    for k, size in enumerate(sizes, start=1):
        if k > 1:
            ax.axhline(start, color="#555555", linewidth=1.2)
        ax.text(
            len(cols) + 0.3,
            start + size / 2,
            f"group {k} ({size})",
            rotation=270,
            ha="left",
            va="center",
            fontsize=8,
            color="#555555",
        )
        start += size


def _heatmap_legends(fig: Figure, cmap: Any, norm: Any, box: tuple[float, float, float, float, float]) -> None:
    """A colour bar for the figures and grey patches for the number of sources."""
    from matplotlib.cm import ScalarMappable
    from matplotlib.patches import Patch

    legend_x, width, height, bottom, rows_height = box
    cax = fig.add_axes((legend_x, (bottom + rows_height * 0.5) / height, 0.18 / width, rows_height * 0.5 / height))
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), cax=cax)
    bar.set_label("best figure (%): " + MEASURE_LABEL, fontsize=8)
    bar.ax.tick_params(labelsize=8)
    handles = [
        Patch(facecolor=c, edgecolor="#999999", label=f"{i}{'+' if i == len(_GREYS) else ''}")
        for i, c in enumerate(_GREYS, start=1)
    ]
    fig.legend(
        handles=handles,
        title="no such figure:\nindependent sources\n(shade and number)",
        title_fontsize=8,
        fontsize=8,
        loc="upper left",
        bbox_to_anchor=(legend_x - 0.2 / width, (bottom + rows_height * 0.45) / height),
        frameon=False,
    )


def _heatmap_texts(fig: Figure, G: nx.DiGraph, title: str, width: float, height: float) -> None:
    """The title, how to read the figure, and the sources of its figures."""
    fig.text(0.5 / width, 1 - 0.35 / height, title, fontsize=14, fontweight="bold", va="top")
    fig.text(
        0.5 / width,
        1 - 0.75 / height,
        "Coloured cell: the highest figure measured as the " + MEASURE_LABEL + " (its value in the cell). "
        "Grey cell: a link with no such figure.\nEmpty: no spread pattern in the graph. "
        "Rows grouped by similarity of spread (cancer-spread analyse --measure communities).",
        fontsize=8.5,
        va="top",
        color="#333333",
    )
    n_sources = len({i["source"] for _, _, d in G.edges(data=True) for i in d.get("evidence", ())})
    fig.text(
        0.5 / width,
        0.25 / height,
        _source_note(_figure_sources(G), n_sources, width=int(width * 14)),
        fontsize=7,
        va="bottom",
        color="#555555",
    )


# ---------------------------------------------------------------------- profile


def profile_figure(graph: Graph, cancer: str, *, network: nx.DiGraph | None = None) -> Figure:
    """One cancer's sites as ranked bars (in the order of the ``metastatic-sites`` query:
    frequency level, then the comparable figure, then name), each annotated with its evidence: the best
    figure and its source, and the number of sources and kinds of evidence."""
    from matplotlib import colormaps
    from matplotlib.colors import Normalize

    from .analyse import _network, best_source, ranked_sites
    from .resolve import resolver_for

    G = _network(graph, network)
    c = str(resolver_for(graph).resolve(cancer, "cancer"))
    sites = ranked_sites(G, c, graph)
    if not sites:
        raise InputError(f"{G.nodes[c]['label']!r} has no spread patterns in the graph", hint="try another cancer")
    label = G.nodes[c]["label"]
    cmap = colormaps[_CMAP]
    norm = Normalize(vmin=0, vmax=100)
    row = 0.42
    top, bottom = 1.35, 1.1
    height = top + row * len(sites) + bottom
    width = 13.2
    title = f"Where {label} spreads, strongest evidence first"
    shorts: set[str] = set()
    with _style():
        fig = Figure(figsize=(width, height), label=title)
        axes_bottom = bottom / height
        axes_height = row * len(sites) / height
        ax = fig.add_axes((2.3 / width, axes_bottom, 3.6 / width, axes_height))
        bx = fig.add_axes((6.6 / width, axes_bottom, 1.6 / width, axes_height), sharey=ax)
        y = list(range(len(sites)))
        max_sources = max(int(G.edges[c, s]["n_sources"]) for s in sites)
        for i, site in enumerate(sites):
            d = G.edges[c, site]
            figure = d.get("best_figure")
            n = int(d["n_sources"])
            shorts.update(item["source_short"] for item in d.get("evidence", ()) if item["source_short"])
            if figure is not None:
                ax.barh(i, figure, color=cmap(norm(figure)), edgecolor="#444444", linewidth=0.5, height=0.7)
                ax.text(figure + 1.5, i, f"{figure:g}% · {best_source(G, c, site)}", va="center", fontsize=8)
            else:
                ax.text(1.5, i, "no comparable figure", va="center", fontsize=8, color="#777777", style="italic")
            bx.barh(i, n, color=_grey(n), edgecolor="#444444", linewidth=0.5, height=0.7)
            kinds = ", ".join(d.get("kinds", ()))
            bx.text(
                n + max_sources * 0.04,
                i,
                f"{n} source{'s' if n != 1 else ''} · {d['n_evidence']} item{'s' if d['n_evidence'] != 1 else ''}"
                f" · {kinds}",
                va="center",
                fontsize=8,
            )
        ax.set_yticks(y, [G.nodes[s]["label"] for s in sites], fontsize=9)
        ax.set_ylim(len(sites) - 0.5, -0.5)
        ax.set_xlim(0, 100)
        ax.set_xlabel("best figure (%)\n" + MEASURE_LABEL, fontsize=8)
        ax.tick_params(axis="y", length=0)
        bx.set_xlim(0, max_sources * 1.15)
        bx.set_xlabel("independent sources\n(and evidence items, kinds of evidence)", fontsize=8)
        bx.tick_params(axis="y", left=False, labelleft=False)
        from matplotlib.ticker import MaxNLocator

        bx.xaxis.set_major_locator(MaxNLocator(integer=True))
        for axis in (ax, bx):
            axis.grid(axis="x", color="#e8e8e8", linewidth=0.6)
            axis.set_axisbelow(True)
        fig.text(0.3 / width, 1 - 0.3 / height, title, fontsize=13, fontweight="bold", va="top")
        fig.text(
            0.3 / width,
            1 - 0.68 / height,
            "Ranked as `cancer-spread sites`: best figure first, then the number of independent sources, "
            "then name. Bars: the highest figure measured as the\n"
            + MEASURE_LABEL
            + " (left, with its source) and the number of independent sources (right).",
            fontsize=8.5,
            va="top",
            color="#333333",
        )
        fig.text(
            0.3 / width,
            0.12 / height,
            _source_note(sorted(shorts, key=str.casefold), width=165),
            fontsize=7,
            va="bottom",
            color="#555555",
        )
    return fig


# ---------------------------------------------------------------------- files


def write_heatmap(path: Path | str, graph: Graph, *, dpi: float = 150) -> Path:
    """Write :func:`heatmap_figure` to ``path`` (``.png``, ``.svg`` or ``.pdf``)."""
    _check_format(path)
    return write_figure(path, heatmap_figure(graph), dpi=dpi)


def write_profile(path: Path | str, graph: Graph, cancer: str, *, dpi: float = 150) -> Path:
    """Write :func:`profile_figure` of ``cancer`` to ``path`` (``.png``, ``.svg`` or ``.pdf``)."""
    _check_format(path)
    return write_figure(path, profile_figure(graph, cancer), dpi=dpi)
