"""``cancer_spread.to_pyvis``: the viewer's network as a pyvis ``Network`` (same layout, colours,
tooltips; physics off), that pyvis can customise and write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyvis.network import Network

import cancer_spread
from cancer_spread.errors import InputError
from cancer_spread.load import derive, load_files
from cancer_spread.visualise import PALETTE, viewer_data

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "viewer-mini.ttl"
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def mini():
    return derive(load_files([ROOT / "ontology" / "cancer-spread.ttl", FIXTURE]))


def test_to_pyvis_is_public_and_returns_a_network(mini) -> None:
    net = cancer_spread.to_pyvis(mini)
    assert isinstance(net, Network) and net.directed


def test_same_nodes_edges_positions_colours_and_tooltips_as_the_viewer(mini) -> None:
    data = viewer_data(mini)
    net = cancer_spread.to_pyvis(mini)
    by_id = {n["id"]: n for n in net.nodes}
    assert set(by_id) == {n["id"] for n in data["nodes"]}
    for node in data["nodes"]:
        got = by_id[node["id"]]
        assert (got["x"], got["y"]) == (node["x"], node["y"])  # our layered layout, not pyvis'
        assert got["title"] == node["title"] and got["label"] == node["label"]
        assert got["physics"] is False
    kinds = {n["id"]: data["info"]["nodes"][n["id"]]["kind"] for n in data["nodes"]}
    for node_id, kind in kinds.items():
        assert by_id[node_id]["color"]["background"] == PALETTE[kind]
    spread = [e for e in data["edges"] if data["info"]["edges"][e["id"]]["type"] == "spread"]
    assert sorted((e["from"], e["to"]) for e in net.edges) == sorted((e["from"], e["to"]) for e in spread)
    titles = {(e["from"], e["to"]): e["title"] for e in net.edges}
    for e in spread:
        assert titles[e["from"], e["to"]] == e["title"]
    assert net.options.physics.enabled is False


def test_focus_and_glossary_options_are_the_viewers(mini) -> None:
    net = cancer_spread.to_pyvis(mini, focus="breast cancer", glossary=True)
    data = viewer_data(mini, focus="breast cancer", glossary=True)
    assert {n["id"] for n in net.nodes} == {n["id"] for n in data["nodes"]}
    assert any(n["group"] == "glossary" for n in net.nodes)
    with pytest.raises(InputError, match="unknown layout"):
        cancer_spread.to_pyvis(mini, layout="circle")


def test_filter_presets_leave_out_what_the_viewer_hides(mini) -> None:
    everything = cancer_spread.to_pyvis(mini)
    figures = cancer_spread.to_pyvis(mini, filters={"min_figure": 1})
    data = viewer_data(mini)
    with_figure = [e for e in data["info"]["edges"].values() if e["type"] == "spread" and (e["best_figure"] or 0) >= 1]
    assert 0 < len(figures.edges) == len(with_figure) < len(everything.edges)
    ends = {e["from"] for e in figures.edges} | {e["to"] for e in figures.edges}
    assert {n["id"] for n in figures.nodes} == ends


def test_force_layout_leaves_placing_to_physics(mini) -> None:
    net = cancer_spread.to_pyvis(mini, layout="force")
    assert net.options.physics.enabled is True
    assert all("x" not in n and n["physics"] is True for n in net.nodes)


def test_pyvis_can_customise_and_write_it(mini, tmp_path) -> None:
    net = cancer_spread.to_pyvis(mini, height="500px")
    net.add_node("note", label="my own node")  # pyvis' own API still works on it
    html = net.generate_html()
    assert "my own node" in html and "breast cancer" in html
    out = tmp_path / "net.html"
    net.write_html(str(out))
    assert out.is_file()


def test_text_from_the_graph_is_escaped_in_pyvis_pages(tmp_path) -> None:
    import networkx as nx

    G = nx.DiGraph()
    G.add_node("urn:c", kind="cancer", label=XSS)
    G.add_node("urn:s", kind="site", label="bone")
    G.add_edge("urn:c", "urn:s", evidence=[], n_sources=1, quantitative=False)
    html = cancer_spread.to_pyvis(G).generate_html()
    assert XSS not in html
    nodes = json.loads(html.split("nodes = new vis.DataSet(", 1)[1].split(");", 1)[0])
    assert XSS in {n["label"] for n in nodes}


def test_readme_example_runs(tmp_path, monkeypatch) -> None:
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [block] = [b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if "to_pyvis" in b]
    monkeypatch.chdir(tmp_path)
    exec(compile("import cancer_spread as cs\n" + block, "README.md", "exec"), {})
    page = (tmp_path / "bowel.html").read_text(encoding="utf-8")
    assert "colorectal cancer" in page and "my note" in page
