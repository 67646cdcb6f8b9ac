"""The interactive viewer: one self-contained, offline HTML page that shows where cancers spread.

The page draws the spread network (:func:`cancer_spread.network.spread_network`) with
vis-network, the drawing library pyvis is built on (a pinned copy vendored in ``viewer/vendor/``).
Everything it needs is inlined: the library, the page's own template, styles and script (the
files under ``viewer/`` in this package) and the data, so it opens from a file, a mail attachment
or a notebook with no network access, and it makes no request of its own (a Content Security
Policy forbids any). Positions are computed here, in Python, so the same graph always gives the
same picture and the browser draws it at once, physics off.

Every text from the graph reaches the page as JSON data (with ``<``, ``>`` and ``&`` escaped) and
is put into the page with ``textContent``, never parsed as HTML.

>>> page = render_html(focus="bowel cancer")
>>> "colorectal cancer" in page and "<title>Where colorectal cancer spreads" in page
True
>>> "<link" in page or 'src="http' in page
False
"""

from __future__ import annotations

import functools
import html as _html
import json
import math
import os
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx
    from rdflib import Graph

__all__ = [
    "FILTER_KEYS",
    "LAYOUTS",
    "PALETTE",
    "ViewerHTML",
    "display",
    "render_html",
    "synthetic_network",
    "viewer_data",
    "write_html",
]

#: The layouts :func:`render_html` accepts.
LAYOUTS = ("layered", "force")

#: The keys a ``filters`` preset may hold.
FILTER_KEYS = ("cancers", "sites", "sources", "kinds", "min_figure")
_FILTER_ALIASES = {
    "cancer": "cancers",
    "site": "sites",
    "source": "sources",
    "kind": "kinds",
    "evidence_kind": "kinds",
    "evidence_kinds": "kinds",
    "min": "min_figure",
    "minimum_figure": "min_figure",
}

#: Okabe–Ito colours (safe for the common kinds of colour blindness), one per node kind.
PALETTE = {
    "cancer": "#E69F00",  # orange
    "site": "#56B4E9",  # sky blue
    "lymph node group": "#009E73",  # bluish green
    "glossary term": "#CC79A7",  # reddish purple
    "highlight": "#0072B2",  # blue: the links of the hovered or selected node
    "selected": "#D55E00",  # vermillion: the selected link
}
_BORDER = {
    "cancer": "#8C6100",
    "site": "#1F6F99",
    "lymph node group": "#005C43",
    "glossary term": "#8E3F6C",
}
_GROUP = {
    "cancer": "cancer",
    "site": "site",
    "lymph node group": "lymph",
    "glossary term": "glossary",
}
_EDGE_COLOUR = "rgba(70,84,98,0.26)"
_GLOSSARY_EDGE_COLOUR = "rgba(142,63,108,0.55)"
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif"

_COMPACT_ABOVE = 1000  # nodes; larger views draw small shapes, not labelled boxes
_ROW = 28.0  # vertical distance between two nodes of one column, in layout units
_CHAR_W = 8.4  # approximate width of one character of a 16px label
_CITE_URL = "https://w3id.org/cancer-spread/"
_LICENSE = "data CC BY 4.0, code MIT"


# ------------------------------------------------------------------ input


def _network_of(graph: Any) -> tuple[nx.DiGraph, Graph | None]:
    """The spread network and the rdflib graph (``None`` when given a networkx graph)."""
    from rdflib import Graph

    if graph is None:
        from .load import load_graph

        graph = load_graph()
    if isinstance(graph, Graph):
        from .network import spread_network

        return spread_network(graph), graph
    if hasattr(graph, "nodes") and hasattr(graph, "edges") and hasattr(graph, "successors"):
        return graph, None
    raise InputError(
        f"cannot draw a {type(graph).__name__}",
        hint="pass an rdflib Graph (load_graph()) or the networkx graph of spread_network()",
    )


def _norm(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def _resolve_in_network(G: nx.DiGraph, value: str, param: str) -> str:
    """Find a node of a networkx spread network by IRI, CURIE, label, synonym or code."""
    key = _norm(value)
    tiers: list[list[str]] = [[], [], [], []]
    for node, d in G.nodes(data=True):
        if key in (_norm(node), _norm(d.get("curie", ""))):
            tiers[0].append(node)
        if key == _norm(d.get("label", "")):
            tiers[1].append(node)
        if key in {_norm(s) for s in d.get("synonyms", ())}:
            tiers[2].append(node)
        codes = {_norm(c.get("code", "")) for c in d.get("codes", ())}
        codes |= {c.split(":", 1)[-1] for c in codes}
        if key in codes or key == _norm(str(node).rstrip("/").rsplit("/", 1)[-1]):
            tiers[3].append(node)
    # A cancer is preferred over a site ("breast" is breast cancer), at whichever tier it matches.
    cancers = [[n for n in hits if G.nodes[n].get("kind") == "cancer"] for hits in tiers]
    for hits in cancers:
        if len(hits) == 1:
            return hits[0]
    for hits in tiers:
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise InputError(f"{param}: {value!r} is ambiguous", hint="use a full name or the IRI")
    raise InputError(f"{param}: unknown cancer or site {value!r}", hint="give a name, synonym, code or IRI")


def _glossary(rdf: Graph | None) -> list[dict[str, Any]]:
    """Every cs:GlossaryTerm with its label, definition, synonyms and what it is about."""
    if rdf is None:
        return []
    from rdflib.namespace import RDF, SKOS

    from .namespaces import CS

    terms = []
    for term in set(rdf.subjects(RDF.type, CS.GlossaryTerm)):
        label = rdf.value(term, SKOS.prefLabel)
        definition = rdf.value(term, SKOS.definition)
        about = sorted(
            {str(o) for o in rdf.objects(term, CS.aboutSite)} | {str(o) for o in rdf.objects(term, CS.aboutCancer)}
        )
        terms.append(
            {
                "id": str(term),
                "label": str(label) if label is not None else str(term).rsplit("/", 1)[-1],
                "definition": str(definition) if definition is not None else "",
                "synonyms": sorted({str(a) for a in rdf.objects(term, SKOS.altLabel)}, key=str.casefold),
                "about": about,
            }
        )
    terms.sort(key=lambda t: (t["label"].casefold(), t["id"]))
    return terms


def _focus(G: nx.DiGraph, rdf: Graph | None, focus: str) -> list[str]:
    """The node(s) ``focus`` names: a cancer or a site, or what a glossary term is about."""
    if rdf is not None:
        from .resolve import resolver_for

        iri = resolver_for(rdf).resolve_preferring(str(focus), "cancer", "entity", param="focus")
    else:
        iri = _resolve_in_network(G, str(focus), "focus")
    if iri in G:
        return [iri]
    about = [t["about"] for t in _glossary(rdf) if t["id"] == iri]
    centres = [a for a in (about[0] if about else []) if a in G]
    if not centres:
        raise InputError(
            f"focus: {focus!r} is neither a cancer nor a site of the spread network",
            hint="focus on a primary cancer or a body site, for example 'breast cancer' or 'liver'",
        )
    return centres


# ------------------------------------------------------------------ filters


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str | int | float):
        return [value]
    return list(value)


def _filter_presets(
    filters: Mapping[str, Any] | None,
    G: nx.DiGraph,
    rdf: Graph | None,
    nodes: Iterable[str],
    kinds: list[str],
    kind_ids: dict[str, str],
    sources: list[str],
) -> dict[str, Any]:
    preset: dict[str, Any] = {
        "cancers": [],
        "sites": [],
        "sources": [],
        "kinds": [],
        "min_figure": 0,
    }
    if not filters:
        return preset
    if not isinstance(filters, Mapping):
        raise InputError("filters must be a mapping such as {'kinds': ['registry study'], 'min_figure': 10}")
    in_view = set(nodes)
    for raw_key, value in filters.items():
        key = _FILTER_ALIASES.get(str(raw_key), str(raw_key))
        if key not in FILTER_KEYS:
            raise InputError(f"filters: unknown key {raw_key!r}", hint="use " + ", ".join(FILTER_KEYS))
        if key == "min_figure":
            try:
                figure = float(value or 0)
            except (TypeError, ValueError):
                raise InputError(f"filters: min_figure must be a number, not {value!r}") from None
            if not 0 <= figure <= 100:
                raise InputError(f"filters: min_figure must be between 0 and 100, not {value!r}")
            preset["min_figure"] = figure
        elif key in ("cancers", "sites"):
            want = "cancer" if key == "cancers" else "site"
            for name in _as_list(value):
                if rdf is not None:
                    from .resolve import resolver_for

                    iri = str(resolver_for(rdf).resolve(str(name), want, param=f"filters.{key}"))
                else:
                    iri = _resolve_in_network(G, str(name), f"filters.{key}")
                if iri not in in_view:
                    raise InputError(f"filters.{key}: {name!r} is not in this view", hint="drop it or the focus")
                preset[key].append(iri)
        elif key == "kinds":
            by_name = {_norm(k): k for k in kinds}
            for kid, label in kind_ids.items():
                by_name.setdefault(_norm(kid), label)
                by_name.setdefault(_norm(kid.split(":", 1)[-1]), label)
            for name in _as_list(value):
                if _norm(name) not in by_name:
                    raise InputError(
                        f"filters.kinds: unknown evidence kind {name!r}",
                        hint="use " + ", ".join(kinds),
                    )
                preset["kinds"].append(by_name[_norm(name)])
        else:  # sources
            by_name = {_norm(s): s for s in sources}
            for name in _as_list(value):
                if _norm(name) not in by_name:
                    raise InputError(
                        f"filters.sources: unknown evidence source {name!r}",
                        hint="use a source's short name, such as " + ", ".join(sources[:5]),
                    )
                preset["sources"].append(by_name[_norm(name)])
    return preset


# ------------------------------------------------------------------ layout


def _label_width(label: str) -> float:
    return len(label) * _CHAR_W + 20


def _site_order(G: nx.DiGraph, sites: list[str], weight: Mapping[str, int]) -> list[list[list[str]]]:
    """Sites grouped anatomically: sections (organs, then lymph nodes) of families (one
    ``skos:broader`` tree each, heaviest first) of sites (depth first, heaviest child first)."""
    in_view = set(sites)

    def parent(node: str) -> str | None:
        ps = [p for p in G.nodes[node].get("parents", ()) if p in G and G.nodes[p].get("kind") != "cancer"]
        return sorted(ps)[0] if ps else None

    root: dict[str, str] = {}
    for s in sites:
        seen, node = {s}, s
        while (p := parent(node)) is not None and p not in seen:
            seen.add(p)
            node = p
        root[s] = node
    children: dict[str, list[str]] = defaultdict(list)
    for node in G.nodes:
        p = parent(node) if G.nodes[node].get("kind") != "cancer" else None
        if p is not None:
            children[p].append(node)

    subtree: dict[str, int] = {}

    def sub_weight(node: str, stack: frozenset[str] = frozenset()) -> int:
        if node not in subtree:
            subtree[node] = weight.get(node, 0) + sum(
                sub_weight(c, stack | {node}) for c in children.get(node, ()) if c not in stack and c != node
            )
        return subtree[node]

    def label(node: str) -> str:
        return str(G.nodes[node].get("label", node)).casefold()

    families: dict[str, list[str]] = defaultdict(list)
    for s in sites:
        families[root[s]].append(s)
    ordered: dict[str, list[str]] = {}
    for r, members in families.items():
        out: list[str] = []
        seen: set[str] = set()

        def walk(node: str, seen: set[str] = seen, out: list[str] = out) -> None:
            if node in seen:
                return
            seen.add(node)
            if node in in_view:
                out.append(node)
            for c in sorted(children.get(node, ()), key=lambda c: (-sub_weight(c), label(c), c)):
                walk(c)

        walk(r)
        out += sorted((m for m in members if m not in seen), key=lambda m: (-weight.get(m, 0), label(m), m))
        ordered[r] = out

    def is_lymph(r: str) -> bool:
        nodes = [r, *children.get(r, ())]
        return any(G.nodes[n].get("kind") == "lymph node group" for n in nodes)

    sections: list[list[list[str]]] = [[], []]
    for r in sorted(ordered, key=lambda r: (-sum(weight.get(m, 0) for m in ordered[r]), label(r), r)):
        sections[1 if is_lymph(r) else 0].append(ordered[r])
    return [s for s in sections if s]


def _layered(
    G: nx.DiGraph, nodes: list[str], edges: list[tuple[str, str]], terms: list[dict[str, Any]]
) -> tuple[dict[str, tuple[float, float]], list[dict[str, Any]]]:
    """Fixed positions: cancers in a column on the left (by label), sites on the right (by
    anatomy, then by how many cancers reach them), glossary terms beside what they describe."""
    weight: dict[str, int] = defaultdict(int)
    for _, v in edges:
        weight[v] += 1
    cancers = sorted(
        (n for n in nodes if G.nodes[n].get("kind") == "cancer"),
        key=lambda n: (str(G.nodes[n].get("label", n)).casefold(), n),
    )
    sites = [n for n in nodes if G.nodes[n].get("kind") != "cancer"]
    sections = _site_order(G, sites, weight)
    cap = max(40, math.ceil(1.4 * len(cancers)), math.ceil(2 * math.sqrt(len(nodes))))

    pos: dict[str, tuple[float, float]] = {}
    headers: list[dict[str, Any]] = []
    # Cancers: one column (or several, side by side to the left, for very large graphs).
    kc = max(1, math.ceil(len(cancers) / cap))
    wc = max([_label_width(str(G.nodes[n].get("label", ""))) for n in cancers] or [100]) + 30
    step_c = _ROW / kc
    for i, n in enumerate(cancers):
        pos[n] = (-(i % kc) * wc, i * step_c)
    h_c = max(0.0, (len(cancers) - 1) * step_c)
    # Sites: one column, or staggered columns when there are many.
    n_sites = len(sites)
    ks = max(1, math.ceil(n_sites / cap))
    ws = max([_label_width(str(G.nodes[n].get("label", ""))) for n in sites] or [100]) + 20
    step_s = _ROW / ks
    gap_family, gap_section = 0.45 * _ROW, 1.5 * _ROW
    y = 0.0
    i = 0
    site_rows: list[tuple[str, float, int]] = []
    section_tops: list[tuple[float, str]] = []
    for si, section in enumerate(sections):
        if si:
            y += gap_section
        kind = (
            "Lymph nodes"
            if any(G.nodes[m].get("kind") == "lymph node group" for f in section for m in f)
            else "Organs and tissues"
        )
        section_tops.append((y, kind))
        for fi, family in enumerate(section):
            if fi:
                y += gap_family
            for n in family:
                site_rows.append((n, y, i % ks))
                y += step_s
                i += 1
    h_s = max(0.0, y - step_s)
    height = max(h_c, h_s)
    # Glossary terms go beside what they describe: terms about cancers on the far left, the
    # others on the far right. Leave room for them in the width the layout aims at.
    in_view = set(nodes)
    right: list[dict[str, Any]] = []
    left: list[dict[str, Any]] = []
    for t in terms:
        about = [a for a in t["about"] if a in in_view]
        if about:
            is_cancer = all(G.nodes[a].get("kind") == "cancer" for a in about)
            (left if is_cancer else right).append(dict(t, about=about))
    extra_r = max([60 + _label_width(t["label"]) for t in right] or [0])
    extra_l = max([60 + _label_width(t["label"]) for t in left] or [0])
    # Aim at the aspect ratio of a laptop screen's canvas (about 1.3), so labels stay large.
    target_width = 1.3 * (height + 2.5 * _ROW)
    fixed = 0.5 * wc + 0.5 * ws + (ks - 1) * ws + (kc - 1) * wc + extra_r + extra_l
    x_sites = max(520.0, target_width - fixed, 0.5 * (wc + ws) + 260)
    off_c = (height - h_c) / 2
    for n in cancers:
        pos[n] = (pos[n][0], pos[n][1] + off_c - height / 2)
    off_s = (height - h_s) / 2 - height / 2
    for n, yy, col in site_rows:
        pos[n] = (x_sites + col * ws, yy + off_s)
    top = -height / 2 - (1.15 if len(section_tops) < 2 else 1.75) * _ROW
    if cancers:
        headers.append({"x": -(kc - 1) * wc / 2, "y": top, "text": "Primary cancer", "main": True})
    if sites:
        headers.append({"x": x_sites + (ks - 1) * ws / 2, "y": top, "text": "Where it spreads", "main": True})
        if len(section_tops) > 1:
            for sy, text in section_tops:
                headers.append({"x": x_sites + (ks - 1) * ws / 2, "y": sy + off_s - 0.85 * _ROW, "text": text})
    edge_r = x_sites + (ks - 1) * ws + ws / 2 + 60
    edge_l = -(kc - 1) * wc - wc / 2 - 60
    for column, side in ((right, 1), (left, -1)):
        placed = sorted((sum(pos[a][1] for a in t["about"]) / len(t["about"]), t["id"], t) for t in column)
        last = -math.inf
        for ty, tid, t in placed:
            ty = max(ty, last + _ROW)
            half = _label_width(t["label"]) / 2
            pos[tid] = (edge_r + half if side > 0 else edge_l - half, ty)
            last = ty
    return {k: (round(v[0], 1), round(v[1], 1)) for k, v in pos.items()}, headers


# ------------------------------------------------------------------ data


def _groups(group: Any, compact: bool) -> dict[str, Any]:
    """vis-network groups: one shape and colour per kind of node."""
    if compact:
        return {
            "cancer": group("cancer", shape="square", size=8),
            "site": group("site", shape="dot", size=7),
            "lymph": group("lymph node group", shape="diamond", size=7),
            "glossary": group("glossary term", shape="triangle", size=7),
        }
    return {
        "cancer": group("cancer", shape="box", shapeProperties={"borderRadius": 1}),
        "site": group("site", shape="box", shapeProperties={"borderRadius": 13}),
        "lymph": group(
            "lymph node group",
            shape="box",
            shapeProperties={"borderRadius": 13, "borderDashes": [4, 3]},
            borderWidth=1.5,
        ),
        "glossary": group(
            "glossary term",
            shape="box",
            shapeProperties={"borderDashes": [2, 3], "borderRadius": 10},
        ),
    }


def _num(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool) or value is None or isinstance(value, int | float | str):
        return value
    return str(value)


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def _safe_link(link: Any) -> str | None:
    text = str(link or "").strip()
    return text if text.lower().startswith(("https://", "http://")) else None


def _source_key(item: Mapping[str, Any]) -> str:
    return str(item.get("source_short") or item.get("source_title") or item.get("source") or "unknown source")


def _edge_width(n_sources: int, best: float | None) -> float:
    return round(0.8 + 0.4 * min(int(n_sources or 0), 8) + (float(best) / 30 if best else 0.0), 2)


def viewer_data(
    graph: Any = None,
    *,
    focus: str | None = None,
    layout: str = "layered",
    physics: bool = False,
    title: str | None = None,
    filters: Mapping[str, Any] | None = None,
    glossary: bool = False,
    select: str | None = "auto",
) -> dict[str, Any]:
    """Everything the page shows, as plain JSON-ready data (vis-network nodes and edges, the
    details for the side panel, filter lists and presets, options). :func:`render_html` embeds
    it; it is public for tests and for other front ends.

    >>> data = viewer_data(focus="breast cancer")
    >>> data["title"], data["nodes"][0]["group"]
    ('Where breast cancer spreads', 'cancer')
    """
    from .version import __version__

    if layout not in LAYOUTS:
        raise InputError(f"unknown layout {layout!r}", hint="use " + " or ".join(LAYOUTS))
    G, rdf = _network_of(graph)
    terms = _glossary(rdf) if glossary else []

    # What is in view.
    centres: list[str] = []
    if focus is not None and str(focus).strip():
        centres = _focus(G, rdf, str(focus))
        keep = set(centres)
        for c in centres:
            keep.update(G.successors(c))
            keep.update(G.predecessors(c))
        edge_list = sorted((u, v) for u, v in G.edges if u in centres or v in centres)
    else:
        keep = {n for n in G.nodes if G.nodes[n].get("kind") == "cancer" or G.degree(n) > 0}
        edge_list = sorted(G.edges)
    node_list = sorted(keep)
    term_list = [dict(t, about=[a for a in t["about"] if a in keep]) for t in terms]
    linked_terms = [t for t in term_list if t["about"]]

    # The node selected when the page opens: its links are highlighted and its panel shown, so
    # that even a screenshot of the whole graph answers one question. "auto" picks the focus, or
    # breast cancer (the worked example of the README) in the whole-graph view.
    selected: str | None = None
    if select == "auto":
        if len(centres) == 1:
            selected = centres[0]
        elif not centres:
            selected = next(
                (n for n in node_list if str(G.nodes[n].get("label", "")).casefold() == "breast cancer"),
                None,
            )
    elif select is not None and str(select).strip() and str(select).casefold() != "none":
        selected = _resolve_in_network(G, str(select), "select")
        if selected not in keep:
            raise InputError(f"select: {select!r} is not in this view", hint="drop --select or the focus")

    # Title.
    if title is None:
        if centres and len(centres) == 1:
            d = G.nodes[centres[0]]
            label = str(d.get("label", centres[0]))
            title = f"Where {label} spreads" if d.get("kind") == "cancer" else f"Cancers that spread to the {label}"
        elif centres:
            title = "Where cancers spread: " + ", ".join(str(G.nodes[c].get("label", c)) for c in centres)
        else:
            title = "Where cancers spread"
    title = str(title)

    # Positions.
    positions: dict[str, tuple[float, float]] = {}
    headers: list[dict[str, Any]] = []
    if layout == "layered":
        positions, headers = _layered(G, node_list, edge_list, linked_terms)

    in_deg: dict[str, int] = defaultdict(int)
    out_deg: dict[str, int] = defaultdict(int)
    for u, v in edge_list:
        out_deg[u] += 1
        in_deg[v] += 1

    vis_nodes: list[dict[str, Any]] = []
    node_info: dict[str, dict[str, Any]] = {}
    kind_order = {"cancer": 0, "site": 1, "lymph node group": 2}
    ordered_nodes = sorted(
        node_list,
        key=lambda n: (
            kind_order.get(G.nodes[n].get("kind", "site"), 3),
            str(G.nodes[n].get("label", n)).casefold(),
            n,
        ),
    )
    for n in ordered_nodes:
        d = G.nodes[n]
        kind = d.get("kind") if d.get("kind") in _GROUP else "site"
        label = str(d.get("label", n))
        if kind == "cancer":
            k = out_deg[n]
            tip = f"{label}\nprimary cancer · spreads to {k} site{'s' * (k != 1)} shown"
            tip += "\nclick for details"
        else:
            k = in_deg[n]
            tip = f"{label}\n{kind} · {k} cancer{'s' * (k != 1)} shown spread here\nclick for details"
        node: dict[str, Any] = {"id": n, "label": label, "group": _GROUP[kind], "title": tip}
        if n in positions:
            node["x"], node["y"] = positions[n]
        vis_nodes.append(node)
        node_info[n] = {
            "kind": kind,
            "label": label,
            "curie": str(d.get("curie", "")),
            "iri": n,
            "synonyms": [str(s) for s in d.get("synonyms", ())],
            "definition": str(d.get("definition", "") or ""),
            "codes": [{"code": str(c.get("code", "")), "status": str(c.get("status", ""))} for c in d.get("codes", ())],
            "parents": [
                {"id": p, "label": str(G.nodes[p].get("label", p)) if p in G else p} for p in d.get("parents", ())
            ],
        }

    vis_edges: list[dict[str, Any]] = []
    edge_info: dict[str, dict[str, Any]] = {}
    kinds: set[str] = set()
    kind_ids: dict[str, str] = {}
    sources: set[str] = set()
    source_table: list[dict[str, Any]] = []
    source_index: dict[tuple[Any, ...], int] = {}
    for i, (u, v) in enumerate(edge_list):
        d = G.edges[u, v]
        best = _num(d.get("best_figure"))
        quant = bool(d.get("quantitative"))
        items = []
        for ev in d.get("evidence", ()) or ():
            item = {
                key: _num(ev.get(key))
                for key in (
                    "kind",
                    "kind_id",
                    "value",
                    "unit",
                    "measure",
                    "denominator",
                    "count",
                    "population",
                    "timing",
                    "note",
                )
            }
            item = {k: v for k, v in item.items() if v is not None}  # smaller pages
            # Sources go in one table, referred to by number: many items share one source.
            source = {
                "key": _source_key(ev),
                "short": _num(ev.get("source_short")),
                "title": _num(ev.get("source_title")),
                "publisher": _num(ev.get("source_publisher")),
                "link": _safe_link(ev.get("link")),
            }
            signature = tuple(source.values())
            if signature not in source_index:
                source_index[signature] = len(source_table)
                source_table.append(source)
            item["src"] = source_index[signature]
            items.append(item)
            if item.get("kind"):
                kinds.add(str(item["kind"]))
                if item.get("kind_id"):
                    kind_ids[str(item["kind_id"])] = str(item["kind"])
            sources.add(source["key"])
        edge_kinds = [str(k) for k in d.get("kinds", ())] or sorted({str(it["kind"]) for it in items if it.get("kind")})
        kinds.update(edge_kinds)
        n_sources = int(d.get("n_sources") or len({source_table[it["src"]]["key"] for it in items}))
        cl, sl = node_info[u]["label"], node_info[v]["label"]
        lines = [f"{cl} → {sl}"]
        if best is not None:
            lines.append(f"up to {_fmt(best)}% of patients with distant spread have it here")
        elif quant:
            lines.append("figures reported (see the evidence)")
        else:
            lines.append("named in lists; no figure")
        lines.append(f"{n_sources} source{'s' * (n_sources != 1)} · " + (", ".join(edge_kinds) or "no evidence kind"))
        lines.append("click for the evidence")
        eid = f"e{i}"
        edge: dict[str, Any] = {
            "id": eid,
            "from": u,
            "to": v,
            "width": _edge_width(n_sources, best),
            "title": "\n".join(lines),
        }
        if not quant:
            edge["dashes"] = [7, 5]
        vis_edges.append(edge)
        edge_info[eid] = {
            "type": "spread",
            "from": u,
            "to": v,
            "pattern": str(d.get("pattern", "")),
            "n_sources": n_sources,
            "n_evidence": int(d.get("n_evidence") or len(items)),
            "best_figure": best,
            "kinds": edge_kinds,
            "quantitative": quant,
            "evidence": items,
        }

    # Glossary terms linked to what they describe.
    for t in linked_terms:
        tid = t["id"]
        node = {
            "id": tid,
            "label": t["label"],
            "group": "glossary",
            "title": f"{t['label']}\nglossary term\nclick for the definition",
        }
        if tid in positions:
            node["x"], node["y"] = positions[tid]
        vis_nodes.append(node)
        node_info[tid] = {
            "kind": "glossary term",
            "label": t["label"],
            "curie": tid.replace("https://w3id.org/cancer-spread/term/", "term:"),
            "iri": tid,
            "synonyms": t["synonyms"],
            "definition": t["definition"],
            "codes": [],
            "parents": [],
            "about": [{"id": a, "label": node_info[a]["label"]} for a in t["about"]],
        }
        for j, a in enumerate(t["about"]):
            gid = f"g{len(edge_info)}_{j}"
            vis_edges.append(
                {
                    "id": gid,
                    "from": tid,
                    "to": a,
                    "width": 1,
                    "dashes": [2, 4],
                    "color": {"color": _GLOSSARY_EDGE_COLOUR},
                    "arrows": {"to": {"enabled": False}},
                    "title": f"glossary: “{t['label']}” is about the {node_info[a]['label']}",
                }
            )
            edge_info[gid] = {"type": "about", "from": tid, "to": a}

    kinds_sorted = sorted(kinds, key=str.casefold)
    sources_sorted = sorted(sources, key=str.casefold)
    preset = _filter_presets(filters, G, rdf, node_list, kinds_sorted, kind_ids, sources_sorted)

    n_total = len(vis_nodes)
    force = layout == "force"
    if force:
        iterations = 400 if n_total <= 300 else 200 if n_total <= 1500 else 100
        physics_options: dict[str, Any] = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -80,
                "centralGravity": 0.01,
                "springLength": 140,
                "springConstant": 0.05,
                "avoidOverlap": 0.5,
            },
            "stabilization": {
                "enabled": True,
                "iterations": iterations,
                "updateInterval": 50,
                "fit": True,
            },
        }
    elif physics:
        physics_options = {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {"springLength": 160, "avoidOverlap": 0.3},
            "stabilization": {"enabled": False},
        }
    else:
        physics_options = {"enabled": False}

    # Past a thousand nodes, labelled boxes cost more to draw than they help: draw small
    # shapes instead (labels appear below them when zoomed in).
    compact = n_total > _COMPACT_ABOVE

    def group(kind: str, **extra: Any) -> dict[str, Any]:
        colour, border = PALETTE[kind], _BORDER[kind]
        return {
            "color": {
                "background": colour,
                "border": border,
                "highlight": {"background": colour, "border": "#000000"},
                "hover": {"background": colour, "border": "#000000"},
            },
            "font": {"color": "#111111"},
            **extra,
        }

    options = {
        "autoResize": True,
        "layout": {"improvedLayout": force and n_total <= 150, "randomSeed": 7},
        "physics": physics_options,
        "interaction": {
            "hover": True,
            "hoverConnectedEdges": False,
            "selectConnectedEdges": False,
            "tooltipDelay": 150,
            "multiselect": False,
            "keyboard": {"enabled": True, "bindToWindow": False},
        },
        "nodes": {
            "font": {"size": 16, "face": _FONT, "color": "#111111"},
            "margin": {"top": 3, "bottom": 3, "left": 7, "right": 7},
            "borderWidth": 1,
            "borderWidthSelected": 3,
            "shapeProperties": {"borderRadius": 4},
        },
        "edges": {
            "smooth": False,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
            "color": {
                "color": _EDGE_COLOUR,
                "highlight": PALETTE["selected"],
                "hover": PALETTE["highlight"],
                "inherit": False,
            },
            "font": {
                "size": 12,
                "face": _FONT,
                "color": "#0B3D62",
                "strokeWidth": 4,
                "strokeColor": "#ffffff",
                "align": "horizontal",
            },
            "selectionWidth": 2,
            "hoverWidth": 1,
        },
        "groups": _groups(group, compact),
    }

    cancers_list = [{"id": n["id"], "label": n["label"]} for n in vis_nodes if n["group"] == "cancer"]
    sites_list = sorted(
        ({"id": n["id"], "label": n["label"]} for n in vis_nodes if n["group"] in ("site", "lymph")),
        key=lambda x: (x["label"].casefold(), x["id"]),
    )
    return {
        "title": title,
        "version": __version__,
        "layout": layout,
        "focus": centres,
        "select": selected,
        "nodes": vis_nodes,
        "edges": vis_edges,
        "info": {"nodes": node_info, "edges": edge_info},
        "sources": source_table,
        "glossary": term_list if glossary else [],
        "lists": {
            "cancers": cancers_list,
            "sites": sites_list,
            "kinds": kinds_sorted,
            "sources": sources_sorted,
        },
        "presets": preset,
        "config": {
            "options": options,
            "headers": headers,
            "force": force,
            "keepPhysics": bool(physics),
            "colours": {
                "edge": _EDGE_COLOUR,
                "highlight": PALETTE["highlight"],
                "glossaryEdge": _GLOSSARY_EDGE_COLOUR,
                "dim": "rgba(70,84,98,0.07)",
            },
        },
    }


# ------------------------------------------------------------------ page


def _script_json(data: Any) -> str:
    """JSON safe to place inside <script>: no '<', '>' or '&' survive, so no '</script>'."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


_ASSETS = Path(__file__).resolve().parent / "viewer"
#: The vis-network release inlined into every page (vendored in ``viewer/vendor/``).
VIS_NETWORK_VERSION = "9.1.2"


@functools.cache
def _asset(name: str) -> str:
    """A file of the page's front end (``viewer/``: the template, styles, legend and script),
    inlined into the page when it is written."""
    return (_ASSETS / name).read_text(encoding="utf-8")


def _vis_assets() -> tuple[str, str]:
    """vis-network's JavaScript and CSS: the copy vendored under ``viewer/vendor/`` (version
    :data:`VIS_NETWORK_VERSION`; see its README for where it comes from and its licence)."""
    js, css = _asset("vendor/vis-network.min.js"), _asset("vendor/vis-network.css")
    for text in (js, css):
        if "</script" in text.lower() or "</style" in text.lower():  # pragma: no cover - defensive
            raise InputError("vis-network asset cannot be inlined safely")
    return js, css


def render_html(
    graph: Any = None,
    *,
    focus: str | None = None,
    layout: str = "layered",
    physics: bool = False,
    title: str | None = None,
    filters: Mapping[str, Any] | None = None,
    glossary: bool = False,
    select: str | None = "auto",
) -> str:
    """The viewer as one self-contained HTML page.

    ``graph`` is the merged rdflib graph (default :func:`~cancer_spread.load.load_graph`) or a
    networkx graph shaped like :func:`~cancer_spread.network.spread_network`'s. ``focus`` (a
    name, synonym, code or IRI) draws only that cancer's or site's links. ``layout`` is
    ``"layered"`` (fixed columns, computed here) or ``"force"`` (vis-network physics, frozen
    once stable); ``physics=True`` keeps the simulation running. ``filters`` presets the
    filter controls: ``{"cancers": [...], "sites": [...], "sources": [...], "kinds": [...],
    "min_figure": 10}``. ``glossary=True`` adds the glossary, with its site- and
    cancer-specific terms drawn beside what they describe. ``select`` names the node selected
    when the page opens (its links highlighted, its details in the panel); ``"auto"`` selects
    the focus, or breast cancer as a worked example in the whole-graph view; ``None`` selects
    nothing.
    """
    data = viewer_data(
        graph,
        focus=focus,
        layout=layout,
        physics=physics,
        title=title,
        filters=filters,
        glossary=glossary,
        select=select,
    )
    js, css = _vis_assets()
    version = _html.escape(data["version"])
    glossary_block = ""
    glossary_item = ""
    if glossary:
        glossary_block = (
            '<details id="cs-glossary"><summary>Glossary</summary>'
            '<dl id="cs-glossary-list" class="cs-muted"></dl></details>'
        )
        glossary_item = '<li><span class="cs-sw glossary"></span>glossary term (dashed box)</li>'
    values = {
        "PAGE_TITLE": _html.escape(f"{data['title']} · cancer-spread {data['version']}"),
        "TITLE": _html.escape(data["title"]),
        "VERSION": version,
        "LICENSE": _html.escape(_LICENSE),
        "CITE_URL": _html.escape(_CITE_URL),
        "LEGEND": _asset("legend.html").replace("{glossary_item}", glossary_item),
        "GLOSSARY": glossary_block,
        "CSS": _asset("viewer.css"),
        "VIS_CSS": css,
        "DATA": _script_json(data),
        "VIS_JS": js,
        "LIB_JS": _asset("lib.js"),
        "APP_JS": _asset("viewer.js"),
    }
    # One pass over the template: text put in is never scanned for placeholders again.
    return re.sub(r"@@([A-Z_]+)@@", lambda m: values[m.group(1)], _asset("page.html"))


def write_html(path: str | os.PathLike[str], graph: Any = None, **options: Any) -> Path:
    """Write the viewer to ``path`` (atomically: a temporary file, then a rename) and return
    the path. Takes the options of :func:`render_html`; writes nothing else."""
    from .files import write_atomic

    text = render_html(graph, **options)
    target = Path(path)
    write_atomic(target, text)
    return target


class ViewerHTML:
    """The page, shown inline by Jupyter, VS Code and Colab in a sandboxed ``<iframe srcdoc>``
    (its styles and scripts stay inside the frame)."""

    def __init__(self, page: str, height: int = 720) -> None:
        self.html = page
        self.height = int(height)

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{_html.escape(self.html, quote=True)}" '
            f'style="width:100%;height:{self.height}px;border:1px solid #ddd" '
            'sandbox="allow-scripts allow-downloads allow-popups allow-popups-to-escape-sandbox" '
            'title="cancer-spread viewer"></iframe>'
        )

    def save(self, path: str | os.PathLike[str]) -> Path:
        from .files import write_atomic

        write_atomic(Path(path), self.html)
        return Path(path)

    def __repr__(self) -> str:
        return f"<ViewerHTML {len(self.html):,} characters>"


def display(graph: Any = None, *, height: int = 720, **options: Any) -> ViewerHTML:
    """The viewer for a notebook: ``display(focus="breast cancer")`` as the last line of a cell.

    >>> display(focus="liver")._repr_html_().startswith("<iframe srcdoc=")
    True
    """
    return ViewerHTML(render_html(graph, **options), height=height)


# ------------------------------------------------------------------ synthetic graphs


def synthetic_network(n_nodes: int, *, seed: int = 0, cancer_share: float = 0.1) -> nx.DiGraph:
    """A random spread network with ``n_nodes`` nodes, shaped like
    :func:`~cancer_spread.network.spread_network`'s, for benchmarks and tests.
    Every site has at least one link, so the default view draws every node.

    >>> G = synthetic_network(50)
    >>> G.number_of_nodes(), all(G.degree(n) for n in G)
    (50, True)
    """
    import networkx as nx

    rng = random.Random(seed)
    n_c = max(1, round(n_nodes * cancer_share))
    n_s = max(1, n_nodes - n_c)
    kinds = [
        ("registry study", "kind:registry"),
        ("patient-information listing", "kind:listing"),
        ("autopsy series", "kind:autopsy-series"),
    ]
    G = nx.DiGraph()
    base = "https://example.org/synthetic/"
    cancers = [f"{base}cancer/{i}" for i in range(n_c)]
    sites = [f"{base}site/{i}" for i in range(n_s)]
    for i, c in enumerate(cancers):
        G.add_node(
            c,
            kind="cancer",
            label=f"cancer {i:04d}",
            curie=f"cancer:{i}",
            synonyms=[f"tumour {i}"],
            definition="A synthetic cancer.",
            codes=[{"code": f"X:{i}", "status": "verified"}],
            parents=[],
        )
    for i, s in enumerate(sites):
        root = i % 8 == 0
        parent = [] if root else [sites[i - i % 8]]
        kind = "lymph node group" if (i // 8) % 4 == 3 else "site"
        G.add_node(
            s,
            kind=kind,
            label=f"site {i:04d}",
            curie=f"site:{i}",
            synonyms=[],
            definition="A synthetic site.",
            codes=[],
            parents=parent,
        )
    pairs: set[tuple[str, str]] = set()
    for s in sites:
        pairs.add((rng.choice(cancers), s))
    for _ in range(n_s // 3):
        pairs.add((rng.choice(cancers), rng.choice(sites)))
    for j, (c, s) in enumerate(sorted(pairs)):
        evidence = []
        for k in range(rng.randint(1, 3)):
            kind, kind_id = rng.choice(kinds)
            value = round(rng.uniform(1, 90), 1) if kind_id != "kind:listing" else None
            evidence.append(
                {
                    "kind": kind,
                    "kind_id": kind_id,
                    "value": value,
                    "unit": "percent" if value else None,
                    "measure": "share of patients with distant spread who have the site involved" if value else None,
                    "denominator": None,
                    "count": None,
                    "population": "synthetic" if value else None,
                    "timing": None,
                    "note": None,
                    "source_short": f"Source {(j + k) % 40}",
                    "source_title": f"Synthetic source {(j + k) % 40}",
                    "source_publisher": None,
                    "link": None,
                }
            )
        figures = [e["value"] for e in evidence if e["value"] is not None]
        G.add_edge(
            c,
            s,
            pattern=f"{base}spread/{j}",
            n_sources=len({e["source_short"] for e in evidence}),
            n_evidence=len(evidence),
            best_figure=max(figures) if figures else None,
            kinds=sorted({e["kind"] for e in evidence}),
            quantitative=bool(figures),
            evidence=evidence,
        )
    return G
