"""The w3id.org redirect rules (docs/w3id/.htaccess), checked with a small emulator of the two
directives they use: ``RewriteCond %{HTTP_ACCEPT} PATTERN [NC]`` and ``RewriteRule PATTERN
TARGET [R=...,L]`` (conditions apply to the next rule only; the first matching rule wins)."""

from __future__ import annotations

import re

import pytest

from .conftest import ROOT

HTACCESS = ROOT / "docs" / "w3id" / ".htaccess"
HOST = "https://cancer-spread.github.io/cancer-spread/"


def _expand(target: str, groups: tuple) -> str:
    return re.sub(r"\$(\d)", lambda g: groups[int(g.group(1)) - 1] or "", target)


def resolve(path: str, accept: str) -> tuple[int, str] | None:
    conds: list[re.Pattern[str]] = []
    for raw in HTACCESS.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or line.split()[0] in ("Options", "RewriteEngine"):
            continue
        parts = line.split()
        if parts[0] == "RewriteCond":
            assert parts[1] == "%{HTTP_ACCEPT}" and parts[3] == "[NC]", line
            conds.append(re.compile(parts[2], re.I))
            continue
        assert parts[0] == "RewriteRule" and len(parts) == 4, line
        pattern, target, flags = parts[1:]
        ok = all(c.search(accept) for c in conds)
        conds = []
        m = re.match(pattern, path)
        if ok and m:
            status = int(re.search(r"R=(\d+)", flags).group(1))
            assert "L" in flags.strip("[]").split(",")
            return status, _expand(target, m.groups())
    return None


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    ("path", "accept", "target"),
    [
        ("cancer/breast", BROWSER, "cancer/breast.html"),
        ("cancer/breast", "text/turtle", "cancer/breast.ttl"),
        ("site/liver", "application/ld+json", "site/liver.jsonld"),
        ("term/advanced-cancer", BROWSER, "term/advanced-cancer.html"),
        ("source/hess-2006", "text/turtle", "source/hess-2006.ttl"),
        ("vocab", "application/rdf+xml", "releases/latest/cancer-spread-vocab.owl"),
        ("vocab/PrimaryCancer", "text/turtle", "releases/latest/cancer-spread-vocab.ttl"),
        ("measure/metastatic-patients-with-site", BROWSER, "releases/latest/cancer-spread-vocab.ttl"),
        ("evidence/head-and-neck--lung--cruk", BROWSER, "cancer/head-and-neck.html"),
        ("spread/breast--liver", "text/turtle", "cancer/breast.html"),
        ("ranking/bone-sarcoma--lung", "text/html", "cancer/bone-sarcoma.html"),
        ("ranking-at-site/lymph-nodes--breast", "text/html", "site/lymph-nodes.html"),
        ("dataset", "application/ld+json", "releases/latest/dataset.jsonld"),
        ("dataset", "text/turtle", "releases/latest/void.ttl"),
        ("releases/0.1.0/cancer-spread.sssom.tsv", "*/*", "releases/0.1.0/cancer-spread.sssom.tsv"),
        ("releases/0.1.0/vocab", "application/rdf+xml", "releases/0.1.0/cancer-spread-vocab.owl"),
        ("releases/0.1.0/vocab", "text/turtle", "releases/0.1.0/cancer-spread-vocab.ttl"),
        ("", BROWSER, "index.html"),
    ],
)
def test_w3id_rules_send_each_iri_to_its_file(path: str, accept: str, target: str) -> None:
    redirect = 302 if path.startswith("releases/") and not path.endswith("/vocab") else 303
    assert resolve(path, accept) == (redirect, HOST + target)


def test_w3id_rules_leave_unknown_paths_alone() -> None:
    assert resolve("cancer/../../etc/passwd", BROWSER) is None
    assert resolve("nothing/here", BROWSER) is None


def test_rules_point_at_files_the_tools_write() -> None:
    """Every file name a rule names is one that `build` or `pages` writes."""
    from cancer_spread.export import RELEASE_FILES

    named = set(re.findall(r"releases/latest/([A-Za-z0-9_-]+\.[a-z]+) ", HTACCESS.read_text(encoding="utf-8")))
    assert named and named <= set(RELEASE_FILES)
