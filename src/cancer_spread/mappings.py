"""Code mappings: every code of the graph as a mapping with a SKOS predicate and a justification.

The graph keeps codes as prefixed strings (``cs:xref "NCIT:C4872"``). This module decides, for
each (entity, code), how the two relate, and is the one source for both the SSSOM mapping set
(:mod:`cancer_spread.sssom`) and the IRI links added to the graph when it is built
(:func:`iri_links`, for codes of vocabularies that have IRIs: NCIt, Mondo, UBERON, DOID, MeSH).

The predicate (from the entity to the code):

- ``skos:relatedMatch`` for codes of another kind of thing: a site's code for *secondary cancer
  in the site* (``cs:secondaryXref``), and a cancer's ICD-O-3 *topography* code (a body site);
- ``skos:closeMatch`` for the buckets of classifications (ICD-10, ICD-10-CM, ICD-O-3), whose
  inclusion rules never quite match a concept; ``skos:narrowMatch`` when an entity needs several
  of them (bowel cancer: C18, C19 and C20);
- ``skos:exactMatch`` for concepts of ontologies and thesauri (NCIt, Mondo, DOID, MeSH, UBERON,
  OncoTree);
- ``skos:broadMatch`` when a broader entity (``skos:broader``) carries the same code as a match
  (non-small cell lung cancer and ICD-10 C34, which is lung cancer);
- then the curated exceptions of ``graph/mappings/predicates.tsv`` (breast carcinoma is
  narrower than breast cancer).

The justification is ``semapv:ManualMappingCuration`` for codes checked by hand (``cs:xref``,
``cs:secondaryXref``, and the glossary's ``skos:exactMatch``/``closeMatch``) and
``semapv:UnspecifiedMatching`` for ``cs:unverifiedXref``, which is never linked as an IRI.
Ranges such as ``ICD10:C00-C14`` are not codes and are left out (:func:`is_range`).

>>> is_range("ICD10:C00-C14"), is_range("ICD10:C50")
(True, False)
>>> code_iri("NCIT:C4872")
'http://purl.obolibrary.org/obo/NCIT_C4872'
>>> code_iri("ICD10:C50") is None
True
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import LoadError
from .namespaces import BASE, PREFIXES, curie
from .paths import DataPaths, find_paths

__all__ = [
    "BIOREGISTRY",
    "Mapping",
    "code_iri",
    "code_mappings",
    "iri_links",
    "is_range",
    "load_overrides",
]

_CS = BASE + "vocab/"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

#: The graph's code prefix -> (the prefix as the Bioregistry spells it, the URI prefix in the
#: mapping set's ``curie_map``: the IRIs the vocabulary's owner publishes where there are any,
#: else the Bioregistry's own resolver).
BIOREGISTRY: dict[str, tuple[str, str]] = {
    "DOID": ("DOID", "http://purl.obolibrary.org/obo/DOID_"),
    "ICD10": ("icd10", "https://icd.who.int/browse10/2019/en#/"),
    "ICD10CM": ("icd10cm", "https://bioregistry.io/icd10cm:"),
    "ICDO3": ("icdo", "https://bioregistry.io/icdo:"),
    "MESH": ("mesh", "http://id.nlm.nih.gov/mesh/"),
    "MONDO": ("MONDO", "http://purl.obolibrary.org/obo/MONDO_"),
    "NCIT": ("NCIT", "http://purl.obolibrary.org/obo/NCIT_"),
    "ONCOTREE": ("oncotree", "http://oncotree.mskcc.org/api/tumorTypes/search/code/"),
    "UBERON": ("UBERON", "http://purl.obolibrary.org/obo/UBERON_"),
}

#: Prefixes whose codes are published as IRIs by the vocabulary's owner (linked in the graph).
_IRI_FORM = {
    "DOID": "http://purl.obolibrary.org/obo/DOID_",
    "MESH": "http://id.nlm.nih.gov/mesh/",
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_",
    "NCIT": "http://purl.obolibrary.org/obo/NCIT_",
    "UBERON": "http://purl.obolibrary.org/obo/UBERON_",
}
_CLASSIFICATIONS = {"ICD10", "ICD10CM", "ICDO3"}
_PREDICATES = ("exactMatch", "closeMatch", "narrowMatch", "broadMatch", "relatedMatch")
_RANGE = re.compile(r"^[A-Za-z0-9]+:\w+(\.\w+)?-\w+")

_CODE_PROPERTIES = {_CS + "xref": True, _CS + "secondaryXref": True, _CS + "unverifiedXref": False}


@dataclass(frozen=True, order=True)
class Mapping:
    """One mapping row: the entity (IRI), the predicate (``skos:...``), the code (``NCIT:C4872``
    as the graph writes it), whether the code was verified, and a comment."""

    subject: str
    code: str
    predicate: str
    verified: bool
    comment: str = ""

    @property
    def justification(self) -> str:
        return "semapv:ManualMappingCuration" if self.verified else "semapv:UnspecifiedMatching"


def is_range(code: str) -> bool:
    """Whether ``code`` is a range of codes (``ICD10:C00-C14``), which is not a code."""
    return bool(_RANGE.match(code))


def code_iri(code: str) -> str | None:
    """The IRI the vocabulary's owner publishes for ``code``, or ``None`` if it has none."""
    prefix, _, local = code.partition(":")
    if prefix in _IRI_FORM and local:
        return _IRI_FORM[prefix] + local
    return None


def _iri_code(iri: str) -> str | None:
    for prefix, ns in _IRI_FORM.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return None


def load_overrides(paths: DataPaths | None = None) -> dict[tuple[str, str], tuple[str, str]]:
    """The curated exceptions: ``(subject CURIE, code) -> (predicate, comment)``."""
    path = (paths or find_paths()).graph / "mappings" / "predicates.tsv"
    if not path.is_file():
        return {}
    out: dict[tuple[str, str], tuple[str, str]] = {}
    lines = [(n, line) for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)]
    rows = [(n, line) for n, line in lines if line.strip() and not line.startswith("#")]
    header = rows[0][1].split("\t") if rows else []
    for n, line in rows[1:]:
        row = dict(zip(header, next(csv.reader([line], delimiter="\t")), strict=False))
        predicate = row.get("predicate_id", "")
        if predicate.removeprefix("skos:") not in _PREDICATES or not row.get("subject_id") or not row.get("object_id"):
            raise LoadError(
                f"{path}:{n}: expected subject_id, object_id and a skos: match predicate",
                hint="use skos:exactMatch, closeMatch, narrowMatch, broadMatch or relatedMatch",
            )
        out[(row["subject_id"], row["object_id"])] = (predicate, row.get("comment", ""))
    return out


# A triple source: given a predicate IRI, yield (subject IRI, object value) pairs as strings.
TripleSource = Callable[[str], Iterable[tuple[str, str]]]


def code_mappings(triples: TripleSource, overrides: dict[tuple[str, str], tuple[str, str]]) -> list[Mapping]:
    """Every mapping of the graph, sorted. ``triples(p)`` yields the (subject, object) strings of
    predicate ``p``: it works on rdflib and Oxigraph alike."""
    types: dict[str, set[str]] = defaultdict(set)
    for s, o in triples(_RDF_TYPE):
        types[s].add(o)
    parents: dict[str, set[str]] = defaultdict(set)
    for s, o in triples(_SKOS + "broader"):
        parents[s].add(o)

    def ancestors(s: str) -> set[str]:
        seen: set[str] = set()
        todo = list(parents.get(s, ()))
        while todo:
            a = todo.pop()
            if a not in seen:
                seen.add(a)
                todo.extend(parents.get(a, ()))
        return seen

    raw: list[tuple[str, str, str, bool]] = []  # subject, code, property, verified
    for prop, verified in _CODE_PROPERTIES.items():
        for s, code in triples(prop):
            if not is_range(code):
                raw.append((s, code, prop, verified))
    per_prefix: dict[tuple[str, str, str], int] = defaultdict(int)
    for s, code, prop, _v in raw:
        per_prefix[(s, prop, code.partition(":")[0])] += 1

    first: dict[tuple[str, str], str] = {}
    for s, code, prop, _v in raw:
        prefix = code.partition(":")[0]
        is_cancer = _CS + "PrimaryCancer" in types[s]
        if prop == _CS + "secondaryXref" or (is_cancer and prefix == "ICDO3"):
            predicate = "relatedMatch"
        elif prefix in _CLASSIFICATIONS:
            predicate = "narrowMatch" if per_prefix[(s, prop, prefix)] > 1 else "closeMatch"
        else:
            predicate = "exactMatch"
        first[(s, code)] = predicate

    out: list[Mapping] = []
    for s, code, _prop, verified in raw:
        predicate = first[(s, code)]
        if predicate in ("exactMatch", "closeMatch") and any(
            first.get((a, code)) in ("exactMatch", "closeMatch") for a in ancestors(s)
        ):
            predicate = "broadMatch"
        predicate, comment = overrides.get((curie(s), code), ("skos:" + predicate, ""))
        if not verified:
            comment = ("Not verified against the code system. " + comment).strip()
        out.append(Mapping(s, code, predicate, verified, comment))
    # The glossary links its terms to IRIs itself.
    for name in ("exactMatch", "closeMatch", "narrowMatch", "broadMatch", "relatedMatch"):
        for s, o in triples(_SKOS + name):
            code = _iri_code(o)
            if code and not any(m.subject == s and m.code == code for m in out):
                out.append(Mapping(s, code, "skos:" + name, True, ""))
    return sorted(set(out))


def rdflib_source(graph: object) -> TripleSource:
    """A :data:`TripleSource` over an rdflib graph."""
    from rdflib import URIRef

    def triples(p: str) -> Iterable[tuple[str, str]]:
        for s, o in graph.subject_objects(URIRef(p)):  # type: ignore[attr-defined]
            if isinstance(s, URIRef):
                yield str(s), str(o)

    return triples


def oxigraph_source(store: object) -> TripleSource:
    """A :data:`TripleSource` over a ``pyoxigraph.Store``."""
    import pyoxigraph as ox

    def triples(p: str) -> Iterable[tuple[str, str]]:
        for q in store.quads_for_pattern(None, ox.NamedNode(p), None):  # type: ignore[attr-defined]
            if isinstance(q.subject, ox.NamedNode):
                yield q.subject.value, q.object.value

    return triples


def iri_links(mappings: Iterable[Mapping]) -> list[tuple[str, str, str]]:
    """``(entity, skos predicate IRI, code IRI)`` for every verified code that has an IRI form
    and is not yet linked (the glossary's own links stay as written)."""
    out = []
    for m in mappings:
        iri = code_iri(m.code)
        if m.verified and iri:
            out.append((m.subject, _SKOS + m.predicate.removeprefix("skos:"), iri))
    return sorted(set(out))


def prefixes_used(mappings: Iterable[Mapping]) -> list[str]:
    """The project prefixes of the subjects (``cancer``, ``site``, ``term``…), sorted."""
    return sorted({curie(m.subject).partition(":")[0] for m in mappings} & set(PREFIXES))


def read_sssom_rows(path: Path) -> list[dict[str, str]]:
    """The rows of an SSSOM TSV file (its ``#`` header skipped), as dicts."""
    lines = [line for line in Path(path).read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def link_rdflib(graph: object, paths: DataPaths | None = None) -> None:
    """Add :func:`iri_links` to an rdflib graph (part of :func:`cancer_spread.load.derive`)."""
    from rdflib import URIRef

    for s, p, o in iri_links(code_mappings(rdflib_source(graph), load_overrides(paths))):
        graph.add((URIRef(s), URIRef(p), URIRef(o)))  # type: ignore[attr-defined]


def link_oxigraph(store: object, paths: DataPaths | None = None) -> None:
    """Add :func:`iri_links` to a ``pyoxigraph.Store`` (part of ``Store.derive``)."""
    import pyoxigraph as ox

    links = iri_links(code_mappings(oxigraph_source(store), load_overrides(paths)))
    store.extend(  # type: ignore[attr-defined]
        ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), ox.DefaultGraph()) for s, p, o in links
    )
