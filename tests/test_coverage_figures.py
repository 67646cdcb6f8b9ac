"""Figures for cancers whose answer had none, or whose order misled (issue #14).

Each test reads the figures of one source through the public API and checks the answer that
``metastatic-sites`` gives against what the cited study says. Every question is asked of both
embedded engines (Oxigraph and rdflib). The expected values are the sources' own figures:

- anaplastic thyroid cancer: Besic and Gazic 2013 (Thyroid), autopsy of 45 patients: lungs 78%,
  liver 20%, brain 18%, bone 13%; lungs in 34 of the 38 with distant metastases (89%);
- oesophageal squamous cell carcinoma: Anderson and Lad 1982 (Cancer), autopsy of 79 patients:
  lymph nodes 73%, lung 52%, liver 47%;
- invasive ductal breast cancer: Borst 1993 (Surgery), hospital registry of 2,246 women: bone and
  bone marrow 14.4%, lung and pleura 10.2%.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from cancer_spread import run_query

ALL_PATIENTS = "share of all patients with the site involved"
METASTATIC_PATIENTS = "share of patients with distant spread who have the site involved"


@pytest.fixture(scope="module")
def graph(engine_graph):
    return engine_graph


def figures(graph, cancer: str, site: str, short_name: str) -> list[dict]:
    """The evidence rows with a figure for ``cancer`` at ``site`` from the source ``short_name``."""
    rows = run_query("evidence", graph, cancer=cancer, site=site)
    return [r for r in rows if r["source"] == short_name and r["value"] is not None]


def answer(graph, cancer: str) -> dict[str, dict]:
    """The rows of ``metastatic-sites`` for ``cancer``, by site label, with their rank."""
    rows = run_query("metastatic-sites", graph, cancer=cancer)
    return {r["siteLabel"]: {**r, "rank": i} for i, r in enumerate(rows)}


# ------------------------------------------------------------------ anaplastic thyroid cancer


def test_besic_2013_gives_the_lung_its_figure_for_anaplastic_thyroid_cancer(graph) -> None:
    rows = figures(graph, "anaplastic thyroid cancer", "lung", "Besic 2013")
    by_measure = {r["measure"]: r for r in rows}
    metastatic = by_measure[METASTATIC_PATIENTS]
    assert metastatic["value"] == Decimal("89.0")
    assert (metastatic["count"], metastatic["denominator"]) == (34, 38)
    assert metastatic["timing"] == "at autopsy"
    assert by_measure[ALL_PATIENTS]["value"] == Decimal("78.0")
    assert by_measure[ALL_PATIENTS]["denominator"] == 45


def test_besic_2013_ranks_the_lung_far_above_liver_brain_and_bone(graph) -> None:
    # In the same 45 patients the lung leads every other site by far.
    shares = {}
    for site in ("lung", "liver", "brain", "bone"):
        [row] = [
            r for r in figures(graph, "anaplastic thyroid cancer", site, "Besic 2013") if r["measure"] == ALL_PATIENTS
        ]
        assert row["timing"] == "at autopsy"
        shares[site] = row["value"]
    assert shares == {
        "lung": Decimal("78.0"),
        "liver": Decimal("20.0"),
        "brain": Decimal("18.0"),
        "bone": Decimal("13.0"),
    }


def test_anaplastic_thyroid_answer_gives_the_lung_a_level_and_a_comparable_figure(graph) -> None:
    rows = answer(graph, "anaplastic thyroid cancer")
    lung = rows["lung"]
    # The lung was only 'reported' (no figure); it now has a level from the autopsy figures, which
    # count one level lower than figures in life, and it is the only site with a comparable figure.
    assert lung["frequency"] == "common"
    assert lung["bestFigure"] == Decimal("89.0")
    assert "Besic 2013" in lung["figure"]
    for site in ("liver", "bone"):
        assert rows[site]["frequency"] == "common"
        assert lung["rank"] < rows[site]["rank"], site


# ------------------------------------------------------------------ oesophageal squamous cell carcinoma


def test_anderson_1982_gives_three_sites_of_squamous_oesophageal_cancer_at_autopsy(graph) -> None:
    expected = {"lymph nodes": Decimal("73.0"), "lung": Decimal("52.0"), "liver": Decimal("47.0")}
    for site_label, value in expected.items():
        site = site_label.replace(" ", "-")
        [row] = figures(graph, "oesophageal squamous cell carcinoma", site, "Anderson 1982")
        assert row["value"] == value
        assert row["measure"] == ALL_PATIENTS
        assert row["timing"] == "at autopsy"
        # The abstract names no denominator: none is entered.
        assert row["denominator"] is None


def test_squamous_oesophageal_cancer_answer_has_figures_for_its_main_sites(graph) -> None:
    rows = answer(graph, "oesophageal squamous cell carcinoma")
    # Before, the lung was the only site and had no figure ('reported').
    for site in ("lymph nodes", "lung", "liver"):
        assert rows[site]["frequency"] == "common", site
        assert "Anderson 1982" in rows[site]["figure"], site
    assert all(r["frequency"] != "reported" for r in rows.values())


# ------------------------------------------------------------------ invasive ductal breast cancer


def test_borst_1993_finds_bone_ahead_of_lung_in_ductal_breast_cancer(graph) -> None:
    [bone] = figures(graph, "invasive ductal carcinoma", "bone", "Borst 1993")
    [lung] = figures(graph, "invasive ductal carcinoma", "lung", "Borst 1993")
    for row in (bone, lung):
        assert row["measure"] == ALL_PATIENTS
        assert row["denominator"] == 2246
        assert row["timing"] == "over the course of the disease"
    assert (bone["value"], lung["value"]) == (Decimal("14.4"), Decimal("10.2"))
    assert bone["value"] > lung["value"]
    rows = answer(graph, "invasive ductal carcinoma")
    assert rows["bone"]["frequency"] == "very common"
    assert "Borst 1993" in rows["bone"]["sources"]


# ------------------------------------------------------------------ cancer of unknown primary
#
# DGHO 2005 (German guideline on cancer of unknown primary) gives, as ranges, the share of patients
# with each organ involved: lymph nodes 40-45%, liver 30-40%, skeleton 25-35%, lungs 20-30%, pleura
# 5-15%, peritoneum 5-10%, central nervous system 5-10%, adrenal glands about 6%, skin about 4%.
# Both ends of each range are entered (cs:value and cs:upperValue); the lower end sets the level.

DGHO_CUP = {
    "lymph-nodes": Decimal("40.0"),
    "liver": Decimal("30.0"),
    "bone": Decimal("25.0"),
    "lung": Decimal("20.0"),
    "pleura": Decimal("5.0"),
    "peritoneum": Decimal("5.0"),
    "central-nervous-system": Decimal("5.0"),
    "adrenal-gland": Decimal("6.0"),
    "skin": Decimal("4.0"),
}


def test_dgho_2005_gives_the_sites_of_cancer_of_unknown_primary_their_figures(graph) -> None:
    for site, value in DGHO_CUP.items():
        [row] = figures(graph, "cancer of unknown primary", site, "DGHO 2005")
        assert row["value"] == value, site
        # Every patient with cancer of unknown primary has spread: the share is of patients with spread.
        assert row["measure"] == METASTATIC_PATIENTS, site
        assert row["timing"] == "timing not stated", site
        # The guideline summarises the literature without a series size: no denominator is entered.
        assert row["denominator"] is None, site


DGHO_CUP_TOP = {"lymph nodes": "45", "liver": "40", "bone": "35", "lung": "30", "pleura": "15"}


def test_a_figure_given_as_a_range_is_shown_as_one(graph) -> None:
    # The guideline's ranges are shown whole ("25–35%"), not as their lower ends alone; the level
    # and the comparable figure come from the lower end.
    rows = answer(graph, "cancer of unknown primary")
    for label, top in DGHO_CUP_TOP.items():
        low = format(DGHO_CUP[label.replace(" ", "-")].normalize(), "f")
        assert rows[label]["figure"].startswith(f"{low}–{top}% of patients with distant spread"), label
        assert rows[label]["bestFigure"] == DGHO_CUP[label.replace(" ", "-")], label
    # A figure given as one number stays one number.
    assert rows["adrenal gland"]["figure"].startswith("6% of patients with distant spread")


def test_cancer_of_unknown_primary_answer_follows_the_guideline_order(graph) -> None:
    rows = answer(graph, "cancer of unknown primary")
    # Before, the four main sites were only 'reported' (a listing without figures).
    order = [rows[site]["rank"] for site in ("lymph nodes", "liver", "bone", "lung")]
    assert order == sorted(order) == [0, 1, 2, 3]
    assert rows["lymph nodes"]["frequency"] == rows["liver"]["frequency"] == "very common"
    assert rows["bone"]["frequency"] == rows["lung"]["frequency"] == "common"
    for site in ("pleura", "peritoneum", "central nervous system", "adrenal gland", "skin"):
        assert rows[site]["frequency"] == "uncommon", site
        assert rows[site]["rank"] > rows["lung"]["rank"], site
    assert all(r["frequency"] != "reported" for r in rows.values())


# ------------------------------------------------------------------ first distant spread
#
# Mathew 2017 (761 women with metastatic breast cancer) gives the sites at first distant spread
# (ductal: bone 37.7%, lung 24.2%, liver 11.4%) and over the whole course (ductal: lung 51.9%,
# liver 49.0%; no bone figure). Merkel cell carcinoma (215 patients) gives sites at first distant
# metastasis only. Figures at first spread are not figures over the whole course.


def test_sites_at_first_distant_spread_carry_their_own_timing(graph) -> None:
    first = "at first distant spread"
    bone = figures(graph, "ductal breast cancer", "bone", "Mathew 2017")
    assert [(r["value"], r["timing"]) for r in bone] == [(Decimal("37.7"), first)]
    lung = {r["value"]: r["timing"] for r in figures(graph, "ductal breast cancer", "lung", "Mathew 2017")}
    assert lung == {Decimal("24.2"): first, Decimal("51.9"): "over the course of the disease"}
    rows = answer(graph, "ductal breast cancer")
    # Only figures of one timing are compared: bone's first-spread figure gives it no rank among
    # the whole-course figures, and its figure in words says when it was counted.
    assert rows["bone"]["bestFigure"] is None
    assert f"37.7% of patients with distant spread, {first} (Mathew 2017)" in rows["bone"]["figure"]
    merkel = answer(graph, "Merkel cell carcinoma")
    assert all(first in r["figure"] for r in merkel.values() if r["figure"].startswith(tuple("0123456789")))
