"""What the build derives from the curated files: the triples of the CONSTRUCT queries under
``queries/construct/`` and the VoID/DCAT description of the dataset. Both engines add the same
triples: the rdflib graph through :func:`derive` and :func:`add_dataset_description`, the Oxigraph
store (:mod:`cancer_spread.store`) through :func:`dataset_description`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .namespaces import BASE
from .results import Term

if TYPE_CHECKING:
    from rdflib import Graph

    from .paths import DataPaths

__all__ = ["add_dataset_description", "dataset_description", "derive"]

_CS = BASE + "vocab/"
_XSD = "http://www.w3.org/2001/XMLSchema#"


def dataset_description(
    n_triples: int, n_entities: int, class_counts: dict[str, int], version: str
) -> list[tuple[Term, Term, Term]]:
    """The VoID/DCAT triples describing the dataset, from counts computed on the graph.

    Both engines add exactly these triples (see :func:`add_dataset_description`).
    """
    d = Term("uri", BASE + "dataset")

    def iri(x: str) -> Term:
        return Term("uri", x)

    def integer(n: int) -> Term:
        return Term("literal", str(n), _XSD + "integer")

    rdf_type = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    void = "http://rdfs.org/ns/void#"
    dct = "http://purl.org/dc/terms/"
    out = [
        (d, rdf_type, iri(void + "Dataset")),
        (d, rdf_type, iri("http://www.w3.org/ns/dcat#Dataset")),
        (d, iri(dct + "title"), Term("literal", "cancer-spread knowledge graph", None, "en")),
        (
            d,
            iri(dct + "description"),
            Term(
                "literal",
                "Primary cancers, the sites they spread to, and the evidence for each link, "
                "with standard codes and a glossary.",
                None,
                "en",
            ),
        ),
        (d, iri(dct + "license"), iri("https://creativecommons.org/licenses/by/4.0/")),
        (d, iri("http://www.w3.org/2002/07/owl#versionInfo"), Term("literal", version)),
        (d, iri("http://www.w3.org/ns/dcat#version"), Term("literal", version)),
        (d, iri(void + "vocabulary"), iri(_CS)),
        (d, iri(void + "uriSpace"), Term("literal", BASE)),
        (d, iri(void + "triples"), integer(n_triples)),
        (d, iri(void + "entities"), integer(n_entities)),
    ]
    for cls, n in sorted(class_counts.items()):
        part = iri(f"{BASE}dataset/class/{cls.rsplit('/', 1)[-1]}")
        out += [
            (d, iri(void + "classPartition"), part),
            (part, iri(void + "class"), iri(cls)),
            (part, iri(void + "entities"), integer(n)),
        ]
    return out


def derive(graph: Graph, paths: DataPaths | None = None) -> Graph:
    """Add the derived triples: every ``queries/construct/*.rq`` CONSTRUCT is run, in name order,
    on the graph with the results of the earlier ones (``cs:spreadsTo`` from the spread patterns,
    ``rdfs:label`` from ``skos:prefLabel``, frequency levels, rankings…), then the IRI links of
    the codes (:func:`cancer_spread.mappings.link_rdflib`).

    The CONSTRUCT queries are evaluated by Oxigraph on a copy of the graph, as the Oxigraph
    engine evaluates them (:meth:`cancer_spread.store.Store.derive`): both engines get the same
    derived triples from one evaluator, and the rdflib engine is spared a derivation that its
    SPARQL evaluator takes tens of seconds over.
    """
    import pyoxigraph as ox

    from .paths import find_paths
    from .queries import load_construct_queries, to_rdflib
    from .results import neutral

    paths = paths or find_paths()
    inner = ox.Store()
    inner.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    for query in load_construct_queries(paths):
        triples = list(inner.query(query.text))
        inner.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
        for t in triples:
            graph.add(tuple(to_rdflib(neutral(x)) for x in (t.subject, t.predicate, t.object)))
    from .mappings import link_rdflib

    link_rdflib(graph, paths)
    return graph


def add_dataset_description(graph: Graph, version: str) -> Graph:
    """Add a VoID/DCAT description of the dataset whose counts are computed from the graph (the
    same triples as the Oxigraph engine adds: :func:`dataset_description`)."""
    from rdflib import URIRef
    from rdflib.namespace import RDF

    from .namespaces import CS, DATASET
    from .queries import to_rdflib

    for part in list(graph.objects(DATASET, URIRef("http://rdfs.org/ns/void#classPartition"))):
        graph.remove((part, None, None))
    graph.remove((DATASET, None, None))
    subjects = {s for s in graph.subjects() if isinstance(s, URIRef)}
    counts: dict[str, int] = {}
    for _s, cls in graph.subject_objects(RDF.type):
        if isinstance(cls, URIRef) and str(cls).startswith(str(CS)):
            counts[str(cls)] = counts.get(str(cls), 0) + 1
    for triple in dataset_description(len(graph), len(subjects), counts, version):
        graph.add(tuple(to_rdflib(t) for t in triple))
    return graph
