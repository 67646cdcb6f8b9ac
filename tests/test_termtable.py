"""Answers that fit a terminal: the width of $COLUMNS, readable headings with units, no IRI
column, long cells wrapped then cut with an ellipsis, evidence as records, one layout whatever the
number of rows. Through the real CLI in a subprocess, and the layout function itself."""

from __future__ import annotations

import pytest

from cancer_spread.termtable import MAX_LINES, render, text_width


def _lines(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize(
    "args",
    [
        ["sites", "breast"],
        ["primaries", "liver"],
        ["evidence", "prostate", "bone"],
        ["likely-primaries", "liver", "bone", "lung"],
        ["define", "metastatic"],
        ["list", "sites"],
    ],
)
def test_every_line_fits_the_width(run_cli, args: list[str], width: int) -> None:
    result = run_cli(*args, env={"COLUMNS": str(width)})
    assert result.returncode == 0, result.stderr
    lines = _lines(result.stdout)
    assert max(text_width(line) for line in lines) <= width
    # No IRI column in a table (CSV, TSV and JSON keep them).
    assert "https://w3id.org/cancer-spread/" not in result.stdout
    assert "site:" not in result.stdout.replace("site: ", "")  # a record heading is fine


def test_headings_are_words_with_units(run_cli) -> None:
    out = run_cli("sites", "breast", env={"COLUMNS": "320"}).stdout  # wide enough for every column
    lines = _lines(out)
    head = lines[: next(i for i, x in enumerate(lines) if set(x) <= {"-", " "})]
    words = " ".join(" ".join(x.split()) for x in head)
    assert "best" in words and "figure" in words and "(%)" in words
    assert "siteLabel" not in out and "bestFigure" not in out
    csv = run_cli("sites", "breast", "--format", "csv").stdout
    assert csv.splitlines()[0].startswith("site,siteLabel,")  # the contract names stay in data


def _is_rule(line: str) -> bool:
    return bool(line.strip()) and set(line) <= {"-", " "}


def test_one_layout_whatever_the_row_count(run_cli) -> None:
    many = _lines(run_cli("sites", "breast", env={"COLUMNS": "100"}).stdout)
    one = _lines(run_cli("sites", "rectal", "--source", "Brouwer", "--store", "rdflib", env={"COLUMNS": "100"}).stdout)
    assert one[-1] in ("(1 row)", "(2 rows)")
    # Both are tables: headings, a rule of dashes, rows.
    assert one[0].split()[0] == many[0].split()[0] == "site"
    assert any(_is_rule(x) for x in one) and any(_is_rule(x) for x in many)


def test_evidence_reads_as_records(run_cli) -> None:
    out = run_cli("evidence", "prostate", "bone", env={"COLUMNS": "80"}).stdout
    assert "source title:" in out and "population:" in out
    assert "\n\n" in out  # one block per evidence item


def test_long_cells_wrap_then_end_with_an_ellipsis() -> None:
    long = "word " * 100
    out = render(["name", "note"], [["a", long.strip()], ["b", "short"]], width=40)
    lines = _lines(out)
    assert max(text_width(x) for x in lines) <= 40
    rows_of_a = [x for x in lines[2:] if not x.startswith("b") and not x.startswith("(")]
    assert len(rows_of_a) == MAX_LINES  # at most MAX_LINES lines a cell
    assert rows_of_a[-1].rstrip().endswith("…")


def test_wide_characters_count_double() -> None:
    out = render(["name", "note"], [["肝臓がん" * 10, "x"]], width=30)
    assert max(text_width(x) for x in _lines(out)) <= 30


def test_too_many_columns_become_records() -> None:
    cols = [f"column{i}" for i in range(12)]
    out = render(cols, [[f"value {i}" for i in range(12)]], width=50)
    assert "column0:" in out and "column11:" in out
    assert not any(_is_rule(x) for x in _lines(out))


FIGURE = "70.6% of patients with distant spread, over the course of the disease (Savci-Heijink 2015)"


@pytest.mark.parametrize("width", [80, 100, 120])
def test_a_figure_keeps_its_timing_and_source(width: int) -> None:
    """A figure cell is never cut while spare columns can make room: its timing and source are
    what the figure means. Short values ('very common') stay on one line; long names wrap."""
    columns = ["siteLabel", "frequency", "classification", "bestFigure", "figure", "nSources", "sources"]
    rows = [
        ["bone", "very common", "distant", "65.58", FIGURE, "10", "CCS; CRUK; Gong 2018; Huang 2020; Jiang 2020"],
        ["supraclavicular lymph nodes", "reported", "regional", "", "no figure: named by sources", "1", "Hess 2006"],
    ]
    out = render(columns, rows, width=width)
    assert all(text_width(line) <= width for line in _lines(out))
    lines = _lines(out)
    dashes = lines[next(i for i, ln in enumerate(lines) if ln.startswith("---"))]
    spans, start = [], 0
    for run in dashes.split("  "):  # each column's span, from the dashed rule
        spans.append((start, start + len(run)))
        start += len(run) + 2
    a, b = spans[next(i for i, (x, _) in enumerate(spans) if lines[0][x:].startswith("figure"))]
    figure_cells = [ln[a:b] for ln in lines[lines.index(dashes) + 1 :] if not ln.startswith("(")]
    words = " ".join(" ".join(figure_cells).split()).replace("- ", "-")  # the cell's lines as one text
    assert "over the course of the disease (Savci-Heijink 2015)" in words, out
    assert "…" not in out.split("(not shown")[0], out
    assert any("very common" in line for line in _lines(out)), out
    assert _lines(out)[1].startswith("---"), out  # a table, not records


def test_an_answer_without_rows_is_a_table_of_headings() -> None:
    """No rows (a --source that matches nothing): the headings and the count, no failure."""
    columns = [
        "siteLabel", "frequency", "classification", "bestFigure", "figure", "partOf",
        "nSources", "nEvidence", "kinds", "sources",
    ]  # fmt: skip
    for width in (40, 60, 80, 120):
        out = render(columns, [], width=width)
        assert _lines(out)[-1] == "(0 rows)"
        assert all(text_width(line) <= width for line in _lines(out))
