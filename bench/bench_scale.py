"""How cost grows with the graph: load time, peak memory and every named query, for the
rdflib engine and the Oxigraph engine side by side, at 10^3 ... 10^6 triples; plus opening a
persistent on-disk store and exporting Turtle and JSON-LD.

Each (size, engine) is measured in a fresh subprocess, so its peak memory is its own. Graphs
come from bench/gen_graph.py (the curated graph plus synthetic cohort evidence and patients);
the 10^3 point is the first 1,000 triples of the curated graph.

Usage: python bench/bench_scale.py [--quick] [-o bench/results/scale.md]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BUILD = HERE.parent / "build" / "bench"


def _graph_file(n: int) -> Path:
    path = BUILD / f"g{n}.nt"
    if path.exists():
        return path
    BUILD.mkdir(parents=True, exist_ok=True)
    if n < 5000:
        src = _graph_file(10_000)
        lines = src.read_text(encoding="utf-8").splitlines()[:n]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path
    subprocess.run([sys.executable, str(HERE / "gen_graph.py"), "--triples", str(n), "-o", str(path)], check=True)
    return path


# ---------------------------------------------------------------------- one measurement (child)


def measure(engine: str, path: str, budget: float, exports: bool) -> dict:
    import resource

    from cancer_spread.api import run_query
    from cancer_spread.errors import InputError
    from cancer_spread.queries import load_queries

    t = time.perf_counter()
    if engine == "rdflib":
        from rdflib import Graph

        graph = Graph()
        graph.parse(path, format="nt")
        n = len(graph)
    else:
        import pyoxigraph as ox

        from cancer_spread.store import Store

        graph = Store(ox.Store())
        graph.add_file(Path(path))
        n = len(graph)
    load = time.perf_counter() - t
    queries = {}
    for name, q in load_queries().items():
        params = {p.name: ([p.example] if p.list else p.example) for p in q.params.values() if p.required}
        times = []
        spent = 0.0
        try:
            run_query(name, graph, **params)  # a subset graph may lack the example's entity
        except InputError:
            continue
        while len(times) < 3 or (spent < budget and len(times) < 50):
            t = time.perf_counter()
            run_query(name, graph, **params)
            times.append(time.perf_counter() - t)
            spent += times[-1]
            if spent > 4 * budget:
                break
        queries[name] = statistics.median(times) * 1000
    out = {"engine": engine, "triples": n, "load_s": load, "queries_ms": queries}
    # Peak memory of loading and querying, before the exports allocate their output.
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if exports:
        import io

        for key, rdflib_format, ox_format in (("turtle_s", "turtle", "TURTLE"), ("jsonld_s", "json-ld", "JSON_LD")):
            t = time.perf_counter()
            if engine == "rdflib":
                graph.serialize(destination=io.BytesIO(), format=rdflib_format)
            else:
                graph.inner.dump(format=getattr(ox.RdfFormat, ox_format), from_graph=ox.DefaultGraph())
            out[key] = time.perf_counter() - t
        out["export_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def measure_open(path: str, folder: str) -> dict:
    """Load into an on-disk store once, then time opening it again (no re-parsing)."""
    import resource

    import pyoxigraph as ox

    store = ox.Store(folder)
    t = time.perf_counter()
    store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    first = time.perf_counter() - t
    del store
    t = time.perf_counter()
    again = ox.Store(folder)
    n = len(again)
    reopen = time.perf_counter() - t
    return {
        "load_s": first,
        "reopen_s": reopen,
        "triples": n,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _child(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------- report


def _plot(rows: list[dict], target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(12, 3.8), dpi=100)
    axes = fig.subplots(1, 3)
    for engine, style in (("rdflib", "o-"), ("oxigraph", "s-")):
        rs = sorted((r for r in rows if r["engine"] == engine), key=lambda r: r["triples"])
        xs = [r["triples"] for r in rs]
        axes[0].plot(xs, [r["load_s"] for r in rs], style, label=engine)
        axes[1].plot(xs, [r["peak_mb"] for r in rs], style, label=engine)
        axes[2].plot(xs, [max(r["queries_ms"].values()) for r in rs], style, label=f"{engine}: slowest query")
        axes[2].plot(
            xs,
            [statistics.median(r["queries_ms"].values()) for r in rs],
            style.replace("-", ":"),
            label=f"{engine}: median query",
        )
    for ax, title, unit in zip(axes, ("load", "peak memory", "named queries"), ("s", "MB", "ms"), strict=True):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(title)
        ax.set_xlabel("triples")
        ax.set_ylabel(unit)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle("cancer-spread: how cost grows with the graph (bench/bench_scale.py)", fontsize=10)
    fig.tight_layout()
    fig.savefig(target, metadata={"Software": None})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10^3..10^5 only, short budgets")
    ap.add_argument("-o", "--output", type=Path, default=HERE / "results" / "scale.md")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        if args.child[0] == "open":
            print(json.dumps(measure_open(args.child[1], args.child[2])))
        else:
            print(json.dumps(measure(args.child[0], args.child[1], float(args.child[2]), args.child[3] == "1")))
        return

    def med(r: dict) -> float:
        return statistics.median(r["queries_ms"].values())

    def slowest(r: dict) -> float:
        return max(r["queries_ms"].values())

    sizes = [1_000, 10_000, 100_000] if args.quick else [1_000, 10_000, 100_000, 1_000_000]
    budget = 0.2 if args.quick else 1.0
    rows = []
    started = time.perf_counter()
    for n in sizes:
        path = str(_graph_file(n))
        for engine in ("rdflib", "oxigraph"):
            exports = n == sizes[-1]
            row = _child([engine, path, str(budget), "1" if exports else "0"])
            row["size"] = n
            rows.append(row)
            print(
                f"{engine:9} {row['triples']:>9} triples: load {row['load_s']:.2f} s, peak {row['peak_mb']:.0f} MB, "
                f"slowest query {slowest(row):.1f} ms",
                file=sys.stderr,
            )
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        opened = _child(["open", str(_graph_file(sizes[-1])), tmp])
    names = sorted(next(r for r in rows if r["engine"] == "rdflib" and r["size"] == sizes[-1])["queries_ms"])
    big = sizes[-1]
    rd = next(r for r in rows if r["engine"] == "rdflib" and r["size"] == big)
    ox_ = next(r for r in rows if r["engine"] == "oxigraph" and r["size"] == big)
    heaviest = max(names, key=lambda q: rd["queries_ms"][q])
    lines = [
        "## Scale: rdflib and Oxigraph engines from 10^3 to "
        + ("10^5" if args.quick else "10^6")
        + " triples (`bench/bench_scale.py`)",
        "",
        "Each cell is measured in a fresh process (graphs from `bench/gen_graph.py`: the curated graph plus synthetic",
        "cohort evidence on every spread pattern and synthetic patients). Queries: median ms of every named query with",
        "its header example, run through the library (`run_query`: rdflib prepared with initBindings; Oxigraph with",
        "VALUES-bound text). At 10^3 triples (a slice of the curated graph) only the queries whose example",
        "entities are present run.",
        "",
        "| triples | engine | load s | peak MB | median query ms | slowest query ms | queries run |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['triples']:,} | {r['engine']} | {r['load_s']:.3f} | {r['peak_mb']:.0f} | "
            f"{med(r):.2f} | {slowest(r):.2f} | {len(r['queries_ms'])} |"
        )
    lines += [
        "",
        f"Every named query at {rd['triples']:,} triples (ms; ratio = rdflib / Oxigraph):",
        "",
        "| query | rdflib | Oxigraph | ratio |",
        "|---|---:|---:|---:|",
    ]
    for q in names:
        a, b = rd["queries_ms"][q], ox_["queries_ms"][q]
        lines.append(f"| {q}{' (heaviest on rdflib)' if q == heaviest else ''} | {a:.2f} | {b:.2f} | {a / b:.0f}× |")
    lines += [
        "",
        f"Exports of {rd['triples']:,} triples: Turtle rdflib {rd.get('turtle_s', float('nan')):.2f} s, "
        f"Oxigraph {ox_.get('turtle_s', float('nan')):.2f} s; JSON-LD rdflib {rd.get('jsonld_s', float('nan')):.2f} s, "
        f"Oxigraph {ox_.get('jsonld_s', float('nan')):.2f} s (peak memory with the exports: rdflib "
        f"{rd.get('export_peak_mb', float('nan')):.0f} MB, "
        f"Oxigraph {ox_.get('export_peak_mb', float('nan')):.0f} MB; the table's peak is loading and querying).",
        "",
        f"Persistent store (`--store-path`): loading {opened['triples']:,} triples into RocksDB took "
        f"{opened['load_s']:.2f} s; opening it again took {opened['reopen_s'] * 1000:.0f} ms (no re-parsing).",
        "",
        "![load time, peak memory and query latency against graph size, log-log](growth.png)",
        "",
        f"Total benchmark time: {time.perf_counter() - started:.0f} s.",
        "",
    ]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines), encoding="utf-8")
    _plot(rows, args.output.parent / "growth.png")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
