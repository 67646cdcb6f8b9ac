"""The canonical Turtle writer and the guard that every committed file is canonical."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SH, XSD

from cancer_spread.files import write_atomic
from cancer_spread.paths import find_paths
from cancer_spread.turtle import canonical_turtle, format_files

REPO_FILES = find_paths().all_turtle_files()


@pytest.mark.parametrize("path", REPO_FILES, ids=lambda p: str(p.relative_to(find_paths().root)))
def test_committed_file_is_canonical(path: Path) -> None:
    from cancer_spread.load import parse_file

    text = path.read_text(encoding="utf-8")
    assert canonical_turtle(parse_file(path)) == text, (
        f"{path} is not in canonical form: run `cancer-spread fmt` (or `make fmt`)"
    )


def _sample_graph() -> Graph:
    g = Graph()
    ex = "https://w3id.org/cancer-spread/site/"
    for i in range(30):
        s = URIRef(f"{ex}s{i:02d}")
        g.add((s, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), Literal(f"site {i}", lang="en")))
        g.add((s, URIRef("https://w3id.org/cancer-spread/vocab/value"), Literal("12.5", datatype=XSD.decimal)))
        g.add((s, URIRef("https://w3id.org/cancer-spread/vocab/count"), Literal(i)))
        g.add((s, URIRef("http://www.w3.org/2004/02/skos/core#broader"), URIRef(f"{ex}s{(i * 7) % 30:02d}")))
    g.add((URIRef(ex + "q"), URIRef("http://example.org/p"), Literal('quote " and \\ and\nnewline')))
    shape = URIRef("https://w3id.org/cancer-spread/vocab/Shape")
    prop = BNode()
    g.add((shape, SH.property, prop))
    g.add((prop, SH.path, URIRef("http://example.org/p")))
    lst = BNode()
    g.add((prop, SH["in"], lst))
    g.add((lst, RDF.first, Literal("a")))
    rest = BNode()
    g.add((lst, RDF.rest, rest))
    g.add((rest, RDF.first, Literal("b")))
    g.add((rest, RDF.rest, RDF.nil))
    return g


def test_output_does_not_depend_on_insertion_order() -> None:
    triples = list(_sample_graph())
    outputs = set()
    for seed in range(5):
        random.Random(seed).shuffle(triples)
        g = Graph()
        for t in triples:
            g.add(t)
        outputs.add(canonical_turtle(g))
    assert len(outputs) == 1


def test_round_trip_is_isomorphic_and_idempotent() -> None:
    g = _sample_graph()
    text = canonical_turtle(g)
    back = Graph().parse(data=text, format="turtle")
    assert isomorphic(g, back)
    assert canonical_turtle(back) == text


def test_adding_a_reference_does_not_move_blocks() -> None:
    g = _sample_graph()
    before = canonical_turtle(g).split("\n\n")
    g.add(
        (
            URIRef("https://w3id.org/cancer-spread/site/s29"),
            URIRef("http://example.org/p"),
            URIRef("https://w3id.org/cancer-spread/site/s01"),
        )
    )
    after = canonical_turtle(g).split("\n\n")
    # The block order (by subject) is unchanged; only s29's block grew.
    assert [b.split(" ", 1)[0] for b in before] == [b.split(" ", 1)[0] for b in after]


def test_shared_blank_node_is_refused_with_a_clear_message() -> None:
    from cancer_spread.errors import CancerSpreadError

    g = Graph()
    b = BNode()
    g.add((URIRef("http://example.org/a"), URIRef("http://example.org/p"), b))
    g.add((URIRef("http://example.org/c"), URIRef("http://example.org/p"), b))
    g.add((b, URIRef("http://example.org/q"), Literal(1)))
    with pytest.raises(CancerSpreadError, match="give it an IRI"):
        canonical_turtle(g)


def test_fmt_check_reports_and_fmt_fixes(tmp_path: Path) -> None:
    path = tmp_path / "x.ttl"
    path.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<https://w3id.org/cancer-spread/site/b> skos:prefLabel 'b'@en . "
        "<https://w3id.org/cancer-spread/site/a> skos:prefLabel 'a'@en .\n",
        encoding="utf-8",
    )
    assert format_files([path], check=True) == [path]
    assert "site:b" not in path.read_text(encoding="utf-8")  # --check leaves it alone
    assert format_files([path]) == [path]
    assert format_files([path], check=True) == []
    text = path.read_text(encoding="utf-8")
    assert text.index("site:a") < text.index("site:b")


def test_write_atomic_leaves_old_file_on_error(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    path.write_text("old", encoding="utf-8")

    class Boom(str):
        def encode(self, *a, **k):  # type: ignore[override]
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_atomic(path, Boom("new"))
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_write_atomic_gives_normal_permissions(tmp_path: Path) -> None:
    import os

    path = tmp_path / "out.txt"
    write_atomic(path, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize(
    ("lexical", "written"),
    [("16.00", "16.0"), ("84", "84.0"), ("+0.50", "0.5"), ("-003.10", "-3.1"), ("-0.0", "0.0"), ("7.34", "7.34")],
)
def test_decimals_are_written_in_canonical_form(lexical: str, written: str) -> None:
    g = Graph()
    g.add((URIRef("http://example.org/a"), URIRef("http://example.org/v"), Literal(lexical, datatype=XSD.decimal)))
    text = canonical_turtle(g)
    assert f"<http://example.org/v> {written} ." in text
    back = Graph().parse(data=text, format="turtle")
    assert (
        back.value(URIRef("http://example.org/a"), URIRef("http://example.org/v")).toPython()
        == Literal(lexical, datatype=XSD.decimal).toPython()
    )
