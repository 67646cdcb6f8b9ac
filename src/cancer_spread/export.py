"""Exports: RDF formats, a CSV of spread edges, GraphML/GEXF, and the release build.

>>> from cancer_spread.load import load_graph
>>> text = export_text(load_graph(), "csv")
>>> text.splitlines()[0]
'cancer,cancer_label,site,site_label,n_sources,n_evidence,best_figure,best_evidence_kind,best_source,best_link'
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from rdflib import Graph

from .errors import InputError
from .namespaces import PREFIXES, bind_prefixes

__all__ = ["EXPORT_FORMATS", "build_release", "export_text", "jsonld_context", "serialise", "void_graph"]

EXPORT_FORMATS = ("ttl", "nt", "jsonld", "xml", "trig", "csv", "graphml", "gexf")
_RDFLIB = {"nt": "nt", "xml": "xml", "trig": "trig"}


def jsonld_context() -> dict:
    """The JSON-LD ``@context`` published as ``context.jsonld``: the project's prefixes."""
    return {"@context": dict(PREFIXES)}


def serialise(graph: Graph, fmt: str) -> str:
    """Serialise an RDF graph as ``ttl`` (canonical), ``nt`` (sorted), ``jsonld``, ``xml`` or
    ``trig``."""
    from .turtle import canonical_turtle

    bind_prefixes(graph)
    if fmt == "ttl":
        return canonical_turtle(graph)
    if fmt == "nt":
        lines = graph.serialize(format="nt").splitlines()
        return "\n".join(sorted(line for line in lines if line.strip())) + "\n"
    if fmt == "jsonld":
        return graph.serialize(format="json-ld", context=jsonld_context()["@context"], indent=2) + "\n"
    if fmt in _RDFLIB:
        return graph.serialize(format=_RDFLIB[fmt])
    raise InputError(f"unknown RDF format {fmt!r}", hint="use ttl, nt, jsonld, xml or trig")


def _edges_csv(graph: Graph) -> str:
    from .network import spread_network

    G = spread_network(graph)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        [
            "cancer",
            "cancer_label",
            "site",
            "site_label",
            "n_sources",
            "n_evidence",
            "best_figure",
            "best_evidence_kind",
            "best_source",
            "best_link",
        ]
    )
    for u, v, a in sorted(G.edges(data=True), key=lambda e: (G.nodes[e[0]]["label"], G.nodes[e[1]]["label"])):
        best = a["evidence"][0] if a["evidence"] else {}
        w.writerow(
            [
                G.nodes[u]["curie"],
                G.nodes[u]["label"],
                G.nodes[v]["curie"],
                G.nodes[v]["label"],
                a["n_sources"],
                a["n_evidence"],
                "" if a["best_figure"] is None else a["best_figure"],
                best.get("kind") or "",
                best.get("source_short") or "",
                best.get("link") or "",
            ]
        )
    return buf.getvalue()


def _network_text(graph: Graph, fmt: str) -> str:
    import networkx as nx

    from .network import flat_copy, spread_network

    H = flat_copy(spread_network(graph))
    buf = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(H, buf)
    else:
        nx.write_gexf(H, buf)
    return buf.getvalue().decode("utf-8")


def export_text(graph: Graph, fmt: str) -> str:
    """The whole graph in ``fmt`` (one of :data:`EXPORT_FORMATS`) as text."""
    if fmt == "csv":
        return _edges_csv(graph)
    if fmt in ("graphml", "gexf"):
        return _network_text(graph, fmt)
    if fmt in ("ttl", "nt", "jsonld", "xml", "trig"):
        return serialise(graph, fmt)
    raise InputError(f"unknown export format {fmt!r}", hint=f"use one of {', '.join(EXPORT_FORMATS)}")


def void_graph(graph: Graph) -> Graph:
    """The dataset description (VoID/DCAT) as it stands in ``graph``: what ``build`` writes to
    ``void.ttl`` and the endpoint serves at ``/.well-known/void``."""
    from rdflib import URIRef

    from .namespaces import DATASET

    void = bind_prefixes(Graph())
    todo = [DATASET]
    seen: set = set()
    while todo:
        s = todo.pop()
        if s in seen:
            continue
        seen.add(s)
        for p, o in graph.predicate_objects(s):
            void.add((s, p, o))
            if isinstance(o, URIRef) and str(o).startswith(str(DATASET) + "/"):
                todo.append(o)
    return void


def build_release(graph: Graph, folder: Path) -> list[Path]:
    """Write ``cancer-spread.ttl`` (merged, canonical), ``void.ttl`` (the dataset description)
    and ``context.jsonld`` into ``folder`` as a set (all new or all old, see
    :func:`cancer_spread.files.write_set`); return the paths written."""
    from .files import write_set
    from .turtle import canonical_turtle

    folder = Path(folder)
    return write_set(
        {
            folder / "cancer-spread.ttl": canonical_turtle(graph),
            folder / "void.ttl": canonical_turtle(void_graph(graph)),
            folder / "context.jsonld": json.dumps(jsonld_context(), indent=2) + "\n",
        }
    )
