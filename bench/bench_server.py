"""The SPARQL endpoint under load, side by side with ``oxigraph serve-read-only``.

Both servers hold the same merged graph (N-Triples written once; Oxigraph's own bulk loader puts
it in a throwaway RocksDB folder) and answer the same six SPARQL texts (five named queries bound
to their header examples, and one plain SELECT) from the same loopback client: N threads, each
with a keep-alive connection, each sending GET ?query=… in turn for a fixed time. The two servers
run alternately (A B A B…), and the ratio is the median of the per-round ratios.

Then the runaway case: 6 clients run the six texts on ``cancer-spread serve`` alone (unloaded),
then again while 2 more clients keep sending a cartesian product that runs until the time limit
stops it. The ratio of the 6 clients' median latency, loaded over unloaded, is the figure.

Every loop is bounded in time and count; the servers are bound to 127.0.0.1 on free ports and
stopped at the end.

Usage: python bench/bench_server.py [--quick] [--seconds S] [--rounds N] [-o bench/results/server.md]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

FAST = "SELECT ?c ?label WHERE { ?c cs:spreadsTo site:adrenal-gland ; skos:prefLabel ?label } ORDER BY ?label"
NAMED = ["metastatic-sites", "primaries-for-site", "likely-primaries", "evidence", "classify-spread"]
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MAX_REQUESTS_PER_CLIENT = 1_000_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _texts() -> list[tuple[str, str]]:
    """The six SPARQL texts, each complete with its prefixes (Oxigraph predeclares none)."""
    from cancer_spread.api import bind_params
    from cancer_spread.queries import load_queries, prologue
    from cancer_spread.store import Store

    store = Store.load()
    queries = load_queries()
    out = [("select", prologue() + FAST)]
    for name in NAMED:
        q = queries[name]
        params = {p.name: ([p.example] if p.list else p.example) for p in q.params.values() if p.required}
        out.append((name, q.bound_text(bind_params(q, store, params))))
    return out


def _rss_kib(pid: int) -> int:
    """RSS of ``pid`` and its children, in KiB (Linux /proc)."""
    total = 0
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            pids += [int(c) for c in task.read_text().split()]
    for p in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


class Running:
    """A server process on a loopback port, stopped on exit."""

    def __init__(self, cmd: list[str], port: int, path: str) -> None:
        self.port = port
        self.path = path
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"{cmd[0]} stopped while starting")
            if time.monotonic() > deadline:
                raise SystemExit(f"{cmd[0]} did not start within 120 s")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", self.path + "?" + urllib.parse.urlencode({"query": "ASK {}"}))
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


def _client(
    port: int, path: str, texts: list[tuple[str, str]], offset: int, stop_at: float, out: list, errors: list
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Accept": "application/sparql-results+json"}
    urls = [(name, path + "?" + urllib.parse.urlencode({"query": text})) for name, text in texts]
    for i in range(offset, offset + MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= stop_at:
            break
        name, url = urls[i % len(urls)]
        started = time.monotonic()
        try:
            conn.request("GET", url, headers=headers)
            resp = conn.getresponse()
            resp.read()
            ok = resp.status == 200
            if not ok:
                errors.append(f"{name}: HTTP {resp.status}")
        except Exception as err:  # count every failure, reconnect, keep going
            ok = False
            errors.append(f"{name}: {type(err).__name__}: {err}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        if ok:
            out.append((name, time.monotonic() - started))
    conn.close()


def _runaway_client(port: int, stop_at: float, statuses: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    url = "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY})
    while time.monotonic() < stop_at:
        try:
            conn.request("GET", url)
            resp = conn.getresponse()
            resp.read()
            statuses.append(resp.status)
        except Exception:
            statuses.append(0)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.close()


def load(server: Running, texts: list[tuple[str, str]], clients: int, seconds: float, runaways: int = 0) -> dict:
    samples: list[tuple[str, float]] = []
    errors: list[str] = []
    statuses: list[int] = []
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_client, args=(server.port, server.path, texts, i, stop_at, samples, errors))
        for i in range(clients)
    ]
    threads += [
        threading.Thread(target=_runaway_client, args=(server.port, stop_at, statuses)) for _ in range(runaways)
    ]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 180)
    elapsed = time.monotonic() - t0
    latencies = sorted(s for _, s in samples)

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else float("nan")

    return {
        "requests": len(samples),
        "errors": len(errors),
        "error_examples": errors[:3],
        "throughput": len(samples) / elapsed if elapsed else 0.0,
        "p50": pct(0.50),
        "p99": pct(0.99),
        "runaway_answers": statuses,
    }


def run(seconds: float, rounds: int, workers: int) -> dict:
    from cancer_spread.load import load_graph

    oxigraph = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if oxigraph is None:
        raise SystemExit("the oxigraph server is not installed (pip install oxigraph)")
    texts = _texts()
    load_before = os.getloadavg()[0]
    tmp = Path(tempfile.mkdtemp(prefix="cancer-spread-bench-"))
    servers: dict[str, Running] = {}
    try:
        data = tmp / "graph.nt"
        graph = load_graph()
        data.write_bytes(graph.serialize(format="nt", encoding="utf-8"))
        subprocess.run(
            [oxigraph, "load", "--location", str(tmp / "oxigraph"), "--file", str(data)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port = _free_port()
        servers["oxigraph"] = Running(
            [oxigraph, "serve-read-only", "--location", str(tmp / "oxigraph"), "--bind", f"127.0.0.1:{port}"],
            port,
            "/query",
        )
        port = _free_port()
        launcher = (
            "import sys; from cancer_spread.serve import make_app, run; "
            f"run(make_app(workers={workers}), host='127.0.0.1', port={port})"
        )
        servers["cancer-spread"] = Running([sys.executable, "-c", launcher], port, "/sparql")
        for s in servers.values():  # warm-up
            load(s, texts, 2, 1.0)
        side_by_side = {}
        for clients in (8, 64):
            per_round = {name: [] for name in servers}
            for _ in range(rounds):
                for name, s in servers.items():
                    per_round[name].append(load(s, texts, clients, seconds))
            side_by_side[clients] = per_round
        rss = {name: _rss_kib(s.proc.pid) / 1024 for name, s in servers.items()}
        ours = servers["cancer-spread"]
        unloaded = [load(ours, texts, 6, seconds) for _ in range(rounds)]
        loaded = [load(ours, texts, 6, max(seconds, 12.0), runaways=2) for _ in range(rounds)]
    finally:
        for s in servers.values():
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "workers": workers,
        "seconds": seconds,
        "rounds": rounds,
        "triples": len(graph),
        "side_by_side": side_by_side,
        "rss_mib": rss,
        "unloaded": unloaded,
        "loaded": loaded,
        "load_average": (load_before, os.getloadavg()[0]),
    }


def _med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def markdown(r: dict, quick: bool) -> str:
    lines = [
        "## SPARQL endpoint under load, side by side with Oxigraph's server (`bench/bench_server.py`)",
        "",
        f"`cancer-spread serve` ({r['workers']} query workers) and `oxigraph serve-read-only` on loopback, the "
        f"same merged graph ({r['triples']} triples), the same six SPARQL texts (a plain SELECT and five named "
        "queries bound to their header examples: " + ", ".join(NAMED) + ") and the same client: N threads, one "
        f"keep-alive connection each, GET `?query=` in turn for {r['seconds']:g} s per run; the two servers "
        f"alternate, {r['rounds']} rounds" + (" (`--quick`)" if quick else "") + f". Machine: {os.cpu_count()} "
        "cores, shared; the client runs on the same cores.",
        "",
        "| clients | server | req/s (median of rounds) | p50 ms | p99 ms | errors | ratio to Oxigraph |",
        "|---|---|---|---|---|---|---|",
    ]
    for clients, per_round in r["side_by_side"].items():
        ox = per_round["oxigraph"]
        ours = per_round["cancer-spread"]
        ratios = [a["throughput"] / b["throughput"] for a, b in zip(ours, ox, strict=True) if b["throughput"]]
        for name, runs in (("oxigraph serve-read-only", ox), ("cancer-spread serve", ours)):
            ratio = f"{_med(ratios):.2f}" if runs is ours else "1"
            lines.append(
                f"| {clients} | {name} | {_med([x['throughput'] for x in runs]):.0f} | "
                f"{_med([x['p50'] for x in runs]):.1f} | {_med([x['p99'] for x in runs]):.1f} | "
                f"{sum(x['errors'] for x in runs)} | {ratio} |"
            )
    unloaded = _med([x["p50"] for x in r["unloaded"]])
    loaded = _med([x["p50"] for x in r["loaded"]])
    answers = [s for x in r["loaded"] for s in x["runaway_answers"]]
    lines += [
        "",
        f"Runaway queries: 6 clients alone, median latency {unloaded:.1f} ms "
        f"({_med([x['throughput'] for x in r['unloaded']]):.0f} req/s); with 2 more clients sending a cartesian "
        f"product over and over, {loaded:.1f} ms ({_med([x['throughput'] for x in r['loaded']]):.0f} req/s): "
        f"**{loaded / unloaded:.2f}×** unloaded, {sum(x['errors'] for x in r['loaded'])} errors. The runaway "
        f"queries were answered {len(answers)} times, "
        + ", ".join(f"{answers.count(s)}× HTTP {s}" for s in sorted(set(answers)))
        + " (stopped at the 10 s time limit, their worker ended and replaced).",
        "",
        "Memory after the runs (RSS, server and its workers): "
        + ", ".join(f"{name} {mib:.0f} MiB" for name, mib in r["rss_mib"].items())
        + ".",
    ]
    if "load_average" in r:
        lines += [
            "",
            f"Load average of the machine (1 min) at the start and the end: {r['load_average'][0]:.1f} and "
            f"{r['load_average'][1]:.1f} (other work shares its cores: read the ratios, not the rates).",
        ]
    examples = [
        e for runs in r["side_by_side"].values() for rs in runs.values() for x in rs for e in x["error_examples"]
    ]
    if examples:
        lines += ["", "Errors (first few): " + "; ".join(examples[:5])]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 round of 3 s per run")
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "bench" / "results" / "server.md")
    args = parser.parse_args()
    seconds = min(args.seconds or (3.0 if args.quick else 8.0), 120.0)
    rounds = min(args.rounds or (1 if args.quick else 2), 10)
    result = run(seconds, rounds, args.workers)
    text = markdown(result, args.quick)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    (args.output.with_suffix(".json")).write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    failed = sum(x["errors"] for runs in result["side_by_side"].values() for rs in runs.values() for x in rs)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
