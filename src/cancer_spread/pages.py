"""A page per entity: the static offline site (``cancer-spread pages -o DIR``) and the HTML the
endpoint answers at an entity's IRI (``/cancer/breast``…) use the same renderer.

Each page shows the entity's name, definition and other names; for a cancer, where it spreads
(frequency level, how far it has gone, figures with what they measure, sources); for a site,
what spreads to it; for a glossary term, what it is about; for a source, what it supports; the
codes (linked where the code system publishes IRIs); a small chart of the figures that can be
compared (share of patients with distant spread who have the site involved); and the entity's
own triples as JSON-LD in a ``<script type="application/ld+json">``. Every text is escaped. The
pages load nothing from anywhere: no script, no font, no image outside the page.

>>> from cancer_spread.load import load_graph
>>> from cancer_spread.namespaces import CANCER
>>> html = entity_html(load_graph(), CANCER.breast, static_links)
>>> "<h1>breast cancer</h1>" in html and "application/ld+json" in html
True
"""

from __future__ import annotations

import html as _html
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from .namespaces import BASE, CS, PREFIXES, curie

__all__ = [
    "PAGE_KINDS",
    "entity_graph",
    "entity_html",
    "index_html",
    "served_links",
    "static_links",
    "write_pages",
]

#: The kinds that get a page in the static site: (folder, class IRIs, heading).
PAGE_KINDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("cancer", ("PrimaryCancer",), "Primary cancers"),
    ("site", ("AnatomicalSite", "LymphNodeGroup"), "Body sites"),
    ("term", ("GlossaryTerm",), "Glossary"),
    ("source", ("Source", "Cohort"), "Sources"),
)
_LEVELS = ("very common", "common", "uncommon", "rare", "reported")
_RANKING_MEASURE = BASE + "measure/metastatic-patients-with-site"
_IRI_CODES = {
    "DOID": "http://purl.obolibrary.org/obo/DOID_",
    "MESH": "http://id.nlm.nih.gov/mesh/",
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_",
    "NCIT": "http://purl.obolibrary.org/obo/NCIT_",
    "UBERON": "http://purl.obolibrary.org/obo/UBERON_",
}

#: Turns an entity IRI into the link a page uses for it (``None``: no page, no link).
Linker = Callable[[str], "str | None"]


def _esc(text: object) -> str:
    return _html.escape(str(text), quote=True)


def _local_path(iri: str) -> str | None:
    """``cancer/breast`` for an IRI in the project's namespace, else ``None``."""
    if iri.startswith(BASE) and len(iri) > len(BASE):
        return iri[len(BASE) :]
    return None


def static_links(iri: str) -> str | None:
    """Links between the pages of the static site: ``../site/liver.html``, for the kinds that
    have pages (see :data:`PAGE_KINDS`)."""
    path = _local_path(str(iri))
    if path is None or "/" not in path:
        return None
    folder, _, name = path.partition("/")
    if folder not in {k for k, _c, _h in PAGE_KINDS} or not name or "/" in name:
        return None
    return f"../{folder}/{_safe_name(name)}.html"


def served_links(iri: str) -> str | None:
    """Links between the endpoint's entity pages: the IRI's own path (``/site/liver``)."""
    path = _local_path(str(iri))
    return None if path is None else "/" + path


def _safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


# ---------------------------------------------------------------------- data


def _label(graph: Graph, node: object) -> str:
    value = graph.value(node, SKOS.prefLabel) or graph.value(node, RDFS.label) or graph.value(node, CS.shortName)  # type: ignore[arg-type]
    if value is None and isinstance(node, URIRef):
        value = graph.value(node, DCTERMS.title)
    return str(value) if value is not None else curie(str(node))


def _kind_of(graph: Graph, node: URIRef) -> str | None:
    types = {str(t) for t in graph.objects(node, RDF.type)}
    for folder, classes, _heading in PAGE_KINDS:
        if any(str(CS) + c in types for c in classes):
            return folder
    return None


def entity_graph(graph: Graph, iri: URIRef) -> Graph:
    """The triples that describe ``iri``: its own (with the blank nodes they lead to) and those
    that point at it. What the endpoint serves as Turtle, N-Triples or JSON-LD, and what each
    page embeds."""
    from .namespaces import bind_prefixes

    out = bind_prefixes(Graph())
    todo: list[object] = [iri]
    seen: set[object] = set()
    while todo:
        s = todo.pop()
        if s in seen:
            continue
        seen.add(s)
        for p, o in graph.predicate_objects(s):  # type: ignore[arg-type]
            out.add((s, p, o))  # type: ignore[arg-type]
            if isinstance(o, BNode):
                todo.append(o)
    for s, p in graph.subject_predicates(iri):
        if isinstance(s, URIRef):
            out.add((s, p, iri))
    return out


def _frequency(graph: Graph, pattern: object) -> str:
    level = graph.value(pattern, CS.frequency)  # type: ignore[arg-type]
    if level is None:
        return ""
    label = graph.value(level, SKOS.prefLabel)
    return str(label) if label is not None else str(level).rsplit("/", 1)[-1].replace("-", " ")


def _classification(graph: Graph, cancer: object, site: object) -> str:
    """How far the cancer has gone at the site (a lymph node rule), e.g. ``regional (N1-N2)``."""
    for rule in graph.subjects(CS.primaryCancer, cancer):  # type: ignore[arg-type]
        if (rule, RDF.type, CS.NodeRule) in graph and (rule, CS.site, site) in graph:
            cls = graph.value(rule, CS.classification)
            stage = graph.value(rule, CS.stagingCategory)
            text = _label(graph, cls) if cls is not None else ""
            return f"{text} ({stage})" if stage else text
    return ""


def _links(graph: Graph, node: URIRef, *, outgoing: bool) -> list[dict[str, Any]]:
    """The spread patterns from a cancer (``outgoing``) or to a site, as rows for the page."""
    from .network import evidence_items

    rows = []
    prop = CS.primaryCancer if outgoing else CS.site
    for pattern in sorted(graph.subjects(prop, node)):
        if (pattern, RDF.type, CS.SpreadPattern) not in graph:
            continue
        cancer = graph.value(pattern, CS.primaryCancer)
        site = graph.value(pattern, CS.site)
        if cancer is None or site is None:
            continue
        items = evidence_items(graph, pattern)  # type: ignore[arg-type]
        ranked = [i["value"] for i in items if i["value"] is not None and i["measure_id"] == curie(_RANKING_MEASURE)]
        level = _frequency(graph, pattern)
        rows.append(
            {
                "pattern": str(pattern),
                "other": str(site if outgoing else cancer),
                "other_label": _label(graph, site if outgoing else cancer),
                "frequency": level,
                "classification": _classification(graph, cancer, site),
                "best": max(ranked) if ranked else None,
                "items": items,
                "n_sources": len({i["source"] for i in items}),
            }
        )
    order = {w: n for n, w in enumerate(_LEVELS)}
    rows.sort(
        key=lambda r: (
            order.get(r["frequency"], len(_LEVELS)),
            r["best"] is None,
            -(r["best"] or 0),
            -r["n_sources"],
            r["other_label"].casefold(),
        )
    )
    return rows


# ---------------------------------------------------------------------- HTML

_CSS_FILE = Path(__file__).resolve().parent / "pages.css"


def _css() -> str:
    return _CSS_FILE.read_text(encoding="utf-8")


def _page(title: str, body: str, data: object, home: str | None) -> str:
    payload = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
    # JSON inside <script>: no "</script>" or "<!--" can end it early.
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    nav = f'<nav><a href="{_esc(home)}">cancer-spread: all pages</a></nav>' if home else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        'img-src data:">'
        f"<title>{_esc(title)} · cancer-spread</title><style>{_css()}</style>"
        f'<script type="application/ld+json">{payload}</script>'
        f"</head><body>{nav}{body}"
        "<footer>cancer-spread summarises published sources for education and research. It is not medical "
        "advice: how a cancer behaves differs from person to person, so ask your care team about your own "
        "situation.</footer></body></html>\n"
    )


def _a(href: str | None, text: str) -> str:
    return f'<a href="{_esc(href)}">{_esc(text)}</a>' if href else _esc(text)


def _codes_html(graph: Graph, node: URIRef) -> str:
    rows = []
    for prop, status in (
        (CS.xref, ""),
        (CS.secondaryXref, "code for secondary cancer here"),
        (CS.unverifiedXref, "not verified"),
    ):
        for code in sorted(str(c) for c in graph.objects(node, prop)):
            prefix, _, local = code.partition(":")
            href = _IRI_CODES[prefix] + local if prefix in _IRI_CODES else None
            rows.append(f"<li>{_a(href, code)}{' <small>(' + _esc(status) + ')</small>' if status else ''}</li>")
    for prop in (SKOS.exactMatch, SKOS.closeMatch, SKOS.narrowMatch, SKOS.broadMatch, SKOS.relatedMatch):
        if (node, RDF.type, CS.GlossaryTerm) not in graph:
            break
        for o in sorted(str(x) for x in graph.objects(node, prop)):
            rows.append(f"<li>{_a(o, curie(o))} <small>({_esc(curie(str(prop)))})</small></li>")
    return f"<h2>Codes</h2><ul>{''.join(rows)}</ul>" if rows else ""


def _figure_text(item: dict[str, Any]) -> str:
    parts = []
    if item["value"] is not None:
        unit = "%" if item.get("unit") == "percent" else f" {item.get('unit') or ''}"
        value = format(item["value"], "g")
        parts.append(f"<strong>{_esc(value)}{_esc(unit)}</strong>")
        if item.get("count") is not None and item.get("denominator") is not None:
            count, denominator = format(item["count"], "g"), format(item["denominator"], "g")
            parts.append(_esc(f"({count} of {denominator})"))
        if item.get("measure"):
            parts.append(_esc(item["measure"]))
        if item.get("population"):
            parts.append(f"<small>{_esc(item['population'])}</small>")
    elif item.get("kind"):
        parts.append(_esc(item["kind"]))
    return " — ".join(parts) if parts else ""


def _items_html(items: list[dict[str, Any]], link: Linker) -> str:
    lis = []
    for item in items:
        source = _a(link(item["source"]) if item.get("source") else None, item.get("source_short") or "source")
        text = _figure_text(item)
        note = f"<br><small>{_esc(item['note'])}</small>" if item.get("note") and item["value"] is not None else ""
        lis.append(f"<li>{text}{'; ' if text else ''}{source}{note}</li>")
    return f'<ul class="items">{"".join(lis)}</ul>'


def _chart(rows: list[dict[str, Any]]) -> str:
    """A small bar chart (inline SVG) of the comparable figures, or nothing if there are none."""
    bars = [r for r in rows if r["best"] is not None][:15]
    if not bars:
        return ""
    width, label_w, bar_h = 560, 200, 20
    height = bar_h * len(bars) + 10
    parts = [
        f'<svg role="img" aria-label="Chart of the figures" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    scale = (width - label_w - 50) / 100
    for n, r in enumerate(bars):
        y = 5 + n * bar_h
        w = max(1.0, float(r["best"]) * scale)
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{_esc(r["other_label"])}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{bar_h - 6}" fill="#4a78c2"/>')
        best = format(r["best"], "g")
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 14}">{_esc(best)}%</text>')
    parts.append("</svg>")
    return (
        "<h2>Chart</h2><p>Highest share of patients with distant spread who have the site involved, "
        "where a source gives one (other kinds of figure measure different things and are not drawn).</p>"
        + "".join(parts)
    )


def _links_table(rows: list[dict[str, Any]], link: Linker, heading: str, other: str) -> str:
    if not rows:
        return ""
    trs = []
    for r in rows:
        trs.append(
            "<tr>"
            f"<td>{_a(link(r['other']), r['other_label'])}</td>"
            f'<td class="level">{_esc(r["frequency"] or "—")}</td>'
            f"<td>{_esc(r['classification'] or '')}</td>"
            f"<td>{_items_html(r['items'], link)}</td>"
            "</tr>"
        )
    return (
        f"<h2>{_esc(heading)}</h2>"
        f"<table><thead><tr><th>{_esc(other)}</th><th>How often</th><th>How far</th>"
        f"<th>Evidence (figure, what it measures, source)</th></tr></thead><tbody>{''.join(trs)}</tbody></table>"
    )


def _jsonld(graph: Graph) -> object:
    from .export import jsonld_context, stable_graph

    data = json.loads(stable_graph(graph).serialize(format="json-ld", context=jsonld_context()["@context"]))
    if isinstance(data, dict):
        data["@context"] = jsonld_context()["@context"]
    return data


def entity_html(graph: Graph, iri: URIRef, link: Linker, *, home: str | None = None) -> str:
    """The page of one entity (any IRI of the graph; cancers, sites, terms and sources get their
    own sections). ``link`` makes the links to other entities."""
    iri = URIRef(iri)
    kind = _kind_of(graph, iri)
    label = _label(graph, iri)
    body = [f'<p class="kind">{_esc(kind or curie(str(graph.value(iri, RDF.type) or "entity")))}</p>']
    body.append(f"<h1>{_esc(label)}</h1><p><code>{_esc(str(iri))}</code></p>")
    definition = graph.value(iri, SKOS.definition)
    if definition is not None:
        body.append(f"<p>{_esc(definition)}</p>")
    synonyms = sorted({str(a) for a in graph.objects(iri, SKOS.altLabel)}, key=str.casefold)
    if synonyms:
        body.append(f"<p>Also called: {_esc(', '.join(synonyms))}.</p>")
    for comment in graph.objects(iri, RDFS.comment):
        body.append(f'<p class="note">{_esc(comment)}</p>')
    parents = sorted(graph.objects(iri, SKOS.broader))
    if parents:
        body.append("<p>Part of: " + ", ".join(_a(link(str(p)), _label(graph, p)) for p in parents) + ".</p>")
    children = sorted(graph.subjects(SKOS.broader, iri))
    if children:
        body.append("<p>Includes: " + ", ".join(_a(link(str(c)), _label(graph, c)) for c in children) + ".</p>")
    if kind == "cancer":
        rows = _links(graph, iri, outgoing=True)
        body.append(
            "<p>Where this cancer spreads, most often first. <em>How often</em> is the frequency level the graph "
            "derives from all the figures; each figure says what it measures, because figures that measure different "
            "things cannot be compared.</p>"
            if rows
            else "<p>No spread is recorded for this cancer yet.</p>"
        )
        body.append(_links_table(rows, link, "Where it spreads", "Site"))
        body.append(_chart(rows))
    elif kind == "site":
        rows = _links(graph, iri, outgoing=False)
        body.append(_links_table(rows, link, "What spreads here", "Primary cancer"))
        body.append(_chart(rows))
    elif kind == "term":
        about = sorted(set(graph.objects(iri, CS.aboutCancer)) | set(graph.objects(iri, CS.aboutSite)))
        related = sorted(graph.objects(iri, SKOS.related))
        if about:
            body.append("<p>About: " + ", ".join(_a(link(str(a)), _label(graph, a)) for a in about) + ".</p>")
        if related:
            body.append("<p>See also: " + ", ".join(_a(link(str(r)), _label(graph, r)) for r in related) + ".</p>")
    elif kind == "source":
        body.append(_source_html(graph, iri, link))
    sources = sorted(graph.objects(iri, DCTERMS.source))
    if sources and kind != "source":
        body.append(
            "<h2>Sources</h2><ul>"
            + "".join(f"<li>{_a(link(str(s)), _label(graph, s))}</li>" for s in sources)
            + "</ul>"
        )
    body.append(_codes_html(graph, iri))
    if kind is None:
        body.append(_triples_html(graph, iri, link))
    return _page(label, "".join(body), _jsonld(entity_graph(graph, iri)), home)


def _source_html(graph: Graph, iri: URIRef, link: Linker) -> str:
    out = []
    facts = [
        ("Title", graph.value(iri, DCTERMS.title)),
        ("Authors", graph.value(iri, DCTERMS.creator)),
        ("Publisher", graph.value(iri, DCTERMS.publisher)),
        ("Year", graph.value(iri, DCTERMS.issued)),
    ]
    out.append("<dl>" + "".join(f"<dt>{k}</dt><dd>{_esc(v)}</dd>" for k, v in facts if v is not None) + "</dl>")
    doi, pmid, url = (graph.value(iri, CS.doi), graph.value(iri, CS.pmid), graph.value(iri, CS.url))
    hrefs = []
    if doi:
        hrefs.append(_a(f"https://doi.org/{doi}", f"doi:{doi}"))
    if pmid:
        hrefs.append(_a(f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/", f"PMID {pmid}"))
    if url:
        hrefs.append(_a(str(url), str(url)))
    if hrefs:
        out.append("<p>Read it: " + " · ".join(hrefs) + "</p>")
    supported = []
    for ev in sorted(graph.subjects(DCTERMS.source, iri)):
        for pattern in graph.subjects(CS.evidence, ev):
            cancer, site = graph.value(pattern, CS.primaryCancer), graph.value(pattern, CS.site)
            if cancer is None or site is None:
                continue
            from .network import evidence_items

            item = next((i for i in evidence_items(graph, pattern) if i["id"] == str(ev)), None)  # type: ignore[arg-type]
            text = _figure_text(item) if item else ""
            supported.append(
                f"<li>{_a(link(str(cancer)), _label(graph, cancer))} → {_a(link(str(site)), _label(graph, site))}"
                f"{': ' + text if text else ''}</li>"
            )
    if supported:
        out.append(f"<h2>What this source supports</h2><ul>{''.join(supported)}</ul>")
    return "".join(out)


def _triples_html(graph: Graph, iri: URIRef, link: Linker) -> str:
    rows = []
    for p, o in sorted(graph.predicate_objects(iri), key=lambda po: (curie(str(po[0])), str(po[1]))):
        if isinstance(o, URIRef):
            value = _a(link(str(o)) or str(o), curie(str(o)))
        elif isinstance(o, Literal):
            value = _esc(o)
        else:
            value = "…"
        rows.append(f"<tr><th>{_esc(curie(str(p)))}</th><td>{value}</td></tr>")
    return f"<h2>Statements</h2><table>{''.join(rows)}</table>" if rows else ""


def _members(graph: Graph, classes: Iterable[str]) -> list[URIRef]:
    members: set[URIRef] = set()
    for c in classes:
        members.update(s for s in graph.subjects(RDF.type, CS[c]) if isinstance(s, URIRef))
    return sorted(members, key=lambda s: _label(graph, s).casefold())


def index_html(graph: Graph, link: Linker) -> str:
    """The index: every page by kind, and the dataset described as a schema.org ``Dataset``."""
    from .export import schema_org_dataset

    body = [
        "<h1>cancer-spread: where cancers spread</h1>",
        "<p>One page for each primary cancer, body site, glossary term and source of the cancer-spread "
        "knowledge graph. Every link between a cancer and a site carries its evidence.</p>",
    ]
    for folder, classes, heading in PAGE_KINDS:
        members = _members(graph, classes)
        items = "".join(f"<li>{_a(link(str(m)), _label(graph, m))}</li>" for m in members)
        body.append(f'<h2 id="{folder}">{_esc(heading)} ({len(members)})</h2><ul>{items}</ul>')
    return _page("all pages", "".join(body), schema_org_dataset(graph), None)


def write_pages(graph: Graph, folder: Path) -> list[Path]:
    """Write the static site into ``folder`` (``index.html`` and ``<kind>/<name>.html``); return
    the paths written. Pages only link to each other and to the sources' own addresses."""
    from .files import write_atomic

    folder = Path(folder)
    written = []
    for kind, classes, _heading in PAGE_KINDS:
        for member in _members(graph, classes):
            href = static_links(str(member))
            if href is None or _kind_of(graph, member) != kind:
                continue
            path = folder / href.removeprefix("../")
            write_atomic(path, entity_html(graph, member, static_links, home="../index.html"))
            written.append(path)
    write_atomic(
        folder / "index.html", index_html(graph, lambda iri: (static_links(iri) or "").removeprefix("../") or None)
    )
    written.append(folder / "index.html")
    return written


def _known_prefix_paths() -> list[str]:
    """The first path segments of the project's namespaces (``cancer``, ``site``, ``vocab``…)."""
    return sorted({ns[len(BASE) :].rstrip("/") for ns in PREFIXES.values() if ns.startswith(BASE) and ns != BASE})
