"""The names people type: adjectives and lay names, a cancer preferred over a site, codes that
point to the right command, and a plain "not in the graph yet" (issue: for the people who use it).

Through the resolver on both engines, and through the real CLI in a subprocess."""

from __future__ import annotations

import pytest

from cancer_spread.errors import InputError
from cancer_spread.resolve import resolver_for

ADJECTIVES = {
    "ovarian": "cancer/ovary",
    "pancreatic": "cancer/pancreas",
    "renal": "cancer/kidney",
    "gastric": "cancer/stomach",
    "oesophageal": "cancer/oesophagus",
    "esophageal": "cancer/oesophagus",
    "endometrial": "cancer/womb",
    "cervical": "cancer/cervix",
    "rectal": "cancer/rectum",
    "bowel": "cancer/colorectal",
    "Bowel": "cancer/colorectal",
    "breast": "cancer/breast",
    "testicular": "cancer/testicular",
}


@pytest.mark.parametrize(("value", "expected"), sorted(ADJECTIVES.items()))
def test_adjectives_and_lay_names_name_the_cancer(engine_graph, value: str, expected: str) -> None:
    assert resolver_for(engine_graph).resolve_iri(value, "cancer").endswith(expected)


def test_a_word_for_a_site_and_a_cancer(graph) -> None:
    r = resolver_for(graph)
    # A command about sites gets the site, a command about cancers the cancer.
    assert r.resolve_iri("cervical", "cancer").endswith("cancer/cervix")
    assert r.resolve_iri("breast", "site").endswith("site/breast")
    assert r.resolve_iri("breast", "cancer").endswith("cancer/breast")
    # The viewer's focus prefers the cancer.
    assert r.resolve_preferring("breast", "cancer").endswith("cancer/breast")
    assert r.resolve_preferring("prostate", "cancer").endswith("cancer/prostate")
    assert r.resolve_preferring("peritoneum", "cancer").endswith("site/peritoneum")


def test_short_forms_do_not_invent_names(graph) -> None:
    r = resolver_for(graph)
    with pytest.raises(InputError):
        r.resolve_iri("cancer", "cancer")
    with pytest.raises(InputError):
        r.resolve_iri("of the", "cancer")


def test_a_site_code_given_for_a_cancer_points_to_primaries(graph) -> None:
    with pytest.raises(InputError) as err:
        resolver_for(graph).resolve_iri("C78.7", "cancer")
    assert "names the site 'liver'" in err.value.message
    assert err.value.hint == "for that site, try: cancer-spread primaries C78.7"


def test_not_in_the_graph_yet_with_at_most_three_good_suggestions(graph) -> None:
    r = resolver_for(graph)
    with pytest.raises(InputError) as err:
        r.resolve_iri("brest", "cancer")
    assert "not in the graph yet" in err.value.message
    assert "'breast cancer'" in (err.value.hint or "")
    with pytest.raises(InputError) as err:
        r.resolve_iri("kaposi sarcoma", "cancer")
    hint = err.value.hint or ""
    assert "not in the graph yet" in err.value.message
    assert hint.count("'") <= 6  # at most three names, each quoted
    assert "cancer-spread list cancers" in hint


@pytest.mark.parametrize(
    ("args", "expected_out", "expected_err"),
    [
        (["sites", "ovarian"], "peritoneum", ""),
        (["sites", "renal"], "lung", ""),
        (["sites", "bowel"], "liver", ""),
        (["define", "metastatic"], "metastatic cancer", ""),
        (["define", "cancer of unknown primary"], "term/cancer-of-unknown-primary", ""),
        (["sites", "C78.7"], "", "cancer-spread primaries C78.7"),
        (["sites", "spine"], "", "cancer-spread primaries spine"),
        (["primaries", "spine"], "", "part of the bone"),
    ],
)
def test_names_through_the_cli(run_cli, args, expected_out: str, expected_err: str) -> None:
    fmt = ["--format", "csv"]
    result = run_cli(*args, *fmt)
    assert expected_out in result.stdout
    assert expected_err in result.stderr
    assert "Traceback" not in result.stderr
    assert result.returncode == (2 if expected_err and not expected_out and args[0] == "sites" else 0)
