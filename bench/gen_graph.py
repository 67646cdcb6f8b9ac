"""Generate a large graph for the scale benchmarks: the curated graph, plus synthetic cohort
evidence on the curated spread patterns, plus synthetic patient-level observations.

The synthetic part is deterministic (fixed seed) and uses the project's vocabulary for cohort
evidence (cs:Evidence of kind clinical cohort, with count, denominator and percentage) so every
named query sees it; patient-level observations use a bench-only namespace
(https://w3id.org/cancer-spread/bench/) because the curated vocabulary does not model patients.

Usage: python bench/gen_graph.py --triples 1000000 -o build/bench/g1e6.nt
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

BASE = "https://w3id.org/cancer-spread/"
CS = BASE + "vocab/"
BENCH = BASE + "bench/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCT_SOURCE = "http://purl.org/dc/terms/source"
DCT_TITLE = "http://purl.org/dc/terms/title"
DCT_PUBLISHER = "http://purl.org/dc/terms/publisher"


def _iri(x: str) -> str:
    return f"<{x}>"


def _lit(value: object, datatype: str | None = None) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"' + (f"^^<{datatype}>" if datatype else "")


def curated_ntriples() -> tuple[list[str], list[tuple[str, str, str]]]:
    """The merged curated graph as N-Triples lines, and its (pattern, cancer, site) triples."""
    from rdflib.compare import to_canonical_graph
    from rdflib.namespace import RDF

    from cancer_spread.load import load_graph
    from cancer_spread.namespaces import CS as CSNS

    g = load_graph(cache=False)
    # Canonical blank node labels (the ontology has a few), so the same data gives the same file.
    lines = sorted(line for line in to_canonical_graph(g).serialize(format="nt").splitlines() if line.strip())
    patterns = sorted(
        (str(p), str(g.value(p, CSNS.primaryCancer)), str(g.value(p, CSNS.site)))
        for p in g.subjects(RDF.type, CSNS.SpreadPattern)
    )
    return lines, patterns


def generate(target: int, out, seed: int = 42) -> int:
    """Write about ``target`` triples to ``out`` (a text stream); return the number written."""
    rng = random.Random(seed)
    lines, patterns = curated_ntriples()
    for line in lines:
        out.write(line + "\n")
    written = len(lines)
    remaining = max(0, target - written)
    # About 30 % cohort evidence (13 triples per item), 70 % patients (about 7 triples each).
    evidence_budget = int(remaining * 0.3)
    n_cohorts = max(1, evidence_budget // (13 * len(patterns) + 6))
    cancers = sorted({c for _, c, _ in patterns})
    sites_of = {c: sorted({s for _, cc, s in patterns if cc == c}) for c in cancers}
    all_sites = sorted({s for _, _, s in patterns})
    for k in range(n_cohorts):
        src = f"{BASE}source/bench-cohort-{k}"
        for t in (
            (src, RDF_TYPE, _iri(CS + "Source")),
            (src, DCT_TITLE, _lit(f"Synthetic cohort {k}")),
            (src, DCT_PUBLISHER, _lit("cancer-spread benchmark generator")),
            (src, CS + "shortName", _lit(f"Bench {k}")),
            (src, CS + "url", _lit(f"https://example.org/bench/{k}", XSD + "anyURI")),
        ):
            out.write(f"{_iri(t[0])} {_iri(t[1])} {t[2]} .\n")
            written += 1
        for pattern, _cancer, _site in patterns:
            ev = f"{BASE}evidence/bench-{k}--{pattern.rsplit('/', 1)[-1]}"
            denominator = rng.randint(50, 5000)
            count = rng.randint(0, denominator)
            value = round(100 * count / denominator, 2)
            for p, o in (
                (RDF_TYPE, _iri(CS + "Evidence")),
                (CS + "evidenceKind", _iri(BASE + "evidence-kind/clinical-cohort")),
                (DCT_SOURCE, _iri(src)),
                (CS + "value", _lit(f"{value:.2f}", XSD + "decimal")),
                (CS + "unit", _lit("percent")),
                (CS + "count", _lit(count, XSD + "integer")),
                (CS + "denominator", _lit(denominator, XSD + "integer")),
                (CS + "measure", _iri(BASE + "measure/metastatic-patients-with-site")),
                (CS + "population", _lit(f"synthetic cohort {k}")),
                (CS + "timing", _iri(BASE + "timing/disease-course")),
            ):
                out.write(f"{_iri(ev)} {_iri(p)} {o} .\n")
            out.write(f"{_iri(pattern)} {_iri(CS + 'evidence')} {_iri(ev)} .\n")
            written += 11
    # Patients: one primary cancer each, 1-3 metastatic sites, a cohort and an age.
    patient = 0
    while written < target:
        pid = f"{BENCH}patient/{patient}"
        cancer = rng.choice(cancers)
        out.write(f"{_iri(pid)} {_iri(RDF_TYPE)} {_iri(BENCH + 'Patient')} .\n")
        out.write(f"{_iri(pid)} {_iri(BENCH + 'primaryCancer')} {_iri(cancer)} .\n")
        out.write(
            f"{_iri(pid)} {_iri(BENCH + 'cohort')} {_iri(f'{BASE}source/bench-cohort-{patient % n_cohorts}')} .\n"
        )
        out.write(f"{_iri(pid)} {_iri(BENCH + 'age')} {_lit(rng.randint(20, 90), XSD + 'integer')} .\n")
        written += 4
        pool = sites_of[cancer] or all_sites
        for site in rng.sample(pool, k=min(len(pool), rng.randint(1, 3))):
            out.write(f"{_iri(pid)} {_iri(BENCH + 'metastasisAt')} {_iri(site)} .\n")
            written += 1
        patient += 1
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, required=True)
    ap.add_argument("-o", "--output", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_suffix(args.output.suffix + ".tmp")
    try:
        with tmp.open("w", encoding="utf-8") as out:
            n = generate(args.triples, out, args.seed)
        tmp.replace(args.output)
    finally:
        tmp.unlink(missing_ok=True)  # nothing half-written is left behind
    print(f"{args.output}: {n} triples", file=sys.stderr)


if __name__ == "__main__":
    main()
