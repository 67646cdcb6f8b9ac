"""Patient-information pages (``graph/evidence/patient-pages-2.ttl``), read through the public API.

Each page names the places a cancer spreads to, in a list without figures. These tests ask, per
page, which cancer and site pairs the graph credits to it (exactly what the page lists and the
graph models), check that every item is a plain listing, and check that a listing never lifts a
site above one backed by a figure.
"""

from __future__ import annotations

import pytest

from cancer_spread import run_query, sparql

PREFIXES = """
PREFIX cs: <https://w3id.org/cancer-spread/vocab/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX kind: <https://w3id.org/cancer-spread/evidence-kind/>
PREFIX source: <https://w3id.org/cancer-spread/source/>
"""

# Page -> the (cancer, site) pairs the page names, as the graph models them.
PAGES = {
    "cruk-advanced-gallbladder": {
        ("gallbladder", "liver"),
        ("gallbladder", "lung"),
        ("gallbladder", "brain"),
    },
    "cruk-metastatic-gallbladder": {("gallbladder", "lung"), ("gallbladder", "bone")},
    "cruk-advanced-bile-duct": {
        ("bile-duct", "peritoneum"),
        ("bile-duct", "liver"),
        ("bile-duct", "lung"),
        ("bile-duct", "bone"),
        ("bile-duct", "brain"),
    },
    "ccs-bile-duct-spreads": {
        ("bile-duct", "liver"),
        ("bile-duct", "peritoneum"),
        ("bile-duct", "lung"),
        ("bile-duct", "bone"),
        ("bile-duct", "brain"),
    },
    "cruk-stage-4-anal": {("anal", "liver")},
    "mayo-anal": {("anal", "liver"), ("anal", "lung")},
    "cruk-stage-4-vulval": {("vulva", "lung")},
    "ccs-wilms-spreads": {("wilms-tumour", "lung"), ("wilms-tumour", "liver")},
    "ccs-salivary-gland-spreads": {("salivary-gland", "lung"), ("salivary-gland", "bone")},
    "ccs-thymus-spreads": {
        ("thymic", "pleura"),
        ("thymic", "lung"),
        ("thymic", "liver"),
        ("thymic", "intrathoracic-lymph-nodes"),
        ("thymic", "cervical-lymph-nodes"),
    },
    "ccs-small-intestine-spreads": {
        ("small-bowel", "liver"),
        ("small-bowel", "peritoneum"),
        ("small-bowel", "lung"),
        ("small-bowel", "bone"),
    },
    "ccs-adrenal-gland-spreads": {
        ("adrenocortical", "lymph-nodes"),
        ("adrenocortical", "liver"),
        ("adrenocortical", "lung"),
        ("adrenocortical", "bone"),
    },
    "familydoctor-osteosarcoma": {("osteosarcoma", "lung"), ("osteosarcoma", "bone")},
}


@pytest.fixture(scope="module")
def graph(engine_graph):
    # Every question is asked of both embedded engines.
    return engine_graph


def pairs(graph, source: str) -> set[tuple[str, str]]:
    """(cancer, site) local names of the spread patterns with an item from ``source``."""
    rows = sparql(
        PREFIXES
        + f"""
        SELECT DISTINCT ?cancer ?site WHERE {{
          ?p a cs:SpreadPattern ; cs:primaryCancer ?cancer ; cs:site ?site ; cs:evidence ?e .
          ?e dcterms:source source:{source} .
        }}""",
        graph,
    )
    return {(r["cancer"].rsplit("/", 1)[1], r["site"].rsplit("/", 1)[1]) for r in rows}


@pytest.mark.parametrize("source", sorted(PAGES))
def test_each_page_is_credited_with_exactly_the_sites_it_names(graph, source) -> None:
    assert pairs(graph, source) == PAGES[source]


@pytest.mark.parametrize("source", sorted(PAGES))
def test_each_page_is_a_cited_source_and_its_items_are_plain_listings(graph, source) -> None:
    rows = sparql(
        PREFIXES
        + f"""
        SELECT ?e ?kind ?value ?url ?publisher WHERE {{
          source:{source} cs:url ?url ; dcterms:publisher ?publisher .
          ?e dcterms:source source:{source} ; cs:evidenceKind ?kind .
          OPTIONAL {{ ?e cs:value ?value }}
        }}""",
        graph,
    )
    assert len(rows) == len(PAGES[source])
    for row in rows:
        assert row["kind"].endswith("/listing")
        assert row["value"] is None  # the pages give no figures


def test_anal_cancer_liver_and_lung_are_named_by_mayo_clinic(graph) -> None:
    rows = run_query("evidence", graph, cancer="anal", site="lung")
    assert "Mayo Clinic anal cancer" in {r["source"] for r in rows}


def test_small_bowel_listed_sites_stay_below_the_liver(graph) -> None:
    rows = run_query("metastatic-sites", graph, cancer="small-bowel")
    by_site = {r["siteLabel"]: r for r in rows}
    # Only the liver has a figure; the sites that only the page names are "reported" and last.
    assert rows[0]["siteLabel"] == "liver"
    for site in ("peritoneum", "lung", "bone"):
        assert by_site[site]["frequency"] == "reported"


def test_thymic_neck_nodes_are_reported_and_not_above_the_pleura(graph) -> None:
    rows = run_query("metastatic-sites", graph, cancer="thymic")
    order = [r["siteLabel"] for r in rows]
    assert order[0] == "pleura"
    assert {r["siteLabel"]: r for r in rows}["cervical lymph nodes"]["frequency"] == "reported"
