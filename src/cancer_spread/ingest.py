"""Cohort ingest: turn patient-level metastasis data into evidence items.

Three inputs are read, one row at a time:

- the cBioPortal **clinical sample file** (``data_clinical_sample.txt``: ``#`` metadata lines,
  then attribute names such as ``PATIENT_ID``, ``CANCER_TYPE``, ``ONCOTREE_CODE``,
  ``SAMPLE_TYPE``, ``METASTATIC_SITE`` and one Yes/No column per site, ``DMETS_DX_LIVER``…);
- the cBioPortal **web export** (display-name headers: ``Patient ID``, ``Cancer Type``,
  ``Sample Type``, ``Metastatic Site``…);
- any **table** (CSV/TSV) with a patient, a cancer and a site column.

Two figures can be computed, each with an explicit denominator:

``patients`` (kind:clinical-cohort)
    From site flags (``DMETS_DX_*``) or a table: the share of patients (distinct patient ids) of
    a cancer type with the site involved. Denominator ``metastatic`` (default,
    measure:metastatic-patients-with-site): patients with at least one site flagged or recorded,
    *including* unmapped and unspecified sites; ``all`` (measure:all-patients-with-site): every
    patient of that cancer type in the file.
``biopsies`` (kind:biopsy-distribution, measure:metastasis-biopsies-at-site)
    From ``SAMPLE_TYPE``/``METASTATIC_SITE``: the share of metastasis samples taken at the site.
    Denominator: every metastasis sample of that cancer type, including those whose site is
    unspecified or unmapped. Samples of one patient at one site count once.

Cancer types and sites are mapped to graph entities by rules kept as data in
``graph/mappings/*.ttl`` (:class:`LabelMap`); values no rule knows fall back to the entities' own
names and codes, and anything still unmapped is counted and reported, never dropped.

Memory: the counters hold, per mapped cancer type, one small integer (a bit set of sites) per
distinct patient, so that a patient seen twice at a site counts once. That is O(patients), not
O(rows): about 100 bytes per patient.

>>> lo, hi = wilson_interval(45, 100)
>>> round(100 * lo, 2), round(100 * hi, 2)
(35.61, 54.76)
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from .errors import InputError
from .namespaces import BASE, CS, bind_prefixes, curie

__all__ = [
    "CohortInfo",
    "Figure",
    "IngestResult",
    "LabelMap",
    "build_evidence_graph",
    "detect_cbioportal_format",
    "ingest_cbioportal",
    "ingest_table",
    "wilson_interval",
]

COHORT = Namespace(BASE + "cohort/")
EVIDENCE = Namespace(BASE + "evidence/")
SPREAD = Namespace(BASE + "spread/")
KIND = Namespace(BASE + "evidence-kind/")
MEASURE = Namespace(BASE + "measure/")
TIMING = Namespace(BASE + "timing/")

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution
TIMINGS = ("at-diagnosis", "disease-course", "at-autopsy", "unspecified")

#: Display names of the cBioPortal web export -> attribute names of the sample file.
WEB_EXPORT_COLUMNS = {
    "Patient ID": "PATIENT_ID",
    "Sample ID": "SAMPLE_ID",
    "Cancer Type": "CANCER_TYPE",
    "Oncotree Code": "ONCOTREE_CODE",
    "Sample Type": "SAMPLE_TYPE",
    "Metastatic Site": "METASTATIC_SITE",
}
FLAG_PREFIX = "DMETS_DX_"
_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0", "", "na", "n/a", "nan", "unknown", "[not available]", "[unknown]"})
_NO_SITE = frozenset({"", "none", "no", "na", "n/a", "nan"})
ProgressFn = Callable[[int], None]


# ---------------------------------------------------------------------- statistics


def wilson_interval(count: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of the proportion ``count / n`` (95 % by default).

    >>> wilson_interval(0, 10)[0]
    0.0
    >>> [round(x, 4) for x in wilson_interval(3, 4)]
    [0.3006, 0.9544]
    """
    if n <= 0 or not 0 <= count <= n:
        raise ValueError(f"need 0 <= count <= n and n > 0, got {count} of {n}")
    p = count / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def _pct(x: float) -> Decimal:
    return Decimal(repr(float(x) * 100)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _share(count: int, n: int) -> Decimal:
    """``count / n`` as a percentage with two decimals, rounded half up from the exact value."""
    return (Decimal(count * 100) / Decimal(n)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------- cohort description


@dataclass(frozen=True)
class CohortInfo:
    """Who published the data and how to cite it: becomes the cohort's cs:Source node."""

    short_name: str
    title: str | None = None
    citation: str | None = None
    license: str | None = None
    url: str | None = None
    doi: str | None = None
    pmid: str | None = None
    publisher: str | None = None
    ingest_date: datetime.date | None = None

    @property
    def slug(self) -> str:
        return _slug(self.short_name)

    def check(self) -> None:
        """Refuse values that would make the cohort's source fail the project's checks."""
        if not self.slug:
            raise InputError(
                f"--short-name {self.short_name!r}: needs letters or digits", hint="for example --short-name MSK-MET"
            )
        for name, value in (("--license", self.license), ("--url", self.url)):
            if value is not None and not re.match(r"^https?://\S+$", value):
                raise InputError(f"{name} {value!r}: not an http(s) address", hint=f"{name} https://…")
        if self.doi is not None and not re.match(r"^10\.[0-9]{4,}/\S+$", _bare_doi(self.doi)):
            raise InputError(f"--doi {self.doi!r}: not a DOI", hint="--doi 10.1016/j.cell.2022.01.003")
        if self.pmid is not None and not self.pmid.isdigit():
            raise InputError(f"--pmid {self.pmid!r}: digits only", hint="--pmid 35120664")
        if not (self.url or self.doi or self.pmid):
            raise InputError(
                "the cohort needs a --url, --doi or --pmid so that readers can find it",
                hint="for a cBioPortal study: --url https://www.cbioportal.org/study/summary?id=STUDY",
            )
        if not self.publisher:
            raise InputError("the cohort needs a --publisher (who released the data)", hint='--publisher "cBioPortal"')


def _bare_doi(doi: str) -> str:
    return re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi.strip(), flags=re.I)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


# ---------------------------------------------------------------------- mapping


@dataclass
class _Hit:
    iri: URIRef | None
    on_purpose: bool = False
    via: str = "rule"  # rule | name | none


class LabelMap:
    """The mapping rules of ``graph/mappings/`` plus the entities' own names, as lookups.

    A value is looked up, in order: among the rules (cs:LabelMapping) for its own column, then
    among those for the canonical cBioPortal column it stands for, then among the names and codes
    of the graph's cancers (or sites). A rule without cs:mapsTo leaves a value unmapped on
    purpose; the value is still counted and reported.

    >>> from cancer_spread.load import load_graph
    >>> m = LabelMap(load_graph())
    >>> curie(m.cancer([("CANCER_TYPE", "Colorectal Cancer")]).iri)
    'cancer:colorectal'
    >>> m.site("METASTATIC_SITE", "Unspecified").on_purpose
    True
    """

    def __init__(self, graph: Graph) -> None:
        from .resolve import Resolver

        self.graph = graph
        self.rules: dict[str, dict[str, URIRef | None]] = {}
        self.flags: dict[str, URIRef | None] = {}
        for rule in graph.subjects(RDF.type, CS.LabelMapping):
            column, label = graph.value(rule, CS.inputColumn), graph.value(rule, CS.inputLabel)
            if column is None or label is None:
                continue
            target = graph.value(rule, CS.mapsTo)
            self.rules.setdefault(str(column), {})[_norm(str(label))] = target  # type: ignore[assignment]
        for rule in graph.subjects(RDF.type, CS.ColumnMapping):
            column = graph.value(rule, CS.inputColumn)
            if column is not None:
                self.flags[str(column)] = graph.value(rule, CS.mapsTo)  # type: ignore[assignment]
        self._resolver = Resolver(graph)
        self._cancers = set(graph.subjects(RDF.type, CS.PrimaryCancer))
        self._sites = set(graph.subjects(RDF.type, CS.AnatomicalSite)) | set(
            graph.subjects(RDF.type, CS.LymphNodeGroup)
        )

    def _lookup(self, columns: Sequence[str], value: str, kind: str) -> _Hit:
        key = _norm(value)
        if not key:
            return _Hit(None, via="none")
        on_purpose = False
        pool = self._cancers if kind == "cancer" else self._sites
        for column in columns:
            rules = self.rules.get(column)
            if rules is not None and key in rules:
                target = rules[key]
                if target is None:
                    on_purpose = True
                    break
                if target in pool:
                    return _Hit(target)
        if on_purpose:
            return _Hit(None, on_purpose=True, via="rule")
        try:
            return _Hit(self._resolver.resolve(value, kind), via="name")
        except InputError:
            return _Hit(None, via="none")

    def cancer(self, candidates: Sequence[tuple[str, str]]) -> _Hit:
        """The cancer of a row from its (column, value) candidates, tried in order (e.g.
        ``CANCER_TYPE`` then ``ONCOTREE_CODE``). Unmapped on purpose if any candidate was."""
        on_purpose = False
        for column, value in candidates:
            hit = self._lookup(_canonical_columns(column, "cancer"), value, "cancer")
            if hit.iri is not None:
                return hit
            on_purpose = on_purpose or hit.on_purpose
        return _Hit(None, on_purpose=on_purpose, via="none")

    def site(self, column: str, value: str) -> _Hit:
        """The site a value of a site column stands for."""
        return self._lookup(_canonical_columns(column, "site"), value, "site")

    def flag(self, column: str) -> _Hit:
        """The site a Yes/No flag column (``DMETS_DX_LIVER``) stands for."""
        if column in self.flags:
            target = self.flags[column]
            return _Hit(target, on_purpose=target is None)
        return _Hit(None, via="none")


def _canonical_columns(column: str, kind: str) -> list[str]:
    canonical = WEB_EXPORT_COLUMNS.get(column, column)
    extra = ["CANCER_TYPE", "ONCOTREE_CODE"] if kind == "cancer" else ["METASTATIC_SITE"]
    return list(dict.fromkeys([column, canonical, *extra]))


# ---------------------------------------------------------------------- reading


class _Lines:
    """The file's lines as text, one at a time, hashing the bytes and counting lines on the way."""

    def __init__(self, path: Path, progress: ProgressFn | None) -> None:
        self.path = path
        self.line = 0
        self.bytes = 0
        self.sha256 = hashlib.sha256()
        self.progress = progress

    def __iter__(self) -> Iterator[str]:
        try:
            fh = open(self.path, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            raise InputError(f"{self.path}: no such file", hint="check the path") from None
        except OSError as err:
            raise InputError(f"{self.path}: cannot read: {err.strerror}") from None
        with fh:
            for raw in fh:
                self.line += 1
                self.bytes += len(raw)
                self.sha256.update(raw)
                if self.progress is not None and not self.line & 0x3FFF:
                    self.progress(self.bytes)
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as err:
                    raise InputError(
                        f"{self.path}:{self.line}: not UTF-8 text (byte {err.start + 1} of the line: {err.reason})",
                        hint="save the file as UTF-8 (cBioPortal files are UTF-8)",
                    ) from None
                if self.line == 1 and text.startswith("\ufeff"):
                    text = text[1:]
                yield text
        if self.progress is not None:
            self.progress(self.bytes)


class _Table:
    """A delimited file: optional ``#`` metadata lines, a header row, then data rows checked for
    the right number of fields. Errors name the file and the line."""

    def __init__(
        self,
        path: Path,
        delimiter: str | None = None,
        *,
        comments: bool = False,
        progress: ProgressFn | None = None,
    ) -> None:
        self.path = Path(path)
        self.lines = _Lines(self.path, progress)
        self._it = iter(self.lines)
        self.metadata: list[str] = []
        first = next(self._it, None)
        while comments and first is not None and first.startswith("#"):
            self.metadata.append(first)
            first = next(self._it, None)
        if first is None or (not first.strip() and not self.metadata):
            where = self.lines.line or 1
            what = "no header row after the '#' lines" if self.metadata else "empty file"
            raise InputError(f"{self.path}:{where}: {what}", hint="is this the right file?")
        if delimiter is None:
            delimiter = "\t" if "\t" in first or self.path.suffix.lower() in (".tsv", ".txt") else ","
        self.delimiter = delimiter
        quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
        self._reader = csv.reader(_chain(first, self._it), delimiter=delimiter, quoting=quoting, strict=True)
        self.header_line = self.lines.line
        header = self._next()
        if header is None:  # pragma: no cover - first is a non-empty line
            raise InputError(f"{self.path}:{self.header_line}: empty header row")
        self.header = [h.strip() for h in header]
        if len(self.header) < 2:
            raise InputError(
                f"{self.path}:{self.header_line}: the header row has only one column ({self.header[0]!r})",
                hint="check the delimiter (--delimiter ',' or --delimiter tab)",
            )
        seen: set[str] = set()
        for name in self.header:
            if name in seen:
                raise InputError(f"{self.path}:{self.header_line}: column {name!r} appears twice in the header")
            seen.add(name)
        for i, meta in enumerate(self.metadata, start=1):
            n = len(meta.rstrip("\r\n").split(delimiter))
            if n != len(self.header):
                raise InputError(
                    f"{self.path}:{i}: metadata line has {n} fields, the header row (line {self.header_line}) "
                    f"has {len(self.header)}",
                    hint="cBioPortal's '#' lines need one tab-separated entry per column",
                )
        self.index = {name: i for i, name in enumerate(self.header)}
        self.rows_read = 0

    def _next(self) -> list[str] | None:
        try:
            return next(self._reader, None)
        except csv.Error as err:
            raise InputError(
                f"{self.path}:{self.lines.line}: {err}", hint="check the quoting and the delimiter"
            ) from None

    def column(self, name: str, *, what: str, option: str | None = None) -> int:
        """Index of column ``name`` (exact, else ignoring case); a clear error if absent."""
        if name in self.index:
            return self.index[name]
        folded = {h.casefold(): i for h, i in self.index.items()}
        if name.casefold() in folded:
            return folded[name.casefold()]
        shown = ", ".join(repr(h) for h in self.header[:12]) + (" …" if len(self.header) > 12 else "")
        hint = f"the columns are: {shown}"
        if option:
            hint += f"; choose one with {option}"
        raise InputError(f"{self.path}:{self.header_line}: no {what} column {name!r}", hint=hint)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line number, fields) for every non-blank data row."""
        width = len(self.header)
        while True:
            row = self._next()
            if row is None:
                return
            if len(row) != width:
                if not row or not any(f.strip() for f in row):
                    continue  # a blank line
                raise InputError(
                    f"{self.path}:{self.lines.line}: expected {width} fields (as in the header), found {len(row)}",
                    hint="a ragged row: check for a missing or extra delimiter on this line",
                )
            self.rows_read += 1
            yield self.lines.line, row


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def detect_cbioportal_format(header: Sequence[str]) -> str:
    """``"sample-file"`` (attribute names) or ``"web-export"`` (display names), from the header.

    >>> detect_cbioportal_format(["PATIENT_ID", "SAMPLE_ID", "CANCER_TYPE"])
    'sample-file'
    >>> detect_cbioportal_format(["Patient ID", "Sample ID", "Cancer Type"])
    'web-export'
    """
    names = set(header)
    if "PATIENT_ID" in names:
        return "sample-file"
    if "Patient ID" in names:
        return "web-export"
    raise ValueError("neither PATIENT_ID nor 'Patient ID' in the header")


# ---------------------------------------------------------------------- counting


@dataclass(frozen=True)
class Figure:
    """One computed figure: ``count`` of ``denominator`` for (cancer, site)."""

    cancer: URIRef
    site: URIRef
    count: int
    denominator: int

    @property
    def percent(self) -> Decimal:
        return _share(self.count, self.denominator)

    @property
    def interval(self) -> tuple[Decimal, Decimal]:
        lo, hi = wilson_interval(self.count, self.denominator)
        return _pct(lo), _pct(hi)


class _Tally:
    """Per mapped cancer: patient id -> bit set of the site keys seen for that patient.

    A site key is a mapped site IRI, or an unmapped (column, value): unmapped sites still count
    in the denominators. Each distinct label is looked up once.
    """

    def __init__(self, labels: LabelMap) -> None:
        self.labels = labels
        self.patients: dict[URIRef, dict[str, int]] = {}
        self.bits: dict[object, int] = {}
        self.bit_sites: dict[int, URIRef] = {}
        self.repeated = 0
        self.rows_used = 0
        self.rows_skipped = 0
        self.unmapped: Counter[tuple[str, str, str, bool]] = Counter()  # (role, column, value, on purpose)
        self.by_name: Counter[tuple[str, str, URIRef]] = Counter()  # mapped by name, not by a rule
        self.cancer_labels: dict[URIRef, set[str]] = {}
        self._cancer_cache: dict[tuple[tuple[str, str], ...], _Hit] = {}
        # (column, value) -> (bit, what to count per row: None, or a key of unmapped / by_name)
        self._site_cache: dict[tuple[str, str], tuple[int, tuple | None]] = {}

    def _bit(self, key: object, site: URIRef | None) -> int:
        bit = self.bits.get(key)
        if bit is None:
            bit = self.bits[key] = len(self.bits)
            if site is not None:
                self.bit_sites[bit] = site
        return bit

    def cancer(self, candidates: tuple[tuple[str, str], ...]) -> URIRef | None:
        """The mapped cancer of a row, or ``None`` (the row is counted as unmapped)."""
        hit = self._cancer_cache.get(candidates)
        if hit is None:
            hit = self._cancer_cache[candidates] = self.labels.cancer(candidates)
            if hit.iri is not None:
                i = next((i for i, (c, v) in enumerate(candidates) if self.labels.cancer([(c, v)]).iri == hit.iri), 0)
                used = candidates[i][1] if i == 0 else f"{candidates[0][1]} ({candidates[i][1]})"
                self.cancer_labels.setdefault(hit.iri, set()).add(used)
        if hit.iri is None:
            column = " / ".join(c for c, _ in candidates)
            value = " / ".join(v or "(empty)" for _, v in candidates)
            self.unmapped["cancer", column, value, hit.on_purpose] += 1
            return None
        if hit.via == "name":
            self.by_name["cancer", " / ".join(v for _, v in candidates), hit.iri] += 1
        return hit.iri

    def site_bit(self, column: str, value: str) -> int:
        """The bit of a site value of a used row (mapped or not); unmapped values are counted."""
        cached = self._site_cache.get((column, value))
        if cached is None:
            hit = self.labels.site(column, value)
            if hit.iri is not None:
                bit = self._bit(hit.iri, hit.iri)
                report: tuple | None = ("name", value, hit.iri) if hit.via == "name" else None
            else:
                bit = self._bit(("?", column, _norm(value)), None)
                report = ("unmapped", column, value or "(empty)", hit.on_purpose)
            cached = self._site_cache[(column, value)] = (bit, report)
        bit, report = cached
        if report is not None:
            if report[0] == "unmapped":
                self.unmapped["site", report[1], report[2], report[3]] += 1
            else:
                self.by_name["site", report[1], report[2]] += 1
        return bit

    def flag_bit(self, column: str) -> tuple[int, tuple[str, str, str, bool] | None]:
        """The bit of a Yes/No site flag column, and its unmapped-value key if it is unmapped."""
        hit = self.labels.flag(column)
        if hit.iri is not None:
            return self._bit(hit.iri, hit.iri), None
        return self._bit(("?", column, ""), None), ("site", column, "Yes", hit.on_purpose)

    def add(self, cancer: URIRef, patient: str, bits: int) -> None:
        """Record that ``patient`` of ``cancer`` has the sites in the bit set ``bits``; a site
        seen again for the same patient is counted once (and as a repeated observation)."""
        pats = self.patients.get(cancer)
        if pats is None:
            pats = self.patients[cancer] = {}
        old = pats.get(patient)
        if old is None:
            pats[patient] = bits
        else:
            self.repeated += (old & bits).bit_count()
            pats[patient] = old | bits
        self.rows_used += 1

    def figures(self, denominator: str, min_count: int = 1) -> list[Figure]:
        """Counts and denominators per (cancer, mapped site)."""
        out = []
        for cancer, pats in self.patients.items():
            counts: Counter[int] = Counter()
            pairs = with_any = 0
            for mask in pats.values():
                if mask:
                    with_any += 1
                    pairs += mask.bit_count()
                while mask:
                    low = mask & -mask
                    counts[low.bit_length() - 1] += 1
                    mask ^= low
            den = {"biopsies": pairs, "metastatic": with_any, "all": len(pats)}[denominator]
            if den == 0:
                continue
            for bit, n in counts.items():
                site = self.bit_sites.get(bit)
                if site is not None and n >= min_count:
                    out.append(Figure(cancer, site, n, den))
        return sorted(out, key=lambda f: (str(f.cancer), str(f.site)))


# ---------------------------------------------------------------------- results


@dataclass
class IngestResult:
    """What an ingest computed: the figures, the counts behind them and the evidence graph."""

    path: Path
    input_format: str
    count: str  # patients | biopsies
    denominator: str  # metastatic | all | biopsies
    figures: list[Figure]
    rows_read: int
    rows_used: int
    rows_skipped: int
    repeated: int
    unmapped: dict[tuple[str, str, str, bool], int]
    mapped_by_name: dict[tuple[str, str, URIRef], int]
    sha256: str
    graph: Graph = field(repr=False)
    skipped_reason: str = ""

    @property
    def text(self) -> str:
        """The evidence graph as canonical Turtle."""
        from .turtle import canonical_turtle

        return canonical_turtle(self.graph)

    def figure(self, cancer: str, site: str) -> Figure | None:
        """The figure for a cancer and a site given as local names (``"colorectal", "liver"``)."""
        for f in self.figures:
            if f.cancer == URIRef(BASE + "cancer/" + cancer) and f.site == URIRef(BASE + "site/" + site):
                return f
        return None


# ---------------------------------------------------------------------- the readers


def _yes(value: str, path: Path, line: int, column: str) -> bool:
    v = value.strip().casefold()
    if v in _YES:
        return True
    if v in _NO:
        return False
    raise InputError(
        f"{path}:{line}: {column} is {value!r}, expected Yes or No",
        hint="site flag columns hold Yes/No (empty or NA count as No)",
    )


def _patient(fields: list[str], i: int, path: Path, line: int, column: str) -> str:
    patient = fields[i].strip()
    if not patient:
        raise InputError(f"{path}:{line}: empty {column}", hint="every row needs a patient id")
    return patient


def ingest_cbioportal(
    path: str | Path,
    cohort: CohortInfo,
    *,
    count: str = "auto",
    denominator: str = "metastatic",
    timing: str | None = None,
    min_count: int = 1,
    graph: Graph | None = None,
    progress: ProgressFn | None = None,
) -> IngestResult:
    """Read a cBioPortal clinical sample file or web export and compute the cohort's evidence.

    ``count``: ``patients`` (``DMETS_DX_*`` site flags, sample file only), ``biopsies``
    (``SAMPLE_TYPE`` = Metastasis samples by ``METASTATIC_SITE``) or ``auto`` (flags when the file
    has them). ``denominator`` (patients only): ``metastatic`` or ``all``.
    """
    path = Path(path)
    cohort.check()
    table = _Table(path, comments=True, progress=progress)
    try:
        fmt = detect_cbioportal_format(table.header)
    except ValueError:
        raise InputError(
            f"{path}:{table.header_line}: not a cBioPortal clinical file: no PATIENT_ID or 'Patient ID' column",
            hint="for other tables use `cancer-spread ingest table FILE --patient COL --cancer COL --site COL`",
        ) from None
    if fmt == "sample-file" and table.metadata and len(table.metadata) != 4:
        raise InputError(
            f"{path}:{table.header_line}: expected 4 '#' metadata lines before the attribute names "
            f"(display names, descriptions, datatypes, priorities), found {len(table.metadata)}",
            hint="is this a cBioPortal data_clinical_sample.txt?",
        )
    names = {v: k for k, v in WEB_EXPORT_COLUMNS.items()} if fmt == "web-export" else {}

    def col(attr: str) -> str:
        return names.get(attr, attr)

    flags = [h for h in table.header if h.startswith(FLAG_PREFIX)]
    if count == "auto":
        count = "patients" if flags else "biopsies"
    if count == "patients" and not flags:
        raise InputError(
            f"{path}:{table.header_line}: no {FLAG_PREFIX}* site flag columns to count patients by",
            hint="use --count biopsies to count metastasis samples by site",
        )
    if count not in ("patients", "biopsies"):
        raise InputError(f"count {count!r}: expected auto, patients or biopsies")
    cancer_cols = [c for c in (col("CANCER_TYPE"), col("ONCOTREE_CODE")) if c in table.index]
    if not cancer_cols:
        table.column(col("CANCER_TYPE"), what="cancer type")  # raises with the column list
    i_patient = table.column(col("PATIENT_ID"), what="patient")
    i_cancers = [(c, table.index[c]) for c in cancer_cols]
    graph = _default_graph(graph)
    tally = _Tally(LabelMap(graph))
    if count == "patients":
        flag_bits = [(c, table.index[c], *tally.flag_bit(c)) for c in flags]
        reason = ""
        for line, row in table.rows():
            patient = _patient(row, i_patient, path, line, col("PATIENT_ID"))
            cancer = tally.cancer(tuple((c, row[i].strip()) for c, i in i_cancers))
            bits = 0
            for column, i, bit, unmapped in flag_bits:
                value = row[i]
                if value == "No" or (value != "Yes" and not _yes(value, path, line, column)):
                    continue  # the fast path first: cBioPortal writes Yes and No
                bits |= 1 << bit
                if unmapped is not None and cancer is not None:
                    tally.unmapped[unmapped] += 1
            if cancer is not None:
                tally.add(cancer, patient, bits)
        den = denominator
    else:
        i_type = table.column(col("SAMPLE_TYPE"), what="sample type")
        site_col = col("METASTATIC_SITE")
        i_site = table.column(site_col, what="metastatic site")
        reason = "not a metastasis sample (SAMPLE_TYPE is not Metastasis)"
        for line, row in table.rows():
            if row[i_type].strip().casefold() != "metastasis":
                tally.rows_skipped += 1
                continue
            patient = _patient(row, i_patient, path, line, col("PATIENT_ID"))
            cancer = tally.cancer(tuple((c, row[i].strip()) for c, i in i_cancers))
            if cancer is None:
                continue
            label = row[i_site].strip() or "Unspecified"
            tally.add(cancer, patient, 1 << tally.site_bit(site_col, label))
        den = "biopsies"
    fmt_name = {
        "sample-file": "cBioPortal clinical sample file",
        "web-export": "cBioPortal clinical data export",
    }[fmt]
    return _finish(path, table, tally, cohort, fmt_name, count, den, timing, min_count, graph, reason)


def ingest_table(
    path: str | Path,
    cohort: CohortInfo,
    *,
    patient: str,
    cancer: str,
    site: str,
    delimiter: str | None = None,
    site_separator: str | None = None,
    denominator: str = "metastatic",
    timing: str | None = None,
    min_count: int = 1,
    graph: Graph | None = None,
    progress: ProgressFn | None = None,
) -> IngestResult:
    """Read any CSV/TSV with one row per patient-site observation (or per patient, with an
    empty site for patients without recorded spread) and compute the share of patients of each
    cancer type with each site involved.

    Site values ``""``, ``none``, ``no``, ``na`` mean no site recorded; with ``site_separator``
    one cell may list several sites.
    """
    path = Path(path)
    cohort.check()
    if denominator not in ("metastatic", "all"):
        raise InputError(f"denominator {denominator!r}: expected metastatic or all")
    table = _Table(path, delimiter, progress=progress)
    i_patient = table.column(patient, what="patient", option="--patient")
    i_cancer = table.column(cancer, what="cancer", option="--cancer")
    i_site = table.column(site, what="site", option="--site")
    cancer_col, site_col = table.header[i_cancer], table.header[i_site]
    graph = _default_graph(graph)
    tally = _Tally(LabelMap(graph))
    for line, row in table.rows():
        pid = _patient(row, i_patient, path, line, table.header[i_patient])
        c = tally.cancer(((cancer_col, row[i_cancer].strip()),))
        if c is None:
            continue
        cell = row[i_site]
        values = cell.split(site_separator) if site_separator else [cell]
        bits = 0
        for value in values:
            value = value.strip()
            if value.casefold() in _NO_SITE:
                continue
            bit = 1 << tally.site_bit(site_col, value)
            if bits & bit:
                tally.repeated += 1
            bits |= bit
        tally.add(c, pid, bits)
    return _finish(path, table, tally, cohort, "table", "patients", denominator, timing, min_count, graph, "")


def _default_graph(graph: Graph | None) -> Graph:
    if graph is not None:
        return graph
    from .load import load_graph

    return load_graph()


def _finish(
    path: Path,
    table: _Table,
    tally: _Tally,
    cohort: CohortInfo,
    fmt_name: str,
    count: str,
    den: str,
    timing: str | None,
    min_count: int,
    graph: Graph,
    reason: str,
) -> IngestResult:
    if table.rows_read == 0:
        raise InputError(f"{path}:{table.header_line}: no data rows after the header", hint="is the file complete?")
    figures = tally.figures(den, min_count)
    result = IngestResult(
        path=path,
        input_format=fmt_name,
        count=count,
        denominator=den,
        figures=figures,
        rows_read=table.rows_read,
        rows_used=tally.rows_used,
        rows_skipped=tally.rows_skipped,
        repeated=tally.repeated,
        unmapped=dict(tally.unmapped),
        mapped_by_name=dict(tally.by_name),
        sha256=table.lines.sha256.hexdigest(),
        graph=Graph(),
        skipped_reason=reason,
    )
    if not figures:
        raise _NothingToWrite(result)
    if timing is None:
        timing = "unspecified" if fmt_name == "table" else "disease-course"
    if timing not in TIMINGS:
        raise InputError(f"timing {timing!r}: expected one of {', '.join(TIMINGS)}")
    result.graph = build_evidence_graph(result, cohort, tally.cancer_labels, timing, graph)
    return result


class _NothingToWrite(InputError):
    """No figure could be computed; carries the result so that the unmapped values are shown."""

    def __init__(self, result: IngestResult) -> None:
        super().__init__(
            f"{result.path}: no figure to write: {result.rows_used} of {result.rows_read} rows could be used",
            hint="see the unmapped values above; add rules to graph/mappings/ (or check the columns)",
        )
        self.result = result


# ---------------------------------------------------------------------- the evidence graph


def _local(iri: URIRef) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def build_evidence_graph(
    result: IngestResult,
    cohort: CohortInfo,
    cancer_labels: dict[URIRef, set[str]],
    timing: str,
    graph: Graph,
) -> Graph:
    """The evidence items, their spread patterns (existing ones reused) and the cohort source."""
    out = bind_prefixes(Graph())
    slug = cohort.slug
    source = COHORT[slug]
    patterns: dict[tuple[object, object], URIRef] = {}
    for p in graph.subjects(RDF.type, CS.SpreadPattern):
        if isinstance(p, URIRef):
            patterns[(graph.value(p, CS.primaryCancer), graph.value(p, CS.site))] = p
    if result.count == "biopsies":
        kind, measure = KIND["biopsy-distribution"], MEASURE["metastasis-biopsies-at-site"]
    else:
        kind = KIND["clinical-cohort"]
        measure = MEASURE[
            "metastatic-patients-with-site" if result.denominator == "metastatic" else "all-patients-with-site"
        ]
    title = cohort.title or f"{cohort.short_name} cohort data"
    for f in result.figures:
        pattern = patterns.get((f.cancer, f.site))
        if pattern is None:
            pattern = SPREAD[f"{_local(f.cancer)}--{_local(f.site)}"]
            out.add((pattern, RDF.type, CS.SpreadPattern))
            out.add((pattern, CS.primaryCancer, f.cancer))
            out.add((pattern, CS.site, f.site))
        ev = EVIDENCE[f"{_local(f.cancer)}--{_local(f.site)}--{slug}"]
        out.add((pattern, CS.evidence, ev))
        lo, hi = f.interval
        out.add((ev, RDF.type, CS.Evidence))
        out.add((ev, CS.evidenceKind, kind))
        out.add((ev, CS.measure, measure))
        out.add((ev, DCTERMS.source, source))
        out.add((ev, CS.value, Literal(str(f.percent), datatype=XSD.decimal)))
        out.add((ev, CS.unit, Literal("percent")))
        out.add((ev, CS["count"], Literal(f.count, datatype=XSD.integer)))
        out.add((ev, CS.denominator, Literal(f.denominator, datatype=XSD.integer)))
        out.add((ev, CS.ciLow, Literal(str(lo), datatype=XSD.decimal)))
        out.add((ev, CS.ciHigh, Literal(str(hi), datatype=XSD.decimal)))
        out.add((ev, CS.timing, TIMING[timing]))
        labels = ", ".join(sorted(cancer_labels.get(f.cancer, ()), key=str.casefold)) or _label(graph, f.cancer)
        out.add((ev, CS.population, Literal(_population(title, labels, result))))
        unit = "metastasis samples (one per patient and site)" if result.count == "biopsies" else "patients"
        out.add(
            (
                ev,
                RDFS.comment,
                Literal(
                    f"Computed by cancer-spread ingest from {result.path.name} ({result.input_format}): "
                    f"{f.count} of {f.denominator} {unit}; 95% Wilson interval {lo}–{hi}%.",
                    lang="en",
                ),
            )
        )
    _add_source(out, source, cohort, title, result)
    return out


def _label(graph: Graph, iri: URIRef) -> str:
    label = graph.value(iri, SKOS.prefLabel)
    return str(label) if label is not None else curie(iri)


def _population(title: str, labels: str, result: IngestResult) -> str:
    if result.count == "biopsies":
        return (
            f"{title}: metastasis samples of patients with {labels} (every metastasis sample, including "
            "those from unspecified sites; a patient's samples at one site counted once)"
        )
    source = "site flags (DMETS_DX_* columns)" if result.input_format != "table" else "recorded sites"
    if result.denominator == "metastatic":
        return f"{title}: patients with {labels} with distant spread recorded at any site, from the {source}"
    return f"{title}: all patients with {labels} in the file, whatever their stage, from the {source}"


def _add_source(out: Graph, source: URIRef, cohort: CohortInfo, title: str, result: IngestResult) -> None:
    today = cohort.ingest_date or datetime.date.today()
    out.add((source, RDF.type, CS.Source))
    out.add((source, RDF.type, CS.Cohort))
    out.add((source, DCTERMS.title, Literal(title)))
    out.add((source, CS.shortName, Literal(cohort.short_name)))
    if cohort.publisher:
        out.add((source, DCTERMS.publisher, Literal(cohort.publisher)))
    if cohort.url:
        out.add((source, CS.url, Literal(cohort.url, datatype=XSD.anyURI)))
    if cohort.doi:
        out.add((source, CS.doi, Literal(_bare_doi(cohort.doi))))
    if cohort.pmid:
        out.add((source, CS.pmid, Literal(cohort.pmid)))
    if cohort.citation:
        out.add((source, DCTERMS.bibliographicCitation, Literal(cohort.citation)))
    if cohort.license:
        out.add((source, DCTERMS.license, URIRef(cohort.license)))
    out.add((source, CS.inputFile, Literal(result.path.name)))
    out.add((source, CS.inputFormat, Literal(result.input_format)))
    out.add((source, CS.sha256, Literal(result.sha256)))
    out.add((source, CS.ingestDate, Literal(today.isoformat(), datatype=XSD.date)))
    out.add((source, CS.rowsRead, Literal(result.rows_read, datatype=XSD.integer)))
    out.add((source, CS.rowsUsed, Literal(result.rows_used, datatype=XSD.integer)))
    out.add((source, CS.rowsSkipped, Literal(result.rows_skipped, datatype=XSD.integer)))
    out.add((source, CS.repeatedObservations, Literal(result.repeated, datatype=XSD.integer)))
    seen: set[str] = set()
    for (role, column, value, on_purpose), n in sorted(result.unmapped.items()):
        local = f"{cohort.slug}--unmapped--{role}--{_slug(value) or 'empty'}"
        if role == "site" and value == "Yes":
            local = f"{cohort.slug}--unmapped--flag--{_slug(column)}"
        base, k = local, 2
        while local in seen:
            local, k = f"{base}--{k}", k + 1
        seen.add(local)
        node = COHORT[local]
        out.add((source, CS.unmappedValue, node))
        out.add((node, RDF.type, CS.UnmappedValue))
        out.add((node, CS.inputColumn, Literal(column)))
        out.add((node, CS.inputLabel, Literal(value)))
        out.add((node, CS.rowCount, Literal(n, datatype=XSD.integer)))
        out.add((node, CS.unmappedOnPurpose, Literal(on_purpose)))
