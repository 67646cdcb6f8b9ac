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

  /** Text for loose matching: as norm(), with hyphens and underscores as spaces, so that
   * "triple negative" finds "triple-negative breast cancer". */
  function loose(s) { return norm(String(s || "").replace(/[-_\u2010\u2011]+/g, " ")); }

  /** The short forms people use for a name: without its head noun ("ovarian" from "ovarian
   * cancer") or without "cancer of the" ("ovary" from "cancer of the ovary"). */
  function shortForms(name) {
    var k = loose(name), out = [];
    var a = k.replace(/\s+(cancers?|carcinoma|tumou?rs?|neoplasm)$/, "");
    var b = k.replace(/^(cancer|carcinoma|tumou?r) of the\s+/, "");
    [a, b].forEach(function (x) { if (x && x !== k && out.indexOf(x) < 0) out.push(x); });
    return out;
  }

  function names(d) { return [d.label].concat(d.synonyms || []); }

  /** Does node ``d`` (its info: label, synonyms, curie, codes) match the normalised query ``q``?
   * Label and synonyms match by substring (hyphens as spaces); the CURIE and codes (with or
   * without their prefix) match exactly. */
  function matches(d, q) {
    if (!d) return false;
    var lq = loose(q);
    if (!lq) return false;
    if (names(d).some(function (s) { return loose(s).indexOf(lq) >= 0; })) return true;
    return norm(d.curie) === norm(q) || (d.codes || []).some(function (c) {
      return norm(c.code) === norm(q) || norm(c.code).split(":").pop() === norm(q);
    });
  }

  /** How closely node ``d`` answers ``q``: 0 its name or a synonym, 1 a short form of one
   * ("bowel" for "bowel cancer"), 2 a name with a word starting so, 3 any other match; 9 none. */
  function matchQuality(d, q) {
    if (!d || !q) return 9;
    var lq = loose(q);
    var all = names(d).map(loose);
    if (all.indexOf(lq) >= 0) return 0;
    if (names(d).some(function (s) { return shortForms(s).indexOf(lq) >= 0; })) return 1;
    if (all.some(function (s) { return (" " + s).indexOf(" " + lq) >= 0; })) return 2;
    return matches(d, q) ? 3 : 9;
  }

  /** How well node ``d`` answers the query (lower is better; 9: not at all). A cancer named by
   * the query, or by a short form of its name, comes first ("breast", "bowel", "womb" find the
   * cancer); then a site so named; then looser matches, cancers before sites. */
  function matchRank(d, q) {
    var m = matchQuality(d, q);
    if (m === 9) return 9;
    var site = d.kind === "cancer" ? 0 : 1;
    if (m <= 1) return site ? 2 + m : m;
    return 2 * m + site;
  }

  /** Edit distance (Levenshtein) between two strings. */
  function distance(a, b) {
    var prev = [], cur, i, j;
    for (j = 0; j <= b.length; j++) prev.push(j);
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      for (j = 1; j <= b.length; j++) {
        cur.push(Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
      }
      prev = cur;
    }
    return prev[b.length];
  }

  /** At most ``n`` (default 3) node ids whose names are close to a query that matched nothing:
   * a name (or short form, or one of its words) within a few typing slips, cancers first. */
  function suggest(nodes, info, query, n) {
    var q = loose(query);
    if (!q) return [];
    var slack = Math.max(1, Math.floor(q.length / 4));
    var scored = [];
    nodes.forEach(function (node) {
      var d = info[node.id];
      if (!d || d.kind === "glossary term") return;
      var best = 99;
      names(d).forEach(function (s) {
        var forms = [loose(s)].concat(shortForms(s), loose(s).split(" "));
        forms.forEach(function (f) { if (f.length > 2) best = Math.min(best, distance(q, f)); });
      });
      if (best <= slack) scored.push([best, d.kind === "cancer" ? 0 : 1, d.label, node.id]);
    });
    scored.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2].localeCompare(b[2]); });
    return scored.slice(0, n || 3).map(function (x) { return x[3]; });
  }

  /** Text from the data as the page draws it: without bidirectional controls (an override
   * cannot reverse a label) or other control characters. */
  function displayText(s) {
    return String(s === null || s === undefined ? "" : s)
      .replace(/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g, "")
      .replace(/[\u0000-\u001F\u007F-\u009F]/g, " ");
  }

  /** A label for the canvas: display text cut to ``max`` characters (default 40) with "…". */
  function shortLabel(s, max) {
    var t = displayText(s), m = max || 40;
    return t.length <= m ? t : t.slice(0, m - 1).replace(/\s+$/, "") + "…";
  }

  /** Where to draw the labels of highlighted links so that none overlaps another or an
   * obstacle (a node's box): each label goes at the first point along its line (from the
   * middle outwards) where it fits. ``items``: [{id, text, x1, y1, x2, y2, w, h}] in canvas
   * units; ``obstacles``: [{left, right, top, bottom}]. Returns the placed labels as
   * [{id, text, x, y, w, h}] (centre, size); a label that fits nowhere is left out (the panel
   * lists every figure). */
  function placeLabels(items, obstacles) {
    var taken = (obstacles || []).slice(), out = [];
    var ts = [0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.2, 0.8, 0.14, 0.86];
    function free(b) {
      return taken.every(function (o) { return b.right <= o.left || b.left >= o.right || b.bottom <= o.top || b.top >= o.bottom; });
    }
    items.forEach(function (it) {
      for (var i = 0; i < ts.length; i++) {
        var x = it.x1 + (it.x2 - it.x1) * ts[i], y = it.y1 + (it.y2 - it.y1) * ts[i];
        var box = { left: x - it.w / 2, right: x + it.w / 2, top: y - it.h / 2, bottom: y + it.h / 2 };
        if (free(box)) {
          taken.push(box);
          out.push({ id: it.id, text: it.text, x: x, y: y, w: it.w, h: it.h });
          return;
        }
      }
    });
    return out;
  }

  /** The view in a URL fragment: what is selected, the search and the filters.
   * ``state``: {select, query, cancers, sites, sources, kinds (null: all), min}. */
  function encodeState(state) {
    var parts = [];
    function put(k, v) { parts.push(k + "=" + encodeURIComponent(v)); }
    if (state.select) put("select", state.select);
    if (state.query) put("q", state.query);
    ["cancers", "sites", "sources"].forEach(function (k) { (state[k] || []).forEach(function (v) { put(k, v); }); });
    if (state.kinds) { if (!state.kinds.length) put("kinds", ""); state.kinds.forEach(function (v) { put("kinds", v); }); }
    if (Number(state.min) > 0) put("min", String(Number(state.min)));
    return parts.join("&");
  }

  /** The state encoded by encodeState() (from location.hash, with or without its "#"); null when
   * the fragment holds none. Unknown keys are ignored. */
  function decodeState(hash) {
    var text = String(hash || "").replace(/^#/, "");
    if (!text) return null;
    var st = { select: null, query: "", cancers: [], sites: [], sources: [], kinds: null, min: 0 }, any = false;
    text.split("&").forEach(function (pair) {
      var i = pair.indexOf("="), k = i < 0 ? pair : pair.slice(0, i), v;
      try { v = decodeURIComponent(i < 0 ? "" : pair.slice(i + 1)); } catch (e) { return; }
      if (k === "select") { st.select = v; any = true; }
      else if (k === "q") { st.query = v; any = true; }
      else if (k === "cancers" || k === "sites" || k === "sources") { st[k].push(v); any = true; }
      else if (k === "kinds") { st.kinds = st.kinds || []; if (v) st.kinds.push(v); any = true; }
      else if (k === "min") { st.min = Number(v) || 0; any = true; }
    });
    return any ? st : null;
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
    decodeState: decodeState,
    displayText: displayText,
    distance: distance,
    encodeState: encodeState,
    loose: loose,
    matchQuality: matchQuality,
    placeLabels: placeLabels,
    shortForms: shortForms,
    shortLabel: shortLabel,
    suggest: suggest,
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
