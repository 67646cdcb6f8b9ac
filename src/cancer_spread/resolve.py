"""Turn what a user types (a name, synonym, code or IRI) into the IRI of one entity.

Matching ignores case and surrounding space. In order of precedence: an IRI or prefixed name,
a preferred label, a synonym, the IRI's last segment, then a code (``C78.7``,
``UBERON:0002107``, ``NCIT:C4872``, ``BRCA``). An unknown value fails with the closest names.

>>> from cancer_spread.load import load_graph
>>> r = Resolver(load_graph())
>>> r.resolve("Bowel cancer", "cancer")
rdflib.term.URIRef('https://w3id.org/cancer-spread/cancer/colorectal')
>>> r.resolve("C78.7", "site")
rdflib.term.URIRef('https://w3id.org/cancer-spread/site/liver')
"""

from __future__ import annotations

import difflib
import weakref
from collections import defaultdict

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .errors import InputError
from .namespaces import CS, curie, expand

__all__ = ["KIND_CLASSES", "Resolver", "resolver_for"]

#: The classes whose instances each parameter type accepts.
KIND_CLASSES: dict[str, tuple[URIRef, ...]] = {
    "cancer": (CS.PrimaryCancer,),
    "site": (CS.AnatomicalSite, CS.LymphNodeGroup),
    "term": (CS.GlossaryTerm,),
    "route": (CS.Route,),
    "entity": (CS.PrimaryCancer, CS.AnatomicalSite, CS.LymphNodeGroup, CS.GlossaryTerm, CS.Route),
}
_NOUNS = {
    "cancer": "primary cancer",
    "site": "site",
    "term": "glossary term",
    "route": "route of spread",
    "entity": "cancer, site, term or route",
}
_CODE_PROPS = (CS.xref, CS.secondaryXref, CS.unverifiedXref)


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


class Resolver:
    """An index of every name and code of the entities in one graph."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        # tier -> normalised key -> set of IRIs. Lower tier wins.
        self.index: list[dict[str, set[URIRef]]] = [defaultdict(set) for _ in range(5)]
        self.kind_of: dict[URIRef, set[str]] = defaultdict(set)
        self.labels: dict[URIRef, str] = {}
        for kind, classes in KIND_CLASSES.items():
            for cls in classes:
                for s in graph.subjects(RDF.type, cls):
                    if isinstance(s, URIRef):
                        self.kind_of[s].add(kind)
        for s in self.kind_of:
            label = graph.value(s, SKOS.prefLabel) or graph.value(s, RDFS.label)
            self.labels[s] = str(label) if label is not None else curie(s)
            self.index[0][_norm(str(s))].add(s)
            self.index[0][_norm(curie(s))].add(s)
            for lab in graph.objects(s, SKOS.prefLabel):
                self.index[1][_norm(lab)].add(s)
            for lab in graph.objects(s, SKOS.altLabel):
                self.index[2][_norm(lab)].add(s)
            self.index[3][_norm(str(s).rstrip("/").rsplit("/", 1)[-1])].add(s)
            for prop in _CODE_PROPS:
                for code in graph.objects(s, prop):
                    text = str(code)
                    self.index[4][_norm(text)].add(s)
                    prefix, _, local = text.partition(":")
                    self.index[4][_norm(local)].add(s)
                    if prefix.upper() in ("ICD10", "ICD10CM") and "." in local:
                        self.index[4][_norm(local.replace(".", ""))].add(s)

    def _ancestors(self, node: URIRef) -> set[URIRef]:
        seen: set[URIRef] = set()
        todo = [node]
        while todo:
            for parent in self.graph.objects(todo.pop(), SKOS.broader):
                if isinstance(parent, URIRef) and parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    def _broadest(self, hits: set[URIRef]) -> URIRef | None:
        """The one hit that is an ancestor of all the others (a code shared by a site and its
        parts names the whole), else ``None``."""
        for h in hits:
            if all(h in self._ancestors(o) for o in hits if o != h):
                return h
        return None

    def candidates(self, kind: str) -> list[str]:
        """Every name a value of ``kind`` may take (labels and synonyms)."""
        names = set()
        for s, kinds in self.kind_of.items():
            if kind in kinds:
                names.add(self.labels[s])
                names.update(str(x) for x in self.graph.objects(s, SKOS.altLabel))
        return sorted(names, key=str.casefold)

    def resolve(self, value: str, kind: str = "entity", *, param: str | None = None) -> URIRef:
        """The IRI ``value`` names among entities of ``kind``; :class:`InputError` if none or
        several match."""
        what = f"parameter {param}: " if param else ""
        noun = _NOUNS.get(kind, kind)
        key = _norm(value)
        if not key:
            raise InputError(f"{what}empty {noun} name", hint="give a name, synonym, code or IRI")
        iri = expand(value.strip())
        if iri is not None:
            key_iri = _norm(iri)
            if key_iri in self.index[0]:
                key = key_iri
        for tier in self.index:
            hits = {s for s in tier.get(key, ()) if kind in self.kind_of[s]}
            if len(hits) == 1:
                return next(iter(hits))
            if len(hits) > 1:
                broadest = self._broadest(hits)
                if broadest is not None:
                    return broadest
                names = ", ".join(f"{self.labels[h]} ({curie(h)})" for h in sorted(hits))
                raise InputError(
                    f"{what}{value!r} is ambiguous: it names {names}",
                    hint="use a full name or the IRI",
                )
        pool = self.candidates(kind)
        close = difflib.get_close_matches(value, pool, n=5, cutoff=0.5)
        if not close:
            lowered = {p.casefold(): p for p in pool}
            close = [lowered[k] for k in difflib.get_close_matches(value.casefold(), list(lowered), n=5, cutoff=0.5)]
        hint = (
            "did you mean: " + ", ".join(repr(c) for c in close) + "?"
            if close
            else f"see the list with: cancer-spread query glossary, or a {noun} code"
        )
        raise InputError(f"{what}unknown {noun} {value!r}", hint=hint)


_RESOLVERS: weakref.WeakKeyDictionary[Graph, Resolver] = weakref.WeakKeyDictionary()


def resolver_for(graph: Graph) -> Resolver:
    """The (cached) resolver of ``graph``."""
    r = _RESOLVERS.get(graph)
    if r is None:
        r = _RESOLVERS[graph] = Resolver(graph)
    return r
