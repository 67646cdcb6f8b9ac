"""The package's shape stays easy to see and change: no import circle, small modules and
functions, front-end code in files of its own (see docs/architecture.md)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "cancer_spread"

MAX_MODULE_LINES = 1000
MAX_FUNCTION_LINES = 200
#: serve.py still builds its /query page in a Python string; the endpoint's rework (issue #15)
#: moves it out. Nothing else may be added here.
FRONT_END_IN_PYTHON_ALLOWED = {"serve.py"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports, anywhere in its body (also inside functions:
    a lazy import is still a dependency)."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                candidates = [target] + [f"{target}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                candidates = [alias.name for alias in node.names]
            else:
                continue
            graph[name] |= {c for c in candidates if c in modules and c != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_cycle_finder_finds_a_circle() -> None:
    # The checker itself can fail: a known circle is found, a chain is not.
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_import_graph_is_read() -> None:
    graph = import_graph()
    assert "cancer_spread.derivation" in graph["cancer_spread.load"]
    assert "cancer_spread.files" in graph["cancer_spread.store"]  # a lazy import counts too
    assert "cancer_spread.cli.options" in graph["cancer_spread.cli.answers"]


def test_no_import_circle() -> None:
    assert cycles(import_graph()) == []


def test_cli_command_modules_do_not_import_each_other() -> None:
    graph = import_graph()
    for name, deps in graph.items():
        if name.startswith("cancer_spread.cli."):
            siblings = {d for d in deps if d.startswith("cancer_spread.cli.")}
            assert siblings <= {"cancer_spread.cli.options"}, (name, siblings)


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_and_function_sizes(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE_LINES, f"{path.name}: split it into modules of one job each"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            assert length <= MAX_FUNCTION_LINES, f"{path.name}: {node.name} has {length} lines: split it into steps"


_FRONT_END = re.compile(
    r"<!doctype|<html|<style|<script|\bfunction\s*\(|addEventListener\(|\{\s*[a-z-]+\s*:[^{}]+;\s*\}", re.I
)


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(PACKAGE.rglob("*.py")) if p.name not in FRONT_END_IN_PYTHON_ALLOWED],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_no_front_end_code_in_python_strings(path: Path) -> None:
    blocks = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        is_block = isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.count("\n") >= 3
        if is_block and _FRONT_END.search(node.value):
            blocks.append(node.lineno)
    assert not blocks, f"{path.name}: HTML/CSS/JS in a Python string at lines {blocks}: put it under viewer/"


def test_front_end_check_finds_a_block() -> None:
    sample = '"""\n<style>\nbody { margin: 0; }\n</style>\n"""'
    node = ast.parse(sample).body[0].value  # type: ignore[attr-defined]
    assert _FRONT_END.search(node.value)
