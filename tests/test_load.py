"""Loading: bad Turtle gives file:line:col and a non-zero exit, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from cancer_spread.errors import LoadError
from cancer_spread.load import load_graph, parse_file

BAD = Path(__file__).parent / "fixtures" / "bad"


def test_unterminated_string_names_file_line_and_column() -> None:
    with pytest.raises(LoadError) as err:
        parse_file(BAD / "unterminated.ttl")
    assert str(err.value).startswith(f"{BAD / 'unterminated.ttl'}:5:")
    assert "string" in str(err.value)


def test_unknown_prefix_says_how_to_fix() -> None:
    with pytest.raises(LoadError) as err:
        parse_file(BAD / "unknown-prefix.ttl")
    assert f"{BAD / 'unknown-prefix.ttl'}:3:1:" in err.value.message
    assert 'Prefix "site:" not bound' in err.value.message
    assert "@prefix" in (err.value.hint or "")


def test_not_utf8_names_the_position() -> None:
    with pytest.raises(LoadError, match=r"latin1.ttl:3:\d+: not UTF-8"):
        parse_file(BAD / "latin1.ttl")


def test_missing_file() -> None:
    with pytest.raises(LoadError, match="no such file"):
        parse_file(BAD / "nope.ttl")


def test_missing_extra_file() -> None:
    with pytest.raises(LoadError, match="no such file"):
        load_graph(extra=[BAD / "nope.ttl"])


@pytest.mark.parametrize("name", ["unterminated.ttl", "unknown-prefix.ttl", "latin1.ttl", "missing.ttl"])
def test_cli_reports_load_errors_without_traceback(run_cli, name: str) -> None:
    result = run_cli("validate", "--with", str(BAD / name))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")
    assert name in result.stderr


def test_derived_triples_present(graph) -> None:
    from rdflib.namespace import RDFS

    from cancer_spread.namespaces import CANCER, CS, SITE

    assert (CANCER.breast, CS.spreadsTo, SITE.liver) in graph
    assert graph.value(CANCER.breast, RDFS.label) is not None


def test_dataset_description_counts_are_computed(graph) -> None:
    from rdflib.namespace import VOID

    from cancer_spread.namespaces import DATASET

    triples = int(graph.value(DATASET, VOID.triples))
    # The description itself is added after counting.
    assert 0 < triples < len(graph)
    n_cancers = len(set(graph.subjects(predicate=None, object=None)))
    assert n_cancers > 0
