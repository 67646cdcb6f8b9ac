"""The cold path against its floor, side by side in one run.

Whole processes, interleaved round-robin so that machine noise hits every contender alike:
``python -c "import pyoxigraph"`` (the floor: the interpreter and the engine, nothing else),
``cancer-spread sites breast`` as a user runs it (the store snapshot of an earlier run reused,
see ``cancer_spread/snapshot.py``, and answered by the start-up path, ``cancer_spread/quick.py``),
another cancer (``sites lung``: no answer is ever cached, only the store and its index), the
same with the start-up path off (``CANCER_SPREAD_QUICK=off``: the click CLI), with snapshots
off (``CANCER_SPREAD_CACHE=off``: parse and derive every time), ``python -c pass``, and the rdflib
engine beside its own floor (``python -c "import rdflib"``). The goal
(issue #18): the cold query at most 3x the floor's median.

Usage: python bench/bench_cold.py [--quick] [-o bench/results/cold.md]
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL = 3.0


def _time(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one whole process."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    return wall, usage.ru_utime + usage.ru_stime


def measure(runs: int) -> list[tuple[str, float, float, float, float]]:
    py = sys.executable
    exe = shutil.which("cancer-spread", path=str(Path(py).parent)) or "cancer-spread"
    cache = tempfile.mkdtemp(prefix="cancer-spread-bench-cache-")
    # As on a user's machine: bytecode cached (an installed wheel is compiled at install; a checkout
    # writes __pycache__ on its first run), so PYTHONDONTWRITEBYTECODE is dropped here.
    drop = ("CANCER_SPREAD_STORE", "CANCER_SPREAD_ROOT", "PYTHONDONTWRITEBYTECODE")
    base = {k: v for k, v in os.environ.items() if k not in drop}
    with_cache = {**base, "CANCER_SPREAD_CACHE": cache}
    no_quick = {**with_cache, "CANCER_SPREAD_QUICK": "off"}
    no_cache = {**base, "CANCER_SPREAD_CACHE": "off"}
    floor = 'python -c "import pyoxigraph"'
    contenders = {
        "python -c pass": ([py, "-c", "pass"], base),
        floor: ([py, "-c", "import pyoxigraph"], base),
        "cancer-spread sites breast": ([exe, "sites", "breast"], with_cache),
        "cancer-spread sites lung": ([exe, "sites", "lung"], with_cache),
        "cancer-spread sites breast (start-up path off)": ([exe, "sites", "breast"], no_quick),
        "cancer-spread sites breast (snapshots off)": ([exe, "sites", "breast"], no_cache),
        # the other engine, for the README's engine table: it parses and derives every time
        'python -c "import rdflib"': ([py, "-c", "import rdflib"], base),
        "cancer-spread sites breast --store rdflib": ([exe, "sites", "breast", "--store", "rdflib"], with_cache),
    }
    try:
        for cmd, env in contenders.values():  # warm the OS file cache; the first query writes the snapshot
            _time(cmd, env)
        times: dict[str, list[tuple[float, float]]] = {k: [] for k in contenders}
        for _ in range(runs):
            for name, (cmd, env) in contenders.items():
                times[name].append(_time(cmd, env))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    wall = {n: statistics.median(w for w, _ in t) for n, t in times.items()}
    cpu = {n: statistics.median(c for _, c in t) for n, t in times.items()}
    return [(n, wall[n], wall[n] / wall[floor], cpu[n], cpu[n] / cpu[floor]) for n in times]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="7 runs instead of 21")
    ap.add_argument("-o", "--output", type=Path, default=Path(__file__).resolve().parent / "results" / "cold.md")
    args = ap.parse_args()
    runs = 7 if args.quick else 21
    rows = measure(runs)
    ratio = {n: r for n, _, r, _, _ in rows}["cancer-spread sites breast"]
    cpu_ratio = {n: r for n, _, _, _, r in rows}["cancer-spread sites breast"]
    load = os.getloadavg()[0]
    lines = [
        "## Cold path against its floor (`bench/bench_cold.py`)",
        "",
        f"Measured {datetime.date.today().isoformat()}. Whole-process medians of {runs} interleaved runs; "
        "ratio against `import pyoxigraph` (the goal: "
        f"at most {GOAL:g}×). The store snapshot of an earlier run is reused, as for a user's second "
        "command, and plain `sites X` is answered by the start-up path (`cancer_spread/quick.py`: no click, "
        "an index saved with the snapshot); `sites lung` is another cancer on the same snapshot (no "
        'answer is cached); "start-up path off" is the click CLI on the same snapshot; "snapshots off" '
        "parses and derives the graph every time; `--store rdflib` is the other engine, which "
        "also parses and derives every time (its floor: `import rdflib`). Bytecode is cached, as after "
        "installation. Wall time is what a user "
        "waits; CPU time (user + system, of the process) is the work done, which other load on the "
        f"machine disturbs less (1-minute load average at the end of this run: {load:.1f} on "
        f"{os.cpu_count()} CPUs).",
        "",
        "| command | wall median s | × import pyoxigraph | CPU median s | × import pyoxigraph |",
        "|---|---:|---:|---:|---:|",
        *(f"| `{n}` | {w:.3f} | {r:.2f} | {c:.3f} | {rc:.2f} |" for n, w, r, c, rc in rows),
        "",
        f"Cold `cancer-spread sites breast`: **{ratio:.2f}×** the floor in wall time, {cpu_ratio:.2f}× in "
        f"CPU time ({'within' if ratio <= GOAL else 'over'} the goal of {GOAL:g}× in wall time).",
        "",
    ]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
