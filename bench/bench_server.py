"""Load on the SPARQL endpoint: N concurrent clients run the named queries (each with its header
example) and one SPARQL query over loopback for a fixed time; throughput, p50/p99 latency,
errors, and the server's memory (RSS of the server and its query workers) before and after.

The server is ``cancer-spread serve`` on 127.0.0.1 (a free port); it is stopped at the end. Every
loop is bounded in time and count.

Usage: python bench/bench_server.py [--quick] [--clients N] [--seconds S] [-o bench/results/server.md]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAST = "SELECT ?c ?label WHERE { ?c cs:spreadsTo site:adrenal-gland ; skos:prefLabel ?label } ORDER BY ?label"
MAX_REQUESTS_PER_CLIENT = 100_000


def _rss_kib(pid: int) -> int:
    """RSS of ``pid`` and its children, in KiB (Linux /proc)."""
    total = 0
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):  # children of every thread
        with contextlib.suppress(OSError):
            pids += [int(c) for c in task.read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def _urls(base: str) -> list[tuple[str, str]]:
    sys.path.insert(0, str(ROOT / "src"))
    from cancer_spread.queries import load_queries

    urls = []
    for name, q in load_queries().items():
        params = [(p.name, p.example) for p in q.params.values() if p.required]
        urls.append((name, f"{base}/queries/{name}?{urllib.parse.urlencode(params)}"))
    urls.append(("sparql (GET)", f"{base}/sparql?{urllib.parse.urlencode({'query': FAST})}"))
    return urls


def _client(urls: list[tuple[str, str]], offset: int, stop_at: float, out: list, errors: list) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    i = offset
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= stop_at:
            return
        name, url = urls[i % len(urls)]
        i += 1
        started = time.monotonic()
        try:
            with opener.open(url, timeout=60) as resp:
                resp.read()
                ok = resp.status == 200
        except Exception as err:  # count every failure, keep going
            ok = False
            errors.append(f"{name}: {err}")
        if ok:
            out.append((name, time.monotonic() - started))


def run(clients: int, seconds: float, workers: int) -> dict:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = shutil.which("cancer-spread", path=str(Path(sys.executable).parent))
    cmd = [exe] if exe else [sys.executable, "-m", "cancer_spread"]
    started = time.monotonic()
    proc = subprocess.Popen(
        [*cmd, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise SystemExit("the server stopped while starting")
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start within 120 s")
            try:
                with urllib.request.urlopen(base + "/queries", timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        startup = time.monotonic() - started
        urls = _urls(base)
        for _, url in urls:  # one warm-up round
            with urllib.request.urlopen(url, timeout=60) as resp:
                resp.read()
        rss_before = _rss_kib(proc.pid)
        samples: list[tuple[str, float]] = []
        errors: list[str] = []
        stop_at = time.monotonic() + seconds
        threads = [
            threading.Thread(target=_client, args=(urls, i * 3, stop_at, samples, errors)) for i in range(clients)
        ]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(seconds + 120)
        elapsed = time.monotonic() - t0
        rss_after = _rss_kib(proc.pid)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    latencies = sorted(s for _, s in samples)
    per_query = {}
    for name in sorted({n for n, _ in samples}):
        times = [s for n, s in samples if n == name]
        per_query[name] = (len(times), statistics.median(times) * 1000)

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else float("nan")

    return {
        "clients": clients,
        "workers": workers,
        "seconds": round(elapsed, 1),
        "startup": startup,
        "requests": len(samples),
        "errors": len(errors),
        "error_examples": errors[:3],
        "throughput": len(samples) / elapsed if elapsed else 0.0,
        "p50": pct(0.50),
        "p99": pct(0.99),
        "max": latencies[-1] * 1000 if latencies else float("nan"),
        "rss_before_mib": rss_before / 1024,
        "rss_after_mib": rss_after / 1024,
        "per_query": per_query,
    }


def markdown(r: dict, quick: bool) -> str:
    lines = [
        "## SPARQL endpoint under load (`bench/bench_server.py`)",
        "",
        f"`cancer-spread serve` on loopback with {r['workers']} query workers; {r['clients']} concurrent clients "
        f"cycling through every named query (its header example) and one `/sparql` SELECT for {r['seconds']} s"
        + (" (`--quick`)" if quick else "")
        + f". Server start to first answer: {r['startup']:.1f} s. Machine: {os.cpu_count()} cores.",
        "",
        "| requests | errors | throughput (req/s) | p50 ms | p99 ms | max ms | server RSS before → after (MiB) |",
        "|---|---|---|---|---|---|---|",
        f"| {r['requests']} | {r['errors']} | {r['throughput']:.1f} | {r['p50']:.0f} | {r['p99']:.0f} | "
        f"{r['max']:.0f} | {r['rss_before_mib']:.0f} → {r['rss_after_mib']:.0f} |",
        "",
        "RSS counts the server process and its workers (each holds its own copy of the graph).",
        "Latency is end to end per request, including the wait for a free worker.",
        "",
        "| query | requests | median ms |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {n} | {ms:.1f} |" for name, (n, ms) in r["per_query"].items()]
    if r["error_examples"]:
        lines += ["", "Errors (first few): " + "; ".join(r["error_examples"])]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 clients for 5 s")
    parser.add_argument("--clients", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "bench" / "results" / "server.md")
    args = parser.parse_args()
    clients = args.clients or (4 if args.quick else 8)
    seconds = min(args.seconds or (5.0 if args.quick else 30.0), 600.0)
    result = run(clients, seconds, args.workers)
    text = markdown(result, args.quick)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    print(json.dumps({k: v for k, v in result.items() if k != "per_query"}, indent=2, default=str))
    if result["errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
