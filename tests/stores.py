"""Real SPARQL stores for the tests, each started on a loopback port with a throwaway database and
stopped afterwards: the Oxigraph server (PyPI ``oxigraph``) and Virtuoso (Debian's
``virtuoso-opensource``, installed by ``scripts/ensure-virtuoso``)."""

from __future__ import annotations

import contextlib
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .conftest import need


@dataclass
class RealStore:
    """A running store: where to push (Graph Store Protocol), where to query, and how."""

    name: str
    gsp: str  # Graph Store Protocol address
    query: str  # SPARQL query endpoint
    graph_iri: str | None = None  # push into and query this named graph (None: the default graph)
    user: str | None = None
    password: str | None = None

    def push_args(self) -> list[str]:
        args = ["push", "--endpoint", self.gsp]
        if self.graph_iri:
            args += ["--graph", self.graph_iri]
        if self.user:
            args += ["--user", self.user]
        return args

    def query_args(self) -> list[str]:
        return ["--endpoint", self.query] + (["--graph", self.graph_iri] if self.graph_iri else [])

    def env(self) -> dict[str, str]:
        return {"CANCER_SPREAD_PASSWORD": self.password} if self.password else {}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen, seconds: float, log: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if proc.poll() is not None:
            detail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise AssertionError(f"the store stopped while starting: {detail}")
        assert time.monotonic() < deadline, f"the store did not answer {url} within {seconds:g} s"
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


@contextlib.contextmanager
def oxigraph(folder: Path) -> Iterator[RealStore]:
    exe = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    need(exe is not None, "the oxigraph server is not installed (pip install oxigraph)")
    assert exe is not None
    port = free_port()
    proc = subprocess.Popen(
        [exe, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url + "/query?query=ASK%7B%7D", proc, 60)
        yield RealStore("oxigraph", url + "/store", url + "/query")
    finally:
        _stop(proc)


_VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}/www
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
EnabledGzipContent = 0
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 120
"""


@contextlib.contextmanager
def virtuoso(folder: Path) -> Iterator[RealStore]:
    """Virtuoso with a new database in ``folder``; its DBA password is changed to a random one,
    which the tests hand to the CLI through the environment only."""
    exe, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    need(
        exe is not None and isql is not None,
        "Virtuoso is not installed (scripts/ensure-virtuoso installs Debian's virtuoso-opensource)",
    )
    assert exe is not None and isql is not None
    sql_port, http_port = free_port(), free_port()
    (folder / "www").mkdir(parents=True, exist_ok=True)
    ini = folder / "virtuoso.ini"
    ini.write_text(_VIRTUOSO_INI.format(d=folder, sql_port=sql_port, http_port=http_port), encoding="utf-8")
    log = folder / "console.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [exe, "+foreground", "+configfile", str(ini)], cwd=folder, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{http_port}"
    try:
        _wait(url + "/sparql?query=ASK%7B%7D", proc, 180, log)
        password = "t" + secrets.token_hex(10)
        done = subprocess.run(
            [isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec=set password dba {password};"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0 and "Error" not in done.stdout + done.stderr, done.stdout + done.stderr
        yield RealStore(
            "virtuoso",
            url + "/sparql-graph-crud-auth",
            url + "/sparql",
            graph_iri="https://example.org/graphs/cancer-spread",
            user="dba",
            password=password,
        )
    finally:
        _stop(proc)
