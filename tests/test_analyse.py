"""The measures of cancer_spread.analyse, checked against values worked out by hand on
tests/fixtures/analysis/analysis.ttl, and for sanity on the curated graph.

The fixture (weight = independent sources behind each cancer -> site link):

    alpha: liver 2 (S1, S2: 50 %), lung 1, axillary lymph nodes 1 (S3)
    beta:  liver 1, lung 1 (S2: 30 %)
    gamma: bone 2, spine 1 (part of bone), brain 1, liver 1
    delta: bone 1, brain 1
"""

from __future__ import annotations

import io
import json
import math

import pytest

from cancer_spread import analyse
from cancer_spread.errors import InputError
from tests.conftest import FIXTURES, load_with_ontology

CANCER = "https://w3id.org/cancer-spread/cancer/"
SITE = "https://w3id.org/cancer-spread/site/"


@pytest.fixture(scope="module")
def small():
    return load_with_ontology(FIXTURES / "analysis" / "analysis.ttl")


def _labels(results, column: str) -> list[str]:
    return [row[column] for row in results]


# ---------------------------------------------------------------------- the fixture, by hand


def test_destinations_by_hand(small) -> None:
    # weightedInDegree = sum of the sources of each cancer -> site link:
    #   liver 2 (alpha) + 1 (beta) + 1 (gamma) = 4, from 3 cancers
    #   bone  2 (gamma) + 1 (delta) = 3; brain 1 + 1 = 2; lung 1 + 1 = 2 (2 cancers each)
    #   axillary lymph nodes 1, spine 1 (1 cancer each); lymph nodes: nobody -> left out
    # Ties (brain/lung, axillary/spine) are broken by name.
    rows = analyse.destinations(small)
    assert rows.columns == ["site", "siteLabel", "group", "weightedInDegree", "inDegree", "nEvidence"]
    assert [(r["siteLabel"], r["weightedInDegree"], r["inDegree"]) for r in rows] == [
        ("liver", 4, 3),
        ("bone", 3, 2),
        ("brain", 2, 2),
        ("lung", 2, 2),
        ("axillary lymph nodes", 1, 1),
        ("spine", 1, 1),
    ]
    assert rows[0]["nEvidence"] == 4
    assert {r["siteLabel"]: r["group"] for r in rows}["axillary lymph nodes"] == "lymph node"
    assert {r["siteLabel"]: r["group"] for r in rows}["spine"] == "organ"


def test_breadth_by_hand(small) -> None:
    # gamma: 4 sites, but spine is part of bone -> 3 top-level sites (bone, brain, liver)
    # alpha: 3 sites, 3 top-level (liver, lung, lymph nodes), 1 of them a lymph node group
    # beta, delta: 2 and 2 -> tie broken by name
    rows = analyse.breadth(small)
    assert [
        (r["cancerLabel"], r["nSites"], r["nTopLevelSites"], r["nLymphNodeSites"], r["nSources"]) for r in rows
    ] == [
        ("gamma cancer", 4, 3, 0, 3),
        ("alpha cancer", 3, 3, 1, 3),
        ("beta cancer", 2, 2, 0, 2),
        ("delta cancer", 2, 2, 0, 2),
    ]


def test_jaccard_and_cosine_by_hand(small) -> None:
    # Site sets and weights:
    #   A = alpha {liver: 2, lung: 1, axillary: 1}   B = beta {liver: 1, lung: 1}
    #   C = gamma {bone: 2, spine: 1, brain: 1, liver: 1}   D = delta {bone: 1, brain: 1}
    # J(A,B) = |{liver, lung}| / |{liver, lung, axillary}| = 2/3
    # cos(A,B) = (2*1 + 1*1) / (sqrt(4+1+1) * sqrt(1+1)) = 3 / sqrt(12) = 0.866
    # J(C,D) = 2/4 = 0.5;   cos(C,D) = (2*1 + 1*1) / (sqrt(7) * sqrt(2)) = 3 / sqrt(14) = 0.802
    # J(B,C) = 1/5 = 0.2;   cos(B,C) = 1 / (sqrt(2) * sqrt(7)) = 0.267
    # J(A,C) = 1/6 = 0.167; cos(A,C) = 2 / (sqrt(6) * sqrt(7)) = 0.309
    # A-D and B-D share nothing: not listed.
    rows = analyse.similarity(small)
    got = [(r["cancerLabel"], r["otherLabel"], r["nShared"], r["jaccard"], r["cosine"]) for r in rows]
    assert got == [
        ("alpha cancer", "beta cancer", 2, round(2 / 3, 3), round(3 / math.sqrt(12), 3)),
        ("delta cancer", "gamma cancer", 2, 0.5, round(3 / math.sqrt(14), 3)),
        ("beta cancer", "gamma cancer", 1, 0.2, round(1 / math.sqrt(14), 3)),
        ("alpha cancer", "gamma cancer", 1, round(1 / 6, 3), round(2 / math.sqrt(42), 3)),
    ]
    assert rows[0]["sharedSites"] == "liver; lung"


def test_similarity_for_one_cancer_lists_every_other(small) -> None:
    rows = analyse.similarity(small, cancer="delta cancer")
    assert _labels(rows, "otherLabel") == ["gamma cancer", "alpha cancer", "beta cancer"]  # zeros by name
    assert [r["jaccard"] for r in rows] == [0.5, 0.0, 0.0]


def test_projection_by_hand(small) -> None:
    P = analyse.cancer_projection(small)
    assert sorted(P.nodes) == [CANCER + c for c in ("alpha", "beta", "delta", "gamma")]
    assert P.number_of_edges() == 4  # A-B, A-C, B-C, C-D
    edge = P.edges[CANCER + "alpha", CANCER + "beta"]
    assert edge["shared"] == 2 and edge["weight"] == pytest.approx(2 / 3)
    assert edge["cosine"] == pytest.approx(3 / math.sqrt(12))
    assert not P.has_edge(CANCER + "alpha", CANCER + "delta")


def test_communities_by_hand(small) -> None:
    # Projection weighted by Jaccard: A-B 2/3, C-D 1/2, B-C 1/5, A-C 1/6; total m = 23/15.
    # Splitting {A, B} | {C, D}: strengths A 5/6, B 13/15, C 13/15, D 1/2, so
    # Q = (2/3 + 1/2)/m - ((51/30)/(2m))^2 - ((41/30)/(2m))^2 = 35/46 - (51/92)^2 - (41/92)^2 = 0.2550,
    # better than one group (Q = 0) or any other split; greedy modularity finds it.
    import networkx as nx

    groups = analyse.cancer_communities(small)
    assert groups == [[CANCER + "alpha", CANCER + "beta"], [CANCER + "delta", CANCER + "gamma"]]
    q = nx.community.modularity(analyse.cancer_projection(small), groups, weight="weight")
    assert q == pytest.approx(35 / 46 - (51 / 92) ** 2 - (41 / 92) ** 2)
    rows = analyse.communities(small)
    assert [(r["community"], r["size"], r["members"]) for r in rows] == [
        (1, 2, "alpha cancer; beta cancer"),
        (2, 2, "delta cancer; gamma cancer"),
    ]
    # commonSites: reached by at least half the members, most shared first.
    assert rows[0]["commonSites"] == "liver (2/2); lung (2/2); axillary lymph nodes (1/2)"
    assert rows[1]["commonSites"] == "bone (2/2); brain (2/2); liver (1/2); spine (1/2)"
    assert [r["community"] for r in analyse.communities(small, cancer="gamma cancer")] == [2]


def test_profile_by_hand(small) -> None:
    # alpha's own sites, ranked like `metastatic-sites`: liver (figure 50), then the two
    # one-source sites by name. Then the sites others reach, most common first.
    # meanSources = sum of sources over the 4 cancers / 4: liver (2+1+1)/4 = 1.0, lung 2/4,
    # axillary 1/4, bone 3/4, brain 2/4, spine 1/4; shareOfCancers = cancers reaching it / 4.
    rows = analyse.profile(small, cancer="alpha cancer")
    got = [(r["siteLabel"], r["nSources"], r["meanSources"], r["difference"], r["shareOfCancers"]) for r in rows]
    assert got == [
        ("liver", 2, 1.0, 1.0, 0.75),
        ("axillary lymph nodes", 1, 0.25, 0.75, 0.25),
        ("lung", 1, 0.5, 0.5, 0.5),
        ("bone", 0, 0.75, -0.75, 0.5),
        ("brain", 0, 0.5, -0.5, 0.5),
        ("spine", 0, 0.25, -0.25, 0.25),
    ]
    assert (rows[0]["bestFigure"], rows[0]["bestSource"]) == (50.0, "S2")
    assert rows[1]["bestFigure"] is None


def test_profile_ranking_matches_the_named_query(small, graph) -> None:
    from cancer_spread.api import run_query
    from cancer_spread.network import spread_network

    for g, names in ((small, ["alpha cancer", "gamma cancer"]), (graph, ["breast", "bowel cancer", "prostate"])):
        G = spread_network(g)
        for name in names:
            expected = [r["site"] for r in run_query("metastatic-sites", g, cancer=name)]
            own = [r["site"] for r in analyse.profile(g, cancer=name, network=G) if r["nSources"] > 0]
            assert own == expected, name


def test_unknown_cancer_and_measure(small) -> None:
    with pytest.raises(InputError, match="unknown primary cancer"):
        analyse.profile(small, cancer="omega")
    with pytest.raises(InputError, match="unknown measure"):
        analyse.run_measure("centrality", small)
    with pytest.raises(InputError, match="needs a cancer"):
        analyse.run_measure("profile", small)


# ---------------------------------------------------------------------- networkx graphs


def test_multigraph_has_one_edge_per_evidence_item(small) -> None:
    M = analyse.to_networkx(small)
    assert M.is_multigraph() and M.is_directed()
    assert M.number_of_edges() == 13  # the evidence items of the fixture
    assert M.number_of_edges(CANCER + "alpha", SITE + "liver") == 2
    edge = M.edges[CANCER + "alpha", SITE + "liver", "https://w3id.org/cancer-spread/evidence/alpha--liver--s2"]
    assert edge["value"] == 50.0 and edge["source_short"] == "S2" and edge["kind_id"] == "kind:registry"
    assert edge["pattern"] == "https://w3id.org/cancer-spread/spread/alpha--liver"
    assert M.nodes[CANCER + "alpha"]["bipartite"] == 0 and M.nodes[SITE + "liver"]["bipartite"] == 1
    assert M.nodes[SITE + "spine"]["top_level"] == SITE + "bone"
    assert M.nodes[SITE + "axillary-lymph-nodes"]["group"] == "lymph node"
    # The weighting of `destinations`, recomputed from the multigraph: distinct (cancer, source).
    weighted = {s: len({(u, d["source"]) for u, _, d in M.in_edges(s, data=True)}) for s in (SITE + "liver",)}
    assert weighted == {SITE + "liver": 4}


def test_multigraph_edge_attrs_are_the_callers_choice(small) -> None:
    M = analyse.to_networkx(small, edge_attrs=["population"])
    assert all(set(d) == {"pattern", "population"} for _, _, d in M.edges(data=True))
    M = analyse.to_networkx(
        small, edge_attrs=lambda item, pattern: {"weight": pattern["n_sources"], "figure": item["value"] is not None}
    )
    d = M.edges[CANCER + "alpha", SITE + "liver", "https://w3id.org/cancer-spread/evidence/alpha--liver--s1"]
    assert d == {"pattern": "https://w3id.org/cancer-spread/spread/alpha--liver", "weight": 2, "figure": False}
    with pytest.raises(InputError, match="unknown evidence field"):
        analyse.to_networkx(small, edge_attrs=["colour"])


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_analysis_graphs_survive_graphml_and_gexf(small, fmt: str) -> None:
    import networkx as nx

    write = nx.write_graphml if fmt == "graphml" else nx.write_gexf
    read = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    for G in (analyse.to_networkx(small), analyse.cancer_projection(small)):
        buf = io.BytesIO()
        write(analyse.flatten(G), buf)
        buf.seek(0)
        back = read(buf)
        assert back.number_of_edges() == G.number_of_edges()
        node = back.nodes[CANCER + "alpha"]
        assert node["label"] == "alpha cancer" and node["kind"] == "cancer"
        assert "NCIT:C9001" in node["codes"]
    buf = io.BytesIO()
    write(analyse.flatten(analyse.to_networkx(small)), buf)
    buf.seek(0)
    back = read(buf)
    values = sorted(d["value"] for _, _, d in back.edges(data=True) if "value" in d)
    assert values == [30.0, 50.0]  # numbers stay numbers; missing ones are dropped, not "None"
    assert back.nodes[SITE + "spine"]["top_level"] == SITE + "bone"


# ---------------------------------------------------------------------- the curated graph


def test_real_graph_sanity(graph) -> None:
    from cancer_spread.network import spread_network

    G = spread_network(graph)
    dest = analyse.destinations(graph, network=G)
    top = _labels(dest[:5], "siteLabel")
    assert "liver" in top[:3] and "lung" in top[:3]
    by_in_degree = sorted(dest, key=lambda r: -r["inDegree"])
    assert {"liver", "lung"} <= {r["siteLabel"] for r in by_in_degree[:3]}
    for row in dest:
        assert row["weightedInDegree"] >= row["inDegree"] >= 1
    wide = analyse.breadth(graph, network=G)
    assert len(wide) == sum(1 for _, d in G.nodes(data=True) if d["kind"] == "cancer")
    assert all(r["nSites"] >= r["nTopLevelSites"] for r in wide)
    sim = analyse.similarity(graph, cancer="lung", network=G)
    assert sim[0]["jaccard"] >= sim[-1]["jaccard"]
    assert all(0 <= r["jaccard"] <= 1 and 0 <= r["cosine"] <= 1 + 1e-9 for r in sim)
    groups = analyse.cancer_communities(graph, network=G)
    assert sorted(c for g in groups for c in g) == sorted(n for n, d in G.nodes(data=True) if d["kind"] == "cancer")
    assert groups == analyse.cancer_communities(graph, network=G)  # deterministic
    prof = analyse.profile(graph, cancer="bowel cancer", network=G)
    assert prof[0]["siteLabel"] == "liver" and prof[0]["bestFigure"] is not None


def test_measure_names_match_the_cli() -> None:
    from cancer_spread.cli.analyse import MEASURE_NAMES

    assert tuple(analyse.MEASURES) == MEASURE_NAMES


# ---------------------------------------------------------------------- the command


def test_cli_analyse_prints_every_measure_titled(run_cli) -> None:
    result = run_cli("analyse")
    assert result.returncode == 0, result.stderr
    for name in ("destinations", "breadth", "similarity", "communities"):
        assert f"== {name}: " in result.stdout
    assert "weightedInDegree" in result.stdout and "number of independent sources" in result.stdout
    assert "--cancer NAME" in result.stdout  # how to get the profile


def test_cli_analyse_json_is_sparql_results(run_cli) -> None:
    result = run_cli("analyse", "--measure", "destinations", "--format", "json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["head"]["vars"][:2] == ["site", "siteLabel"]
    first = doc["results"]["bindings"][:3]
    assert {b["siteLabel"]["value"] for b in first} >= {"liver", "lung"}
    assert first[0]["site"]["type"] == "uri"
    assert first[0]["weightedInDegree"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"


def test_cli_analyse_profile_csv(run_cli) -> None:
    result = run_cli("analyse", "--measure", "profile", "--cancer", "bowel cancer", "--format", "csv")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("site,siteLabel,group,bestFigure,bestSource,nSources")
    assert lines[1].startswith("https://w3id.org/cancer-spread/site/liver,liver,")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--measure", "profile"], "needs a cancer"),
        (["--format", "csv"], "choose a --measure"),
        (["--measure", "similarity", "--cancer", "bowl"], "unknown primary cancer"),
    ],
)
def test_cli_analyse_bad_input_exits_2(run_cli, args: list[str], message: str) -> None:
    result = run_cli("analyse", *args)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert "Traceback" not in result.stderr
