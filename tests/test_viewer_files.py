"""The viewer's front end lives in files: the page template, styles, scripts and the vendored,
pinned vis-network with its licence, all inlined into the one offline page."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

from cancer_spread.visualise import VIS_NETWORK_VERSION, render_html, synthetic_network

VIEWER = Path(__file__).resolve().parents[1] / "src" / "cancer_spread" / "viewer"
VENDOR = VIEWER / "vendor"


def _checksums() -> dict[str, str]:
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\| `([^`]+)` \|[^|]*\| `([0-9a-f]{64})` \|$", readme, re.M))


def test_vis_network_is_the_pinned_release() -> None:
    js = (VENDOR / "vis-network.min.js").read_text(encoding="utf-8")
    assert re.search(r"@version\s+(\S+)", js[:1000]).group(1) == VIS_NETWORK_VERSION  # type: ignore[union-attr]
    assert f"**{VIS_NETWORK_VERSION}**" in (VENDOR / "README.md").read_text(encoding="utf-8")
    sums = _checksums()
    assert set(sums) == {"vis-network.min.js", "vis-network.css"}
    for name, digest in sums.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, f"{name} differs from README"


def test_vis_network_licence_ships_with_it() -> None:
    licence = (VENDOR / "LICENSE").read_text(encoding="utf-8")
    assert f"vis-network {VIS_NETWORK_VERSION}" in licence
    assert "MIT License" in licence and "Permission is hereby granted" in licence
    assert "Almende B.V" in licence


def test_page_inlines_every_front_end_file() -> None:
    page = render_html(synthetic_network(30, seed=2))
    for name in ("vendor/vis-network.min.js", "vendor/vis-network.css", "lib.js", "viewer.js", "viewer.css"):
        assert (VIEWER / name).read_text(encoding="utf-8").strip() in page, name
    assert not re.findall(r"@@[A-Z_]+@@", page)  # every placeholder of page.html was filled


def test_page_needs_no_pyvis() -> None:
    code = (
        "import sys; sys.modules['pyvis'] = None  # any import of pyvis now fails\n"
        "from cancer_spread.visualise import render_html\n"
        "page = render_html(focus='breast')\n"
        "assert 'new vis.Network(' in page\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
