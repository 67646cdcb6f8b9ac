"""Honest answers: sites ranked by how common they are, regional apart from distant, no staging
guess. Every question is asked of both embedded engines (Oxigraph and rdflib).

The expected answers are the consensus of the cited sources, not the output of the code: each
case names the source(s) it comes from.
"""

from __future__ import annotations

import pytest

from cancer_spread import run_query, sparql

from .conftest import FIXTURES, load_with_ontology

LEVELS = ["very common", "common", "uncommon", "reported", "rare"]
CLASSES = {"distant", "regional", "local", "unclassified"}


@pytest.fixture(scope="module")
def graph(engine_graph):
    return engine_graph


def sites(graph, cancer, **params):
    return run_query("metastatic-sites", graph, cancer=cancer, **params)


def labels(rows):
    return [r["siteLabel"] for r in rows]


# ------------------------------------------------------------------ the top site, by consensus

# (cancer as people type it, expected top site, where the consensus comes from)
CONSENSUS_TOP = [
    (
        "kidney cancer",
        "lung",
        "NIS 2008-2015 (Int J Clin Oncol 2021, doi 10.1007/s10147-021-01874-3): thoracic 51-53%, bone 29-30%",
    ),
    ("breast", "bone", "Gong 2018 (65.1% of metastatic patients); Wang 2019 (bone-only 39.8%); NCI; CRUK"),
    (
        "thyroid cancer",
        "lung",
        "Kim 2018 (lung-only 62% vs bone-only 20% of differentiated thyroid cancer with distant spread)",
    ),
    ("ovarian cancer", "peritoneum", "Hess 2006 (abdominal cavity 91%); transcoelomic spread is the main route (FIGO)"),
    ("prostate", "bone", "Huang 2020 (88.74%); Gandaglia 2014 (84%); Hess 2006 (90%)"),
    ("bowel cancer", "liver", "Holch 2017 (70%); Riihimaki 2016 (colorectal)"),
    ("pancreatic cancer", "liver", "Hess 2006 (85%); Am J Cancer Res 2020 (39.96% of all patients)"),
    ("stomach cancer", "liver", "Riihimaki 2016 (48% vs peritoneum 32%); Sun 2019"),
    ("oesophageal cancer", "liver", "Wu 2018 (32.4% of metastatic sites)"),
    ("bladder cancer", "lymph nodes", "Shinagare 2011 (lymph nodes 69%, bone 47%, lung 37%)"),
    ("liver cancer", "lung", "Katyal 2000 (lung 55% of extrahepatic spread of hepatocellular carcinoma)"),
    (
        "bile duct cancer",
        "lung",
        "J Oncol 2020 (doi 10.1155/2020/7195373): lung 105 of 186 patients with distant spread",
    ),
    ("neuroendocrine tumour", "liver", "Riihimaki 2016 (NET): liver 82%; CRUK and Macmillan liver pages"),
    ("non-small cell lung cancer", "bone", "Huang 2020 (36.86% in adenocarcinoma); Riihimaki 2014 (39%)"),
    (
        "bone sarcoma",
        "lung",
        "sarcomas spread through the blood to the lungs; Medicine 2022 (osteosarcoma, 16.94% at diagnosis)",
    ),
    ("soft tissue sarcoma", "lung", "Rizk 2024 (7.9% at diagnosis); CRUK secondary lung cancer page"),
    ("colon cancer", "liver", "Brouwer 2020 (liver-only 54%)"),
    ("rectal cancer", "liver", "Brouwer 2020 (liver-only 52%, lung 28%)"),
    (
        "neuroblastoma",
        "bone marrow",
        "WJSO 2023 background (bone marrow and bone commonest); DuBois 1999 (bone marrow 57-81% of stage 4)",
    ),
    (
        "medulloblastoma",
        "leptomeninges",
        "Meyers 2000 (spinal leptomeningeal spread in 11% at diagnosis); Childs Nerv Syst 2021 review (spread at"
        " diagnosis in 20-30%, almost all leptomeningeal); spread outside the nervous system is about 5%",
    ),
    (
        "womb cancer",
        "lung",
        "SEER 2010-2015 meeting abstract (JCO e17109): lung the commonest distant site, 1,331 of 3,053 patients"
        " with distant spread; CRUK stage 4 womb cancer page",
    ),
    ("osteosarcoma", "lung", "Xu 2022 (SEER, lung 83.8% of 278 patients with distant spread at diagnosis)"),
    (
        "Ewing sarcoma",
        "lung",
        "J Bone Oncol 2021 (SEER, lung 49.1% of 371 distant sites at diagnosis); GPOH lists the lungs first",
    ),
]


@pytest.mark.parametrize(("cancer", "top", "why"), CONSENSUS_TOP, ids=[c for c, *_ in CONSENSUS_TOP])
def test_top_site_matches_the_cited_consensus(graph, cancer, top, why) -> None:
    rows = sites(graph, cancer)
    assert rows[0]["siteLabel"] == top, f"{cancer}: {labels(rows)[:4]} ({why})"


def test_at_least_fifteen_cancers_have_a_consensus_top_site() -> None:
    assert len({c for c, *_ in CONSENSUS_TOP}) >= 15


def test_breast_bone_first_then_lung_and_liver_before_brain(graph) -> None:
    names = labels(sites(graph, "breast"))
    assert names[0] == "bone"
    assert names.index("lung") < names.index("brain")
    assert names.index("liver") < names.index("brain")


def test_melanoma_lymph_nodes_and_lung_lead_and_brain_is_not_first(graph) -> None:
    # Patel 1978 (216 autopsies): lymph nodes 73.6%, lungs 71.3%, liver 58.3%, brain 49.1%, bone 48.6%;
    # the brain is common (Cagney 2017: 28.2% of metastatic patients at diagnosis) but not the first site.
    names = labels(sites(graph, "melanoma"))
    assert set(names[:2]) == {"lymph nodes", "lung"}, names[:4]
    assert names.index("brain") > names.index("liver")


def test_medulloblastoma_spread_outside_the_nervous_system_never_sets_a_level(graph) -> None:
    # The 103-case review counts only the few patients whose tumour spread outside the nervous system.
    rows = sites(graph, "medulloblastoma")
    bone = next(r for r in rows if r["siteLabel"] == "bone")
    assert bone["frequency"] == "reported", bone
    assert "90" not in bone["figure"] and "82" not in bone["figure"], bone["figure"]


def test_ovary_brain_is_rare_and_not_in_the_top_three(graph) -> None:
    # Xi 2020: brain metastases in 0.30% of 29,512 women with ovarian cancer at diagnosis.
    rows = sites(graph, "ovarian cancer")
    assert rows[0]["siteLabel"] == "peritoneum"
    assert "brain" not in labels(rows)[:3]
    brain = next(r for r in rows if r["siteLabel"] == "brain")
    assert brain["frequency"] == "rare"
    assert "12.02" not in brain["figure"], "a share of a study-defined subset is never the figure used"


def test_testicular_lymph_nodes_are_in_the_top_two(graph) -> None:
    # Xu 2020 (SEER, at diagnosis): lung 61.9%, distant lymph nodes 36.2% of patients with distant
    # spread; the retroperitoneal nodes, the first step, are regional (AJCC 8), not distant.
    rows = sites(graph, "testicular cancer")
    assert any("lymph nodes" in r["siteLabel"] for r in rows[:2]), labels(rows)[:3]
    retro = next(r for r in rows if r["siteLabel"] == "retroperitoneal lymph nodes")
    assert retro["classification"] == "regional"


def test_lung_cancer_has_a_figure_on_its_top_row(graph) -> None:
    row = sites(graph, "lung cancer")[0]
    assert "%" in row["figure"] and row["frequency"] == "very common"


def test_small_cell_lung_cancer_liver_bone_and_nervous_system_are_all_very_common(graph) -> None:
    # Riihimaki 2014 (nervous system 47%, liver 35%), Huang 2020 (bone 34.56%): none clearly first.
    rows = sites(graph, "small cell lung cancer")
    very_common = {r["siteLabel"] for r in rows if r["frequency"] == "very common"}
    assert {"liver", "bone", "central nervous system"} <= very_common


# ------------------------------------------------------------------ the ranking rule


@pytest.mark.parametrize("cancer", ["breast", "kidney", "stomach", "lung cancer", "oesophagus", "melanoma"])
def test_rows_are_ranked_by_level_then_comparable_figure_then_name(graph, cancer) -> None:
    rows = sites(graph, cancer)
    assert rows, cancer
    order = [LEVELS.index(r["frequency"]) for r in rows]
    assert order == sorted(order)
    for level in set(order):
        group = [r for r in rows if LEVELS.index(r["frequency"]) == level]
        figures = [r["bestFigure"] for r in group if r["bestFigure"] is not None]
        assert [r["bestFigure"] for r in group[: len(figures)]] == sorted(figures, reverse=True)
        tail = [r["siteLabel"] for r in group[len(figures) :]]
        assert tail == sorted(tail), "sites of equal strength are listed by name, not as stronger or weaker"
    for r in rows:
        assert r["classification"] in CLASSES
        assert r["figure"], "every row says what its figure is, or that it has none"


def test_autopsy_and_at_diagnosis_figures_are_not_compared(graph) -> None:
    # Stomach: lymph nodes 56% at autopsy (Verstegen 2020) was ranked above liver at diagnosis.
    rows = sites(graph, "stomach")
    nodes = next(r for r in rows if r["siteLabel"] == "lymph nodes")
    assert nodes["bestFigure"] is None and "autopsy" in nodes["figure"]
    assert labels(rows).index("liver") < labels(rows).index("lymph nodes")


def test_a_restricted_denominator_is_its_own_measure(graph) -> None:
    # Ren 2016: 63.1% is a share of M1b (extrathoracic) patients only.
    rows = sites(graph, "non-small cell lung cancer")
    bone = next(r for r in rows if r["siteLabel"] == "bone")
    assert bone["bestFigure"] != 63.1 and "Ren 2016" not in bone["figure"]
    assert sparql(
        "ASK { evidence:nsclc--bone--ren-2016 cs:measure measure:extrathoracic-metastatic-patients-with-site }",
        graph,
    )
    assert not sparql("ASK { ?p cs:frequencyBasis evidence:nsclc--bone--ren-2016 }", graph)


def test_a_site_without_a_figure_says_so(graph) -> None:
    # (kidney cancer to the liver, the example until it got a figure, is now "common")
    rows = sites(graph, "breast")
    nodes = next(r for r in rows if r["siteLabel"] == "lymph nodes")
    assert nodes["frequency"] == "reported" and nodes["bestFigure"] is None
    assert nodes["figure"].startswith("no figure")


def test_the_figure_used_is_in_plain_words(graph) -> None:
    row = sites(graph, "kidney")[0]
    assert row["figure"].startswith("70.3% of patients with distant spread, over the course of the disease")
    assert "(Dudani 2021 (IMDC))" in row["figure"]


# ------------------------------------------------------------------ roll-ups and parts


def test_parent_without_figures_shows_its_subtypes_evidence_and_names_the_subtype() -> None:
    # A made-up parent with no figure of its own is answered from its subtype's links, the row
    # naming the subtype; a parent with a figure of its own is answered from its own links only.
    g = load_with_ontology(FIXTURES / "roll-up.ttl")
    bare = {r["siteLabel"]: r for r in sites(g, "bare parent")}
    assert bare["far site"]["figure"].startswith("from bare child: 40% of patients with distant spread")
    assert bare["far site"]["frequency"] == "very common"
    assert bare["near site"]["frequency"] == "reported"  # the parent's own link stays in the answer
    own = sites(g, "own parent")
    assert [(r["siteLabel"], r["frequency"]) for r in own] == [("near site", "common")]


def test_primary_brain_tumours_are_answered_from_their_own_figures(graph) -> None:
    # With glioblastoma series of its own (Mandel 2014, Wegener 2023, Noh 2015, Erlich 1978),
    # primary brain tumours are no longer answered from medulloblastoma, a childhood tumour: the
    # coverings of the brain and spinal cord lead, and no row borrows a subtype's figure.
    rows = sites(graph, "primary brain tumour")
    assert all(not r["figure"].startswith("from ") for r in rows)
    assert rows[0]["siteLabel"] == "leptomeninges" and "glioblastoma" in rows[0]["figure"]
    assert {r["frequency"] for r in rows[1:]} == {"reported"}  # spread outside the nervous system
    assert all(not r["figure"].startswith("from ") for r in sites(graph, "thyroid cancer"))


def test_head_and_neck_cancer_is_answered_from_its_own_figures(graph) -> None:
    # Answered from its subtypes, head and neck cancer put salivary gland cancer's lung, bone and
    # liver figures first and its neck nodes last, as "reported". With figures of its own, the
    # neck nodes are very common, the lungs lead distant spread and the brain is uncommon.
    rows = sites(graph, "head and neck cancer")
    assert all(not r["figure"].startswith("from ") for r in rows)
    by_site = {r["siteLabel"]: r for r in rows}
    assert by_site["cervical lymph nodes"]["frequency"] == by_site["lung"]["frequency"] == "very common"
    assert by_site["brain"]["frequency"] == "uncommon"
    assert labels(rows).index("brain") > max(labels(rows).index(s) for s in ("lung", "cervical lymph nodes"))
    assert "hypopharynx" in by_site["cervical lymph nodes"]["figure"]


def test_a_site_and_its_part_are_related_rows(graph) -> None:
    rows = sites(graph, "small cell lung cancer")
    brain = next(r for r in rows if r["siteLabel"] == "brain")
    assert brain["partOf"] == "central nervous system"
    assert labels(rows).index("central nervous system") < labels(rows).index("brain")


# ------------------------------------------------------------------ regional is not secondary


@pytest.mark.parametrize(
    ("cancer", "site", "expected"),
    [
        ("breast", "axillary lymph nodes", "regional"),
        ("breast", "lymph nodes", "unclassified"),
        ("breast", "bone", "distant"),
        ("ovarian cancer", "peritoneum", "regional"),
        ("bile duct cancer", "liver", "local"),
        ("testicular cancer", "retroperitoneal lymph nodes", "regional"),
        ("melanoma", "lymph nodes", "unclassified"),
    ],
)
def test_classification_column(graph, cancer, site, expected) -> None:
    row = next(r for r in sites(graph, cancer) if r["siteLabel"] == site)
    assert row["classification"] == expected


# ------------------------------------------------------------------ the frequency level in the graph


def test_every_spread_pattern_has_one_frequency_level_and_one_class(graph) -> None:
    assert not sparql(
        "ASK { ?p a cs:SpreadPattern . FILTER NOT EXISTS { ?p cs:frequency ?f ; cs:spreadClass ?c } }", graph
    )
    assert not sparql("ASK { ?p cs:frequency ?a, ?b . FILTER(?a != ?b) }", graph)
    levels = {
        r["l"]
        for r in sparql(
            "SELECT DISTINCT (STR(?x) AS ?l) WHERE { ?p cs:frequency/skos:prefLabel ?x } ORDER BY ?l", graph
        )
    }
    assert levels <= set(LEVELS)


def _levels(path):
    g = load_with_ontology(path)
    rows = g.query(
        "PREFIX cs: <https://w3id.org/cancer-spread/vocab/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>"
        " SELECT ?p ?l WHERE { ?p cs:frequency/skos:prefLabel ?l }"
    )
    return {str(p).rsplit("/", 1)[-1]: str(label) for p, label in rows}


def test_frequency_rule_thresholds_measures_and_timings() -> None:
    got = _levels(FIXTURES / "frequency-rule.ttl")
    expected = {
        "c--with-30": "very common",
        "c--with-29": "common",
        "c--with-2": "uncommon",
        "c--with-1": "rare",
        "c--all-10": "very common",
        "c--all-2": "common",
        "c--all-05": "uncommon",
        "c--all-04": "rare",
        "c--only-1": "reported",  # a lower bound cannot show rarity
        "c--only-35": "very common",
        "c--autopsy-35": "common",  # autopsy counts one level lower
        "c--autopsy-5": "rare",
        "c--reverse-97": "reported",  # the reverse question sets no level
        "c--restricted-63": "reported",  # a restricted denominator sets no level
        "c--listing": "reported",
        "c--mixed": "very common",  # the highest level any figure supports
    }
    assert got == expected


# ------------------------------------------------------------------ staging never guesses


def classify(graph, cancer, site):
    return run_query("classify-spread", graph, cancer=cancer, site=site)


# (cancer, site, classification, staging category) as AJCC 8 / FIGO 2014 and 2018 say
STAGING = [
    # breast (AJCC 8): same-side axillary, infraclavicular, internal mammary, supraclavicular are N
    ("breast", "axillary lymph nodes", "regional", "N1-N2"),
    ("breast", "infraclavicular lymph nodes", "regional", "N3a"),
    ("breast", "internal mammary lymph nodes", "regional", "N1-N3"),
    ("breast", "supraclavicular lymph nodes", "regional", "N3c"),
    ("breast", "contralateral axillary lymph nodes", "distant", "M1"),
    ("breast", "contralateral supraclavicular lymph nodes", "distant", "M1"),
    ("breast", "contralateral internal mammary lymph nodes", "distant", "M1"),
    ("breast", "cervical lymph nodes", "distant", "M1"),
    # lung (AJCC 8): ipsilateral hilar N1, ipsilateral mediastinal N2, contralateral and scalene N3
    ("lung cancer", "hilar lymph nodes", "regional", "N1"),
    ("lung cancer", "mediastinal lymph nodes", "regional", "N2"),
    ("lung cancer", "contralateral hilar lymph nodes", "regional", "N3"),
    ("lung cancer", "contralateral mediastinal lymph nodes", "regional", "N3"),
    ("lung cancer", "supraclavicular lymph nodes", "regional", "N3"),
    ("non-small cell lung cancer", "supraclavicular lymph nodes", "regional", "N3"),
    ("lung cancer", "axillary lymph nodes", "distant", "M1b-M1c"),
    ("lung cancer", "abdominal lymph nodes", "distant", "M1b-M1c"),
    # head and neck, thyroid: the supraclavicular nodes are neck nodes (levels IV, Vb)
    ("head and neck cancer", "cervical lymph nodes", "regional", "N1-N3"),
    ("head and neck cancer", "supraclavicular lymph nodes", "regional", "N1-N3"),
    ("thyroid cancer", "cervical lymph nodes", "regional", "N1a/N1b"),
    ("thyroid cancer", "supraclavicular lymph nodes", "regional", "N1a/N1b"),
    ("thyroid cancer", "mediastinal lymph nodes", "regional", "N1a"),
    # melanoma: regional only for the basin that drains the primary; deep nodes M1a
    ("melanoma", "axillary lymph nodes", "regional", "N1-N3"),
    ("melanoma", "cervical lymph nodes", "regional", "N1-N3"),
    ("melanoma", "supraclavicular lymph nodes", "regional", "N1-N3"),
    ("melanoma", "inguinal lymph nodes", "regional", "N1-N3"),
    ("melanoma", "mediastinal lymph nodes", "distant", "M1a"),
    ("melanoma", "retroperitoneal lymph nodes", "distant", "M1a"),
    ("melanoma", "skin", "unclassified", "N1c-N3c or M1a"),
    # prostate, bladder, colorectal, testicular (AJCC 8)
    ("prostate", "pelvic lymph nodes", "regional", "N1"),
    ("prostate", "para-aortic lymph nodes", "distant", "M1a"),
    ("prostate", "inguinal lymph nodes", "distant", "M1a"),
    ("bladder cancer", "pelvic lymph nodes", "regional", "N1-N3"),
    ("bladder cancer", "retroperitoneal lymph nodes", "distant", "M1a"),
    ("bowel cancer", "mesenteric lymph nodes", "regional", "N1-N2"),
    ("bowel cancer", "para-aortic lymph nodes", "distant", "M1"),
    ("bowel cancer", "inguinal lymph nodes", "distant", "M1"),
    ("testicular cancer", "retroperitoneal lymph nodes", "regional", "N1-N3"),
    ("testicular cancer", "para-aortic lymph nodes", "regional", "N1-N3"),
    ("testicular cancer", "mediastinal lymph nodes", "distant", "M1a"),
    ("testicular cancer", "supraclavicular lymph nodes", "distant", "M1a"),
    # kidney: the nodes along the aorta and vena cava are regional; stomach and pancreas: they are not
    ("kidney cancer", "para-aortic lymph nodes", "regional", "N1"),
    ("kidney cancer", "retroperitoneal lymph nodes", "regional", "N1"),
    ("kidney cancer", "mediastinal lymph nodes", "distant", "M1"),
    ("stomach cancer", "para-aortic lymph nodes", "distant", "M1"),
    ("stomach cancer", "supraclavicular lymph nodes", "distant", "M1"),
    ("pancreatic cancer", "para-aortic lymph nodes", "distant", "M1"),
    # pleural mesothelioma (AJCC 8): every chest node and the supraclavicular nodes are regional
    ("mesothelioma", "hilar lymph nodes", "regional", "N1"),
    ("mesothelioma", "contralateral mediastinal lymph nodes", "regional", "N2"),
    ("mesothelioma", "supraclavicular lymph nodes", "regional", "N2"),
    ("mesothelioma", "abdominal lymph nodes", "distant", "M1"),
    # gynaecological cancers (FIGO)
    ("cervical cancer", "pelvic lymph nodes", "regional", "FIGO 2018 IIIC1"),
    ("cervical cancer", "para-aortic lymph nodes", "regional", "FIGO 2018 IIIC2"),
    ("cervical cancer", "supraclavicular lymph nodes", "distant", "M1 (FIGO IVB)"),
    ("womb cancer", "pelvic lymph nodes", "regional", "N1 (FIGO IIIC1)"),
    ("womb cancer", "para-aortic lymph nodes", "regional", "N2 (FIGO IIIC2)"),
    ("womb cancer", "inguinal lymph nodes", "distant", "M1 (FIGO IVB)"),
    ("ovarian cancer", "pelvic lymph nodes", "regional", "N1 (FIGO IIIA1)"),
    ("ovarian cancer", "para-aortic lymph nodes", "regional", "N1 (FIGO IIIA1)"),
    ("ovarian cancer", "inguinal lymph nodes", "distant", "M1 (FIGO IVB)"),
    ("ovarian cancer", "peritoneum", "regional", "T3 (FIGO III)"),
    ("ovarian cancer", "omentum", "regional", "T3 (FIGO III)"),
    ("ovarian cancer", "liver", "distant", "M1b (FIGO IVB)"),
    ("ovarian cancer", "pleura", "distant", "M1a (FIGO IVA)"),
    ("ovarian cancer", "bowel", "unclassified", "T2b-T3 (FIGO IIB-III) or M1b (FIGO IVB)"),
    # AJCC 8: oesophagus, thymus, small bowel and its neuroendocrine tumours; uveal melanoma's
    # regional nodes are those of the head and neck only (a skin melanoma's basins do not apply)
    ("oesophageal cancer", "mediastinal lymph nodes", "regional", "N1-N3"),
    ("thymic cancer", "mediastinal lymph nodes", "regional", "N1-N2"),
    ("thymic cancer", "cervical lymph nodes", "regional", "N2"),
    ("small bowel cancer", "mesenteric lymph nodes", "regional", "N1-N2"),
    ("gut neuroendocrine tumour", "mesenteric lymph nodes", "regional", "N1-N2"),
    ("uveal melanoma", "cervical lymph nodes", "regional", "N1a"),
    ("uveal melanoma", "armpit lymph nodes", "distant", "M1"),
    ("uveal melanoma", "inguinal lymph nodes", "distant", "M1"),
    # intrahepatic cholangiocarcinoma: further tumours in the liver are T2, not distant
    ("bile duct cancer", "liver", "local", "T2"),
    ("lung cancer", "lung", "unclassified", "T3, T4 or M1a"),
    # AJCC 8, cancers whose node rules came later: liver, gallbladder and bile ducts drain first to
    # the nodes at the liver hilum; other abdominal nodes are distant (the liver's caval nodes aside)
    ("liver cancer", "porta hepatis lymph nodes", "regional", "N1"),
    ("liver cancer", "para-aortic lymph nodes", "distant", "M1"),
    ("liver cancer", "retroperitoneal lymph nodes", "unclassified", "N1 or M1"),
    ("gallbladder cancer", "hepatic hilar lymph nodes", "regional", "N1-N2"),
    ("gallbladder cancer", "para-aortic lymph nodes", "distant", "M1"),
    ("gallbladder cancer", "retroperitoneal lymph nodes", "distant", "M1"),
    ("bile duct cancer", "hepatic hilar lymph nodes", "regional", "N1-N2"),
    ("bile duct cancer", "para-aortic lymph nodes", "distant", "M1"),
    # hepatoblastoma is staged with PRETEXT, not the adult liver chapter: any abdominal node is N1
    ("hepatoblastoma", "porta hepatis lymph nodes", "regional", "N1 (2005 PRETEXT)"),
    ("hepatoblastoma", "para-aortic lymph nodes", "regional", "N1 (2005 PRETEXT)"),
    ("hepatoblastoma", "retroperitoneal lymph nodes", "regional", "N1 (2005 PRETEXT)"),
    ("hepatoblastoma", "abdominal lymph nodes", "regional", "N1 (2005 PRETEXT)"),
    ("hepatoblastoma", "mediastinal lymph nodes", "distant", "N2 (2005 PRETEXT)"),
    ("hepatoblastoma", "cervical lymph nodes", "distant", "N2 (2005 PRETEXT)"),
    # the same hilar nodes are regional for a duodenal primary only; FIGO does not place them
    ("small bowel cancer", "hepatic hilar lymph nodes", "unclassified", "N1-N2 or M1"),
    ("gut neuroendocrine tumour", "hepatic hilar lymph nodes", "unclassified", "N1 or M1"),
    ("ovarian cancer", "hepatic hilar lymph nodes", "unclassified", "not set: N1 (FIGO IIIA1) or M1 (FIGO IVB)"),
    # adrenocortical carcinoma: the nodes along the aorta and vena cava are regional
    ("adrenocortical carcinoma", "para-aortic lymph nodes", "regional", "N1"),
    ("adrenocortical carcinoma", "retroperitoneal lymph nodes", "regional", "N1"),
    ("adrenocortical carcinoma", "mediastinal lymph nodes", "distant", "M1"),
    # Merkel cell carcinoma: the basin draining the skin primary; distant nodes are M1a
    ("Merkel cell carcinoma", "axillary lymph nodes", "regional", "N1 or N3"),
    ("Merkel cell carcinoma", "cervical lymph nodes", "regional", "N1 or N3"),
    ("Merkel cell carcinoma", "inguinal lymph nodes", "regional", "N1 or N3"),
    ("Merkel cell carcinoma", "mediastinal lymph nodes", "distant", "M1a"),
    ("Merkel cell carcinoma", "retroperitoneal lymph nodes", "distant", "M1a"),
    # sarcomas: regional nodes are those draining the primary's place; bone sarcoma's other nodes M1b
    ("bone sarcoma", "axillary lymph nodes", "regional", "N1"),
    ("bone sarcoma", "cervical lymph nodes", "regional", "N1"),
    ("bone sarcoma", "inguinal lymph nodes", "regional", "N1"),
    ("bone sarcoma", "pelvic lymph nodes", "regional", "N1"),
    ("osteosarcoma", "mediastinal lymph nodes", "distant", "M1b"),
    ("soft tissue sarcoma", "axillary lymph nodes", "regional", "N1"),
    ("soft tissue sarcoma", "cervical lymph nodes", "regional", "N1"),
    ("soft tissue sarcoma", "inguinal lymph nodes", "regional", "N1"),
    ("soft tissue sarcoma", "pelvic lymph nodes", "unclassified", "N1 or M1"),
    ("soft tissue sarcoma", "retroperitoneal lymph nodes", "unclassified", "N1 or M1"),
    ("soft tissue sarcoma", "mesenteric lymph nodes", "unclassified", "N1 or M1"),
    ("soft tissue sarcoma", "mediastinal lymph nodes", "unclassified", "N1 or M1"),
]


@pytest.mark.parametrize(("cancer", "site", "expected", "category"), STAGING, ids=[f"{c}-{s}" for c, s, *_ in STAGING])
def test_staging_rule_answers_as_the_staging_system_says(graph, cancer, site, expected, category) -> None:
    [row] = classify(graph, cancer, site)
    assert (row["classification"], row["stagingCategory"]) == (expected, category)
    assert row["rule"] and row["source"] and row["basis"], "every answer names its rule and source"


def test_every_staging_rule_in_the_graph_is_answered_by_classify(graph) -> None:
    rules = sparql(
        "SELECT ?rule ?c ?s (STR(?l) AS ?cls) WHERE { ?rule cs:primaryCancer ?c ; cs:site ?s ; cs:classification ?k ."
        " ?k skos:prefLabel ?l } ORDER BY ?rule",
        graph,
    )
    assert len(rules) >= 60
    for r in rules:
        rows = classify(graph, r["c"], r["s"])
        assert [(x["rule"], x["classification"]) for x in rows] == [(r["rule"], r["cls"])], r["rule"]


@pytest.mark.parametrize(
    ("cancer", "groups"),
    [
        ("breast", ["axillary lymph nodes (N1-N2, same side)", "supraclavicular lymph nodes (N3c, same side)"]),
        ("bowel cancer", ["mesenteric lymph nodes (N1-N2)"]),
        ("prostate", ["pelvic lymph nodes (N1)"]),
        ("lung cancer", ["hilar lymph nodes (N1, same side)", "mediastinal lymph nodes (N2, same side)"]),
        ("melanoma", ["inguinal lymph nodes (N1-N3, for a primary on the skin of the leg"]),
    ],
)
def test_unspecified_lymph_nodes_depend_on_which_nodes(graph, cancer, groups) -> None:
    [row] = classify(graph, cancer, "lymph nodes")
    assert row["classification"] == "depends on which nodes"
    for group in groups:
        assert group in row["basis"]
    assert row["source"] == "AJCC"


def test_a_group_holding_regional_nodes_depends_too(graph) -> None:
    [row] = classify(graph, "bowel cancer", "abdominal lymph nodes")
    assert row["classification"] == "depends on which nodes" and "mesenteric lymph nodes" in row["basis"]


@pytest.mark.parametrize("cancer", ["hodgkin lymphoma", "non-hodgkin lymphoma"])
def test_lymph_nodes_are_local_for_a_lymphoma_and_say_it_once(graph, cancer: str) -> None:
    # A lymphoma starts in lymph nodes: one answer (local), not also "not recorded".
    for site in ("lymph nodes", "axillary lymph nodes"):
        [row] = classify(graph, cancer, site)
        assert row["classification"] == "local", (cancer, site)


def test_lymph_nodes_without_node_rules_are_not_recorded(graph) -> None:
    # lymphomas start in lymph nodes, where the answer is also "local", so they are left out here
    without = sparql(
        "SELECT ?c WHERE { ?c a cs:PrimaryCancer . FILTER NOT EXISTS { ?c skos:broader* ?a ."
        " ?r cs:primaryCancer ?a ; cs:site ?g . ?g skos:broader* site:lymph-nodes }"
        " FILTER NOT EXISTS { ?c skos:broader*/cs:arisesIn ?o . site:lymph-nodes skos:broader* ?o } }"
        " ORDER BY ?c LIMIT 3",
        graph,
    )
    assert without, "some cancer has no node rule on record"
    for r in without:
        [row] = classify(graph, r["c"], "lymph nodes")
        assert row["classification"] == "not recorded" and row["rule"] is None, r["c"]
        [row] = classify(graph, r["c"], "axillary lymph nodes")
        assert row["classification"] == "not recorded", r["c"]


def test_melanoma_rules_state_the_primary_location(graph) -> None:
    [row] = classify(graph, "melanoma", "inguinal lymph nodes")
    assert "leg" in row["condition"] and "M1a" in row["condition"]
    assert sparql("ASK { rule:melanoma--inguinal-lymph-nodes cs:primaryLocation ?where }", graph)


def test_laterality_is_modelled_for_breast_and_lung(graph) -> None:
    assert sparql("ASK { rule:breast--supraclavicular-lymph-nodes cs:laterality cs:sameSide }", graph)
    assert sparql("ASK { rule:breast--contralateral-supraclavicular-lymph-nodes cs:laterality cs:oppositeSide }", graph)
    assert sparql("ASK { rule:lung--contralateral-hilar-lymph-nodes cs:laterality cs:oppositeSide }", graph)
    [row] = classify(graph, "breast", "supraclavicular lymph nodes")
    assert "same side" in row["condition"]


# ------------------------------------------------------------------ fixes found by the 0.1.0 check


def test_glossary_does_not_call_regional_nodes_secondary_cancer(graph) -> None:
    [row] = run_query("define", graph, term="secondary lymph node cancer")
    assert "armpit nodes on the same side as a breast cancer" in row["definition"]
    assert "not called secondary cancer" in row["definition"]
    assert not sparql("ASK { term:secondary-lymph-node-cancer skos:broader term:secondary-cancer }", graph)


def test_codes_agree_with_the_entity(graph) -> None:
    codes = {r["code"] for r in run_query("xrefs", graph, entity="bone sarcoma")}
    assert "NCIT:C9312" in codes and "NCIT:C9343" not in codes
    from cancer_spread.mappings import load_overrides  # the curated broad and narrow matches

    predicates = load_overrides()
    assert predicates[("cancer:bone-sarcoma", "MONDO:0002129")][0] == "skos:broadMatch"
    assert predicates[("cancer:neuroendocrine", "ONCOTREE:GINET")][0] == "skos:narrowMatch"
    assert predicates[("cancer:head-and-neck", "NCIT:C34447")][0] == "skos:narrowMatch"
    assert predicates[("site:soft-tissue", "UBERON:0002072")][0] == "skos:narrowMatch"


def test_intrahepatic_cholangiocarcinoma_counts_are_encoded(graph) -> None:
    rows = {
        r["s"]: (r["count"], r["den"])
        for r in sparql(
            "SELECT (STRAFTER(STR(?site), 'site/') AS ?s) ?count ?den WHERE { ?p cs:primaryCancer cancer:bile-duct ;"
            " cs:site ?site ; cs:evidence ?e . ?e dcterms:source source:icc-distant-metastases-2020 ;"
            " cs:count ?count ; cs:denominator ?den ; cs:measure measure:metastatic-patients-with-site } ORDER BY ?s",
            graph,
        )
    }
    assert rows == {"bone": (50, 186), "lung": (105, 186), "peritoneum": (81, 186)}
