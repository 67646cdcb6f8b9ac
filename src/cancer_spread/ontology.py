"""The vocabulary released as its own ontology (``cancer-spread-vocab.ttl`` and ``.owl``).

The release is generated from ``ontology/cancer-spread.ttl`` and ``ontology/cohort.ttl`` (the
one source of truth) with three additions, so that OWL tools read it as OWL 2 DL:

- ``owl:versionIRI`` and ``owl:versionInfo`` of the package version;
- a declaration for every class and property the vocabulary *or the data* uses that is not
  declared yet (the SKOS, DCTERMS, VoID, DCAT and PROV terms become annotation properties, the
  classes they type with become classes), see :func:`declarations`;
- nothing else: the data (cancers, sites, evidence, sources, glossary) is not in it.

>>> from cancer_spread.load import load_graph
>>> g = vocabulary_graph(load_graph())
>>> from rdflib.namespace import OWL, RDF
>>> from rdflib import URIRef
>>> (URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), RDF.type, OWL.AnnotationProperty) in g
True
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .namespaces import BASE, bind_prefixes
from .paths import DataPaths, find_paths

__all__ = ["VOCAB", "declarations", "version_iri", "vocabulary_graph"]

VOCAB = URIRef(BASE + "vocab")

#: Predicates OWL itself defines: never declared.
_BUILT_IN = (str(RDF), str(RDFS), str(OWL))
_DECLARED = {
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    RDFS.Datatype,
}


def version_iri(version: str, name: str = "vocab") -> URIRef:
    """The IRI of one release of the vocabulary (or of another release file ``name``)."""
    return URIRef(f"{BASE}releases/{version}/{name}")


def declarations(vocab: Graph, used: Graph) -> Graph:
    """Declarations for every class and property used in ``vocab`` or ``used`` that ``vocab``
    does not declare: classes (objects of ``rdf:type``, ends of ``rdfs:subClassOf``, domains and
    ranges of object properties) become ``owl:Class``; other predicates become
    ``owl:AnnotationProperty``."""
    out = Graph()
    declared = {s for s, o in vocab.subject_objects(RDF.type) if o in _DECLARED}
    classes: set = set()
    for g in (vocab, used):
        for o in g.objects(None, RDF.type):
            if isinstance(o, URIRef) and not str(o).startswith(_BUILT_IN):
                classes.add(o)
        for s, o in g.subject_objects(RDFS.subClassOf):
            classes.update(x for x in (s, o) if isinstance(x, URIRef))
    for c in classes - declared:
        out.add((c, RDF.type, OWL.Class))
    predicates = {p for g in (vocab, used) for p in g.predicates()}
    for p in predicates:
        if isinstance(p, URIRef) and not str(p).startswith(_BUILT_IN) and p not in declared:
            out.add((p, RDF.type, OWL.AnnotationProperty))
    # annotation values of owl:Ontology headers and annotation properties used as sub-properties
    for s, o in vocab.subject_objects(RDFS.subPropertyOf):
        for x in (s, o):
            if isinstance(x, URIRef) and x not in declared and (x, RDF.type, OWL.AnnotationProperty) not in out:
                out.add((x, RDF.type, OWL.AnnotationProperty))
    return out


def _source_files(paths: DataPaths) -> list:
    return [paths.ontology / "cancer-spread.ttl", paths.ontology / "cohort.ttl"]


def vocabulary_graph(full: Graph, paths: DataPaths | None = None) -> Graph:
    """The vocabulary as released: its source files, the version IRI of the package version and
    the declarations of everything ``full`` (the merged graph) uses."""
    from . import __version__
    from .load import load_files

    vocab = load_files(p for p in _source_files(paths or find_paths()) if p.is_file())
    vocab.remove((VOCAB, OWL.versionIRI, None))
    vocab.remove((VOCAB, OWL.versionInfo, None))
    vocab.add((VOCAB, OWL.versionIRI, version_iri(__version__)))
    vocab.add((VOCAB, OWL.versionInfo, Literal(__version__)))
    vocab += declarations(vocab, full)
    return bind_prefixes(vocab)
