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
  assert.equal(L.matchRank(info.nodes["s:liver"], "liver"), 0);
  assert.equal(L.matchRank(info.nodes["s:liver"], "hepatic"), 1);
  assert.equal(L.matchRank(info.nodes["c:bowel"], "colo"), 2);
  assert.equal(L.matchRank(info.nodes["s:liver"], "liv"), 3);
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
