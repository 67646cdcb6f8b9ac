"""The viewer page as a string: self-contained, escaped, and faithful to the spread network."""

from __future__ import annotations

import html
import itertools
import json
import os
import re
from pathlib import Path

import pytest

from cancer_spread.errors import InputError
from cancer_spread.load import derive, load_files
from cancer_spread.network import spread_network
from cancer_spread.visualise import (
    ViewerHTML,
    display,
    render_html,
    synthetic_network,
    viewer_data,
    write_html,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "viewer-mini.ttl"
XSS = "<img src=x onerror=alert(1)>"
CANCER = "https://w3id.org/cancer-spread/cancer/"
SITE = "https://w3id.org/cancer-spread/site/"


@pytest.fixture(scope="module")
def mini():
    return derive(load_files([ROOT / "ontology" / "cancer-spread.ttl", FIXTURE]))


@pytest.fixture(scope="module")
def mini_page(mini):
    return render_html(mini)


def page_data(page: str) -> dict:
    match = re.search(r'<script id="cs-data" type="application/json">(.*?)</script>', page, re.S)
    assert match, "the page carries its data in one JSON script"
    return json.loads(match.group(1))


def expected_view(G):
    """What the default view draws: every cancer, every site with a link, every link."""
    nodes = {n for n, d in G.nodes(data=True) if d["kind"] == "cancer" or G.degree(n) > 0}
    return nodes, set(G.edges)


# ------------------------------------------------------------------ self-contained


def test_page_is_self_contained(mini_page):
    page = mini_page
    assert page.startswith("<!DOCTYPE html>")
    assert "<link" not in page.lower()
    for attr in re.findall(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]*)""", page, re.I):
        assert not attr.lower().startswith(("http://", "https://", "//")), attr
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", page, re.I)
    assert "@import" not in page
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page
    assert "bootstrap" not in page.lower()
    # A Content Security Policy forbids any request the page might still try.
    assert "default-src 'none'" in page and "connect-src 'none'" in page
    # vis-network is inlined, not fetched.
    assert "vis-network" in page and "new vis.Network(" in page


def test_footer_and_title_carry_version_license_and_citation(mini_page):
    import cancer_spread

    version = cancer_spread.__version__
    assert f"<title>Where cancers spread · cancer-spread {version}</title>" in mini_page
    assert "CC BY 4.0" in mini_page and "MIT" in mini_page
    assert f"cancer-spread knowledge graph, version {version}, https://w3id.org/cancer-spread/" in mini_page


def test_deterministic(mini):
    assert render_html(mini) == render_html(mini)


# ------------------------------------------------------------------ safety


def test_hostile_text_is_escaped(mini, mini_page):
    page = mini_page
    assert XSS not in page
    assert "<script>alert" not in page
    assert "</script><script>alert(3)" not in page
    assert "<b onmouseover" not in page
    assert "javascript:alert(5)" not in page  # not a link, and not even in the data
    # ...yet the data holds the exact text, for the panel to show with textContent.
    data = page_data(page)
    labels = {n["label"] for n in data["nodes"]}
    assert XSS in labels
    info = data["info"]["nodes"][CANCER + "xss"]
    assert info["synonyms"] == ["<script>alert(2)</script>"]
    # Tooltips are plain text, never HTML.
    assert all(isinstance(n["title"], str) for n in data["nodes"] + data["edges"])


def test_title_option_is_escaped(mini):
    page = render_html(mini, title="<b>Spread</b> & more")
    assert "<b>Spread</b>" not in page
    assert "&lt;b&gt;Spread&lt;/b&gt; &amp; more" in page


def test_only_web_links_become_links(mini):
    data = viewer_data(mini)
    links = [source["link"] for source in data["sources"]]
    assert "https://doi.org/10.0000/test.1" in links
    assert all(link is None or link.startswith(("https://", "http://")) for link in links)
    evil = next(source for source in data["sources"] if source["short"] == "Evil <i>source</i>")
    assert evil["link"] is None  # the javascript: URL was dropped


def test_panel_builds_dom_with_text_not_html(mini_page):
    app = mini_page.rsplit("<script>", 1)[1]
    assert "innerHTML" not in app and "insertAdjacentHTML" not in app and "document.write" not in app
    assert 'rel: "noopener noreferrer"' in app and 'target: "_blank"' in app


# ------------------------------------------------------------------ content


def test_counts_match_the_spread_network(mini):
    G = spread_network(mini)
    nodes, edges = expected_view(G)
    data = viewer_data(mini)
    assert {n["id"] for n in data["nodes"]} == nodes
    assert {(e["from"], e["to"]) for e in data["edges"]} == edges
    assert SITE + "brain" not in nodes  # a site nothing spreads to is left out


def test_node_and_edge_details(mini):
    data = viewer_data(mini)
    node = data["info"]["nodes"][CANCER + "colorectal"]
    assert node["kind"] == "cancer" and node["synonyms"] == [
        "bowel cancer",
        "colon and rectal cancer",
    ]
    assert {"code": "NCIT:C4978", "status": "verified"} in node["codes"]
    assert data["info"]["nodes"][SITE + "spine"]["parents"] == [{"id": SITE + "bone", "label": "bone"}]
    (eid,) = [k for k, e in data["info"]["edges"].items() if e.get("pattern", "").endswith("colorectal--liver")]
    edge = data["info"]["edges"][eid]
    assert edge["best_figure"] == 70.5 and edge["n_sources"] == 2 and edge["quantitative"]
    first = edge["evidence"][0]
    assert first["value"] == 70.5 and first["denominator"] == 1000 and first["count"] == 705
    source = data["sources"][first["src"]]
    assert source["short"] == "Registry 2020" and source["link"] == "https://doi.org/10.0000/test.1"
    vis_edge = next(e for e in data["edges"] if e["id"] == eid)
    assert "dashes" not in vis_edge and "70.5%" in vis_edge["title"]
    listing = next(e for e in data["edges"] if data["info"]["edges"][e["id"]]["pattern"].endswith("breast--spine"))
    assert listing["dashes"] and listing["width"] < vis_edge["width"]


def test_layered_layout(mini):
    data = viewer_data(mini)
    pos = {n["id"]: (n["x"], n["y"]) for n in data["nodes"]}
    info = data["info"]["nodes"]
    cancers = sorted((p[1], info[n]["label"]) for n, p in pos.items() if info[n]["kind"] == "cancer")
    sites = [n for n in pos if info[n]["kind"] != "cancer"]
    assert max(pos[n][0] for n in pos if info[n]["kind"] == "cancer") < min(pos[s][0] for s in sites)
    labels = [label for _, label in cancers]
    assert labels == sorted(labels, key=str.casefold)
    # Lymph nodes are grouped below the organs; a site's narrower sites follow it.
    lymph = [pos[s][1] for s in sites if "lymph" in s]
    organs = [pos[s][1] for s in sites if "lymph" not in s]
    assert min(lymph) > max(organs)
    assert pos[SITE + "spine"][1] > pos[SITE + "bone"][1]
    assert data["config"]["options"]["physics"] == {"enabled": False}
    assert data["config"]["options"]["edges"]["smooth"] is False


def test_site_order_and_readable_positions_on_the_real_graph():
    data = viewer_data()
    info = data["info"]["nodes"]
    ys = sorted(n["y"] for n in data["nodes"] if info[n["id"]]["kind"] == "cancer")
    assert all(b - a >= 20 for a, b in itertools.pairwise(ys)), "cancer labels must not overlap"
    pos = {n["id"]: n["y"] for n in data["nodes"]}
    lymph = [pos[n] for n, d in info.items() if d["kind"] == "lymph node group"]
    liver = pos.get(SITE + "liver")
    if lymph and liver is not None:
        assert liver < min(lymph)


# ------------------------------------------------------------------ options


def test_focus_on_a_cancer_by_synonym(mini):
    data = viewer_data(mini, focus="bowel cancer")
    assert data["title"] == "Where colorectal cancer spreads"
    assert {n["id"] for n in data["nodes"]} == {
        CANCER + "colorectal",
        SITE + "liver",
        SITE + "lung",
        SITE + "lymph-nodes",
    }
    assert len(data["edges"]) == 3
    assert "<title>Where colorectal cancer spreads" in render_html(mini, focus="bowel cancer")


def test_focus_on_a_site_by_code_and_on_a_glossary_term(mini):
    by_code = viewer_data(mini, focus="C78.7")
    assert by_code["title"] == "Cancers that spread to the liver"
    assert {n["id"] for n in by_code["nodes"]} == {
        SITE + "liver",
        CANCER + "colorectal",
        CANCER + "breast",
    }
    by_term = viewer_data(mini, focus="secondary liver cancer")
    assert {n["id"] for n in by_term["nodes"]} == {n["id"] for n in by_code["nodes"]}


def test_focus_errors(mini):
    with pytest.raises(InputError, match="unknown"):
        render_html(mini, focus="no such cancer")
    with pytest.raises(InputError, match="neither a cancer nor a site"):
        render_html(mini, focus="metastasis")


def test_force_layout_and_physics(mini):
    force = viewer_data(mini, layout="force")
    options = force["config"]["options"]
    assert options["physics"]["enabled"] and options["physics"]["stabilization"]["enabled"]
    assert options["edges"]["smooth"] is False
    assert force["config"]["force"] and not force["config"]["keepPhysics"]
    assert all("x" not in n for n in force["nodes"])
    page = render_html(mini, layout="force")
    assert "stabilizationIterationsDone" in page and "physics: { enabled: false }" in page
    live = viewer_data(mini, physics=True)
    assert live["config"]["keepPhysics"] and live["config"]["options"]["physics"]["enabled"]
    with pytest.raises(InputError, match="layout"):
        render_html(mini, layout="circular")


def test_filter_presets(mini):
    data = viewer_data(
        mini,
        filters={
            "kinds": ["registry"],
            "min_figure": 10,
            "sources": ["registry 2020"],
            "cancers": ["bowel cancer"],
        },
    )
    assert data["presets"] == {
        "cancers": [CANCER + "colorectal"],
        "sites": [],
        "sources": ["Registry 2020"],
        "kinds": ["registry study"],
        "min_figure": 10.0,
    }
    assert data["lists"]["kinds"] == ["patient-information listing", "registry study"]
    assert "Registry 2020" in data["lists"]["sources"]
    for bad in (
        {"colour": "red"},
        {"kinds": ["rumour"]},
        {"sources": ["Nobody"]},
        {"min_figure": 120},
    ):
        with pytest.raises(InputError):
            viewer_data(mini, filters=bad)


def test_glossary_option(mini):
    assert viewer_data(mini)["glossary"] == []
    data = viewer_data(mini, glossary=True)
    term = "https://w3id.org/cancer-spread/term/secondary-liver-cancer"
    assert term in {n["id"] for n in data["nodes"]}
    about = [e for e in data["edges"] if e["from"] == term]
    assert [e["to"] for e in about] == [SITE + "liver"]
    assert {t["label"] for t in data["glossary"]} == {"metastasis", "secondary liver cancer"}
    page = render_html(mini, glossary=True)
    assert 'id="cs-glossary-list"' in page
    assert 'id="cs-glossary-list"' not in render_html(mini)


def test_networkx_input():
    G = synthetic_network(60, seed=3)
    data = viewer_data(G, focus="cancer 0001")
    assert data["focus"] == ["https://example.org/synthetic/cancer/1"]
    page = render_html(G)
    assert len(page_data(page)["nodes"]) == 60


# ------------------------------------------------------------------ files and notebooks


def test_write_html_is_atomic_and_writes_nothing_else(mini, tmp_path, monkeypatch):
    import cancer_spread.files

    monkeypatch.chdir(tmp_path)
    calls = []
    real = cancer_spread.files.write_atomic

    def spy(path, text):
        calls.append(Path(path))
        return real(path, text)

    monkeypatch.setattr(cancer_spread.files, "write_atomic", spy)
    out = write_html("viewer.html", mini, focus="breast cancer", glossary=True)
    assert out == Path("viewer.html") and calls == [Path("viewer.html")]
    assert sorted(os.listdir(tmp_path)) == ["viewer.html"]  # no lib/ folder, no temporary file
    assert "Where breast cancer spreads" in out.read_text(encoding="utf-8")
    nested = write_html(tmp_path / "site" / "index.html", mini)
    assert nested.is_file() and sorted(os.listdir(tmp_path)) == ["site", "viewer.html"]


def test_write_html_keeps_the_old_file_on_error(mini, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "viewer.html"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(InputError):
        write_html(target, mini, focus="no such cancer")
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["viewer.html"]


def test_display_is_a_sandboxed_iframe(mini):
    shown = display(mini, focus="breast cancer", height=500)
    assert isinstance(shown, ViewerHTML)
    frame = shown._repr_html_()
    assert frame.startswith('<iframe srcdoc="') and "height:500px" in frame
    srcdoc = re.match(r'<iframe srcdoc="([^"]*)"', frame).group(1)
    assert "<" not in srcdoc and ">" not in srcdoc  # fully escaped: no markup leaks out
    assert html.unescape(srcdoc) == shown.html
    assert "allow-scripts" in frame and "allow-same-origin" not in frame


def test_select_option():
    from cancer_spread.visualise import viewer_data

    assert viewer_data()["select"].endswith("/cancer/breast")
    assert viewer_data(select=None)["select"] is None
    # A word naming a cancer and a site is the cancer ("liver" as in "liver cancer"); the
    # site by its CURIE.
    assert viewer_data(focus="liver")["select"].endswith("/cancer/liver")
    assert viewer_data(focus="site:liver")["select"].endswith("/site/liver")
    assert viewer_data(select="prostate cancer")["select"].endswith("/cancer/prostate")
