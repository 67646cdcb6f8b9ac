"""Cohort ingest: small hand-made fixtures in both cBioPortal formats and a generic CSV, with
counts, denominators, percentages and Wilson intervals worked out by hand.

The fixtures (tests/fixtures/cohort/) are synthetic; no real cohort data is used here.

Hand computation of one 95 % Wilson interval, 3 of 4 (breast cancer, bone, sample file):
    p = 3/4 = 0.75, n = 4, z = 1.96, z² = 3.8416, z²/n = 0.9604
    centre = (p + z²/2n) / (1 + z²/n) = (0.75 + 0.4802) / 1.9604 = 0.62752
    half   = z / (1 + z²/n) * sqrt(p(1-p)/n + z²/4n²)
           = 1.96 / 1.9604 * sqrt(0.046875 + 0.060025) = 0.99980 * 0.32695 = 0.32689
    interval = 0.62752 ± 0.32689 = 0.30063 … 0.95441  ->  30.06 % … 95.44 %
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from cancer_spread.cli import main
from cancer_spread.errors import InputError
from cancer_spread.ingest import CohortInfo, LabelMap, ingest_cbioportal, ingest_table, wilson_interval
from cancer_spread.load import load_graph
from cancer_spread.namespaces import BASE, CS
from cancer_spread.turtle import canonical_turtle

from .conftest import FIXTURES, ROOT

COHORT = FIXTURES / "cohort"
SAMPLE_FILE = COHORT / "data_clinical_sample.txt"
WEB_EXPORT = COHORT / "web_export.tsv"
TABLE = COHORT / "table.csv"
INFO = CohortInfo(
    short_name="Fixture",
    url="https://example.org/cohort",
    publisher="Test",
    citation="A synthetic cohort",
    license="https://creativecommons.org/licenses/by/4.0/",
    ingest_date=datetime.date(2026, 1, 2),
)
CANCER = lambda local: URIRef(BASE + "cancer/" + local)  # noqa: E731
SITE = lambda local: URIRef(BASE + "site/" + local)  # noqa: E731


def figures(result) -> dict[tuple[str, str], tuple[int, int, str, str, str]]:
    out = {}
    for f in result.figures:
        lo, hi = f.interval
        key = (str(f.cancer).rsplit("/", 1)[-1], str(f.site).rsplit("/", 1)[-1])
        out[key] = (f.count, f.denominator, str(f.percent), str(lo), str(hi))
    return out


# ---------------------------------------------------------------------- statistics


def test_wilson_interval_by_hand() -> None:
    lo, hi = wilson_interval(3, 4)
    assert (round(100 * lo, 2), round(100 * hi, 2)) == (30.06, 95.44)  # see the module docstring
    assert wilson_interval(0, 5)[0] == 0.0
    assert wilson_interval(5, 5)[1] == 1.0
    # the interval always contains the point estimate
    for count, n in [(1, 3), (7, 9), (50, 1000)]:
        lo, hi = wilson_interval(count, n)
        assert lo < count / n < hi
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


# ---------------------------------------------------------------------- the three formats


def test_sample_file_site_flags(graph) -> None:
    result = ingest_cbioportal(SAMPLE_FILE, INFO, graph=graph)
    assert result.input_format == "cBioPortal clinical sample file"
    assert (result.count, result.denominator) == ("patients", "metastatic")
    # colorectal: SP-01..06; SP-05 has no site flagged -> 5 patients with distant spread
    # (SP-04's only site is DMETS_DX_UNSPECIFIED: unmapped, but still in the denominator).
    # breast: SP-07..10, all with a flag -> 4. stomach: SP-11 (Esophagogastric, STAD) -> 1.
    assert figures(result) == {
        ("breast", "bone"): (3, 4, "75.00", "30.06", "95.44"),
        ("breast", "kidney"): (1, 4, "25.00", "4.56", "69.94"),
        ("breast", "liver"): (1, 4, "25.00", "4.56", "69.94"),
        ("breast", "lung"): (1, 4, "25.00", "4.56", "69.94"),
        ("colorectal", "liver"): (3, 5, "60.00", "23.07", "88.24"),
        ("colorectal", "lung"): (2, 5, "40.00", "11.76", "76.93"),
        ("stomach", "liver"): (1, 1, "100.00", "20.65", "100.00"),
    }
    assert (result.rows_read, result.rows_used, result.rows_skipped) == (15, 12, 0)
    assert result.repeated == 1  # SP-01 has two samples, both flagged liver: counted once
    assert result.unmapped == {
        ("cancer", "CANCER_TYPE / ONCOTREE_CODE", "Anal Cancer / SCCA", True): 1,
        ("cancer", "CANCER_TYPE / ONCOTREE_CODE", "Esophagogastric Cancer / EGC", True): 1,
        ("cancer", "CANCER_TYPE / ONCOTREE_CODE", "Mystery Cancer / XYZ", False): 1,
        ("site", "DMETS_DX_PNS", "Yes", True): 1,
        ("site", "DMETS_DX_UNSPECIFIED", "Yes", True): 1,
    }


def test_sample_file_all_patients_denominator(graph) -> None:
    result = ingest_cbioportal(SAMPLE_FILE, INFO, denominator="all", graph=graph)
    got = figures(result)
    assert got[("colorectal", "liver")][:3] == (3, 6, "50.00")  # SP-05 (no site) now counts
    assert got[("breast", "bone")][:3] == (3, 4, "75.00")
    ev = URIRef(BASE + "evidence/colorectal--liver--fixture")
    assert result.graph.value(ev, CS.measure) == URIRef(BASE + "measure/all-patients-with-site")


def test_sample_file_as_biopsies(graph) -> None:
    result = ingest_cbioportal(SAMPLE_FILE, INFO, count="biopsies", graph=graph)
    got = figures(result)
    # colorectal metastasis samples: SP-01 liver, SP-02 lung, SP-06 liver
    assert got[("colorectal", "liver")][:3] == (2, 3, "66.67")
    assert got[("colorectal", "lung")][:3] == (1, 3, "33.33")
    assert result.rows_skipped == 8  # primary samples


def test_web_export_biopsy_distribution(graph) -> None:
    result = ingest_cbioportal(WEB_EXPORT, INFO, graph=graph)
    assert result.input_format == "cBioPortal clinical data export"
    assert (result.count, result.denominator) == ("biopsies", "biopsies")
    # colorectal metastasis samples, one per patient and site: WE-02 liver (twice: once),
    # WE-03 liver, WE-04 lung, WE-05 unspecified, WE-06 lymph, WE-07 distant LN, WE-08 female
    # genital, WE-09 liver -> 8, unspecified and unmapped sites included.
    # breast: WE-10, 11 bone, WE-13 CNS/Brain, WE-14 spleen (mapped by name), WE-15 "Moon" -> 5.
    assert figures(result) == {
        ("breast", "bone"): (2, 5, "40.00", "11.76", "76.93"),
        ("breast", "central-nervous-system"): (1, 5, "20.00", "3.62", "62.45"),
        ("breast", "spleen"): (1, 5, "20.00", "3.62", "62.45"),
        ("colorectal", "liver"): (3, 8, "37.50", "13.68", "69.43"),
        ("colorectal", "lung"): (1, 8, "12.50", "2.24", "47.09"),
        ("colorectal", "lymph-nodes"): (2, 8, "25.00", "7.15", "59.07"),
    }
    assert (result.rows_read, result.rows_used, result.rows_skipped) == (18, 14, 3)
    assert result.repeated == 1
    assert result.unmapped == {
        ("cancer", "Cancer Type", "Esophagogastric Cancer", True): 1,
        ("site", "Metastatic Site", "Female Genital", True): 1,
        ("site", "Metastatic Site", "Moon", False): 1,
        ("site", "Metastatic Site", "Unspecified", True): 1,
    }
    assert result.mapped_by_name == {("site", "Spleen", SITE("spleen")): 1}


def test_generic_table(graph) -> None:
    result = ingest_table(TABLE, INFO, patient="id", cancer="tumour", site="site", graph=graph)
    # bowel cancer: T1 liver+lung, T2 liver (twice: once), T3 no site, T4 peritoneum -> 3 with a site
    # prostate: T5 bone, T6 Bone, T7 none, T8 Lymph -> 3 with a site
    assert figures(result) == {
        ("colorectal", "liver"): (2, 3, "66.67", "20.77", "93.85"),
        ("colorectal", "lung"): (1, 3, "33.33", "6.15", "79.23"),
        ("colorectal", "peritoneum"): (1, 3, "33.33", "6.15", "79.23"),
        ("prostate", "bone"): (2, 3, "66.67", "20.77", "93.85"),
        ("prostate", "lymph-nodes"): (1, 3, "33.33", "6.15", "79.23"),
    }
    assert (result.rows_read, result.rows_used, result.repeated) == (11, 10, 1)
    assert result.unmapped == {("cancer", "tumour", "Kangaroo cancer", False): 1}
    every = ingest_table(TABLE, INFO, patient="id", cancer="tumour", site="site", denominator="all", graph=graph)
    assert figures(every)[("colorectal", "liver")][:3] == (2, 4, "50.00")


def test_table_site_separator(tmp_path: Path, graph) -> None:
    f = tmp_path / "multi.tsv"
    f.write_text("pid\tcancer\tsites\nA\tbreast cancer\tbone;liver\nB\tbreast cancer\tbone\n", encoding="utf-8")
    result = ingest_table(f, INFO, patient="pid", cancer="cancer", site="sites", site_separator=";", graph=graph)
    assert figures(result)[("breast", "bone")][:3] == (2, 2, "100.00")
    assert figures(result)[("breast", "liver")][:3] == (1, 2, "50.00")


def test_progress_reports_the_whole_file(graph) -> None:
    seen: list[int] = []
    ingest_cbioportal(WEB_EXPORT, INFO, graph=graph, progress=seen.append)
    assert seen[-1] == WEB_EXPORT.stat().st_size


# ---------------------------------------------------------------------- the evidence graph


def test_evidence_graph(graph) -> None:
    result = ingest_cbioportal(WEB_EXPORT, INFO, graph=graph)
    g = result.graph
    ev = URIRef(BASE + "evidence/colorectal--liver--fixture")
    assert g.value(ev, CS.evidenceKind) == URIRef(BASE + "evidence-kind/biopsy-distribution")
    assert g.value(ev, CS.measure) == URIRef(BASE + "measure/metastasis-biopsies-at-site")
    assert g.value(ev, CS.value).toPython() == Decimal("37.50")
    assert (g.value(ev, CS.ciLow).toPython(), g.value(ev, CS.ciHigh).toPython()) == (Decimal("13.68"), Decimal("69.43"))
    assert str(g.value(ev, CS.unit)) == "percent"
    assert "Colorectal Cancer" in str(g.value(ev, CS.population))
    # an existing curated pattern is reused; a missing one is created and typed
    assert (URIRef(BASE + "spread/colorectal--liver"), CS.evidence, ev) in g
    assert (URIRef(BASE + "spread/colorectal--liver"), RDF.type, CS.SpreadPattern) not in g
    new = URIRef(BASE + "spread/breast--spleen")
    assert (new, RDF.type, CS.SpreadPattern) in g
    assert (new, CS.primaryCancer, CANCER("breast")) in g and (new, CS.site, SITE("spleen")) in g
    # the cohort source and its provenance
    src = URIRef(BASE + "cohort/fixture")
    assert {CS.Source, CS.Cohort} <= set(g.objects(src, RDF.type))
    assert g.value(src, CS.sha256).toPython() == hashlib.sha256(WEB_EXPORT.read_bytes()).hexdigest()
    assert (g.value(src, CS.rowsRead).toPython(), g.value(src, CS.rowsUsed).toPython()) == (18, 14)
    assert str(g.value(src, CS.inputFile)) == "web_export.tsv"
    assert str(g.value(src, CS.ingestDate)) == "2026-01-02"
    unmapped = {
        (str(g.value(u, CS.inputLabel)), g.value(u, CS.rowCount).toPython()) for u in g.objects(src, CS.unmappedValue)
    }
    assert ("Moon", 1) in unmapped and ("Unspecified", 1) in unmapped
    # canonical text round-trips
    text = result.text
    assert canonical_turtle(Graph().parse(data=text, format="turtle")) == text


def test_merged_graph_passes_validation(tmp_path: Path) -> None:
    runner = CliRunner()
    outputs = []
    for i, args in enumerate(
        (
            ["cbioportal", str(SAMPLE_FILE), "--short-name", "fixture-a"],
            ["cbioportal", str(WEB_EXPORT), "--short-name", "fixture-b"],
            [
                *("table", str(TABLE), "--patient", "id", "--cancer", "tumour", "--site", "site"),
                *("--short-name", "fixture-c", "--publisher", "Test"),
            ],
        )
    ):
        out = tmp_path / f"cohort-{i}.ttl"
        result = runner.invoke(main, ["ingest", *args, "--url", "https://example.org/x", "-o", str(out)])
        assert result.exit_code == 0, result.output
        outputs.append(out)
    extra = [x for out in outputs for x in ("--with", str(out))]
    result = runner.invoke(main, ["validate", *extra])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["evidence", "colorectal", "liver", "--format", "csv", *extra])
    assert result.exit_code == 0, result.output
    rows = {r["evidence"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    row = rows[BASE + "evidence/colorectal--liver--fixture-b"]
    assert (row["kind"], Decimal(row["value"]), row["count"], row["denominator"]) == (
        "biopsy distribution",
        Decimal("37.5"),
        "3",
        "8",
    )


# ---------------------------------------------------------------------- the command line


def test_cli_writes_canonical_file_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "cohort.ttl"
    args = ["ingest", "cbioportal", str(WEB_EXPORT), "--short-name", "Fixture", "--url", "https://example.org/x"]
    result = CliRunner().invoke(main, [*args, "-o", str(out), "--date", "2026-01-02"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    assert "Moon" in result.stderr and "no rule" in result.stderr
    assert "Unspecified" in result.stderr and "left unmapped on purpose" in result.stderr
    assert "repeated" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert canonical_turtle(Graph().parse(data=text, format="turtle")) == text
    g = load_graph(extra=[out], cache=False)
    ev = URIRef(BASE + "evidence/colorectal--liver--fixture")
    assert (URIRef(BASE + "spread/colorectal--liver"), CS.evidence, ev) in g


def test_cli_default_output_path(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["ingest", "cbioportal", str(WEB_EXPORT), "--short-name", "My Cohort!", "--pmid", "123"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "build" / "cohort-my-cohort.ttl").is_file()


def test_cli_needs_a_locator(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ingest", "cbioportal", str(WEB_EXPORT), "--short-name", "x"])
    assert result.exit_code == 2
    assert "--url, --doi or --pmid" in result.stderr


# ---------------------------------------------------------------------- bad input


SAMPLE_TEXT = SAMPLE_FILE.read_text(encoding="utf-8")
EXPORT_TEXT = WEB_EXPORT.read_text(encoding="utf-8")


def _lines(text: str, n: int, new: str) -> str:
    lines = text.splitlines(keepends=True)
    lines[n - 1] = new
    return "".join(lines)


BAD = {
    "empty": (b"", ":1: empty file"),
    "header-only": (EXPORT_TEXT.splitlines(keepends=True)[0].encode(), ":1: no data rows"),
    "ragged": (_lines(EXPORT_TEXT, 4, "WE-03\tWE-03-T1\tColorectal Cancer\tMetastasis\n").encode(), ":4: expected 6"),
    "bad-utf8": (_lines(EXPORT_TEXT, 7, "WE-06\tWE-06-T1\tColorectal Cancer\t2\tMetastasis\tLymph\n").encode()
                 .replace(b"WE-06-T1", b"WE-06-\xff1"), ":7: not UTF-8"),
    "missing-column": (EXPORT_TEXT.replace("Sample Type", "Kind").encode(), ":1: no sample type column 'Sample Type'"),
    "not-cbioportal": (b"a\tb\n1\t2\n", ":1: not a cBioPortal clinical file"),
    "three-hash-lines": ("".join(SAMPLE_TEXT.splitlines(keepends=True)[1:]).encode(), ":4: expected 4 '#' metadata"),
    "bad-flag": (SAMPLE_TEXT.replace("Primary\t\tNo\tNo\t\tNA", "Primary\t\tNo\tNo\t\tMaybe").encode(),
                 ":11: DMETS_DX_KIDNEY is 'Maybe'"),
    "empty-patient": (_lines(EXPORT_TEXT, 3, "\tWE-02-T1\tColorectal Cancer\t7\tMetastasis\tLiver\n").encode(),
                      ":3: empty Patient ID"),
    "short-metadata": (SAMPLE_TEXT.replace("#1\t1\t1\t", "#1\t1\t", 1).encode(), ":4: metadata line has 11 fields"),
    "nothing-mapped": (b"Patient ID\tCancer Type\tSample Type\tMetastatic Site\nA\tWeird\tMetastasis\tLiver\n",
                       ": no figure to write"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_names_the_line_and_writes_nothing(tmp_path: Path, name: str) -> None:
    data, expected = BAD[name]
    bad = tmp_path / f"{name}.txt"
    bad.write_bytes(data)
    out = tmp_path / "out.ttl"
    out.write_text("previous content\n", encoding="utf-8")
    args = ["ingest", "cbioportal", str(bad), "--short-name", "x", "--url", "https://example.org/x", "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert f"error: {bad}{expected}" in result.stderr, result.stderr
    assert "hint:" in result.stderr
    assert out.read_text(encoding="utf-8") == "previous content\n"  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([bad.name, "out.ttl"])  # no temporary left


def test_bad_table_columns(tmp_path: Path, graph) -> None:
    with pytest.raises(InputError, match=r"table\.csv:1: no site column 'where'") as err:
        ingest_table(TABLE, INFO, patient="id", cancer="tumour", site="where", graph=graph)
    assert "'tumour'" in (err.value.hint or "")
    semi = tmp_path / "semi.csv"
    semi.write_text("id;tumour;site\nA;breast;bone\n", encoding="utf-8")
    with pytest.raises(InputError, match="only one column"):
        ingest_table(semi, INFO, patient="id", cancer="tumour", site="site", graph=graph)
    result = ingest_table(semi, INFO, patient="id", cancer="tumour", site="site", delimiter=";", graph=graph)
    assert figures(result)[("breast", "bone")][:2] == (1, 1)


def test_quoted_csv_error_names_the_line(tmp_path: Path, graph) -> None:
    bad = tmp_path / "quote.csv"
    bad.write_text('id,tumour,site\nA,breast,bone\nB,"breast"x,bone\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"quote\.csv:3: "):
        ingest_table(bad, INFO, patient="id", cancer="tumour", site="site", graph=graph)


# ---------------------------------------------------------------------- streaming


def test_memory_does_not_grow_with_rows(tmp_path: Path, graph, monkeypatch) -> None:
    """Rows are not kept: 20x more rows over the same patients cost (almost) no more memory."""
    import cancer_spread.ingest as mod

    labels = LabelMap(graph)  # built once, outside the measurement
    monkeypatch.setattr(mod, "LabelMap", lambda _graph: labels)

    def peak(rows: int) -> int:
        f = tmp_path / f"rows-{rows}.tsv"
        with f.open("w", encoding="utf-8") as fh:
            fh.write("pid\tcancer\tsite\n")
            for i in range(rows):
                fh.write(f"P{i % 50}\tbreast cancer\t{('liver', 'bone', 'lung')[i % 3]}\n")
        tracemalloc.start()
        try:
            ingest_table(f, INFO, patient="pid", cancer="cancer", site="site", graph=graph)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(2_000), peak(40_000)
    assert large - small < 256 * 1024, (small, large)


# ---------------------------------------------------------------------- the mapping data


def test_mapping_rules_point_at_entities_of_the_right_kind(graph) -> None:
    cancers = set(graph.subjects(RDF.type, CS.PrimaryCancer))
    sites = set(graph.subjects(RDF.type, CS.AnatomicalSite))
    rules = list(graph.subjects(RDF.type, CS.LabelMapping)) + list(graph.subjects(RDF.type, CS.ColumnMapping))
    assert len(rules) > 80
    for rule in rules:
        column = str(graph.value(rule, CS.inputColumn))
        target = graph.value(rule, CS.mapsTo)
        if target is None:
            assert graph.value(rule, URIRef("http://www.w3.org/2000/01/rdf-schema#comment")), (
                f"{rule}: a value left unmapped needs a reason"
            )
        elif column in ("CANCER_TYPE", "ONCOTREE_CODE"):
            assert target in cancers, rule
        else:
            assert target in sites, rule


def test_mapping_choices(graph) -> None:
    m = LabelMap(graph)
    assert m.cancer([("CANCER_TYPE", "Esophagogastric Cancer")]).on_purpose
    assert m.cancer([("CANCER_TYPE", "Esophagogastric Cancer"), ("ONCOTREE_CODE", "STAD")]).iri == CANCER("stomach")
    assert m.cancer([("CANCER_TYPE", "Esophagogastric Cancer"), ("ONCOTREE_CODE", "ESCC")]).iri == CANCER("oesophagus")
    assert m.cancer([("CANCER_TYPE", "Colorectal Cancer"), ("ONCOTREE_CODE", "COAD")]).iri == CANCER("colorectal")
    assert m.cancer([("Cancer Type", "non-small cell lung cancer")]).iri == CANCER("nsclc")
    assert m.site("Metastatic Site", "CNS/Brain").iri == SITE("central-nervous-system")
    assert m.site("METASTATIC_SITE", "Distant LN").iri == SITE("lymph-nodes")
    assert m.flag("DMETS_DX_LIVER").iri == SITE("liver")
    assert m.flag("DMETS_DX_UNSPECIFIED").on_purpose


def test_mapping_files_are_in_the_repository() -> None:
    assert (ROOT / "ontology" / "cohort.ttl").is_file()  # the vocabulary of mappings and cohorts
    assert (ROOT / "graph" / "mappings" / "cbioportal.ttl").is_file()


def test_extra_mapping_rules_from_another_file(tmp_path: Path) -> None:
    rules = tmp_path / "my-mapping.ttl"
    rules.write_text(
        "@prefix cs: <https://w3id.org/cancer-spread/vocab/> .\n"
        "@prefix mapping: <https://w3id.org/cancer-spread/mapping/> .\n"
        "@prefix cancer: <https://w3id.org/cancer-spread/cancer/> .\n"
        'mapping:my-kangaroo a cs:LabelMapping ; cs:inputColumn "tumour" ; cs:inputLabel "kangaroo CANCER" ;\n'
        "    cs:mapsTo cancer:melanoma .\n",
        encoding="utf-8",
    )
    g = load_graph(extra=[rules], cache=False)
    result = ingest_table(TABLE, INFO, patient="id", cancer="tumour", site="site", graph=g)
    assert figures(result)[("melanoma", "liver")][:3] == (1, 1, "100.00")
    assert result.unmapped == {}
