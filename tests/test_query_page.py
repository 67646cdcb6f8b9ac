"""The endpoint's /query page in Chromium, against the running server: a named query shows its
parameter fields and runs bound (through /queries/NAME); results show short names linked to
their IRIs; the project's prefixes are predeclared for your own SPARQL."""

from __future__ import annotations

import time

import pytest

from .test_serve import client, server  # noqa: F401 - pytest fixtures

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(browser, server):  # noqa: F811
    context = browser.new_context()
    pg = context.new_page()
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    context.close()  # and its connections, before the server stops
    time.sleep(0.5)  # let the server see them closed


def _run(page) -> None:
    page.click("button[type=submit]")
    deadline = time.monotonic() + 30
    while "running" in page.locator("#status").inner_text() or not page.locator("#status").inner_text():
        assert time.monotonic() < deadline
        page.wait_for_timeout(50)


def test_a_named_query_shows_its_fields_and_runs_bound(page, server, client) -> None:  # noqa: F811
    page.goto(server.url + "/query")
    page.select_option("#examples", "metastatic-sites")
    fields = page.locator("#fields input[data-param]")
    assert sorted(fields.nth(i).get_attribute("name") for i in range(fields.count())) == ["cancer", "source"]
    assert page.locator("#fields input[name=cancer]").input_value() == "breast"  # the example
    assert "#+" not in page.locator("#query").input_value()  # the SPARQL without its header
    page.fill("#fields input[name=cancer]", "ovarian")
    _run(page)
    status = page.locator("#status").inner_text()
    assert "cancer=ovarian" in status, status
    expected = client.get("/queries/metastatic-sites", params={"cancer": "ovarian"}).json()
    rows = page.locator("#out tr")
    assert rows.count() == len(expected["results"]["bindings"]) + 1
    # Bound: the answer is ovarian cancer's, not every cancer's.
    first = page.locator("#out tr").nth(1).locator("td").first
    link = first.locator("a")
    assert link.inner_text() == "site:" + expected["results"]["bindings"][0]["site"]["value"].rsplit("/", 1)[1]
    assert link.get_attribute("href") == expected["results"]["bindings"][0]["site"]["value"]
    # A list parameter takes several values separated by ";".
    page.select_option("#examples", "likely-primaries")
    page.fill("#fields input[name=site]", "liver; bone")
    _run(page)
    assert "site=liver&site=bone" in page.locator("#status").inner_text()
    assert "unknown primary" not in page.locator("#out").inner_text()
    # A name the graph does not know is a clear error, not rows.
    page.select_option("#examples", "metastatic-sites")
    page.fill("#fields input[name=cancer]", "brest")
    _run(page)
    assert "400" in page.locator("#status").inner_text() and "breast" in page.locator("#status").inner_text()
    assert page.errors == [] or all("400" in e for e in page.errors)


def test_own_sparql_with_predeclared_prefixes(page, server) -> None:  # noqa: F811
    page.goto(server.url + "/query")
    page.fill("#query", "SELECT ?c WHERE { ?c a cs:PrimaryCancer ; cs:spreadsTo site:liver } ORDER BY ?c LIMIT 3")
    assert page.locator("#params").is_hidden()
    _run(page)
    cells = page.locator("#out td a")
    assert cells.count() == 3 and cells.first.inner_text().startswith("cancer:")
