"""Optional check of the cohort ingest against a published figure of the MSK-MET study.

MSK-MET (Nguyen B, et al. Cell 2022;185:563-575, PMID 35120664; cBioPortal study msk_met_2021)
reports that 624 of the 1,147 metastasis samples of colorectal cancer were taken from the liver.
This script ingests the study's cBioPortal clinical data export (the web export, a TSV with
display-name headers) and checks that the ingest reproduces that count and denominator.

The export is not part of this repository and must not be copied into it: its licence
(CC BY-NC-ND 4.0) forbids redistributing it or tables derived from it. Nothing is written:
the evidence is computed in memory and only the one published figure is printed.

Usage: python bench/check_msk_met.py PATH/TO/msk_met_2021_clinical_data.tsv
Exit status: 0 when the figure matches, 1 when it does not, 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

PUBLISHED = {("colorectal", "liver"): (624, 1147)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("export", type=Path, help="the msk_met_2021 clinical data export (TSV)")
    args = ap.parse_args()

    from cancer_spread.errors import CancerSpreadError
    from cancer_spread.ingest import CohortInfo, ingest_cbioportal

    info = CohortInfo(
        short_name="MSK-MET",
        title="MSK-MET: metastatic tropism (cBioPortal msk_met_2021)",
        pmid="35120664",
        publisher="cBioPortal for Cancer Genomics",
        citation="Nguyen B, et al. Genomic characterization of metastatic patterns from prospective clinical "
        "sequencing of 25,000 patients. Cell 2022;185(3):563-575.e11",
        license="https://creativecommons.org/licenses/by-nc-nd/4.0/",
    )
    t = time.perf_counter()
    try:
        result = ingest_cbioportal(args.export, info, count="biopsies")
    except CancerSpreadError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    secs = time.perf_counter() - t
    print(f"{args.export.name}: {result.rows_read} rows read, {result.rows_used} used ({secs:.2f} s)")
    ok = True
    for (cancer, site), (count, denominator) in PUBLISHED.items():
        f = result.figure(cancer, site)
        got = (f.count, f.denominator) if f else None
        match = got == (count, denominator)
        ok = ok and match
        shown = f"{got[0]} of {got[1]} ({f.percent}%)" if f and got else "no figure"
        print(f"{cancer} -> {site}: {shown}; published {count} of {denominator}: {'OK' if match else 'MISMATCH'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
