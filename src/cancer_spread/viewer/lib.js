// The viewer's pure logic: search matching, filtering, ordering and labels. No DOM, no
// vis-network: the page (viewer.js) calls these, and tests/js/viewer.test.js runs them with
// Node's built-in test runner. Loaded as a plain script in the page (window.csLib) and as a
// CommonJS module in Node.
(function (root, factory) {
  "use strict";
  var lib = factory();
  if (typeof module === "object" && module.exports) module.exports = lib;
  else root.csLib = lib;
})(this, function () {
  "use strict";

  /** A number as the page shows it: at most two decimals, no trailing zeros; "" for none. */
  function fmt(v) { return v === null || v === undefined ? "" : String(Number(Number(v).toFixed(2))); }

  /** Text for matching: lower case, runs of white space as one space, trimmed. */
  function norm(s) { return String(s || "").toLowerCase().replace(/\s+/g, " ").trim(); }

  /** The URL if it is an http(s) link, else null (nothing else becomes a link). */
  function safeLink(url) { return /^https?:\/\//i.test(String(url || "")) ? String(url) : null; }

  /** "1 source", "2 sources". */
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  /** Does node ``d`` (its info: label, synonyms, curie, codes) match the normalised query ``q``?
   * Label and synonyms match by substring; the CURIE and codes (with or without their prefix)
   * match exactly. */
  function matches(d, q) {
    if (!d) return false;
    if (norm(d.label).indexOf(q) >= 0) return true;
    if ((d.synonyms || []).some(function (s) { return norm(s).indexOf(q) >= 0; })) return true;
    return norm(d.curie) === q || (d.codes || []).some(function (c) {
      return norm(c.code) === q || norm(c.code).split(":").pop() === q;
    });
  }

  /** How well node ``d`` answers the query (lower is better; 9: not at all): an exact label,
   * an exact synonym, then any match, cancers before sites. */
  function matchRank(d, q) {
    if (!d || !q) return 9;
    if (norm(d.label) === q) return 0;
    if ((d.synonyms || []).some(function (s) { return norm(s) === q; })) return 1;
    if (matches(d, q)) return d.kind === "cancer" ? 2 : 3;
    return 9;
  }

  /** The id of the node that best answers the query, or null. */
  function bestMatch(nodes, info, query) {
    var q = norm(query);
    if (!q) return null;
    var best = null, rank = 9;
    nodes.forEach(function (n) {
      var r = matchRank(info[n.id], q);
      if (r < rank) { rank = r; best = n.id; }
    });
    return best;
  }

  /** Which nodes and links a filter shows.
   * ``data``: {nodes: [{id}], edges: [{id}], info: {nodes, edges}, sources: [{key}]}.
   * ``f``: {query, cancers: [ids], sites: [ids], sources: [keys], kinds: [kinds] or null for
   * every kind, min: lowest best figure (0: any)}.
   * Returns {filtering, nodes: Set of ids shown, edges: {id: shown}}. A spread link is shown when
   * its cancer and site are among those picked, one of its evidence items has a picked kind and
   * source, its best figure reaches ``min`` (links without a figure are hidden then) and the
   * search matches one of its ends; glossary links follow what they describe. */
  function visibility(data, f) {
    var info = data.info;
    var q = norm(f.query);
    var cs = new Set(f.cancers || []), ss = new Set(f.sites || []), srcs = new Set(f.sources || []);
    var allKinds = f.kinds === null || f.kinds === undefined;
    var kinds = new Set(f.kinds || []);
    var min = Number(f.min) || 0;
    var filtering = Boolean(q || cs.size || ss.size || srcs.size || !allKinds || min > 0);
    var hits = null;
    if (q) {
      hits = new Set();
      data.nodes.forEach(function (n) { if (matches(info.nodes[n.id], q)) hits.add(n.id); });
    }
    var showN = new Set(), edgeVis = {};
    data.edges.forEach(function (e) {
      var d = info.edges[e.id];
      if (d.type !== "spread") return;
      var ok = (!cs.size || cs.has(d.from)) && (!ss.size || ss.has(d.to));
      if (ok && (!allKinds || srcs.size)) {
        ok = d.evidence.some(function (ev) {
          return (allKinds || kinds.has(ev.kind)) && (!srcs.size || srcs.has(data.sources[ev.src].key));
        });
      }
      if (ok && min > 0) ok = d.best_figure !== null && d.best_figure !== undefined && d.best_figure >= min;
      if (ok && hits) ok = hits.has(d.from) || hits.has(d.to);
      edgeVis[e.id] = ok;
      if (ok) { showN.add(d.from); showN.add(d.to); }
    });
    if (hits) hits.forEach(function (id) { if (info.nodes[id].kind !== "glossary term" || !filtering) showN.add(id); });
    cs.forEach(function (id) { showN.add(id); });
    ss.forEach(function (id) { showN.add(id); });
    data.edges.forEach(function (e) {
      var d = info.edges[e.id];
      if (d.type !== "about") return;
      edgeVis[e.id] = !filtering || showN.has(d.to) || Boolean(hits && hits.has(d.from));
      if (edgeVis[e.id] && filtering) { showN.add(d.from); showN.add(d.to); }
    });
    return { filtering: filtering, nodes: showN, edges: edgeVis };
  }

  /** Spread links ``ids`` in the panel's order: highest best figure first (links without a
   * figure last), then more sources, then by the other end's label. Other links are dropped. */
  function linkOrder(ids, edgeInfo, labelOf, other) {
    var order = ids.filter(function (eid) { return edgeInfo[eid] && edgeInfo[eid].type === "spread"; });
    order.sort(function (a, b) {
      var da = edgeInfo[a], db = edgeInfo[b];
      var fa = da.best_figure === null || da.best_figure === undefined ? -1 : da.best_figure;
      var fb = db.best_figure === null || db.best_figure === undefined ? -1 : db.best_figure;
      return fb - fa || db.n_sources - da.n_sources || labelOf(da[other]).localeCompare(labelOf(db[other]));
    });
    return order;
  }

  /** The label drawn on a highlighted link: its best figure as a percentage, or nothing. */
  function edgeLabel(d) {
    return d && d.best_figure !== null && d.best_figure !== undefined ? fmt(d.best_figure) + "%" : "";
  }

  /** The short line under a link in the panel: "65.1% · 7 sources", "1 source · listed". */
  function linkSummary(d) {
    var bits = [];
    if (d.best_figure !== null && d.best_figure !== undefined) bits.push(fmt(d.best_figure) + "%");
    bits.push(plural(d.n_sources, "source"));
    if (!d.quantitative) bits.push("listed");
    return bits.join(" · ");
  }

  return {
    bestMatch: bestMatch,
    edgeLabel: edgeLabel,
    fmt: fmt,
    linkOrder: linkOrder,
    linkSummary: linkSummary,
    matchRank: matchRank,
    matches: matches,
    norm: norm,
    plural: plural,
    safeLink: safeLink,
    visibility: visibility
  };
});
