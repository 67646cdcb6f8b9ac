"""The curated knowledge answers the questions people ask, through the public API.

The facts asserted here are the ones the starting pages state (Cancer Research UK, "Secondary
cancer" and "What is secondary breast cancer?") and competency questions of our own.
"""

from __future__ import annotations

import pytest

from cancer_spread import run_query, sparql
from cancer_spread.stats import compute_stats


@pytest.fixture(scope="session")
def graph(engine_graph):
    # Every competency question is asked of both embedded engines.
    return engine_graph


def labels(rows, column):
    return [r[column] for r in rows]


# ------------------------------------------------------------------ the starting pages


def test_starting_pages_are_sources(graph) -> None:
    rows = run_query("sources", graph)
    titles = {(r["shortName"], r["title"]) for r in rows}
    assert ("CRUK", "Secondary cancer") in titles
    assert ("CRUK", "What is secondary breast cancer?") in titles


def test_secondary_breast_cancer_sites_according_to_cruk(graph) -> None:
    rows = run_query("metastatic-sites", graph, cancer="breast", source="What is secondary breast cancer")
    assert set(labels(rows, "siteLabel")) == {"liver", "lung", "lymph nodes", "brain", "bone"}


def test_secondary_cancer_keeps_the_primary_type_and_spreads_by_blood_and_lymph(graph) -> None:
    [row] = run_query("define", graph, term="secondary cancer")
    text = row["definition"].lower()
    assert "same kind of cells" in text and "treated" in text
    assert "blood" in text and "lymph" in text
    assert "CRUK" in row["sources"]
    assert row["match"] == "http://purl.obolibrary.org/obo/NCIT_C4968"


def test_overview_sites_are_common_destinations(graph) -> None:
    # The overview names liver, bone, lung, brain and lymph nodes as common places for secondaries.
    rows = run_query("primaries-for-site", graph, site="liver")
    assert len(rows) >= 10
    for site in ("bone", "lung", "brain", "lymph nodes"):
        assert len(run_query("primaries-for-site", graph, site=site)) >= 5, site


def test_armpit_nodes_are_not_secondary_breast_cancer(graph) -> None:
    [row] = run_query("classify-spread", graph, cancer="breast", site="armpit lymph nodes")
    assert row["classification"] == "regional"
    assert "not secondary breast cancer" in row["basis"]


@pytest.mark.parametrize("site", ["supraclavicular lymph nodes", "internal mammary lymph nodes"])
def test_collarbone_and_breastbone_nodes_are_locally_advanced(graph, site) -> None:
    [row] = run_query("classify-spread", graph, cancer="breast", site=site)
    assert row["classification"] == "regional"
    assert "locally advanced" in row["basis"]


def test_supraclavicular_rule_links_the_glossary(graph) -> None:
    assert sparql(
        "ASK { ?r cs:primaryCancer cancer:breast ; cs:site site:supraclavicular-lymph-nodes ;"
        " cs:patientTerm term:locally-advanced-cancer }",
        graph,
    )


# ------------------------------------------------------------------ competency questions


@pytest.mark.parametrize(
    ("cancer", "top"),
    [
        ("bowel cancer", "liver"),
        ("prostate", "bone"),
        ("pancreatic cancer", "liver"),
        ("ovarian cancer", "peritoneum"),
        ("small cell lung cancer", "liver"),
    ],
)
def test_where_does_it_spread_most(graph, cancer, top) -> None:
    rows = run_query("metastatic-sites", graph, cancer=cancer)
    assert rows[0]["siteLabel"] == top


def test_ranking_rule_is_honest(graph) -> None:
    rows = run_query("metastatic-sites", graph, cancer="breast")
    figures = [r["bestFigure"] for r in rows]
    with_figure = [f for f in figures if f is not None]
    # Sites with a comparable figure come first, in descending order; the rest follow.
    assert figures[: len(with_figure)] == sorted(with_figure, reverse=True)
    tail = rows[len(with_figure) :]
    assert [r["nSources"] for r in tail] == sorted((r["nSources"] for r in tail), reverse=True)


def test_what_spreads_to_bone(graph) -> None:
    names = labels(run_query("primaries-for-site", graph, site="bone"), "cancerLabel")
    for cancer in ("prostate cancer", "breast cancer", "lung cancer", "kidney cancer", "thyroid cancer"):
        assert cancer in names


def test_site_hierarchy_rolls_up(graph) -> None:
    rows = run_query("primaries-for-site", graph, site="lymph nodes")
    breast = next(r for r in rows if r["cancerLabel"] == "breast cancer")
    assert "axillary lymph nodes" in breast["sites"]


def test_according_to_a_source(graph) -> None:
    nci = labels(run_query("metastatic-sites", graph, cancer="lung", source="NCI"), "siteLabel")
    assert {"adrenal gland", "bone", "brain", "liver", "lung"} <= set(nci)
    macmillan = labels(run_query("primaries-for-site", graph, site="liver", source="Macmillan"), "cancerLabel")
    assert "bowel cancer" in [s.replace("colorectal", "bowel") for s in macmillan]


def test_codes_of_a_site(graph) -> None:
    codes = {r["code"]: r for r in run_query("xrefs", graph, entity="liver")}
    assert codes["ICD10:C78.7"]["meaning"] == "secondary cancer in this site"
    assert codes["UBERON:0002107"]["status"] == "verified"


def test_codes_of_a_cancer(graph) -> None:
    schemes = {r["scheme"] for r in run_query("xrefs", graph, entity="breast cancer")}
    assert {"NCIT", "MONDO", "DOID", "MESH", "ONCOTREE", "ICD10", "ICDO3"} <= schemes


@pytest.mark.parametrize(
    ("cancer", "site", "expected"),
    [
        ("prostate", "para-aortic lymph nodes", "distant"),
        ("prostate", "pelvic lymph nodes", "regional"),
        ("lung", "mediastinal lymph nodes", "regional"),
        ("bowel cancer", "liver", "distant"),
        ("breast", "breast", "local"),
        ("breast", "contralateral axillary lymph nodes", "distant"),
        ("cervical cancer", "pelvic lymph nodes", "regional"),
        ("colorectal", "inguinal lymph nodes", "distant"),
    ],
)
def test_regional_or_distant(graph, cancer, site, expected) -> None:
    [row] = run_query("classify-spread", graph, cancer=cancer, site=site)
    assert row["classification"] == expected
    assert row["source"], "every classification names its source"


def test_cancer_of_unknown_primary_question(graph) -> None:
    rows = run_query("likely-primaries", graph, site=["bone", "lung", "liver"])
    assert rows[0]["matched"] == 3
    top = labels(rows[:8], "cancerLabel")
    assert "breast cancer" in top
    # Ranked by a score that is shown, highest first; never the question itself as an answer.
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True) and 0 < scores[-1] <= scores[0] <= 100
    assert "cancer of unknown primary" not in labels(rows, "cancerLabel")
    # A cancer that reaches only one of the three sites is ranked below one that reaches all three.
    by_name = {r["cancerLabel"]: r for r in rows}
    one = [r for r in rows if r["matched"] == 1]
    assert one and all(r["score"] < by_name["breast cancer"]["score"] for r in one)


def test_cancers_by_route(graph) -> None:
    names = labels(run_query("cancers-by-route", graph, route="transcoelomic"), "cancerLabel")
    assert "ovarian cancer" in names


def test_glossary_has_the_terms_people_meet(graph) -> None:
    terms = {r["label"].lower() for r in run_query("glossary", graph)}
    for t in (
        "primary cancer",
        "secondary cancer",
        "metastasis",
        "metastatic cancer",
        "locally advanced cancer",
        "advanced cancer",
        "regional lymph node",
        "distant metastasis",
        "cancer of unknown primary",
        "oligometastatic disease",
        "secondary liver cancer",
        "secondary bone cancer",
        "secondary lung cancer",
        "secondary brain cancer",
        "secondary lymph node cancer",
        "secondary breast cancer",
    ):
        assert t in terms, t


def test_lay_synonyms(graph) -> None:
    [row] = run_query("define", graph, term="bone secondaries")
    assert row["label"] == "secondary bone cancer"


def test_every_figure_names_its_measure_and_population(graph) -> None:
    assert not sparql(
        "ASK { ?e cs:value ?v . FILTER NOT EXISTS { ?e cs:measure ?m ; cs:population ?p ; cs:timing ?t } }",
        graph,
    )


def test_stats_meet_the_release_targets() -> None:
    from cancer_spread.load import load_graph

    s = compute_stats(load_graph())
    assert s["primary_cancers"] >= 24
    assert s["sites"] >= 15
    assert s["spread_patterns"] >= 100
    assert s["evidence"] >= s["spread_patterns"]
    assert s["glossary_terms"] >= 16
    assert s["unverified_codes"] >= 0
