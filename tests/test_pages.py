"""Entity pages: ``cancer-spread pages -o DIR`` (run as a subprocess), escaping on a hostile
fixture, and the site opened offline in Debian's chromium (every request outside the site's
folder is aborted and fails the test)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from cancer_spread.derivation import derive
from cancer_spread.load import load_files
from cancer_spread.namespaces import CANCER, CS, SITE
from cancer_spread.pages import entity_html, static_links, write_pages

from .conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "viewer-mini.ttl"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def site(cli_path, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pages")
    result = subprocess.run([*cli_path, "pages", "-o", str(folder)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "pages written" in result.stdout
    return folder


def _jsonld(html: str) -> object:
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert m, "no JSON-LD in the page"
    return json.loads(m.group(1))


def test_one_page_per_cancer_site_term_and_source(graph, site: Path) -> None:
    expected = {
        "cancer": {CS.PrimaryCancer},
        "site": {CS.AnatomicalSite, CS.LymphNodeGroup},
        "term": {CS.GlossaryTerm},
        "source": {CS.Source, CS.Cohort},
    }
    for folder, classes in expected.items():
        members = {s for c in classes for s in graph.subjects(RDF.type, c)}
        names = {p.stem for p in (site / folder).glob("*.html")}
        assert names == {str(m).rsplit("/", 1)[-1] for m in members}, folder
    assert (site / "index.html").is_file()


def test_a_cancer_page_says_where_it_spreads_with_evidence(graph, site: Path) -> None:
    html = (site / "cancer" / "breast.html").read_text(encoding="utf-8")
    assert "<h1>breast cancer</h1>" in html
    assert str(graph.value(CANCER.breast, SKOS.definition)) in html
    assert 'href="../site/liver.html"' in html and 'href="../site/bone.html"' in html
    assert "share of patients with distant spread who have the site involved" in html  # figures say what they measure
    assert 'href="../source/' in html
    assert "NCIT:C4872" in html and "<svg" in html  # codes and the chart
    # the embedded JSON-LD is the entity's own RDF
    back = Graph().parse(data=json.dumps(_jsonld(html)), format="json-ld")
    assert (CANCER.breast, CS.spreadsTo, SITE.liver) in back
    assert (CANCER.breast, SKOS.prefLabel, Literal("breast cancer", lang="en")) in back


def test_each_page_has_its_rdf_beside_it(site: Path) -> None:
    from rdflib.compare import isomorphic

    ttl = Graph().parse(site / "cancer" / "breast.ttl", format="turtle")
    jsonld = Graph().parse(site / "cancer" / "breast.jsonld", format="json-ld")
    assert (CANCER.breast, CS.spreadsTo, SITE.liver) in ttl
    assert isomorphic(ttl, jsonld)
    for page in (site / "source").glob("*.html"):
        assert page.with_suffix(".ttl").is_file() and page.with_suffix(".jsonld").is_file()


def test_a_site_page_says_what_spreads_there(site: Path) -> None:
    html = (site / "site" / "liver.html").read_text(encoding="utf-8")
    assert "What spreads here" in html and 'href="../cancer/breast.html"' in html


def test_source_and_term_pages(site: Path) -> None:
    source = next((site / "source").glob("*.html")).read_text(encoding="utf-8")
    assert "What this source supports" in source or "<dl>" in source
    term = (site / "term" / "advanced-cancer.html").read_text(encoding="utf-8")
    assert "<h1>advanced cancer</h1>" in term and "NCIT_C9270" in term


def test_index_embeds_the_schema_org_dataset(site: Path) -> None:
    data = _jsonld((site / "index.html").read_text(encoding="utf-8"))
    assert data["@type"] == "Dataset" and data["distribution"]


def test_pages_escape_hostile_text(tmp_path: Path) -> None:
    g = derive(load_files([ROOT / "ontology" / "cancer-spread.ttl", FIXTURE]))
    written = write_pages(g, tmp_path)
    html = (tmp_path / "cancer" / "xss.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html and "<script>alert" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # the JSON-LD block cannot be closed early by data
    assert html.count("</script>") == 1
    assert _jsonld(html)  # still valid JSON
    for path in written:
        assert 'href="javascript:' not in path.read_text(encoding="utf-8")


def test_frequency_level_is_shown_when_the_graph_has_one(graph) -> None:
    g = Graph()
    g += graph
    level = URIRef("https://w3id.org/cancer-spread/frequency/very-common")
    g.set((URIRef("https://w3id.org/cancer-spread/spread/breast--bone"), CS.frequency, level))
    g.set((level, SKOS.prefLabel, Literal("very common", lang="en")))
    html = entity_html(g, CANCER.breast, static_links)
    row = html[html.index('href="../site/bone.html"') :]
    assert row[: row.index("</tr>")].count("very common") == 1
    # very common links come first
    assert html.index('href="../site/bone.html"') < html.index('href="../site/liver.html"')


def test_pages_cli_refuses_a_file_as_folder(cli_path, tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("keep", encoding="utf-8")
    result = subprocess.run([*cli_path, "pages", "-o", str(target)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert target.read_text(encoding="utf-8") == "keep"


@pytest.mark.browser
def test_pages_open_offline_in_chromium(site: Path, browser) -> None:
    """The static site in Debian's chromium (the session's shared browser), offline."""
    root = site.resolve().as_uri()
    blocked: list[str] = []
    errors: list[str] = []
    context = browser.new_context()
    try:
        page = context.new_page()

        def route(r):  # only the site's own files may load
            if r.request.url.startswith(root + "/"):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(root + "/index.html")
        assert page.locator("h1").inner_text().startswith("cancer-spread")
        page.locator('a[href="cancer/breast.html"]').click()
        page.wait_for_url("**/cancer/breast.html")
        assert page.locator("h1").inner_text() == "breast cancer"
        assert page.locator("svg rect").count() > 0  # the chart is drawn
        data = page.evaluate("JSON.parse(document.querySelector(\"script[type='application/ld+json']\").textContent)")
        assert any(n.get("id") == "cancer:breast" for n in data.get("@graph", [data]))
        page.locator('a[href="../site/liver.html"]').first.click()
        page.wait_for_url("**/site/liver.html")
        assert page.locator("h1").inner_text() == "liver"
        page.go_back()
        page.locator('a[href="../index.html"]').click()
        page.wait_for_url("**/index.html")
    finally:
        context.close()
    assert blocked == [] and errors == []


# ---------------------------------------------------------------------- the endpoint's entity IRIs


@pytest.fixture(scope="module")
def endpoint(graph):
    from cancer_spread.serve import make_app

    from .test_serve import Server, _imports

    _imports()
    import httpx

    with (
        Server(make_app(graph, workers=1)) as running,
        httpx.Client(base_url=running.url, timeout=60, trust_env=False) as c,
    ):
        yield running.url, c


@pytest.mark.parametrize(
    "path",
    [
        "/cancer/breast",
        "/site/liver",
        "/term/advanced-cancer",
        "/source/hess-2006",
        "/evidence/breast--bone--cruk-secondary-bone",
        "/vocab/PrimaryCancer",
        "/vocab",
    ],
)
def test_entity_iris_answer_html_and_rdf(endpoint, graph, path: str) -> None:
    from rdflib.compare import isomorphic

    _url, client = endpoint
    iri = URIRef("https://w3id.org/cancer-spread" + path)
    page = client.get(path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})  # a browser
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["vary"] == "Accept"
    assert "<h1>" in page.text and "application/ld+json" in page.text
    graphs = []
    for media, fmt in (("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld")):
        resp = client.get(path, headers={"Accept": media})
        assert resp.status_code == 200, resp.text
        assert resp.headers["content-type"].startswith(media)
        g = Graph().parse(data=resp.text, format=fmt)
        assert (iri, None, None) in g
        graphs.append(g)
    assert isomorphic(graphs[0], graphs[1]) and isomorphic(graphs[0], graphs[2])


def test_entity_page_from_the_endpoint_links_to_entity_iris(endpoint) -> None:
    _url, client = endpoint
    html = client.get("/cancer/breast").text
    assert "<h1>breast cancer</h1>" in html and 'href="/site/liver"' in html
    turtle = Graph().parse(data=client.get("/cancer/breast", headers={"Accept": "text/turtle"}).text, format="turtle")
    assert (CANCER.breast, CS.spreadsTo, SITE.liver) in turtle
    vocab = Graph().parse(data=client.get("/vocab", headers={"Accept": "text/turtle"}).text, format="turtle")
    from rdflib.namespace import OWL

    assert vocab.value(URIRef("https://w3id.org/cancer-spread/vocab"), OWL.versionIRI) is not None


def test_unknown_entity_and_unacceptable_type(endpoint) -> None:
    _url, client = endpoint
    missing = client.get("/cancer/no-such-cancer")
    assert missing.status_code == 404 and "no entity" in missing.text
    assert client.get("/cancer/breast", headers={"Accept": "image/png"}).status_code == 406
    hostile = client.get("/cancer/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert hostile.status_code == 404 and "<script>" not in hostile.text


def test_void_names_the_endpoint_and_the_landing_page_describes_the_dataset(endpoint) -> None:
    from rdflib.namespace import VOID

    from cancer_spread.namespaces import DATASET

    url, client = endpoint
    void = Graph().parse(data=client.get("/.well-known/void", headers={"Accept": "text/turtle"}).text, format="turtle")
    assert str(void.value(DATASET, VOID.sparqlEndpoint)) == url + "/sparql"
    assert list(void.objects(DATASET, VOID.dataDump))
    home = client.get("/").text
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', home, re.S)
    assert m and json.loads(m.group(1))["@type"] == "Dataset"
