"""What the spread network says: networkx graphs of the evidence, and measures as tables.

Every measure is built on :func:`cancer_spread.network.spread_network` (one edge per spread
pattern, cancer → site) and returns :class:`cancer_spread.results.Results`, so it prints like the
named queries (``table``, ``csv``, ``tsv``, W3C SPARQL JSON). The weighting used throughout:

* a cancer's **weight** on a site is the number of independent sources (distinct
  ``dcterms:source``) behind its cancer → site spread pattern;
* a site's **weighted in-degree** is the sum of those weights over every primary cancer that
  spreads there; its **in-degree** counts the cancers (subtypes count as cancers of their own).

>>> from cancer_spread.load import load_graph
>>> top = destinations(load_graph())
>>> {"liver", "lung"} <= {row["siteLabel"] for row in top[:4]}
True
>>> round(jaccard({"liver", "lung"}, {"liver", "bone"}), 3)
0.333
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef

from .errors import InputError
from .results import Results

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = [
    "DEFAULT_EDGE_FIELDS",
    "MEASURES",
    "best_source",
    "breadth",
    "cancer_communities",
    "cancer_projection",
    "communities",
    "cosine",
    "destinations",
    "flatten",
    "jaccard",
    "profile",
    "ranked_sites",
    "run_measure",
    "similarity",
    "site_groups",
    "site_weights",
    "to_networkx",
    "top_level_site",
]

#: Evidence fields copied onto each edge of :func:`to_networkx` unless the caller chooses.
DEFAULT_EDGE_FIELDS: tuple[str, ...] = ("kind", "kind_id", "value", "unit", "measure_id", "source", "source_short")

_DIGITS = 3


# ---------------------------------------------------------------------- graphs


def _network(graph: Graph, network: nx.DiGraph | None) -> nx.DiGraph:
    from .network import spread_network

    return network if network is not None else spread_network(graph)


def _cancers(G: nx.DiGraph) -> list[str]:
    return sorted((n for n, d in G.nodes(data=True) if d.get("kind") == "cancer"), key=lambda n: (_label(G, n), n))


def _label(G: nx.DiGraph, node: str) -> str:
    return str(G.nodes[node].get("label", node))


def top_level_site(G: nx.DiGraph, site: str) -> str:
    """The broadest ancestor of ``site`` along ``skos:broader`` (itself if it has none); with
    several parents the first in IRI order is followed.

    >>> from cancer_spread.load import load_graph
    >>> from cancer_spread.network import spread_network
    >>> top_level_site(spread_network(load_graph()), "https://w3id.org/cancer-spread/site/brain")
    'https://w3id.org/cancer-spread/site/central-nervous-system'
    """
    seen = {site}
    node = site
    while True:
        parents = [p for p in G.nodes[node].get("parents", ()) if p in G and p not in seen]
        if not parents:
            return node
        node = sorted(parents)[0]
        seen.add(node)


def site_groups(G: nx.DiGraph) -> dict[str, str]:
    """Each site's group: ``lymph node`` for lymph node groups and the sites they fall under
    (e.g. *lymph nodes*), else ``organ``."""
    sites = [n for n, d in G.nodes(data=True) if d.get("kind") != "cancer"]
    lymph: set[str] = set()
    for node in sites:
        if G.nodes[node].get("kind") == "lymph node group":
            todo = [node]
            while todo:
                current = todo.pop()
                if current in lymph:
                    continue
                lymph.add(current)
                todo.extend(p for p in G.nodes[current].get("parents", ()) if p in G)
    return {s: "lymph node" if s in lymph else "organ" for s in sites}


def to_networkx(
    graph: Graph,
    *,
    edge_attrs: Sequence[str] | Callable[[dict[str, Any], dict[str, Any]], Mapping[str, Any]] | None = None,
    network: nx.DiGraph | None = None,
) -> nx.MultiDiGraph:
    """A directed multigraph of cancers and sites with **one edge per evidence item**.

    Nodes carry the attributes of :func:`~cancer_spread.network.spread_network` (``kind``,
    ``label``, ``curie``, ``synonyms``, ``definition``, ``codes``, ``parents``) plus
    ``bipartite`` (0 cancers, 1 sites, the networkx convention), and for sites ``group``
    (``organ`` or ``lymph node``) and ``top_level`` (see :func:`top_level_site`).

    Edges are keyed by the evidence IRI and always carry ``pattern`` (the spread pattern IRI).
    What else they carry is the caller's choice, as with rdflib's ``edge_attrs``:

    * ``None``: the fields in :data:`DEFAULT_EDGE_FIELDS`;
    * a sequence of field names of :func:`~cancer_spread.network.evidence_items` (``value``,
      ``measure_id``, ``source_short``, ``population``, ``link``…);
    * a callable ``(item, pattern) -> dict`` given the evidence item and the pattern's edge
      attributes (``n_sources``, ``best_figure``…).

    ``None`` values are kept (``flatten`` drops them for GraphML/GEXF).

    >>> from cancer_spread.load import load_graph
    >>> from cancer_spread.network import spread_network
    >>> M = to_networkx(load_graph(), edge_attrs=["source_short", "value"])
    >>> breast, liver = "https://w3id.org/cancer-spread/cancer/breast", "https://w3id.org/cancer-spread/site/liver"
    >>> M.number_of_edges(breast, liver) == spread_network(load_graph()).edges[breast, liver]["n_evidence"]
    True
    >>> sorted(next(iter(M[breast][liver].values())))
    ['pattern', 'source_short', 'value']
    """
    import networkx as nx

    G = _network(graph, network)
    if edge_attrs is None:
        edge_attrs = DEFAULT_EDGE_FIELDS
    if callable(edge_attrs):
        pick = edge_attrs
    else:
        fields = list(edge_attrs)

        def pick(item: dict[str, Any], _pattern: dict[str, Any]) -> Mapping[str, Any]:
            unknown = [f for f in fields if f not in item]
            if unknown:
                raise InputError(
                    f"unknown evidence field(s): {', '.join(unknown)}", hint=f"choose from {', '.join(sorted(item))}"
                )
            return {f: item[f] for f in fields}

    M = nx.MultiDiGraph(
        name="cancer-spread evidence multigraph",
        edges="one per evidence item, keyed by its IRI",
        bipartite="0 cancer, 1 site",
    )
    groups = site_groups(G)
    for node, attrs in sorted(G.nodes(data=True)):
        extra: dict[str, Any] = {"bipartite": 0 if attrs.get("kind") == "cancer" else 1}
        if node in groups:
            extra["group"] = groups[node]
            extra["top_level"] = top_level_site(G, node)
        M.add_node(node, **attrs, **extra)
    for u, v, attrs in sorted(G.edges(data=True), key=lambda e: (e[0], e[1])):
        pattern = {k: val for k, val in attrs.items() if k != "evidence"}
        items = attrs.get("evidence")
        if items is None:
            raise InputError("the network has no evidence", hint="build it with spread_network(graph)")
        for item in items:
            M.add_edge(u, v, key=item["id"], pattern=attrs["pattern"], **dict(pick(item, pattern)))
    return M


def flatten(G: nx.Graph) -> nx.Graph:
    """A copy of any of these graphs (multigraph, projection…) with scalar attributes only, for
    ``networkx.write_graphml`` / ``write_gexf``; lists are joined with the same rule as
    :func:`cancer_spread.network.flat_copy` (used by ``cancer-spread export --format graphml``).
    Graph attributes that are not scalars are dropped.

    >>> import io, networkx as nx
    >>> from cancer_spread.load import load_graph
    >>> buf = io.BytesIO()
    >>> nx.write_graphml(flatten(to_networkx(load_graph())), buf)
    >>> b"breast cancer" in buf.getvalue()
    True
    """
    import networkx as nx

    from .network import flat_copy

    def flat(attrs: Mapping[str, Any]) -> dict[str, Any]:
        one = nx.DiGraph()
        one.add_node(0, **attrs)
        return dict(flat_copy(one).nodes[0])

    H = G.__class__()
    H.graph.update({k: v for k, v in G.graph.items() if isinstance(v, str | int | float | bool)})
    for node, attrs in G.nodes(data=True):
        H.add_node(node, **flat(attrs))
    if G.is_multigraph():
        for u, v, key, attrs in G.edges(keys=True, data=True):
            H.add_edge(u, v, key=key, **flat(attrs))
    else:
        for u, v, attrs in G.edges(data=True):
            H.add_edge(u, v, **flat(attrs))
    return H


# ---------------------------------------------------------------------- profiles and similarity


def site_weights(G: nx.DiGraph) -> dict[str, dict[str, int]]:
    """For each cancer, its sites and their weight (number of independent sources)."""
    return {c: {s: int(G.edges[c, s]["n_sources"]) for s in sorted(G.successors(c))} for c in _cancers(G)}


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    """|A ∩ B| / |A ∪ B| of two site sets (0 when both are empty)."""
    a, b = set(a), set(b)
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine of two weighted site profiles: Σ aₛbₛ / (‖a‖ ‖b‖) (0 when either is empty).

    >>> round(cosine({"liver": 2, "lung": 1}, {"liver": 1, "bone": 1}), 3)
    0.632
    """
    dot = sum(w * b.get(s, 0) for s, w in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def cancer_projection(graph: Graph, *, network: nx.DiGraph | None = None) -> nx.Graph:
    """The bipartite projection onto cancers: an undirected graph with an edge between two
    cancers that share at least one site. Edge attributes: ``shared`` (number of shared sites),
    ``jaccard``, ``cosine`` and ``weight`` (= ``jaccard``, used by :func:`cancer_communities`).
    Nodes keep the attributes of the spread network.
    """
    import networkx as nx

    G = _network(graph, network)
    weights = site_weights(G)
    P = nx.Graph(name="cancers by shared sites", weight="Jaccard index of the two cancers' site sets")
    for c in weights:
        P.add_node(c, **G.nodes[c])
    for a, b in itertools.combinations(sorted(weights), 2):
        shared = set(weights[a]) & set(weights[b])
        if shared:
            j = jaccard(weights[a], weights[b])
            P.add_edge(a, b, shared=len(shared), jaccard=j, cosine=cosine(weights[a], weights[b]), weight=j)
    return P


def cancer_communities(graph: Graph, *, network: nx.DiGraph | None = None, resolution: float = 1.0) -> list[list[str]]:
    """Groups of cancers with similar spread: ``networkx.community.greedy_modularity_communities``
    (Clauset–Newman–Moore, deterministic: no random seed) on :func:`cancer_projection` with the
    Jaccard index as edge weight. Communities are sorted by size (largest first), then by their
    first member's label; members by label.
    """
    import networkx as nx

    G = _network(graph, network)
    P = cancer_projection(graph, network=G)
    if P.number_of_nodes() == 0:
        return []
    found = nx.community.greedy_modularity_communities(P, weight="weight", resolution=resolution)
    groups = [sorted(c, key=lambda n: (_label(G, n), n)) for c in found]
    groups.sort(key=lambda g: (-len(g), _label(G, g[0])))
    return groups


# ---------------------------------------------------------------------- measures (tables)


def _num(value: float) -> Literal:
    return Literal(round(float(value), _DIGITS))


def _resolve_cancer(graph: Graph, cancer: str | None) -> URIRef | None:
    if cancer is None:
        return None
    from .resolve import resolver_for

    return resolver_for(graph).resolve(cancer, "cancer")


def destinations(graph: Graph, *, network: nx.DiGraph | None = None) -> Results:
    """Sites ranked as destinations of spread.

    ``weightedInDegree`` = the sum, over every primary cancer with a spread pattern to the site,
    of the number of independent sources behind that cancer → site pattern; ``inDegree`` = the
    number of such cancers (unweighted); ``nEvidence`` = evidence items. Ranked by weighted
    in-degree, then in-degree, then name. Sites no cancer spreads to are left out.
    """
    G = _network(graph, network)
    groups = site_groups(G)
    rows = []
    for site, group in groups.items():
        edges = list(G.in_edges(site, data=True))
        if not edges:
            continue
        weighted = sum(int(d["n_sources"]) for _, _, d in edges)
        n_evidence = sum(int(d["n_evidence"]) for _, _, d in edges)
        rows.append((site, _label(G, site), group, len(edges), weighted, n_evidence))
    rows.sort(key=lambda r: (-r[4], -r[3], r[1], r[0]))
    return Results(
        ["site", "siteLabel", "group", "weightedInDegree", "inDegree", "nEvidence"],
        [(URIRef(s), Literal(lab), Literal(g), Literal(w), Literal(n), Literal(e)) for s, lab, g, n, w, e in rows],
    )


def breadth(graph: Graph, *, network: nx.DiGraph | None = None) -> Results:
    """Cancers ranked by breadth of spread: ``nSites`` (sites with a spread pattern),
    ``nTopLevelSites`` (distinct broadest sites, e.g. brain and spinal cord count once, as the
    central nervous system), ``nLymphNodeSites`` and ``nSources`` (the cancer's independent sources
    over all its sites). Ranked by nSites, then nTopLevelSites, then name.
    """
    G = _network(graph, network)
    groups = site_groups(G)
    rows = []
    for cancer in _cancers(G):
        sites = sorted(G.successors(cancer))
        tops = {top_level_site(G, s) for s in sites}
        sources = {i["source"] for s in sites for i in G.edges[cancer, s].get("evidence", ())}
        if not sources:  # a network built without evidence: fall back on the per-pattern counts
            n_sources = max((int(G.edges[cancer, s]["n_sources"]) for s in sites), default=0)
        else:
            n_sources = len(sources)
        n_lymph = sum(groups.get(s) == "lymph node" for s in sites)
        rows.append((cancer, _label(G, cancer), len(sites), len(tops), n_lymph, n_sources))
    rows.sort(key=lambda r: (-r[2], -r[3], r[1], r[0]))
    return Results(
        ["cancer", "cancerLabel", "nSites", "nTopLevelSites", "nLymphNodeSites", "nSources"],
        [(URIRef(c), Literal(lab), *(Literal(x) for x in rest)) for c, lab, *rest in rows],
    )


def similarity(graph: Graph, *, cancer: str | None = None, network: nx.DiGraph | None = None) -> Results:
    """Cancer-to-cancer similarity of spread profiles: ``jaccard`` = |A ∩ B| / |A ∪ B| on the two
    site sets; ``cosine`` on the weighted profiles (weight = independent sources per site).

    Without ``cancer``: every pair sharing at least one site. With ``cancer`` (a name, code or
    IRI): that cancer against every other. Ranked by Jaccard, then cosine, then names.
    """
    G = _network(graph, network)
    focus = _resolve_cancer(graph, cancer)
    weights = site_weights(G)
    if focus is not None and str(focus) not in weights:
        raise InputError(f"{cancer!r} is not in the spread network")
    if focus is None:
        pairs = [(a, b) for a, b in itertools.combinations(weights, 2) if set(weights[a]) & set(weights[b])]
    else:
        pairs = [(str(focus), b) for b in weights if b != str(focus)]
    rows = []
    for a, b in pairs:
        shared = sorted((_label(G, s) for s in set(weights[a]) & set(weights[b])), key=str.casefold)
        rows.append(
            (a, b, len(shared), jaccard(weights[a], weights[b]), cosine(weights[a], weights[b]), "; ".join(shared))
        )
    rows.sort(key=lambda r: (-round(r[3], 9), -round(r[4], 9), _label(G, r[0]), _label(G, r[1])))
    return Results(
        ["cancer", "cancerLabel", "other", "otherLabel", "nShared", "jaccard", "cosine", "sharedSites"],
        [
            (
                URIRef(a),
                Literal(_label(G, a)),
                URIRef(b),
                Literal(_label(G, b)),
                Literal(n),
                _num(j),
                _num(c),
                Literal(s),
            )
            for a, b, n, j, c, s in rows
        ],
    )


def communities(graph: Graph, *, cancer: str | None = None, network: nx.DiGraph | None = None) -> Results:
    """Communities of cancers with similar spread (see :func:`cancer_communities` for the
    algorithm), one row each: ``members`` and ``commonSites``, the sites reached by at least half
    the members (with how many), most shared first. With ``cancer``: only its community.
    """
    G = _network(graph, network)
    focus = _resolve_cancer(graph, cancer)
    rows = []
    for number, members in enumerate(cancer_communities(graph, network=G), start=1):
        if focus is not None and str(focus) not in members:
            continue
        counts: dict[str, int] = {}
        for m in members:
            for s in G.successors(m):
                counts[s] = counts.get(s, 0) + 1
        common = sorted(
            (s for s, n in counts.items() if 2 * n >= len(members)), key=lambda s: (-counts[s], _label(G, s))
        )
        rows.append(
            (
                Literal(number),
                Literal(len(members)),
                Literal("; ".join(_label(G, m) for m in members)),
                Literal("; ".join(f"{_label(G, s)} ({counts[s]}/{len(members)})" for s in common)),
            )
        )
    return Results(["community", "size", "members", "commonSites"], rows)


_LEVELS = ("very common", "common", "uncommon", "reported", "rare")


def _rank_key(G: nx.DiGraph, cancer: str, site: str) -> tuple:
    """A fallback order without the graph: frequency level, best figure, sources, name."""
    d = G.edges[cancer, site]
    figure = d.get("best_figure")
    level = d.get("frequency")
    return (
        _LEVELS.index(level) if level in _LEVELS else len(_LEVELS),
        -(figure or 0),
        -int(d["n_sources"]),
        _label(G, site),
        site,
    )


def ranked_sites(G: nx.DiGraph, cancer: str, graph: Any = None) -> list[str]:
    """A cancer's sites, strongest first. With ``graph``, exactly the order of the
    ``metastatic-sites`` named query (frequency level, then the comparable figure, then name),
    so that tables, plots and the command line never disagree; without it, an approximation
    from the network's edges (:func:`_rank_key`)."""
    mine = set(G.successors(cancer))
    if graph is None:
        return sorted(mine, key=lambda s: _rank_key(G, cancer, s))
    from .api import run_query

    order = [str(r["site"]) for r in run_query("metastatic-sites", graph, cancer=cancer)]
    ranked = [s for s in dict.fromkeys(order) if s in mine]
    rest = sorted(mine - set(ranked), key=lambda s: _rank_key(G, cancer, s))
    return ranked + rest


def best_source(G: nx.DiGraph, cancer: str, site: str) -> str | None:
    """Short name of the source of the best figure of a cancer → site pattern, if any."""
    d = G.edges[cancer, site]
    figure = d.get("best_figure")
    if figure is None:
        return None
    for item in d.get("evidence", ()):
        if item["value"] == figure and item["measure_id"] == "measure:metastatic-patients-with-site":
            return item["source_short"]
    return None


def profile(graph: Graph, *, cancer: str, network: nx.DiGraph | None = None) -> Results:
    """One cancer's spread profile against the average over all primary cancers.

    Rows: the cancer's own sites, strongest first (in the order of the ``metastatic-sites``
    query: frequency level, then the comparable figure, then name), then sites other cancers
    reach but this one does not, most common first. ``nSources`` = this cancer's independent
    sources for the site (0 when absent), ``meanSources`` = the mean of that number over all cancers (absent = 0),
    ``difference`` = nSources − meanSources, ``shareOfCancers`` = fraction of cancers that spread
    to the site. ``bestFigure``/``bestSource``: the strongest comparable figure and its source.
    """
    G = _network(graph, network)
    focus = _resolve_cancer(graph, cancer)
    assert focus is not None
    c = str(focus)
    if c not in G:
        raise InputError(f"{cancer!r} is not in the spread network")
    weights = site_weights(G)
    n = len(weights)
    groups = site_groups(G)
    own = ranked_sites(G, c, graph)
    totals: dict[str, int] = {}
    reach: dict[str, int] = {}
    for w in weights.values():
        for s, k in w.items():
            totals[s] = totals.get(s, 0) + k
            reach[s] = reach.get(s, 0) + 1
    others = sorted((s for s in reach if s not in weights[c]), key=lambda s: (-reach[s], -totals[s], _label(G, s), s))
    rows = []
    for s in own + others:
        mine = weights[c].get(s, 0)
        d = G.edges[c, s] if s in weights[c] else {}
        figure = d.get("best_figure")
        mean = totals[s] / n
        rows.append(
            (
                URIRef(s),
                Literal(_label(G, s)),
                Literal(groups.get(s, "organ")),
                Literal(figure) if figure is not None else None,
                Literal(best_source(G, c, s)) if figure is not None else None,
                Literal(mine),
                _num(mean),
                _num(mine - mean),
                _num(reach[s] / n),
            )
        )
    return Results(
        [
            "site",
            "siteLabel",
            "group",
            "bestFigure",
            "bestSource",
            "nSources",
            "meanSources",
            "difference",
            "shareOfCancers",
        ],
        rows,
    )


#: name -> (function, title stating what is measured and how it is weighted).
MEASURES: dict[str, tuple[Callable[..., Results], str]] = {
    "destinations": (
        destinations,
        "Sites ranked as destinations. weightedInDegree = sum over cancers spreading to the site of the "
        "number of independent sources for that cancer→site link; inDegree = number of cancers (unweighted).",
    ),
    "breadth": (
        breadth,
        "Cancers ranked by breadth of spread: number of sites, then distinct top-level sites "
        "(broadest skos:broader ancestor).",
    ),
    "similarity": (
        similarity,
        "Similarity of spread profiles: Jaccard index of the site sets; cosine of the profiles weighted by "
        "independent sources per site.",
    ),
    "communities": (
        communities,
        "Communities of cancers with similar spread: greedy modularity (Clauset-Newman-Moore, deterministic) "
        "on the cancer projection weighted by Jaccard; commonSites = reached by at least half the members.",
    ),
    "profile": (
        profile,
        "Profile of one cancer against the average: its independent sources per site vs the mean over all "
        "cancers; its own sites ranked as in `cancer-spread sites` (best figure, then sources).",
    ),
}


def run_measure(name: str, graph: Graph, *, cancer: str | None = None, network: nx.DiGraph | None = None) -> Results:
    """Run one of :data:`MEASURES` by name; ``cancer`` focuses ``similarity`` and
    ``communities`` and is required by ``profile``.

    >>> from cancer_spread.load import load_graph
    >>> run_measure("profile", load_graph(), cancer="bowel cancer")[0]["siteLabel"]
    'liver'
    """
    if name not in MEASURES:
        raise InputError(f"unknown measure {name!r}", hint=f"choose from {', '.join(MEASURES)}")
    func = MEASURES[name][0]
    if name == "profile":
        if cancer is None:
            raise InputError("the profile measure needs a cancer", hint="add --cancer NAME, e.g. --cancer breast")
        return profile(graph, cancer=cancer, network=network)
    if name in ("similarity", "communities"):
        return func(graph, cancer=cancer, network=network)
    return func(graph, network=network)
