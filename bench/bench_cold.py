"""The cold path against its floor, side by side in one run.

Whole processes, interleaved round-robin so that machine noise hits every contender alike:
``python -c "import pyoxigraph"`` (the floor: the interpreter and the engine, nothing else),
``cancer-spread sites breast`` as a user runs it (the store snapshot of an earlier run reused,
see ``cancer_spread/snapshot.py``), the same with snapshots off (``CANCER_SPREAD_CACHE=off``:
parse and derive every time), and ``python -c pass``. The goal (issue #18): the cold query at
most 3x the floor's median.

Usage: python bench/bench_cold.py [--quick] [-o bench/results/cold.md]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL = 3.0


def _time(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - t


def measure(runs: int) -> list[tuple[str, float, float]]:
    py = sys.executable
    exe = shutil.which("cancer-spread", path=str(Path(py).parent)) or "cancer-spread"
    cache = tempfile.mkdtemp(prefix="cancer-spread-bench-cache-")
    base = {k: v for k, v in os.environ.items() if k not in ("CANCER_SPREAD_STORE", "CANCER_SPREAD_ROOT")}
    with_cache = {**base, "CANCER_SPREAD_CACHE": cache}
    no_cache = {**base, "CANCER_SPREAD_CACHE": "off"}
    floor = 'python -c "import pyoxigraph"'
    contenders = {
        "python -c pass": ([py, "-c", "pass"], base),
        floor: ([py, "-c", "import pyoxigraph"], base),
        "cancer-spread sites breast": ([exe, "sites", "breast"], with_cache),
        "cancer-spread sites breast (snapshots off)": ([exe, "sites", "breast"], no_cache),
    }
    try:
        for cmd, env in contenders.values():  # warm the OS file cache; the first query writes the snapshot
            _time(cmd, env)
        times: dict[str, list[float]] = {k: [] for k in contenders}
        for _ in range(runs):
            for name, (cmd, env) in contenders.items():
                times[name].append(_time(cmd, env))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    f = statistics.median(times[floor])
    return [(n, statistics.median(t), statistics.median(t) / f) for n, t in times.items()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="7 runs instead of 21")
    ap.add_argument("-o", "--output", type=Path, default=Path(__file__).resolve().parent / "results" / "cold.md")
    args = ap.parse_args()
    runs = 7 if args.quick else 21
    rows = measure(runs)
    ratio = dict((n, r) for n, _, r in rows)["cancer-spread sites breast"]
    lines = [
        "## Cold path against its floor (`bench/bench_cold.py`)",
        "",
        f"Whole-process medians of {runs} interleaved runs; ratio against `import pyoxigraph` (the goal: "
        f"at most {GOAL:g}×). The store snapshot of an earlier run is reused, as for a user's second "
        'command; "snapshots off" parses and derives the graph every time.',
        "",
        "| command | median s | × import pyoxigraph |",
        "|---|---:|---:|",
        *(f"| `{n}` | {m:.3f} | {r:.2f} |" for n, m, r in rows),
        "",
        f"Cold `cancer-spread sites breast`: **{ratio:.2f}×** the floor "
        f"({'within' if ratio <= GOAL else 'over'} the goal of {GOAL:g}×).",
        "",
    ]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
