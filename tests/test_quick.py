"""The start-up path (cancer_spread/quick.py): the same answers as the click CLI, only when every
input is plain and the index is current; everything else goes to the CLI."""

from __future__ import annotations

import marshal
import subprocess
import sys
from pathlib import Path

import pytest

from cancer_spread import quick, quickindex, resolve, snapshot

#: Runs the command as the console script does and reports, on stderr, whether click was imported
#: (that is, whether the CLI answered instead of the start-up path). The start-up path ends its
#: process with os._exit once the answer is written, so the report is also made there.
PROBE = (
    "import os, sys\n"
    "sys.argv = ['cancer-spread', *sys.argv[1:]]\n"
    "def report():\n"
    "    sys.stderr.write('\\nCLICK=%s\\n' % ('click' in sys.modules))\n"
    "    sys.stderr.write('MODULES=%s\\n' % ','.join(sorted(sys.modules)))\n"
    "    sys.stderr.flush()\n"
    "end = os._exit\n"
    "def ended(code):\n"
    "    report()\n"
    "    end(code)\n"
    "os._exit = ended\n"
    "from cancer_spread.quick import main\n"
    "try:\n"
    "    main()\n"
    "finally:\n"
    "    report()\n"
)


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """A cache folder holding the snapshot of the repository's data and its start-up index."""
    folder = tmp_path_factory.mktemp("cache")
    env = _env(folder)
    first = subprocess.run([sys.executable, "-c", PROBE, "sites", "breast"], capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    assert "CLICK=True" in first.stderr  # no index yet: the CLI answered and wrote it
    assert (folder / quickindex.INDEX).is_file()
    return folder


def _env(cache: Path, **more: str) -> dict[str, str]:
    import os

    drop = ("CANCER_SPREAD_ROOT", "CANCER_SPREAD_STORE", "CANCER_SPREAD_QUICK")
    return {**{k: v for k, v in os.environ.items() if k not in drop}, "CANCER_SPREAD_CACHE": str(cache), **more}


def _run(cache: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=_env(cache, **env), timeout=120
    )


@pytest.mark.parametrize(
    "args",
    [
        ("sites", "breast"),
        ("sites", "  Bowel   CANCER "),
        ("sites", "C50"),
        ("sites", "head and neck cancer"),
        ("primaries", "liver"),
        ("primaries", "bone"),
        ("primaries", "breast"),  # the breast as a site, as the CLI reads it
        ("sites", "liver"),  # liver cancer, as the CLI reads it
    ],
)
def test_the_start_up_path_answers_as_the_cli_does(cache, args) -> None:
    quick_run = _run(cache, *args)
    full_run = _run(cache, *args, CANCER_SPREAD_QUICK="off")
    assert quick_run.returncode == full_run.returncode == 0, quick_run.stderr + full_run.stderr
    assert "CLICK=False" in quick_run.stderr and "CLICK=True" in full_run.stderr
    assert quick_run.stdout == full_run.stdout
    assert quick_run.stdout.count("\n") > 3


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (("sites", "brest"), "unknown primary cancer 'brest'"),  # not in the index: the CLI explains
        (("sites", "armpit"), "unknown primary cancer 'armpit'"),  # a site's name: the CLI says so
        (("sites", "breast", "--format", "csv"), "site,siteLabel"),  # an option
        (("sites", "--help"), "Usage:"),
        (("sites", "breast", "extra"), "Got unexpected extra argument"),
    ],
)
def test_anything_else_goes_to_the_cli(cache, args, expect) -> None:
    run = _run(cache, *args)
    assert "CLICK=True" in run.stderr
    assert expect in run.stdout + run.stderr


def test_an_output_that_cannot_take_the_text_goes_to_the_cli(cache) -> None:
    # The answer for cancer of unknown primary holds an en dash ("25–35%"); an ASCII-only output
    # cannot take it. The CLI answers (no traceback), as it does with the start-up path off.
    args = ("sites", "cancer of unknown primary")
    run = _run(cache, *args, PYTHONIOENCODING="ascii")
    full = _run(cache, *args, PYTHONIOENCODING="ascii", CANCER_SPREAD_QUICK="off")
    assert run.returncode == full.returncode == 0, run.stderr
    assert "CLICK=True" in run.stderr and "Traceback" not in run.stderr
    assert run.stdout == full.stdout


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_failed_write_is_reported_as_the_cli_reports_it(cache) -> None:
    def run(**env: str) -> subprocess.CompletedProcess[str]:
        with open("/dev/full", "w") as full:
            return subprocess.run(
                [sys.executable, "-c", PROBE, "sites", "breast"],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                env=_env(cache, **env),
                timeout=120,
            )

    quick_run, full_run = run(), run(CANCER_SPREAD_QUICK="off")
    # A full disk is the machine's refusal, not a bug: said plainly, exit 4, no "please report it".
    assert quick_run.returncode == full_run.returncode == 4
    for stderr in (quick_run.stderr, full_run.stderr):
        assert "Traceback" not in stderr and "report" not in stderr
        assert stderr.startswith("error: the output: cannot write: No space left on device\n  hint: free some space")


def test_a_changed_source_is_never_answered_from_the_index(cache, monkeypatch) -> None:
    monkeypatch.setenv("CANCER_SPREAD_CACHE", str(cache))
    path = cache / quickindex.INDEX
    saved = path.read_bytes()
    index = marshal.loads(saved)
    assert quick._rows_text("sites", "breast") is not None
    try:
        # One source file seen with another modification time: the index is stale.
        stamp = index["stamps"][0]
        index["stamps"][0] = (stamp[0], stamp[1] + 1, stamp[2])
        path.write_bytes(marshal.dumps(index))
        assert quick._rows_text("sites", "breast") is None
        # Another package version: stale too.
        index["stamps"][0] = stamp
        index["version"] = "0.0.0"
        path.write_bytes(marshal.dumps(index))
        assert quick._rows_text("sites", "breast") is None
    finally:
        path.write_bytes(saved)
    assert quick._rows_text("sites", "breast") is not None


def test_a_damaged_index_goes_to_the_cli(cache) -> None:
    path = cache / quickindex.INDEX
    saved = path.read_bytes()
    try:
        path.write_bytes(b"not an index")
        run = _run(cache, "sites", "breast")
        assert run.returncode == 0 and "CLICK=True" in run.stderr and "bone" in run.stdout
        # The CLI wrote a fresh index.
        assert _run(cache, "sites", "breast").stderr.count("CLICK=False") == 1
    finally:
        if not path.exists():
            path.write_bytes(saved)


def test_the_index_names_only_what_resolves_to_one_entity(cache) -> None:
    index = marshal.loads((cache / quickindex.INDEX).read_bytes())
    sites, primaries = index["commands"]["sites"]["names"], index["commands"]["primaries"]["names"]
    assert sites["bowel cancer"] == sites["colorectal cancer"] == "https://w3id.org/cancer-spread/cancer/colorectal"
    assert primaries["liver"] == "https://w3id.org/cancer-spread/site/liver"
    # A site's name that names no cancer is left to the CLI, which explains; so is a cancer's
    # name for the primaries of a site.
    assert "axillary lymph nodes" not in sites and "armpit" not in sites
    assert "breast cancer" not in primaries and "bowel cancer" not in primaries


def test_normalisation_is_the_resolvers() -> None:
    for text in ("Bowel  Cancer", " ÉCOLE\tnoire ", "Straße", ""):
        assert quick._norm(text) == resolve._norm(text)


def test_another_package_folder_never_reads_this_index(cache, monkeypatch) -> None:
    # Two checkouts (or a wheel and a checkout) may share a cache folder: each has its own index,
    # and an index written for another package folder is not used.
    monkeypatch.setenv("CANCER_SPREAD_CACHE", str(cache))
    path = cache / quickindex.INDEX
    saved = path.read_bytes()
    index = marshal.loads(saved)
    assert index["package"] == str(Path(quick.__file__).resolve().parent)
    try:
        path.write_bytes(marshal.dumps({**index, "package": "/elsewhere/cancer_spread"}))
        assert quick._rows_text("sites", "breast") is None
    finally:
        path.write_bytes(saved)


def test_the_index_follows_the_snapshot(cache, monkeypatch) -> None:
    monkeypatch.setenv("CANCER_SPREAD_CACHE", str(cache))
    [snap] = [p for p in cache.glob("store-*") if p.is_dir()]
    assert quickindex.index_is_current(cache, snap)
    assert not quickindex.index_is_current(cache, cache / "store-elsewhere")
    assert snapshot.cache_dir() == cache


def test_a_reader_that_stops_early_ends_the_command_quietly(cache) -> None:
    # `cancer-spread sites breast | head -1`: the pipe closes before the answer is written. Both
    # paths end with status 0 and no traceback.
    def run(**env: str) -> tuple[int, str]:
        proc = subprocess.Popen(
            [sys.executable, "-c", PROBE, "sites", "breast"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_env(cache, **env),
        )
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        with proc.stderr:
            err = proc.stderr.read().decode()
        return proc.wait(timeout=120), err

    (quick_code, quick_err), (full_code, full_err) = run(), run(CANCER_SPREAD_QUICK="off")
    assert "CLICK=False" in quick_err and "CLICK=True" in full_err
    assert quick_code == full_code == 0
    assert "Traceback" not in quick_err + full_err


def test_the_start_up_path_loads_no_slow_module(cache) -> None:
    # What made a cold command slow to start (bench/RESULTS.md): the start-up path answers
    # without loading any of these modules, beyond what the interpreter itself loads.
    slow = {"click", "rdflib", "typing", "re", "textwrap", "shutil", "collections", "decimal", "json"}
    bare = subprocess.run(
        [sys.executable, "-c", "import sys; print(','.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        env=_env(cache),
        check=True,
    )
    before = set(bare.stdout.strip().split(","))
    for args in (("sites", "breast"), ("primaries", "liver"), ("sites", "cancer of unknown primary")):
        run = _run(cache, *args)
        assert run.returncode == 0 and "CLICK=False" in run.stderr, run.stderr
        [line] = [ln for ln in run.stderr.splitlines() if ln.startswith("MODULES=")]
        loaded = set(line.removeprefix("MODULES=").split(","))
        assert "pyoxigraph" in loaded
        assert (loaded - before) & slow == set(), args
