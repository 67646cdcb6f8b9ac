"""``cancer-spread ingest``: turn patient-level metastasis data into evidence (a Turtle file of
its own, to load with ``--with``). The work is done by :mod:`cancer_spread.ingest`."""

from __future__ import annotations

import contextlib
import datetime
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from .options import CONTEXT, graph_options, handle_errors

__all__ = ["ingest"]

TIMING_CHOICES = ["at-diagnosis", "disease-course", "at-autopsy", "unspecified"]
_DELIMITERS = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


def _cohort_options(default_publisher: str | None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        options = [
            click.option(
                "--short-name",
                required=True,
                metavar="TEXT",
                help="Short handle of the cohort (e.g. MSK-MET): names its source and the output file.",
            ),
            click.option("--title", metavar="TEXT", help="Title of the data set (default: SHORT-NAME cohort data)."),
            click.option("--citation", metavar="TEXT", help="How to cite the data (stored as its citation)."),
            click.option("--license", "license_", metavar="URL", help="Licence of the data, as a URL."),
            click.option("--url", metavar="URL", help="Where the data can be found (one of --url/--doi/--pmid)."),
            click.option("--doi", metavar="DOI", help="DOI of the publication behind the data."),
            click.option("--pmid", metavar="PMID", help="PubMed id of the publication behind the data."),
            click.option(
                "--publisher",
                metavar="TEXT",
                default=default_publisher,
                required=default_publisher is None,
                show_default=default_publisher is not None,
                help="Who released the data.",
            ),
            click.option(
                "--timing",
                type=click.Choice(TIMING_CHOICES),
                default=None,
                help="When the spread was recorded (default: disease-course for cBioPortal, unspecified for tables).",
            ),
            click.option(
                "--min-count",
                type=click.IntRange(min=1),
                default=1,
                show_default=True,
                help="Write a figure only when at least this many patients (or samples) have the site.",
            ),
            click.option(
                "--date",
                "ingest_date",
                type=click.DateTime(formats=["%Y-%m-%d"]),
                default=None,
                help="Ingest date to record (default: today), for reproducible files.",
            ),
            click.option(
                "-o",
                "--output",
                type=click.Path(dir_okay=False, path_type=Path),
                default=None,
                help="Turtle file to write (default: build/cohort-SHORT-NAME.ttl; '-' for stdout).",
            ),
            graph_options,
        ]
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


@click.group(context_settings=CONTEXT)
def ingest() -> None:
    """Turn patient-level metastasis data into evidence items (a Turtle file to load with --with).

    \b
    Cancer types and sites are mapped to the graph by the rules in graph/mappings/ (add your own
    with --with FILE); values no rule knows are reported with their row counts, never dropped.
    """


@ingest.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--count",
    type=click.Choice(["auto", "patients", "biopsies"]),
    default="auto",
    show_default=True,
    help="patients: share of patients with each DMETS_DX_* site flag (sample file); biopsies: share of "
    "metastasis samples taken at each site. auto: patients when the file has site flags.",
)
@click.option(
    "--denominator",
    type=click.Choice(["metastatic", "all"]),
    default="metastatic",
    show_default=True,
    help="For --count patients: patients with distant spread at any site, or all patients of the cancer type.",
)
@_cohort_options("cBioPortal for Cancer Genomics")
@click.pass_context
@handle_errors
def cbioportal(ctx: click.Context, file: Path, count: str, denominator: str, **opts: Any) -> None:
    """Ingest a cBioPortal clinical sample file (data_clinical_sample.txt) or web export (TSV).

    \b
    The format is detected from the header. Sample file with DMETS_DX_* flags: share of patients
    of each cancer type with the site flagged Yes, among patients with any site flagged (clinical
    cohort). Web export: share of metastasis samples of each cancer type taken at the site,
    including samples from unspecified sites (biopsy distribution).

    \b
    Example:
      cancer-spread ingest cbioportal data_clinical_sample.txt --short-name MSK-MET \\
          --url https://www.cbioportal.org/study/summary?id=msk_met_2021 --pmid 35120664 \\
          --citation "Nguyen B, et al. Cell 2022" --license https://creativecommons.org/licenses/by-nc-nd/4.0/
    """
    from ..ingest import ingest_cbioportal

    def run(cohort: Any, graph: Any, progress: Any) -> Any:
        return ingest_cbioportal(
            file,
            cohort,
            count=count,
            denominator=denominator,
            timing=opts["timing"],
            min_count=opts["min_count"],
            graph=graph,
            progress=progress,
        )

    _run(ctx, file, opts, run)


@ingest.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--patient", required=True, metavar="COL", help="Column holding the patient id.")
@click.option("--cancer", required=True, metavar="COL", help="Column holding the cancer type.")
@click.option("--site", required=True, metavar="COL", help="Column holding the site (empty: no site recorded).")
@click.option(
    "--delimiter",
    default=None,
    metavar="CHAR",
    help="Field delimiter: a character, or tab/comma/semicolon/pipe (default: from the header).",
)
@click.option("--site-separator", default=None, metavar="CHAR", help="One cell may list several sites split by CHAR.")
@click.option(
    "--denominator",
    type=click.Choice(["metastatic", "all"]),
    default="metastatic",
    show_default=True,
    help="Patients with at least one site recorded, or every patient of the cancer type in the table.",
)
@_cohort_options(None)
@click.pass_context
@handle_errors
def table(
    ctx: click.Context,
    file: Path,
    patient: str,
    cancer: str,
    site: str,
    delimiter: str | None,
    site_separator: str | None,
    denominator: str,
    **opts: Any,
) -> None:
    """Ingest any CSV/TSV: one row per patient-site observation (or per patient).

    \b
    Computes the share of patients (distinct ids) of each cancer type with each site, among
    patients with any site recorded (or, with --denominator all, among all of them).

    \b
    Example:
      cancer-spread ingest table sites.csv --patient id --cancer tumour --site site \\
          --short-name "My cohort" --publisher "My hospital" --url https://example.org/data
    """
    from ..errors import InputError
    from ..ingest import ingest_table

    if delimiter is not None:
        delimiter = _DELIMITERS.get(delimiter.casefold(), delimiter)
        if len(delimiter) != 1:
            raise InputError(f"--delimiter {delimiter!r}: one character expected", hint="--delimiter tab")

    def run(cohort: Any, graph: Any, progress: Any) -> Any:
        return ingest_table(
            file,
            cohort,
            patient=patient,
            cancer=cancer,
            site=site,
            delimiter=delimiter,
            site_separator=site_separator,
            denominator=denominator,
            timing=opts["timing"],
            min_count=opts["min_count"],
            graph=graph,
            progress=progress,
        )

    _run(ctx, file, opts, run)


# ---------------------------------------------------------------------- shared


def _run(ctx: click.Context, file: Path, opts: dict[str, Any], run: Callable[..., Any]) -> None:
    from ..files import check_output, note_input, write_atomic
    from ..gate import read_regular
    from ..ingest import CohortInfo, _NothingToWrite
    from ..load import load_graph

    # The data file is an input: refused if it is a FIFO or a device (before it is opened), and
    # no output may replace it.
    if not file.is_file():
        read_regular(file, limit=0, what="data file")  # says why: missing, a FIFO, a device...
    note_input(file)

    when = opts["ingest_date"]
    cohort = CohortInfo(
        short_name=opts["short_name"],
        title=opts["title"],
        citation=opts["citation"],
        license=opts["license_"],
        url=opts["url"],
        doi=opts["doi"],
        pmid=opts["pmid"],
        publisher=opts["publisher"],
        ingest_date=when.date() if isinstance(when, datetime.datetime) else None,
    )
    cohort.check()
    output = opts["output"] or Path("build") / f"cohort-{cohort.slug}.ttl"
    graph = load_graph(ctx.obj.get("root"), extra=list(opts["extra"]))
    if str(output) != "-":
        check_output(output)  # before the work: not an input, not a FIFO or a device
    try:
        with _progress(file) as progress:
            result = run(cohort, graph, progress)
    except _NothingToWrite as err:
        _report(err.result)
        raise
    _report(result)
    text = result.text
    if str(output) == "-":
        click.echo(text, nl=False, color=True)  # exact: click strips ANSI otherwise
    else:
        write_atomic(output, text)
        click.echo(str(output))
    kind = "biopsy distribution" if result.count == "biopsies" else "clinical cohort"
    cancers = len({f.cancer for f in result.figures})
    click.echo(
        f"{len(result.figures)} evidence items for {cancers} cancer{'s' if cancers != 1 else ''} ({kind}); "
        f"load them with --with {output if str(output) != '-' else 'FILE'}",
        err=True,
    )
    if cohort.license:
        click.echo(f"note: the output is derived from {file.name}; its licence ({cohort.license}) applies", err=True)


@contextlib.contextmanager
def _progress(file: Path) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    try:
        size = file.stat().st_size
    except OSError:
        yield None
        return
    with click.progressbar(length=size, label=f"reading {file.name}", file=sys.stderr) as bar:
        done = [0]

        def update(n: int) -> None:
            bar.update(n - done[0])
            done[0] = n

        yield update


def _table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> None:
    from ..textsafe import terminal_safe

    rows = [tuple(terminal_safe(str(c)) for c in r) for r in rows]  # values come from the user's data
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        click.echo("  " + "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip(), err=True)


def _report(result: Any) -> None:
    """What was read, used, skipped and left unmapped, on stderr."""
    from ..namespaces import curie

    parts = [f"read {result.rows_read} rows of {result.path.name} ({result.input_format})", f"used {result.rows_used}"]
    if result.rows_skipped:
        parts.append(f"skipped {result.rows_skipped}: {result.skipped_reason}")
    click.echo("; ".join(parts), err=True)
    if result.repeated:
        click.echo(
            f"{result.repeated} repeated patient-site observation{'s' if result.repeated != 1 else ''} "
            "(same patient, same site) counted once",
            err=True,
        )
    if result.unmapped:
        click.echo("unmapped values (their rows are counted in the output's provenance):", err=True)
        rows = [
            (role, column, value, str(n), "left unmapped on purpose" if on_purpose else "no rule")
            for (role, column, value, on_purpose), n in sorted(result.unmapped.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        _table(rows, ("what", "column", "value", "rows", "why"))
    if result.mapped_by_name:
        click.echo("mapped by name (no rule in graph/mappings/):", err=True)
        rows = [
            (role, value, curie(iri), str(n))
            for (role, value, iri), n in sorted(result.mapped_by_name.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        _table(rows, ("what", "value", "to", "rows"))
