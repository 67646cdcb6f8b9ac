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

# collections.abc is _collections_abc, which the interpreter has loaded at start-up; importing it
# by its public name would also import the collections package (a cold command's time).
from _collections_abc import Sequence

from .namespaces import curie

TYPE_CHECKING = False  # not typing's: the start-up path (quick.py) never imports typing
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable, Iterator
    from typing import Any

__all__ = ["ROW_FORMATS", "Results", "Term", "canonical_decimal", "neutral"]

ROW_FORMATS = ("table", "csv", "tsv", "json")

_XSD = "http://www.w3.org/2001/XMLSchema#"
_STRING = _XSD + "string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_DECIMAL = _XSD + "decimal"
_NUMERIC = {_XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "boolean")}
_INTEGERS = {_XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")}


def canonical_decimal(text: str) -> str:
    """XSD's canonical form of a decimal: no leading '+', no redundant zeros, at least one digit
    on each side of the point ('16.00' -> '16.0', '+.5' -> '0.5', '84' -> '84.0')."""
    sign = "-" if text.startswith("-") else ""
    whole, _, frac = text.lstrip("+-").partition(".")
    whole = whole.lstrip("0") or "0"
    frac = frac.rstrip("0") or "0"
    if whole == "0" and frac == "0":
        sign = ""
    return f"{sign}{whole}.{frac}"


# A tuple written out, not collections.namedtuple or typing.NamedTuple: importing either module
# would slow every cold command. It behaves as the named tuple it replaces.
class Term(tuple):
    """An RDF term in a form that does not depend on the engine that produced it: ``kind`` is
    "uri", "bnode" or "literal"; ``value`` its text; ``datatype`` (None for plain strings and
    language-tagged strings) and ``lang`` for literals.

    >>> Term("literal", "3", "http://www.w3.org/2001/XMLSchema#integer").n3()
    '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'
    >>> t = Term("literal", "chat", lang="fr")
    >>> t.value, t.lang, t == ("literal", "chat", None, "fr"), t._replace(value="cat")
    ('chat', 'fr', True, Term(kind='literal', value='cat', datatype=None, lang='fr'))
    """

    __slots__ = ()
    _fields = ("kind", "value", "datatype", "lang")
    __match_args__ = _fields

    def __new__(cls, kind: str, value: str, datatype: str | None = None, lang: str | None = None) -> Term:
        return tuple.__new__(cls, (kind, value, datatype, lang))

    @property
    def kind(self) -> str:
        return self[0]

    @property
    def value(self) -> str:
        return self[1]

    @property
    def datatype(self) -> str | None:
        return self[2]

    @property
    def lang(self) -> str | None:
        return self[3]

    def _replace(self, **changes: str | None) -> Term:
        """A copy with the named fields changed."""
        fields = dict(zip(self._fields, self, strict=True))
        unknown = set(changes) - set(fields)
        if unknown:
            raise ValueError(f"Got unexpected field names: {sorted(unknown)!r}")
        return Term(**{**fields, **changes})  # type: ignore[arg-type]

    def _asdict(self) -> dict[str, str | None]:
        return dict(zip(self._fields, self, strict=True))

    def __getnewargs__(self) -> tuple[str | None, ...]:  # pickles as Term(kind, value, ...)
        return tuple(self)

    def __repr__(self) -> str:
        return "Term(" + ", ".join(f"{f}={v!r}" for f, v in zip(self._fields, self, strict=True)) + ")"

    def n3(self) -> str:
        """The term as written in SPARQL and N-Triples."""
        return _n3(self)


def neutral(term: object) -> Term | None:
    """Normalise an rdflib term, a pyoxigraph term or a SPARQL JSON cell to a :class:`Term`."""
    if term is None or isinstance(term, Term):
        return term  # type: ignore[return-value]
    convert = _CONVERTERS.get(type(term))
    if convert is None:
        convert = _CONVERTERS[type(term)] = _converter(term)
    return convert(term)


def _converter(term: object) -> Callable[[Any], Term]:
    """How to turn terms of ``type(term)`` into :class:`Term` (found once per type)."""
    if isinstance(term, dict):
        return _from_json
    name = type(term).__name__
    oxigraph = type(term).__module__.startswith("pyoxigraph")
    if name in ("URIRef", "NamedNode"):
        return (lambda t: Term("uri", t.value)) if oxigraph else (lambda t: Term("uri", str(t)))
    if name in ("BNode", "BlankNode"):
        return (lambda t: Term("bnode", t.value)) if oxigraph else (lambda t: Term("bnode", str(t)))
    if name == "Literal":
        return _from_oxigraph_literal if oxigraph else _from_rdflib_literal
    raise TypeError(f"not an RDF term: {term!r}")


def _literal(value: str, dt: str | None, lang: str | None) -> Term:
    if lang or dt in (_STRING, _LANG_STRING):
        dt = None
    if dt == _DECIMAL:
        value = canonical_decimal(value)
    return Term("literal", value, dt, lang or None)


def _from_oxigraph_literal(term: Any) -> Term:
    dt = term.datatype
    return _literal(term.value, dt.value if dt is not None else None, term.language)


def _from_rdflib_literal(term: Any) -> Term:
    dt = term.datatype
    return _literal(str(term), str(dt) if dt is not None else None, term.language)


def _from_json(term: dict[str, str]) -> Term:
    kind = "literal" if term.get("type") in ("literal", "typed-literal") else term["type"]
    dt = term.get("datatype")
    value = canonical_decimal(term["value"]) if dt == _DECIMAL else term["value"]
    return Term(kind, value, None if dt in (None, _STRING) else dt, term.get("xml:lang"))


_CONVERTERS: dict[type, Callable[[Any], Term]] = {}


def _python(term: Term | None) -> Any:
    if term is None:
        return None
    if term.kind != "literal" or term.datatype is None:
        return term.value
    try:
        if term.datatype in _INTEGERS:
            return int(term.value)
        if term.datatype == _XSD + "decimal":
            from decimal import Decimal

            return Decimal(term.value)
        if term.datatype in (_XSD + "double", _XSD + "float"):
            return float(term.value)
        if term.datatype == _XSD + "boolean":
            return term.value in ("true", "1")
    except (ValueError, ArithmeticError):
        pass
    return term.value


def _json_term(term: Term | None) -> dict[str, str] | None:
    if term is None:
        return None
    out = {"type": term.kind, "value": term.value}
    if term.lang:
        out["xml:lang"] = term.lang
    elif term.datatype:
        out["datatype"] = term.datatype
    return out


def _n3(term: Term) -> str:
    from .sparqlterm import sparql_term

    return sparql_term(term)


def _cell(term: Term | None) -> str:
    if term is None:
        return ""
    if term.kind == "uri":
        return curie(term.value)
    return term.value


class Results(Sequence["dict[str, Any]"]):
    """The rows of a SELECT: ``columns`` and RDF ``terms`` per row (``None`` where unbound).

    ``terms`` keep the engine's own objects (rdflib or pyoxigraph terms, or SPARQL JSON cells);
    every output is computed from their engine-neutral form (:func:`neutral`), so the same
    answer prints the same whatever the engine. Indexing gives a dict of plain Python values
    (IRIs as strings, integers as int, decimals as Decimal).
    """

    #: How :meth:`to_table` lays the rows out: ``table`` or ``records`` (set from the query).
    layout = "table"

    def __init__(self, columns: Sequence[str], terms: Sequence[Sequence[object]]) -> None:
        self.columns = list(columns)
        self.terms = [tuple(row) for row in terms]
        self.rows = [tuple(map(neutral, row)) for row in self.terms]

    @classmethod
    def from_rdflib(cls, result: Any) -> Results:
        columns = [str(v) for v in (result.vars or [])]
        return cls(columns, [tuple(row) for row in result])

    @classmethod
    def from_oxigraph(cls, solutions: Any) -> Results:
        columns = [v.value for v in solutions.variables]
        return cls(columns, [tuple(sol[c] for c in columns) for sol in solutions])

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int | slice) -> Any:  # type: ignore[override]
        if isinstance(index, slice):
            part = Results(self.columns, self.terms[index])
            part.layout = self.layout
            return part
        return {c: _python(t) for c, t in zip(self.columns, self.rows[index], strict=True)}

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for i in range(len(self.terms)):
            yield self[i]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Results):
            return NotImplemented
        return self.columns == other.columns and self.rows == other.rows

    def __repr__(self) -> str:
        return f"<Results {len(self)} rows: {', '.join(self.columns)}>"

    def with_sorted_lists(self, lists: dict[str, str]) -> Results:
        """These rows with the items of each list column (``column: separator``, as made by
        ``GROUP_CONCAT``) in sorted order: SPARQL leaves that order to the engine.

        >>> r = Results(["s"], [(Term("literal", "b; a; c"),)])
        >>> r.with_sorted_lists({"s": "; "})[0]["s"]
        'a; b; c'
        """
        where = {i: lists[c] for i, c in enumerate(self.columns) if lists.get(c)}
        if not where:
            return self
        terms = []
        for row, plain in zip(self.terms, self.rows, strict=True):
            new = list(row)
            for i, sep in where.items():
                term = plain[i]
                if term is not None and term.kind == "literal" and sep in term.value:
                    new[i] = term._replace(value=sep.join(sorted(term.value.split(sep))))
            terms.append(tuple(new))
        return Results(self.columns, terms)

    # ------------------------------------------------------------------ outputs
    def to_sparql_json(self) -> dict[str, Any]:
        """The W3C SPARQL 1.1 Query Results JSON object."""
        bindings = []
        for row in self.rows:
            b = {c: _json_term(t) for c, t in zip(self.columns, row, strict=True) if t is not None}
            bindings.append(b)
        return {"head": {"vars": self.columns}, "results": {"bindings": bindings}}

    def to_dataframe(self, *, iris: bool = False) -> Any:
        """A pandas DataFrame of the rows (needs pandas): IRIs as the short names the table uses
        (``site:liver``; full IRIs with ``iris=True``), figures and counts as numbers (float64,
        or int64 when a column has no gap) with NaN where a row has none, text as text.

        >>> df = Results(["site", "n"], [(Term("uri", "https://w3id.org/cancer-spread/site/liver"),
        ...     Term("literal", "3.5", _XSD + "decimal")), (Term("uri", "urn:x"), None)]).to_dataframe()
        >>> list(df["site"]), str(df["n"].dtype), bool(df["n"].isna()[1])
        (['site:liver', 'urn:x'], 'float64', True)
        """
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            from .errors import InputError

            raise InputError("pandas is not installed", hint="pip install 'cancer-spread[pandas]'") from None
        data: dict[str, Any] = {}
        for i, column in enumerate(self.columns):
            terms = [row[i] for row in self.rows]
            bound = [t for t in terms if t is not None]
            if bound and all(t.kind == "literal" and t.datatype in _NUMERIC - {_XSD + "boolean"} for t in bound):
                values = pd.to_numeric(
                    pd.Series([None if t is None else t.value for t in terms], dtype=object), errors="coerce"
                )
                if values.notna().all() and all(t.datatype in _INTEGERS for t in bound):
                    values = values.astype("int64")
                data[column] = values
            elif bound and all(t.kind == "uri" for t in bound):
                data[column] = [None if t is None else (t.value if iris else curie(t.value)) for t in terms]
            else:
                data[column] = [_python(t) for t in terms]
        return pd.DataFrame(data, columns=self.columns)

    def _repr_html_(self) -> str:
        from html import escape

        head = "".join(f"<th>{escape(c)}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{escape(_cell(t))}</td>" for t in row) + "</tr>" for row in self.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def to_text(self, fmt: str = "table") -> str:
        """Render as ``table`` (aligned, for a terminal: text from the data is made safe with
        :func:`cancer_spread.textsafe.terminal_safe`), or ``csv``, ``tsv`` or ``json`` (exact
        values)."""
        if fmt == "json":
            import json

            return json.dumps(self.to_sparql_json(), indent=2, ensure_ascii=False) + "\n"
        if fmt in ("csv", "tsv"):
            import csv
            import io

            buf = io.StringIO()
            if fmt == "csv":
                writer = csv.writer(buf, lineterminator="\n")
                writer.writerow(self.columns)
                for row in self.rows:
                    writer.writerow(["" if t is None else t.value for t in row])
            else:
                buf.write("\t".join("?" + c for c in self.columns) + "\n")
                for row in self.rows:
                    buf.write("\t".join(_tsv_term(t) for t in row) + "\n")
            return buf.getvalue()
        if fmt == "table":
            return self.to_table()
        raise ValueError(f"unknown format {fmt!r}")

    def shown_columns(self) -> list[int]:
        """Indexes of the columns a table shows: not a column of IRIs that a label column names
        (``site`` beside ``siteLabel``, ``entity`` beside ``label``); CSV, TSV and JSON keep all."""
        labels = {c for c in self.columns if c.endswith("Label")} | (
            {c for c in self.columns if c in ("label", "name", "shortName")}
        )
        keep = []
        for i, c in enumerate(self.columns):
            values = [row[i] for row in self.rows if row[i] is not None]
            iris = bool(values) and all(t.kind == "uri" for t in values)
            if (c + "Label" in labels) or (iris and labels and len(self.columns) > 1):
                continue
            keep.append(i)
        return keep or list(range(len(self.columns)))

    def to_table(self, width: int | None = None) -> str:
        """The rows for a terminal (see :mod:`cancer_spread.termtable`): readable headings,
        no IRI column, at most ``width`` columns wide (default: the terminal's)."""
        from .termtable import render

        keep = self.shown_columns()
        cells = [[_shown(row[i]) for i in keep] for row in self.rows]
        return render([self.columns[i] for i in keep], cells, width=width, layout=self.layout)


def _shown(term: Term | None) -> str:
    """A cell for a terminal: line breaks and tabs as spaces, other control, escape and bidi
    characters shown escaped."""
    from .textsafe import terminal_safe

    return terminal_safe(" ".join(_cell(term).replace("\t", " ").splitlines()))


def _tsv_term(term: Term | None) -> str:
    # SPARQL 1.1 TSV results: terms in their Turtle/N-Triples form.
    if term is None:
        return ""
    if term.kind == "literal" and term.datatype in _NUMERIC:
        return term.value
    return _n3(term)
