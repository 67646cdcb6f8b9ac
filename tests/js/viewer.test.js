// Unit tests of the viewer's pure logic (src/cancer_spread/viewer/lib.js), with Node's built-in
// test runner: `node --test tests/js/` (run by `make test` and by tests/test_viewer_js.py).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const L = require(path.join(__dirname, "..", "..", "src", "cancer_spread", "viewer", "lib.js"));

// A small network: two cancers, three sites, one glossary term about the liver.
const info = {
  nodes: {
    "c:breast": { label: "breast cancer", kind: "cancer", synonyms: ["mammary carcinoma"], curie: "cancer:breast", codes: [{ code: "NCIT:C4872" }] },
    "c:bowel": { label: "colorectal cancer", kind: "cancer", synonyms: ["bowel cancer"], curie: "cancer:colorectal", codes: [] },
    "s:bone": { label: "bone", kind: "site", synonyms: [], curie: "site:bone", codes: [{ code: "UBERON:0002481" }] },
    "s:liver": { label: "liver", kind: "site", synonyms: ["hepatic"], curie: "site:liver", codes: [] },
    "s:brain": { label: "brain", kind: "site", synonyms: [], curie: "site:brain", codes: [] },
    "g:mets": { label: "liver metastasis", kind: "glossary term", synonyms: [], curie: "term:mets", codes: [] },
  },
  edges: {
    e1: { type: "spread", from: "c:breast", to: "s:bone", best_figure: 65.1, n_sources: 7, quantitative: true, evidence: [{ kind: "registry study", src: 0 }] },
    e2: { type: "spread", from: "c:breast", to: "s:liver", best_figure: null, n_sources: 2, quantitative: false, evidence: [{ kind: "patient-information listing", src: 1 }] },
    e3: { type: "spread", from: "c:bowel", to: "s:liver", best_figure: 12.5, n_sources: 1, quantitative: true, evidence: [{ kind: "registry study", src: 1 }] },
    e4: { type: "spread", from: "c:breast", to: "s:brain", best_figure: 12.5, n_sources: 3, quantitative: true, evidence: [{ kind: "registry study", src: 0 }] },
    a1: { type: "about", from: "g:mets", to: "s:liver" },
  },
};
const data = {
  nodes: Object.keys(info.nodes).map((id) => ({ id })),
  edges: Object.keys(info.edges).map((id) => ({ id })),
  info,
  sources: [{ key: "SEER" }, { key: "NCI" }],
};
const shown = (vis) => Object.keys(vis.edges).filter((id) => vis.edges[id]).sort();

test("fmt shows at most two decimals and nothing for a missing value", () => {
  assert.equal(L.fmt(65.1), "65.1");
  assert.equal(L.fmt(12.5), "12.5");
  assert.equal(L.fmt(1 / 3), "0.33");
  assert.equal(L.fmt(40), "40");
  assert.equal(L.fmt(null), "");
  assert.equal(L.fmt(undefined), "");
  assert.equal(L.fmt(0), "0");
});

test("norm lower-cases and collapses white space", () => {
  assert.equal(L.norm("  Bowel \t  Cancer\n"), "bowel cancer");
  assert.equal(L.norm(null), "");
});

test("only http(s) links are links", () => {
  assert.equal(L.safeLink("https://example.org/x"), "https://example.org/x");
  assert.equal(L.safeLink("HTTP://example.org"), "HTTP://example.org");
  assert.equal(L.safeLink("javascript:alert(1)"), null);
  assert.equal(L.safeLink(" data:text/html,x"), null);
  assert.equal(L.safeLink(undefined), null);
});

test("plural", () => {
  assert.equal(L.plural(1, "source"), "1 source");
  assert.equal(L.plural(0, "source"), "0 sources");
  assert.equal(L.plural(7, "link"), "7 links");
});

test("search matches labels and synonyms by substring, codes and CURIEs exactly", () => {
  assert.ok(L.matches(info.nodes["c:bowel"], "bowel"));
  assert.ok(L.matches(info.nodes["c:breast"], "mammary"));
  assert.ok(L.matches(info.nodes["c:breast"], "ncit:c4872"));
  assert.ok(L.matches(info.nodes["c:breast"], "c4872"), "a code without its prefix");
  assert.ok(!L.matches(info.nodes["c:breast"], "c487"), "codes are not matched by substring");
  assert.ok(L.matches(info.nodes["s:bone"], "site:bone"));
  assert.ok(!L.matches(info.nodes["s:bone"], "site:bon"));
  assert.ok(!L.matches(undefined, "bone"));
});

test("the best match prefers an exact label, then a synonym, then cancers", () => {
  assert.equal(L.bestMatch(data.nodes, info.nodes, "liver"), "s:liver");
  assert.equal(L.bestMatch(data.nodes, info.nodes, "Bowel  Cancer"), "c:bowel");
  assert.equal(L.bestMatch(data.nodes, info.nodes, "cancer"), "c:breast");
  assert.equal(L.bestMatch(data.nodes, info.nodes, "hepat"), "s:liver");
  assert.equal(L.bestMatch(data.nodes, info.nodes, "pancreas"), null);
  assert.equal(L.bestMatch(data.nodes, info.nodes, "   "), null);
  // A cancer named by the query (or a short form of its name) first, then a site so named,
  // then looser matches, cancers before sites.
  assert.equal(L.matchRank(info.nodes["c:bowel"], "bowel cancer"), 0);
  assert.equal(L.matchRank(info.nodes["c:bowel"], "bowel"), 1);
  assert.equal(L.matchRank(info.nodes["s:liver"], "liver"), 2);
  assert.equal(L.matchRank(info.nodes["s:liver"], "hepatic"), 2);
  assert.equal(L.matchRank(info.nodes["c:bowel"], "colo"), 4);
  assert.equal(L.matchRank(info.nodes["s:liver"], "liv"), 5);
});

test("no filter shows everything", () => {
  const vis = L.visibility(data, { query: "", kinds: null, min: 0 });
  assert.equal(vis.filtering, false);
  assert.deepEqual(shown(vis), ["a1", "e1", "e2", "e3", "e4"]);
});

test("a search shows the links of the matching nodes", () => {
  const vis = L.visibility(data, { query: "bowel", kinds: null });
  assert.equal(vis.filtering, true);
  assert.deepEqual(shown(vis), ["a1", "e3"], "the glossary term about the liver comes with it");
  assert.deepEqual([...vis.nodes].sort(), ["c:bowel", "g:mets", "s:liver"]);
  assert.deepEqual(shown(L.visibility(data, { query: "bone", kinds: null })), ["e1"]);
});

test("a picked cancer and site show only their links", () => {
  assert.deepEqual(shown(L.visibility(data, { cancers: ["c:bowel"], kinds: null })), ["a1", "e3"]);
  assert.deepEqual(shown(L.visibility(data, { cancers: ["c:breast"], kinds: null })), ["a1", "e1", "e2", "e4"]);
  const vis = L.visibility(data, { cancers: ["c:breast"], sites: ["s:liver"], kinds: null });
  assert.deepEqual(shown(vis).filter((id) => id.startsWith("e")), ["e2"]);
});

test("kinds and sources filter by the evidence items", () => {
  assert.deepEqual(shown(L.visibility(data, { kinds: ["registry study"] })), ["a1", "e1", "e3", "e4"]);
  assert.deepEqual(shown(L.visibility(data, { kinds: ["patient-information listing"], sources: ["SEER"] })), []);
  assert.deepEqual(shown(L.visibility(data, { kinds: null, sources: ["NCI"] })).filter((id) => id[0] === "e"), ["e2", "e3"]);
  assert.deepEqual(shown(L.visibility(data, { kinds: ["registry study"], sources: ["NCI"] })).filter((id) => id[0] === "e"), ["e3"]);
  assert.deepEqual(shown(L.visibility(data, { kinds: [] })), [], "no kind ticked: no spread link");
});

test("a minimum figure hides links without a figure", () => {
  const vis = L.visibility(data, { kinds: null, min: 12.5 });
  assert.deepEqual(shown(vis).filter((id) => id[0] === "e"), ["e1", "e3", "e4"]);
  assert.deepEqual(shown(L.visibility(data, { kinds: null, min: 50 })).filter((id) => id[0] === "e"), ["e1"]);
});

test("glossary links follow what they describe", () => {
  const onLiver = L.visibility(data, { sites: ["s:liver"], kinds: null });
  assert.equal(onLiver.edges.a1, true);
  assert.ok(onLiver.nodes.has("g:mets"));
  const onBone = L.visibility(data, { sites: ["s:bone"], kinds: null });
  assert.equal(onBone.edges.a1, false);
  assert.ok(!onBone.nodes.has("g:mets"));
});

test("the panel lists links by figure, then sources, then name; links without a figure last", () => {
  const labelOf = (id) => info.nodes[id].label;
  assert.deepEqual(L.linkOrder(["e2", "e4", "e1", "a1"], info.edges, labelOf, "to"), ["e1", "e4", "e2"]);
  assert.deepEqual(L.linkOrder(["e3", "e4"], info.edges, labelOf, "from"), ["e4", "e3"], "same figure: more sources first");
});

test("link labels and summaries", () => {
  assert.equal(L.edgeLabel(info.edges.e1), "65.1%");
  assert.equal(L.edgeLabel(info.edges.e2), "");
  assert.equal(L.edgeLabel(undefined), "");
  assert.equal(L.linkSummary(info.edges.e1), "65.1% · 7 sources");
  assert.equal(L.linkSummary(info.edges.e2), "2 sources · listed");
  assert.equal(L.linkSummary(info.edges.e3), "12.5% · 1 source");
});

// ------------------------------------------------------------------ names people type (issue 17)
const both = {
  "c:breast": { label: "breast cancer", kind: "cancer", synonyms: [] },
  "s:breast": { label: "breast", kind: "site", synonyms: [] },
  "c:womb": { label: "womb cancer", kind: "cancer", synonyms: ["uterine cancer"] },
  "c:cervix": { label: "cervical cancer", kind: "cancer", synonyms: ["cancer of the neck of the womb"] },
  "s:bowel": { label: "bowel", kind: "site", synonyms: ["intestine"] },
  "c:bowel": { label: "colorectal cancer", kind: "cancer", synonyms: ["bowel cancer"] },
  "c:tnbc": { label: "triple-negative breast cancer", kind: "cancer", synonyms: [] },
};
const bothNodes = Object.keys(both).map((id) => ({ id }));

test("a word naming a cancer and a site finds the cancer", () => {
  assert.equal(L.bestMatch(bothNodes, both, "breast"), "c:breast");
  assert.equal(L.bestMatch(bothNodes, both, "bowel"), "c:bowel");
  assert.equal(L.bestMatch(bothNodes, both, "womb"), "c:womb");
  assert.equal(L.bestMatch(bothNodes, both, "triple negative"), "c:tnbc");
});

test("a query that matches nothing gets at most three close names", () => {
  assert.deepEqual(L.suggest(bothNodes, both, "brest"), ["c:breast", "c:tnbc", "s:breast"]);
  assert.ok(L.suggest(bothNodes, both, "brest").length <= 3);
  assert.deepEqual(L.suggest(bothNodes, both, "zzzzzz"), []);
  assert.deepEqual(L.suggest(bothNodes, both, ""), []);
});

test("labels lose bidi overrides and control characters, and long ones end with an ellipsis", () => {
  assert.equal(L.displayText("\u202Eevil\u202C label"), "evil label");
  assert.equal(L.displayText("a\u2066b\u2069c\u200F"), "abc");
  assert.equal(L.displayText("x\u0007y"), "x y");
  const long = "a".repeat(1000);
  assert.equal(L.shortLabel(long).length, 40);
  assert.ok(L.shortLabel(long).endsWith("…"));
  assert.equal(L.shortLabel("liver"), "liver");
});

test("link labels are placed along their lines without overlapping", () => {
  // Ten lines converging on one site, as in a site focus: the middles pile up.
  const items = [];
  for (let i = 0; i < 10; i++) items.push({ id: "e" + i, text: i + "%", x1: 0, y1: i * 30, x2: 600, y2: 150, w: 40, h: 14 });
  const placed = L.placeLabels(items, []);
  assert.ok(placed.length >= 8, "most labels find a place");
  for (let i = 0; i < placed.length; i++) {
    for (let j = i + 1; j < placed.length; j++) {
      const a = placed[i], b = placed[j];
      const apart = Math.abs(a.x - b.x) >= (a.w + b.w) / 2 || Math.abs(a.y - b.y) >= (a.h + b.h) / 2;
      assert.ok(apart, a.id + " overlaps " + b.id);
    }
  }
  // An obstacle at the middle pushes the label along its line.
  const [one] = L.placeLabels([{ id: "x", text: "5%", x1: 0, y1: 0, x2: 100, y2: 0, w: 10, h: 10 }], [{ left: 40, right: 60, top: -10, bottom: 10 }]);
  assert.ok(one.x < 35 || one.x > 65);
});

test("the view survives a round trip through the URL fragment", () => {
  const st = { select: "https://w3id.org/cancer-spread/cancer/breast", query: "bone & liver", cancers: ["c1"], sites: ["s1", "s2"], sources: ["NCI"], kinds: ["registry study"], min: 20 };
  assert.deepEqual(L.decodeState("#" + L.encodeState(st)), st);
  assert.equal(L.decodeState(""), null);
  assert.equal(L.decodeState("#nothing=1"), null);
  assert.equal(L.decodeState("#q=%E0%A4%A"), null, "a broken escape is ignored");
  assert.equal(L.encodeState({ select: null, query: "", cancers: [], sites: [], sources: [], kinds: null, min: 0 }), "");
});
