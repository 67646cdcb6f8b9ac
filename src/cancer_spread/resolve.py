"""Turn what a user types (a name, synonym, code or IRI) into the IRI of one entity.

Matching ignores case and surrounding space. In order of precedence: an IRI or prefixed name,
a preferred label, a synonym, a short form of a label (the label without its head noun:
"ovarian" from "ovarian cancer", "ovary" from "cancer of the ovary", "metastatic" from
"metastatic cancer"), the IRI's last segment, then a code (``C78.7``, ``UBERON:0002107``,
``NCIT:C4872``, ``BRCA``). A code shared by a site and its parts names the whole. A name shared
by entities of several kinds (a glossary term and a cancer) goes to the kind preferred first.

A value that names nothing of the kind asked for fails plainly: if it names another kind of
entity (``sites C78.7``: a site code) the error says which command answers it; otherwise it
says the name is not in the graph yet, with at most three close names.

The index is built from plain records, read either from an rdflib graph or from an Oxigraph
store (:func:`resolver_for` takes either), so both engines resolve names identically.

>>> from cancer_spread.load import load_graph
>>> r = Resolver(load_graph())
>>> r.resolve("Bowel cancer", "cancer")
rdflib.term.URIRef('https://w3id.org/cancer-spread/cancer/colorectal')
>>> r.resolve_iri("C78.7", "site")
'https://w3id.org/cancer-spread/site/liver'
>>> r.resolve_iri("ovarian", "cancer")
'https://w3id.org/cancer-spread/cancer/ovary'
"""

from __future__ import annotations

import re
import weakref
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .errors import InputError
from .namespaces import BASE, curie, expand

__all__ = ["KIND_CLASSES", "Record", "Resolver", "resolver_for"]

_CS = BASE + "vocab/"
_SKOS = "http://www.w3.org/2004/02/skos/core#"

#: The classes (IRIs) whose instances each parameter type accepts.
KIND_CLASSES: dict[str, tuple[str, ...]] = {
    "cancer": (_CS + "PrimaryCancer",),
    "site": (_CS + "AnatomicalSite", _CS + "LymphNodeGroup"),
    "term": (_CS + "GlossaryTerm",),
    "route": (_CS + "Route",),
    "entity": (
        _CS + "PrimaryCancer",
        _CS + "AnatomicalSite",
        _CS + "LymphNodeGroup",
        _CS + "GlossaryTerm",
        _CS + "Route",
    ),
}
_NOUNS = {
    "cancer": "primary cancer",
    "site": "site",
    "term": "glossary term",
    "route": "route of spread",
    "entity": "cancer, site, term or route",
}
#: The command that answers a question about each kind, for "did you mean" hints.
COMMAND_FOR = {
    "cancer": "cancer-spread sites",
    "site": "cancer-spread primaries",
    "term": "cancer-spread define",
}
#: What ``cancer-spread list`` calls each kind.
LIST_NAME = {"cancer": "cancers", "site": "sites", "term": "terms"}
#: When a name fits several kinds, the first kind here wins (a cancer over a site).
DEFAULT_PREFERENCE = ("cancer", "term", "site", "route")
# Head nouns dropped from a label to give its short form ("ovarian cancer" -> "ovarian").
_HEAD = re.compile(r"\s+(?:cancer|cancers|carcinoma|tumour|tumor|tumours|tumors|neoplasm|disease)$")
_OF_THE = re.compile(r"^(?:cancer|carcinoma|tumour|tumor) of the\s+")
_CODE_PROPS = (_CS + "xref", _CS + "secondaryXref", _CS + "unverifiedXref")
_CLASSES = sorted({c for classes in KIND_CLASSES.values() for c in classes})

#: One SPARQL query reads every record from a store; both engines answer it the same way.
RECORDS_QUERY = f"""
SELECT ?s ?class ?p ?o WHERE {{
  VALUES ?class {{ {" ".join(f"<{c}>" for c in _CLASSES)} }}
  ?s a ?class .
  OPTIONAL {{
    VALUES ?p {{ <{_SKOS}prefLabel> <{_SKOS}altLabel> <http://www.w3.org/2000/01/rdf-schema#label>
                <{_SKOS}broader> {" ".join(f"<{p}>" for p in _CODE_PROPS)} }}
    ?s ?p ?o .
  }}
}}
"""


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def short_forms(label: str) -> set[str]:
    """The short forms of a label by which people name the thing: without a head noun
    ("cancer", "carcinoma", "tumour"…) at the end or "cancer of the" at the start.

    >>> sorted(short_forms("ovarian cancer") | short_forms("cancer of the ovary"))
    ['ovarian', 'ovary']
    >>> short_forms("melanoma")
    set()
    """
    key = _norm(label)
    out = {_HEAD.sub("", key), _OF_THE.sub("", key)} - {key, ""}
    return out


@dataclass
class Record:
    """What the resolver needs to know of one entity."""

    iri: str
    classes: set[str] = field(default_factory=set)
    pref: list[str] = field(default_factory=list)
    alt: list[str] = field(default_factory=list)
    label: list[str] = field(default_factory=list)  # rdfs:label, a fallback for display
    codes: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)


def records_from_rows(rows: Iterable[tuple[str, str, str | None, str | None]]) -> list[Record]:
    """Fold the rows of :data:`RECORDS_QUERY` (subject, class, property, value) into records."""
    out: dict[str, Record] = {}
    slot = {
        _SKOS + "prefLabel": "pref",
        _SKOS + "altLabel": "alt",
        "http://www.w3.org/2000/01/rdf-schema#label": "label",
        _SKOS + "broader": "parents",
        **{p: "codes" for p in _CODE_PROPS},
    }
    seen: set[tuple[str, str, str]] = set()
    for s, cls, p, o in rows:
        rec = out.setdefault(s, Record(s))
        rec.classes.add(cls)
        if p is None or o is None or (s, p, o) in seen:
            continue
        seen.add((s, p, o))
        getattr(rec, slot[p]).append(o)
    return list(out.values())


class Resolver:
    """An index of every name and code of the entities of a graph (rdflib) or store (Oxigraph)."""

    def __init__(self, graph: Any = None, *, records: Iterable[Record] | None = None) -> None:
        if records is None:
            records = _records_of(graph)
        self.records = {r.iri: r for r in records}
        # tier -> normalised key -> set of IRIs. Lower tier wins.
        self.index: list[dict[str, set[str]]] = [defaultdict(set) for _ in range(6)]
        self.kind_of: dict[str, set[str]] = defaultdict(set)
        self.labels: dict[str, str] = {}
        for rec in self.records.values():
            for kind, classes in KIND_CLASSES.items():
                if rec.classes & set(classes):
                    self.kind_of[rec.iri].add(kind)
        for iri, rec in self.records.items():
            names = sorted(rec.pref) or sorted(rec.label)
            self.labels[iri] = names[0] if names else curie(iri)
            self.index[0][_norm(iri)].add(iri)
            self.index[0][_norm(curie(iri))].add(iri)
            for lab in rec.pref:
                self.index[1][_norm(lab)].add(iri)
            for lab in rec.alt:
                self.index[2][_norm(lab)].add(iri)
            for lab in rec.pref + rec.alt:
                for short in short_forms(lab):
                    self.index[3][short].add(iri)
            self.index[4][_norm(iri.rstrip("/").rsplit("/", 1)[-1])].add(iri)
            for code in rec.codes:
                self.index[5][_norm(code)].add(iri)
                prefix, _, local = code.partition(":")
                self.index[5][_norm(local)].add(iri)
                if prefix.upper() in ("ICD10", "ICD10CM") and "." in local:
                    self.index[5][_norm(local.replace(".", ""))].add(iri)

    def state(self) -> dict[str, Any]:
        """The finished index as plain JSON data (saved with a store snapshot, so that the next
        process reads it instead of building it again: :meth:`from_state`)."""
        return {
            "records": {
                iri: [sorted(r.classes), r.pref, r.alt, r.label, r.codes, r.parents] for iri, r in self.records.items()
            },
            "index": [{key: sorted(iris) for key, iris in tier.items()} for tier in self.index],
            "kind_of": {iri: sorted(kinds) for iri, kinds in self.kind_of.items()},
            "labels": self.labels,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Resolver:
        """The resolver whose :meth:`state` this is.

        >>> r = Resolver(records=[Record("https://w3id.org/cancer-spread/site/liver",
        ...     {"https://w3id.org/cancer-spread/vocab/AnatomicalSite"}, ["liver"], ["hepatic"])])
        >>> Resolver.from_state(r.state()).state() == r.state()
        True
        """
        self = cls.__new__(cls)
        self.records = {
            iri: Record(iri, set(classes), pref, alt, label, codes, parents)
            for iri, (classes, pref, alt, label, codes, parents) in state["records"].items()
        }
        self.index = [defaultdict(set, {key: set(iris) for key, iris in tier.items()}) for tier in state["index"]]
        self.kind_of = defaultdict(set, {iri: set(kinds) for iri, kinds in state["kind_of"].items()})
        self.labels = dict(state["labels"])
        return self

    def _ancestors(self, node: str) -> set[str]:
        seen: set[str] = set()
        todo = [node]
        while todo:
            rec = self.records.get(todo.pop())
            for parent in rec.parents if rec else ():
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    def _broadest(self, hits: set[str]) -> str | None:
        """The one hit that is an ancestor of all the others (a code shared by a site and its
        parts names the whole), else ``None``."""
        for h in sorted(hits):
            if all(h in self._ancestors(o) for o in hits if o != h):
                return h
        return None

    def candidates(self, kind: str) -> list[str]:
        """Every name a value of ``kind`` may take (labels and synonyms)."""
        names = set()
        for iri, kinds in self.kind_of.items():
            if kind in kinds:
                names.add(self.labels[iri])
                names.update(self.records[iri].alt)
        return sorted(names, key=str.casefold)

    def _preferred(self, hits: set[str], prefer: tuple[str, ...]) -> set[str]:
        """The hits of the first kind in ``prefer`` that has any (all hits if none has)."""
        for kind in prefer:
            some = {h for h in hits if kind in self.kind_of[h]}
            if some:
                return some
        return hits

    def lookup(self, value: str, kind: str = "entity", prefer: tuple[str, ...] = DEFAULT_PREFERENCE) -> set[str]:
        """The IRIs ``value`` names among entities of ``kind`` at the first tier that has any
        (several only when the name is truly ambiguous); empty if none."""
        key = _norm(value)
        if not key:
            return set()
        iri = expand(value.strip())
        if iri is not None and _norm(iri) in self.index[0]:
            key = _norm(iri)
        for tier in self.index:
            hits = {s for s in tier.get(key, ()) if kind in self.kind_of[s]}
            if len(hits) > 1:
                hits = self._preferred(hits, prefer)
            if len(hits) > 1:
                broadest = self._broadest(hits)
                if broadest is not None:
                    return {broadest}
            if hits:
                return hits
        return set()

    def suggestions(self, value: str, kind: str, n: int = 3) -> list[str]:
        """At most ``n`` names of ``kind`` close to ``value``: close spellings ("brest"), or names
        holding every word of it ("triple negative")."""
        pool = self.candidates(kind)
        lowered: dict[str, str] = {}
        for name in pool:
            lowered.setdefault(name.casefold(), name)
        for name in pool:
            for short in short_forms(name):
                lowered.setdefault(short, name)
        key = _norm(value)
        import difflib

        close = [lowered[k] for k in difflib.get_close_matches(key, list(lowered), n=n, cutoff=0.75)]
        words = [w for w in re.split(r"[\s\-]+", key) if len(w) > 2]
        if words:
            for low, name in sorted(lowered.items(), key=lambda kv: len(kv[0])):
                parts = set(re.split(r"[\s\-]+", low))
                if all(w in parts for w in words) and name not in close:
                    close.append(name)
        # One name per entity, the preferred label first.
        out: list[str] = []
        seen: set[str] = set()
        for name in close:
            iris = self.lookup(name, kind)
            iri = next(iter(iris)) if len(iris) == 1 else name
            if iri in seen:
                continue
            seen.add(iri)
            out.append(self.labels.get(iri, name))
            if len(out) == n:
                break
        return out

    def resolve_iri(
        self,
        value: str,
        kind: str = "entity",
        *,
        param: str | None = None,
        prefer: tuple[str, ...] = DEFAULT_PREFERENCE,
    ) -> str:
        """The IRI (a string) ``value`` names among entities of ``kind``; :class:`InputError` if
        none or several match."""
        what = f"parameter {param}: " if param else ""
        noun = _NOUNS.get(kind, kind)
        if not _norm(value):
            raise InputError(f"{what}empty {noun} name", hint="give a name, synonym, code or IRI")
        hits = self.lookup(value, kind, prefer)
        if len(hits) == 1:
            return next(iter(hits))
        if hits:
            names = ", ".join(f"{self.labels[h]} ({curie(h)})" for h in sorted(hits))
            raise InputError(f"{what}{value!r} is ambiguous: it names {names}", hint="use a full name or the IRI")
        # Another kind of entity? Say which command answers about it.
        for other in ("cancer", "site", "term"):
            if other == kind or kind == "entity":
                continue
            found = self.lookup(value, other)
            if len(found) == 1:
                iri = next(iter(found))
                shown = value if " " not in value else f'"{value}"'
                raise InputError(
                    f"{what}{value!r} is not a {noun}: it names the {_NOUNS[other]} {self.labels[iri]!r}",
                    hint=f"for that {_NOUNS[other]}, try: {COMMAND_FOR[other]} {shown}",
                )
        close = self.suggestions(value, kind)
        listing = f"cancer-spread list {LIST_NAME[kind]}" if kind in LIST_NAME else "cancer-spread list"
        if close:
            hint = "did you mean " + _or(close) + "? Everything covered: " + listing
        else:
            hint = f"everything covered: {listing}"
        raise InputError(f"{what}unknown {noun} {value!r}: not in the graph yet", hint=hint)

    def resolve_preferring(self, value: str, first: str, kind: str = "entity", *, param: str | None = None) -> str:
        """The IRI ``value`` names among entities of kind ``first`` if it names one (at any tier),
        else among ``kind``: the viewer's focus prefers the cancer "breast" to the site."""
        hits = self.lookup(value, first)
        if len(hits) == 1:
            return next(iter(hits))
        return self.resolve_iri(value, kind, param=param)

    def resolve(
        self,
        value: str,
        kind: str = "entity",
        *,
        param: str | None = None,
        prefer: tuple[str, ...] = DEFAULT_PREFERENCE,
    ) -> Any:
        """Like :meth:`resolve_iri`, as an rdflib ``URIRef``."""
        from rdflib import URIRef

        return URIRef(self.resolve_iri(value, kind, param=param, prefer=prefer))


def _or(names: list[str]) -> str:
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _records_of(source: Any) -> list[Record]:
    """Read the records from an rdflib graph or from anything with ``select(text)`` (a store)."""
    if hasattr(source, "select"):
        rows = source.select(RECORDS_QUERY)
        return records_from_rows(
            (r.value, c.value, p.value if p else None, o.value if o else None) for r, c, p, o in rows.rows
        )
    result = source.query(RECORDS_QUERY)
    return records_from_rows((str(s), str(c), str(p) if p else None, str(o) if o else None) for s, c, p, o in result)


_RESOLVERS: weakref.WeakKeyDictionary[Any, Resolver] = weakref.WeakKeyDictionary()


def resolver_for(source: Any) -> Resolver:
    """The (cached) resolver of an rdflib graph or a store."""
    r = _RESOLVERS.get(source)
    if r is None:
        r = _RESOLVERS[source] = Resolver(source)
    return r
