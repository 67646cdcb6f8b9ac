"""How the network looks: colours (Okabe–Ito, safe for the common kinds of colour blindness),
shapes per kind of node, and the vis-network options of the page (also used by
:func:`cancer_spread.to_pyvis`)."""

from __future__ import annotations

from typing import Any

__all__ = ["EDGE_COLOUR", "GLOSSARY_EDGE_COLOUR", "GROUP", "PALETTE", "colours", "physics_options", "vis_options"]

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
GROUP = {
    "cancer": "cancer",
    "site": "site",
    "lymph node group": "lymph",
    "glossary term": "glossary",
}
EDGE_COLOUR = "rgba(70,84,98,0.26)"
GLOSSARY_EDGE_COLOUR = "rgba(142,63,108,0.55)"
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif"
_COMPACT_ABOVE = 1000  # nodes; larger views draw small shapes, not labelled boxes


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


def physics_options(layout: str, physics: bool, n_nodes: int) -> dict[str, Any]:
    """vis-network's physics: forceAtlas2 that stops once stable for the force layout, a gentle
    Barnes-Hut simulation when asked to keep it running, else none (fixed positions)."""
    if layout == "force":
        iterations = 400 if n_nodes <= 300 else 200 if n_nodes <= 1500 else 100
        return {
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
    if physics:
        return {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {"springLength": 160, "avoidOverlap": 0.3},
            "stabilization": {"enabled": False},
        }
    return {"enabled": False}


def _group(kind: str, **extra: Any) -> dict[str, Any]:
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


def vis_options(layout: str, physics: bool, n_nodes: int) -> dict[str, Any]:
    """The options of the vis-network ``Network`` for a view of ``n_nodes`` nodes."""
    force = layout == "force"
    # Past a thousand nodes, labelled boxes cost more to draw than they help: draw small
    # shapes instead (labels appear below them when zoomed in).
    compact = n_nodes > _COMPACT_ABOVE
    return {
        "autoResize": True,
        "layout": {"improvedLayout": force and n_nodes <= 150, "randomSeed": 7},
        "physics": physics_options(layout, physics, n_nodes),
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
                "color": EDGE_COLOUR,
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
        "groups": _groups(_group, compact),
    }


def colours() -> dict[str, str]:
    """The colours the page's script uses for links."""
    return {
        "edge": EDGE_COLOUR,
        "highlight": PALETTE["highlight"],
        "glossaryEdge": GLOSSARY_EDGE_COLOUR,
        "dim": "rgba(70,84,98,0.07)",
    }
