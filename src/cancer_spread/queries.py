"""Named SPARQL queries: ``queries/*.rq`` (answers), ``queries/qc/*.rq`` (checks that must return
no rows) and ``queries/construct/*.rq`` (derived triples).

Each file is plain SPARQL. Its header is TOML written behind ``#+ `` comment markers::

    #+ title = "Where a cancer spreads"
    #+ description = "Sites the cancer spreads to, strongest evidence first."
    #+ columns = ["site", "siteLabel"]
    #+ [params.cancer]
    #+ type = "cancer"
    #+ example = "breast"
    #+ description = "The primary cancer: a name, synonym, code or IRI."

Parameters are SPARQL variables of the same name. Single values are bound as RDF terms with
``initBindings``; a ``list`` parameter is bound with a VALUES block built from resolved IRIs.
User text never becomes query text. For another SPARQL engine (``--endpoint``),
:func:`values_text` writes every binding as VALUES blocks of RDF terms into the query text.

>>> from cancer_spread.queries import load_queries
>>> q = load_queries()["metastatic-sites"]
>>> q.params["cancer"].type
'cancer'
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, QueryError
from .namespaces import PREFIXES
from .paths import DataPaths, find_paths
from .results import Term

if TYPE_CHECKING:  # pragma: no cover - rdflib is imported only where it is used
    from rdflib import Graph, Literal, URIRef
    from rdflib.query import Result

__all__ = [
    "PARAM_TYPES",
    "NamedQuery",
    "Param",
    "load_construct_queries",
    "load_qc_queries",
    "load_queries",
    "parse_sparql",
    "prologue",
    "values_text",
]

#: Parameter types: entity types are resolved to IRIs of that kind; ``text`` stays a literal.
PARAM_TYPES = ("cancer", "site", "entity", "term", "route", "text", "integer")
_ENTITY_TYPES = ("cancer", "site", "entity", "term", "route")


def prologue() -> str:
    """The PREFIX lines of every project prefix, for queries that do not declare their own."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def _line_col(text: str, loc: int) -> tuple[int, int]:
    before = text[:loc]
    return before.count("\n") + 1, loc - (before.rfind("\n") + 1) + 1


def parse_sparql(text: str, *, origin: str = "query") -> Any:
    """Parse and translate SPARQL ``text`` (a query, not an update) into rdflib's prepared form.

    A syntax error becomes :class:`QueryError` naming ``origin:line:col`` and what was expected.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery

    if _looks_like_update(text):
        raise QueryError(
            f"{origin}: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE...) is refused: "
            "the graph is read-only",
            hint="edit the Turtle files under graph/ instead",
        )
    try:
        return prepareQuery(text, initNs=PREFIXES)
    except ParseException as err:
        line, col = _line_col(text, err.loc)
        bad = text.splitlines()[line - 1] if text.splitlines() else ""
        raise QueryError(
            f"{origin}:{line}:{col}: SPARQL syntax error: {err.msg}\n    {bad}\n    {' ' * (col - 1)}^"
        ) from None
    except Exception as err:  # rdflib raises plain Exceptions for e.g. unknown prefixes
        raise QueryError(f"{origin}: {err}") from None


_KEYWORD = re.compile(
    r"""(?P<comment>\#[^\n]*)
      |(?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
         |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      |(?P<var>[?$]\w+)
      |(?P<word>[A-Za-z_][\w-]*)
      |(?P<space>\s+)
      |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)
_UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})


def sparql_keywords(text: str) -> list[str]:
    """The keywords of SPARQL ``text`` in order, upper-cased: words outside comments, strings and
    IRIs that are not part of a prefixed name (``ex:from``). One linear pass (no backtracking on
    hostile text such as ``PREFIX`` and 20,000 spaces).

    >>> sparql_keywords('PREFIX ex: <urn:x> SELECT * { ?s ex:service "FROM" } # SERVICE')
    ['PREFIX', 'SELECT']
    """
    out = []
    previous = ""
    for m in _KEYWORD.finditer(text):
        kind, token = m.lastgroup, m.group()
        if kind == "word" and previous not in (":", ".", "-") and not text.startswith(":", m.end()):
            out.append(token.upper())
        if kind != "comment":
            previous = token[-1:] if kind in ("other", "word") else ""
    return out


def _looks_like_update(text: str) -> bool:
    r"""Whether ``text`` is a SPARQL Update (its first keyword after the prologue).

    >>> _looks_like_update("# hidden\nPREFIX ex: <urn:x>\nDELETE WHERE { ?s ?p ?o }"), _looks_like_update("ASK {}")
    (True, False)
    """
    first = next((w for w in sparql_keywords(text) if w not in ("PREFIX", "BASE")), "")
    return first in _UPDATE_WORDS


@dataclass(frozen=True)
class Param:
    """One parameter of a named query."""

    name: str
    type: str = "text"
    required: bool = True
    list: bool = False
    example: str | None = None
    description: str = ""
    #: For ``entity`` parameters: which kind wins when a name fits several (e.g. a glossary term
    #: and a cancer both called "cancer of unknown primary").
    prefer: tuple[str, ...] = ()


@dataclass
class NamedQuery:
    """A ``.rq`` file with its header."""

    name: str
    path: Path
    text: str
    title: str = ""
    description: str = ""
    columns: list[str] = field(default_factory=list)
    params: dict[str, Param] = field(default_factory=dict)
    header: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: Path) -> NamedQuery:
        text = path.read_text(encoding="utf-8")
        head_lines = [ln[2:].strip() if ln.startswith("#+") else None for ln in text.splitlines()]
        toml_text = "\n".join(ln for ln in head_lines if ln is not None)
        try:
            header = tomllib.loads(toml_text)
        except tomllib.TOMLDecodeError as err:
            raise QueryError(f"{path}: bad #+ header: {err}") from None
        params = {}
        for name, spec in (header.get("params") or {}).items():
            ptype = spec.get("type", "text")
            if ptype not in PARAM_TYPES:
                raise QueryError(f"{path}: parameter {name}: unknown type {ptype!r}")
            params[name] = Param(
                name=name,
                type=ptype,
                required=bool(spec.get("required", True)),
                list=bool(spec.get("list", False)),
                example=spec.get("example"),
                description=spec.get("description", ""),
                prefer=tuple(spec.get("prefer", ())),
            )
        return cls(
            name=path.stem,
            path=path,
            text=text,
            title=header.get("title", ""),
            description=header.get("description", ""),
            columns=list(header.get("columns", [])),
            params=params,
            header=header,
        )

    @property
    def layout(self) -> str:
        """How a terminal shows the answer: ``table`` (default) or ``records`` (``#+ layout``)."""
        return "records" if self.header.get("layout") == "records" else "table"

    @cached_property
    def prepared(self) -> Any:
        """The parsed query, prepared once and reused."""
        return parse_sparql(self.text, origin=str(self.path))

    @cached_property
    def list_columns(self) -> dict[str, str]:
        """The answer's columns that hold a ``GROUP_CONCAT`` list, with their separators: made by
        ``GROUP_CONCAT`` itself, or passed on unchanged from one (through a sub-select, ``IF`` or
        ``COALESCE``). SPARQL gives no order inside such a list, and stores differ: the engines sort
        each list (see :meth:`cancer_spread.results.Results.with_sorted_lists`) so every store
        answers alike. A list written into longer text (``CONCAT``) is not a list column.

        >>> load_queries()["metastatic-sites"].list_columns
        {'partOf': ', ', 'kinds': '; ', 'sources': '; '}
        >>> load_queries()["classify-spread"].list_columns
        {'source': '; ', 'sourceTitle': '; '}
        """
        return _list_columns(self.text, self.columns)

    @property
    def kind(self) -> str:
        """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``."""
        name = self.prepared.algebra.name
        return {
            "SelectQuery": "SELECT",
            "AskQuery": "ASK",
            "ConstructQuery": "CONSTRUCT",
            "DescribeQuery": "DESCRIBE",
        }[name]

    def _with_values(self, lists: Mapping[str, list[Any]]) -> Any:
        """Prepared query with VALUES blocks for list parameters (parsed once per value set)."""
        key = tuple((k, tuple(v)) for k, v in sorted(lists.items()))
        cache = self.__dict__.setdefault("_values_cache", {})
        if key not in cache:
            if len(cache) > 256:
                cache.clear()
            cache[key] = parse_sparql(values_text(self.text, lists), origin=str(self.path))
        return cache[key]

    def bound_text(
        self, bindings: Mapping[str, URIRef | Literal | list[URIRef | Literal]], *, for_store: bool = False
    ) -> str:
        """The query text with ``bindings`` written in as VALUES blocks (see :func:`values_text`),
        for a SPARQL engine that has no ``initBindings``."""
        return values_text(self.text, bindings, for_store=for_store)

    def run(
        self,
        graph: Graph,
        bindings: Mapping[str, URIRef | Literal | list[URIRef | Literal]] | None = None,
    ) -> Result:
        """Run on ``graph`` with already-resolved ``bindings`` (RDF terms, or lists of terms for
        ``list`` parameters)."""
        from rdflib import Variable

        bindings = {k: to_rdflib(v) for k, v in (bindings or {}).items()}
        lists = {k: v for k, v in bindings.items() if isinstance(v, list)}
        single = {Variable(k): v for k, v in bindings.items() if not isinstance(v, list)}
        prepared = self._with_values(lists) if lists else self.prepared
        return graph.query(prepared, initBindings=single)


_GROUP_CONCAT = re.compile(r'GROUP_CONCAT\s*\([^;]*?;\s*separator\s*=\s*"([^"]*)"\s*\)\s*AS\s*\?(\w+)', re.I)
_GROUP_CONCAT_START = re.compile(r"GROUP_CONCAT\s*\(", re.I)
_SEPARATOR = re.compile(r'separator\s*=\s*"([^"]*)"', re.I)
_AS_VARIABLE = re.compile(r"\bAS\s*\?(\w+)\s*\)", re.I)
_VARIABLE = re.compile(r"[?$](\w+)")


def _closing(text: str, start: int) -> int:
    """The index just past the parenthesis that closes the one at ``start`` (strings skipped)."""
    depth, i, quote = 0, start, ""
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(text)


def _opening(text: str, end: int) -> int:
    """The index of the parenthesis that opens the one closing just before ``end``."""
    depth = 0
    for i in range(end - 1, -1, -1):
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            depth -= 1
            if depth == 0:
                return i
    return 0


def _list_columns(text: str, columns: list[str]) -> dict[str, str]:
    """The answer's list columns, read from the query text alone (no SPARQL parser on the
    answering path): a projection ``(… AS ?col)`` is a list when it is a ``GROUP_CONCAT``, or
    passes one on whole (a variable that holds one, through ``IF`` or ``COALESCE``) without
    writing it into longer text (``CONCAT``). The tests check this against rdflib's algebra."""
    body = _blanked(text, strings=False)  # comments blanked: separators are read from here
    shape = _blanked(text, strings=True)  # strings' contents blanked too: the syntax is read here
    inner = {m.group(2): m.group(1) for m in _GROUP_CONCAT.finditer(body) if shape[m.start()] == body[m.start()]}
    found: dict[str, str] = {}
    for m in _AS_VARIABLE.finditer(shape):
        name = m.group(1)
        if name not in columns or name in found:
            continue
        start = _opening(shape, m.end()) + 1
        expr, expr_text = shape[start : m.start()], body[start : m.start()]
        seps, rest, pos = set(), [], 0
        for g in _GROUP_CONCAT_START.finditer(expr):
            if g.start() < pos:
                continue
            close = _closing(expr, g.end() - 1)
            sep = _SEPARATOR.findall(expr_text[g.start() : close])
            seps.add(sep[-1] if sep else " ")
            rest.append(expr[pos : g.start()])
            pos = close
        rest.append(expr[pos:])
        plain = "".join(rest)
        if re.search(r"\bCONCAT\s*\(", plain, re.I):
            continue
        seps |= {inner[v] for v in _VARIABLE.findall(plain) if v in inner}
        if len(seps) == 1:
            found[name] = seps.pop()
    for name, sep in inner.items():  # projected as they are (``SELECT ?kinds``)
        if name in columns and name not in found and re.search(rf"SELECT[^{{]*[?$]{name}\b", shape, re.I):
            found[name] = sep
    return {c: found[c] for c in columns if c in found}


def _blanked(text: str, *, strings: bool) -> str:
    """``text`` with its comments (and, with ``strings``, the insides of its string literals)
    replaced by spaces or ``x``: the same length, so that positions agree, read with the one
    SPARQL tokenizer (:data:`_TOKEN`).

    >>> _blanked('SELECT ("a(b" AS ?x) # (c AS ?y)', strings=True)
    'SELECT ("xxx" AS ?x)            '
    """
    out = []
    for m in _TOKEN.finditer(text):
        token = m.group()
        if m.lastgroup == "comment":
            out.append(" " * len(token))
        elif m.lastgroup == "string" and strings:
            q = 3 if token[:3] in ('"""', "'''") else 1
            out.append(token[:q] + "x" * (len(token) - 2 * q) + token[-q:])
        else:
            out.append(token)
    return "".join(out)


_AGGREGATE = re.compile(r"\b(?:COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(", re.I)
_STAR_SUBSELECT = re.compile(r"\s*\{\s*SELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?\*", re.I)

_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      |(?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
         |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      |(?P<var>[?$]\w+)
      |(?P<word>[A-Za-z_][\w.-]*:?|:)
      |(?P<open>\{)
      |(?P<close>\})
      |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


def values_text(
    text: str, bindings: Mapping[str, URIRef | Literal | list[URIRef | Literal]], *, for_store: bool = False
) -> str:
    """``text`` with each bound variable restricted by a VALUES block at the start of every group
    of its WHERE clause (``{ … }`` of the WHERE itself, of UNION branches, sub-selects, MINUS,
    GRAPH, FILTER EXISTS…), except the group right after OPTIONAL.

    This is how ``initBindings`` behave in rdflib — the variable is bound everywhere, also inside
    a FILTER EXISTS of a UNION branch that does not mention it — written in standard SPARQL, so
    any engine gives the same answers. Values are RDF terms, never user text, written by
    :func:`cancer_spread.sparqlterm.sparql_term` (the one function that writes terms into query
    text; it refuses what it cannot write safely). Variables without a value stay unbound.

    With ``for_store=True`` (the form sent to remote stores) two kinds of group get no VALUES
    block, since standard SPARQL does not need one there and Virtuoso 7.2 answers wrong rows with
    one:

    - a sub-select that names its outputs (not ``SELECT *``) and computes no aggregate: its other
      variables are its own, and the block outside restricts it through the join;
    - any group inside a FILTER EXISTS or NOT EXISTS, at any depth: EXISTS sees the bindings of
      the group holding the filter, which starts with the block. (Virtuoso answers a NOT EXISTS
      whose group repeats the block as if nothing matched: an extra "not recorded" row in
      classify-spread.)

    A bound variable that the SELECT clause also names as an output (``(?label AS ?site)``, which
    standard SPARQL refuses for a variable in scope) is renamed inside the WHERE clause, as rdflib
    in effect does.

    >>> from rdflib import URIRef
    >>> print(values_text("SELECT ?s WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?s } }", {"s": URIRef("urn:x")}))
    SELECT ?s WHERE { VALUES ?s { <urn:x> } ?s ?p ?o OPTIONAL { ?o ?q ?s } }
    >>> print(values_text("SELECT (?l AS ?s) WHERE { ?s ?p ?l }", {"s": URIRef("urn:x")}))
    SELECT (?l AS ?s) WHERE { VALUES ?_s_param { <urn:x> } ?_s_param ?p ?l }
    >>> print(values_text("SELECT * WHERE { ?s ?p ?o FILTER NOT EXISTS { { ?s ?q ?o } UNION { ?o ?q ?s } } }",
    ...                   {"s": URIRef("urn:x")}, for_store=True))
    SELECT * WHERE { VALUES ?s { <urn:x> } ?s ?p ?o FILTER NOT EXISTS { { ?s ?q ?o } UNION { ?o ?q ?s } } }
    """
    if not bindings:
        return text
    from .results import neutral
    from .sparqlterm import sparql_term

    renamed, edits = _values_plan(text, frozenset(bindings), for_store)
    names = sorted(bindings)
    if len(names) == 1:
        terms = " ".join(sparql_term(neutral(t)) for t in _as_list(bindings[names[0]]))
        blocks = f"VALUES ?{renamed.get(names[0], names[0])} {{ {terms} }}"
    else:
        # One block for all the variables: Virtuoso 7.2 ignores all but one of several VALUES
        # blocks in a group where a path like ?site skos:broader* ?x starts from the variable.
        rows = itertools.product(*(_as_list(bindings[name]) for name in names))
        variables = " ".join(f"?{renamed.get(name, name)}" for name in names)
        data = " ".join("(" + " ".join(sparql_term(neutral(t)) for t in row) + ")" for row in rows)
        blocks = f"VALUES ({variables}) {{ {data} }}"
    out, last = [], 0
    for start, end, replacement in edits:
        out += [text[last:start], " " + blocks if replacement is None else replacement]
        last = end
    out.append(text[last:])
    return "".join(out)


def _as_list(terms: Any) -> list[Any]:
    return terms if isinstance(terms, list) else [terms]


@lru_cache(maxsize=512)
def _values_plan(
    text: str, bound: frozenset[str], for_store: bool = False
) -> tuple[dict[str, str], tuple[tuple[int, int, str | None], ...]]:
    """Where :func:`values_text` writes into ``text`` for the ``bound`` variables: the renamed
    variables, and the edits as (start, end, replacement), ``None`` marking a VALUES insertion.

    The query text is tokenised once per set of bound names; each call then only splices."""
    tokens = [(m.lastgroup, m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    tokens = [t for t in tokens if t[0] != "comment" and not t[1].isspace()]
    # Outputs of the SELECT clause made with AS (before the WHERE clause).
    outputs: set[str] = set()
    for i, (kind, token, *_) in enumerate(tokens):
        if kind == "open" or (kind == "word" and token.upper() == "WHERE"):
            break
        if kind == "word" and token.upper() == "AS" and i + 1 < len(tokens) and tokens[i + 1][0] == "var":
            outputs.add(tokens[i + 1][1][1:])
    renamed = {name: f"_{name}_param" for name in bound if name in outputs}
    edits: list[tuple[int, int, str | None]] = []
    form = ""  # SELECT, ASK, CONSTRUCT or DESCRIBE
    started = False  # inside the WHERE clause
    depth = 0  # group depth once started
    data = 0  # brace depth inside a VALUES data block
    values_pending = False
    skip_below: int | None = None  # inside a sub-select or EXISTS group that gets no VALUES (for_store)
    previous = ""  # the keyword before the current token
    for kind, token, start, end in tokens:
        if data:
            data += 1 if kind == "open" else -1 if kind == "close" else 0
            continue
        upper = token.upper() if kind == "word" else ""
        previous, before = upper, previous
        if upper in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") and not form:
            form = upper
        elif upper == "VALUES":
            values_pending = True
        elif upper == "WHERE":
            started = True
        elif kind == "var" and depth and token[1:] in renamed:
            edits.append((start, end, "?" + renamed[token[1:]]))
        elif kind == "open":
            if values_pending:
                values_pending, data = False, 1
                continue
            if not started and form in ("SELECT", "ASK", "DESCRIBE"):
                started = True  # the short forms without the WHERE keyword
            if started:
                depth += 1
                # A sub-select's braces take no VALUES (its inner group does). Nor does the group
                # of an OPTIONAL: its right side is joined on the shared variable and its filters
                # see the outer binding anyway, and a VALUES block there makes Oxigraph 50x slower.
                after_optional = before == "OPTIONAL"
                subselect = re.match(r"SELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?(\*)?", text[end:].lstrip(), re.I)
                if for_store and before == "EXISTS" and skip_below is None:
                    skip_below = depth
                if subselect and not subselect.group(1) and for_store and skip_below is None:
                    head = text[end : text.find("{", end + 1) if text.find("{", end + 1) > 0 else len(text)]
                    if not _AGGREGATE.search(head):  # an aggregate needs the block inside
                        skip_below = depth
                # Nor, for stores, a group that opens with a SELECT * sub-select: that one gets
                # the block and hands the bound variables out (Virtuoso 7.2 fails to compile the
                # same block on both sides).
                star_inside = for_store and re.match(_STAR_SUBSELECT, text[end:])
                if not after_optional and not subselect and skip_below is None and not star_inside:
                    edits.append((end, end, None))
        elif kind == "close" and started:
            if depth == skip_below:
                skip_below = None
            depth -= 1
            if depth == 0:
                break
    if not any(replacement is None for *_, replacement in edits):
        raise QueryError("cannot bind parameters: the query has no WHERE { … } clause")
    return renamed, tuple(edits)


def _load_dir(folder: Path) -> dict[str, NamedQuery]:
    return {p.stem: NamedQuery.from_file(p) for p in sorted(folder.glob("*.rq"))}


_CACHE: dict[tuple[str, str], dict[str, NamedQuery]] = {}


def _cached(paths: DataPaths, sub: str) -> dict[str, NamedQuery]:
    key = (str(paths.root), sub)
    if key not in _CACHE:
        _CACHE[key] = _load_dir(paths.queries / sub if sub else paths.queries)
    return _CACHE[key]


def load_queries(paths: DataPaths | None = None) -> dict[str, NamedQuery]:
    """The user-facing named queries, by name."""
    return _cached(paths or find_paths(), "")


def load_query(name: str, paths: DataPaths | None = None) -> NamedQuery | None:
    """The user-facing named query ``name`` alone (only its file is read: a command runs one
    query), or ``None`` when there is no such query."""
    paths = paths or find_paths()
    loaded = _CACHE.get((str(paths.root), ""))
    if loaded is not None:
        return loaded.get(name)
    key = (str(paths.root), f"one:{name}")
    if key not in _CACHE:
        path = paths.queries / f"{name}.rq"
        ok = name == name.lower() and all(c.isalnum() or c in "-_" for c in name) and path.is_file()
        _CACHE[key] = {name: NamedQuery.from_file(path)} if ok else {}
    return _CACHE[key].get(name)


def load_qc_queries(paths: DataPaths | None = None) -> dict[str, NamedQuery]:
    """The quality checks (each must return zero rows on a good graph), by name."""
    return _cached(paths or find_paths(), "qc")


def load_construct_queries(paths: DataPaths | None = None) -> list[NamedQuery]:
    """The CONSTRUCT queries whose results the build adds to the graph, in name order."""
    return list(_cached(paths or find_paths(), "construct").values())


def to_rdflib(value: Any) -> Any:
    """rdflib terms for engine-neutral :class:`~cancer_spread.results.Term` values (lists too)."""
    if isinstance(value, list):
        return [to_rdflib(v) for v in value]
    if not isinstance(value, Term):
        return value
    from rdflib import BNode, Literal, URIRef

    if value.kind == "uri":
        return URIRef(value.value)
    if value.kind == "bnode":
        return BNode(value.value)
    return Literal(value.value, lang=value.lang, datatype=URIRef(value.datatype) if value.datatype else None)


def coerce_text(param: Param, value: str) -> Term:
    """Turn a user value for a non-entity parameter into a literal of the right type."""
    if param.type == "integer":
        try:
            return Term("literal", str(int(value)), "http://www.w3.org/2001/XMLSchema#integer")
        except ValueError:
            raise InputError(
                f"parameter {param.name}: {value!r} is not a whole number",
                hint=f"for example -p {param.name}={param.example or 1}",
            ) from None
    return Term("literal", value)


def is_entity_type(ptype: str) -> bool:
    """Whether parameters of this type are resolved to IRIs."""
    return ptype in _ENTITY_TYPES
