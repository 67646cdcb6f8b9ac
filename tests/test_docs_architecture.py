"""docs/architecture.md stays true: every path it names exists, every module of the package is
on its map, and the recipes name the places the code really uses."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
TEXT = DOC.read_text(encoding="utf-8")
#: Backticked repository paths: a folder or file under one of the project's top-level folders.
_PATH = re.compile(r"`((?:src|tests|queries|graph|ontology|docs|bench)/[^`\s]*|README\.md|pyproject\.toml)`")


def _paths() -> list[str]:
    return sorted(set(_PATH.findall(TEXT)))


def test_the_page_names_paths() -> None:
    assert len(_paths()) > 40


def test_every_named_path_exists() -> None:
    missing = []
    for p in _paths():
        if "<" in p:  # a pattern such as graph/cancers/<name>.ttl: its folder must exist
            p = p.split("<", 1)[0]
        if not (ROOT / p).exists():
            missing.append(p)
    assert not missing, f"docs/architecture.md names paths that do not exist: {missing}"


def test_every_module_is_on_the_map() -> None:
    package = ROOT / "src" / "cancer_spread"
    named = " ".join(_paths())
    for module in sorted(package.glob("*.py")):
        if module.name in ("__main__.py",):
            continue
        assert f"src/cancer_spread/{module.name}" in named, f"add {module.name} to docs/architecture.md"
    for folder in ("cli", "viewer"):
        assert f"src/cancer_spread/{folder}/" in named


def test_recipes_name_the_real_places() -> None:
    from cancer_spread.cli import COMMANDS
    from cancer_spread.export import EXPORT_FORMATS
    from cancer_spread.visualise import VIS_NETWORK_VERSION

    assert "COMMANDS" in TEXT and COMMANDS["sites"] == "answers" and COMMANDS["export"] == "data"
    assert "EXPORT_FORMATS" in TEXT and "csv" in EXPORT_FORMATS
    assert VIS_NETWORK_VERSION
    for section in ("Add a cancer", "Add a named query", "Add a QC check", "Add a command", "Add an export format"):
        assert f"### {section}" in TEXT
