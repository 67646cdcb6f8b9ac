"""The viewer in a real browser (Debian's chromium, headless, driven by Playwright).

Every request the page makes is routed: anything but the page's own file is aborted and
recorded, and the test fails if there was any. Run on a small fixture graph (with a hostile
label) and on the real graph. Skipped when chromium or playwright is missing, except on CI
(``CI`` set), where they are required.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from cancer_spread.load import derive, load_files, load_graph
from cancer_spread.network import spread_network
from cancer_spread.visualise import synthetic_network, write_html

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "viewer-mini.ttl"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
XSS = "<img src=x onerror=alert(1)>"
CANCER = "https://w3id.org/cancer-spread/cancer/"
SITE = "https://w3id.org/cancer-spread/site/"


def _missing(why: str):
    if os.environ.get("CI"):
        pytest.fail(f"browser tests need {why}")
    pytest.skip(why)


@pytest.fixture(scope="session")
def graphs():
    mini = derive(load_files([ROOT / "ontology" / "cancer-spread.ttl", FIXTURE]))
    return {"mini": mini, "real": load_graph()}


@pytest.fixture(scope="session")
def pages(tmp_path_factory, graphs):
    folder = tmp_path_factory.mktemp("viewer")
    # Nothing preselected, so that clicking and hovering are what fill the panel.
    return {name: write_html(folder / f"{name}.html", g, select=None) for name, g in graphs.items()}


class Opened:
    """One page opened offline, with its blocked requests, console errors and dialogs."""

    def __init__(self, browser, path: Path, viewport=(1400, 900)):
        self.url = path.resolve().as_uri()
        self.context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, accept_downloads=True
        )
        self.page = self.context.new_page()
        self.blocked: list[str] = []
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []

        def route(r):
            if r.request.url == self.url:
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()

        self.page.route("**/*", route)
        self.page.on("request", lambda req: self.requests.append(req.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        self.page.on("dialog", dialog)
        self.page.goto(self.url)
        # Poll from Python: the page's Content Security Policy forbids the eval that
        # Playwright's in-page wait_for_function relies on.
        deadline = time.monotonic() + 60
        while not self.js("Boolean(window.csViewer && csViewer.stableMs !== null)"):
            assert time.monotonic() < deadline, "the viewer did not finish drawing"
            self.page.wait_for_timeout(25)

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def node_point(self, node_id: str) -> tuple[float, float]:
        dom = self.js("id => csViewer.network.canvasToDOM(csViewer.network.getPositions([id])[id])", node_id)
        box = self.page.locator("#cs-network").bounding_box()
        return box["x"] + dom["x"], box["y"] + dom["y"]

    def check_offline(self):
        # data: URLs (vis-network's inlined icons, the PNG export) are not network requests.
        outside = [u for u in self.requests if u != self.url and not u.startswith(("data:", "blob:"))]
        assert self.blocked == [], self.blocked
        assert outside == [], outside
        assert self.errors == [], self.errors

    def close(self):
        self.context.close()


@pytest.fixture
def open_page(browser):
    opened: list[Opened] = []

    def _open(path: Path, **kw) -> Opened:
        o = Opened(browser, path, **kw)
        opened.append(o)
        return o

    yield _open
    for o in opened:
        o.close()


@pytest.mark.parametrize("name", ["mini", "real"])
def test_loads_offline_with_every_node_and_edge(open_page, pages, graphs, name):
    G = spread_network(graphs[name])
    nodes = {n for n, d in G.nodes(data=True) if d["kind"] == "cancer" or G.degree(n) > 0}
    o = open_page(pages[name])
    assert o.js("csViewer.nodes.length") == len(nodes)
    assert o.js("csViewer.edges.length") == G.number_of_edges()
    assert set(o.js("csViewer.nodes.getIds()")) == nodes
    assert o.js("csViewer.countVisible()") == {"nodes": len(nodes), "edges": G.number_of_edges()}
    assert o.js("csViewer.firstDrawMs") > 0
    assert o.page.title().startswith("Where cancers spread")
    o.check_offline()


@pytest.mark.parametrize("name", ["mini", "real"])
def test_search_and_filters_change_what_is_visible(open_page, pages, name):
    o = open_page(pages[name])
    everything = o.js("csViewer.countVisible()")
    o.page.fill("#cs-search", "bowel")
    found = o.js("csViewer.countVisible()")
    assert 0 < found["nodes"] < everything["nodes"]
    assert o.js("id => !csViewer.nodes.get(id).hidden", CANCER + "colorectal")
    o.page.fill("#cs-search", "bowel cancer")
    assert o.page.locator("#cs-panel h2").inner_text() == "colorectal cancer"
    o.page.fill("#cs-search", "")
    assert o.js("csViewer.countVisible()") == everything
    # Minimum figure: only links whose highest figure reaches it stay.
    o.page.locator("#cs-f-min").fill("50")
    shown = o.js("csViewer.edges.get().filter(e => !e.hidden).map(e => csViewer.data.info.edges[e.id].best_figure)")
    assert 0 < len(shown) < everything["edges"] and all(f is not None and f >= 50 for f in shown)
    o.page.click("#cs-reset")
    assert o.js("csViewer.countVisible()") == everything
    # Evidence kind: without registry studies, links known only from registries go.
    o.page.locator("#cs-f-kinds input[value='patient-information listing']").uncheck()
    fewer = o.js("csViewer.countVisible()")
    assert fewer["edges"] < everything["edges"]
    # Cancer filter: one cancer and its sites.
    o.page.click("#cs-reset")
    o.page.select_option("#cs-f-cancers", CANCER + "breast")
    visible = o.js("csViewer.edges.get().filter(e => !e.hidden).map(e => e.from)")
    assert visible and set(visible) == {CANCER + "breast"}
    o.check_offline()


@pytest.mark.parametrize("name", ["mini", "real"])
def test_clicking_a_node_fills_the_panel_and_hover_highlights(open_page, pages, name):
    o = open_page(pages[name])
    x, y = o.node_point(CANCER + "breast")
    o.page.mouse.move(x, y)
    o.page.wait_for_timeout(150)
    lit = o.js("csViewer.drawnLabels.length")  # the figures drawn on the canvas
    dimmed = o.js("csViewer.nodes.get().filter(n => n.opacity !== undefined && n.opacity < 1).length")
    assert dimmed > 0 and lit >= 1
    o.page.mouse.click(x, y)
    panel = o.page.locator("#cs-panel")
    assert panel.locator("h2").inner_text() == "breast cancer"
    text = panel.text_content()
    assert "Codes" in text and "NCIT:C4872" in text and "Spreads to" in text
    # From the panel to one link's evidence, with links to the sources.
    panel.locator("button[data-edge]").first.click()
    assert "→" in panel.locator("h2").inner_text()
    # The link says how often and whether it is regional or distant, in the same words as `sites`.
    words = panel.inner_text()
    assert "Frequency:" in words and "classification:" in words
    assert any(w in words for w in ("very common", "common", "uncommon", "reported", "rare"))
    links = panel.locator("a")
    assert links.count() >= 1
    for i in range(links.count()):
        a = links.nth(i)
        assert a.get_attribute("target") == "_blank"
        assert "noopener" in a.get_attribute("rel")
        assert a.get_attribute("href").startswith(("https://", "http://"))
    o.check_offline()


def test_hostile_label_is_inert(open_page, pages):
    o = open_page(pages["mini"])
    x, y = o.node_point(CANCER + "xss")
    o.page.mouse.move(x, y)
    o.page.wait_for_timeout(400)  # tooltip
    o.page.mouse.click(x, y)
    panel = o.page.locator("#cs-panel")
    assert panel.locator("h2").inner_text() == XSS
    assert "<script>alert(2)</script>" in panel.inner_text()
    assert o.js("document.querySelectorAll('#cs-panel img, #cs-panel script, .vis-tooltip img').length") == 0
    panel.locator("button[data-edge]").first.click()
    text = panel.inner_text()
    assert "<img src=y onerror=alert(6)>" in text and "<b onmouseover=alert(7)>note</b>" in text
    assert panel.locator("a").count() == 0  # the javascript: URL is not a link
    o.page.fill("#cs-search", "<img")
    o.page.wait_for_timeout(100)
    assert o.dialogs == []
    assert o.js("document.querySelectorAll('body img').length") == 0
    o.check_offline()


@pytest.mark.parametrize("name", ["mini", "real"])
def test_png_export(open_page, pages, name):
    o = open_page(pages[name])
    with o.page.expect_download() as info:
        o.page.click("#cs-export")
    assert info.value.suggested_filename == "cancer-spread.png"
    url = o.js("csViewer.lastExport")
    assert url.startswith("data:image/png;base64,") and len(url) > 5_000
    o.check_offline()


@pytest.mark.parametrize("name", ["mini", "real"])
def test_screenshot_is_not_blank(open_page, pages, name, browser):
    import base64

    o = open_page(pages[name])
    shot = o.page.locator("#cs-network").screenshot()
    # Decode the PNG in the browser itself (no imaging library needed) and count colours.
    blank = browser.new_page()
    try:
        colours = blank.evaluate(
            """async (src) => {
              const img = new Image(); img.src = src; await img.decode();
              const c = document.createElement('canvas');
              c.width = img.width; c.height = img.height;
              const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
              const d = ctx.getImageData(0, 0, c.width, c.height).data, seen = new Set();
              for (let i = 0; i < d.length; i += 4) {
                seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
              }
              return seen.size;
            }""",
            "data:image/png;base64," + base64.b64encode(shot).decode(),
        )
    finally:
        blank.close()
    assert colours > 200, colours
    o.check_offline()


def test_force_layout_settles_then_freezes(open_page, graphs, tmp_path):
    path = write_html(tmp_path / "force.html", graphs["mini"], layout="force")
    o = open_page(path)
    assert o.js("csViewer.stableMs") > 0
    assert o.js("csViewer.network.physics.options.enabled") is False
    o.check_offline()


def test_focus_page(open_page, graphs, tmp_path):
    path = write_html(tmp_path / "focus.html", graphs["real"], focus="breast cancer", glossary=True)
    o = open_page(path)
    G = spread_network(graphs["real"])
    assert o.js("csViewer.data.info.edges") and o.js(
        "csViewer.edges.get().filter(e => csViewer.data.info.edges[e.id].type === 'spread').length"
    ) == G.out_degree(CANCER + "breast")
    assert o.page.title().startswith("Where breast cancer spreads")
    o.check_offline()


@pytest.mark.slow
def test_5000_nodes_draw(open_page, tmp_path):
    # Behaviour only: a 5,000-node page opens offline and draws every node. How fast it draws is
    # measured in bench/bench_viewer.py (median of runs, recorded in bench/RESULTS.md), not here.
    path = write_html(tmp_path / "big.html", synthetic_network(5000, seed=1))
    o = open_page(path)
    assert o.js("csViewer.nodes.length") == 5000
    assert o.js("csViewer.firstDrawMs") > 0
    assert o.js("Object.keys(csViewer.network.getPositions()).length") == 5000
    o.check_offline()
    o.close()


def test_default_view_answers_where_breast_cancer_spreads(open_page, graphs, tmp_path):
    # The whole graph opens with breast cancer selected: its links drawn strong and labelled,
    # everything else dimmed, and its panel shown, so a 1400x900 screenshot answers the question.
    path = write_html(tmp_path / "default.html", graphs["real"])
    o = open_page(path)
    assert o.page.locator("#cs-panel h2").inner_text() == "breast cancer"
    breast = CANCER + "breast"
    colours = o.js("id => csViewer.network.getConnectedEdges(id).map(e => csViewer.edges.get(e).color.color)", breast)
    others = o.js(
        "id => csViewer.edges.get().filter(e => e.from !== id && e.to !== id).map(e => e.color.color)", breast
    )
    assert len(colours) == len(list(graphs_edges(graphs["real"], breast)))
    assert len(set(colours)) == 1 and set(colours).isdisjoint(others)
    dimmed = o.js("csViewer.nodes.get().filter(n => n.opacity !== undefined && n.opacity < 1).length")
    assert dimmed > 10
    o.check_offline()


def graphs_edges(graph, node):
    from cancer_spread.network import spread_network

    return spread_network(graph, with_evidence=False).out_edges(node)
