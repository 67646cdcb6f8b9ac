"""The quality gates: the real graph passes; every QC query and SHACL shape has a known-bad
fixture (named after it) that proves it fires."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.namespace import RDF, SH

from cancer_spread.load import parse_file
from cancer_spread.paths import find_paths
from cancer_spread.queries import load_qc_queries
from cancer_spread.validate import run_qc, run_shacl

from .conftest import load_with_ontology

FIXTURES = Path(__file__).parent / "fixtures"
QC_NAMES = sorted(load_qc_queries())
SHAPES = parse_file(find_paths().shapes)
NODE_SHAPES = sorted(str(s).rsplit("/", 1)[-1] for s in SHAPES.subjects(RDF.type, SH.NodeShape))


def test_real_graph_passes_shacl(graph) -> None:
    findings = run_shacl(graph)
    assert findings == [], "\n".join(f.format() for f in findings)


def test_real_graph_passes_every_qc_query(graph) -> None:
    findings = run_qc(graph)
    assert findings == [], "\n".join(f.format() for f in findings)


@pytest.mark.parametrize("name", QC_NAMES)
def test_qc_query_has_header(name: str) -> None:
    q = load_qc_queries()[name]
    for key in ("title", "problem", "fix"):
        assert q.header.get(key), f"queries/qc/{name}.rq lacks '#+ {key} = …'"
    assert q.kind == "SELECT"
    assert "ORDER BY" in q.text.upper()


@pytest.mark.parametrize("name", QC_NAMES)
def test_qc_query_fires_on_its_known_bad_fixture(name: str) -> None:
    fixture = FIXTURES / "qc" / f"{name}.ttl"
    assert fixture.exists(), f"add a known-bad fixture tests/fixtures/qc/{name}.ttl"
    findings = run_qc(load_with_ontology(fixture), names=[name])
    assert findings, f"queries/qc/{name}.rq found nothing in {fixture}"
    assert all(f.check == f"qc {name}" for f in findings)


@pytest.mark.parametrize("name", NODE_SHAPES)
def test_shape_fires_on_its_known_bad_fixture(name: str) -> None:
    fixture = FIXTURES / "shacl" / f"{name}.ttl"
    assert fixture.exists(), f"add a known-bad fixture tests/fixtures/shacl/{name}.ttl"
    findings = run_shacl(load_with_ontology(fixture), SHAPES)
    assert any(f.check == f"shacl cs:{name}" for f in findings), [f.format() for f in findings]


def test_a_range_must_run_upwards(tmp_path: Path) -> None:
    # cs:value is the bottom of a range and cs:upperValue its top (sh:lessThan).
    text = (
        "@prefix cs: <https://w3id.org/cancer-spread/vocab/> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        '<https://w3id.org/cancer-spread/source/s> a cs:Source ; cs:shortName "S" ;\n'
        '  dcterms:title "T" ; dcterms:publisher "P" .\n'
        "<https://w3id.org/cancer-spread/evidence/e> a cs:Evidence ;\n"
        "  dcterms:source <https://w3id.org/cancer-spread/source/s> ;\n"
        '  cs:unit "percent" ; cs:value 35.0 ; cs:upperValue 25.0 .\n'
    )
    bad = tmp_path / "range.ttl"
    bad.write_text(text, encoding="utf-8")
    findings = [f.format() for f in run_shacl(load_with_ontology(bad), SHAPES)]
    assert any("must be below cs:upperValue" in f for f in findings), findings
    bad.write_text(text.replace("cs:upperValue 25.0", "cs:upperValue 45.0"), encoding="utf-8")
    assert not any("upperValue" in f.format() for f in run_shacl(load_with_ontology(bad), SHAPES))


def test_a_source_address_outside_ascii_is_refused(tmp_path: Path) -> None:
    # xsd:anyURI in printable ASCII: a raw "ø" made the OWL reasoner reject the whole graph.
    bad = tmp_path / "url.ttl"
    bad.write_text(
        "@prefix cs: <https://w3id.org/cancer-spread/vocab/> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<https://w3id.org/cancer-spread/source/s> a cs:Source ; cs:shortName "S" ;\n'
        '  dcterms:title "T" ; dcterms:publisher "P" ;\n'
        '  cs:url "https://example.org/pakkeforløp"^^xsd:anyURI .\n',
        encoding="utf-8",
    )
    findings = [f.format() for f in run_shacl(load_with_ontology(bad), SHAPES)]
    assert any("printable ASCII" in f for f in findings), findings
    bad.write_text(bad.read_text(encoding="utf-8").replace("ø", "%C3%B8"), encoding="utf-8")
    assert not any("printable ASCII" in f.format() for f in run_shacl(load_with_ontology(bad), SHAPES))


def test_findings_read_well(graph) -> None:
    fixture = FIXTURES / "qc" / "site-without-uberon.ttl"
    [finding] = run_qc(load_with_ontology(fixture), names=["site-without-uberon"])
    text = finding.format()
    assert text.startswith("qc site-without-uberon: site:uncoded cs:xref:")
    assert "fix: Add cs:xref" in text


def test_cli_validate_passes_on_repository(run_cli) -> None:
    result = run_cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok: ")


def test_cli_validate_exits_1_on_problems(run_cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text((FIXTURES / "qc" / "site-without-uberon.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cli("validate", "--with", str(bad))
    assert result.returncode == 1
    assert "qc site-without-uberon: site:uncoded" in result.stdout


def test_cli_fmt_check_passes_on_repository(run_cli) -> None:
    result = run_cli("fmt", "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_cli_fmt_check_names_a_non_canonical_file(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "messy.ttl"
    path.write_text(
        "<http://example.org/b> <http://example.org/p> 1 . <http://example.org/a> <http://example.org/p> 2 .\n",
        encoding="utf-8",
    )
    result = run_cli("fmt", "--check", str(path))
    assert result.returncode == 1
    assert str(path) in result.stdout
