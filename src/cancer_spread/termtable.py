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

import os
import sys

TYPE_CHECKING = False  # not typing's: the start-up path (quick.py) never imports typing
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

# No re, textwrap or shutil (slow to import for a cold command, bench/RESULTS.md): lines are
# wrapped by _fill, as textwrap wraps them; unicodedata is imported only for non-ASCII text.

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
    # a space and the small letter for each capital after a small letter or a digit (ASCII)
    return "".join(
        " " + c.lower() if "A" <= c <= "Z" and k and ("a" <= column[k - 1] <= "z" or "0" <= column[k - 1] <= "9") else c
        for k, c in enumerate(column)
    )


def terminal_width() -> int:
    """``$COLUMNS``, else the real width of the terminal, else 80 (at least 20).

    The same rule as :func:`shutil.get_terminal_size` (whose module is slow to import):

    >>> import shutil
    >>> terminal_width() == max(20, shutil.get_terminal_size((80, 24)).columns)
    True
    """
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
        columns = columns or 80
    return max(20, columns)


def text_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (wide East Asian characters take two, combining
    marks none)."""
    if text.isascii():  # the common case: one column a character
        return len(text)
    import unicodedata

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


# Wrapping as the standard library's textwrap.wrap(text, width, break_long_words=True,
# break_on_hyphens=True) does it, line for line (tests/test_termtable.py compares the two on random
# text), without importing textwrap and re: they were a fifth of a cold command's own time.
_TEXTWRAP_SPACES = dict.fromkeys(map(ord, "\t\n\x0b\x0c\r "), ord(" "))
_WORD_PUNCT = frozenset("!\"'&.,?")


def _is_word(c: str) -> bool:  # re's \w
    return c.isalnum() or c == "_"


def _is_letter(c: str) -> bool:  # [^\d\W]
    return _is_word(c) and not c.isdecimal()


def _dashes_then_word(text: str, j: int) -> bool:
    """Whether ``text[j:]`` is two or more hyphens and then a word character (an em-dash)."""
    if not text.startswith("--", j):
        return False
    k = j + 2
    while k < len(text) and text[k] == "-":
        k += 1
    return k < len(text) and _is_word(text[k])


def _chunks(text: str) -> list[str]:
    """``text`` (its whitespace already made spaces) cut where textwrap may break a line: runs of
    spaces, em-dashes between words, and words, a hyphenated word after each inner hyphen."""
    n, out, i = len(text), [], 0
    while i < n:
        if text[i] == " ":
            j = i
            while j < n and text[j] == " ":
                j += 1
        elif text.startswith("--", i) and i > 0 and _word_or_punct(text[i - 1]) and _dashes_then_word(text, i):
            j = i
            while text[j] == "-":
                j += 1
        else:  # a word: it ends at a space or the end, or at a hyphen that may break it
            end = text.find(" ", i + 1)
            end = n if end < 0 else end
            j = i + 1
            while True:
                j = text.find("-", j, end)
                if j < 0:
                    j = end
                    break
                if _hyphen_breaks(text, j):
                    j += 1  # a hyphenated word: the hyphen ends this chunk
                    break
                if _word_or_punct(text[j - 1]) and _dashes_then_word(text, j):
                    break  # an em-dash follows
                j += 1
        out.append(text[i:j])
        i = j
    return out


def _word_or_punct(c: str) -> bool:  # [\w!"'&.,?]
    return _is_word(c) or c in _WORD_PUNCT


def _hyphen_breaks(text: str, j: int) -> bool:
    """Whether the hyphen at ``j`` joins two words that may be broken after it: two letters (or
    letter, hyphen, letter) before it, a letter (and another, maybe after a hyphen) after it."""
    n = len(text)
    return (
        j + 1 < n
        and _is_letter(text[j + 1])
        and ((j + 2 < n and _is_letter(text[j + 2])) or (j + 3 < n and text[j + 2] == "-" and _is_letter(text[j + 3])))
        and (
            (j >= 2 and _is_letter(text[j - 2]) and _is_letter(text[j - 1]))
            or (j >= 3 and _is_letter(text[j - 3]) and text[j - 2] == "-" and _is_letter(text[j - 1]))
        )
    )


_CHUNKS: dict[str, tuple[str, ...]] = {}


def _fill(text: str, width: int) -> list[str]:
    """The lines of ``text`` at most ``width`` characters long, as textwrap makes them."""
    if width <= 0:
        raise ValueError(f"invalid width {width!r} (must be > 0)")
    cut = _CHUNKS.get(text)
    if cut is None:  # a cell is wrapped at many widths while the layout is chosen: cut it once
        if len(_CHUNKS) >= 4096:
            _CHUNKS.clear()
        cut = _CHUNKS[text] = tuple(_chunks(text.expandtabs(8).translate(_TEXTWRAP_SPACES)))
    chunks = list(reversed(cut))
    lines: list[str] = []
    while chunks:
        line: list[str] = []
        used = 0
        if lines and chunks[-1].strip() == "":
            del chunks[-1]
        while chunks and used + len(chunks[-1]) <= width:
            used += len(chunks[-1])
            line.append(chunks.pop())
        if chunks and len(chunks[-1]) > width:  # a word longer than a line: cut it
            room = width - used
            chunk = chunks[-1]
            end = room
            hyphen = chunk.rfind("-", 0, room)
            if hyphen > 0 and any(c != "-" for c in chunk[:hyphen]):
                end = hyphen + 1
            line.append(chunk[:end])
            chunks[-1] = chunk[end:]
        if line and line[-1].strip() == "":
            del line[-1]
        if line:
            lines.append("".join(line))
    return lines


def _wrap(text: str, width: int, max_lines: int | None) -> list[str]:
    """Lines of at most ``width`` columns (words kept whole where they fit); the last cut with
    an ellipsis when more than ``max_lines`` would be needed."""
    if not text:
        return [""]
    if len(text) <= width and text_width(text) <= width and text.isprintable() and text.strip(" ") == text:
        return [text]  # what the wrapping gives for a line that fits
    lines = _fill(text, width) or [""]
    # _fill counts characters, as textwrap does; recut lines holding wide characters.
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


def _widths(
    heads: list[str], rows: Sequence[Sequence[str]], width: int, give_up: Callable[[list[int]], bool] | None = None
) -> list[int] | None:
    """Column widths that fit ``width``: natural widths if they fit; else the narrowing (headings
    kept whole up to :data:`_SHORT_HEADING`, or wrapped at their spaces) that takes fewer lines;
    ``None`` when even the narrowest table does not fit, or when ``give_up`` holds for every
    narrowing tried (whichever took fewer lines, the caller would not use it)."""
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
    tries = [
        _narrow(want, floor, room)
        for want in (
            [max(c, s, w) for c, s, w in zip(cells, short, word, strict=True)],
            [max(c, w) for c, w in zip(cells, word, strict=True)],
            _spread(short_text, cells, room),
        )
    ]
    if give_up is not None and all(give_up(widths) for widths in tries):
        return None  # counting their lines (the slow part) would not change the outcome
    for widths in tries:
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
    until the columns fit ``room``; columns tied for the widest give a column each in turn, from
    the left.

    Worked a level at a time, not a column at a time (tests/test_termtable.py checks it against
    the one-column-at-a-time rule):

    >>> _narrow([30, 30, 10], [8, 8, 8], 55)
    [22, 23, 10]
    """
    widths = list(natural)
    excess = sum(widths) - room
    while excess > 0:
        can = [k for k in range(len(widths)) if widths[k] > floor[k]]
        top = max(widths[k] for k in can)
        tied = [k for k in can if widths[k] == top]
        below = max((widths[k] for k in can if widths[k] < top), default=None)
        if len(tied) == 1:
            i = tied[0]
            target = max(floor[i], top - excess, floor[i] if below is None else below)
            excess -= top - target
            widths[i] = target
            continue
        # whole rounds, each tied column one narrower, while none reaches its floor or the next
        # widest column
        stop = max([floor[k] for k in tied] + ([] if below is None else [below]))
        rounds = min(top - stop, excess // len(tied))
        if rounds:
            for k in tied:
                widths[k] -= rounds
            excess -= rounds * len(tied)
        else:  # the last, part round
            for k in tied[:excess]:
                widths[k] -= 1
            excess = 0
    return widths


def _count_lines(heads: list[str], rows: Sequence[Sequence[str]], widths: list[int]) -> int:
    """The lines the table takes, a cell cut short counting as many lines as its whole text needs
    (so the widths that cut least win)."""
    head = max(_n_lines(h, w) for h, w in zip(heads, widths, strict=True))
    body = sum(max(_n_lines(c, w) for c, w in zip(r, widths, strict=True)) for r in rows)
    return head + body


def _n_lines(text: str, width: int) -> int:
    """The lines ``text`` wraps to at ``width`` (the layout tries many widths for one cell, so
    the answers are kept)."""
    key = (text, width)
    n = _N_LINES.get(key)
    if n is None:
        n = len(_wrap(text, width, None)) if text_width(text) > width else 1
        if len(_N_LINES) >= 4096:
            _N_LINES.clear()
        _N_LINES[key] = n
    return n


_N_LINES: dict[tuple[str, int], int] = {}


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
            # A column squeezed far below its text reads badly, and a cut cell in a column that
            # cannot be left out loses what the row says (a figure's timing and source): rather
            # leave a spare column out.
            longest = [max([0] + [text_width(r[k]) for r in shown]) for k in range(len(keep))]

            def too_narrow(widths: list[int], longest: list[int] = longest) -> bool:
                return any(w < 12 and longest[k] > 2 * w for k, w in enumerate(widths))

            can_drop = bool(spare) and len(keep) > 2
            widths = _widths([heads[i] for i in keep], shown, width, too_narrow if can_drop else None)
            squeezed = widths is not None and (
                too_narrow(widths)
                or any(
                    columns[keep[k]] not in SPARE and any(_n_lines(r[k], w) > _FIT_LINES for r in shown)
                    for k, w in enumerate(widths)
                )
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
