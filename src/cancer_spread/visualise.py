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
import os
import random
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .viewer.layout import layered
from .viewer.style import GLOSSARY_EDGE_COLOUR, GROUP, PALETTE, colours, vis_options

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


# ------------------------------------------------------------------ data


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
    view = _view(G, rdf, focus, _glossary(rdf) if glossary else [])
    selected = _selected(G, view, select)
    positions: dict[str, tuple[float, float]] = {}
    headers: list[dict[str, Any]] = []
    if layout == "layered":
        positions, headers = layered(G, view.nodes, view.edges, view.linked_terms)
    vis_nodes, node_info = _node_entries(G, view, positions)
    parts = _edge_entries(G, view.edges, node_info)
    _add_glossary_entries(view.linked_terms, positions, vis_nodes, node_info, parts)
    kinds_sorted = sorted(parts.kinds, key=str.casefold)
    sources_sorted = sorted(parts.sources, key=str.casefold)
    preset = _filter_presets(filters, G, rdf, view.nodes, kinds_sorted, parts.kind_ids, sources_sorted)
    cancers_list = [{"id": n["id"], "label": n["label"]} for n in vis_nodes if n["group"] == "cancer"]
    sites_list = sorted(
        ({"id": n["id"], "label": n["label"]} for n in vis_nodes if n["group"] in ("site", "lymph")),
        key=lambda x: (x["label"].casefold(), x["id"]),
    )
    return {
        "title": _title(G, view.centres, title),
        "version": __version__,
        "layout": layout,
        "focus": view.centres,
        "select": selected,
        "nodes": vis_nodes,
        "edges": parts.vis_edges,
        "info": {"nodes": node_info, "edges": parts.edge_info},
        "sources": parts.source_table,
        "glossary": view.terms if glossary else [],
        "lists": {
            "cancers": cancers_list,
            "sites": sites_list,
            "kinds": kinds_sorted,
            "sources": sources_sorted,
        },
        "presets": preset,
        "config": {
            "options": vis_options(layout, physics, len(vis_nodes)),
            "headers": headers,
            "force": layout == "force",
            "keepPhysics": bool(physics),
            "colours": colours(),
        },
    }


@dataclass
class _View:
    """What is in view: the focus, its nodes and links, and the glossary terms about them."""

    centres: list[str]
    nodes: list[str]
    edges: list[tuple[str, str]]
    terms: list[dict[str, Any]]
    linked_terms: list[dict[str, Any]]


def _view(G: nx.DiGraph, rdf: Graph | None, focus: str | None, terms: list[dict[str, Any]]) -> _View:
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
    term_list = [dict(t, about=[a for a in t["about"] if a in keep]) for t in terms]
    return _View(centres, sorted(keep), edge_list, term_list, [t for t in term_list if t["about"]])


def _selected(G: nx.DiGraph, view: _View, select: str | None) -> str | None:
    """The node selected when the page opens: its links are highlighted and its panel shown, so
    that even a screenshot of the whole graph answers one question. "auto" picks the focus, or
    breast cancer (the worked example of the README) in the whole-graph view."""
    if select == "auto":
        if len(view.centres) == 1:
            return view.centres[0]
        if not view.centres:
            return next(
                (n for n in view.nodes if str(G.nodes[n].get("label", "")).casefold() == "breast cancer"),
                None,
            )
        return None
    if select is not None and str(select).strip() and str(select).casefold() != "none":
        selected = _resolve_in_network(G, str(select), "select")
        if selected not in view.nodes:
            raise InputError(f"select: {select!r} is not in this view", hint="drop --select or the focus")
        return selected
    return None


def _title(G: nx.DiGraph, centres: list[str], title: str | None) -> str:
    if title is not None:
        return str(title)
    if len(centres) == 1:
        d = G.nodes[centres[0]]
        label = str(d.get("label", centres[0]))
        return f"Where {label} spreads" if d.get("kind") == "cancer" else f"Cancers that spread to the {label}"
    if centres:
        return "Where cancers spread: " + ", ".join(str(G.nodes[c].get("label", c)) for c in centres)
    return "Where cancers spread"


def _node_entries(
    G: nx.DiGraph, view: _View, positions: Mapping[str, tuple[float, float]]
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The vis-network nodes (cancers, then sites, then lymph nodes, each by label) and the
    details the side panel shows for each."""
    in_deg: dict[str, int] = defaultdict(int)
    out_deg: dict[str, int] = defaultdict(int)
    for u, v in view.edges:
        out_deg[u] += 1
        in_deg[v] += 1
    kind_order = {"cancer": 0, "site": 1, "lymph node group": 2}
    ordered_nodes = sorted(
        view.nodes,
        key=lambda n: (
            kind_order.get(G.nodes[n].get("kind", "site"), 3),
            str(G.nodes[n].get("label", n)).casefold(),
            n,
        ),
    )
    vis_nodes: list[dict[str, Any]] = []
    node_info: dict[str, dict[str, Any]] = {}
    for n in ordered_nodes:
        d = G.nodes[n]
        kind = d.get("kind") if d.get("kind") in GROUP else "site"
        label = str(d.get("label", n))
        if kind == "cancer":
            k = out_deg[n]
            tip = f"{label}\nprimary cancer · spreads to {k} site{'s' * (k != 1)} shown"
            tip += "\nclick for details"
        else:
            k = in_deg[n]
            tip = f"{label}\n{kind} · {k} cancer{'s' * (k != 1)} shown spread here\nclick for details"
        node: dict[str, Any] = {"id": n, "label": label, "group": GROUP[kind], "title": tip}
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
    return vis_nodes, node_info


@dataclass
class _EdgeParts:
    """The links, their evidence and the filter lists gathered on the way."""

    vis_edges: list[dict[str, Any]] = field(default_factory=list)
    edge_info: dict[str, dict[str, Any]] = field(default_factory=dict)
    kinds: set[str] = field(default_factory=set)
    kind_ids: dict[str, str] = field(default_factory=dict)
    sources: set[str] = field(default_factory=set)
    source_table: list[dict[str, Any]] = field(default_factory=list)
    source_index: dict[tuple[Any, ...], int] = field(default_factory=dict)


_EVIDENCE_KEYS = ("kind", "kind_id", "value", "unit", "measure", "denominator", "count", "population", "timing", "note")


def _evidence_item(ev: Mapping[str, Any], parts: _EdgeParts) -> dict[str, Any]:
    """One evidence item for the page; its source goes in one table, referred to by number
    (many items share one source)."""
    item = {key: _num(ev.get(key)) for key in _EVIDENCE_KEYS}
    item = {k: v for k, v in item.items() if v is not None}  # smaller pages
    source = {
        "key": _source_key(ev),
        "short": _num(ev.get("source_short")),
        "title": _num(ev.get("source_title")),
        "publisher": _num(ev.get("source_publisher")),
        "link": _safe_link(ev.get("link")),
    }
    signature = tuple(source.values())
    if signature not in parts.source_index:
        parts.source_index[signature] = len(parts.source_table)
        parts.source_table.append(source)
    item["src"] = parts.source_index[signature]
    if item.get("kind"):
        parts.kinds.add(str(item["kind"]))
        if item.get("kind_id"):
            parts.kind_ids[str(item["kind_id"])] = str(item["kind"])
    parts.sources.add(source["key"])
    return item


def _edge_tooltip(cl: str, sl: str, d: Mapping[str, Any], quant: bool, n_sources: int, edge_kinds: list[str]) -> str:
    lines = [f"{cl} → {sl}"]
    if d.get("frequency"):  # the words of the sites answer: level, classification, figure used
        lines.append(f"{d['frequency']} · {d.get('classification') or 'unclassified'}")
    if d.get("figure"):
        lines.append(str(d["figure"]))
    elif quant:
        lines.append("figures reported (see the evidence)")
    else:
        lines.append("named in lists; no figure")
    lines.append(f"{n_sources} source{'s' * (n_sources != 1)} · " + (", ".join(edge_kinds) or "no evidence kind"))
    lines.append("click for the evidence")
    return "\n".join(lines)


def _edge_entries(G: nx.DiGraph, edge_list: list[tuple[str, str]], node_info: Mapping[str, Any]) -> _EdgeParts:
    """The spread links: vis-network edges (width by sources and figure, dashed when no figure)
    and their evidence for the side panel."""
    parts = _EdgeParts()
    for i, (u, v) in enumerate(edge_list):
        d = G.edges[u, v]
        best = _num(d.get("best_figure"))
        quant = bool(d.get("quantitative"))
        items = [_evidence_item(ev, parts) for ev in d.get("evidence", ()) or ()]
        edge_kinds = [str(k) for k in d.get("kinds", ())] or sorted({str(it["kind"]) for it in items if it.get("kind")})
        parts.kinds.update(edge_kinds)
        n_sources = int(d.get("n_sources") or len({parts.source_table[it["src"]]["key"] for it in items}))
        eid = f"e{i}"
        edge: dict[str, Any] = {
            "id": eid,
            "from": u,
            "to": v,
            "width": _edge_width(n_sources, best),
            "title": _edge_tooltip(node_info[u]["label"], node_info[v]["label"], d, quant, n_sources, edge_kinds),
        }
        if not quant:
            edge["dashes"] = [7, 5]
        parts.vis_edges.append(edge)
        parts.edge_info[eid] = {
            "type": "spread",
            "from": u,
            "to": v,
            "pattern": str(d.get("pattern", "")),
            "n_sources": n_sources,
            "n_evidence": int(d.get("n_evidence") or len(items)),
            "best_figure": best,
            "frequency": _num(d.get("frequency")),
            "classification": _num(d.get("classification")),
            "figure": _num(d.get("figure")),
            "kinds": edge_kinds,
            "quantitative": quant,
            "evidence": items,
        }
    return parts


def _add_glossary_entries(
    linked_terms: list[dict[str, Any]],
    positions: Mapping[str, tuple[float, float]],
    vis_nodes: list[dict[str, Any]],
    node_info: dict[str, dict[str, Any]],
    parts: _EdgeParts,
) -> None:
    """Glossary terms as nodes, linked to what they describe."""
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
            gid = f"g{len(parts.edge_info)}_{j}"
            parts.vis_edges.append(
                {
                    "id": gid,
                    "from": tid,
                    "to": a,
                    "width": 1,
                    "dashes": [2, 4],
                    "color": {"color": GLOSSARY_EDGE_COLOUR},
                    "arrows": {"to": {"enabled": False}},
                    "title": f"glossary: “{t['label']}” is about the {node_info[a]['label']}",
                }
            )
            parts.edge_info[gid] = {"type": "about", "from": tid, "to": a}


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
    return _page(data, glossary=glossary)


def _page(data: dict[str, Any], *, glossary: bool, shared: bool = False) -> str:
    """The page for ``data``: self-contained, or (``shared``) without vis-network, which it
    asks the notebook page for (``viewer/share.js``)."""
    css = _vis_assets()[1]
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
        "VIS_CSS": "" if shared else css,
        "DATA": _script_json(data),
        "SCRIPTS": _scripts(shared),
    }
    # One pass over the template: text put in is never scanned for placeholders again.
    return re.sub(r"@@([A-Z_]+)@@", lambda m: values[m.group(1)], _asset("page.html"))


def _scripts(shared: bool) -> str:
    """The page's scripts: vis-network, the logic and the app inline; or, for a shared page, the
    logic and the app as inert text that ``share.js`` runs once vis-network has come."""
    lib, app = _asset("lib.js"), _asset("viewer.js")
    if any("</script" in text.lower() for text in (lib, app)):  # pragma: no cover - defensive
        raise InputError("the viewer's script cannot be inlined safely")
    if not shared:
        return f"<script>{_vis_assets()[0]}</script>\n<script>{lib}</script>\n<script>{app}</script>"
    return (
        f'<script id="cs-lib" type="text/plain">{lib}</script>\n'
        f'<script id="cs-app" type="text/plain">{app}</script>\n'
        f'<script id="cs-shared" data-version="{VIS_NETWORK_VERSION}">{_asset("share.js")}</script>'
    )


def _host_script() -> str:
    """The script a notebook page runs once, beside the first viewer: it keeps vis-network for
    the viewers shown after it (``viewer/share-host.js``)."""
    js, css = _vis_assets()
    args = _script_json(VIS_NETWORK_VERSION) + ", " + _script_json({"js": js, "css": css})
    return f"<script>{_asset('share-host.js').rstrip()}({args});</script>"


#: vis-network versions whose copy this Python process has already sent to its notebook page.
_HOSTED: set[str] = set()


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
    (its styles and scripts stay inside the frame).

    With ``shared_page`` (the same viewer without vis-network), the first viewer a notebook shows
    carries vis-network and leaves a copy in the notebook page; the viewers after it carry only
    their data and ask the page for the library (about 0.7 MB less per cell). :meth:`save` always
    writes the self-contained page."""

    def __init__(self, page: str, height: int = 720, shared_page: str | None = None) -> None:
        self.html = page
        self.height = int(height)
        self.shared_page = shared_page

    def _frame(self, page: str) -> str:
        return (
            f'<iframe srcdoc="{_html.escape(page, quote=True)}" '
            f'style="width:100%;height:{self.height}px;border:1px solid #ddd" '
            'sandbox="allow-scripts allow-downloads allow-popups allow-popups-to-escape-sandbox" '
            'title="cancer-spread viewer"></iframe>'
        )

    def _repr_html_(self) -> str:
        if self.shared_page is None:
            return self._frame(self.html)
        if VIS_NETWORK_VERSION not in _HOSTED:
            _HOSTED.add(VIS_NETWORK_VERSION)
            return self._frame(self.html) + _host_script()
        return self._frame(self.shared_page)

    def save(self, path: str | os.PathLike[str]) -> Path:
        from .files import write_atomic

        write_atomic(Path(path), self.html)
        return Path(path)

    def __repr__(self) -> str:
        return f"<ViewerHTML {len(self.html):,} characters>"


def _notebook_keeps_outputs_apart() -> bool:
    """Colab shows each output in a frame of its own: a later viewer cannot reach the copy of
    vis-network the first one left, so there every viewer carries its own."""
    return "google.colab" in sys.modules


def display(graph: Any = None, *, height: int = 720, shared: bool | None = None, **options: Any) -> ViewerHTML:
    """The viewer for a notebook: ``display(focus="breast cancer")`` as the last line of a cell.
    Takes the options of :func:`render_html`. ``shared`` (default: where the notebook page
    allows it) sends vis-network to the notebook once, not with every viewer; ``shared=False``
    embeds it in this viewer.

    >>> display(focus="liver")._repr_html_().startswith("<iframe srcdoc=")
    True
    """
    if shared is None:
        shared = not _notebook_keeps_outputs_apart()
    data = viewer_data(graph, **options)
    glossary = bool(options.get("glossary"))
    full = _page(data, glossary=glossary)
    return ViewerHTML(full, height=height, shared_page=_page(data, glossary=glossary, shared=True) if shared else None)


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
