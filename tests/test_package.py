"""The wheel carries the data: installed into a fresh virtualenv, the CLI works from another
directory. The public API is deliberate."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

import cancer_spread

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_works_from_another_directory(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [wheel] = dist.glob("cancer_spread-*.whl")
    env_dir = tmp_path / "venv"
    # Reuse this environment's dependencies; install only our wheel, offline.
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # The dependencies come from this environment (a plain path: its .pth files, such as the
    # editable install of this checkout, are not processed).
    import sysconfig

    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", site, str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import cancer_spread, sys; sys.argv=['cancer-spread','validate']; from cancer_spread.cli import main; main()"
    )
    result = subprocess.run(
        [str(py), "-c", code],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok: ")
    where = subprocess.run(
        [str(py), "-c", "import cancer_spread.paths as p; print(p.find_paths().root)"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert "_data" in where.stdout, where.stdout + where.stderr
    # The viewer's front-end files (template, styles, script) ship in the wheel.
    page = subprocess.run(
        [
            str(py),
            "-c",
            "import sys; sys.argv = ['cancer-spread', 'visualise', '-o', 'v.html']; "
            "from cancer_spread.cli import main; main()",
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert page.returncode == 0, page.stdout + page.stderr
    text = (elsewhere / "v.html").read_text(encoding="utf-8")
    assert "new vis.Network(" in text and 'id="cs-search"' in text and "--cancer:#E69F00" in text


def test_public_api() -> None:
    assert cancer_spread.__all__ == sorted(cancer_spread.__all__, key=str.casefold)
    for name in cancer_spread.__all__:
        assert getattr(cancer_spread, name) is not None


def test_cli_import_stays_light() -> None:
    code = (
        "import sys; import cancer_spread.cli; "
        "heavy = [m for m in ('pyvis', 'networkx', 'matplotlib', 'pandas', 'pyshacl') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_version_matches_ontology() -> None:
    from rdflib import Graph
    from rdflib.namespace import OWL

    g = Graph().parse(ROOT / "ontology" / "cancer-spread.ttl")
    [onto] = g.subjects(predicate=None, object=OWL.Ontology)
    assert str(g.value(onto, OWL.versionInfo)) == cancer_spread.__version__
    assert str(g.value(onto, OWL.versionIRI)).endswith(f"/{cancer_spread.__version__}/vocab")
