"""Canonical Turtle: one writer whose output depends only on the triples.

rdflib's serialisers order subject blocks by how often each subject is referenced, so a block
moves when a new triple points at it and diffs grow. This writer orders everything:

- the prefix block lists the project's prefixes that the file uses, sorted;
- an ``owl:Ontology`` header comes first, then every other subject in IRI order;
- within a block, ``a`` (rdf:type) comes first, then predicates by their prefixed name;
- objects of one predicate are sorted and written one per line;
- blank nodes used once are written inline as ``[ ... ]``, RDF lists as ``( ... )``.

>>> from rdflib import Graph
>>> g = Graph().parse(data='''
...     @prefix site: <https://w3id.org/cancer-spread/site/> .
...     @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
...     site:lung skos:prefLabel "lung"@en . site:liver skos:prefLabel "liver"@en .
... ''', format="turtle")
>>> print(canonical_turtle(g), end="")
@prefix site: <https://w3id.org/cancer-spread/site/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<BLANKLINE>
site:liver skos:prefLabel "liver"@en .
<BLANKLINE>
site:lung skos:prefLabel "lung"@en .
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD

from .errors import CancerSpreadError
from .files import write_atomic  # its home was here; kept importable
from .namespaces import PREFIXES
from .results import canonical_decimal as _canonical_decimal

__all__ = ["canonical_turtle", "format_files", "write_atomic"]

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
# A conservative subset of Turtle's PN_LOCAL: letters, digits, '_', '-', '.', not ending in '.'.
_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?[0-9]*\.[0-9]+$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


class _Writer:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.used: set[str] = set()
        refs: Counter[BNode] = Counter()
        for _, _, o in graph:
            if isinstance(o, BNode):
                refs[o] += 1
        self.refs = refs

    # ------------------------------------------------------------------ terms
    def iri(self, term: URIRef) -> str:
        text = str(term)
        if term == RDF.type:
            return "a"
        for prefix, ns in _BY_LENGTH:
            if text.startswith(ns):
                local = text[len(ns) :]
                if _LOCAL.match(local):
                    self.used.add(prefix)
                    return f"{prefix}:{local}"
        return "<" + "".join(f"\\u{ord(c):04X}" if c in '<>"{}|^`\\ ' else c for c in text) + ">"

    def literal(self, lit: Literal) -> str:
        text = str(lit)
        dt = lit.datatype
        if dt == XSD.integer and _INTEGER.match(text):
            return text
        if dt == XSD.decimal and (_DECIMAL.match(text) or _INTEGER.match(text)):
            return _canonical_decimal(text)
        if dt == XSD.boolean and text in ("true", "false"):
            return text
        quoted = '"' + "".join(_ESCAPES.get(c, c) for c in text) + '"'
        if lit.language:
            return f"{quoted}@{lit.language}"
        if dt is not None and dt != XSD.string:
            return f"{quoted}^^{self.iri(dt)}"
        return quoted

    def term(self, node: object, indent: int) -> str:
        if isinstance(node, URIRef):
            return self.iri(node)
        if isinstance(node, Literal):
            return self.literal(node)
        if isinstance(node, BNode):
            return self.bnode(node, indent)
        raise CancerSpreadError(f"cannot write term {node!r}")

    def list_items(self, node: BNode) -> list[object] | None:
        items: list[object] = []
        seen: set[BNode] = set()
        while node != RDF.nil:
            if not isinstance(node, BNode) or node in seen or self.refs[node] != 1:
                return None
            seen.add(node)
            preds = set(self.graph.predicates(node, None))
            if preds != {RDF.first, RDF.rest}:
                return None
            firsts = list(self.graph.objects(node, RDF.first))
            rests = list(self.graph.objects(node, RDF.rest))
            if len(firsts) != 1 or len(rests) != 1:
                return None
            items.append(firsts[0])
            node = rests[0]  # type: ignore[assignment]
        return items

    def bnode(self, node: BNode, indent: int) -> str:
        if self.refs[node] != 1:
            raise CancerSpreadError(
                f"blank node {node.n3()} is referenced {self.refs[node]} times",
                hint="give it an IRI: the canonical writer only inlines blank nodes used once",
            )
        items = self.list_items(node)
        if items is not None:
            return "( " + " ".join(self.term(i, indent) for i in items) + " )"
        body = self.predicate_lines(node, indent + 4)
        if not body:
            return "[]"
        pad = " " * indent
        return "[\n" + " ;\n".join(body) + "\n" + pad + "]"

    # ------------------------------------------------------------------ blocks
    def predicate_lines(self, subject: object, indent: int) -> list[str]:
        pad = " " * indent
        by_pred: dict[str, list[str]] = {}
        for p, o in self.graph.predicate_objects(subject):
            by_pred.setdefault(self.iri(p), []).append(self.term(o, indent + 4))
        lines = []
        for pred in sorted(by_pred, key=lambda k: (k != "a", k)):
            objs = sorted(set(by_pred[pred]))
            joined = (",\n" + pad + "    ").join(objs)
            lines.append(f"{pad}{pred} {joined}")
        return lines

    def block(self, subject: URIRef | BNode) -> str:
        head = self.iri(subject) if isinstance(subject, URIRef) else "[]"
        lines = self.predicate_lines(subject, 4)
        first = lines[0].strip()
        rest = lines[1:]
        return head + " " + first + ("" if not rest else " ;\n" + " ;\n".join(rest)) + " .\n"

    def write(self) -> str:
        graph = self.graph
        headers = set(graph.subjects(RDF.type, OWL.Ontology))
        subjects = {s for s in graph.subjects() if isinstance(s, URIRef)}
        order = sorted(subjects, key=lambda s: (s not in headers, str(s)))
        blocks = [self.block(s) for s in order]
        # Blank nodes that are never an object become top-level blocks of their own.
        roots = [s for s in set(graph.subjects()) if isinstance(s, BNode) and self.refs[s] == 0]
        blocks += sorted(self.block(s) for s in roots)
        orphans = [s for s in set(graph.subjects()) if isinstance(s, BNode) and self.refs[s] > 1]
        if orphans:
            self.bnode(orphans[0], 0)  # raises with a clear message
        prefix_lines = [f"@prefix {p}: <{PREFIXES[p]}> ." for p in sorted(self.used)]
        head = "\n".join(prefix_lines) + "\n\n" if prefix_lines else ""
        return head + "\n".join(blocks)


def canonical_turtle(graph: Graph) -> str:
    """Return ``graph`` as canonical Turtle text (see the module docstring)."""
    return _Writer(graph).write()


def format_files(paths: Iterable[Path], *, check: bool = False) -> list[Path]:
    """Rewrite each Turtle file canonically (or, with ``check``, only report).

    Returns the files that were (or, with ``check``, would be) changed.
    """
    from .gate import check_file, read_regular
    from .load import parse_file

    changed = []
    for path in paths:
        data = read_regular(path, what="Turtle file")  # refuses FIFOs and devices before reading
        check_file(path, data)
        original = data.decode("utf-8")
        text = canonical_turtle(parse_file(Path(path)))
        if text != original:
            changed.append(Path(path))
            if not check:
                write_atomic(Path(path), text, replace_input=True)
    return changed
