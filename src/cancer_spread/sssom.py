"""The SSSOM mapping set: ``cancer-spread.sssom.tsv``, written by ``build``.

One row per code of the graph (see :mod:`cancer_spread.mappings` for how the predicate and the
justification are chosen), under a YAML header with the mapping set's metadata and a
``curie_map`` whose prefixes are spelled as the Bioregistry spells them.

>>> from cancer_spread.load import load_graph
>>> text = sssom_text(load_graph())
>>> text.splitlines()[0]
'# curie_map:'
>>> "cancer:breast\\tbreast cancer\\tskos:exactMatch\\tNCIT:C9335" in text
True
"""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import SKOS

from .mappings import BIOREGISTRY, code_mappings, load_overrides, prefixes_used, rdflib_source
from .namespaces import BASE, PREFIXES, curie
from .paths import DataPaths

__all__ = ["COLUMNS", "sssom_text"]

COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "mapping_justification", "confidence", "comment")

_STANDARD = {
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "semapv": "https://w3id.org/semapv/vocab/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "sssom": "https://w3id.org/sssom/",
}


def registry_code(code: str) -> str:
    """``code`` with its prefix spelled as the Bioregistry spells it.

    >>> registry_code("ICDO3:C50.9")
    'icdo:C50.9'
    """
    prefix, _, local = code.partition(":")
    return f"{BIOREGISTRY[prefix][0]}:{local}" if prefix in BIOREGISTRY else code


def _cell(text: str) -> str:
    return " ".join(str(text).replace("\t", " ").split())


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sssom_text(graph: Graph, paths: DataPaths | None = None) -> str:
    """The SSSOM/TSV text of the graph's mappings (deterministic: no dates, sorted rows)."""
    from . import __version__

    mappings = code_mappings(rdflib_source(graph), load_overrides(paths))
    curie_map = dict(_STANDARD)
    for prefix in prefixes_used(mappings):
        curie_map[prefix] = PREFIXES[prefix]
    for code_prefix in sorted({m.code.partition(":")[0] for m in mappings}):
        if code_prefix in BIOREGISTRY:
            name, uri = BIOREGISTRY[code_prefix]
            curie_map[name] = uri
    curie_map["cs"] = PREFIXES["cs"]  # the creator, cs:contributors
    header = ["curie_map:"]
    header += [f"  {p}: {_yaml_string(ns)}" for p, ns in sorted(curie_map.items())]
    header += [
        f"mapping_set_id: {_yaml_string(f'{BASE}releases/{__version__}/cancer-spread.sssom.tsv')}",
        f"mapping_set_version: {_yaml_string(__version__)}",
        f"mapping_set_title: {_yaml_string('cancer-spread: codes of cancers, body sites and glossary terms')}",
        "mapping_set_description: "
        + _yaml_string(
            "How each primary cancer, body site and glossary term of cancer-spread relates to codes "
            "in NCIt, Mondo, DOID, MeSH, UBERON, OncoTree, ICD-10, ICD-10-CM and ICD-O-3."
        ),
        'license: "https://creativecommons.org/licenses/by/4.0/"',
        f"creator_id:\n  - {_yaml_string('cs:contributors')}",
    ]
    lines = ["# " + line for line in "\n".join(header).splitlines()]
    lines.append("\t".join(COLUMNS))
    for m in mappings:
        label = graph.value(_uri(m.subject), SKOS.prefLabel)
        row = [
            curie(m.subject),
            "" if label is None else str(label),
            m.predicate,
            registry_code(m.code),
            m.justification,
            "" if m.verified else "0.5",
            m.comment,
        ]
        lines.append("\t".join(_cell(c) for c in row))
    return "\n".join(lines) + "\n"


def _uri(iri: str) -> object:
    from rdflib import URIRef

    return URIRef(iri)
