"""Figures that close gaps among the commonest cancers' main sites and give adrenocortical carcinoma
and seminoma their first figures (issue #14). Each test reads one source's figures through the public API, on both
embedded engines, and checks them against the study's abstract:

- head and neck cancer: Liu 2021 (Oral Oncology; 88 of 9,432 people had brain metastases, thyroid
  cancer excluded); Liu 2019 (Oral Oncology; NCDB 2010-2015, lungs in 53.1% of people with distant
  spread at diagnosis and a recorded site); Zhang 2021 (Frontiers in Oncology; hypopharynx, neck
  nodes on MRI in 176 of 244);
- cervical cancer: J Clin Oncol 2001 (PET before radiotherapy in 101 people: para-aortic nodes 21,
  supraclavicular 8); Onal 2013 (Int J Gynecol Cancer; isolated mediastinal uptake in 10 of 228,
  2 proven);
- ovarian cancer: Giorda 2014 (J Ovarian Res; bowel resection in 116 of 301 advanced cancers);
- adrenocortical carcinoma: Sada 2021 (World J Surg; SEER, positive nodes in 25% of those examined);
- medulloblastoma: Young 2015 (Pediatr Blood Cancer; bone marrow in 6 of 14 with spread outside the
  nervous system);
- seminoma: Agnarsson 2006 (APMIS; all testicular germ cell tumours in Iceland 1955-2002, lymph
  nodes involved at diagnosis in 17% of men with seminoma);
- non-Hodgkin lymphoma: Ghione 2024 (Haematologica; bone involved at diagnosis in 16% of 1,860
  people with diffuse large B-cell lymphoma);
- primary brain tumours: glioblastoma spreading along the coverings of the brain and spinal cord in
  Mandel 2014 (J Neurooncol; 24 of 595), Wegener 2023 (BMC Neurol; 21 of 407), Noh 2015 (Acta
  Neurochir; 75 of 321) and at autopsy in Erlich 1978 (Cancer; 5 of 20 spinal cords examined);
- nasopharyngeal cancer: Ho 2012 (BMC Cancer; meta-analysis of 2,920 patients staged with MRI,
  neck nodes in 85%, nodes behind the throat in 69%);
- medullary thyroid cancer: Wu 2020 (Technol Cancer Res Treat; central neck nodes in 47.2% of 125
  at surgery); salivary gland cancer: Armstrong 1992 (Cancer; clinically positive neck nodes in 67
  of 474).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from cancer_spread import run_query

ALL_PATIENTS = "share of all patients with the site involved"
METASTATIC_PATIENTS = "share of patients with distant spread who have the site involved"
SUBSET = "share of a study-defined subset of patients with distant spread who have the site involved"


@pytest.fixture(scope="module")
def graph(engine_graph):
    return engine_graph


def figure(graph, cancer: str, site: str, short_name: str) -> dict:
    """The one evidence row with a figure for ``cancer`` at ``site`` from ``short_name``."""
    rows = [
        r
        for r in run_query("evidence", graph, cancer=cancer, site=site)
        if r["source"] == short_name and r["siteLabel"] == site  # not a part of the site
    ]
    [row] = [r for r in rows if r["value"] is not None]
    return row


def answer(graph, cancer: str) -> dict[str, dict]:
    rows = run_query("metastatic-sites", graph, cancer=cancer)
    return {r["siteLabel"]: {**r, "rank": i} for i, r in enumerate(rows)}


@pytest.mark.parametrize(
    ("cancer", "site", "source", "value", "count", "denominator", "measure", "timing"),
    [
        (
            "head and neck cancer",
            "brain",
            "Liu 2021 (head and neck, brain)",
            "0.9",
            88,
            9432,
            ALL_PATIENTS,
            "over the course of the disease",
        ),
        (
            "head and neck cancer",
            "lung",
            "Liu 2019 (head and neck, NCDB)",
            "53.1",
            None,
            None,
            METASTATIC_PATIENTS,
            "at diagnosis",
        ),
        (
            "head and neck cancer",
            "cervical lymph nodes",
            "Zhang 2021 (hypopharynx)",
            "72.1",
            176,
            244,
            ALL_PATIENTS,
            "at diagnosis",
        ),
        (
            "cervical cancer",
            "para-aortic lymph nodes",
            "J Clin Oncol 2001 (cervix, PET before radiotherapy)",
            "20.8",
            21,
            101,
            ALL_PATIENTS,
            "at diagnosis",
        ),
        (
            "cervical cancer",
            "supraclavicular lymph nodes",
            "J Clin Oncol 2001 (cervix, PET before radiotherapy)",
            "7.9",
            8,
            101,
            ALL_PATIENTS,
            "at diagnosis",
        ),
        (
            "cervical cancer",
            "mediastinal lymph nodes",
            "Onal 2013 (cervix, mediastinal nodes)",
            "0.9",
            2,
            228,
            ALL_PATIENTS,
            "at diagnosis",
        ),
        (
            "ovarian cancer",
            "bowel",
            "Giorda 2014 (advanced ovarian cancer, bowel)",
            "38.5",
            116,
            301,
            ALL_PATIENTS,
            "at diagnosis",
        ),
        (
            "adrenocortical carcinoma",
            "lymph nodes",
            "Sada 2021 (adrenocortical, nodes examined)",
            "25.0",
            None,
            None,
            ALL_PATIENTS,
            "at diagnosis",
        ),
        (
            "testicular seminoma",
            "lymph nodes",
            "Agnarsson 2006 (Iceland, seminoma)",
            "17.0",
            None,
            None,
            ALL_PATIENTS,
            "at diagnosis",
        ),
        (
            "diffuse large B-cell lymphoma",
            "bone",
            "Ghione 2024 (DLBCL, bone)",
            "16.0",
            None,
            1860,
            ALL_PATIENTS,
            "at diagnosis",
        ),
        (
            "glioblastoma",
            "leptomeninges",
            "Mandel 2014 (glioblastoma, leptomeninges)",
            "4.0",
            24,
            595,
            ALL_PATIENTS,
            "over the course of the disease",
        ),
        (
            "glioblastoma",
            "leptomeninges",
            "Wegener 2023 (glioblastoma, leptomeninges)",
            "5.2",
            21,
            407,
            ALL_PATIENTS,
            "over the course of the disease",
        ),
        (
            "glioblastoma",
            "leptomeninges",
            "Noh 2015 (glioblastoma, leptomeninges)",
            "23.4",
            75,
            321,
            ALL_PATIENTS,
            "over the course of the disease",
        ),
        (
            "glioblastoma",
            "leptomeninges",
            "Erlich 1978 (glioblastoma, spinal)",
            "25.0",
            5,
            20,
            ALL_PATIENTS,
            "at autopsy",
        ),
        (
            "nasopharyngeal carcinoma",
            "cervical lymph nodes",
            "Ho 2012 (nasopharynx, neck nodes)",
            "85.0",
            None,
            2920,
            ALL_PATIENTS,
            "at diagnosis",
        ),
        (
            "NPC",
            "retropharyngeal lymph nodes",
            "Ho 2012 (nasopharynx, neck nodes)",
            "69.0",
            None,
            2920,
            ALL_PATIENTS,
            "at diagnosis",
        ),
        (
            "medullary thyroid cancer",
            "cervical lymph nodes",
            "Wu 2020 (medullary thyroid, neck nodes)",
            "47.2",
            59,
            125,
            ALL_PATIENTS,
            "at diagnosis",
        ),
        (
            "parotid cancer",
            "cervical lymph nodes",
            "Armstrong 1992 (salivary gland, neck nodes)",
            "14.1",
            67,
            474,
            ALL_PATIENTS,
            "at diagnosis",
        ),
        (
            "medulloblastoma",
            "bone marrow",
            "Young 2015 (medulloblastoma outside the nervous system)",
            "42.9",
            6,
            14,
            SUBSET,
            "over the course of the disease",
        ),
    ],
)
def test_each_figure_is_the_sources_own(graph, cancer, site, source, value, count, denominator, measure, timing):
    row = figure(graph, cancer, site, source)
    assert row["value"] == Decimal(value)
    assert (row["count"], row["denominator"]) == (count, denominator)
    assert (row["measure"], row["timing"]) == (measure, timing)


def test_the_mediastinal_nodes_of_cervical_cancer_are_a_range_from_proven_to_seen(graph) -> None:
    # 2 of 228 proven by biopsy, 10 of 228 seen on PET/CT: shown as a range, its lower end sets the level.
    row = answer(graph, "cervical cancer")["mediastinal lymph nodes"]
    assert row["figure"].startswith("0.9–4.4% of all patients, at diagnosis (Onal 2013")
    assert row["frequency"] == "uncommon"


def test_cervical_cancer_node_groups_rank_by_their_figures(graph) -> None:
    rows = answer(graph, "cervical cancer")
    assert rows["para-aortic lymph nodes"]["frequency"] == "very common"
    assert rows["supraclavicular lymph nodes"]["frequency"] == "common"
    ranks = [
        rows[s]["rank"] for s in ("para-aortic lymph nodes", "supraclavicular lymph nodes", "mediastinal lymph nodes")
    ]
    assert ranks == sorted(ranks)


def test_ovarian_cancer_reaches_the_bowel_more_often_than_distant_organs(graph) -> None:
    rows = answer(graph, "ovarian cancer")
    assert rows["bowel"]["frequency"] == "very common"
    assert rows["peritoneum"]["rank"] < rows["bowel"]["rank"] < min(rows[s]["rank"] for s in ("liver", "lung", "bone"))


def test_adrenocortical_carcinoma_has_a_figure(graph) -> None:
    rows = answer(graph, "adrenocortical carcinoma")
    assert rows["lymph nodes"]["frequency"] == "very common"
    assert "Sada 2021" in rows["lymph nodes"]["figure"]


def test_non_seminoma_finds_the_non_seminomatous_subtype(graph) -> None:
    # Testicular cancer's answer draws on non-seminoma sources for the lungs, liver and brain; a
    # man told he has a seminoma or a non-seminoma is answered for that kind.
    assert answer(graph, "non-seminoma") == answer(graph, "NSGCT")
    assert "Nicolai 1995" in answer(graph, "non-seminoma")["retroperitoneal lymph nodes"]["figure"]


def test_the_bone_marrow_figure_of_medulloblastoma_sets_no_level(graph) -> None:
    # The figure describes only people whose medulloblastoma spread outside the nervous system: it
    # sets no frequency level.
    row = answer(graph, "medulloblastoma")["bone marrow"]
    assert row["frequency"] == "reported"
    assert row["figure"] == "no figure that can set a level (see evidence)"


def test_the_coverings_of_the_brain_take_the_highest_level_of_the_glioblastoma_series(graph) -> None:
    # 4.0% and 5.2% of all patients over the course are common; 23.4% is very common; 25% at
    # autopsy counts one level lower (common). The link takes the highest level.
    row = answer(graph, "primary brain tumour")["leptomeninges"]
    assert row["frequency"] == "very common"
    figure_text = "23.4% of all patients, over the course of the disease (Noh 2015 (glioblastoma, leptomeninges))"
    assert row["figure"] == figure_text
    assert row["rank"] == 0
    assert row["nSources"] == 5


def test_the_neck_nodes_lead_the_answer_for_nasopharyngeal_cancer(graph) -> None:
    # Before, the answer named only bone, brain and liver: the neck nodes, where this cancer spreads
    # first and in most people, were missing. They are regional spread, not distant.
    rows = answer(graph, "nasopharyngeal cancer")
    assert [r for r in rows if rows[r]["rank"] < 2] == ["cervical lymph nodes", "retropharyngeal lymph nodes"]
    assert {rows[s]["classification"] for s in ("cervical lymph nodes", "retropharyngeal lymph nodes")} == {"regional"}
    assert rows["retropharyngeal lymph nodes"]["partOf"] == "cervical lymph nodes"
    assert rows["bone"]["frequency"] == "common" and rows["bone"]["classification"] == "distant"


@pytest.mark.parametrize("cancer", ["medullary thyroid cancer", "salivary gland cancer"])
def test_the_neck_nodes_are_in_the_answer_as_regional_spread(graph, cancer) -> None:
    # Both answers named only distant sites before.
    row = answer(graph, cancer)["cervical lymph nodes"]
    assert (row["frequency"], row["classification"]) == ("very common", "regional")


def test_bone_leads_the_answer_for_non_hodgkin_lymphoma(graph) -> None:
    # Bone (16% at diagnosis) and bone marrow (11.2%) are both very common; the marrow is part of bone.
    rows = answer(graph, "non-Hodgkin lymphoma")
    assert [rows[s]["frequency"] for s in ("bone", "bone marrow")] == ["very common"] * 2
    assert rows["bone"]["rank"] == 0 and rows["bone marrow"]["partOf"] == "bone"
    assert rows["central nervous system"]["frequency"] == "common"


def test_seminoma_has_a_figure_of_its_own(graph) -> None:
    # Before, seminoma's only link (nodes at the back of the abdomen) rested on a description.
    rows = answer(graph, "testicular seminoma")
    assert answer(graph, "seminoma") == rows  # the bare word finds the subtype, not testicular cancer
    assert rows["lymph nodes"]["frequency"] == "very common"
    assert rows["lymph nodes"]["figure"].startswith("17% of all patients, at diagnosis (Agnarsson 2006")
    assert rows["lymph nodes"]["rank"] == 0
    assert not {"lung", "liver", "bone", "brain"} & set(rows)  # the parent's distant sites are not borrowed
