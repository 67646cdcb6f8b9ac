"""The figures: written atomically as PNG/SVG/PDF, readable (labels present, not blank),
deterministic (same bytes twice), and the `plot` commands with their errors."""

from __future__ import annotations

import pytest

from cancer_spread import __version__
from cancer_spread.errors import InputError
from tests.conftest import FIXTURES, load_with_ontology

plot = pytest.importorskip("cancer_spread.plot", reason="matplotlib is not installed")


@pytest.fixture(scope="module")
def small():
    return load_with_ontology(FIXTURES / "analysis" / "analysis.ttl")


@pytest.fixture(scope="module")
def heatmap_svg(graph) -> str:
    return plot.figure_bytes(plot.heatmap_figure(graph), "svg").decode("utf-8")


def test_heatmap_svg_carries_labels_legend_version_and_sources(heatmap_svg: str) -> None:
    svg = heatmap_svg
    for text in ("breast cancer", "liver", "lung", "axillary lymph nodes", "organs and tissues", "lymph nodes"):
        assert f">{text}<" in svg, text
    assert "share of patients with distant spread who have the site involved" in svg
    assert "independent sources" in svg  # the second encoding, named in the legend
    assert f"cancer-spread {__version__}" in svg and "CC BY 4.0" in svg and "sources:" in svg
    assert "<dc:date>" not in svg  # no date: the bytes depend only on the graph


def test_heatmap_rows_and_columns(graph) -> None:
    from cancer_spread.analyse import site_groups
    from cancer_spread.network import spread_network

    G = spread_network(graph)
    rows, cols, sizes = plot.heatmap_order(graph, network=G)
    assert sorted(rows) == sorted(n for n, d in G.nodes(data=True) if d["kind"] == "cancer")
    assert sum(sizes) == len(rows)
    groups = site_groups(G)
    kinds = [groups[s] for s in cols]
    assert kinds == sorted(kinds, key=lambda k: k != "organ")  # organs, then lymph nodes
    # Each group in order of weighted in-degree (sources summed over the links into the site), so
    # the top destination leads; ties are broken by in-degree, then name.
    weighted = {s: sum(int(d["n_sources"]) for _, _, d in G.in_edges(s, data=True)) for s in cols}
    for kind in ("organ", "lymph node"):
        in_kind = [weighted[s] for s in cols if groups[s] == kind]
        assert in_kind == sorted(in_kind, reverse=True), kind
    assert weighted[cols[0]] == max(weighted[s] for s in cols if groups[s] == "organ")
    assert all(G.in_degree(s) > 0 for s in cols)


def test_figures_are_deterministic(small) -> None:
    for fmt in ("svg", "pdf"):
        first = plot.figure_bytes(plot.heatmap_figure(small), fmt)
        assert first == plot.figure_bytes(plot.heatmap_figure(small), fmt), fmt
    profile = plot.figure_bytes(plot.profile_figure(small, "alpha cancer"), "svg")
    assert profile == plot.figure_bytes(plot.profile_figure(small, "alpha cancer"), "svg")


def test_profile_bars_are_ranked_with_their_evidence(small) -> None:
    svg = plot.figure_bytes(plot.profile_figure(small, "alpha cancer"), "svg").decode("utf-8")
    # liver (50 % from S2) first, then the one-source sites by name: as `metastatic-sites`.
    assert svg.index(">liver<") < svg.index(">axillary lymph nodes<") < svg.index(">lung<")
    assert "50% · S2" in svg
    assert "2 sources · 2 items" in svg and "no comparable figure" in svg
    assert "sources: S1, S2, S3" in svg


def test_png_is_not_blank(tmp_path, small) -> None:
    import numpy as np
    from matplotlib.image import imread

    path = plot.write_heatmap(tmp_path / "small.png", small, dpi=80)
    image = imread(path)
    assert image.shape[0] > 300 and image.shape[1] > 300
    colours = np.unique((image[..., :3] * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 50  # text, greys and the colour scale, not an empty canvas
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, nothing left behind


def test_bad_input(tmp_path, small) -> None:
    with pytest.raises(InputError, match=r"\.jpg") as err:
        plot.write_heatmap(tmp_path / "map.jpg", small)
    assert err.value.hint and ".png" in err.value.hint
    with pytest.raises(InputError, match="unknown primary cancer"):
        plot.profile_figure(small, "omega")
    assert not list(tmp_path.iterdir())


# ---------------------------------------------------------------------- the commands


def test_cli_plot_heatmap(run_cli, tmp_path) -> None:
    from matplotlib.image import imread

    out = tmp_path / "figs" / "heatmap.png"
    result = run_cli("plot", "heatmap", "-o", str(out), "--dpi", "60")
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 20_000
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    height, width = imread(out).shape[:2]
    assert width > 500 and height > 500


def test_cli_plot_profile_svg(run_cli, tmp_path) -> None:
    out = tmp_path / "breast.svg"
    result = run_cli("plot", "profile", "breast", "-o", str(out))
    assert result.returncode == 0, result.stderr
    svg = out.read_text(encoding="utf-8")
    assert "breast cancer" in svg and ">liver<" in svg and ">bone<" in svg
    assert result.stdout.strip() == str(out)


def test_cli_plot_profile_pdf(run_cli, tmp_path) -> None:
    out = tmp_path / "bowel.pdf"
    result = run_cli("plot", "profile", "bowel cancer", "-o", str(out))
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5_000
    assert b"CreationDate" not in data


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["heatmap", "-o", "map.jpg"], "cannot write a figure as .jpg"),
        (["profile", "bowl", "-o", "p.png"], "unknown primary cancer 'bowl'"),
    ],
)
def test_cli_plot_bad_input_exits_2(run_cli, tmp_path, args: list[str], message: str) -> None:
    result = run_cli("plot", *args, cwd=tmp_path)
    assert result.returncode == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith("error: ") and message in first
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())
