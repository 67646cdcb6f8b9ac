"""One engine interface, three engines (Oxigraph, rdflib, a real remote store): same answers."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from cancer_spread.api import run_query, sparql
from cancer_spread.engine import Engine, RdflibEngine, RemoteEngine, as_engine, open_engine
from cancer_spread.errors import InputError, QueryError
from cancer_spread.results import neutral
from cancer_spread.store import Store

from .conftest import need

SELECT = "SELECT ?site WHERE { cancer:breast cs:spreadsTo ?site } ORDER BY ?site"
ASK_YES = "ASK { cancer:breast cs:spreadsTo site:bone }"
ASK_NO = "ASK { site:bone cs:spreadsTo cancer:breast }"
CONSTRUCT = "CONSTRUCT { cancer:breast cs:spreadsTo ?s } WHERE { cancer:breast cs:spreadsTo ?s }"


def _rows(results) -> list[tuple]:
    return [tuple(neutral(v) for v in row) for row in results.rows]


@pytest.fixture(scope="module")
def engines(rdflib_graph, store) -> dict[str, Engine]:
    return {"oxigraph": store, "rdflib": RdflibEngine(rdflib_graph)}


def test_both_embedded_engines_have_the_interface(engines) -> None:
    for name, engine in engines.items():
        assert isinstance(engine, Engine), name
        assert engine.name == name


def test_same_answers_on_both_embedded_engines(engines) -> None:
    ox, rd = engines["oxigraph"], engines["rdflib"]
    assert _rows(ox.query(SELECT)) == _rows(rd.query(SELECT)) != []
    assert ox.ask(ASK_YES) is rd.ask(ASK_YES) is True
    assert ox.ask(ASK_NO) is rd.ask(ASK_NO) is False
    assert isomorphic(ox.construct(CONSTRUCT), rd.construct(CONSTRUCT))
    assert len(ox.construct(CONSTRUCT)) == len(ox.query(SELECT))
    assert ox.count() == rd.count() == len(rd.graph)


def test_bindings_are_values_not_text(engines) -> None:
    from cancer_spread.results import Term

    text = "SELECT ?site WHERE { ?c cs:spreadsTo ?site } ORDER BY ?site"
    one = {"c": Term("uri", "https://w3id.org/cancer-spread/cancer/breast")}
    many = {"c": [Term("uri", "https://w3id.org/cancer-spread/cancer/breast")]}
    for engine in engines.values():
        assert _rows(engine.query(text, bindings=one)) == _rows(engine.query(SELECT))
        assert _rows(engine.query(text, bindings=many)) == _rows(engine.query(SELECT))
        hostile = {"c": Term("literal", '"} DROP ALL #')}
        assert engine.query(text, bindings=hostile).rows == []


@pytest.mark.parametrize("method,text", [("query", ASK_YES), ("ask", SELECT), ("construct", SELECT)])
def test_wrong_query_form_is_a_clear_error(engines, method, text) -> None:
    for engine in engines.values():
        with pytest.raises(QueryError, match="not a"):
            getattr(engine, method)(text)


def test_updates_are_refused_by_every_engine(engines) -> None:
    for engine in engines.values():
        with pytest.raises(QueryError, match="refused"):
            engine.query("DELETE WHERE { ?s ?p ?o }")


def test_engine_is_chosen_in_one_place(monkeypatch) -> None:
    assert isinstance(open_engine("oxigraph"), Store)
    assert isinstance(open_engine("rdflib"), RdflibEngine)
    monkeypatch.setenv("CANCER_SPREAD_STORE", "rdflib")
    assert isinstance(open_engine(), RdflibEngine)
    monkeypatch.setenv("CANCER_SPREAD_STORE", "nope")
    with pytest.raises(InputError, match="unknown engine"):
        open_engine()
    with pytest.raises(InputError, match="unknown store"):
        open_engine("virtuoso")
    with pytest.raises(InputError, match="needs the oxigraph store"):
        open_engine("rdflib", path="somewhere")
    with pytest.raises(InputError, match="not an http"):
        open_engine("oxigraph", endpoint="ftp://example.org/sparql")


def test_as_engine_adapts_what_the_api_is_given(rdflib_graph, store) -> None:
    assert as_engine(store) is store
    wrapped = as_engine(rdflib_graph)
    assert isinstance(wrapped, RdflibEngine) and wrapped.graph is rdflib_graph
    assert as_engine(wrapped) is wrapped
    with pytest.raises(InputError, match="cannot query a str"):
        as_engine("a graph")


def test_close_leaves_a_usable_engine(rdflib_graph) -> None:
    engine = RdflibEngine(rdflib_graph)
    engine.query(SELECT)
    engine.close()
    assert engine.ask(ASK_YES)


# ------------------------------------------------------------------ a real remote store


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory) -> Iterator[str]:
    exe = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    need(exe is not None, "the oxigraph server is not installed (pip install oxigraph)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    location = tmp_path_factory.mktemp("oxigraph-engine")
    proc = subprocess.Popen(
        [str(exe), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, "oxigraph serve exited"
            assert time.monotonic() < deadline, "oxigraph did not start within 60 s"
            try:
                with urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def test_remote_engine_answers_as_the_embedded_ones(oxigraph_server, rdflib_graph, engines) -> None:
    from cancer_spread.remote import push

    push(rdflib_graph, oxigraph_server + "/store")
    remote = RemoteEngine(oxigraph_server + "/query", local=engines["rdflib"])
    assert isinstance(remote, Engine) and remote.name == "remote"
    rd = engines["rdflib"]
    assert _rows(remote.query(SELECT)) == _rows(rd.query(SELECT))
    assert remote.ask(ASK_YES) is True and remote.ask(ASK_NO) is False
    assert isomorphic(remote.construct(CONSTRUCT), rd.construct(CONSTRUCT))
    assert remote.count() == rd.count()
    with pytest.raises(QueryError, match="expected rows"):
        remote.query(ASK_YES)
    # Named queries: names resolved on the local graph, the query answered by the store.
    expected = run_query("metastatic-sites", rd, cancer="bowel cancer")
    got = run_query("metastatic-sites", remote, cancer="bowel cancer")
    assert got.columns == expected.columns
    assert _rows(got) == _rows(expected) != []
    assert sparql(ASK_YES, remote) is True
    remote.close()
