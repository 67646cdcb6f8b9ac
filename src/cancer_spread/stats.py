"""Counts computed from the graph (never typed by hand).

>>> from cancer_spread.load import load_graph
>>> s = compute_stats(load_graph())
>>> s["primary_cancers"] >= 24 and s["sites"] >= 15
True
"""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import RDF

from .namespaces import CS

__all__ = ["compute_stats"]


def _count(graph: Graph, cls: object) -> int:
    return len(set(graph.subjects(RDF.type, cls)))


def compute_stats(graph: Graph) -> dict[str, int]:
    """The headline numbers of the graph, as a dict (the keys are a contract)."""
    sites = set(graph.subjects(RDF.type, CS.AnatomicalSite)) | set(graph.subjects(RDF.type, CS.LymphNodeGroup))
    evidence = set(graph.subjects(RDF.type, CS.Evidence))
    quantitative = {e for e in evidence if (e, CS.value, None) in graph}
    codes = {(s, o) for s, o in graph.subject_objects(CS.xref)} | {
        (s, o) for s, o in graph.subject_objects(CS.secondaryXref)
    }
    unverified = set(graph.subject_objects(CS.unverifiedXref))
    return {
        "primary_cancers": _count(graph, CS.PrimaryCancer),
        "sites": len(sites),
        "lymph_node_groups": _count(graph, CS.LymphNodeGroup),
        "spread_patterns": _count(graph, CS.SpreadPattern),
        "evidence": len(evidence),
        "quantitative_evidence": len(quantitative),
        "sources": _count(graph, CS.Source),
        "glossary_terms": _count(graph, CS.GlossaryTerm),
        "node_rules": _count(graph, CS.NodeRule),
        "route_claims": _count(graph, CS.RouteClaim),
        "verified_codes": len(codes),
        "unverified_codes": len(unverified),
        "triples": len(graph),
    }
