"""The spread network as a ``pyvis.network.Network``, for people who customise with pyvis.

:func:`to_pyvis` takes the options of the viewer (:func:`cancer_spread.visualise.render_html`)
and builds the same network: our fixed layered layout, colours, shapes and tooltips, physics
off. Everything is set on the nodes and edges themselves (``net.nodes``, ``net.edges``), so the
usual pyvis calls keep working on it.

>>> from cancer_spread import to_pyvis
>>> net = to_pyvis(focus="bowel cancer")
>>> type(net).__name__, net.directed
('Network', True)
>>> "liver" in {n["label"] for n in net.nodes}
True
>>> net.options.physics.enabled
False
>>> html = net.generate_html()  # or net.write_html("bowel.html"), net.show_buttons(), ...

pyvis' own page template loads Bootstrap (and with ``cdn_resources="remote"`` vis-network) from
the web; for a page that never leaves the machine, use ``cancer-spread visualise``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from pyvis.network import Network

__all__ = ["to_pyvis"]

#: Node and edge settings of the page that pyvis passes on to vis-network unchanged.
_NODE_KEYS = ("label", "title", "group", "x", "y")
_EDGE_KEYS = ("title", "width", "dashes", "color", "arrows")


def to_pyvis(
    graph: Any = None,
    *,
    height: str = "750px",
    width: str = "100%",
    notebook: bool = False,
    cdn_resources: str = "in_line",
    **options: Any,
) -> Network:
    """A ``pyvis.network.Network`` of the spread network.

    ``options`` are those of :func:`cancer_spread.visualise.render_html` (``focus``, ``layout``,
    ``physics``, ``title``, ``filters``, ``glossary``, ``select``); ``height``, ``width``,
    ``notebook`` and ``cdn_resources`` go to pyvis. With the default layered layout every node
    has its fixed position and physics is off; ``layout="force"`` (or ``physics=True``) leaves the
    placing to vis-network's physics instead. ``filters`` presets choose what is drawn: links
    hidden by them are left out.
    """
    from pyvis.network import Network

    from ..visualise import viewer_data

    data = viewer_data(graph, **options)
    config = data["config"]
    vis = config["options"]
    groups = vis["groups"]
    shown_nodes, shown_edges = _in_view(data)
    net = Network(
        height=height,
        width=width,
        directed=True,
        notebook=notebook,
        heading="",
        cdn_resources=cdn_resources,
    )
    fixed = data["layout"] == "layered" and not config["keepPhysics"]
    for node in data["nodes"]:
        if node["id"] not in shown_nodes:
            continue
        style = groups[node["group"]]
        attrs = {k: node[k] for k in _NODE_KEYS if k in node}
        attrs.update({k: v for k, v in style.items() if k != "color"})
        attrs["font"] = {**vis["nodes"]["font"], **style.get("font", {})}
        attrs["physics"] = not fixed
        net.add_node(node["id"], **attrs)
        net.node_map[node["id"]]["color"] = style["color"]  # pyvis drops color= when a group is given
    for edge in data["edges"]:
        if edge["id"] not in shown_edges:
            continue
        attrs = {k: edge[k] for k in _EDGE_KEYS if k in edge}
        attrs.setdefault("color", {"color": config["colours"]["edge"], "highlight": vis["edges"]["color"]["highlight"]})
        net.add_edge(edge["from"], edge["to"], **attrs)
    net.options.edges.smooth.enabled = False
    net.options.interaction.hover = True
    net.toggle_physics(not fixed)
    return net


def _in_view(data: dict[str, Any]) -> tuple[set[str], set[str]]:
    """The nodes and links the viewer's filter presets leave in view (everything without
    presets), as the page's filter (``viewer/lib.js``, ``visibility``) decides it."""
    preset = data.get("presets") or {}
    info = data["info"]["edges"]
    cancers, sites = set(preset.get("cancers") or ()), set(preset.get("sites") or ())
    kinds, sources = set(preset.get("kinds") or ()), set(preset.get("sources") or ())
    minimum = float(preset.get("min_figure") or 0)
    if not (cancers or sites or kinds or sources or minimum):
        return {n["id"] for n in data["nodes"]}, set(info)
    keys = [s["key"] for s in data["sources"]]
    edges: set[str] = set()
    nodes: set[str] = cancers | sites
    for eid, d in info.items():
        if d["type"] != "spread":
            continue
        if (cancers and d["from"] not in cancers) or (sites and d["to"] not in sites):
            continue
        if (kinds or sources) and not any(
            (not kinds or ev.get("kind") in kinds) and (not sources or keys[ev["src"]] in sources)
            for ev in d["evidence"]
        ):
            continue
        if minimum and (d["best_figure"] is None or d["best_figure"] < minimum):
            continue
        edges.add(eid)
        nodes.update((d["from"], d["to"]))
    for eid, d in info.items():
        if d["type"] == "about" and d["to"] in nodes:
            edges.add(eid)
            nodes.add(d["from"])
    return nodes, edges
