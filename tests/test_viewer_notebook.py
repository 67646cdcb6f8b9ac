"""The viewer in a notebook page, in a real browser: the first viewer carries vis-network and
leaves a copy in the page; the viewers after it carry only their data and draw with that copy."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from cancer_spread import visualise
from cancer_spread.visualise import display

pytestmark = pytest.mark.browser


@pytest.fixture
def fresh_notebook(monkeypatch):
    """A Python process that has not yet shown a viewer to its notebook page."""
    monkeypatch.setattr(visualise, "_HOSTED", set())


def _notebook(tmp_path: Path, *outputs: str) -> Path:
    """A page standing in for a notebook: the cells' HTML outputs one after another."""
    cells = "".join(f'<div class="cell">{o}</div>' for o in outputs)
    path = tmp_path / "notebook.html"
    path.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{cells}</body></html>", "utf-8")
    return path


def _open(browser, path: Path):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    url = path.resolve().as_uri()
    outside: list[str] = []

    def route(r):
        if r.request.url == url:
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    return context, page, outside, errors


def _viewer_frames(page) -> list:
    return [f for f in page.frames if f != page.main_frame]


def _wait_drawn(frame, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not frame.evaluate("Boolean(window.csViewer && csViewer.stableMs !== null)"):
        assert time.monotonic() < deadline, "the viewer did not finish drawing"
        time.sleep(0.05)


def test_later_viewers_share_the_first_ones_vis_network(browser, tmp_path, fresh_notebook) -> None:
    first, second = display(focus="breast cancer"), display(focus="prostate cancer")
    one, two = first._repr_html_(), second._repr_html_()
    assert "vis-network" in one and "__cancerSpreadAssets" in one  # the library, and the copy left
    assert len(two) < len(one) / 5 and "__cancerSpreadAssets" not in two
    assert "<script>" not in re.sub(r'srcdoc="[^"]*"', "", two)  # the later cell runs nothing outside its frame
    context, page, outside, errors = _open(browser, _notebook(tmp_path, one, two))
    try:
        frames = _viewer_frames(page)
        assert len(frames) == 2
        for frame in frames:
            _wait_drawn(frame)
        # Both draw their own data, the second with the copy the first left.
        shown = [f.evaluate("csViewer.nodes.get().filter(n => !n.hidden).map(n => n.id)") for f in frames]
        assert any(i.endswith("/cancer/breast") for i in shown[0])
        assert any(i.endswith("/cancer/prostate") for i in shown[1])
        assert frames[1].evaluate("typeof vis") == "object"
        assert frames[1].evaluate("document.getElementById('cs-shared-missing')") is None
        # What is drawn: the second canvas has pixels of more than one colour.
        colours = frames[1].evaluate(
            """() => { const c = document.querySelector('#cs-network canvas');
                       const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                       const seen = new Set();
                       for (let i = 0; i < d.length; i += 400) seen.add(d.slice(i, i + 4).join(','));
                       return seen.size; }"""
        )
        assert colours > 3
        assert outside == [] and errors == []
    finally:
        context.close()


def test_a_shared_viewer_alone_says_how_to_embed_the_library(browser, tmp_path, fresh_notebook) -> None:
    display(focus="breast cancer")._repr_html_()  # the first viewer's output, then cleared
    alone = display(focus="prostate cancer")._repr_html_()
    context, page, _outside, errors = _open(browser, _notebook(tmp_path, alone))
    try:
        [frame] = _viewer_frames(page)
        deadline = time.monotonic() + 30
        while frame.evaluate("document.getElementById('cs-shared-missing')") is None:
            assert time.monotonic() < deadline, "no message that the library is missing"
            time.sleep(0.1)
        message = frame.evaluate("document.getElementById('cs-shared-missing').textContent")
        assert "shared=False" in message
        assert frame.evaluate("typeof vis") == "undefined"
        assert errors == []
    finally:
        context.close()


def test_shared_false_and_save_stay_self_contained(tmp_path, fresh_notebook) -> None:
    alone = display(focus="breast cancer", shared=False)
    assert "__cancerSpreadAssets" not in alone._repr_html_()
    display(focus="breast cancer")._repr_html_()
    later = display(focus="prostate cancer")
    assert len(later._repr_html_()) < len(later.html) / 5  # the later viewer leaves the library out
    saved = later.save(tmp_path / "v.html").read_text(encoding="utf-8")
    assert saved == later.html and 'id="cs-shared"' not in saved  # a saved page carries everything
