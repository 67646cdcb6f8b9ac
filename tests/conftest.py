"""Shared fixtures. In CI (``CI=true``) a skipped test is a failure: nothing may silently skip."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped in CI, which is not allowed: {reason}"


def need(condition: bool, reason: str) -> None:
    """Skip when a dependency is missing, but fail in CI."""
    if not condition:
        if IN_CI:
            pytest.fail(f"missing in CI: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def rdflib_graph():
    from cancer_spread.load import load_graph

    return load_graph()


@pytest.fixture(scope="session")
def graph(rdflib_graph):
    """The merged graph as an rdflib Graph."""
    return rdflib_graph


@pytest.fixture(scope="session")
def store():
    """The same merged graph in the embedded Oxigraph store."""
    from cancer_spread.store import Store

    return Store.load()


@pytest.fixture(scope="session", params=["rdflib", "oxigraph"])
def engine_graph(request, rdflib_graph, store):
    """The merged graph on each embedded engine in turn: tests using it run on both."""
    return rdflib_graph if request.param == "rdflib" else store


@pytest.fixture(scope="session")
def ontology_only():
    """The vocabulary alone (no curated facts): the base for known-bad fixtures."""

    return [ROOT / "ontology" / "cancer-spread.ttl"]


def load_with_ontology(*files: Path):
    from cancer_spread.load import derive, load_files

    g = load_files([ROOT / "ontology" / "cancer-spread.ttl", *files])
    return derive(g)


@pytest.fixture(scope="session")
def cli_path() -> list[str]:
    """The installed console script (falls back to ``python -m cancer_spread``)."""
    exe = shutil.which("cancer-spread", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "cancer_spread"]


@pytest.fixture(scope="session")
def run_cli(cli_path):
    def run(*args: str, cwd: Path | None = None, env: dict | None = None, input: str | None = None):
        full_env = {**os.environ, **(env or {})}
        return subprocess.run(
            [*cli_path, *args],
            capture_output=True,
            text=True,
            cwd=cwd,
            env=full_env,
            input=input,
            timeout=120,
        )

    return run


@pytest.fixture(scope="session")
def listener() -> Iterator[dict[str, object]]:
    """A TCP listener on the loopback: every connection to it is counted (there must be none)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.2)
    state: dict[str, object] = {"port": sock.getsockname()[1], "connections": 0, "stop": False}

    def serve() -> None:
        while not state["stop"]:
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            state["connections"] = int(state["connections"]) + 1  # type: ignore[call-overload]
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield state
    state["stop"] = True
    thread.join(2)
    sock.close()


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless, driven by Playwright: one for the whole session, shared by
    every browser test (two Playwright drivers cannot run in one process at once)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "the playwright package is not installed")
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    need(Path(chromium).exists() or shutil.which(chromium) is not None, f"chromium is not at {chromium}")
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-default-apps",
        "--disable-extensions",
    ]
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=args, headless=True)
        yield b
        b.close()
