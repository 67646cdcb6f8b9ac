"""Answers laid out for a terminal: readable headings with units, the width of the terminal, long
cells wrapped (at most :data:`MAX_LINES` lines, then cut with an ellipsis).

Two layouts, chosen by the question and never by the number of rows: a *table* (one line per
answer, or a few when cells wrap) and *records* (one block of ``heading: value`` lines per answer,
for answers with many long fields such as ``evidence``). A table that cannot fit the width even
with every column narrowed becomes records.

The width is ``$COLUMNS``, else the terminal's, else 80 (:func:`terminal_width`).

>>> print(render(["siteLabel", "bestFigure"], [["bone", "38.65"], ["liver", ""]], width=40), end="")
site   best figure (%)
-----  ---------------
bone   38.65
liver
(2 rows)
>>> print(render(["label", "definition"], [["metastasis", "Cancer that has spread."]], layout="records"), end="")
name:        metastasis
definition:  Cancer that has spread.
(1 row)
"""

from __future__ import annotations

import functools
import re
import shutil
import textwrap
import unicodedata
from collections.abc import Sequence

__all__ = [
    "COLUMN_HEADINGS",
    "COLUMN_MEANINGS",
    "MAX_LINES",
    "explain",
    "heading",
    "render",
    "terminal_width",
    "text_width",
]

#: How many lines a table cell may take before it is cut with an ellipsis.
MAX_LINES = 6
#: Lines a cell should fit in: spare columns are left out before a kept column needs more.
_FIT_LINES = 3
_GAP = "  "
_SHORT_HEADING = 16  # a heading up to this wide stays on one line while the text columns can give
_LONG_TEXT = 20  # a column whose longest cell is over twice this holds text, not names
_FLOOR = 8  # no column is narrowed below this (or its own width, if smaller)

#: Column names (the queries' variables, a contract) and how a terminal table heads them.
#: The same words and units as the README; columns not listed are split into words.
COLUMN_HEADINGS: dict[str, str] = {
    "cancerLabel": "cancer",
    "siteLabel": "site",
    "label": "name",
    "bestFigure": "best figure (%)",
    "bestPatientShare": "% of patients with spread",
    "bestShareOfSite": "% of the site's metastases",
    "nSources": "sources (n)",
    "nEvidence": "evidence (n)",
    "kinds": "kinds of evidence",
    "score": "score (0-100)",
    "matched": "sites reached (n)",
    "matchedSites": "sites reached (frequency)",
    "partOf": "part of",
    "kindOf": "kind of",
    "sites": "sites",
    "cancers": "cancers (n)",
    "sourceTitle": "source title",
    "stagingCategory": "staging category",
    "cancerSources": "sources for this cancer",
    "otherSources": "sources for the other",
    "shortName": "short name",
    "value": "value",
    "denominator": "out of (n)",
    "count": "patients (n)",
}


#: Columns a table may leave out, first to last, when it cannot fit the width otherwise (what they
#: say is elsewhere in the row, in `evidence`, or in the CSV the note points to).
SPARE = (
    "nEvidence",
    "kinds",
    "partOf",
    "bestFigure",
    "bestPatientShare",
    "sources",
    "nSources",
    "bestShareOfSite",
    "sites",
)

#: What each column means, for --help (one place, beside the headings).
COLUMN_MEANINGS: dict[str, str] = {
    "site": "the site's IRI (CSV/TSV/JSON only)",
    "cancer": "the cancer's IRI (CSV/TSV/JSON only)",
    "siteLabel": "the site, by its usual name",
    "cancerLabel": "the primary cancer, by its usual name",
    "frequency": "how often the cancer reaches the site: very common, common, uncommon, reported "
    "(named by sources, no figure) or rare",
    "classification": "whether reaching the site is local, regional or distant spread (or unclassified)",
    "bestFigure": "the comparable figure: highest % of patients with distant spread who have the site "
    "involved (empty: no such figure)",
    "figure": "the figure behind the frequency, with what it measures, when, and its source",
    "partOf": "a larger site in the same answer that this site belongs to",
    "nSources": "how many independent sources support the link",
    "nEvidence": "how many evidence items support the link",
    "kinds": "the kinds of evidence (patient-information listing, registry study, autopsy series…)",
    "sources": "the sources, by short name (see `cancer-spread evidence` for titles and links)",
    "bestPatientShare": "highest % of the cancer's patients with distant spread who have the site involved",
    "bestShareOfSite": "highest % of all metastases at the site that came from this cancer",
    "sites": "the sites (or how many, in `list cancers`)",
    "score": "0-100: mean over the sites given of how often the cancer reaches each (very common 1, "
    "common 0.7, uncommon 0.4, reported 0.3, rare 0.1, not recorded 0)",
    "matched": "how many of the sites given the cancer is known to reach",
    "matchedSites": "the sites given that the cancer reaches, each with its frequency",
    "label": "the name",
    "name": "the usual name",
    "synonyms": "other names that are understood",
    "definition": "what it means, in plain words",
    "kindOf": "the wider cancer it is a kind of",
    "cancers": "how many cancers are recorded as spreading there or to a part of it",
    "value": "the figure",
    "unit": "its unit",
    "measure": "what the figure counts, over which patients",
    "denominator": "how many patients the figure is out of",
    "count": "how many patients had the site involved",
    "population": "who was studied",
    "timing": "when: at diagnosis, during the disease, at autopsy",
    "source": "the source, by short name",
    "sourceTitle": "the source's title",
    "link": "where to read the source",
}


def explain(columns: Sequence[str]) -> list[tuple[str, str]]:
    """(heading and column name, meaning) for --help; IRI-only columns are marked as such."""
    out = []
    for c in columns:
        head = heading(c)
        iri_only = "IRI" in COLUMN_MEANINGS.get(c, "")
        name = f"({c})" if iri_only else head if head == c else f"{head} ({c})"
        out.append((name, COLUMN_MEANINGS.get(c, "")))
    return out


def heading(column: str) -> str:
    """How a table heads ``column``: a known heading, else its camelCase split into words.

    >>> heading("bestFigure"), heading("someNewColumn")
    ('best figure (%)', 'some new column')
    """
    if column in COLUMN_HEADINGS:
        return COLUMN_HEADINGS[column]
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: " " + m.group(1).lower(), column)


def terminal_width() -> int:
    """``$COLUMNS``, else the real width of the terminal, else 80 (at least 20)."""
    return max(20, shutil.get_terminal_size((80, 24)).columns)


def text_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (wide East Asian characters take two, combining
    marks none)."""
    if text.isascii():  # the common case: one column a character
        return len(text)
    n = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        n += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return n


def _cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns, ending with an ellipsis if anything was cut."""
    if text_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = text_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out).rstrip() + "…"


def _wrap(text: str, width: int, max_lines: int | None) -> list[str]:
    """Lines of at most ``width`` columns (words kept whole where they fit); the last cut with
    an ellipsis when more than ``max_lines`` would be needed."""
    if not text:
        return [""]
    lines = textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=True) or [""]
    # textwrap counts characters; recut lines holding wide characters.
    lines = [ln if text_width(ln) <= width else _cut(ln, width) for ln in lines]
    if max_lines is not None and len(lines) > max_lines:
        rest = lines[max_lines - 1]
        for ln in lines[max_lines:]:
            rest += ln if rest.endswith("-") else " " + ln
        lines = [*lines[: max_lines - 1], _cut(rest, width)]
        if not lines[-1].endswith("…"):
            lines[-1] = _cut(lines[-1] + " …", width)
    return lines


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - text_width(text))


def _widths(heads: list[str], rows: Sequence[Sequence[str]], width: int) -> list[int] | None:
    """Column widths that fit ``width``: natural widths if they fit; else the narrowing (headings
    kept whole up to :data:`_SHORT_HEADING`, or wrapped at their spaces) that takes fewer lines;
    ``None`` when even the narrowest table does not fit."""
    room = width - len(_GAP) * (len(heads) - 1)
    natural = [max([text_width(h)] + [text_width(r[i]) for r in rows]) for i, h in enumerate(heads)]
    if sum(natural) <= room:
        return natural
    word = [max(text_width(w) for w in h.split() or [""]) for h in heads]
    short = [min(text_width(h), _SHORT_HEADING) for h in heads]
    cells = [max([0] + [text_width(r[i]) for r in rows]) for i in range(len(heads))]
    floor = [min(max(c, w), max(_FLOOR, w)) for c, w in zip(cells, word, strict=True)]
    if sum(floor) > room:
        return None
    best: tuple[int, list[int]] | None = None
    # Names wrapped at their words (short values such as 'very common' kept whole), the room
    # left to the long-text columns.
    wordy = [
        max([w] + [max((text_width(x) for x in r[i].split()), default=0) for r in rows]) for i, w in enumerate(word)
    ]
    short_text = [
        max(c, f) if c <= _SHORT_HEADING else max(x, f) if c <= 2 * _LONG_TEXT else c
        for c, x, f in zip(cells, wordy, floor, strict=True)
    ]
    for want in (
        [max(c, s, w) for c, s, w in zip(cells, short, word, strict=True)],
        [max(c, w) for c, w in zip(cells, word, strict=True)],
        _spread(short_text, cells, room),
    ):
        widths = _narrow(want, floor, room)
        lines = _count_lines(heads, rows, widths)
        if best is None or lines < best[0]:
            best = (lines, widths)
    return best[1] if best else None


def _spread(widths: list[int], natural: list[int], room: int) -> list[int]:
    """``widths`` with the room they leave given to the columns still narrower than their text,
    the longest text first."""
    out = list(widths)
    for i in sorted(range(len(out)), key=lambda k: -natural[k]):
        spare = room - sum(out)
        if spare <= 0:
            break
        out[i] = max(out[i], min(natural[i], out[i] + spare))
    return out


def _narrow(natural: list[int], floor: list[int], room: int) -> list[int]:
    """Narrow the widest column that can still give, down to the next widest (or just enough),
    until the columns fit ``room``."""
    widths = list(natural)
    while sum(widths) > room:
        can = [k for k in range(len(widths)) if widths[k] > floor[k]]
        i = max(can, key=lambda k: widths[k])
        others = [widths[k] for k in can if k != i]
        target = max(floor[i], widths[i] - (sum(widths) - room), max(others, default=floor[i]))
        widths[i] = target if target < widths[i] else widths[i] - 1
    return widths


def _count_lines(heads: list[str], rows: Sequence[Sequence[str]], widths: list[int]) -> int:
    """The lines the table takes, a cell cut short counting as many lines as its whole text needs
    (so the widths that cut least win)."""
    head = max(_n_lines(h, w) for h, w in zip(heads, widths, strict=True))
    body = sum(max(_n_lines(c, w) for c, w in zip(r, widths, strict=True)) for r in rows)
    return head + body


@functools.lru_cache(maxsize=4096)
def _n_lines(text: str, width: int) -> int:
    """The lines ``text`` wraps to at ``width`` (the layout tries many widths for one cell)."""
    return len(_wrap(text, width, None)) if text_width(text) > width else 1


def _table(heads: list[str], rows: Sequence[Sequence[str]], widths: list[int]) -> list[str]:
    out = []
    head_lines = [_wrap(h, w, None) for h, w in zip(heads, widths, strict=True)]
    for k in range(max(len(h) for h in head_lines)):
        cells = [h[k] if k < len(h) else "" for h in head_lines]
        out.append(_GAP.join(_pad(c, w) for c, w in zip(cells, widths, strict=True)).rstrip())
    out.append(_GAP.join("-" * w for w in widths))
    for row in rows:
        wrapped = [_wrap(c, w, MAX_LINES) for c, w in zip(row, widths, strict=True)]
        for k in range(max(len(c) for c in wrapped)):
            cells = [c[k] if k < len(c) else "" for c in wrapped]
            out.append(_GAP.join(_pad(c, w) for c, w in zip(cells, widths, strict=True)).rstrip())
    return out


def _records(heads: list[str], rows: Sequence[Sequence[str]], width: int) -> list[str]:
    """Each row as ``heading: value`` lines (values wrapped, never cut), empty fields left out,
    rows apart by a blank line."""
    label_w = min(max(text_width(h) for h in heads) + 1, max(8, width // 3))
    value_w = max(10, width - label_w - len(_GAP))
    out: list[str] = []
    for n, row in enumerate(rows):
        if n:
            out.append("")
        for head, cell in zip(heads, row, strict=True):
            if not cell:
                continue
            lines = _wrap(cell, value_w, None)
            out.append(_pad(_cut(head + ":", label_w), label_w) + _GAP + lines[0])
            out += [" " * (label_w + len(_GAP)) + ln for ln in lines[1:]]
    return out


def render(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    width: int | None = None,
    layout: str = "table",
) -> str:
    """``rows`` of cells (already made safe for a terminal) under the headings of ``columns``, in
    ``layout`` (``table`` or ``records``) at most ``width`` columns wide."""
    width = width or terminal_width()
    heads = [heading(c) for c in columns]
    lines: list[str] | None = None
    if layout == "table" and heads:
        # Too many columns for the width: leave out empty columns, then the least needed
        # (:data:`SPARE`), and say so, before giving up the table.
        keep = list(range(len(columns)))
        spare = [i for i in keep if rows and not any(r[i] for r in rows)]
        spare += [columns.index(c) for c in SPARE if c in columns and columns.index(c) not in spare]
        left_out: list[str] = []
        while True:
            shown = [[r[i] for i in keep] for r in rows]
            widths = _widths([heads[i] for i in keep], shown, width)
            # A column squeezed far below its text reads badly, and a cut cell in a column that
            # cannot be left out loses what the row says (a figure's timing and source): rather
            # leave a spare column out.
            squeezed = widths is not None and any(
                (w < 12 and max([0] + [text_width(r[k]) for r in shown]) > 2 * w)
                or (columns[keep[k]] not in SPARE and any(_n_lines(r[k], w) > _FIT_LINES for r in shown))
                for k, w in enumerate(widths)
            )
            if (widths is not None and not squeezed) or not spare or len(keep) <= 2:
                break
            drop = spare.pop(0)
            keep.remove(drop)
            left_out.append(heads[drop])
        if widths is not None:
            lines = _table([heads[i] for i in keep], [[r[i] for i in keep] for r in rows], widths)
            if left_out:
                note = f"(not shown to fit {width} columns: {', '.join(left_out)}; all columns: --format csv)"
                lines += _wrap(note, width, None)
    if lines is None:
        lines = _records(heads, rows, width) if heads else []
    n = len(rows)
    lines.append(f"({n} row{'s' if n != 1 else ''})")
    return "\n".join(lines) + "\n"
