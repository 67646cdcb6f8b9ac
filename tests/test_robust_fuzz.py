"""Property-based fuzzing of the command line with Hypothesis: query text, parameter values and
Turtle inputs built from hostile pieces, each run through the real ``cancer-spread`` in a
subprocess. Whatever the input: exit 0 or 2, a few lines on stderr, no traceback, no escape
character on stderr, no file left behind, no connection to a local listener; and both engines
accept and refuse the same Turtle files, with the same answers.

The seed is fixed and the number of examples small (each example is a process or two)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from .test_robust_cli import PRE, run, snapshot

MAX_STDERR_LINES = 6
FUZZ = settings(
    max_examples=int(os.environ.get("CANCER_SPREAD_FUZZ_EXAMPLES", "10")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SEED = 20261201

# Text that can go on a command line: no NUL, no lone surrogates.
ARG_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
HOSTILE = st.sampled_from(
    [
        ">",
        "<",
        '"',
        "'",
        "\\",
        "{",
        "}",
        "\\u003E",
        "\\u0022",
        "\x1b]0;t\x07",
        "\u202e",
        "\n",
        " ",
        "#",
        "%",
        "?x",
        "$y",
        ".",
        ";",
        "A" * 300,
    ]
)


def _check(result: subprocess.CompletedProcess, cwd: Path, before: dict, listener: dict, seen: object) -> None:
    assert result.returncode in (0, 2), (result.returncode, result.stderr[-1500:])
    assert "Traceback" not in result.stderr, result.stderr[-1500:]
    assert len(result.stderr.strip().splitlines()) <= MAX_STDERR_LINES, result.stderr[-1500:]
    assert "\x1b" not in result.stderr
    assert snapshot(cwd) == before
    assert listener["connections"] == seen, "a connection reached the local listener"


# ---------------------------------------------------------------------- query text

KEYWORDS = st.sampled_from(
    [
        "SELECT",
        "ASK",
        "CONSTRUCT",
        "DESCRIBE",
        "*",
        "WHERE",
        "{",
        "}",
        "(",
        ")",
        "?s",
        "?p",
        "?o",
        ".",
        "FILTER",
        "REGEX",
        "CONCAT",
        "STRLEN",
        "BIND",
        "AS",
        "VALUES",
        "OPTIONAL",
        "UNION",
        "MINUS",
        "GRAPH",
        "SERVICE",
        "FROM",
        "NAMED",
        "LIMIT 1",
        "ORDER BY",
        "GROUP BY",
        "COUNT(*)",
        "<urn:x>",
        "<http://127.0.0.1:{port}/q>",
        "cs:spreadsTo",
        "cancer:breast",
        '"x"',
        '"1"^^xsd:decimal',
        "1e999999",
        "\\u0053ERVICE",
        "INSERT DATA",
        "DROP ALL",
        "LOAD",
        "#",
        "{" * 200,
    ]
)
QUERY = st.lists(st.one_of(KEYWORDS, KEYWORDS, HOSTILE, ARG_TEXT), min_size=1, max_size=25).map(" ".join)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@seed(SEED)
@FUZZ
@given(query=QUERY)
def test_fuzz_query_text(tmp_path_factory, listener: dict, engine: str, query: str) -> None:
    cwd = tmp_path_factory.mktemp("q")
    text = query.replace("{port}", str(listener["port"]))
    before, seen = snapshot(cwd), listener["connections"]
    result = run("sparql", text, "--store", engine, "--timeout", "10", "--format", "csv", cwd=cwd)
    _check(result, cwd, before, listener, seen)


# ---------------------------------------------------------------------- parameter values

VALUE = st.lists(
    st.one_of(HOSTILE, ARG_TEXT, st.sampled_from(["breast", "liver", "bone", "C50", "NCIT:C4872"])),
    min_size=1,
    max_size=6,
).map("".join)


@pytest.mark.slow
@seed(SEED)
@FUZZ
@given(value=VALUE, other=VALUE, command=st.sampled_from(["sites", "primaries", "query", "likely", "classify"]))
def test_fuzz_parameter_values(tmp_path_factory, listener: dict, value: str, other: str, command: str) -> None:
    cwd = tmp_path_factory.mktemp("p")
    args = {
        "sites": ["sites", value, "--source", other],
        "primaries": ["primaries", value],
        "query": ["query", "metastatic-sites", "-p", f"cancer={value}", "-p", f"{other}=x"],
        "likely": ["likely-primaries", value, other],
        "classify": ["classify", value, other],
    }[command]
    before, seen = snapshot(cwd), listener["connections"]
    result = run(*args, "--timeout", "30", cwd=cwd)
    _check(result, cwd, before, listener, seen)
    assert not any(c in result.stdout for c in "\x1b\x07\u202e")


# ---------------------------------------------------------------------- Turtle inputs

DATATYPES = st.sampled_from(
    ["xsd:decimal", "xsd:integer", "xsd:double", "xsd:date", "xsd:gYear", "xsd:boolean", "xsd:string", "xsd:hexBinary"]
)
LEXICAL = st.one_of(
    st.sampled_from(["65.1", "abc", "1e999999", "NaN", "INF", "-0", "2024-02-30", "2024-02-29", "+.5", " 1", "12", ""]),
    ARG_TEXT.map(lambda s: s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")),
)
IRI_PART = st.sampled_from(["a", "b-c", "x y", "q\\u003E", "%20", "é", "\\u0020", "{", "z|", "ok_1"])


@st.composite
def turtle_file(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["figure", "literal", "iri", "label", "list"]))
        if kind == "figure":
            lines.append(f'evidence:breast--bone--gong-2018 cs:value "{draw(LEXICAL)}"^^{draw(DATATYPES)} .')
        elif kind == "literal":
            lines.append(f'cancer:breast cs:note "{draw(LEXICAL)}"^^{draw(DATATYPES)} .')
        elif kind == "iri":
            lines.append(f'<https://example.org/{draw(IRI_PART)}> skos:prefLabel "fuzz"@en .')
        elif kind == "label":
            lines.append(f'cancer:breast skos:altLabel "{draw(LEXICAL)}"@en .')
        else:
            depth = draw(st.sampled_from([1, 3, 70]))
            lines.append("cancer:breast cs:x " + "(" * depth + " 1 " + ")" * depth + " .")
    return PRE + "\n".join(lines) + "\n"


@pytest.mark.slow
@seed(SEED)
@FUZZ
@given(text=turtle_file())
def test_fuzz_turtle_inputs_both_engines_agree(tmp_path_factory, listener: dict, text: str) -> None:
    cwd = tmp_path_factory.mktemp("t")
    (cwd / "fuzz.ttl").write_text(text, encoding="utf-8", errors="surrogatepass")
    before, seen = snapshot(cwd), listener["connections"]
    results = []
    for engine in ("oxigraph", "rdflib"):
        result = run("evidence", "breast", "bone", "--store", engine, "--with", "fuzz.ttl", "--format", "csv", cwd=cwd)
        _check(result, cwd, before, listener, seen)
        results.append(result)
    ox, rdf = results
    assert ox.returncode == rdf.returncode, (text, ox.stderr, rdf.stderr)
    assert ox.stdout == rdf.stdout, text
