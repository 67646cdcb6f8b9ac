"""The input gate: every Turtle file (curated or ``--with``) is checked here once, before either
engine (Oxigraph or rdflib) sees it, so that both engines accept and refuse the same files.

A file is refused, with a ``FILE:LINE: problem`` message and a hint (exit 2 on the command line),
when it is:

- not a regular file (a FIFO, a device, a socket, a directory): refused before it is opened, so a
  FIFO never blocks;
- larger than :data:`MAX_FILE_BYTES`, or not UTF-8, or starts with a byte-order mark;
- not Turtle (the strict Oxigraph parser: invalid IRIs such as ``<a b>``, ``\\u003E`` inside an
  IRI, lone surrogates, bad language tags);
- nested deeper than :data:`MAX_NESTING` lists or blank nodes (the rdflib parser recurses);
- holding a literal longer than :data:`MAX_LITERAL_CHARS` characters;
- holding an ill-typed literal of a number, boolean or date datatype (``"abc"^^xsd:decimal``,
  ``"2024-13-01"^^xsd:date``), a number longer than :data:`MAX_NUMBER_CHARS` characters, or a
  non-finite number (``NaN``, ``INF``, ``"1e999999"^^xsd:double``);
- giving a figure, count or date property (one whose ``rdfs:range`` in the ontology is a number
  or date datatype, such as ``cs:value`` and ``cs:count``) a value of another type
  (``cs:value "65.1"``, a string; ``cs:count 1.5``; an IRI).

Only ``.ttl`` files (and N-Triples, ``.nt``, a subset of Turtle) are loaded: both engines read
them the same way.

>>> import tempfile, os
>>> d = tempfile.mkdtemp()
>>> p = Path(d, "x.ttl")
>>> _ = p.write_text('@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\\n'
...                  '<urn:a> <urn:f> "abc"^^xsd:decimal .\\n', encoding="utf-8")
>>> try:
...     check_file(p)
... except LoadError as err:
...     print(err.message.replace(d, "D"))
D/x.ttl:2: "abc" is not a valid xsd:decimal
"""

from __future__ import annotations

import contextlib
import datetime
import math
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import LoadError

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_LITERAL_CHARS",
    "MAX_NESTING",
    "MAX_NUMBER_CHARS",
    "Problem",
    "check_file",
    "check_files",
    "file_problems",
    "read_regular",
]

#: The largest Turtle file loaded (1 GiB).
MAX_FILE_BYTES = 1 << 30
#: The longest literal (characters) in a loaded file: 1 Mi characters.
MAX_LITERAL_CHARS = 1 << 20
#: The longest lexical form of a number, boolean or date literal.
MAX_NUMBER_CHARS = 100
#: The deepest nesting of ``( … )`` lists and ``[ … ]`` blank nodes.
MAX_NESTING = 64
#: File suffixes that both engines read as Turtle.
SUFFIXES = (".ttl", ".nt")

_XSD = "http://www.w3.org/2001/XMLSchema#"
_DEC = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_TZ = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_INT = re.compile(r"[+-]?[0-9]+\Z")
_LEXICAL = {
    "decimal": re.compile(_DEC + r"\Z"),
    "double": re.compile(_DEC + r"(?:[eE][+-]?[0-9]+)?\Z"),
    "boolean": re.compile(r"(?:true|false|1|0)\Z"),
    "date": re.compile(r"-?([0-9]{4,})-([0-9]{2})-([0-9]{2})" + _TZ + r"\Z"),
    "dateTime": re.compile(
        r"-?([0-9]{4,})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?" + _TZ + r"\Z"
    ),
    "gYear": re.compile(r"-?[0-9]{4,}" + _TZ + r"\Z"),
    "gYearMonth": re.compile(r"-?[0-9]{4,}-(0[1-9]|1[0-2])" + _TZ + r"\Z"),
}
_FLOATS = ("double", "float")
# Integer datatypes, with the bounds of their value space (None: unbounded).
_INTEGERS: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-128, 127),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255),
}

_RDFS_RANGE = "http://www.w3.org/2000/01/rdf-schema#range"
_INTEGER_TYPES = frozenset(_INTEGERS)
# For a property whose rdfs:range is the key (figures, counts, dates), the literal datatypes
# accepted (without the xsd: namespace).
_RANGE_ACCEPTS: dict[str, frozenset[str]] = {
    "decimal": frozenset({"decimal"}) | _INTEGER_TYPES,
    "double": frozenset({"double", "float", "decimal"}) | _INTEGER_TYPES,
    **{t: _INTEGER_TYPES for t in _INTEGERS},
    "date": frozenset({"date"}),
    "dateTime": frozenset({"dateTime"}),
    "gYear": frozenset({"gYear"}),
    "gYearMonth": frozenset({"gYearMonth"}),
    "boolean": frozenset({"boolean"}),
}
_EXAMPLES = {
    "decimal": "write a figure as a number such as 65.1",
    "double": "write a number such as 65.1",
    "date": 'write a date such as "2024-05-31"^^xsd:date',
    "dateTime": 'write a time such as "2024-05-31T12:00:00Z"^^xsd:dateTime',
    "gYear": 'write a year such as "2024"^^xsd:gYear',
    "gYearMonth": 'write a month such as "2024-05"^^xsd:gYearMonth',
    "boolean": "write true or false",
    **{t: "write a count as a whole number such as 42" for t in _INTEGERS},
}
# Properties whose values must be figures, counts or dates: learnt from the rdfs:range
# declarations of the files checked (the ontology comes first), by property IRI.
_RANGES: dict[str, str] = {}


def _short(iri: str) -> str:
    from .namespaces import curie

    return curie(iri)


# Tokens that may hold brackets without opening a list or blank node.
_NEST_TOKEN = re.compile(
    r"""\#[^\n]*
      |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
      |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'
      |<[^>\n]*>
      |(?P<open>[(\[])|(?P<close>[)\]])
      |[^"'<#()\[\]]+
      |.""",
    re.VERBOSE | re.DOTALL,
)
_OX_POSITION = re.compile(
    r"(?:at line (?P<line>\d+)(?: between columns (?P<col1>\d+) and \d+| column (?P<col>\d+))?"
    r"|between line (?P<line2>\d+) column (?P<col2>\d+) and line \d+ column \d+)"
    r": ?(?P<msg>.*?)(?: \(line \d+\))?\Z",
    re.S,
)


@dataclass(frozen=True)
class Problem:
    """One reason to refuse a file: where (``line``, 0 if unknown) and what, and how to fix it."""

    path: str
    line: int
    message: str
    hint: str | None = None
    column: int = 0

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        if self.line and self.column:
            where += f":{self.column}"
        return f"{where}: {self.message}"


def read_regular(path: str | os.PathLike[str], *, limit: int = MAX_FILE_BYTES, what: str = "file") -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes, else
    :class:`LoadError`. A FIFO, device, socket or directory is refused before it is opened (so it
    never blocks); the file is opened without blocking and checked again, which closes the race
    of a file swapped for a FIFO in between."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise LoadError(f"{path}: no such file", hint="check the path") from None
    except OSError as err:
        raise LoadError(f"{path}: cannot read: {err.strerror}") from None
    _require_regular(path, st.st_mode, what)
    if st.st_size > limit:
        raise LoadError(
            f"{path}: {st.st_size:,} bytes, more than the limit of {limit:,} bytes for a {what}",
            hint="split the file, or load it into a SPARQL store and use --endpoint",
        )
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        raise LoadError(f"{path}: cannot read: {err.strerror}") from None
    try:
        st = os.fstat(fd)
        _require_regular(path, st.st_mode, what)
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                raise LoadError(f"{path}: more than the limit of {limit:,} bytes for a {what}")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as err:
        raise LoadError(f"{path}: cannot read: {err.strerror}") from None
    finally:
        os.close(fd)


def _require_regular(path: Path, mode: int, what: str) -> None:
    if stat.S_ISREG(mode):
        return
    kind = (
        "a directory"
        if stat.S_ISDIR(mode)
        else "a FIFO (named pipe)"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "not a regular file"
    )
    raise LoadError(
        f"{path}: is {kind}, not a regular {what}",
        hint=f"give the path of a regular {what} (save the data to a file first)",
    )


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _locate(data: bytes, needles: Iterable[str]) -> int:
    """The line of the first needle found in ``data`` (0 if none is)."""
    for needle in needles:
        if not needle:
            continue
        at = data.find(needle.encode("utf-8", "surrogatepass"))
        if at >= 0:
            return _line_of(data, at)
    return 0


def _nesting_problem(path: str, text: str, data: bytes) -> Problem | None:
    # Cheap first: a file with few brackets cannot be nested deeply.
    if text.count("(") + text.count("[") <= MAX_NESTING:
        return None
    depth = 0
    for m in _NEST_TOKEN.finditer(text):
        if m.lastgroup == "open":
            depth += 1
            if depth > MAX_NESTING:
                line = text.count("\n", 0, m.start()) + 1
                return Problem(
                    path,
                    line,
                    f"lists or blank nodes nested more than {MAX_NESTING} deep",
                    hint="flatten the structure: give the inner nodes IRIs of their own",
                )
        elif m.lastgroup == "close":
            depth = max(0, depth - 1)
    return None


def _syntax_problem(path: Path, err: Exception) -> Problem:
    """Oxigraph's parse error as a Problem with the line, the column and a hint."""
    text = str(err)
    m = _OX_POSITION.search(text)
    if not m:
        return Problem(str(path), 0, f"not valid Turtle: {text}", "fix the Turtle syntax")
    line = int(m.group("line") or m.group("line2"))
    col = int(m.group("col") or m.group("col1") or m.group("col2") or 0)
    message = m.group("msg").strip()
    hint = "fix the Turtle at that line and column"
    if "has not been declared" in message:
        hint = "declare the prefix with an @prefix line at the top of the file"
    elif "escape sequence" in message:
        hint = "write the character itself, or an escape of a valid character"
    elif "IRI" in message:
        hint = "write IRIs without spaces, quotes, braces or angle brackets (also not as \\u escapes)"
    return Problem(str(path), line, message, hint, col)


def _literal_problem(value: str, datatype: str) -> tuple[str, str] | None:
    """(problem, hint) for an unacceptable literal, else None."""
    if len(value) > MAX_LITERAL_CHARS:
        return (
            f"a literal of {len(value):,} characters, more than the limit of {MAX_LITERAL_CHARS:,}",
            "shorten the text, or link to it with an IRI",
        )
    if not datatype.startswith(_XSD):
        return None
    local = datatype[len(_XSD) :]
    shown = value if len(value) <= 40 else value[:37] + "..."
    if (local in _INTEGERS or local in _LEXICAL or local in _FLOATS) and len(value) > MAX_NUMBER_CHARS:
        return (f"a {local} of {len(value)} characters, more than {MAX_NUMBER_CHARS}", "check the value")
    if local in _INTEGERS:
        low, high = _INTEGERS[local]
        if not _INT.match(value):
            return (f'"{shown}" is not a valid xsd:{local}', "write a whole number such as 42")
        n = int(value)
        if (low is not None and n < low) or (high is not None and n > high):
            return (f'"{shown}" is out of range for xsd:{local}', "check the value")
        return None
    if local in _FLOATS:
        if value in ("INF", "+INF", "-INF", "NaN"):
            return (f'"{value}" is not a finite number (xsd:{local})', "give a finite figure, or leave it out")
        if not _LEXICAL["double"].match(value):
            return (f'"{shown}" is not a valid xsd:{local}', "write a number such as 65.1 or 1.5e3")
        if not math.isfinite(float(value)):
            return (f'"{shown}" is not a finite number (xsd:{local})', "give a finite figure, or leave it out")
        return None
    pattern = _LEXICAL.get(local)
    if pattern is None:
        return None
    m = pattern.match(value)
    example = {
        "decimal": "65.1",
        "boolean": "true or false",
        "date": "2024-05-31",
        "dateTime": "2024-05-31T12:00:00Z",
        "gYear": "2024",
        "gYearMonth": "2024-05",
    }[local]
    if not m:
        return (f'"{shown}" is not a valid xsd:{local}', f"write it as, for example, {example}")
    if local in ("date", "dateTime"):
        try:
            datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if local == "dateTime" and (int(m.group(4)) > 24 or int(m.group(5)) > 59 or int(m.group(6)) > 59):
                raise ValueError
        except ValueError:
            return (f'"{shown}" is not a valid calendar xsd:{local}', f"write it as, for example, {example}")
    return None


def file_problems(
    path: str | os.PathLike[str], data: bytes | None = None, *, limit: int = 10, resolved: Path | None = None
) -> list[Problem]:
    """Every reason (at most ``limit``) to refuse the Turtle file ``path`` (read unless ``data``
    is given); an empty list for a good file."""
    import pyoxigraph as ox

    path = Path(path)
    name = str(path)
    if data is None:
        with contextlib.suppress(OSError):  # read_regular below says what is wrong
            _require_regular(path, os.stat(path).st_mode, "Turtle file")
    if path.suffix.lower() not in SUFFIXES:
        return [
            Problem(
                name,
                0,
                f"only Turtle files ({', '.join(SUFFIXES)}) can be loaded, "
                f"not {path.suffix or 'a file without suffix'}",
                hint="convert it to Turtle, or rename a Turtle file to .ttl",
            )
        ]
    if data is None:
        data = read_regular(path, what="Turtle file")
    if data.startswith(b"\xef\xbb\xbf"):
        return [Problem(name, 1, "the file starts with a byte-order mark (BOM)", hint="save it as UTF-8 without a BOM")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        return [
            Problem(name, _line_of(data, err.start), f"not UTF-8 text ({err.reason})", hint="save the file as UTF-8")
        ]
    nesting = _nesting_problem(name, text, data)
    if nesting:
        return [nesting]
    try:
        quads = ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=(resolved or path.resolve()).as_uri())
        found: list[Problem] = []
        seen: set[tuple[str, str]] = set()
        literal_type = ox.Literal
        plain = (_XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")
        for quad in quads:
            obj = quad.object
            problem: tuple[str, str] | None = None
            if type(obj) is not literal_type:
                pred = quad.predicate.value
                if pred == _RDFS_RANGE:
                    if obj.value.startswith(_XSD) and obj.value[len(_XSD) :] in _RANGE_ACCEPTS:
                        _RANGES[quad.subject.value] = obj.value[len(_XSD) :]
                    continue
                expected = _RANGES.get(pred)
                if expected is None:
                    continue
                problem = (f"{_short(pred)} takes a literal xsd:{expected}, not a node", _EXAMPLES[expected])
                value = obj.value
            else:
                value = obj.value
                dt = obj.datatype.value
                expected = _RANGES.get(quad.predicate.value) if _RANGES else None
                if expected is None:
                    if dt in plain:
                        if len(value) <= MAX_LITERAL_CHARS:
                            continue
                        problem = _literal_problem(value, dt)
                    else:
                        short = len(value) <= 16
                        if short and (value, dt) in seen:
                            continue
                        problem = _literal_problem(value, dt)
                        if problem is None and short:
                            seen.add((value, dt))
                else:
                    problem = _literal_problem(value, dt)  # an ill-formed value is said first
                    if problem is None and not (dt.startswith(_XSD) and dt[len(_XSD) :] in _RANGE_ACCEPTS[expected]):
                        shown_dt = f"xsd:{dt[len(_XSD) :]}" if dt.startswith(_XSD) else f"<{dt}>"
                        if obj.language:
                            shown_dt = f"@{obj.language}"
                        problem = (
                            f'{_short(quad.predicate.value)} takes an xsd:{expected}, not "{value[:40]}" ({shown_dt})',
                            _EXAMPLES[expected],
                        )
            if problem is None:
                continue
            local = quad.subject.value.rsplit("/", 1)[-1] if isinstance(quad.subject, ox.NamedNode) else ""
            needles = [f'"{value}"^^', f"'{value}'^^", f'"{value}"', value if len(value) < 200 else "", local]
            found.append(Problem(name, _locate(data, needles), problem[0], problem[1]))
            if len(found) >= limit:
                break
        return found
    except SyntaxError as err:
        return [_syntax_problem(path, err)]


def check_file(path: str | os.PathLike[str], data: bytes | None = None, *, resolved: Path | None = None) -> None:
    """Refuse the Turtle file ``path`` with :class:`LoadError` (its first problem, and how many
    more there are) unless it passes the gate."""
    problems = file_problems(path, data, resolved=resolved)
    if not problems:
        return
    first = problems[0]
    more = len(problems) - 1
    message = first.format() + (f" (and {more}{'+' if more >= 9 else ''} more in this file)" if more else "")
    raise LoadError(message, hint=first.hint)


# Files already checked in this process: (path, device, inode, size, mtime, ctime).
_PASSED: set[tuple[str, int, int, int, int, int]] = set()


def check_files(paths: Iterable[str | os.PathLike[str]]) -> None:
    """Check each file with :func:`check_file` (each unchanged file once per process), and note
    it as an input of the command (so that no output may replace it)."""
    from .files import note_input

    for p in paths:
        path = Path(p)
        resolved = Path(os.path.realpath(path))
        try:
            st = os.stat(path)
        except FileNotFoundError:
            raise LoadError(f"{path}: no such file", hint="check the path") from None
        except OSError as err:
            raise LoadError(f"{path}: cannot read: {err.strerror}") from None
        note_input(resolved, st)
        _require_regular(path, st.st_mode, "Turtle file")
        key = (str(resolved), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        if key in _PASSED:
            continue
        check_file(path, resolved=resolved)
        _PASSED.add(key)
