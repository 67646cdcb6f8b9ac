"""Unit tests of the robustness modules: the input gate, terminal-safe text, the SPARQL checks,
the escaping of terms written into remote query texts, and safe output files."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from cancer_spread import files as outputs
from cancer_spread.errors import InputError, LoadError, QueryError, SystemRefusal
from cancer_spread.gate import MAX_NESTING, check_file, file_problems, read_regular
from cancer_spread.results import Term
from cancer_spread.sparqlcheck import MAX_DEPTH, MAX_QUERY_CHARS, check_query, check_timeout
from cancer_spread.sparqlterm import sparql_term
from cancer_spread.textsafe import terminal_safe

PREFIXES = "@prefix x: <https://example.org/x/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"


def _ttl(tmp_path: Path, body: str, name: str = "f.ttl") -> Path:
    path = tmp_path / name
    path.write_text(PREFIXES + body, encoding="utf-8")
    return path


# ---------------------------------------------------------------------- the input gate

GOOD = [
    'x:a x:figure 65.1 ; x:n 12 ; x:when "2024-02-29"^^xsd:date ; x:year "2019"^^xsd:gYear .',
    'x:a x:figure "65.10"^^xsd:decimal ; x:d "1.5e3"^^xsd:double ; x:ok true .',
    'x:a x:label "tab\\there"@en ; x:list ( 1 2 3 ) .',
]

BAD = [
    ('x:a x:figure "abc"^^xsd:decimal .', 3, "not a valid xsd:decimal"),
    ('x:a x:n "12.5"^^xsd:integer .', 3, "not a valid xsd:integer"),
    ('x:a x:n "-1"^^xsd:nonNegativeInteger .', 3, "out of range"),
    ('x:a x:when "2024-13-01"^^xsd:date .', 3, "xsd:date"),
    ('x:a x:when "2023-02-29"^^xsd:date .', 3, "calendar"),
    ('x:a x:year "19"^^xsd:gYear .', 3, "xsd:gYear"),
    ('x:a x:d "NaN"^^xsd:double .', 3, "not a finite number"),
    ('x:a x:d "INF"^^xsd:float .', 3, "not a finite number"),
    ("x:a x:d 1e999999 .", 3, "not a finite number"),
    ('x:a x:figure " 65.1"^^xsd:decimal .', 3, "not a valid xsd:decimal"),
    ("x:a x:b <a b> .", 3, "Invalid IRI"),
    ("x:a x:b <https://example.org/a\\u003E> .", 3, "Invalid IRI"),
    ('x:a x:b "\\uD800" .', 3, "not a valid unicode character"),
    ("x:a x:b " + "(" * 2000 + ")" * 2000 + " .", 3, f"nested more than {MAX_NESTING} deep"),
    ("\n\nx:a x:b y:c .", 5, "has not been declared"),
]


@pytest.mark.parametrize("body", GOOD)
def test_gate_accepts_good_files(tmp_path: Path, body: str) -> None:
    assert file_problems(_ttl(tmp_path, body)) == []


@pytest.mark.parametrize(("body", "line", "problem"), BAD)
def test_gate_refuses_with_file_line_and_hint(tmp_path: Path, body: str, line: int, problem: str) -> None:
    path = _ttl(tmp_path, body)
    with pytest.raises(LoadError) as err:
        check_file(path)
    assert err.value.message.startswith(f"{path}:{line}:"), err.value.message
    assert problem in err.value.message
    assert err.value.hint


def test_gate_holds_figure_and_count_properties_to_their_ontology_range(tmp_path: Path) -> None:
    from cancer_spread.gate import check_files
    from cancer_spread.paths import find_paths

    ontology = find_paths().ontology / "cancer-spread.ttl"
    cs = "@prefix cs: <https://w3id.org/cancer-spread/vocab/> .\n"
    good = _ttl(tmp_path, cs + "x:e cs:value 65.1 ; cs:count 12 .", "good.ttl")
    check_files([ontology, good])
    for body, says in [
        ('x:e cs:value "65.1" .', "cs:value takes an xsd:decimal"),
        ('x:e cs:value "65.1"@en .', "cs:value takes an xsd:decimal"),
        ("x:e cs:value 6.51e1 .", "cs:value takes an xsd:decimal"),
        ("x:e cs:count 12.0 .", "cs:count takes an xsd:integer"),
        ("x:e cs:count x:many .", "cs:count takes a literal"),
    ]:
        path = _ttl(tmp_path, cs + body, "bad.ttl")
        with pytest.raises(LoadError, match=says):
            check_files([ontology, path])


def test_gate_refuses_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.ttl"
    path.write_bytes(b"\xef\xbb\xbf" + PREFIXES.encode() + b"x:a x:b x:c .\n")
    with pytest.raises(LoadError, match=r"bom.ttl:1: .*byte-order mark"):
        check_file(path)


def test_gate_refuses_a_literal_over_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cancer_spread import gate

    monkeypatch.setattr(gate, "MAX_LITERAL_CHARS", 1000)
    path = _ttl(tmp_path, f'x:a x:b "{"y" * 1001}" .')
    with pytest.raises(LoadError, match="more than the limit of 1,000"):
        check_file(path)


def test_gate_refuses_a_file_over_the_size_limit(tmp_path: Path) -> None:
    path = _ttl(tmp_path, "x:a x:b x:c .\n")
    with pytest.raises(LoadError, match="more than the limit of 10 bytes"):
        read_regular(path, limit=10)


def test_gate_refuses_other_formats(tmp_path: Path) -> None:
    path = tmp_path / "f.jsonld"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(LoadError, match="only Turtle files"):
        check_file(path)


@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_gate_refuses_special_files_without_blocking(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        path = tmp_path / "p.ttl"
        os.mkfifo(path)
    elif kind == "directory":
        path = tmp_path / "d.ttl"
        path.mkdir()
    else:
        path = Path("/dev/null")
    with pytest.raises(LoadError, match="not a regular Turtle file"):
        check_file(path)


# ---------------------------------------------------------------------- terminal-safe text


@pytest.mark.parametrize(
    "text",
    [
        "\x1b]0;title\x07",
        "\x1b[2J\x1b[H",
        "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\",
        "\x9b31m",
        "safe\u202etxt.exe",
        "a\u2066b\u2069",
        "nul\x00del\x7f",
    ],
)
def test_terminal_safe_leaves_no_control_or_bidi_character(text: str) -> None:
    out = terminal_safe(text)
    assert not any(
        ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        for c in out
    )
    assert out != text


def test_terminal_safe_keeps_ordinary_text() -> None:
    text = "Leber – 65,1 % (Sjögren, 東京)\tok"
    assert terminal_safe(text) == text


# ---------------------------------------------------------------------- SPARQL checks


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { service <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * FROM <http://127.0.0.1:9/g.ttl> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
    ],
)
def test_outbound_requests_are_refused(query: str) -> None:
    with pytest.raises(QueryError, match="is refused"):
        check_query(query)
    check_query(query, allow_remote=True)


def test_words_that_only_look_like_keywords_pass() -> None:
    check_query('SELECT ?service ?from WHERE { ?service cs:from "SERVICE FROM" . <urn:SERVICE> ?p ?from }')


def test_from_is_allowed_on_an_endpoint_but_service_is_not() -> None:
    check_query("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }", endpoint=True)
    with pytest.raises(QueryError):
        check_query("SELECT * WHERE { SERVICE <urn:x> { ?s ?p ?o } }", endpoint=True)


def test_nesting_and_length_bounds() -> None:
    check_query("SELECT * WHERE " + "{ " * MAX_DEPTH + "?s ?p ?o" + " }" * MAX_DEPTH)
    with pytest.raises(QueryError, match="nests"):
        check_query("SELECT * WHERE " + "{" * 3000 + "}" * 3000)
    with pytest.raises(QueryError, match="characters long"):
        check_query('SELECT ("' + "x" * MAX_QUERY_CHARS + '" AS ?x) {}')


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), 0.0, -1.0, 1e30])
def test_timeout_must_be_positive_finite(value: float) -> None:
    with pytest.raises(InputError):
        check_timeout(value)


# ---------------------------------------------------------------------- remote query terms


@pytest.mark.parametrize(
    "iri",
    [
        "urn:x> } ; DROP ALL ; <urn:y",
        "https://example.org/a>",
        "https://example.org/a b",
        'https://example.org/"',
        "https://example.org/{}",
        "https://example.org/\\u003E",
        "https://example.org/\n",
        "relative/path",
    ],
)
def test_iris_that_would_break_out_are_refused(iri: str) -> None:
    with pytest.raises(QueryError):
        sparql_term(Term("uri", iri))


def test_literals_cannot_end_their_string() -> None:
    import pyoxigraph as ox
    from rdflib import Graph
    from rdflib.plugins.sparql import prepareQuery

    nasty = 'a" } ; DROP ALL ; SELECT * { "\\u0022\n\r\x00\u2028\\' + "'"
    text = sparql_term(Term("literal", nasty))
    query = f"SELECT ?x WHERE {{ BIND({text} AS ?x) }}"
    [row] = list(ox.Store().query(query))
    assert row["x"].value == nasty
    # rdflib expands \u escapes before parsing, even after a backslash: the value may differ
    # there, but the string still cannot end early (one row, one variable).
    [row] = list(Graph().query(prepareQuery(query)))
    assert str(row[0]).startswith('a" } ; DROP ALL')


def test_values_text_uses_the_one_escaping_function() -> None:
    from cancer_spread.queries import values_text

    with pytest.raises(QueryError):
        values_text("SELECT ?s WHERE { ?s ?p ?o }", {"s": Term("uri", "urn:a> . ?x ?y ?z . <urn:b")})


# ---------------------------------------------------------------------- outputs


def test_write_keeps_mode_and_follows_symlinks(tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o600)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    outputs.write_atomic(link, "new")
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.txt", "real.txt"]


def test_write_refuses_fifo_and_inputs(tmp_path: Path) -> None:
    fifo = tmp_path / "out.html"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="FIFO"):
        outputs.write_atomic(fifo, "x")
    src = tmp_path / "in.ttl"
    src.write_text("keep", encoding="utf-8")
    outputs.note_input(src)
    hard = tmp_path / "hard.ttl"
    os.link(src, hard)
    for path in (src, hard, tmp_path / "." / "in.ttl"):
        with pytest.raises(InputError, match="inputs"):
            outputs.write_atomic(path, "x")
    assert src.read_text(encoding="utf-8") == "keep"
    outputs.write_atomic(src, "rewritten", replace_input=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hard.ttl", "in.ttl", "out.html"]


def test_stale_temporary_files_of_dead_processes_are_swept(tmp_path: Path) -> None:
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    (tmp_path / f".a.txt.{pid}.0123abcd.tmp").write_text("partial", encoding="utf-8")
    outputs.write_atomic(tmp_path / "a.txt", "whole")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_a_full_disk_is_the_systems_refusal_and_keeps_the_old_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "graph.ttl"
    target.write_text("old", encoding="utf-8")

    def full(fd: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(SystemRefusal) as caught:
        outputs.write_atomic(target, "new")
    monkeypatch.undo()
    assert caught.value.exit_code == 4
    assert caught.value.message == f"{target}: cannot write: No space left on device"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"] and target.read_text(encoding="utf-8") == "old"
    # Permission denied is the user's choice of place: bad input, exit 2.
    monkeypatch.setattr(os, "write", lambda fd, data: (_ for _ in ()).throw(PermissionError(13, "Permission denied")))
    with pytest.raises(InputError) as denied:
        outputs.write_atomic(target, "new")
    assert denied.value.exit_code == 2 and not isinstance(denied.value, SystemRefusal)


def test_write_set_is_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {tmp_path / n: "old " + n for n in ("a.ttl", "b.ttl", "c.json")}
    outputs.write_set(files)
    real_replace = os.replace
    calls = {"n": 0}

    def failing_replace(src: object, dst: object) -> None:
        if str(src).endswith(".tmp"):
            calls["n"] += 1
            if calls["n"] == 3:
                raise OSError(28, "No space left on device", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(SystemRefusal, match="No space left on device; the previous files are kept"):
        outputs.write_set({p: "new" for p in files})
    monkeypatch.undo()
    assert {p.name: p.read_text(encoding="utf-8") for p in files} == {p.name: "old " + p.name for p in files}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ttl", "b.ttl", "c.json"]


def test_remote_query_text_refuses_a_hostile_iri_before_anything_is_sent(listener) -> None:
    """An IRI that ends itself (as `\\u003E` in a Turtle file would make it) reaches the remote
    path only if something bypasses the gate; the one escaping function still refuses it."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF, SKOS

    from cancer_spread import remote
    from cancer_spread.load import load_graph
    from cancer_spread.namespaces import CS

    graph = load_graph(cache=False)
    evil = URIRef("https://w3id.org/cancer-spread/cancer/x> } ; DROP ALL ; SELECT * { <urn:a")
    graph.add((evil, RDF.type, CS.PrimaryCancer))
    graph.add((evil, SKOS.prefLabel, Literal("evil test cancer", lang="en")))
    seen = listener["connections"]
    with pytest.raises(QueryError, match="cannot write the IRI"):
        remote.run_query(
            "metastatic-sites", f"http://127.0.0.1:{listener['port']}/query", graph, cancer="evil test cancer"
        )
    assert listener["connections"] == seen


def test_labels_from_a_remote_endpoint_are_terminal_safe_in_tables() -> None:
    from cancer_spread.remote import results_from_json

    hostile = "liver\x1b]0;pwned\x07\u202e"
    cell = {"type": "literal", "value": hostile}
    rows = results_from_json({"head": {"vars": ["a", "b"]}, "results": {"bindings": [{"a": cell, "b": cell}] * 2}})
    table = rows.to_text("table")
    assert "\x1b" not in table and "\x07" not in table and "\u202e" not in table
    assert hostile in rows.to_text("csv")


def test_terminal_safe_shortcut_misses_no_unsafe_character() -> None:
    # terminal_safe returns printable text as it is: every character it escapes must be one
    # that str.isprintable() rejects, in the whole of Unicode.
    import re

    from cancer_spread import textsafe

    for pattern in (textsafe._UNSAFE, textsafe._UNSAFE_KEEP_NL):
        unsafe = re.compile(pattern)
        caught = [c for c in map(chr, range(0x110000)) if unsafe.fullmatch(c)]
        assert len(caught) > 100
        assert not [c for c in caught if c.isprintable()]
    assert terminal_safe("tab\there") == "tab\there"
    assert terminal_safe("a\u2028b") == "a\\u2028b"
