"""Checks on the user's SPARQL before any engine sees it: bounds and outbound requests.

- Length: at most :data:`MAX_QUERY_CHARS` characters (a literal longer than that cannot reach an
  engine, so the 16 MiB literal that crashed rdflib is refused here).
- Nesting: at most :data:`MAX_DEPTH` levels of ``{ }``, ``( )`` and ``[ ]`` (thousands of nested
  ``{`` crash Oxigraph's parser with a segmentation fault).
- No outbound request: ``SERVICE`` (both engines fetch from the address) and ``FROM`` /
  ``FROM NAMED`` (rdflib fetches the address; the embedded graph has no named graphs) are refused
  unless ``allow_remote`` (the ``--allow-remote`` option).

Codepoint escapes (``\\u0053ERVICE``) are expanded first, as SPARQL (and rdflib) do, so they do
not hide a keyword.

>>> check_query("SELECT * WHERE { ?s ?p ?o }")
>>> try:
...     check_query("SELECT * WHERE {\\n  SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
... except QueryError as err:
...     print(err.message)
query:2:3: SERVICE is refused: the command line sends no request to another address
"""

from __future__ import annotations

import math
import re

from .errors import InputError, QueryError

__all__ = ["MAX_DEPTH", "MAX_QUERY_CHARS", "MAX_TIMEOUT", "check_query", "check_timeout", "expand_escapes"]

#: The longest query text accepted (characters).
MAX_QUERY_CHARS = 1_000_000
#: The deepest nesting of braces, parentheses and brackets accepted.
MAX_DEPTH = 64
#: The longest --timeout accepted (seconds): one day.
MAX_TIMEOUT = 86_400.0

_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      |(?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
         |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      |(?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
      |(?P<name>(?:[A-Za-z_][\w.-]*)?:(?:[\w.:%-]|\\.)*|[A-Za-z_]\w*)
      |(?P<open>[{(\[])
      |(?P<close>[})\]])
      |(?P<space>\s+)
      |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def expand_escapes(text: str) -> str:
    """``text`` with SPARQL codepoint escapes (``\\uXXXX``, ``\\UXXXXXXXX``) replaced by their
    characters (invalid code points are left as written)."""

    def one(m: re.Match[str]) -> str:
        n = int(m.group(1) or m.group(2), 16)
        return chr(n) if n <= 0x10FFFF else m.group()

    return _ESCAPE.sub(one, text) if "\\" in text else text


def _position(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"{line}:{col}"


def _scan(text: str, origin: str, allow_remote: bool, endpoint: bool) -> None:
    depth = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind in ("space", "comment"):
            continue
        if kind == "open":
            depth += 1
            if depth > MAX_DEPTH:
                raise QueryError(
                    f"{origin}:{_position(text, m.start())}: the query nests braces, parentheses or brackets "
                    f"more than {MAX_DEPTH} deep",
                    hint="flatten the query (several simpler groups joined by shared variables)",
                )
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "name" and not allow_remote:
            word = m.group().upper()
            if word == "SERVICE":
                raise QueryError(
                    f"{origin}:{_position(text, m.start())}: SERVICE is refused: the command line sends no "
                    "request to another address",
                    hint="run that part on the service itself, or allow it with --allow-remote",
                )
            if word == "FROM" and not endpoint:
                raise QueryError(
                    f"{origin}:{_position(text, m.start())}: FROM is refused: the embedded graph has no named "
                    "graphs, and an engine could fetch the address",
                    hint="leave out FROM and FROM NAMED (the whole graph is the default graph), "
                    "or allow it with --allow-remote",
                )


def check_query(text: str, *, origin: str = "query", allow_remote: bool = False, endpoint: bool = False) -> None:
    """Refuse ``text`` with :class:`QueryError` if it is too long, nested too deep, or asks for
    an outbound request (``SERVICE``; ``FROM`` unless ``endpoint``, where it names the store's
    own graphs) and ``allow_remote`` is false."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"{origin}: the query is {len(text):,} characters long, more than the limit of {MAX_QUERY_CHARS:,}",
            hint="shorten it: load large data with --with instead of writing it into the query",
        )
    _scan(text, origin, allow_remote, endpoint)
    expanded = expand_escapes(text)
    if expanded != text:
        _scan(expanded, origin, allow_remote, endpoint)


def check_timeout(value: float | None, option: str = "--timeout") -> float | None:
    """``value`` if it is None or a positive finite number of seconds up to :data:`MAX_TIMEOUT`,
    else :class:`InputError`.

    >>> check_timeout(2.5)
    2.5
    """
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value) or value <= 0:
        raise InputError(f"{option} {value!r}: not a positive number of seconds", hint=f"for example {option} 30")
    if value > MAX_TIMEOUT:
        raise InputError(
            f"{option} {value:g}: more than the limit of {MAX_TIMEOUT:g} seconds (one day)",
            hint="leave the option out for no limit",
        )
    return float(value)
