"""Quality gates: SHACL shapes (``ontology/shapes.ttl``) and zero-row SPARQL checks
(``queries/qc/*.rq``), reported as one list of findings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from .load import parse_file
from .namespaces import curie
from .paths import DataPaths, find_paths
from .queries import load_qc_queries

__all__ = ["Finding", "run_qc", "run_shacl", "validate_graph"]


@dataclass(frozen=True, order=True)
class Finding:
    """One problem: which check found it, on which entity, and what to do."""

    check: str
    entity: str
    property: str
    value: str
    message: str
    fix: str = ""

    def format(self) -> str:
        """One readable line (and the fix on the next)."""
        where = " ".join(x for x in (self.entity, self.property) if x)
        line = f"{self.check}: {where}: {self.message}"
        if self.value:
            line += f" [{self.value}]"
        return line + (f"\n    fix: {self.fix}" if self.fix else "")


def _short(term: object) -> str:
    if term is None:
        return ""
    return curie(str(term)) if isinstance(term, URIRef) else str(term)


def run_shacl(graph: Graph, shapes: Graph | Path | None = None) -> list[Finding]:
    """Validate ``graph`` against the shapes; return one finding per SHACL result."""
    import pyshacl

    if shapes is None:
        shapes = find_paths().shapes
    if isinstance(shapes, Path):
        shapes = parse_file(shapes)
    _conforms, report, _text = pyshacl.validate(
        graph, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=False
    )
    findings = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        source_shape = report.value(result, SH.sourceShape)
        # Name the check after the node shape that owns the failing property shape.
        owner = shapes.value(None, SH.property, source_shape) or source_shape
        message = report.value(result, SH.resultMessage)
        findings.append(
            Finding(
                check=f"shacl {_short(owner)}",
                entity=_short(report.value(result, SH.focusNode)),
                property=_short(report.value(result, SH.resultPath)),
                value=_short(report.value(result, SH.value)),
                message=str(message) if message else "constraint violated",
            )
        )
    return sorted(findings)


def run_qc(graph: Graph, paths: DataPaths | None = None, names: list[str] | None = None) -> list[Finding]:
    """Run the QC queries (all, or those in ``names``); every row returned is a finding."""
    findings = []
    for name, query in load_qc_queries(paths).items():
        if names is not None and name not in names:
            continue
        problem = query.header.get("problem", query.title)
        fix = query.header.get("fix", "")
        for row in query.run(graph):
            findings.append(
                Finding(
                    check=f"qc {name}",
                    entity=_short(row.entity),
                    property=_short(row.property),
                    value=_short(row.value),
                    message=problem,
                    fix=fix,
                )
            )
    return findings


def validate_graph(graph: Graph, paths: DataPaths | None = None) -> list[Finding]:
    """SHACL findings followed by QC findings; an empty list means the graph passes."""
    paths = paths or find_paths()
    return run_shacl(graph, paths.shapes) + run_qc(graph, paths)
