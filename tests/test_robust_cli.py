"""The robust command line, tried as an attacker and a careless user would: every case runs the
real ``cancer-spread`` in a subprocess and checks that bad input gives exit 2, one short message
on stderr and no traceback, that no file is changed or left behind, and that nothing connects
to a local listener (which stands in for any outside address). Both engines accept and refuse
the same inputs."""

from __future__ import annotations

import hashlib
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGINES = ("oxigraph", "rdflib")
MAX_STDERR_LINES = 4

PRE = (
    "@prefix cs: <https://w3id.org/cancer-spread/vocab/> .\n"
    "@prefix cancer: <https://w3id.org/cancer-spread/cancer/> .\n"
    "@prefix evidence: <https://w3id.org/cancer-spread/evidence/> .\n"
    "@prefix source: <https://w3id.org/cancer-spread/source/> .\n"
    "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
)
LINE = PRE.count("\n") + 1  # the line of the first statement after the prefixes

# (name, Turtle body after the prefixes, what the message must say)
BAD_TURTLE = [
    ("ill-typed-figure", 'evidence:breast--bone--gong-2018 cs:value "abc"^^xsd:decimal .', "xsd:decimal"),
    ("ill-typed-count", 'evidence:breast--bone--gong-2018 cs:count "many"^^xsd:integer .', "xsd:integer"),
    ("ill-typed-date", 'source:gong-2018 dcterms:issued "2018-02-30"^^xsd:date .', "xsd:date"),
    ("figure-as-string", 'evidence:breast--bone--gong-2018 cs:value "1e999999"^^xsd:string .', "takes an xsd:decimal"),
    ("count-as-decimal", "evidence:breast--bone--gong-2018 cs:count 12.5 .", "takes an xsd:integer"),
    ("figure-as-iri", "evidence:breast--bone--gong-2018 cs:value cancer:breast .", "takes a literal"),
    ("huge-double", 'evidence:breast--bone--gong-2018 cs:value "1e999999"^^xsd:double .', "not a finite number"),
    ("nan", 'evidence:breast--bone--gong-2018 cs:value "NaN"^^xsd:double .', "not a finite number"),
    ("iri-with-space", '<https://example.org/a b> skos:prefLabel "x"@en .', "IRI"),
    ("iri-escaped-gt", '<https://example.org/a\\u003E> skos:prefLabel "x"@en .', "IRI"),
    ("lone-surrogate", 'cancer:breast skos:altLabel "\\uD800"@en .', "unicode"),
    ("deep-list", "cancer:breast cs:x " + "(" * 2000 + ")" * 2000 + " .", "nested"),
    ("huge-literal", 'cancer:breast skos:definition "' + "x" * 1_100_000 + '"@en .', "more than the limit"),
]


# ---------------------------------------------------------------------- helpers


def _cli() -> list[str]:
    exe = Path(sys.executable).parent / "cancer-spread"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "cancer_spread"]


def run(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k not in ("CANCER_SPREAD_STORE", "CANCER_SPREAD_DEBUG")}
    full_env.update(env or {})
    return subprocess.run(
        [*_cli(), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every entry under ``folder``: content hash (or kind) and mode."""
    out = {}
    for path in sorted(folder.rglob("*")):
        st = path.lstat()
        if stat.S_ISREG(st.st_mode):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        elif stat.S_ISLNK(st.st_mode):
            digest = "link:" + os.readlink(path)
        else:
            digest = "special"
        out[str(path.relative_to(folder))] = (digest, stat.S_IMODE(st.st_mode))
    return out


def assert_clean_refusal(result: subprocess.CompletedProcess, *, says: str | None = None) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert lines and lines[0].startswith("error: "), result.stderr[-2000:]
    assert len(lines) <= MAX_STDERR_LINES, result.stderr[-2000:]
    if says:
        assert says in result.stderr, result.stderr
    assert "\x1b" not in result.stderr


def refused(
    *args: str, cwd: Path, listener: dict[str, object], says: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run a command that must be refused: exit 2, a short clean message, nothing changed or left
    behind in ``cwd``, no connection to the listener."""
    before = snapshot(cwd)
    seen = listener["connections"]
    result = run(*args, cwd=cwd, env=env)
    assert_clean_refusal(result, says=says)
    assert snapshot(cwd) == before
    assert listener["connections"] == seen, "a connection reached the local listener"
    return result


def write_ttl(folder: Path, name: str, body: str) -> Path:
    path = folder / f"{name}.ttl"
    path.write_text(PRE + body + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------- 1. the input gate


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("name", "body", "message"), BAD_TURTLE, ids=[c[0] for c in BAD_TURTLE])
def test_gate_refuses_bad_turtle_on_both_engines(
    tmp_path: Path, listener: dict[str, object], engine: str, name: str, body: str, message: str
) -> None:
    path = write_ttl(tmp_path, name, body)
    result = refused("sites", "breast", "--store", engine, "--with", path.name, cwd=tmp_path, listener=listener)
    assert f"{path.name}:{LINE}:" in result.stderr
    assert message in result.stderr
    assert "hint:" in result.stderr


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("kind", ["bom", "latin1", "jsonld", "fifo", "directory", "device", "missing"])
def test_gate_refuses_odd_files_on_both_engines(
    tmp_path: Path, listener: dict[str, object], engine: str, kind: str
) -> None:
    name = {"jsonld": "x.jsonld", "device": "/dev/zero"}.get(kind, "x.ttl")
    path = tmp_path / name
    if kind == "bom":
        path.write_bytes(b"\xef\xbb\xbf" + PRE.encode() + b'cancer:breast skos:altLabel "x"@en .\n')
    elif kind == "latin1":
        path.write_bytes(PRE.encode() + 'cancer:breast skos:altLabel "caf\xe9"@en .\n'.encode("latin-1"))
    elif kind == "jsonld":
        path.write_text("{}", encoding="utf-8")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    says = {"bom": "byte-order mark", "latin1": "not UTF-8", "fifo": "FIFO", "device": "device"}.get(kind)
    refused("sites", "breast", "--store", engine, "--with", name, cwd=tmp_path, listener=listener, says=says)
    if engine == "oxigraph" and kind in ("fifo", "device", "directory", "missing"):
        # also with an on-disk store, whose stamp hashes the sources first
        (tmp_path / "st").mkdir()
        refused("sites", "breast", "--store-path", "st", "--with", name, cwd=tmp_path, listener=listener, says=says)


@pytest.mark.parametrize(
    "args",
    [
        ["evidence", "breast", "bone"],
        ["visualise", "-o", "out.html"],
        ["export", "--format", "csv"],
        ["export", "--format", "graphml"],
        ["analyse"],
        ["plot", "heatmap", "-o", "h.png"],
        ["validate"],
        ["stats"],
        ["build", "-o", "rel"],
        ["sparql", "ASK { ?s ?p ?o }"],
    ],
    ids=lambda a: a[0] + ("-" + a[2] if a[0] == "export" else ""),
)
@pytest.mark.parametrize("case", ["ill-typed-figure", "huge-double"])
def test_every_command_goes_through_the_gate(
    tmp_path: Path, listener: dict[str, object], args: list[str], case: str
) -> None:
    body = {c[0]: c[1] for c in BAD_TURTLE}[case]
    path = write_ttl(tmp_path, case, body)
    refused(*args, "--with", path.name, cwd=tmp_path, listener=listener, says=f"{path.name}:{LINE}:")


def test_good_extra_file_still_answers_on_both_engines(tmp_path: Path) -> None:
    path = write_ttl(tmp_path, "good", 'cancer:breast skos:altLabel "mammary test name"@en .')
    outs = [
        run("sites", "mammary test name", "--store", e, "--with", path.name, "--format", "tsv", cwd=tmp_path)
        for e in ENGINES
    ]
    assert [o.returncode for o in outs] == [0, 0], [o.stderr for o in outs]
    assert outs[0].stdout == outs[1].stdout
    assert "bone" in outs[0].stdout


def test_rdflib_literal_warnings_print_no_traceback(tmp_path: Path) -> None:
    # hexBinary is not checked by the gate; rdflib cannot convert "zz" and used to log a traceback.
    path = write_ttl(tmp_path, "hex", 'cancer:breast cs:blob "zz"^^xsd:hexBinary .')
    for engine in ENGINES:
        result = run("sites", "breast", "--store", engine, "--with", path.name, "--format", "csv", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr and "Failed to convert" not in result.stderr


# ---------------------------------------------------------------------- 2. outputs


def test_output_equal_to_an_input_is_refused(tmp_path: Path, listener: dict[str, object]) -> None:
    table = ROOT / "tests" / "fixtures" / "cohort" / "table.csv"
    (tmp_path / "t.csv").write_bytes(table.read_bytes())
    good = write_ttl(tmp_path, "x", 'cancer:breast skos:altLabel "mammary test name"@en .')
    refused(
        "ingest", "table", "t.csv", "--patient", "id", "--cancer", "tumour", "--site", "site",
        "--short-name", "T", "--publisher", "P", "--url", "https://example.org/d",
        "-o", "t.csv", cwd=tmp_path, listener=listener, says="inputs",
    )  # fmt: skip
    refused("visualise", "--with", good.name, "-o", good.name, cwd=tmp_path, listener=listener, says="inputs")
    refused("export", "--format", "ttl", "--with", good.name, "-o", good.name, cwd=tmp_path, listener=listener)
    (tmp_path / "hard.ttl").hardlink_to(good)
    refused("export", "--format", "ttl", "--with", good.name, "-o", "hard.ttl", cwd=tmp_path, listener=listener)
    curated = ROOT / "graph" / "cancers" / "breast.ttl"
    refused("export", "--format", "ttl", "-o", str(curated), cwd=tmp_path, listener=listener, says="inputs")


def test_output_fifo_and_directory_are_refused_without_hanging(tmp_path: Path, listener: dict[str, object]) -> None:
    os.mkfifo(tmp_path / "out.ttl")
    (tmp_path / "dir.ttl").mkdir()
    refused("export", "--format", "ttl", "-o", "out.ttl", cwd=tmp_path, listener=listener, says="FIFO")
    refused("export", "--format", "ttl", "-o", "dir.ttl", cwd=tmp_path, listener=listener)
    refused("visualise", "-o", "/dev/null", cwd=tmp_path, listener=listener, says="device")


def test_output_symlink_is_written_through_and_mode_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "real.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o600)
    (tmp_path / "link.csv").symlink_to("real.csv")
    result = run("export", "--format", "csv", "-o", "link.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "link.csv").is_symlink()
    assert target.read_text(encoding="utf-8").startswith("cancer,")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "real.csv"]


def test_temporary_file_left_by_a_killed_process_is_swept(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".x.csv.{int(dead.stdout)}.0badc0de.tmp"
    stale.write_text("half", encoding="utf-8")
    result = run("export", "--format", "csv", "-o", "x.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.csv"]


def test_unwritable_output_is_a_clean_error(tmp_path: Path, listener: dict[str, object]) -> None:
    # /proc takes no new files, whoever runs the test (also root).
    refused("export", "--format", "csv", "-o", "/proc/cancer-spread-test.csv", cwd=tmp_path, listener=listener)
    refused("visualise", "-o", "/proc/version", cwd=tmp_path, listener=listener)


def _kill_when_temp_appears(proc: subprocess.Popen, folder: Path, sig: int) -> bool:
    """Send ``sig`` once a temporary file shows up in ``folder`` (or when the process ends)."""
    deadline = time.monotonic() + 300  # a guard, not a timing: a loaded machine builds slowly
    while proc.poll() is None and time.monotonic() < deadline:
        if folder.exists() and any(p.name.endswith(".tmp") for p in folder.iterdir()):
            proc.send_signal(sig)
            return True
        time.sleep(0.002)
    return False


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_build_leaves_all_old_files_and_no_temporary_file(tmp_path: Path, sig: int) -> None:
    rel = tmp_path / "rel"
    rel.mkdir()
    for name in ("cancer-spread.ttl", "void.ttl", "context.jsonld"):
        (rel / name).write_text(f"old {name}\n", encoding="utf-8")
    proc = subprocess.Popen(
        [*_cli(), "build", "-o", "rel"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    _kill_when_temp_appears(proc, rel, sig)
    _, err = proc.communicate(timeout=120)
    assert "Traceback" not in err
    names = sorted(p.name for p in rel.iterdir())
    assert names == ["cancer-spread.ttl", "context.jsonld", "void.ttl"], names
    contents = [(rel / n).read_text(encoding="utf-8").startswith("old ") for n in names]
    assert all(contents) or not any(contents), "a mix of old and new release files"


def test_interrupted_export_leaves_no_temporary_file(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [*_cli(), "export", "--format", "jsonld", "-o", "out/g.jsonld"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _kill_when_temp_appears(proc, tmp_path / "out", signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert "Traceback" not in err
    left = [p.name for p in (tmp_path / "out").iterdir()] if (tmp_path / "out").exists() else []
    assert all(not n.endswith(".tmp") for n in left), left


# ---------------------------------------------------------------------- 3. no outbound traffic


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
        "SELECT * FROM <http://127.0.0.1:{port}/g.ttl> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://127.0.0.1:{port}/g.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "CONSTRUCT { ?s ?p ?o } FROM <http://127.0.0.1:{port}/g.ttl> WHERE { ?s ?p ?o }",
    ],
    ids=["service", "service-silent", "escaped-service", "from", "from-named", "construct-from"],
)
def test_sparql_sends_nothing_out(tmp_path: Path, listener: dict[str, object], engine: str, query: str) -> None:
    text = query.replace("{port}", str(listener["port"]))
    refused("sparql", text, "--store", engine, cwd=tmp_path, listener=listener, says="refused")


def test_remote_service_needs_the_explicit_option(tmp_path: Path, listener: dict[str, object]) -> None:
    text = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener['port']}/sparql> {{ ?s ?p ?o }} }}"
    seen = int(listener["connections"])  # type: ignore[call-overload]
    result = run("sparql", text, "--allow-remote", "--timeout", "20", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert listener["connections"] == seen + 1  # asked for, so it went out (and failed cleanly)
    assert result.returncode == 2, result.stderr


def test_iri_with_escaped_gt_never_reaches_an_endpoint(tmp_path: Path, listener: dict[str, object]) -> None:
    evil = write_ttl(
        tmp_path,
        "evil",
        "<https://w3id.org/cancer-spread/cancer/x\\u003E } ; DROP ALL ; SELECT * { <urn:a> a cs:PrimaryCancer ;"
        ' skos:prefLabel "evil cancer"@en .',
    )
    endpoint = f"http://127.0.0.1:{listener['port']}/query"
    refused(
        "sites", "evil cancer", "--store", "rdflib", "--with", evil.name, "--endpoint", endpoint,
        cwd=tmp_path, listener=listener, says="IRI",
    )  # fmt: skip


# ---------------------------------------------------------------------- 4. terminal-safe text

HOSTILE = "evil\x1b]0;pwned\x07\x1b[2J\x1b]8;;http://x.example/\x1b\\link\u202etxt.exe\x9b31m"


def test_table_output_is_terminal_safe_and_other_formats_exact(tmp_path: Path) -> None:
    escaped = "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04X}" for c in HOSTILE)
    path = write_ttl(tmp_path, "labels", f'cancer:breast skos:altLabel "{escaped}"@en .')
    query = 'SELECT ?l WHERE { cancer:breast skos:altLabel ?l FILTER(STRSTARTS(?l, "evil")) }'
    for engine in ENGINES:
        table = run("sparql", query, "--store", engine, "--with", path.name, cwd=tmp_path)
        assert table.returncode == 0, table.stderr
        assert not any(c in table.stdout for c in "\x1b\x07\x9b\u202e")
        assert "\\x1b]0;pwned" in table.stdout and "\\u202e" in table.stdout
        for fmt in ("csv", "tsv", "json"):
            exact = run("sparql", query, "--store", engine, "--with", path.name, "--format", fmt, cwd=tmp_path)
            assert exact.returncode == 0, exact.stderr
            if fmt == "json":
                import json

                assert json.loads(exact.stdout)["results"]["bindings"][0]["l"]["value"] == HOSTILE
            elif fmt == "tsv":  # SPARQL TSV holds terms as written in N-Triples: escaped, exact
                from cancer_spread.sparqlterm import sparql_literal

                assert sparql_literal(HOSTILE, lang="en") in exact.stdout
            else:
                assert HOSTILE in exact.stdout


def test_error_messages_are_terminal_safe(tmp_path: Path, listener: dict[str, object]) -> None:
    result = refused("sites", "breast\x1b]0;pwned\x07", cwd=tmp_path, listener=listener)
    assert "\x07" not in result.stderr


# ---------------------------------------------------------------------- 5. bounds


@pytest.mark.parametrize("engine", ENGINES)
def test_deeply_nested_query_is_refused_not_a_crash(tmp_path: Path, listener: dict[str, object], engine: str) -> None:
    text = "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000
    refused("sparql", text, "--store", engine, cwd=tmp_path, listener=listener, says="nests")


def test_huge_literal_and_long_query_are_refused(tmp_path: Path, listener: dict[str, object]) -> None:
    (tmp_path / "q.rq").write_text('SELECT ?x WHERE { BIND("' + "x" * (17 << 20) + '" AS ?x) }', encoding="utf-8")
    refused("sparql", "--file", "q.rq", cwd=tmp_path, listener=listener, says="more than the limit")
    long_query = "SELECT * WHERE { " + "?s ?p ?o . " * 100_000 + "}"
    (tmp_path / "long.rq").write_text(long_query, encoding="utf-8")
    refused("sparql", "--file", "long.rq", cwd=tmp_path, listener=listener, says="characters long")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e30", "-1", "0", "abc"])
@pytest.mark.parametrize("command", [["sites", "breast"], ["sparql", "ASK { ?s ?p ?o }"]])
def test_timeout_must_be_positive_and_finite(
    tmp_path: Path, listener: dict[str, object], value: str, command: list[str]
) -> None:
    refused(*command, "--timeout", value, cwd=tmp_path, listener=listener, says="--timeout")


@pytest.mark.parametrize("value", ["nan", "inf", "-5", "101"])
def test_min_figure_must_be_a_percentage(tmp_path: Path, listener: dict[str, object], value: str) -> None:
    refused("visualise", "--min-figure", value, "-o", "v.html", cwd=tmp_path, listener=listener, says="--min-figure")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "query",
    [
        "SELECT (<urn:no-such-function>(1) AS ?x) WHERE {}",
        "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1",
        "SELECT * WHERE { ?s ?p }",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "DROP ALL",
    ],
    ids=["unknown-function", "graph", "syntax", "insert", "drop"],
)
def test_odd_queries_give_one_line_or_an_answer(
    tmp_path: Path, listener: dict[str, object], engine: str, query: str
) -> None:
    result = run("sparql", query, "--store", engine, cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 2), result.stderr
    if result.returncode == 2:
        assert_clean_refusal(result)


def test_non_utf8_query_file_and_fmt_inputs(tmp_path: Path, listener: dict[str, object]) -> None:
    (tmp_path / "q.rq").write_bytes(b'SELECT * WHERE { ?s ?p "caf\xe9" }')
    refused("sparql", "--file", "q.rq", cwd=tmp_path, listener=listener, says="UTF-8")
    refused("fmt", "nope.ttl", cwd=tmp_path, listener=listener, says="no such file")
    (tmp_path / "l.ttl").write_bytes(PRE.encode() + 'cancer:breast skos:altLabel "caf\xe9"@en .\n'.encode("latin-1"))
    refused("fmt", "l.ttl", cwd=tmp_path, listener=listener, says="UTF-8")
    os.mkfifo(tmp_path / "p.ttl")
    refused("fmt", "p.ttl", cwd=tmp_path, listener=listener, says="FIFO")


# ---------------------------------------------------------------------- 6. --store-path


def _extra(tmp_path: Path, name: str) -> Path:
    return write_ttl(tmp_path, "extra", f'cancer:breast skos:altLabel "{name}"@en .')


def test_store_path_sees_an_edit_that_keeps_size_and_mtime(tmp_path: Path) -> None:
    extra = _extra(tmp_path, "alpha name")
    args = ["--store-path", "st", "--with", extra.name, "--format", "csv"]
    first = run("sites", "alpha name", *args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    st = extra.stat()
    extra.write_text(extra.read_text(encoding="utf-8").replace("alpha", "gamma"), encoding="utf-8")
    os.utime(extra, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert extra.stat().st_size == st.st_size and extra.stat().st_mtime_ns == st.st_mtime_ns
    again = run("sites", "gamma name", *args, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert run("sites", "alpha name", *args, cwd=tmp_path).returncode == 2


@pytest.mark.parametrize("damage", ["delete-store", "corrupt-store", "corrupt-stamp"])
def test_store_path_rebuilds_a_missing_or_damaged_store_with_one_note(tmp_path: Path, damage: str) -> None:
    import shutil

    args = ["sites", "breast", "--store-path", "st", "--format", "csv"]
    assert run(*args, cwd=tmp_path).returncode == 0
    store = tmp_path / "st" / "store"
    if damage == "delete-store":
        shutil.rmtree(store)
    elif damage == "corrupt-store":
        for f in store.iterdir():
            if f.is_file():
                f.write_bytes(b"\0garbage" * 64)
    else:
        (tmp_path / "st" / "cancer-spread-store.json").write_text("{half", encoding="utf-8")
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "bone" in result.stdout
    notes = result.stderr.strip().splitlines()
    assert len(notes) == 1 and notes[0].startswith("note: ") and "Traceback" not in result.stderr


def test_store_path_readers_share_and_a_writer_makes_others_wait(tmp_path: Path) -> None:
    args = ["sites", "breast", "--store-path", "st", "--format", "csv"]
    assert run(*args, cwd=tmp_path).returncode == 0
    readers = [
        subprocess.Popen([*_cli(), *args], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    for proc in readers:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0 and "bone" in out, err
        assert err == ""
    # A rebuild (a new source) while another process holds the store: the rebuilder waits with one
    # line, and nobody fails.
    import fcntl

    fd = os.open(tmp_path / "st" / "lock", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_SH)
    extra = _extra(tmp_path, "delta name")
    writer = subprocess.Popen(
        [*_cli(), "sites", "delta name", "--store-path", "st", "--with", extra.name, "--format", "csv"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    err_text = ""
    while writer.poll() is None and time.monotonic() < deadline and "waiting" not in err_text:
        time.sleep(0.05)
        err_text = _peek(writer)
    os.close(fd)  # let it go on
    out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    assert "bone" in out
    assert "waiting for another cancer-spread process" in err_text + err
    assert "Traceback" not in err


def _peek(proc: subprocess.Popen) -> str:
    import select

    assert proc.stderr is not None
    ready, _, _ = select.select([proc.stderr], [], [], 0)
    return os.read(proc.stderr.fileno(), 4096).decode() if ready else ""


# ---------------------------------------------------------------------- 7. no traceback ever


def _boom_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    code = (
        "import sys\n"
        "import cancer_spread.api as api\n"
        "def boom(*a, **k):\n"
        "    raise ZeroDivisionError('simulated internal error')\n"
        "api.run_query = boom\n"
        "from cancer_spread.cli import main\n"
        f"sys.argv = ['cancer-spread', *{list(args)!r}]\n"
        "main()\n"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_internal_error_is_one_line_with_a_pointer_and_debug_shows_the_traceback(tmp_path: Path) -> None:
    plain = _boom_cli("sites", "breast", cwd=tmp_path)
    lines = plain.stderr.strip().splitlines()
    assert plain.returncode == 3
    assert "Traceback" not in plain.stderr
    assert len(lines) <= 2 and "internal error" in lines[0] and "report" in plain.stderr
    debug = _boom_cli("--debug", "sites", "breast", cwd=tmp_path)
    assert debug.returncode == 3 and "Traceback" in debug.stderr and "ZeroDivisionError" in debug.stderr
