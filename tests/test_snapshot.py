"""The store snapshot of the cold path: reused while the sources' content is the same, never
used once it changed, written atomically, and never in the way when the cache cannot be written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cancer_spread import snapshot

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    (root / "ontology").mkdir(parents=True)
    shutil.copy(ROOT / "ontology" / "cancer-spread.ttl", root / "ontology")
    shutil.copy(ROOT / "ontology" / "shapes.ttl", root / "ontology")
    shutil.copytree(ROOT / "queries", root / "queries")
    shutil.copytree(MINI / "graph", root / "graph")
    return root


def _snaps(cache: Path) -> list[Path]:
    return sorted(p for p in cache.glob("store-*") if p.is_dir())


def test_second_process_opens_the_snapshot(run_cli, tree, tmp_path) -> None:
    cache = tmp_path / "cache"
    env = {"CANCER_SPREAD_CACHE": str(cache), "CANCER_SPREAD_ROOT": str(tree)}
    first = run_cli("sites", "alpha", "--format", "tsv", env=env)
    assert first.returncode == 0, first.stderr
    [snap] = _snaps(cache)
    assert (snap / "names-index.json").is_file() and (snap / "cancer-spread-snapshot").is_file()
    second = run_cli("sites", "alpha", "--format", "tsv", env=env)
    assert second.stdout == first.stdout and _snaps(cache) == [snap]
    off = run_cli("sites", "alpha", "--format", "tsv", env={**env, "CANCER_SPREAD_CACHE": "off"})
    assert off.stdout == first.stdout
    assert not list(cache.glob(".store-*"))  # no temporary folder left behind


def test_changed_content_is_never_answered_from_an_old_snapshot(run_cli, tree, tmp_path) -> None:
    cache = tmp_path / "cache"
    env = {"CANCER_SPREAD_CACHE": str(cache), "CANCER_SPREAD_ROOT": str(tree)}
    before = run_cli("define", "zeta term", "--format", "tsv", env=env)
    [old] = _snaps(cache)
    ttl = next(tree.glob("graph/**/*.ttl"))
    ttl.write_text(
        ttl.read_text(encoding="utf-8")
        + "\n<https://w3id.org/cancer-spread/term/zeta> a <https://w3id.org/cancer-spread/vocab/GlossaryTerm> ;\n"
        '  <http://www.w3.org/2004/02/skos/core#prefLabel> "zeta term"@en ;\n'
        '  <http://www.w3.org/2004/02/skos/core#definition> "A made-up term."@en .\n',
        encoding="utf-8",
    )
    after = run_cli("define", "zeta term", "--format", "tsv", env=env)
    assert before.returncode == 2 and "zeta term" in before.stderr  # unknown before the edit
    assert after.returncode == 0, after.stderr
    assert "A made-up term." in after.stdout
    assert len(_snaps(cache)) == 2 and old in _snaps(cache)


def test_key_follows_content_not_timestamps(tree) -> None:
    files = sorted((tree / "graph").rglob("*.ttl"))
    key = snapshot.content_key(files)
    for f in files:
        f.touch()
    assert snapshot.content_key(files) == key
    assert snapshot.content_key(files, version="0.0.0") != key


def test_unwritable_cache_answers_from_memory(run_cli, tree, tmp_path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    env = {"CANCER_SPREAD_CACHE": str(blocker / "cache"), "CANCER_SPREAD_ROOT": str(tree)}
    out = run_cli("sites", "alpha", "--format", "tsv", env=env)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""


def test_old_snapshots_are_pruned(tmp_path, monkeypatch, tree) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("CANCER_SPREAD_CACHE", str(cache))
    for i in range(snapshot.KEEP + 2):
        (cache / f"store-{i:040d}").mkdir(parents=True)
        (cache / f"store-{i:040d}" / "cancer-spread-snapshot").write_text("x", encoding="utf-8")
    snapshot._OPENED.clear()
    store = snapshot.load_store(tree)
    assert len(store) > 0
    assert len(_snaps(cache)) == snapshot.KEEP
    assert snapshot.cache_dir() == cache
    monkeypatch.setenv("CANCER_SPREAD_CACHE", "off")
    assert snapshot.cache_dir() is None
