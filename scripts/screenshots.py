"""Screenshots of the viewer for the README: the whole graph, a cancer focus and a site focus, at
1400x900 (a laptop) and 390x844 (a phone), in headless Chromium. Writes docs/viewer-*.png.

    .venv/bin/python scripts/screenshots.py [--out docs]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
VIEWS = {"default": {}, "cancer-focus": {"focus": "breast"}, "site-focus": {"focus": "site:liver"}}
SIZES = {"1400x900": (1400, 900), "390x844": (390, 844)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from cancer_spread.load import load_graph
    from cancer_spread.visualise import write_html

    graph = load_graph()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True)
        for view, kw in VIEWS.items():
            page_file = write_html(Path(tmp) / f"{view}.html", graph, **kw)
            for size, (w, h) in SIZES.items():
                page = browser.new_page(viewport={"width": w, "height": h})
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
                page.goto(page_file.resolve().as_uri())
                deadline = time.monotonic() + 60
                while not page.evaluate("Boolean(window.csViewer && csViewer.stableMs !== null)"):
                    if time.monotonic() > deadline:
                        raise SystemExit(f"{view}: the viewer did not finish drawing")
                    page.wait_for_timeout(50)
                page.wait_for_timeout(300)
                target = args.out / f"viewer-{view}-{size}.png"
                page.screenshot(path=str(target))
                print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
                page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
