"""Query results as rows, and their text forms: table, CSV, TSV and W3C SPARQL JSON.

>>> from rdflib import Literal, URIRef
>>> r = Results(["site", "n"], [(URIRef("https://w3id.org/cancer-spread/site/liver"), Literal(3))])
>>> r[0]["n"]
3
>>> print(r.to_text("csv"), end="")
site,n
https://w3id.org/cancer-spread/site/liver,3
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from .namespaces import curie

__all__ = ["ROW_FORMATS", "Results"]

ROW_FORMATS = ("table", "csv", "tsv", "json")


def _python(term: object) -> Any:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return value if not isinstance(value, Literal) else str(value)
    return str(term)


def _json_term(term: object) -> dict[str, str] | None:
    if term is None:
        return None
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return curie(str(term))
    return str(term)


class Results(Sequence[dict[str, Any]]):
    """The rows of a SELECT: ``columns`` and RDF ``terms`` per row (``None`` where unbound).

    Indexing gives a dict of plain Python values (IRIs as strings, numbers as numbers).
    """

    def __init__(self, columns: Sequence[str], terms: Sequence[Sequence[object]]) -> None:
        self.columns = list(columns)
        self.terms = [tuple(row) for row in terms]

    @classmethod
    def from_rdflib(cls, result: Any) -> Results:
        columns = [str(v) for v in (result.vars or [])]
        return cls(columns, [tuple(row) for row in result])

    def __len__(self) -> int:
        return len(self.terms)

    def __getitem__(self, index: int | slice) -> Any:  # type: ignore[override]
        if isinstance(index, slice):
            return Results(self.columns, self.terms[index])
        return {c: _python(t) for c, t in zip(self.columns, self.terms[index], strict=True)}

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for i in range(len(self.terms)):
            yield self[i]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Results):
            return NotImplemented
        return self.columns == other.columns and self.terms == other.terms

    def __repr__(self) -> str:
        return f"<Results {len(self)} rows: {', '.join(self.columns)}>"

    # ------------------------------------------------------------------ outputs
    def to_sparql_json(self) -> dict[str, Any]:
        """The W3C SPARQL 1.1 Query Results JSON object."""
        bindings = []
        for row in self.terms:
            b = {c: _json_term(t) for c, t in zip(self.columns, row, strict=True) if t is not None}
            bindings.append(b)
        return {"head": {"vars": self.columns}, "results": {"bindings": bindings}}

    def to_dataframe(self) -> Any:
        """A pandas DataFrame of the rows (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            from .errors import InputError

            raise InputError("pandas is not installed", hint="pip install 'cancer-spread[pandas]'") from None
        return pd.DataFrame(list(self), columns=self.columns)

    def _repr_html_(self) -> str:
        from html import escape

        head = "".join(f"<th>{escape(c)}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{escape(_cell(t))}</td>" for t in row) + "</tr>" for row in self.terms)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def to_text(self, fmt: str = "table") -> str:
        """Render as ``table`` (aligned, for a terminal), ``csv``, ``tsv`` or ``json``."""
        if fmt == "json":
            return json.dumps(self.to_sparql_json(), indent=2, ensure_ascii=False) + "\n"
        if fmt in ("csv", "tsv"):
            buf = io.StringIO()
            if fmt == "csv":
                writer = csv.writer(buf, lineterminator="\n")
                writer.writerow(self.columns)
                for row in self.terms:
                    writer.writerow(["" if t is None else str(t) for t in row])
            else:
                buf.write("\t".join("?" + c for c in self.columns) + "\n")
                for row in self.terms:
                    buf.write("\t".join(_tsv_term(t) for t in row) + "\n")
            return buf.getvalue()
        if fmt == "table":
            if len(self.terms) == 1:
                return _record(self.columns, [_cell(t) for t in self.terms[0]])
            return _table(self.columns, [[_cell(t) for t in row] for row in self.terms])
        raise ValueError(f"unknown format {fmt!r}")


def _tsv_term(term: object) -> str:
    # SPARQL 1.1 TSV results: terms in their Turtle/N-Triples form.
    if term is None:
        return ""
    if isinstance(term, Literal) and term.datatype in (XSD.integer, XSD.decimal, XSD.double, XSD.boolean):
        return str(term)
    return term.n3()  # type: ignore[attr-defined]


def _record(columns: list[str], cells: list[str]) -> str:
    """One row shown as 'column: value' lines, unclipped, so long definitions stay readable."""
    import textwrap

    width = max(len(c) for c in columns)
    lines = []
    for column, cell in zip(columns, cells, strict=True):
        wrapped = textwrap.wrap(cell, 100 - width - 2) or [""]
        lines.append(f"{column.rjust(width)}: {wrapped[0]}")
        lines += [" " * (width + 2) + w for w in wrapped[1:]]
    return "\n".join(lines) + "\n(1 row)\n"


def _table(columns: list[str], rows: list[list[str]], max_width: int = 60) -> str:
    def clip(s: str) -> str:
        s = s.replace("\n", " ")
        return s if len(s) <= max_width else s[: max_width - 1] + "…"

    cells = [[clip(c) for c in row] for row in rows]
    widths = [len(c) for c in columns]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], len(c))
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    out = [line, rule]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
