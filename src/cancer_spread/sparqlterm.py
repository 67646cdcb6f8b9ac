"""The one function that writes an RDF term into SPARQL query text.

Named queries sent to a remote store (``--endpoint``) carry their parameters as VALUES blocks in
the query text. Every term goes through :func:`sparql_term`, which refuses what cannot be written
safely instead of splicing it: an IRI holding ``>``, a space, a quote, a brace or a backslash
(an IRI written with ``\\u003E`` escapes in a ``--with`` file would otherwise end the IRI and
inject SPARQL), a malformed language tag or blank node label, a lone surrogate. Literals escape
backslashes, quotes and line breaks (ECHAR) and other control characters (UCHAR), so no text
of a literal can end the string, whether or not the engine expands ``\\u`` escapes first.

>>> from cancer_spread.results import Term
>>> sparql_term(Term("uri", "https://w3id.org/cancer-spread/site/liver"))
'<https://w3id.org/cancer-spread/site/liver>'
>>> print(sparql_term(Term("literal", 'say "hi"\\\\u003E\\n')))
"say \\"hi\\"\\\\u003E\\n"
>>> sparql_term(Term("uri", "urn:x> } ; DROP ALL ; <urn:y"))
Traceback (most recent call last):
...
cancer_spread.errors.QueryError: cannot write the IRI 'urn:x> } ; DROP ALL ; <urn:y' into a query: it holds '>'
  hint: an IRI may not hold spaces, quotes, braces, angle brackets, backslashes or control characters
"""

from __future__ import annotations

import re
from typing import Any

from .errors import QueryError

__all__ = ["sparql_iri", "sparql_literal", "sparql_term"]

_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f-\x9f\ud800-\udfff]')
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_LANG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*\Z")
_BNODE = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?\Z")
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_LITERAL_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f-\x9f\u2028\u2029]')
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def sparql_iri(iri: str) -> str:
    """``<iri>`` for an absolute IRI that needs no escaping, else :class:`QueryError`."""
    bad = _IRI_BAD.search(iri)
    if bad or not _SCHEME.match(iri):
        why = f"it holds {bad.group()!r}" if bad else "it is not absolute (no scheme)"
        raise QueryError(
            f"cannot write the IRI {iri!r} into a query: {why}",
            hint="an IRI may not hold spaces, quotes, braces, angle brackets, backslashes or control characters",
        )
    return f"<{iri}>"


def _escape_char(m: re.Match[str]) -> str:
    c = m.group()
    return _ECHAR.get(c) or f"\\u{ord(c):04X}"


def sparql_literal(value: str, datatype: str | None = None, lang: str | None = None) -> str:
    """A quoted SPARQL literal, with an ``@lang`` tag or a ``^^<datatype>``."""
    if _SURROGATE.search(value):
        raise QueryError(f"cannot write the literal {value!r} into a query: it holds a lone surrogate")
    quoted = '"' + _LITERAL_ESCAPE.sub(_escape_char, value) + '"'
    if lang:
        if not _LANG.match(lang):
            raise QueryError(f"cannot write the language tag {lang!r} into a query", hint="for example en or en-GB")
        return f"{quoted}@{lang}"
    if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
        return f"{quoted}^^{sparql_iri(datatype)}"
    return quoted


def sparql_term(term: Any) -> str:
    """``term`` (a :class:`~cancer_spread.results.Term`: ``kind``, ``value``, ``datatype``,
    ``lang``; see :func:`cancer_spread.results.neutral` for other terms) as SPARQL text;
    :class:`QueryError` for a term that cannot be written safely."""
    t = term
    if t is None:
        raise QueryError("cannot write an unbound value into a query")
    if t.kind == "uri":
        return sparql_iri(t.value)
    if t.kind == "bnode":
        if not _BNODE.match(t.value):
            raise QueryError(f"cannot write the blank node label {t.value!r} into a query")
        return f"_:{t.value}"
    return sparql_literal(t.value, t.datatype, t.lang)
