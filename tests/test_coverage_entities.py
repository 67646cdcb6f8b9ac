"""Competency questions for the cancers and sites added for coverage (issue 14, entities).

For every new cancer: where does it spread (by name, as a person types it), what is its parent,
which codes join it to other data. For every new site: which cancers spread there. The expected
answers are what the cited sources say; a test fails when a link, a synonym or a parent is lost.
"""

from __future__ import annotations

import pytest

from cancer_spread import run_query, sparql


@pytest.fixture(scope="session")
def graph(engine_graph):
    return engine_graph


def site_labels(graph, cancer: str, **kw) -> set[str]:
    return {r["siteLabel"] for r in run_query("metastatic-sites", graph, cancer=cancer, **kw)}


def cancer_labels(graph, site: str, **kw) -> set[str]:
    return {r["cancerLabel"] for r in run_query("primaries-for-site", graph, site=site, **kw)}


# name a person might type -> sites the sources name (a subset of what the graph answers)
WHERE_IT_SPREADS = {
    "neuroblastoma": {"bone marrow", "bone", "liver", "skin", "orbit"},
    "Wilms tumor": {"lung", "liver"},
    "nephroblastoma": {"lung", "liver"},
    "Ewing's sarcoma": {"lung", "bone"},
    "rhabdomyosarcoma": {"lung", "bone", "bone marrow"},
    "retinoblastoma": {"orbit", "central nervous system", "bone", "bone marrow", "liver"},
    "hepatoblastoma": {"lung"},
    "medulloblastoma": {"leptomeninges", "spinal cord", "bone"},
    "glioblastoma": {"lung", "bone", "lymph nodes"},
    "Hodgkin's disease": {"lung", "bone", "liver", "spleen", "bone marrow"},
    "NHL": {"central nervous system", "bone marrow", "kidney", "adrenal gland", "lung", "pleura"},
    "multiple myeloma": {"skin", "soft tissue", "liver", "pleura", "lymph nodes", "central nervous system"},
    "leukemia": {"central nervous system", "testis"},
    "eye melanoma": {"liver", "lung", "bone"},
    "mucosal melanoma": {"lung", "liver", "distant lymph nodes"},
    "anal cancer": {"distant lymph nodes", "liver", "lung", "bone"},
    "vulvar cancer": {"inguinal lymph nodes", "lung", "liver", "bone", "skin"},
    "penile cancer": {"inguinal lymph nodes", "pelvic lymph nodes", "lung", "liver"},
    "gall bladder cancer": {"liver", "distant lymph nodes", "lung", "bone", "brain"},
    "small bowel cancer": {"liver"},
    "GIST": {"liver", "peritoneum", "lung", "bone", "heart", "skeletal muscle"},
    "choriocarcinoma": {"lung", "vagina", "liver", "brain"},
    "adrenal cancer": {"lung", "liver", "bone", "lymph nodes"},
    "thymoma": {"pleura", "lung", "liver"},
    "Merkel cell carcinoma": {"distant lymph nodes", "skin", "liver", "bone", "brain"},
    "NPC": {"bone", "liver", "brain"},
    "parotid cancer": {"lung", "bone", "liver"},
    "medullary thyroid carcinoma": {"lung", "bone", "liver", "mediastinum", "brain"},
    "anaplastic thyroid cancer": {"lung", "brain"},
    "islet cell tumour": {"lymph nodes", "liver"},
    "small bowel NET": {"liver", "peritoneum"},
    "lung carcinoid": {"liver", "brain"},
    "ER-positive breast cancer": {"bone", "lung", "liver", "brain"},
    "HER2+ breast cancer": {"liver", "bone", "lung", "brain"},
    "TNBC": {"bone", "lung", "liver", "brain"},
    "lobular breast cancer": {"lung", "liver", "bone", "gastrointestinal tract", "ovary", "peritoneum"},
    "invasive ductal carcinoma": {"lung", "liver", "bone", "ovary"},
    "LUAD": {"bone"},
    "LUSC": {"bone"},
    "right-sided colon cancer": {"liver", "peritoneum", "lung", "brain"},
    "left-sided colon cancer": {"liver", "lung", "bone"},
    "Barrett's cancer": {"liver", "brain"},
    "ESCC": {"lung"},
    "intestinal-type gastric cancer": {"liver", "peritoneum", "lung", "bone"},
    "signet ring cell gastric cancer": {"peritoneum", "liver", "bone", "lung", "ovary"},
    "testicular seminoma": {"retroperitoneal lymph nodes"},
    "NSGCT": {"lung", "liver", "brain", "bone", "mediastinal lymph nodes"},
}

# new cancer IRI -> its parent
PARENT = {
    "ewing-sarcoma": "bone-sarcoma",
    "rhabdomyosarcoma": "soft-tissue-sarcoma",
    "hepatoblastoma": "liver",
    "medulloblastoma": "primary-brain-tumour",
    "uveal-melanoma": "melanoma",
    "mucosal-melanoma": "melanoma",
    "nasopharyngeal": "head-and-neck",
    "salivary-gland": "head-and-neck",
    "medullary-thyroid": "thyroid",
    "anaplastic-thyroid": "thyroid",
    "pancreatic-net": "neuroendocrine",
    "gut-net": "neuroendocrine",
    "lung-net": "neuroendocrine",
    "breast-hr-positive-her2-negative": "breast",
    "breast-her2-positive": "breast",
    "breast-triple-negative": "breast",
    "breast-lobular": "breast",
    "breast-ductal": "breast",
    "lung-adenocarcinoma": "nsclc",
    "lung-squamous-cell": "nsclc",
    "right-colon": "colon",
    "left-colon": "colon",
    "oesophageal-adenocarcinoma": "oesophagus",
    "oesophageal-squamous-cell": "oesophagus",
    "gastric-intestinal": "stomach",
    "gastric-diffuse": "stomach",
    "seminoma": "testicular",
    "non-seminoma": "testicular",
}

# new cancer IRI -> codes checked against OncoTree's mapping files and Mondo's OncoTree mappings
CODES = {
    "neuroblastoma": {"NCIT:C3270", "MONDO:0005072", "ONCOTREE:NBL"},
    "wilms-tumour": {"NCIT:C3267", "MONDO:0019004", "ONCOTREE:WT"},
    "ewing-sarcoma": {"NCIT:C4817", "MONDO:0012817", "ONCOTREE:ES"},
    "rhabdomyosarcoma": {"NCIT:C3359", "MONDO:0005212", "ONCOTREE:RMS"},
    "retinoblastoma": {"NCIT:C7541", "MONDO:0008380", "ONCOTREE:RBL"},
    "hepatoblastoma": {"NCIT:C3728", "MONDO:0018666", "ONCOTREE:LIHB"},
    "medulloblastoma": {"NCIT:C3222", "MONDO:0007959", "ONCOTREE:MBL"},
    "primary-brain-tumour": {"NCIT:C4952", "MONDO:0021632", "ONCOTREE:PBT"},
    "hodgkin-lymphoma": {"NCIT:C9357", "MONDO:0004952", "ONCOTREE:HL", "ICD10:C81"},
    "non-hodgkin-lymphoma": {"NCIT:C3211", "MONDO:0018908", "ONCOTREE:NHL"},
    "myeloma": {"NCIT:C3242", "MONDO:0009693", "ONCOTREE:PCM", "ICD10:C90.0"},
    "leukaemia": {"ICD10:C91", "ICD10:C92", "ICD10:C95"},
    "uveal-melanoma": {"NCIT:C7712", "MONDO:0006486", "ONCOTREE:UM"},
    "mucosal-melanoma": {"ONCOTREE:ARMM", "MONDO:0006081", "ONCOTREE:VMM"},
    "anal": {"ICD10:C21", "NCIT:C9161", "MONDO:0006082", "ONCOTREE:ANSC"},
    "vulva": {"ICD10:C51", "NCIT:C4052"},
    "penile": {"ICD10:C60", "NCIT:C7729", "MONDO:0018352", "ONCOTREE:PSCC"},
    "gallbladder": {"NCIT:C3844", "MONDO:0005411", "ONCOTREE:GBC", "ICD10:C23"},
    "small-bowel": {"NCIT:C7724", "MONDO:0005522", "ONCOTREE:SBC", "ICD10:C17"},
    "gist": {"NCIT:C3868", "MONDO:0011719", "ONCOTREE:GIST"},
    "gestational-choriocarcinoma": {"NCIT:C27246", "MONDO:0004491", "ONCOTREE:UCCA", "ICD10:C58"},
    "adrenocortical": {"NCIT:C9325", "MONDO:0006639", "ONCOTREE:ACC", "ICD10:C74.0"},
    "thymic": {"NCIT:C6450", "MONDO:0018079", "ONCOTREE:TET", "ICD10:C37"},
    "merkel-cell": {"NCIT:C9231", "MONDO:0019210", "ONCOTREE:MCC"},
    "nasopharyngeal": {"NCIT:C3871", "MONDO:0015459", "ONCOTREE:NPC", "ICD10:C11"},
    "salivary-gland": {"NCIT:C9272", "MONDO:0000521", "ONCOTREE:SACA"},
    "medullary-thyroid": {"NCIT:C3879", "MONDO:0015277", "ONCOTREE:THME"},
    "anaplastic-thyroid": {"NCIT:C3878", "MONDO:0006468", "ONCOTREE:THAP"},
    "pancreatic-net": {"NCIT:C27720", "MONDO:0019954", "ONCOTREE:PANET"},
    "gut-net": {"NCIT:C95404", "MONDO:0000386", "ONCOTREE:GINET"},
    "lung-net": {"NCIT:C5670", "MONDO:0005454", "ONCOTREE:LNET"},
    "breast-lobular": {"NCIT:C7950", "MONDO:0005051", "ONCOTREE:ILC"},
    "breast-ductal": {"NCIT:C4194", "MONDO:0004953", "ONCOTREE:IDC"},
    "lung-adenocarcinoma": {"NCIT:C3512", "MONDO:0005061", "ONCOTREE:LUAD"},
    "lung-squamous-cell": {"NCIT:C3493", "MONDO:0005097", "ONCOTREE:LUSC"},
    "oesophageal-adenocarcinoma": {"NCIT:C4025", "MONDO:0005028", "ONCOTREE:ESCA"},
    "oesophageal-squamous-cell": {"NCIT:C4024", "MONDO:0005580", "ONCOTREE:ESCC"},
    "gastric-intestinal": {"NCIT:C9157", "MONDO:0005037", "ONCOTREE:ISTAD"},
    "gastric-diffuse": {"NCIT:C9159", "MONDO:0005017", "ONCOTREE:DSTAD"},
    "seminoma": {"NCIT:C9309", "MONDO:0003001", "ONCOTREE:SEM"},
    "non-seminoma": {"NCIT:C9313", "MONDO:0021656", "ONCOTREE:NSGCT"},
}

# new site name -> cancers the sources say reach it
WHO_SPREADS_THERE = {
    "gastrointestinal tract": {"invasive lobular breast cancer", "invasive ductal breast cancer"},
    "GI tract": {"invasive lobular breast cancer"},
    "heart": {"gastrointestinal stromal tumour"},
    "skeletal muscle": {"gastrointestinal stromal tumour"},
    "distant lymph nodes": {"anal cancer", "gallbladder cancer", "Merkel cell carcinoma", "mucosal melanoma"},
    "non-regional lymph nodes": {"anal cancer", "Merkel cell carcinoma"},
    "subcutaneous tissue": {"myeloma"},
    "orbit": {"neuroblastoma", "retinoblastoma"},
    "eye socket": {"neuroblastoma", "retinoblastoma"},
}


@pytest.mark.parametrize("cancer", sorted(WHERE_IT_SPREADS))
def test_where_each_new_cancer_spreads(graph, cancer) -> None:
    expected = WHERE_IT_SPREADS[cancer]
    found = site_labels(graph, cancer)
    assert expected <= found, f"{cancer}: missing {expected - found}"


@pytest.mark.parametrize("child", sorted(PARENT))
def test_subtypes_point_to_their_parent(graph, child) -> None:
    assert sparql(f"ASK {{ cancer:{child} skos:broader cancer:{PARENT[child]} }}", graph)


@pytest.mark.parametrize("cancer", sorted(CODES))
def test_verified_codes_join_new_cancers(graph, cancer) -> None:
    rows = sparql(f"SELECT ?code WHERE {{ cancer:{cancer} cs:xref ?code }}", graph)
    codes = {str(r["code"]) for r in rows}
    assert CODES[cancer] <= codes, CODES[cancer] - codes


@pytest.mark.parametrize("site", sorted(WHO_SPREADS_THERE))
def test_which_cancers_spread_to_each_new_site(graph, site) -> None:
    expected = WHO_SPREADS_THERE[site]
    found = cancer_labels(graph, site)
    assert expected <= found, f"{site}: missing {expected - found}"


def test_rare_spread_of_brain_tumours_is_said_in_the_definition(graph) -> None:
    [row] = run_query("define", graph, term="primary brain tumour")
    text = row["definition"].lower()
    assert "very rarely spread outside the nervous system" in text


def test_medulloblastoma_spreads_within_the_nervous_system_by_source(graph) -> None:
    assert site_labels(graph, "medulloblastoma", source="Childs Nerv Syst") == {"leptomeninges", "spinal cord"}


def test_wilms_lung_figure_keeps_its_denominator(graph) -> None:
    rows = sparql(
        "SELECT ?v ?d ?n WHERE { evidence:wilms-tumour--lung--wilms-stage-4-2013 cs:value ?v ;"
        " cs:denominator ?d ; cs:count ?n ; cs:measure measure:metastatic-patients-with-site }",
        graph,
    )
    assert [(float(r["v"]), int(r["d"]), int(r["n"])) for r in rows] == [(93.5, 31, 29)]


@pytest.mark.parametrize(
    ("term", "phrase"),
    [
        ("Hodgkin lymphoma", "extranodal"),
        ("non-Hodgkin lymphoma", "bone marrow, or the brain and spinal cord"),
        ("myeloma", "outside the bone marrow"),
        ("leukaemia", "brain and spinal cord"),
    ],
)
def test_blood_cancer_definitions_say_how_spread_differs(graph, term, phrase) -> None:
    [row] = run_query("define", graph, term=term)
    assert phrase in row["definition"]


def test_hodgkin_site_shares_are_not_called_patient_shares(graph) -> None:
    # Gaudio 2018 reports shares of extralymphatic sites, not of patients: the measure must say so.
    rows = sparql("SELECT ?m WHERE { evidence:hodgkin-lymphoma--lung--gaudio-2018-hodgkin cs:measure ?m }", graph)
    assert [str(r["m"]).rsplit("/", 1)[-1] for r in rows] == ["metastatic-sites-at-site"]


@pytest.mark.parametrize(
    ("cancer", "site", "classification"),
    [
        ("anal cancer", "groin lymph nodes", "regional"),
        ("anal cancer", "para-aortic lymph nodes", "distant"),
        ("vulval cancer", "inguinal lymph nodes", "regional"),
        ("vulval cancer", "pelvic lymph nodes", "distant"),
        ("penile cancer", "pelvic lymph nodes", "regional"),
        ("nasopharyngeal cancer", "retropharyngeal lymph nodes", "regional"),
    ],
)
def test_node_rules_of_new_cancers(graph, cancer, site, classification) -> None:
    [row] = run_query("classify-spread", graph, cancer=cancer, site=site)
    assert row["classification"] == classification


def test_rare_sites_carry_a_small_figure(graph) -> None:
    # Rare links matter: GIST to bone and gallbladder to brain are each under 1% in SEER.
    for ev in ("gist--bone--yang-2019-gist", "gallbladder--brain--gallbladder-seer-2021"):
        [row] = sparql(f"SELECT ?v WHERE {{ evidence:{ev} cs:value ?v }}", graph)
        assert float(row["v"]) < 1, ev


def test_lobular_and_ductal_breast_cancer_differ_where_they_spread(graph) -> None:
    # Mathew 2017: lobular cancer reaches the gut and ovaries more, the lungs and liver less
    # (compared over the whole course of metastatic disease; the study also gives first-recurrence shares).
    def share(cancer: str, site: str) -> float:
        rows = sparql(
            f"SELECT ?v WHERE {{ spread:{cancer}--{site} cs:evidence ?e . ?e dcterms:source source:mathew-2017-ilc ;"
            ' cs:value ?v ; cs:population ?pop . FILTER(CONTAINS(?pop, "whole course")) }',
            graph,
        )
        [row] = rows
        return float(row["v"])

    assert share("breast-lobular", "gastrointestinal-tract") > share("breast-ductal", "gastrointestinal-tract")
    assert share("breast-lobular", "ovary") > share("breast-ductal", "ovary")
    assert share("breast-lobular", "lung") < share("breast-ductal", "lung")
    assert share("breast-lobular", "liver") < share("breast-ductal", "liver")


def test_diffuse_gastric_cancer_is_named_as_the_source_of_krukenberg_tumours(graph) -> None:
    assert "diffuse-type gastric cancer" in cancer_labels(graph, "ovary", source="Krukenberg")


def test_every_new_cancer_has_evidence(graph) -> None:
    # Every new cancer is linked to at least one site through sourced evidence.
    rows = sparql(
        "SELECT ?c (COUNT(?v) AS ?n) WHERE { VALUES ?c { "
        + " ".join(f"cancer:{c}" for c in CODES)
        + " } ?p cs:primaryCancer ?c ; cs:evidence ?e . OPTIONAL { ?e cs:value ?v } } GROUP BY ?c",
        graph,
    )
    assert len(rows) == len(CODES)


@pytest.mark.parametrize(
    ("term", "entity"),
    [
        ("Krukenberg tumor", "term:krukenberg-tumour"),
        ("leptomeningeal carcinomatosis", "term:leptomeningeal-metastasis"),
        ("MSCC", "term:spinal-cord-compression"),
        ("synchronous metastasis", "term:synchronous-metastasis"),
        ("metachronous metastases", "term:metachronous-metastasis"),
        ("drop mets", "term:drop-metastasis"),
        ("sentinel node biopsy", "term:sentinel-lymph-node"),
        ("skip metastasis", "term:skip-metastasis"),
        ("tumour seeding", "term:seeding"),
        ("extranodal disease", "term:extranodal-disease"),
        ("extramedullary myeloma", "term:extramedullary-disease"),
    ],
)
def test_new_glossary_terms_are_found_by_the_names_people_use(graph, term, entity) -> None:
    [row] = run_query("define", graph, term=term)
    assert row["entity"].endswith(entity.split(":", 1)[1])
    assert row["sources"]


def test_krukenberg_tumour_points_at_the_ovary_and_diffuse_gastric_cancer(graph) -> None:
    assert sparql(
        "ASK { term:krukenberg-tumour cs:aboutSite site:ovary ; cs:aboutCancer cancer:gastric-diffuse }", graph
    )


MPW, APW = "metastatic-patients-with-site", "all-patients-with-site"


def _figure(graph, ev: str) -> tuple[float, int | None, str, str]:
    [row] = sparql(
        "SELECT ?v ?d ?m ?t WHERE { evidence:" + ev + " cs:value ?v ; cs:measure ?m ; cs:timing ?t ."
        " OPTIONAL { evidence:" + ev + " cs:denominator ?d } }",
        graph,
    )
    d = int(row["d"]) if row.get("d") is not None else None
    return float(row["v"]), d, str(row["m"]).rsplit("/", 1)[-1], str(row["t"]).rsplit("/", 1)[-1]


@pytest.mark.parametrize(
    ("ev", "expected"),
    [
        # Prieske 2016: 20 of 391 women had distant spread; lung 9, liver 7, bone 5, skin 4 of the 20.
        ("vulva--lung--prieske-2016-vulva", (45.0, 20, MPW, "disease-course")),
        ("vulva--skin--prieske-2016-vulva", (20.0, 20, MPW, "disease-course")),
        # COMS report 15: among deaths with metastasis of large choroidal melanoma, liver 93%, lung 24%, bone 16%.
        ("uveal-melanoma--liver--coms-report-15", (93.0, None, MPW, "disease-course")),
        ("uveal-melanoma--bone--coms-report-15", (16.0, None, MPW, "disease-course")),
        # Myeloma outside bone is rare: 1 of 200 people with a pleural mass, 3 of 200 with a breast mass.
        ("myeloma--pleura--hadassah-2002-extraosseous-myeloma", (0.5, 200, APW, "unspecified")),
        ("myeloma--breast--hadassah-2002-extraosseous-myeloma", (1.5, 200, APW, "unspecified")),
        # Medulloblastoma outside the nervous system: lymph nodes in 65% at autopsy, a share of the few
        # patients whose tumour spread outside the nervous system (a study-defined subset).
        (
            "medulloblastoma--lymph-nodes--medulloblastoma-systemic-103-cases",
            (65.0, None, "metastatic-subset-patients-with-site", "at-autopsy"),
        ),
        # Meyers 2000: spinal leptomeningeal spread on MR at diagnosis in 12 of 112 (11%).
        ("medulloblastoma--leptomeninges--meyers-2000", (11.0, 112, APW, "at-diagnosis")),
        # Patel 1978: lungs involved in 71.3% of 216 autopsies of advanced melanoma.
        ("melanoma--lung--patel-1978", (71.3, 216, MPW, "at-autopsy")),
        # SEER meeting abstract: 1,331 of the 3,053 endometrial cancers with distant spread reached the lung.
        ("womb--lung--jco-abstract-e17109-endometrial--2", (43.6, 3053, MPW, "at-diagnosis")),
        # Xu 2022: lung 83.8% of 278 osteosarcomas with distant spread at diagnosis.
        ("osteosarcoma--lung--xu-2022-osteosarcoma", (83.8, 278, MPW, "at-diagnosis")),
        # J Bone Oncol 2021: 182 of 371 distant sites in Ewing sarcoma were in the lung (a share of sites).
        ("ewing-sarcoma--lung--jbo-2021-ewing", (49.1, 371, "metastatic-sites-at-site", "at-diagnosis")),
        # Lian: lung spread in 21% of 706 followed patients with mucosal melanoma.
        ("mucosal-melanoma--lung--lian-mucosal-melanoma-706", (21.0, 706, APW, "disease-course")),
        # Vaginal metastases in 36 of 804 women treated for gestational trophoblastic neoplasia.
        ("gestational-choriocarcinoma--vagina--berry-2008-gtn-vagina", (4.5, 804, APW, "unspecified")),
        ("penile--inguinal-lymph-nodes--hu-2019-penile-meta", (36.0, 4802, APW, "unspecified")),
        ("gut-net--peritoneum--vumc-sinet-peritoneal", (30.6, 219, APW, "disease-course")),
        (
            "non-seminoma--retroperitoneal-lymph-nodes--nicolai-1995-nsgct-surveillance",
            (19.0, 85, APW, "disease-course"),
        ),
    ],
)
def test_cancer_specific_figures_keep_value_measure_denominator_and_timing(graph, ev, expected) -> None:
    assert _figure(graph, ev) == expected


def test_uveal_melanoma_goes_to_the_liver_far_more_than_the_lungs(graph) -> None:
    assert {"liver", "lung", "bone"} <= site_labels(graph, "eye melanoma")
    liver, lung = (_figure(graph, f"uveal-melanoma--{s}--coms-report-15")[0] for s in ("liver", "lung"))
    assert liver > 3 * lung
