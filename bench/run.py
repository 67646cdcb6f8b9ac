"""Run the benchmark suite and write bench/RESULTS.md.

Usage: python bench/run.py [--quick]. Each benchmark writes a markdown section to
bench/results/; this script runs them in one process group, one after another, and joins the
sections under a header naming the machine, the date and the commands.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = ["bench_cold.py", "bench_cli.py", "bench_scale.py", "bench_viewer.py", "bench_ingest.py", "bench_server.py"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer runs: CI-sized, about a minute")
    ap.add_argument("--join-only", action="store_true", help="only rebuild RESULTS.md from bench/results/")
    args = ap.parse_args()
    extra = ["--quick"] if args.quick else []
    sections = []
    for name in [] if args.join_only else BENCHES:
        script = HERE / name
        if not script.exists():
            continue
        subprocess.run([sys.executable, str(script), *extra], check=True)
    for md in sorted((HERE / "results").glob("*.md")):
        sections.append(md.read_text(encoding="utf-8"))
    import rdflib

    header = [
        "# Benchmark results",
        "",
        f"- date: {datetime.date.today().isoformat()}",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Linux {platform.release()}",
        f"- Python {platform.python_version()}, rdflib {rdflib.__version__}",
        f"- command: `python bench/run.py{' --quick' if args.quick else ''}` (each section names its script)",
        "",
        "Medians; ratios are measured side by side in the same run. Timings on this shared 2-core",
        "machine drift by up to ~20 % between runs: read the ratios.",
        "",
    ]
    text = "\n".join(header) + "\n" + "\n\n".join(s.strip() + "\n" for s in sections)
    (HERE / "RESULTS.md").write_text(text, encoding="utf-8")
    print(f"wrote {HERE / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
