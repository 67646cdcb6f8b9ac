"""IRIs and prefixes: the one canonical prefix map of the project.

Every module and every file written by the project binds exactly these prefixes, so that the
output does not depend on rdflib's default bindings (which have changed between releases).

>>> from cancer_spread.namespaces import CS, curie
>>> curie(CS.SpreadPattern)
'cs:SpreadPattern'
>>> curie("http://purl.obolibrary.org/obo/NCIT_C4872")
'obo:NCIT_C4872'
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: the start-up path (quick.py) never imports typing
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from rdflib import Graph, Namespace, URIRef

__all__ = [
    "BASE",
    "CANCER",
    "CS",
    "DATASET",
    "PREFIXES",
    "SITE",
    "bind_prefixes",
    "curie",
    "expand",
]

BASE = "https://w3id.org/cancer-spread/"

# CS, CANCER, SITE (rdflib Namespaces) and DATASET (an rdflib URIRef) are made on first use, so
# that the fast query path never imports rdflib.
_LAZY = {"CS": "vocab/", "CANCER": "cancer/", "SITE": "site/"}
CS: Namespace  # declared here, made by __getattr__
CANCER: Namespace
SITE: Namespace
DATASET: URIRef


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from rdflib import Namespace

        value: Any = Namespace(BASE + _LAZY[name])
    elif name == "DATASET":
        from rdflib import URIRef

        value = URIRef(BASE + "dataset")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


#: prefix -> namespace, in the order they are written (sorted by prefix).
PREFIXES: dict[str, str] = dict(
    sorted(
        {
            "cancer": BASE + "cancer/",
            "cohort": BASE + "cohort/",
            "cs": BASE + "vocab/",
            "dcat": "http://www.w3.org/ns/dcat#",
            "dcterms": "http://purl.org/dc/terms/",
            "evidence": BASE + "evidence/",
            "frequency": BASE + "frequency/",
            "kind": BASE + "evidence-kind/",
            "mapping": BASE + "mapping/",
            "measure": BASE + "measure/",
            "obo": "http://purl.obolibrary.org/obo/",
            "oboInOwl": "http://www.geneontology.org/formats/oboInOwl#",
            "owl": "http://www.w3.org/2002/07/owl#",
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "route": BASE + "route/",
            "routeclaim": BASE + "route-claim/",
            "ranking": BASE + "ranking/",
            "rankingatsite": BASE + "ranking-at-site/",
            "rule": BASE + "rule/",
            "sd": "http://www.w3.org/ns/sparql-service-description#",
            "sh": "http://www.w3.org/ns/shacl#",
            "site": BASE + "site/",
            "skos": "http://www.w3.org/2004/02/skos/core#",
            "source": BASE + "source/",
            "spread": BASE + "spread/",
            "spreadclass": BASE + "spread-class/",
            "term": BASE + "term/",
            "timing": BASE + "timing/",
            "void": "http://rdfs.org/ns/void#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        }.items()
    )
)

# Longest namespace first, so that the most specific prefix wins.
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes on ``graph`` (replacing rdflib's defaults) and return it."""
    from rdflib import Namespace

    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, Namespace(ns), override=True, replace=True)
    return graph


def curie(iri: str) -> str:
    """Shorten ``iri`` to ``prefix:local`` when a project prefix covers it, else return it as is."""
    text = str(iri)
    for prefix, ns in _BY_LENGTH:
        if text.startswith(ns) and len(text) > len(ns):
            return f"{prefix}:{text[len(ns) :]}"
    return text


def expand(value: str) -> str | None:
    """Expand ``prefix:local`` with a project prefix; return ``None`` if the prefix is unknown.

    >>> expand("site:liver")
    'https://w3id.org/cancer-spread/site/liver'
    >>> expand("nope:x") is None
    True
    """
    prefix, sep, local = value.partition(":")
    if not sep or prefix not in PREFIXES or local.startswith("//"):
        return None
    return PREFIXES[prefix] + local
