"""Publishing: the SSSOM mapping set, the ontology release, and reproducible exports.

The checks use the official tools: ``sssom validate`` (the SSSOM project's validator from PyPI),
the Bioregistry package, and HermiT (shipped inside owlready2, run on Debian's Java).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from cancer_spread.mappings import code_mappings, is_range, load_overrides, rdflib_source, read_sssom_rows
from cancer_spread.namespaces import CANCER, CS, SITE

from .conftest import ROOT, need

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def release(graph, tmp_path_factory) -> Path:
    from cancer_spread.export import build_release

    folder = tmp_path_factory.mktemp("release")
    build_release(graph, folder)
    return folder


# ---------------------------------------------------------------------- SSSOM


def _sssom_validate(path: Path) -> subprocess.CompletedProcess:
    exe = shutil.which("sssom", path=str(BIN))
    need(exe is not None, "the sssom command (pip install sssom)")
    return subprocess.run(
        [exe, "validate", "-V", "JsonSchema", "-V", "PrefixMapCompleteness", "-V", "StrictCurieFormat", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_sssom_file_passes_the_official_validator(release: Path, tmp_path: Path) -> None:
    good = release / "cancer-spread.sssom.tsv"
    result = _sssom_validate(good)
    assert result.returncode == 0, result.stdout + result.stderr
    # known-bad: a prefix missing from the curie_map and a justification outside semapv fail
    text = good.read_text(encoding="utf-8")
    bad = tmp_path / "bad.sssom.tsv"
    bad.write_text(text.replace("\tNCIT:C9335\t", "\tNCI:C9335\t", 1), encoding="utf-8")
    assert _sssom_validate(bad).returncode != 0
    bad.write_text(text.replace("\tsemapv:ManualMappingCuration\t", "\tsemapv:Guess\t", 1), encoding="utf-8")
    assert _sssom_validate(bad).returncode != 0


def test_sssom_has_one_row_per_code_and_no_ranges(graph, release: Path) -> None:
    rows = read_sssom_rows(release / "cancer-spread.sssom.tsv")
    codes = {
        (str(s), str(o)) for p in (CS.xref, CS.unverifiedXref, CS.secondaryXref) for s, o in graph.subject_objects(p)
    }
    ranges = {c for c in codes if is_range(c[1])}
    assert ranges, "the data has ranges (ICD10:C00-C14); this test must see them dropped"
    glossary_links = sum(
        1
        for p in (SKOS.exactMatch, SKOS.closeMatch)
        for s, _ in graph.subject_objects(p)
        if (s, RDF.type, CS.GlossaryTerm) in graph
    )
    assert len(rows) == len(codes) - len(ranges) + glossary_links
    assert not [r for r in rows if is_range(r["object_id"])]
    assert {r["predicate_id"] for r in rows} <= {
        f"skos:{p}Match" for p in ("exact", "close", "narrow", "broad", "related")
    }
    assert {r["mapping_justification"] for r in rows} == {"semapv:ManualMappingCuration", "semapv:UnspecifiedMatching"}


def test_sssom_predicates_say_how_the_code_relates(release: Path) -> None:
    rows = {(r["subject_id"], r["object_id"]): r for r in read_sssom_rows(release / "cancer-spread.sssom.tsv")}
    assert rows[("cancer:breast", "NCIT:C9335")]["predicate_id"] == "skos:exactMatch"
    assert rows[("cancer:breast", "NCIT:C4872")]["predicate_id"] == "skos:narrowMatch"  # breast carcinoma
    assert rows[("cancer:colorectal", "icd10:C18")]["predicate_id"] == "skos:narrowMatch"  # colon only
    assert rows[("cancer:colon", "icd10:C18")]["predicate_id"] == "skos:closeMatch"
    assert rows[("cancer:nsclc", "icd10:C34")]["predicate_id"] == "skos:broadMatch"  # C34 is all lung cancer
    assert rows[("site:liver", "icd10:C78.7")]["predicate_id"] == "skos:relatedMatch"  # secondary cancer code
    assert rows[("cancer:breast", "icdo:C50.9")]["predicate_id"] == "skos:relatedMatch"  # a topography code
    unverified = rows[("cancer:colon", "mesh:D003110")]
    assert unverified["mapping_justification"] == "semapv:UnspecifiedMatching"
    assert unverified["comment"].startswith("Not verified")


def test_sssom_prefixes_are_spelled_as_the_bioregistry_spells_them(release: Path) -> None:
    import bioregistry

    header = [
        line[2:]
        for line in (release / "cancer-spread.sssom.tsv").read_text(encoding="utf-8").splitlines()
        if line.startswith("# ")
    ]
    start = header.index("curie_map:") + 1
    curie_map = {}
    for line in header[start:]:
        if not line.startswith("  "):
            break
        prefix, _, iri = line.strip().partition(": ")
        curie_map[prefix] = iri.strip('"')
    ours = {"cancer", "cs", "site", "term"}
    rows = read_sssom_rows(release / "cancer-spread.sssom.tsv")
    used = {r["object_id"].partition(":")[0] for r in rows}
    assert used <= set(curie_map)
    for prefix in sorted(set(curie_map) - ours - {"sssom"}):
        norm = bioregistry.normalize_prefix(prefix)
        assert norm is not None, f"{prefix} is not a Bioregistry prefix"
        assert prefix == (bioregistry.get_preferred_prefix(norm) or norm), (
            f"{prefix}: Bioregistry spells it differently"
        )
    for prefix in ("NCIT", "MONDO", "UBERON", "DOID"):
        assert curie_map[prefix] == bioregistry.get_uri_prefix(prefix.lower())


def test_curated_predicates_refer_to_codes_the_graph_has(graph) -> None:
    from cancer_spread.namespaces import curie

    codes = {
        (curie(s), str(o)) for p in (CS.xref, CS.unverifiedXref, CS.secondaryXref) for s, o in graph.subject_objects(p)
    }
    stale = sorted(set(load_overrides()) - codes)
    assert not stale, f"graph/mappings/predicates.tsv names codes the graph does not have: {stale}"


def test_bad_predicates_file_is_a_clear_error(tmp_path: Path) -> None:
    from cancer_spread.errors import LoadError
    from cancer_spread.paths import DataPaths

    (tmp_path / "graph" / "mappings").mkdir(parents=True)
    (tmp_path / "graph" / "mappings" / "predicates.tsv").write_text(
        "subject_id\tobject_id\tpredicate_id\tcomment\ncancer:x\tNCIT:C1\towl:sameAs\tno\n", encoding="utf-8"
    )
    with pytest.raises(LoadError, match=r"predicates.tsv:2"):
        load_overrides(DataPaths(tmp_path))


def test_codes_with_an_iri_form_are_linked_as_iris(engine_graph, graph) -> None:
    ncit = "http://purl.obolibrary.org/obo/NCIT_"

    def has(s: URIRef, p: URIRef, o: str) -> bool:
        if isinstance(engine_graph, Graph):
            return (s, p, URIRef(o)) in engine_graph
        return bool(engine_graph.inner.query(f"ASK {{ <{s}> <{p}> <{o}> }}"))

    assert has(CANCER.breast, SKOS.exactMatch, ncit + "C9335")
    assert has(CANCER.breast, SKOS.narrowMatch, ncit + "C4872")
    assert has(SITE.liver, SKOS.exactMatch, "http://purl.obolibrary.org/obo/UBERON_0002107")
    assert has(CANCER.breast, SKOS.exactMatch, "http://id.nlm.nih.gov/mesh/D001943")
    # an unverified code is never stated as a link
    assert not has(CANCER.colon, SKOS.exactMatch, "http://id.nlm.nih.gov/mesh/D003110")
    # ICD-10 has no IRI form of its owner's: no link
    links = code_mappings(rdflib_source(graph), load_overrides())
    assert any(m.code == "ICD10:C50" for m in links)


# ---------------------------------------------------------------------- ontology release


def test_vocabulary_is_released_on_its_own(graph, release: Path) -> None:
    from cancer_spread import __version__

    vocab = Graph().parse(release / "cancer-spread-vocab.ttl")
    owl = Graph().parse(release / "cancer-spread-vocab.owl", format="xml")
    from rdflib.compare import isomorphic

    assert isomorphic(vocab, owl)
    onto = URIRef("https://w3id.org/cancer-spread/vocab")
    assert (onto, RDF.type, OWL.Ontology) in vocab
    assert vocab.value(onto, OWL.versionIRI) == URIRef(f"https://w3id.org/cancer-spread/releases/{__version__}/vocab")
    assert not list(vocab.subjects(RDF.type, CS.PrimaryCancer)), "the data is not part of the vocabulary"
    assert not list(vocab.subjects(RDF.type, CS.Evidence))
    creator = vocab.value(onto, URIRef("http://purl.org/dc/terms/creator"))
    assert isinstance(creator, URIRef) and vocab.value(creator, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
    assert (CS.xref, RDF.type, OWL.AnnotationProperty) in vocab
    assert (CS.xref, RDF.type, OWL.DatatypeProperty) not in vocab


def test_every_class_and_property_used_is_declared(graph, release: Path) -> None:
    vocab = Graph().parse(release / "cancer-spread-vocab.ttl")
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
    declared = {s for s, o in vocab.subject_objects(RDF.type) if o in kinds}
    builtin = (str(RDF), "http://www.w3.org/2000/01/rdf-schema#", str(OWL))
    for g in (graph, vocab):
        undeclared = {p for p in g.predicates() if not str(p).startswith(builtin)} - declared
        assert not undeclared, sorted(undeclared)
        classes = {o for o in g.objects(None, RDF.type) if not str(o).startswith(builtin)} - declared
        assert not classes, sorted(classes)
    # no term is declared as two kinds of property (OWL 2 DL forbids it)
    for p in declared:
        assert len({o for o in vocab.objects(p, RDF.type) if o in kinds - {OWL.Class}}) <= 1, p


# ---------------------------------------------------------------------- reasoner


def _hermit(*files: Path) -> tuple[bool, list[str]]:
    """Run HermiT (owlready2's) on the files together: (consistent, unsatisfiable classes)."""
    need(shutil.which("java") is not None, "Java for HermiT (scripts/ensure-java installs it)")
    code = r"""
import sys, json
from owlready2 import World, sync_reasoner_hermit, OwlReadyInconsistentOntologyError
w = World()
for path in sys.argv[1:]:
    w.get_ontology("file://" + path).load()
try:
    sync_reasoner_hermit(w, infer_property_values=False, debug=0)
except OwlReadyInconsistentOntologyError:
    print(json.dumps([False, []])); sys.exit(0)
print(json.dumps([True, sorted(c.iri for c in w.inconsistent_classes() if c.iri != "http://www.w3.org/2002/07/owl#Nothing")]))
"""
    result = subprocess.run([sys.executable, "-c", code, *map(str, files)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    import json

    consistent, unsat = json.loads(result.stdout.strip().splitlines()[-1])
    return consistent, unsat


@pytest.mark.slow
def test_hermit_finds_the_vocabulary_and_the_full_graph_consistent(graph, release: Path, tmp_path: Path) -> None:
    from cancer_spread.export import export_text

    vocab = release / "cancer-spread-vocab.owl"
    assert _hermit(vocab) == (True, [])
    full = tmp_path / "full.owl"
    full.write_text(export_text(graph, "xml"), encoding="utf-8")
    assert _hermit(vocab, full) == (True, [])


@pytest.mark.slow
def test_hermit_catches_known_bad_fixtures(release: Path, tmp_path: Path) -> None:
    vocab = release / "cancer-spread-vocab.owl"
    unsat = tmp_path / "unsat.ttl"
    unsat.write_text(
        "@prefix cs: <https://w3id.org/cancer-spread/vocab/> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "cs:Impossible a owl:Class ; rdfs:subClassOf cs:Source , [ owl:complementOf cs:Source ] .\n",
        encoding="utf-8",
    )
    bad_value = tmp_path / "bad-value.ttl"
    bad_value.write_text(
        "@prefix cs: <https://w3id.org/cancer-spread/vocab/> .\n"
        "<https://w3id.org/cancer-spread/evidence/bad> a cs:Evidence ; cs:count 2.5 .\n",
        encoding="utf-8",
    )
    for path in (unsat, bad_value):
        xml = path.with_suffix(".owl")
        xml.write_text(Graph().parse(path).serialize(format="xml"), encoding="utf-8")
    consistent, unsatisfiable = _hermit(vocab, unsat.with_suffix(".owl"))
    assert consistent and unsatisfiable == ["https://w3id.org/cancer-spread/vocab/Impossible"]
    assert _hermit(vocab, bad_value.with_suffix(".owl"))[0] is False  # cs:count is an xsd:integer


# ---------------------------------------------------------------------- reproducible exports

EXPORTS = ("ttl", "nt", "jsonld", "xml", "trig", "csv", "graphml", "gexf")


@pytest.mark.slow
def test_every_export_is_byte_identical_from_run_to_run(cli_path, tmp_path: Path) -> None:
    """Two processes with different hash seeds (so different set orders) write the same bytes."""
    outputs = []
    for seed in ("1", "2"):
        folder = tmp_path / seed
        folder.mkdir()
        env = dict(os.environ, PYTHONHASHSEED=seed)
        script = (
            "import sys; from pathlib import Path\n"
            "from cancer_spread.load import load_graph\n"
            "from cancer_spread.export import export_text, build_release\n"
            "g = load_graph(); out = Path(sys.argv[1])\n"
            f"for f in {EXPORTS!r}: (out / ('export.' + f)).write_text(export_text(g, f), encoding='utf-8')\n"
            "build_release(g, out)\n"
        )
        result = subprocess.run([sys.executable, "-c", script, str(folder)], env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        outputs.append({p.name: p.read_bytes() for p in sorted(folder.iterdir())})
    assert outputs[0].keys() == outputs[1].keys()
    from cancer_spread.export import RELEASE_FILES

    assert len(outputs[0]) == len(EXPORTS) + len(RELEASE_FILES)
    differing = [name for name in outputs[0] if outputs[0][name] != outputs[1][name]]
    assert not differing


def test_trig_has_no_blank_graph_name(graph) -> None:
    from rdflib import BNode, Dataset

    from cancer_spread.export import export_text

    ds = Dataset()
    ds.parse(data=export_text(graph, "trig"), format="trig")
    names = {g for _s, _p, _o, g in ds.quads()}
    assert not [n for n in names if isinstance(n, BNode)]
    assert len(list(ds.quads())) == len(graph)


def test_stable_graph_labels_blank_nodes_from_content() -> None:
    from cancer_spread.export import serialise

    text = (ROOT / "ontology" / "cancer-spread.ttl").read_text(encoding="utf-8")
    a = Graph().parse(data=text, format="turtle")
    b = Graph().parse(data=text, format="turtle")  # fresh random blank node ids
    for fmt in ("nt", "xml", "jsonld"):
        assert serialise(a, fmt) == serialise(b, fmt)
