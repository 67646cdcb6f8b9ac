"""End to end: the installed CLI in a subprocess, on a small fixture tree with golden outputs
(worked out by hand) and on the real graph; exit codes; docs that cannot drift."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
import pytest

from cancer_spread.cli import main

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="module")
def mini_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("mini")
    (root / "ontology").mkdir()
    shutil.copy(ROOT / "ontology" / "cancer-spread.ttl", root / "ontology")
    shutil.copy(ROOT / "ontology" / "shapes.ttl", root / "ontology")
    shutil.copytree(ROOT / "queries", root / "queries")
    shutil.copytree(MINI / "graph", root / "graph")
    return root


GOLDEN_CASES = {
    # Ranked by the best comparable figure (bone 60 > liver 40), then sources.
    "sites-alpha": ["sites", "alpha", "--format", "csv"],
    # bone includes its part, the spine (beta); alpha has 2 sources, beta 1.
    "primaries-bone": ["primaries", "bone", "--format", "csv"],
    "sites-alpha-source-s1": ["sites", "first cancer", "--source", "charity", "--format", "csv"],
    "evidence-alpha-liver": ["evidence", "alpha", "C78.7", "--format", "csv"],
    "classify-alpha-armpit": ["classify", "alpha", "armpit nodes", "--format", "csv"],
    # Score = 100 x mean weight over the sites given (very common 1, reported 0.3): alpha reaches
    # both at 40% and 60% (very common, 100); beta both, named without figures (bone through the
    # spine): 30.
    "likely-liver-bone": ["likely-primaries", "liver", "bone", "--format", "csv"],
    # A site a cancer does not reach counts 0: alpha (1 + 0.3) / 2 = 65, beta 0.3 / 2 = 15.
    "likely-liver-armpit": ["likely-primaries", "liver", "armpit nodes", "--format", "csv"],
    "xrefs-liver": ["xrefs", "liver", "--format", "tsv"],
    "shared-alpha-beta": ["query", "shared-sites", "-p", "cancer=alpha", "-p", "other=beta", "--format", "csv"],
}


@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_golden_output_on_fixture_graph(run_cli, mini_root: Path, name: str, store: str) -> None:
    result = run_cli("--root", str(mini_root), *GOLDEN_CASES[name], "--store", store)
    assert result.returncode == 0, result.stderr
    expected = (GOLDEN / f"{name}.txt").read_text(encoding="utf-8")
    assert result.stdout == expected


def test_hand_computed_ranking(run_cli, mini_root: Path) -> None:
    out = run_cli("--root", str(mini_root), "sites", "alpha", "--format", "json")
    data = json.loads(out.stdout)
    sites = [b["siteLabel"]["value"] for b in data["results"]["bindings"]]
    assert sites == ["bone", "liver", "axillary lymph nodes"]
    assert data["results"]["bindings"][0]["bestFigure"]["value"] in ("60.0", "60")


def test_classify_outside_regional_groups_is_distant(run_cli, mini_root: Path) -> None:
    out = run_cli("--root", str(mini_root), "classify", "alpha", "inguinal lymph nodes", "--format", "json")
    [row] = json.loads(out.stdout)["results"]["bindings"]
    assert row["classification"]["value"] == "distant"
    out = run_cli("--root", str(mini_root), "classify", "beta", "inguinal lymph nodes", "--format", "json")
    [row] = json.loads(out.stdout)["results"]["bindings"]
    assert row["classification"]["value"] == "not recorded"
    out = run_cli("--root", str(mini_root), "classify", "alpha", "organ", "--format", "json")
    assert json.loads(out.stdout)["results"]["bindings"][0]["classification"]["value"] == "local"


@pytest.mark.parametrize(
    "args",
    [
        ["sites", "breast"],
        ["primaries", "liver", "--source", "NCI"],
        ["evidence", "bowel cancer", "liver"],
        ["define", "locally advanced"],
        ["xrefs", "liver"],
        ["classify", "breast", "supraclavicular lymph nodes"],
        ["likely-primaries", "liver", "bone"],
        ["query", "cancers-by-route", "-p", "route=bloodstream"],
        ["query", "likely-primaries", "-p", "site=liver", "-p", "site=lung"],
        ["queries"],
        ["queries", "metastatic-sites"],
        ["sparql", "SELECT ?c WHERE { ?c a cs:PrimaryCancer } ORDER BY ?c"],
        ["stats"],
    ],
)
def test_commands_answer_on_real_graph(run_cli, args) -> None:
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_row_formats(run_cli, fmt: str) -> None:
    result = run_cli("sites", "breast", "--format", fmt)
    assert result.returncode == 0
    if fmt == "json":
        data = json.loads(result.stdout)
        assert data["head"]["vars"][0] == "site"
        assert data["results"]["bindings"][0]["site"]["type"] == "uri"
    elif fmt == "csv":
        assert result.stdout.startswith("site,siteLabel,")
    elif fmt == "tsv":
        assert result.stdout.startswith("?site\t?siteLabel")
        assert "<https://w3id.org/cancer-spread/site/" in result.stdout
    else:
        assert "siteLabel" in result.stdout.splitlines()[0]


def test_stats_json_keys(run_cli) -> None:
    result = run_cli("stats", "--format", "json")
    data = json.loads(result.stdout)
    for key in (
        "primary_cancers",
        "sites",
        "spread_patterns",
        "evidence",
        "sources",
        "glossary_terms",
        "unverified_codes",
    ):
        assert isinstance(data[key], int), key


def test_sparql_from_file_and_construct(run_cli, tmp_path: Path) -> None:
    q = tmp_path / "q.rq"
    q.write_text("CONSTRUCT { ?c cs:spreadsTo site:liver } WHERE { ?c cs:spreadsTo site:liver }", encoding="utf-8")
    result = run_cli("sparql", "--file", str(q), "--format", "nt")
    assert result.returncode == 0, result.stderr
    assert "<https://w3id.org/cancer-spread/cancer/colorectal>" in result.stdout
    ask = run_cli("sparql", "ASK { cancer:breast cs:spreadsTo site:bone }")
    assert ask.stdout.strip() == "true"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sites", "brest"], "unknown primary cancer 'brest'"),
        (["query", "nope"], "unknown query 'nope'"),
        (["query", "metastatic-sites"], "missing parameter cancer"),
        (["query", "metastatic-sites", "-p", "cancer"], "expected KEY=VALUE"),
        (["sparql", "SELECT ?x WHERE { ?x"], "query:1:"),
        (["sparql", "INSERT DATA { <a:b> <a:c> <a:d> }"], "read-only"),
        (["sparql", "--file", "/nonexistent/q.rq"], "cannot read"),
        (["export", "--format", "docx"], "Invalid value for '--format'"),
        (["sites", "breast", "--format", "xml"], "Invalid value for '--format'"),
    ],
)
def test_bad_input_exits_2_with_one_clear_message(run_cli, args, message: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_no_rows_still_exit_0(run_cli) -> None:
    result = run_cli("sites", "breast", "--source", "no such source at all", "--format", "csv")
    assert result.returncode == 0
    assert result.stdout.splitlines() == ["site,siteLabel,bestFigure,nSources,nEvidence,kinds,sources"]


def test_timeout_option(run_cli) -> None:
    result = run_cli("sparql", "--timeout", "0.5", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert result.returncode == 2
    assert "time limit" in result.stderr


# ------------------------------------------------------------------ docs cannot drift


def _commands() -> list[str]:
    return sorted(main.commands)


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help_and_is_in_the_readme(name: str) -> None:
    cmd = main.commands[name]
    assert cmd.help and cmd.help.strip(), f"{name} has no help text"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"cancer-spread {name}" in readme, f"README.md does not document `cancer-spread {name}`"


def test_help_runs_for_every_command(run_cli) -> None:
    for name in _commands():
        result = run_cli(name, "--help")
        assert result.returncode == 0, name
        assert "Usage:" in result.stdout


def test_contract_command_names() -> None:
    required = {
        "sites",
        "primaries",
        "evidence",
        "define",
        "xrefs",
        "classify",
        "likely-primaries",
        "query",
        "queries",
        "sparql",
        "export",
        "validate",
        "fmt",
        "stats",
        "visualise",
        "analyse",
        "plot",
        "ingest",
        "serve",
        "push",
    }
    assert required <= set(main.commands)
    assert isinstance(main, click.Group)


# ------------------------------------------------------------------ viewer and build entries


def test_visualise_writes_one_file_and_prints_its_path(run_cli, tmp_path: Path) -> None:
    result = run_cli("visualise", "-o", "out/spread.html", "--focus", "bowel cancer", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path == (tmp_path / "out" / "spread.html").resolve()
    assert "Where colorectal cancer spreads" in path.read_text(encoding="utf-8")
    # Nothing else is written into the working directory (no lib/ folder, no temp files).
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == ["out", "out/spread.html"]


def test_visualise_py_is_an_entry_to_the_viewer(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "v.html"
    result = subprocess.run(
        [sys.executable, str(ROOT / "visualise.py"), "-o", str(out), "--select", "none"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (
        "Usage: visualise.py"
        in subprocess.run([sys.executable, str(ROOT / "visualise.py"), "--help"], capture_output=True, text=True).stdout
    )


def test_visualise_unknown_focus_is_bad_input(run_cli, tmp_path: Path) -> None:
    result = run_cli("visualise", "-o", str(tmp_path / "x.html"), "--focus", "nowhere at all")
    assert result.returncode == 2
    assert "focus" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.html").exists()


def test_build_writes_release_files(run_cli, tmp_path: Path) -> None:
    result = run_cli("build", "-o", str(tmp_path / "b"))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "b").iterdir())
    assert names == ["cancer-spread.ttl", "context.jsonld", "void.ttl"]


def test_readme_figures_match_stats(graph) -> None:
    import re

    from cancer_spread.stats import compute_stats

    s = compute_stats(graph)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    def row(label: str) -> str:
        m = re.search(rf"^\| {re.escape(label)} \| (.+?) \|$", readme, re.M)
        assert m, f"README.md lost its '{label}' row"
        return m.group(1)

    assert row("primary cancers (with subtypes)") == str(s["primary_cancers"])
    assert row("sites (of which lymph node groups)") == f"{s['sites']} ({s['lymph_node_groups']})"
    assert row("spread patterns") == str(s["spread_patterns"])
    assert row("evidence items (with a figure)") == f"{s['evidence']} ({s['quantitative_evidence']})"
    assert row("sources") == str(s["sources"])
    assert row("glossary terms") == str(s["glossary_terms"])
    assert row("lymph node rules / route claims") == f"{s['node_rules']} / {s['route_claims']}"
    assert row("verified / unverified codes") == f"{s['verified_codes']} / {s['unverified_codes']}"


# ------------------------------------------------------------------ engines and the fast path


def test_cold_query_imports_nothing_heavy() -> None:
    """`cancer-spread sites breast` answers without importing rdflib, pyvis, networkx,
    matplotlib or pandas (the Oxigraph engine needs none of them)."""
    import subprocess
    import sys

    code = (
        "import sys, io, contextlib\n"
        "sys.argv = ['cancer-spread', 'sites', 'breast']\n"
        "from cancer_spread.cli import main\n"
        "out = io.StringIO()\n"
        "try:\n"
        "    with contextlib.redirect_stdout(out):\n"
        "        main()\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "assert 'bone' in out.getvalue()\n"
        "heavy = ('rdflib', 'pyvis', 'networkx', 'matplotlib', 'pandas', 'pyshacl', 'pyparsing')\n"
        "print(','.join(sorted({m.split('.')[0] for m in sys.modules} & set(heavy))))\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "CANCER_SPREAD_STORE"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize(
    "args", [["sites", "breast"], ["classify", "breast", "armpit lymph nodes"], ["likely-primaries", "liver", "bone"]]
)
def test_cli_output_identical_on_both_stores(run_cli, args) -> None:
    a = run_cli(*args, "--store", "oxigraph", "--format", "tsv")
    b = run_cli(*args, "--store", "rdflib", "--format", "tsv")
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout


def test_store_path_is_reused_until_a_source_changes(run_cli, tmp_path: Path) -> None:
    folder = tmp_path / "store"
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix cs: <https://w3id.org/cancer-spread/vocab/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://w3id.org/cancer-spread/cancer/breast> skos:altLabel "first extra name"@en .\n',
        encoding="utf-8",
    )
    first = run_cli("define", "first extra name", "--store-path", str(folder), "--with", str(extra), "--format", "csv")
    assert first.returncode == 0, first.stderr
    stamp = folder / "cancer-spread-store.json"
    assert stamp.exists()
    before = stamp.stat().st_mtime_ns
    again = run_cli("sites", "breast", "--store-path", str(folder), "--with", str(extra), "--format", "csv")
    assert again.returncode == 0 and stamp.stat().st_mtime_ns == before  # reused, not rebuilt
    extra.write_text(extra.read_text(encoding="utf-8").replace("first extra", "second extra"), encoding="utf-8")
    changed = run_cli(
        "define", "second extra name", "--store-path", str(folder), "--with", str(extra), "--format", "csv"
    )
    assert changed.returncode == 0, changed.stderr
    assert "breast cancer" in changed.stdout
    gone = run_cli("define", "first extra name", "--store-path", str(folder), "--with", str(extra))
    assert gone.returncode == 2


def test_store_path_rebuilds_after_a_damaged_stamp(run_cli, tmp_path: Path) -> None:
    folder = tmp_path / "store"
    assert run_cli("sites", "breast", "--store-path", str(folder)).returncode == 0
    (folder / "cancer-spread-store.json").write_text("{half-written", encoding="utf-8")
    again = run_cli("sites", "breast", "--store-path", str(folder), "--format", "csv")
    assert again.returncode == 0, again.stderr
    assert "bone" in again.stdout
    assert (folder / "cancer-spread-store.json").read_text(encoding="utf-8").startswith("{")


def test_store_path_refuses_rdflib(run_cli, tmp_path: Path) -> None:
    result = run_cli("sites", "breast", "--store", "rdflib", "--store-path", str(tmp_path / "s"))
    assert result.returncode == 2 and "oxigraph" in result.stderr
