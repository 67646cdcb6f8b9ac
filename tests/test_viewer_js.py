"""The viewer's JavaScript: every file parses (``node --check``) and the pure logic passes its
unit tests (``node --test tests/js/``, Node's built-in runner: nothing to install)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import need

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted((ROOT / "src" / "cancer_spread" / "viewer").glob("*.js"))


def _node() -> str:
    exe = shutil.which("node")
    need(exe is not None, "Node.js is not installed (Debian: apt-get install nodejs)")
    assert exe is not None
    return exe


def test_there_are_scripts() -> None:
    assert {p.name for p in SCRIPTS} >= {"lib.js", "viewer.js"}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_parses(script: Path) -> None:
    out = subprocess.run([_node(), "--check", str(script)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_node_unit_tests_pass() -> None:
    out = subprocess.run([_node(), "--test", str(ROOT / "tests" / "js")], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "# fail 0" in out.stdout and "# pass 0" not in out.stdout
