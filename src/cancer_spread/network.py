"""The spread network as a networkx graph: cancers and sites as nodes, one edge per spread
pattern carrying its evidence. The viewer, the analysis and the GraphML/GEXF exports use it.

>>> from cancer_spread.load import load_graph
>>> G = spread_network(load_graph())
>>> G.nodes["https://w3id.org/cancer-spread/cancer/breast"]["label"]
'breast cancer'
>>> G.has_edge("https://w3id.org/cancer-spread/cancer/breast", "https://w3id.org/cancer-spread/site/liver")
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from .namespaces import CS, curie

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = ["evidence_items", "flat_copy", "spread_network"]

_CODE_PROPS = ((CS.xref, "verified"), (CS.secondaryXref, "secondary"), (CS.unverifiedXref, "unverified"))


def _label(graph: Graph, node: object) -> str:
    value = graph.value(node, SKOS.prefLabel) or graph.value(node, RDFS.label)  # type: ignore[arg-type]
    return str(value) if value is not None else curie(str(node))


def _num(value: object) -> Any:
    if value is None:
        return None
    from decimal import Decimal

    if hasattr(value, "toPython"):
        value = value.toPython()
    # JSON, GraphML and GEXF have no decimal type.
    return float(value) if isinstance(value, Decimal) else value


def evidence_items(graph: Graph, pattern: URIRef) -> list[dict[str, Any]]:
    """Every evidence item of one spread pattern as a plain dict, figures first."""
    items = []
    for ev in graph.objects(pattern, CS.evidence):
        src = graph.value(ev, DCTERMS.source)
        kind = graph.value(ev, CS.evidenceKind)
        measure = graph.value(ev, CS.measure)
        timing = graph.value(ev, CS.timing)
        doi = graph.value(src, CS.doi) if src is not None else None
        pmid = graph.value(src, CS.pmid) if src is not None else None
        url = graph.value(src, CS.url) if src is not None else None
        link = (
            f"https://doi.org/{doi}"
            if doi
            else f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
            if pmid
            else str(url)
            if url
            else None
        )
        items.append(
            {
                "id": str(ev),
                "kind": _label(graph, kind) if kind is not None else None,
                "kind_id": curie(str(kind)) if kind is not None else None,
                "value": _num(graph.value(ev, CS.value)),
                "unit": _num(graph.value(ev, CS.unit)),
                "measure": _label(graph, measure) if measure is not None else None,
                "measure_id": curie(str(measure)) if measure is not None else None,
                "denominator": _num(graph.value(ev, CS.denominator)),
                "count": _num(graph.value(ev, CS["count"])),
                "population": _num(graph.value(ev, CS.population)),
                "timing": _label(graph, timing) if timing is not None else None,
                "note": _num(graph.value(ev, RDFS.comment)),
                "source": str(src) if src is not None else None,
                "source_short": _num(graph.value(src, CS.shortName)) if src is not None else None,
                "source_title": _num(graph.value(src, DCTERMS.title)) if src is not None else None,
                "source_publisher": _num(graph.value(src, DCTERMS.publisher)) if src is not None else None,
                "link": link,
            }
        )
    items.sort(key=lambda d: (d["value"] is None, -(d["value"] or 0), d["source_short"] or "", d["id"]))
    return items


def _node_attrs(graph: Graph, node: URIRef, kind: str) -> dict[str, Any]:
    codes = []
    for prop, status in _CODE_PROPS:
        for code in graph.objects(node, prop):
            codes.append({"code": str(code), "status": status})
    codes.sort(key=lambda c: (c["status"] != "verified", c["code"]))
    parents = sorted(str(p) for p in graph.objects(node, SKOS.broader))
    definition = graph.value(node, SKOS.definition)
    return {
        "kind": kind,
        "label": _label(graph, node),
        "curie": curie(str(node)),
        "synonyms": sorted({str(a) for a in graph.objects(node, SKOS.altLabel)}, key=str.casefold),
        "definition": str(definition) if definition is not None else "",
        "codes": codes,
        "parents": parents,
    }


def spread_network(graph: Graph, *, with_evidence: bool = True) -> nx.DiGraph:
    """Build a directed graph: primary cancers and sites (nodes), spread patterns (edges).

    Node attributes: ``kind`` (``cancer``, ``site`` or ``lymph node group``), ``label``,
    ``curie``, ``synonyms``, ``definition``, ``codes``, ``parents``. Edge attributes:
    ``pattern`` (IRI), ``n_sources``, ``n_evidence``, ``best_figure`` (highest share of
    patients with distant spread who have the site involved, or ``None``), ``kinds``,
    ``quantitative`` (any evidence with a figure), ``frequency`` (the derived frequency level:
    very common, common, uncommon, reported or rare), ``classification`` (local, regional,
    distant or unclassified), ``figure`` (the figure that set the level, in plain words, or
    ``None``) and, with ``with_evidence``, ``evidence`` (the list from :func:`evidence_items`).
    """
    import networkx as nx

    G = nx.DiGraph()
    for cancer in sorted(graph.subjects(RDF.type, CS.PrimaryCancer)):
        G.add_node(str(cancer), **_node_attrs(graph, cancer, "cancer"))
    groups = set(graph.subjects(RDF.type, CS.LymphNodeGroup))
    for site in sorted(set(graph.subjects(RDF.type, CS.AnatomicalSite)) | groups):
        G.add_node(str(site), **_node_attrs(graph, site, "lymph node group" if site in groups else "site"))
    patient_share = URIRef("https://w3id.org/cancer-spread/measure/metastatic-patients-with-site")
    for pattern in sorted(graph.subjects(RDF.type, CS.SpreadPattern)):
        cancer = graph.value(pattern, CS.primaryCancer)
        site = graph.value(pattern, CS.site)
        if cancer is None or site is None:
            continue
        items = evidence_items(graph, pattern)
        figures = [
            i["value"]
            for i in items
            if i["value"] is not None and i["measure_id"] == "measure:" + patient_share.rsplit("/", 1)[-1]
        ]
        level = graph.value(pattern, CS.frequency)
        spread_class = graph.value(pattern, CS.spreadClass)
        basis = sorted(
            (b for b in graph.objects(pattern, CS.frequencyBasis) if graph.value(b, CS.value) is not None),
            key=lambda b: (-float(graph.value(b, CS.value)), str(b)),  # type: ignore[arg-type]
        )
        attrs: dict[str, Any] = {
            "pattern": str(pattern),
            "frequency": _label(graph, level) if level is not None else None,
            "classification": _label(graph, spread_class) if spread_class is not None else None,
            "figure": str(graph.value(basis[0], CS.figureText)) if basis else None,
            "n_sources": len({i["source"] for i in items}),
            "n_evidence": len(items),
            "best_figure": max(figures) if figures else None,
            "kinds": sorted({i["kind"] for i in items if i["kind"]}),
            "quantitative": any(i["value"] is not None for i in items),
        }
        if with_evidence:
            attrs["evidence"] = items
        for end in (cancer, site):
            if str(end) not in G:
                G.add_node(str(end), **_node_attrs(graph, end, "site"))  # type: ignore[arg-type]
        G.add_edge(str(cancer), str(site), **attrs)
    return G


def flat_copy(G: nx.DiGraph) -> nx.DiGraph:
    """A copy with only scalar attributes (lists joined with '; ', missing numbers dropped),
    as GraphML and GEXF require."""
    import networkx as nx

    H = nx.DiGraph()

    def flat(attrs: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in attrs.items():
            if key == "evidence" or value is None:
                continue
            if isinstance(value, list):
                value = "; ".join(
                    f"{v['code']}" + ("" if v["status"] == "verified" else f" ({v['status']})")
                    if isinstance(v, dict)
                    else str(v)
                    for v in value
                )
            out[key] = value
        return out

    for node, attrs in G.nodes(data=True):
        H.add_node(node, **flat(attrs))
    for u, v, attrs in G.edges(data=True):
        H.add_edge(u, v, **flat(attrs))
    return H
