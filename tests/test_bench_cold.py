"""The cold-path benchmark runs and reports every contender against the floor (no timing is
asserted: the figures live in bench/RESULTS.md)."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import bench_cold  # noqa: E402


def test_cold_benchmark_measures_every_contender() -> None:
    rows = bench_cold.measure(1)
    names = [name for name, *_ in rows]
    assert names == [
        "python -c pass",
        'python -c "import pyoxigraph"',
        "cancer-spread sites breast",
        "cancer-spread sites lung",
        "cancer-spread sites breast (start-up path off)",
        "cancer-spread sites breast (snapshots off)",
        'python -c "import rdflib"',
        "cancer-spread sites breast --store rdflib",
    ]
    floor = rows[1]
    assert floor[2] == 1.0 and floor[4] == 1.0  # ratios are against the floor
    assert all(wall > 0 and cpu >= 0 for _, wall, _, cpu, _ in rows)
