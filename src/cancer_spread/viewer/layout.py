"""Fixed positions for the layered layout: cancers in a column on the left, sites on the right
grouped by anatomy, glossary terms beside what they describe (the same graph always gives the
same picture)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = ["label_width", "layered"]

_ROW = 28.0  # vertical distance between two nodes of one column, in layout units
_CHAR_W = 8.4  # approximate width of one character of a 16px label


#: The canvas cuts longer labels with an ellipsis (lib.js shortLabel); the panel shows them whole.
MAX_LABEL = 40


def label_width(label: str) -> float:
    return min(len(label), MAX_LABEL) * _CHAR_W + 20


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
    return sections  # [organs and tissues, lymph nodes]; either may be empty


def layered(
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
    wc = max([label_width(str(G.nodes[n].get("label", ""))) for n in cancers] or [100]) + 30
    step_c = _ROW / kc
    for i, n in enumerate(cancers):
        pos[n] = (-(i % kc) * wc, i * step_c)
    h_c = max(0.0, (len(cancers) - 1) * step_c)
    # Sites: one column, or staggered columns when there are many.
    n_sites = len(sites)
    ks = max(1, math.ceil(n_sites / cap))
    ws = max([label_width(str(G.nodes[n].get("label", ""))) for n in sites] or [100]) + 20
    step_s = _ROW / ks
    gap_family, gap_section = 0.45 * _ROW, 1.5 * _ROW
    y = 0.0
    i = 0
    site_rows: list[tuple[str, float, int]] = []
    section_tops: list[tuple[float, str]] = []
    for si, section in enumerate(sections):
        if not section:
            continue
        if section_tops:
            y += gap_section
        # Headed by the section it is (a lymph node family may hold only its root, "lymph nodes").
        section_tops.append((y, "Lymph nodes" if si == 1 else "Organs and tissues"))
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
    extra_r = max([60 + label_width(t["label"]) for t in right] or [0])
    extra_l = max([60 + label_width(t["label"]) for t in left] or [0])
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
            half = label_width(t["label"]) / 2
            pos[tid] = (edge_r + half if side > 0 else edge_l - half, ty)
            last = ty
    return {k: (round(v[0], 1), round(v[1], 1)) for k, v in pos.items()}, headers
