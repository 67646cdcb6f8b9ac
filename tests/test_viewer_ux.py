"""The viewer as its users meet it, in headless Chromium: what is drawn (read from the page's
own record of the figures it drew and from vis-network's state), not only the data behind it.
No stale figures, the cancer preferred over the site, "no match" that keeps the canvas, figures
that do not overlap in a site focus, headings, legend, counts, contrast, a phone screen, long
and hostile labels, and the view kept in the URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from cancer_spread.load import derive, load_files
from cancer_spread.visualise import render_html, write_html
from tests.test_viewer_browser import (  # noqa: F401 - pytest fixtures
    CANCER,
    FIXTURE,
    ROOT,
    SITE,
    graphs,
    open_page,
)

pytestmark = pytest.mark.browser


def _drawn(o) -> list[dict]:
    o.page.wait_for_timeout(60)
    return o.js("csViewer.drawnLabels")


def _figures_of(o, node: str) -> set[str]:
    """The figures the panel's data gives the links of ``node`` (what should be drawn)."""
    return set(
        o.js(
            """id => csViewer.network.getConnectedEdges(id).map(e => csViewer.data.info.edges[e])
                 .filter(d => d.best_figure !== null && d.best_figure !== undefined)
                 .map(d => csLib.edgeLabel(d))""",
            node,
        )
    )


def _overlap(a: dict, b: dict) -> bool:
    return not (
        a["right"] <= b["left"] or b["right"] <= a["left"] or a["bottom"] <= b["top"] or b["bottom"] <= a["top"]
    )


@pytest.fixture(scope="module")
def real_page(tmp_path_factory, graphs):  # noqa: F811
    return write_html(tmp_path_factory.mktemp("ux") / "real.html", graphs["real"], select=None)


def test_no_stale_figures_after_reset_and_a_new_selection(open_page, real_page):  # noqa: F811
    o = open_page(real_page)
    o.js(f"csViewer.selectNode('{CANCER}colorectal')")
    assert {d["text"] for d in _drawn(o)} == _figures_of(o, CANCER + "colorectal")
    o.page.click("#cs-reset")
    assert _drawn(o) == []
    o.js(f"csViewer.selectNode('{CANCER}melanoma')")
    drawn = {d["text"] for d in _drawn(o)}
    assert drawn == _figures_of(o, CANCER + "melanoma") and drawn
    # vis-network itself draws no link label at all (its labels could not be cleared).
    assert o.js("Object.values(csViewer.network.body.edges).filter(e => (e.options.label || '').trim()).length") == 0
    o.check_offline()


@pytest.mark.parametrize("view", ["site:liver", "breast"])
def test_figures_do_not_overlap_in_a_focus(open_page, graphs, tmp_path, view):  # noqa: F811
    o = open_page(write_html(tmp_path / "focus.html", graphs["real"], focus=view))
    drawn = _drawn(o)
    assert len(drawn) >= (20 if view.startswith("site") else 4)
    for i, a in enumerate(drawn):
        for b in drawn[i + 1 :]:
            assert not _overlap(a, b), (a, b)
    # Every figure drawn lies inside the canvas.
    w, h = o.js("[csViewer.network.canvas.frame.clientWidth, csViewer.network.canvas.frame.clientHeight]")
    assert all(d["left"] >= 0 and d["right"] <= w and d["top"] >= 0 and d["bottom"] <= h for d in drawn)


def test_a_cancer_is_preferred_over_a_site(open_page, graphs, tmp_path, run_cli):  # noqa: F811
    # The help's own example: --focus breast is breast cancer, in the CLI and the Python API.
    assert "Where breast cancer spreads" in render_html(graphs["real"], focus="breast")
    out = tmp_path / "prostate.html"
    result = run_cli("visualise", "--focus", "prostate", "-o", str(out))
    assert result.returncode == 0, result.stderr
    o = open_page(out)
    assert o.page.title().startswith("Where prostate cancer spreads")
    assert o.page.locator("#cs-panel h2").inner_text() == "prostate cancer"
    # Search: "bowel" and "womb" are the cancers.
    o = open_page(write_html(tmp_path / "all.html", graphs["real"], select=None))
    for query, expected in (("bowel", "colorectal cancer"), ("womb", "womb cancer"), ("breast", "breast cancer")):
        o.page.fill("#cs-search", query)
        o.page.wait_for_timeout(80)
        assert o.page.locator("#cs-panel h2").inner_text() == expected, query


def test_no_match_keeps_the_canvas_and_suggests(open_page, real_page):  # noqa: F811
    o = open_page(real_page)
    total = o.js("csViewer.countVisible()")
    o.page.fill("#cs-search", "breast")
    o.page.wait_for_timeout(80)
    assert o.page.locator("#cs-panel h2").inner_text() == "breast cancer"
    o.page.fill("#cs-search", "brest")
    o.page.wait_for_timeout(80)
    box = o.page.locator("#cs-nomatch")
    assert box.is_visible()
    assert "No match" in box.inner_text() and "breast cancer" in box.inner_text()
    assert box.locator("button").count() <= 3
    assert o.js("csViewer.countVisible()") == total  # the canvas is not blanked
    assert o.page.locator("#cs-panel h2").inner_text() != "breast cancer"  # the old entity is gone
    box.locator("button", has_text="breast cancer").first.click()
    assert o.page.locator("#cs-panel h2").inner_text() == "breast cancer"
    assert not box.is_visible()
    # Words in another order, and hyphens typed as spaces, still find the entity.
    o.page.fill("#cs-search", "triple negative")
    o.page.wait_for_timeout(80)
    assert not box.is_visible()
    o.check_offline()


def test_headings_legend_and_counts(open_page, graphs, tmp_path):  # noqa: F811
    o = open_page(write_html(tmp_path / "site.html", graphs["real"], focus="site:liver"))
    heads = o.js("csViewer.data.config.headers.map(h => h.text)")
    assert len(heads) == len(set(heads)), heads
    # Each heading is inside the canvas.
    for left, right in o.js(
        """() => { const c = document.createElement('canvas').getContext('2d');
             return csViewer.data.config.headers.map(h => { c.font = '700 17px sans-serif';
               const w = c.measureText(h.text).width / 2;
               const dom = p => csViewer.network.canvasToDOM(p).x;
               return [dom({x: h.x - w, y: h.y}), dom({x: h.x + w, y: h.y})]; }); }"""
    ):
        assert left >= 0 and right <= o.js("csViewer.network.canvas.frame.clientWidth")
    o = open_page(write_html(tmp_path / "all.html", graphs["real"]))
    legend = o.page.locator("#cs-legend").bounding_box()
    assert legend["y"] >= 0 and legend["y"] + legend["height"] <= 900  # on the first screen
    # The counts in the panel's hint follow the filters.
    o.page.click("#cs-reset")
    o.page.locator("#cs-f-cancers").select_option(CANCER + "breast")
    c = o.js("csViewer.countVisible()")
    assert c["nodes"] < 30
    hint = o.page.locator("#cs-hint-count").inner_text()
    assert hint.startswith(f"{c['nodes']} nodes and {c['edges']} links shown")
    assert o.page.locator("#cs-status").inner_text().startswith(f"{c['nodes']} nodes, {c['edges']} links")


def _luminance(rgb: tuple[float, float, float]) -> float:
    def ch(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b)


def _hex(c: str) -> tuple[int, int, int]:
    c = c.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def test_dimmed_labels_have_aa_contrast(open_page, real_page):  # noqa: F811
    o = open_page(real_page)
    o.js(f"csViewer.selectNode('{CANCER}breast')")
    rows = o.js(
        """() => Object.values(csViewer.network.body.nodes).filter(n => n.options.opacity < 1)
             .map(n => [n.options.color.background, n.options.opacity, n.options.font.color])"""
    )
    assert len(rows) > 10
    for background, alpha, text in rows:
        # The box is drawn at ``alpha`` over the white canvas; the label at full strength on it.
        bg = tuple(alpha * c + (1 - alpha) * 255 for c in _hex(background))
        fg = _hex(text)
        hi, lo = sorted((_luminance(bg), _luminance(fg)), reverse=True)
        assert (hi + 0.05) / (lo + 0.05) >= 4.5, (background, text)


def test_usable_on_a_phone(open_page, graphs, tmp_path):  # noqa: F811
    o = open_page(write_html(tmp_path / "phone.html", graphs["real"], focus="breast"), viewport=(390, 844))
    assert o.js("document.documentElement.scrollWidth") <= 390  # nothing wider than the screen
    canvas = o.page.locator("#cs-network").bounding_box()
    assert canvas["width"] >= 370 and canvas["height"] >= 300
    assert o.page.locator("#cs-search").is_visible()
    footer = o.page.locator("footer").bounding_box()
    assert footer["y"] >= 844  # the footer waits at the end of the page, not on the first screen
    # The graph is drawn inside the canvas: every node of the focus in view.
    for node in o.js("csViewer.nodes.getIds()"):
        p = o.js("id => csViewer.network.canvasToDOM(csViewer.network.getPositions([id])[id])", node)
        x, y = p["x"], p["y"]
        assert 0 <= x <= canvas["width"] and 0 <= y <= canvas["height"], node
    o.page.fill("#cs-search", "liver")
    o.page.wait_for_timeout(80)
    assert o.page.locator("#cs-panel h2").inner_text() in ("liver", "liver cancer")
    o.check_offline()


HOSTILE = """
cancer:longname a cs:PrimaryCancer ; skos:prefLabel "{long}"@en ; skos:definition "Long."@en .
cancer:rlo a cs:PrimaryCancer ; skos:prefLabel "\u202eevil label\u202c"@en ; skos:definition "Bidi."@en .
spread:longname--bone a cs:SpreadPattern ; cs:primaryCancer cancer:longname ; cs:site site:bone ;
    cs:evidence evidence:longname--bone--x .
evidence:longname--bone--x a cs:Evidence ; cs:evidenceKind kind:listing ; dcterms:source source:nci .
"""


def test_long_and_bidi_labels(open_page, tmp_path):  # noqa: F811
    head = "".join(ln + "\n" for ln in FIXTURE.read_text(encoding="utf-8").splitlines() if ln.startswith("@prefix"))
    extra = tmp_path / "hostile.ttl"
    long = "Very long cancer name " * 46
    extra.write_text(head + HOSTILE.replace("{long}", long), encoding="utf-8")
    graph = derive(load_files([ROOT / "ontology" / "cancer-spread.ttl", FIXTURE, extra]))
    o = open_page(write_html(tmp_path / "hostile.html", graph, select=None))
    drawn = o.js(f"csViewer.nodes.get('{CANCER}longname').label")
    assert len(drawn) <= 40 and drawn.endswith("…")
    assert "\u202e" not in o.js(f"csViewer.nodes.get('{CANCER}rlo').label")
    # The layout is not collapsed into a strip: the long node is no wider than a column.
    box = o.js(f"csViewer.network.getBoundingBox('{CANCER}longname')")
    assert box["right"] - box["left"] < 500
    pos = o.js(f"csViewer.network.getPositions(['{CANCER}longname', '{SITE}bone'])")
    assert abs(pos[SITE + "bone"]["x"] - pos[CANCER + "longname"]["x"]) < 2000  # columns laid out for 40 characters
    o.js(f"csViewer.selectNode('{CANCER}longname')")
    assert (
        o.page.locator("#cs-panel h2").inner_text() == long.strip()
        or long.strip() in o.page.locator("#cs-panel h2").inner_text()
    )
    o.js(f"csViewer.selectNode('{CANCER}rlo')")
    assert o.page.locator("#cs-panel h2").inner_text() == "evil label"
    o.check_offline()


def test_the_url_keeps_the_selection_and_filters(open_page, browser, real_page):  # noqa: F811
    o = open_page(real_page)
    o.js(f"csViewer.selectNode('{CANCER}melanoma')")
    o.page.locator("#cs-f-sites").select_option([SITE + "brain", SITE + "liver"])
    o.page.wait_for_timeout(50)
    url = o.page.url
    assert "#" in url and "select=" in url and "sites=" in url
    again = open_page(Path(real_page))
    again.page.goto(url)
    again.page.reload()
    for _ in range(200):
        if again.js("Boolean(window.csViewer && csViewer.stableMs !== null)"):
            break
        again.page.wait_for_timeout(25)
    state = again.js("csViewer.state()")
    assert state["select"] == CANCER + "melanoma"
    assert sorted(state["sites"]) == [SITE + "brain", SITE + "liver"]
    assert again.page.locator("#cs-panel h2").inner_text() == "melanoma"
    o.check_offline()
