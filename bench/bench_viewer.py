"""Benchmark the offline viewer: page generation time and size, and time to first draw and to
a stable layout in headless chromium, for the default layered layout (physics off) and the
force layout, on the real graph and on synthetic graphs of 1,000 and 5,000 nodes.

    python bench/bench_viewer.py            # 3 runs each, medians
    python bench/bench_viewer.py --quick    # 1 run each, no force layout on 5,000 nodes

Writes a markdown section to bench/results/viewer.md (see --out) and prints it. Pages are
written to a temporary folder; every request other than the page itself is aborted.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from cancer_spread import __version__
from cancer_spread.load import load_graph
from cancer_spread.visualise import render_html, synthetic_network, viewer_data, write_html

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def generation(graph, runs: int) -> tuple[float, int]:
    """Median seconds of render_html (spread network, layout, page) and the page's bytes."""
    times, size = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        page = render_html(graph)
        times.append(time.perf_counter() - t)
        size = len(page.encode("utf-8"))
    return statistics.median(times), size


def wait_until(page, expression: str, timeout_s: float) -> None:
    """Poll from Python: the page's Content Security Policy forbids the eval that
    Playwright's in-page wait_for_function uses."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(f"Boolean(window.csViewer && ({expression}))"):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{expression} still false after {timeout_s:.0f} s")
        page.wait_for_timeout(25)


def browser_times(browser, path: Path, runs: int, timeout_s: float) -> tuple[float | None, float | None]:
    """Median ms from navigation start to vis-network's first 'afterDrawing' and to a stable
    layout (the same moment with physics off; after stabilisation with the force layout)."""
    url = path.resolve().as_uri()
    firsts, stables = [], []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
        try:
            page.goto(url, timeout=timeout_s * 1000)
            wait_until(page, "csViewer.stableMs !== null && csViewer.firstDrawMs !== null", timeout_s)
            first, stable = page.evaluate("[csViewer.firstDrawMs, csViewer.stableMs]")
            firsts.append(first)
            stables.append(max(first, stable))
        except Exception as err:  # a timeout on a slow machine: report it, keep going
            print(f"  {path.name}: {type(err).__name__}: {str(err)[:300]}", file=sys.stderr)
        finally:
            context.close()
    return median(firsts), median(stables)


def fmt_ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def fmt_ratio(a: float | None, b: float | None) -> str:
    return "–" if a is None or b is None or not b else f"{a / b:.1f}×"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one run each; skip force layout on 5,000 nodes")
    parser.add_argument("--runs", type=int, default=None, help="runs per measurement (default 3, quick 1)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds allowed per page load")
    parser.add_argument("--no-browser", action="store_true", help="generation only")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "viewer.md")
    args = parser.parse_args(argv)
    runs = args.runs or (1 if args.quick else 3)
    started = time.perf_counter()

    real = load_graph()
    cases = []
    for name, graph in [("real graph", real)] + [
        (f"synthetic {n:,}", synthetic_network(n, seed=1)) for n in (1000, 5000)
    ]:
        drawn = viewer_data(graph)  # what the default view draws (sites with no link are left out)
        cases.append((name, graph, len(drawn["nodes"]), len(drawn["edges"])))

    rows = []
    with tempfile.TemporaryDirectory(prefix="cs-bench-viewer-") as tmp:
        folder = Path(tmp)
        pages = []
        for name, graph, n_nodes, n_edges in cases:
            gen_s, size = generation(graph, runs)
            slug = name.replace(" ", "-").replace(",", "")
            layered = write_html(folder / f"{slug}-layered.html", graph)
            force = write_html(folder / f"{slug}-force.html", graph, layout="force")
            pages.append((name, layered, force, n_nodes))
            rows.append({"name": name, "nodes": n_nodes, "edges": n_edges, "gen": gen_s, "size": size})
            print(f"generated {name}: {gen_s * 1000:.0f} ms, {size / 1e6:.2f} MB", file=sys.stderr)

        chromium = ""
        if not args.no_browser:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
                chromium = browser.version
                for row, (name, layered, force, n_nodes) in zip(rows, pages, strict=True):
                    row["l_first"], row["l_stable"] = browser_times(browser, layered, runs, args.timeout)
                    if args.quick and n_nodes > 2000:
                        row["f_first"] = row["f_stable"] = None
                    else:
                        row["f_first"], row["f_stable"] = browser_times(browser, force, runs, args.timeout)
                    print(f"browser {name}: done", file=sys.stderr)
                browser.close()

    lines = [
        "## Viewer",
        "",
        f"`bench/bench_viewer.py{' --quick' if args.quick else ''}`: cancer-spread {__version__}, "
        f"median of {runs} run{'s' * (runs != 1)}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs" + (f", headless Chromium {chromium}" if chromium else "") + ". "
        "Generation is `render_html` (spread network, layout, page). Times in the browser are "
        "milliseconds from navigation start (file:// page, every other request aborted) to "
        "vis-network's first `afterDrawing` and to a stable layout; the layered layout ships "
        "fixed positions with physics off, so both are the same moment.",
        "",
        "| graph | nodes | edges | generation (ms) | page (MB) | layered: first draw (ms) "
        "| force: first draw (ms) | force: stable (ms) | force / layered (stable) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['nodes']:,} | {r['edges']:,} | {r['gen'] * 1000:,.0f} | "
            f"{r['size'] / 1e6:.2f} | {fmt_ms(r.get('l_first'))} | {fmt_ms(r.get('f_first'))} | "
            f"{fmt_ms(r.get('f_stable'))} | {fmt_ratio(r.get('f_stable'), r.get('l_stable'))} |"
        )
    lines += [
        "",
        "Views of more than 1,000 nodes draw small shapes instead of labelled boxes. The target "
        "is a first draw within 2 s for 5,000 nodes with the default layout.",
        f"Total benchmark time: {time.perf_counter() - started:.0f} s.",
        "",
    ]
    text = "\n".join(lines)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
