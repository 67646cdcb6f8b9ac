"""Cohort ingest throughput and peak memory on synthetic cBioPortal files.

Generates two synthetic files of N rows (1,000,000; 100,000 with --quick) in a temporary folder:
a web export (biopsy distribution: one metastasis site label per row) and a clinical sample file
(21 DMETS_DX_* Yes/No flag columns per row), with two rows per patient. Labels are the usual
cBioPortal ones; the values are random (seeded), not real data. Each ingest runs in a fresh
process: the graph is loaded first, then the ingest alone is timed (rows/s) and the growth of
the process's peak resident memory (ru_maxrss) over the loaded graph is reported, as is the
tracemalloc peak of a second, traced run on a tenth of the rows. The whole command
(`cancer-spread ingest …`, process start to file written) is timed once.

Usage: python bench/bench_ingest.py [--quick] [-o bench/results/ingest.md]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

CANCERS = [
    ("Non-Small Cell Lung Cancer", "LUAD"),
    ("Colorectal Cancer", "COAD"),
    ("Breast Cancer", "IDC"),
    ("Prostate Cancer", "PRAD"),
    ("Pancreatic Cancer", "PAAD"),
    ("Esophagogastric Cancer", "STAD"),
    ("Melanoma", "SKCM"),
    ("Hepatobiliary Cancer", "IHCH"),
    ("Anal Cancer", "SCCA"),
]
SITES = ["Liver", "Lymph", "Lung", "Bone", "Unspecified", "CNS/Brain", "Intra-Abdominal", "Pleura", "Female Genital"]
FLAGS = [
    "ADRENAL_GLAND", "BILIARY_TRACT", "BLADDER_UT", "BONE", "BOWEL", "BREAST", "CNS_BRAIN", "DIST_LN",
    "FEMALE_GENITAL", "HEAD_NECK", "INTRA_ABDOMINAL", "KIDNEY", "LIVER", "LUNG", "MALE_GENITAL",
    "MEDIASTINUM", "OVARY", "PLEURA", "PNS", "SKIN", "UNSPECIFIED",
]  # fmt: skip


def make_web_export(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("Patient ID\tSample ID\tCancer Type\tMutation Count\tSample Type\tMetastatic Site\n")
        for i in range(rows):
            cancer, _ = CANCERS[(i // 2) % len(CANCERS)]
            met = rng.random() < 0.45
            site = rng.choice(SITES) if met else ""
            kind = "Metastasis" if met else "Primary"
            fh.write(f"P-{i // 2:07d}\tP-{i // 2:07d}-T{i % 2}\t{cancer}\t{rng.randrange(40)}\t{kind}\t{site}\n")


def make_sample_file(path: Path, rows: int, seed: int = 2) -> None:
    rng = random.Random(seed)
    cols = ["PATIENT_ID", "SAMPLE_ID", "CANCER_TYPE", "ONCOTREE_CODE", "SAMPLE_TYPE", "METASTATIC_SITE"]
    cols += [f"DMETS_DX_{f}" for f in FLAGS]
    with path.open("w", encoding="utf-8") as fh:
        for fill in ("#Name", "#Description", "#STRING", "#1"):
            fh.write("\t".join([fill] + [fill.lstrip("#")] * (len(cols) - 1)) + "\n")
        fh.write("\t".join(cols) + "\n")
        for i in range(rows):
            cancer, code = CANCERS[(i // 2) % len(CANCERS)]
            flags = ["Yes" if rng.random() < 0.12 else "No" for _ in FLAGS]
            fh.write(
                f"P-{i // 2:07d}\tP-{i // 2:07d}-T{i % 2}\t{cancer}\t{code}\tPrimary\t\t" + "\t".join(flags) + "\n"
            )


CHILD = r"""
import json, resource, sys, time, tracemalloc
from pathlib import Path
from cancer_spread.load import load_graph
from cancer_spread.ingest import CohortInfo, ingest_cbioportal
path, traced = Path(sys.argv[1]), sys.argv[2] == "1"
info = CohortInfo(short_name="bench", url="https://example.org/bench", publisher="bench")
t = time.perf_counter(); graph = load_graph(); load_s = time.perf_counter() - t
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if traced:
    tracemalloc.start()
t = time.perf_counter()
result = ingest_cbioportal(path, info, graph=graph)
text = result.text
secs = time.perf_counter() - t
peak = tracemalloc.get_traced_memory()[1] if traced else 0
rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": result.rows_read, "secs": secs, "load_s": load_s, "rss0_kb": rss0, "rss1_kb": rss1,
                  "traced_peak": peak, "figures": len(result.figures)}))
"""


def child(path: Path, traced: bool = False) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), "1" if traced else "0"], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


def whole_command(path: Path, out: Path) -> float:
    exe = shutil.which("cancer-spread", path=str(Path(sys.executable).parent)) or "cancer-spread"
    cmd = [exe, "ingest", "cbioportal", str(path), "--short-name", "bench", "--url", "https://example.org/b"]
    t = time.perf_counter()
    subprocess.run([*cmd, "-o", str(out)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="100,000 rows instead of 1,000,000")
    ap.add_argument("--rows", type=int, default=None, help="number of rows (overrides --quick)")
    ap.add_argument("-o", "--output", type=Path, default=HERE / "results" / "ingest.md")
    args = ap.parse_args()
    rows = args.rows or (100_000 if args.quick else 1_000_000)
    lines = []
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        for name, make, what in (
            ("web export", make_web_export, "biopsy distribution, 1 site label per row"),
            ("clinical sample file", make_sample_file, f"patients, {len(FLAGS)} DMETS_DX_* flags per row"),
        ):
            path = Path(tmp) / f"{name.replace(' ', '_')}.tsv"
            t = time.perf_counter()
            make(path, rows)
            gen = time.perf_counter() - t
            size_mb = path.stat().st_size / 1e6
            run = child(path)
            small = Path(tmp) / "small.tsv"
            make(small, rows // 10)
            traced = child(small, traced=True)
            wall = whole_command(path, Path(tmp) / "out.ttl")
            rate = run["rows"] / run["secs"]
            grow_mb = (run["rss1_kb"] - run["rss0_kb"]) / 1024
            lines.append(
                f"| {name} ({what}) | {run['rows']:,} | {size_mb:.0f} MB | {run['secs']:.2f} s | {rate:,.0f} | "
                f"{run['rss1_kb'] / 1024:.0f} MB (+{grow_mb:.0f} MB over the loaded graph) | "
                f"{traced['traced_peak'] / 1e6:.1f} MB | {wall:.2f} s |"
            )
            print(f"{name}: {rate:,.0f} rows/s, peak RSS {run['rss1_kb'] / 1024:.0f} MB, whole command {wall:.2f} s "
                  f"(generated in {gen:.1f} s)", file=sys.stderr)  # fmt: skip
            small.unlink()
    text = "\n".join(
        [
            "## Cohort ingest (`bench/bench_ingest.py`)",
            "",
            f"Synthetic cBioPortal files of {rows:,} rows (two samples per patient, {rows // 2:,} patients), "
            "generated by the script; random values, not real data. *ingest* times the library call alone "
            "(reading, mapping, counting, building and writing the Turtle text) after the graph is loaded; "
            "*peak RSS* is the process's maximum resident memory (graph included); *heap peak* is the "
            "tracemalloc peak of a second, traced run on a tenth of the rows; *whole command* is "
            "`cancer-spread ingest cbioportal FILE -o OUT` from process start to file written.",
            "",
            "| file | rows | size | ingest | rows/s | peak RSS | heap peak at rows/10 | whole command |",
            "|---|---:|---:|---:|---:|---|---:|---:|",
            *lines,
            "",
            "Memory grows with the number of distinct patients (one dictionary entry each, to count a "
            "patient once per site), not with the number of rows.",
            "",
        ]
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
