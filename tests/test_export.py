"""Exports: every RDF format parses back to the same graph; writes are atomic."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import Graph

from cancer_spread.export import build_release, export_text

RDF_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml", "trig": "trig"}


def _same(a: Graph, b: Graph) -> bool:
    from rdflib.compare import isomorphic

    return isomorphic(a, b)


@pytest.mark.parametrize("fmt", sorted(RDF_FORMATS))
def test_rdf_round_trip(graph, fmt: str) -> None:
    text = export_text(graph, fmt)
    if fmt == "trig":
        from rdflib import Dataset

        ds = Dataset()
        ds.parse(data=text, format="trig")
        back = Graph()
        for s, p, o, _g in ds.quads():
            back.add((s, p, o))
        assert _same(back, graph)
        return
    back = Graph().parse(data=text, format=RDF_FORMATS[fmt])
    assert _same(back, graph)


def test_export_is_deterministic(graph) -> None:
    assert export_text(graph, "ttl") == export_text(graph, "ttl")
    assert export_text(graph, "nt") == export_text(graph, "nt")


def test_csv_has_one_row_per_pattern(graph) -> None:
    from cancer_spread.stats import compute_stats

    lines = export_text(graph, "csv").splitlines()
    assert len(lines) - 1 == compute_stats(graph)["spread_patterns"]


def _read_network(text: str, fmt: str):
    import io

    import networkx as nx

    ET.fromstring(text)  # well-formed XML
    reader = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    return reader(io.BytesIO(text.encode("utf-8")))


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_formats_keep_attributes(graph, fmt: str) -> None:
    G = _read_network(export_text(graph, fmt), fmt)
    breast = "cancer:breast"
    assert G.nodes[breast]["label"] == "breast cancer"
    assert G.nodes[breast]["kind"] == "cancer"
    assert G.nodes[breast]["iri"] == "https://w3id.org/cancer-spread/cancer/breast"
    assert "NCIT:C4872" in G.nodes[breast]["codes"]
    if fmt == "graphml":  # GEXF writes parents as its own hierarchy element, which networkx reads oddly
        assert G.nodes["cancer:nsclc"]["parents"] == "cancer:lung"
    edge = G.get_edge_data(breast, "site:bone")
    assert int(edge["n_sources"]) >= 3
    assert edge["label"] == "breast cancer → bone"


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_formats_are_weighted_for_networkx(graph, fmt: str) -> None:
    import networkx as nx

    G = _read_network(export_text(graph, fmt), fmt)
    weights = nx.get_edge_attributes(G, "weight")
    assert len(weights) == G.number_of_edges() > 100
    assert all(isinstance(w, (int, float)) and w >= 1 for w in weights.values())
    edge = G.get_edge_data("cancer:breast", "site:bone")
    assert edge["weight"] == int(edge["n_sources"])
    # weighted analysis works directly: the strongest link out of breast cancer has most sources
    strongest = max(G.out_edges("cancer:breast", data="weight"), key=lambda e: e[2])
    assert strongest[2] == max(weights[e] for e in G.out_edges("cancer:breast"))


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "csv"])
def test_exports_carry_the_frequency_level_when_the_graph_has_one(graph, fmt: str) -> None:
    from rdflib import Graph as RDFGraph
    from rdflib import Literal, URIRef
    from rdflib.namespace import SKOS

    from cancer_spread.namespaces import CS

    g = RDFGraph()
    g += graph
    level = URIRef("https://w3id.org/cancer-spread/frequency/very-common")
    g.set((URIRef("https://w3id.org/cancer-spread/spread/breast--bone"), CS.frequency, level))
    g.set((level, SKOS.prefLabel, Literal("very common", lang="en")))
    text = export_text(g, fmt)
    if fmt == "csv":
        import csv
        import io

        rows = {(r["cancer"], r["site"]): r for r in csv.DictReader(io.StringIO(text))}
        assert rows[("cancer:breast", "site:bone")]["frequency"] == "very common"
        return
    G = _read_network(text, fmt)
    assert G.get_edge_data("cancer:breast", "site:bone")["frequency"] == "very common"


def test_csv_and_graph_formats_use_the_same_identifiers(graph) -> None:
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(export_text(graph, "csv"))))
    G = _read_network(export_text(graph, "graphml"), "graphml")
    assert {(r["cancer"], r["site"]) for r in rows} == set(G.edges())


def test_cli_export_writes_atomically(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "g.jsonld"
    result = run_cli("export", "--format", "jsonld", "-o", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert "@context" in data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.jsonld"]


def test_failed_export_leaves_existing_file(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "keep.ttl"
    out.write_text("precious", encoding="utf-8")
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    result = run_cli("export", "--format", "ttl", "-o", str(out), "--with", str(bad))
    assert result.returncode == 2
    assert out.read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ttl", "keep.ttl"]


def test_build_release(graph, tmp_path: Path) -> None:
    from rdflib import URIRef
    from rdflib.namespace import DCAT, VOID

    from cancer_spread.export import DUMPS, RELEASE_FILES, release_iri
    from cancer_spread.namespaces import DATASET

    paths = build_release(graph, tmp_path)
    assert [p.name for p in paths] == list(RELEASE_FILES)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(RELEASE_FILES)
    void = Graph().parse(tmp_path / "void.ttl")
    description = {t for t in graph if str(t[0]).startswith(str(DATASET))}
    assert int(void.value(DATASET, VOID.triples)) == len(graph) - len(description)
    dumps = set(void.objects(DATASET, VOID.dataDump))
    assert dumps == {URIRef(release_iri(name)) for name, _m, _f in DUMPS}
    assert len(list(void.objects(DATASET, DCAT.distribution))) == len(DUMPS)
    assert void.value(DATASET, VOID.sparqlEndpoint) is None  # a file release names no endpoint
    for name, _media, fmt in DUMPS:
        back = Graph().parse(tmp_path / name, format={"ttl": "turtle", "jsonld": "json-ld"}.get(fmt, fmt))
        assert _same(back, graph), name
    dataset = json.loads((tmp_path / "dataset.jsonld").read_text(encoding="utf-8"))
    assert dataset["@type"] == "Dataset" and dataset["@context"] == "https://schema.org/"
    assert {d["contentUrl"] for d in dataset["distribution"]} == {str(d) for d in dumps}
    assert dataset["license"] == str(graph.value(DATASET, URIRef("http://purl.org/dc/terms/license")))


def test_published_jsonld_context_is_current() -> None:
    path = Path(__file__).resolve().parent.parent / "ontology" / "context.jsonld"
    from cancer_spread.export import jsonld_context

    assert json.loads(path.read_text(encoding="utf-8")) == jsonld_context(), (
        "ontology/context.jsonld is out of date: regenerate it with `cancer-spread build` and copy build/context.jsonld"
    )


def _pyld_graph(doc: object) -> Graph:
    """Read JSON-LD with PyLD (an independent processor) into an rdflib graph."""
    from pyld import jsonld

    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    return Graph().parse(data=nquads, format="nt")


def test_context_terms_make_plain_json_read_as_our_rdf() -> None:
    from rdflib import Literal, URIRef
    from rdflib.namespace import SKOS

    from cancer_spread.export import jsonld_context
    from cancer_spread.namespaces import CANCER, CS, SITE

    doc = {
        **jsonld_context(),
        "id": "cancer:example",
        "type": "cs:PrimaryCancer",
        "prefLabel": "example cancer",
        "spreadsTo": "site:liver",
        "xref": "NCIT:C0000",
    }
    g = _pyld_graph(doc)
    assert (CANCER.example, CS.spreadsTo, SITE.liver) in g
    assert (CANCER.example, SKOS.prefLabel, Literal("example cancer", lang="en")) in g
    assert (CANCER.example, CS.xref, Literal("NCIT:C0000")) in g
    assert (URIRef(CANCER.example), None, None) in g
    evidence = {**jsonld_context(), "id": "evidence:x", "value": "47.5", "denominator": "120"}
    g = _pyld_graph(evidence)
    from rdflib.namespace import XSD

    ev = URIRef("https://w3id.org/cancer-spread/evidence/x")
    assert g.value(ev, CS.value) == Literal("47.5", datatype=XSD.decimal)
    assert g.value(ev, CS.denominator) == Literal("120", datatype=XSD.integer)


def test_export_compacted_with_the_context_reads_back_the_same(graph) -> None:
    """PyLD expands our JSON-LD export, compacts it again with the published context, and the
    result reads back as the same graph; the compacted form uses the terms."""
    from pyld import jsonld

    from cancer_spread.export import jsonld_context

    exported = json.loads(export_text(graph, "jsonld"))
    compacted = jsonld.compact(jsonld.expand(exported), jsonld_context())
    text = json.dumps(compacted)
    assert '"spreadsTo"' in text and '"prefLabel"' in text
    assert _same(_pyld_graph(compacted), graph)
