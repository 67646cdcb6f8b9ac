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


def _narrow_one_at_a_time(natural: list[int], floor: list[int], room: int) -> list[int]:
    """The narrowing rule worked one column at a time (the rule ``_narrow`` must give)."""
    widths = list(natural)
    while sum(widths) > room:
        can = [k for k in range(len(widths)) if widths[k] > floor[k]]
        i = max(can, key=lambda k: widths[k])
        others = [widths[k] for k in can if k != i]
        target = max(floor[i], widths[i] - (sum(widths) - room), max(others, default=floor[i]))
        widths[i] = target if target < widths[i] else widths[i] - 1
    return widths


def test_narrowing_by_levels_equals_narrowing_a_column_at_a_time() -> None:
    import random

    from cancer_spread.termtable import _narrow

    rng = random.Random(18)
    tried = 0
    for _ in range(20000):
        n = rng.randint(1, 9)
        # many ties (widths from a few values) as well as spread-out widths
        values = [rng.randint(1, 60) for _ in range(rng.choice([2, 3, n]))]
        natural = [rng.choice(values) for _ in range(n)]
        floor = [min(w, rng.choice([1, 4, 8, 8, 12, w])) for w in natural]
        room = rng.randint(sum(floor), sum(natural) + 3)
        assert _narrow(natural, floor, room) == _narrow_one_at_a_time(natural, floor, room), (natural, floor, room)
        tried += sum(natural) > room
    assert tried > 10000  # most cases had to narrow


def test_lines_are_what_textwrap_gives() -> None:
    # termtable wraps without importing textwrap (it is slow to import): its lines must be
    # textwrap's, on random text rich in what textwrap treats specially (hyphens, em-dashes,
    # punctuation before them, digits, tabs and newlines, spaces textwrap does not know).
    import random
    import textwrap

    from cancer_spread.termtable import _cut, _fill, _wrap

    def by_textwrap(text: str, width: int) -> list[str]:  # _wrap as it was, over textwrap
        if not text:
            return [""]
        lines = textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=True) or [""]
        return [ln if text_width(ln) <= width else _cut(ln, width) for ln in lines]

    rng = random.Random(18)
    pieces = [
        "a",
        "b",
        "Z",
        "é",
        "界",
        "_",
        "3",
        "٣",
        "²",
        " ",
        " ",
        "  ",
        "-",
        "-",
        "--",
        "---",
        "\t",
        "\n",
        ".",
        ",",
        "!",
        "?",
        "'",
        '"',
        "&",
        "(",
        ")",
        ";",
        "%",
        "e\u0301",
        "\u00a0",
        "\u202e",
        "x" * 9,
        "over-the-course",
        "well-known",
        "a-b-c",
        "--b",
        "word--word",
        "12.5%",
    ]
    short = 0
    for _ in range(40000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        width = rng.randint(1, 30)
        want = textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=True)
        assert _fill(text, width) == want, (text, width)
        assert _wrap(text, width, None) == by_textwrap(text, width), (text, width)
        short += len(text) <= width
    assert short > 5000  # the shortcut for a line that fits was tried often


def test_the_width_follows_columns_as_shutil_does(monkeypatch) -> None:
    import shutil

    from cancer_spread.termtable import terminal_width

    for value in ["100", "19", "0", "-3", "wide", "", None]:
        if value is None:
            monkeypatch.delenv("COLUMNS", raising=False)
        else:
            monkeypatch.setenv("COLUMNS", value)
        assert terminal_width() == max(20, shutil.get_terminal_size((80, 24)).columns), value


def test_giving_up_early_changes_no_table(monkeypatch) -> None:
    # render skips counting lines for narrowings it would reject anyway; random tables, with the
    # real column names (so spare columns are left out), come out the same without the shortcut.
    import random

    from cancer_spread import termtable

    rng = random.Random(18)
    words = [
        "bone",
        "liver",
        "very common",
        "of",
        "patients",
        "with",
        "distant",
        "spread;",
        "(Smith 2019)",
        "12.5%",
        "supraclavicular",
        "lymph",
        "nodes",
        "-",
        "over-the-course",
        "",
    ]
    names = [
        "siteLabel",
        "frequency",
        "classification",
        "bestFigure",
        "figure",
        "partOf",
        "nSources",
        "nEvidence",
        "kinds",
        "sources",
    ]
    tables = []
    for _ in range(150):
        columns = rng.sample(names, rng.randint(2, len(names)))
        rows = [
            [" ".join(rng.choice(words) for _ in range(rng.choice([1, 1, 2, 4, 12]))).strip() for _ in columns]
            for _ in range(rng.randint(0, 6))
        ]
        tables.append((columns, rows, rng.randint(20, 140)))
    fast = [termtable.render(c, r, width=w) for c, r, w in tables]
    whole = termtable._widths
    monkeypatch.setattr(termtable, "_widths", lambda heads, rows, width, give_up=None: whole(heads, rows, width))
    termtable._N_LINES.clear()
    assert [termtable.render(c, r, width=w) for c, r, w in tables] == fast
    assert sum("not shown to fit" in t for t in fast) > 20  # columns were left out often


def test_headings_split_camel_case_as_the_pattern_says() -> None:
    import random
    import re

    from cancer_spread.termtable import COLUMN_HEADINGS, heading

    rng = random.Random(18)
    for _ in range(5000):
        column = "".join(rng.choice("aZbQ09_xÉéK ") for _ in range(rng.randint(1, 12)))
        if column in COLUMN_HEADINGS:
            continue
        want = re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: " " + m.group(1).lower(), column)
        assert heading(column) == want, column
