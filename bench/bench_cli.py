"""Cold CLI and warm query timings, measured side by side in one run.

Cold: whole processes, interleaved round-robin so that machine noise hits every contender alike:
``python -c pass`` (interpreter floor), ``python -c "import rdflib"`` (the rdflib floor) and
``cancer-spread sites breast`` on the default Oxigraph engine and with ``--store rdflib``.
Warm: every named query in-process on the curated graph: rdflib prepared (as the library runs
it), rdflib parsing the query text every time (plain rdflib), and the Oxigraph engine.

Usage: python bench/bench_cli.py [--quick] [-o bench/results/cli.md]
"""

from __future__ import annotations

import argparse
import gc
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def _time(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def cold(runs: int) -> list[tuple[str, float, float]]:
    py = sys.executable
    exe = shutil.which("cancer-spread", path=str(Path(py).parent)) or "cancer-spread"
    contenders = {
        "python -c pass": [py, "-c", "pass"],
        'python -c "import rdflib"': [py, "-c", "import rdflib"],
        "cancer-spread sites breast": [exe, "sites", "breast"],
        "cancer-spread sites breast --store rdflib": [exe, "sites", "breast", "--store", "rdflib"],
        "cancer-spread define metastasis": [exe, "define", "metastasis"],
        "cancer-spread define metastasis --store rdflib": [exe, "define", "metastasis", "--store", "rdflib"],
    }
    for cmd in contenders.values():  # warm the OS file cache
        _time(cmd)
    times: dict[str, list[float]] = {k: [] for k in contenders}
    for _ in range(runs):
        for name, cmd in contenders.items():
            times[name].append(_time(cmd))
    floor = statistics.median(times['python -c "import rdflib"'])
    return [(n, statistics.median(t), statistics.median(t) / floor) for n, t in times.items()]


def _median_ms(func: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``func`` in ms: one untimed warm-up call, then ``repeats`` timed calls
    with the garbage collector paused, as :mod:`timeit` does, so that garbage left by another
    contender is not collected on this one's clock."""
    func()
    gc.collect()
    gc.disable()
    try:
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            func()
            times.append(time.perf_counter() - t)
    finally:
        gc.enable()
    return statistics.median(times) * 1000


def warm(repeats: int) -> list[tuple[str, float, float, float]]:
    from rdflib.plugins.sparql import prepareQuery

    from cancer_spread.api import bind_params, run_query
    from cancer_spread.load import load_graph
    from cancer_spread.namespaces import PREFIXES
    from cancer_spread.queries import load_queries, to_rdflib
    from cancer_spread.store import Store

    graph = load_graph()
    store = Store.load()
    rows = []
    for name, q in load_queries().items():
        params = {p.name: ([p.example] if p.list else p.example) for p in q.params.values() if p.required}
        bindings = bind_params(q, graph, params)
        single = {k: to_rdflib(v) for k, v in bindings.items() if not isinstance(v, list)}
        lists = {k: v for k, v in bindings.items() if isinstance(v, list)}

        def prepared(name=name, params=params):  # the library's rdflib engine
            return run_query(name, graph, **params).rows

        def plain(q=q, single=single):  # plain rdflib: parse the query text each time
            return list(graph.query(prepareQuery(q.text, initNs=PREFIXES), initBindings=single))

        def oxigraph(name=name, params=params):  # the library's default engine
            return run_query(name, store, **params).rows

        # Each contender runs its block for this query in turn, in the same process and run.
        # List parameters have no plain-rdflib equivalent (they are bound with VALUES).
        t_med = float("nan") if lists else _median_ms(plain, repeats)
        p_med = _median_ms(prepared, repeats)
        o_med = _median_ms(oxigraph, repeats)
        rows.append((name, t_med, p_med, o_med))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer runs (CI-sized)")
    ap.add_argument("-o", "--output", type=Path, default=Path(__file__).parent / "results" / "cli.md")
    args = ap.parse_args()
    runs, repeats = (5, 5) if args.quick else (15, 30)
    c = cold(runs)
    w = warm(repeats)
    lines = [
        "## Cold CLI and warm queries (`bench/bench_cli.py`)",
        "",
        f"Cold: whole-process medians of {runs} interleaved runs; ratio against `import rdflib`.",
        "",
        "| command | median s | × import rdflib |",
        "|---|---|---|",
        *[f"| `{n}` | {m:.3f} | {r:.2f} |" for n, m, r in c],
        "",
        f"Warm: in-process medians of {repeats} runs on the curated graph (ms), through `run_query`",
        "(resolving the parameters and reading every row included); plain rdflib = parse the SPARQL",
        "text each time. Per query, each contender runs a block of calls after one warm-up call,",
        "with the garbage collector paused while timing (as `timeit` does).",
        "",
        "| query | plain rdflib | rdflib prepared | Oxigraph | plain rdflib / Oxigraph |",
        "|---|---:|---:|---:|---:|",
        *[f"| {n} | {t:.2f} | {p:.2f} | {o:.2f} | {t / o:.0f}× |" for n, t, p, o in w],
        "",
    ]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
