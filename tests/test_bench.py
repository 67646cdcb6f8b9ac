"""The benchmark's graph generator, and engine parity on the kind of graph it makes.

The named queries were reshaped for Oxigraph's planner (sub-selects, nested OPTIONALs, filters
that skip lookups); the curated graph has few evidence items per link, so these tests also ask
every named query of both engines on a synthetic graph with many cohorts per link, where
duplicate rows or lost rows from such rewrites would show. No timings are asserted here.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import gen_graph  # noqa: E402


@pytest.fixture(scope="module")
def target() -> int:
    # The curated graph grows with the data: the synthetic part is always 12,000 triples on top of
    # it, so that every link has many cohorts (a fixed total would leave less and less room).
    return len(gen_graph.curated_ntriples()[0]) + 12_000


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory, target) -> Path:
    path = tmp_path_factory.mktemp("bench") / "g.nt"
    with path.open("w", encoding="utf-8") as out:
        gen_graph.generate(target, out)
    return path


def test_generator_is_deterministic_and_hits_its_target(synthetic, target) -> None:
    again = io.StringIO()
    written = gen_graph.generate(target, again)
    assert again.getvalue() == synthetic.read_text(encoding="utf-8")
    lines = [line for line in again.getvalue().splitlines() if line.strip()]
    assert written == len(lines)
    assert target <= written < target + 20  # stops within one patient of the target
    assert all(line.endswith(" .") for line in lines)


def test_generator_command_writes_the_file_atomically(tmp_path) -> None:
    out = tmp_path / "g.nt"
    run = subprocess.run(
        [sys.executable, str(BENCH / "gen_graph.py"), "--triples", "12000", "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert out.exists() and not out.with_suffix(".nt.tmp").exists()
    assert run.stderr.strip().endswith("triples")


@pytest.fixture(scope="module")
def engines(synthetic):
    import pyoxigraph as ox
    from rdflib import Graph

    from cancer_spread.store import Store

    graph = Graph()
    graph.parse(synthetic, format="nt")
    store = Store(ox.Store())
    store.add_file(synthetic)
    return graph, store


def _examples():
    from cancer_spread.queries import load_queries

    for name, q in load_queries().items():
        yield name, {p.name: ([p.example] if p.list else p.example) for p in q.params.values() if p.required}


@pytest.mark.parametrize(("name", "params"), list(_examples()), ids=[n for n, _ in _examples()])
def test_engines_agree_on_a_cohort_heavy_graph(engines, name, params) -> None:
    from cancer_spread.api import run_query

    graph, store = engines
    expected = run_query(name, graph, **params)
    got = run_query(name, store, **params)
    assert got.columns == expected.columns
    assert got.rows == expected.rows
    assert len(got) > 0


def test_the_synthetic_cohorts_reach_the_evidence_query(engines) -> None:
    """Each synthetic cohort adds one evidence item per link: the answer grows, not duplicates."""
    from cancer_spread.api import run_query

    _, store = engines
    rows = run_query("evidence", store, cancer="colorectal", site="liver")
    bench_rows = [r for r in rows if r["source"].startswith("Bench ")]
    assert bench_rows, "the generator's cohorts should be cited"
    assert len({r["evidence"] for r in rows}) == len(rows)


def test_scale_benchmark_measures_every_named_query(synthetic, target, tmp_path) -> None:
    """A smoke run of the scale benchmark's own measurement code on the Oxigraph engine (the
    numbers are not checked: this keeps the benchmark runnable against the library)."""
    import bench_scale

    from cancer_spread.queries import load_queries

    out = bench_scale.measure("oxigraph", str(synthetic), budget=0.0, exports=True)
    assert set(out["queries_ms"]) == set(load_queries())
    assert out["triples"] >= target
    assert {"load_s", "peak_mb", "turtle_s", "jsonld_s", "export_peak_mb"} <= set(out)
    reopened = bench_scale.measure_open(str(synthetic), str(tmp_path / "store"))
    assert reopened["triples"] == out["triples"]
