"""Exports: RDF formats, a CSV of spread edges, GraphML/GEXF, and the release build.

>>> from cancer_spread.load import load_graph
>>> text = export_text(load_graph(), "csv")
>>> text.splitlines()[0]
'cancer,cancer_label,site,site_label,n_sources,n_evidence,best_figure,best_evidence_kind,best_source,best_link,frequency'
"""

from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import Graph

from .errors import InputError
from .namespaces import PREFIXES, bind_prefixes
from .paths import DataPaths, find_paths

__all__ = [
    "EXPORT_FORMATS",
    "RELEASE_FILES",
    "build_release",
    "export_text",
    "jsonld_context",
    "serialise",
    "stable_graph",
    "void_graph",
]

EXPORT_FORMATS = ("ttl", "nt", "jsonld", "xml", "trig", "csv", "graphml", "gexf")


#: Terms for the common annotation vocabularies: (term, IRI, coercion). ``@en`` strings get
#: the language of every label and definition in the graph.
_COMMON_TERMS = (
    ("id", "@id", None),
    ("type", "@type", None),
    ("label", "rdfs:label", "@en"),
    ("comment", "rdfs:comment", "@en"),
    ("prefLabel", "skos:prefLabel", "@en"),
    ("altLabel", "skos:altLabel", "@en"),
    ("definition", "skos:definition", "@en"),
    ("broader", "skos:broader", "@id"),
    ("narrower", "skos:narrower", "@id"),
    ("inScheme", "skos:inScheme", "@id"),
    ("exactMatch", "skos:exactMatch", "@id"),
    ("closeMatch", "skos:closeMatch", "@id"),
    ("narrowMatch", "skos:narrowMatch", "@id"),
    ("broadMatch", "skos:broadMatch", "@id"),
    ("relatedMatch", "skos:relatedMatch", "@id"),
    ("title", "dcterms:title", None),
    ("publisher", "dcterms:publisher", None),
    ("creator", "dcterms:creator", None),
    ("license", "dcterms:license", "@id"),
)
_XSD = "http://www.w3.org/2001/XMLSchema#"


def jsonld_context(paths: DataPaths | None = None) -> dict:
    """The JSON-LD ``@context`` published as ``context.jsonld``: the project's prefixes plus a
    term for every property of the vocabulary (``spreadsTo``, ``value``, ``xref``…) and the
    common SKOS/DCTERMS ones (a property whose name is also a prefix, such as ``cs:site``, keeps
    the prefix and has no term), so that plain JSON such as ``{"@id": "cancer:breast",
    "spreadsTo": "site:liver"}`` reads as the same RDF as the graph.

    >>> ctx = jsonld_context()["@context"]
    >>> ctx["spreadsTo"]
    {'@id': 'cs:spreadsTo', '@type': '@id'}
    >>> ctx["value"]
    {'@id': 'cs:value', '@type': 'xsd:decimal'}
    """
    return json.loads(_context_text(paths or find_paths()))


@lru_cache(maxsize=4)
def _context_text(paths: DataPaths) -> str:
    from rdflib.namespace import OWL, RDF, RDFS

    from .load import load_files

    vocab = load_files(p for p in (paths.ontology / "cancer-spread.ttl", paths.ontology / "cohort.ttl") if p.is_file())
    context: dict[str, Any] = dict(PREFIXES)
    cs = PREFIXES["cs"]
    kinds = {OWL.ObjectProperty: "@id", OWL.DatatypeProperty: "data", OWL.AnnotationProperty: None}
    for kind, coercion in kinds.items():
        for prop in sorted(vocab.subjects(RDF.type, kind)):
            name = str(prop)
            if not name.startswith(cs) or name[len(cs) :] in context:
                continue
            term: dict[str, str] = {"@id": "cs:" + name[len(cs) :]}
            if coercion == "@id":
                term["@type"] = "@id"
            elif coercion == "data":
                rng = vocab.value(prop, RDFS.range)
                if rng is not None and str(rng).startswith(_XSD) and str(rng) != _XSD + "string":
                    term["@type"] = "xsd:" + str(rng)[len(_XSD) :]
            context[name[len(cs) :]] = term
    for name, iri, coercion in _COMMON_TERMS:
        if name in context:
            continue
        if coercion is None:
            context[name] = iri if iri.startswith("@") else {"@id": iri}
        elif coercion == "@en":
            context[name] = {"@id": iri, "@language": "en"}
        else:
            context[name] = {"@id": iri, "@type": coercion}
    return json.dumps({"@context": context})


def stable_graph(graph: Graph) -> Graph:
    """A copy of ``graph`` whose blank nodes have labels computed from the graph itself
    (``b0``, ``b1``… in the order of their canonical hashes) and whose triples were added in
    sorted order, so that every serialiser writes the same bytes on every run."""
    from rdflib import BNode, Literal, URIRef
    from rdflib.compare import to_canonical_graph

    canon = to_canonical_graph(graph)
    labels: dict = {}
    for b in sorted({t for triple in canon for t in triple if isinstance(t, BNode)}, key=str):
        labels[b] = BNode(f"b{len(labels)}")

    def key(term: object) -> tuple:
        kind = 0 if isinstance(term, URIRef) else 1 if isinstance(term, BNode) else 2
        extra = (str(term.datatype or ""), term.language or "") if isinstance(term, Literal) else ("", "")
        return (kind, str(term), *extra)

    out = bind_prefixes(Graph())
    triples = [tuple(labels.get(t, t) for t in triple) for triple in canon]
    for triple in sorted(triples, key=lambda t: tuple(key(x) for x in t)):
        out.add(triple)
    return out


def serialise(graph: Graph, fmt: str) -> str:
    """Serialise an RDF graph as ``ttl`` (canonical), ``nt`` (sorted), ``jsonld``, ``xml`` or
    ``trig`` (the data in the default graph). Every format is byte-identical from run to run:
    blank nodes get stable labels and the triples a stable order (:func:`stable_graph`)."""
    from .turtle import canonical_turtle

    bind_prefixes(graph)
    if fmt == "ttl":
        return canonical_turtle(graph)
    if fmt not in ("nt", "jsonld", "xml", "trig"):
        raise InputError(f"unknown RDF format {fmt!r}", hint="use ttl, nt, jsonld, xml or trig")
    stable = stable_graph(graph)
    if fmt == "nt":
        lines = stable.serialize(format="nt").splitlines()
        return "\n".join(sorted(line for line in lines if line.strip())) + "\n"
    if fmt == "jsonld":
        data = json.loads(stable.serialize(format="json-ld", context=jsonld_context()["@context"]))
        return json.dumps(_sorted_json(data), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if fmt == "trig":
        # One default graph, written as TriG's plain triples block: no blank-node graph name.
        return "# TriG: the cancer-spread graph, all in the default graph.\n" + canonical_turtle(graph)
    return _rdfxml(stable)


def _sorted_json(value: object, in_list: bool = False) -> object:
    """JSON-LD with every array in a stable order, except the items of an ``@list``."""
    if isinstance(value, dict):
        return {k: _sorted_json(v, k == "@list") for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_json(v) for v in value]
        return items if in_list else sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def _rdfxml(graph: Graph) -> str:
    """Flat RDF/XML: one ``rdf:Description`` per subject, subjects and properties sorted."""
    from xml.sax.saxutils import escape, quoteattr

    from rdflib import BNode, Literal

    nm = graph.namespace_manager
    names: dict = {}
    spaces: dict[str, str] = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
    for p in sorted(set(graph.predicates())):
        prefix, ns, local = nm.compute_qname_strict(p)
        spaces[prefix] = str(ns)
        names[p] = f"{prefix}:{local}"
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"]
    lines += [f'   xmlns:{prefix}="{ns}"' for prefix, ns in sorted(spaces.items())]
    lines[-1] += ">"

    def ref(node: object) -> str:
        return f"rdf:nodeID={quoteattr(str(node))}" if isinstance(node, BNode) else f"rdf:about={quoteattr(str(node))}"

    for subject in sorted(set(graph.subjects()), key=lambda n: (isinstance(n, BNode), str(n))):
        lines.append(f"  <rdf:Description {ref(subject)}>")
        for p, o in sorted(
            graph.predicate_objects(subject),
            key=lambda po: (
                str(po[0]),
                type(po[1]).__name__,
                str(po[1]),
                str(getattr(po[1], "datatype", "")),
                str(getattr(po[1], "language", "")),
            ),
        ):
            tag = names[p]
            if isinstance(o, Literal):
                attrs = ""
                if o.language:
                    attrs = f" xml:lang={quoteattr(o.language)}"
                elif o.datatype:
                    attrs = f" rdf:datatype={quoteattr(str(o.datatype))}"
                lines.append(f"    <{tag}{attrs}>{escape(str(o))}</{tag}>")
            elif isinstance(o, BNode):
                lines.append(f"    <{tag} rdf:nodeID={quoteattr(str(o))}/>")
            else:
                lines.append(f"    <{tag} rdf:resource={quoteattr(str(o))}/>")
        lines.append("  </rdf:Description>")
    lines.append("</rdf:RDF>")
    return "\n".join(lines) + "\n"


def _frequency(graph: Graph, pattern: str) -> str:
    """The frequency level of a spread pattern (``very common`` … ``reported``) where the graph
    has one (``cs:frequency``, derived when it is built), else ``""``."""
    from rdflib import URIRef
    from rdflib.namespace import SKOS

    from .namespaces import CS

    level = graph.value(URIRef(pattern), CS.frequency)
    if level is None:
        return ""
    label = graph.value(level, SKOS.prefLabel)
    return str(label) if label is not None else str(level).rsplit("/", 1)[-1].replace("-", " ")


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
            "frequency",
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
                _frequency(graph, a["pattern"]),
            ]
        )
    return buf.getvalue()


def network_for_export(graph: Graph) -> Any:
    """The spread network as GraphML and GEXF carry it: nodes named by the same CURIEs as the
    CSV (``cancer:breast``; the full IRI in ``iri``), every attribute a scalar, and on each edge

    - ``label``: ``breast cancer → liver``;
    - ``weight``: the number of independent sources for the link (an integer, at least 1), which
      Gephi, Cytoscape and networkx use as the edge weight;
    - ``frequency``: the frequency level (``very common``, ``common``, ``uncommon``, ``rare``,
      ``reported``) where the graph has one.
    """
    import networkx as nx

    from .network import flat_copy, spread_network

    F = flat_copy(spread_network(graph, with_evidence=False))
    H = nx.DiGraph()
    from .namespaces import curie

    for node, attrs in F.nodes(data=True):
        parents = "; ".join(curie(p) for p in attrs.get("parents", "").split("; ") if p)
        H.add_node(attrs["curie"], iri=node, **{**attrs, "parents": parents})
    for u, v, attrs in F.edges(data=True):
        edge = dict(attrs, pattern=curie(attrs["pattern"]))
        edge["label"] = f"{F.nodes[u]['label']} → {F.nodes[v]['label']}"
        edge["weight"] = int(attrs["n_sources"])
        level = _frequency(graph, attrs["pattern"])  # the IRI
        if level:
            edge["frequency"] = level
        H.add_edge(F.nodes[u]["curie"], F.nodes[v]["curie"], **edge)
    return H


def _network_text(graph: Graph, fmt: str) -> str:
    import re

    import networkx as nx

    H = network_for_export(graph)
    buf = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(H, buf)
        return buf.getvalue().decode("utf-8")
    nx.write_gexf(H, buf)
    # networkx stamps today's date into the GEXF header: leave it out so the file is reproducible.
    return re.sub(r' lastmodifieddate="[^"]*"', "", buf.getvalue().decode("utf-8"), count=1)


def export_text(graph: Graph, fmt: str) -> str:
    """The whole graph in ``fmt`` (one of :data:`EXPORT_FORMATS`) as text."""
    if fmt == "csv":
        return _edges_csv(graph)
    if fmt in ("graphml", "gexf"):
        return _network_text(graph, fmt)
    if fmt in ("ttl", "nt", "jsonld", "xml", "trig"):
        return serialise(graph, fmt)
    raise InputError(f"unknown export format {fmt!r}", hint=f"use one of {', '.join(EXPORT_FORMATS)}")


#: The RDF dumps of a release: (file name, media type, serialisation).
DUMPS = (
    ("cancer-spread.ttl", "text/turtle", "ttl"),
    ("cancer-spread.nt", "application/n-triples", "nt"),
    ("cancer-spread.jsonld", "application/ld+json", "jsonld"),
    ("cancer-spread.rdf", "application/rdf+xml", "xml"),
)


def release_iri(name: str) -> str:
    """The persistent IRI of one file of the current release (``docs/w3id/`` redirects it)."""
    from . import __version__
    from .namespaces import BASE

    return f"{BASE}releases/{__version__}/{name}"


def void_graph(graph: Graph, endpoint: str | None = None) -> Graph:
    """The dataset description (VoID/DCAT) as it stands in ``graph``, with a ``void:dataDump``
    and a ``dcat:distribution`` for each RDF dump of the release and, when the graph is served,
    ``void:sparqlEndpoint``: what ``build`` writes to ``void.ttl`` and the endpoint serves at
    ``/.well-known/void``.

    >>> from cancer_spread.load import load_graph
    >>> from cancer_spread.namespaces import DATASET
    >>> from rdflib.namespace import VOID
    >>> v = void_graph(load_graph(), endpoint="http://localhost:8000/sparql")
    >>> str(v.value(DATASET, VOID.sparqlEndpoint))
    'http://localhost:8000/sparql'
    """
    from rdflib import Literal, URIRef
    from rdflib.namespace import DCAT, DCTERMS, RDF, VOID

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
    for name, media, _fmt in DUMPS:
        dump = URIRef(release_iri(name))
        void.add((DATASET, VOID.dataDump, dump))
        dist = URIRef(f"{DATASET}/distribution/{name.rsplit('.', 1)[-1]}")
        void.add((DATASET, DCAT.distribution, dist))
        void.add((dist, RDF.type, DCAT.Distribution))
        void.add((dist, DCAT.downloadURL, dump))
        void.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media}")))
        void.add((dist, DCTERMS.title, Literal(f"cancer-spread as {media}", lang="en")))
    void.add((DATASET, VOID.feature, URIRef("http://www.w3.org/ns/formats/Turtle")))
    if endpoint:
        void.add((DATASET, VOID.sparqlEndpoint, URIRef(endpoint)))
    return void


def schema_org_dataset(graph: Graph, endpoint: str | None = None) -> dict:
    """The dataset as a schema.org ``Dataset`` (JSON-LD), as search engines and data catalogues
    read it: written by ``build`` as ``dataset.jsonld`` and embedded in the landing pages.

    >>> from cancer_spread.load import load_graph
    >>> d = schema_org_dataset(load_graph())
    >>> d["@type"], d["license"]
    ('Dataset', 'https://creativecommons.org/licenses/by/4.0/')
    """
    from rdflib.namespace import DCTERMS, OWL

    from . import __version__
    from .namespaces import BASE, DATASET

    title = graph.value(DATASET, DCTERMS.title)
    description = graph.value(DATASET, DCTERMS.description)
    license_ = graph.value(DATASET, DCTERMS.license)
    out: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": str(DATASET),
        "name": str(title) if title is not None else "cancer-spread",
        "description": str(description) if description is not None else "",
        "url": BASE,
        "identifier": str(DATASET),
        "version": str(graph.value(DATASET, OWL.versionInfo) or __version__),
        "license": str(license_) if license_ is not None else "",
        "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": "The cancer-spread contributors", "url": BASE},
        "keywords": ["cancer", "metastasis", "knowledge graph", "RDF", "SPARQL", "SKOS"],
        "inLanguage": "en",
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": media, "contentUrl": release_iri(name)}
            for name, media, _fmt in DUMPS
        ],
    }
    if endpoint:
        out["distribution"].append(
            {"@type": "DataDownload", "encodingFormat": "application/sparql-results+json", "contentUrl": endpoint}
        )
    return out


#: The files ``build`` writes, in order (see :func:`build_release`).
RELEASE_FILES = (
    *(name for name, _media, _fmt in DUMPS),
    "cancer-spread.csv",
    "cancer-spread.graphml",
    "cancer-spread.gexf",
    "void.ttl",
    "dataset.jsonld",
    "context.jsonld",
    "cancer-spread.sssom.tsv",
    "cancer-spread-vocab.ttl",
    "cancer-spread-vocab.owl",
)


def build_release(graph: Graph, folder: Path) -> list[Path]:
    """Write the release files (:data:`RELEASE_FILES`) into ``folder``: the merged graph in four
    RDF formats, the spread edges as CSV, GraphML and GEXF, the dataset description (VoID and
    schema.org), the JSON-LD context, the SSSOM mapping set and the vocabulary as its own
    ontology (Turtle and RDF/XML); return the paths written."""
    from .files import write_atomic
    from .ontology import vocabulary_graph
    from .sssom import sssom_text
    from .turtle import canonical_turtle

    folder = Path(folder)
    vocab = vocabulary_graph(graph)
    texts = {name: export_text(graph, fmt) for name, _media, fmt in DUMPS}
    for fmt in ("csv", "graphml", "gexf"):
        texts[f"cancer-spread.{fmt}"] = export_text(graph, fmt)
    texts.update(
        {
            "void.ttl": canonical_turtle(void_graph(graph)),
            "dataset.jsonld": json.dumps(schema_org_dataset(graph), indent=2, ensure_ascii=False) + "\n",
            "context.jsonld": json.dumps(jsonld_context(), indent=2) + "\n",
            "cancer-spread.sssom.tsv": sssom_text(graph),
            "cancer-spread-vocab.ttl": canonical_turtle(vocab),
            "cancer-spread-vocab.owl": serialise(vocab, "xml"),
        }
    )
    out = []
    for name in RELEASE_FILES:
        write_atomic(folder / name, texts[name])
        out.append(folder / name)
    return out
