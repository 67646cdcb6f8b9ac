(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("cs-data").textContent);
  var CFG = DATA.config, INFO = DATA.info;
  var viewer = window.csViewer = { data: DATA, firstDrawMs: null, stableMs: null, lastExport: null };
  var container = document.getElementById("cs-network");
  var nodes = new vis.DataSet(DATA.nodes);
  var edges = new vis.DataSet(DATA.edges);
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, CFG.options);
  viewer.network = network; viewer.nodes = nodes; viewer.edges = edges;

  network.once("afterDrawing", function () {
    viewer.firstDrawMs = performance.now();
    if (!CFG.force && !CFG.keepPhysics) viewer.stableMs = viewer.firstDrawMs;
  });
  if (CFG.force) {
    network.once("stabilizationIterationsDone", function () {
      if (!CFG.keepPhysics) network.setOptions({ physics: { enabled: false } });
      viewer.stableMs = performance.now();
    });
  } else if (CFG.keepPhysics) {
    network.once("stabilized", function () { viewer.stableMs = performance.now(); });
  }

  // ---------------------------------------------------------------- helpers
  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === "class") e.className = attrs[k]; else e.setAttribute(k, attrs[k]);
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      if (Array.isArray(c)) c.forEach(function (x) { if (x) e.appendChild(x instanceof Node ? x : document.createTextNode(String(x))); });
      else e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  var L = window.csLib;  // the pure logic (lib.js), unit-tested with node --test
  var fmt = L.fmt, norm = L.norm, safeLink = L.safeLink, plural = L.plural;
  function label(id) { var d = INFO.nodes[id]; return d ? d.label : String(id); }

  var outE = {}, inE = {};
  DATA.edges.forEach(function (e) {
    (outE[e.from] = outE[e.from] || []).push(e.id);
    (inE[e.to] = inE[e.to] || []).push(e.id);
  });
  var baseColour = {};
  DATA.edges.forEach(function (e) { baseColour[e.id] = e.color ? e.color.color : CFG.colours.edge; });

  // ---------------------------------------------------------------- column headings
  if (CFG.headers && CFG.headers.length) {
    network.on("beforeDrawing", function (ctx) {
      ctx.save();
      ctx.textAlign = "center";
      ctx.fillStyle = "#4a4a4a";
      CFG.headers.forEach(function (h) {
        if (!h.main && filtering) return;
        ctx.font = (h.main ? "700 17px " : "italic 600 13px ") + CFG.options.nodes.font.face;
        ctx.fillText(h.text, h.x, h.y);
      });
      ctx.restore();
    });
  }
  function fitView(ids) {
    var opts = { animation: false, maxZoomLevel: 1.25 };
    if (ids && ids.length) opts.nodes = ids;
    network.fit(opts);
  }
  if (!CFG.force) fitView();

  // ---------------------------------------------------------------- highlight
  var dimmed = new Set(), edgeState = {}, hoverId = null, selectedId = null;
  function highlight(id) {
    var keep = new Set(), hi = new Set();
    if (id !== null && id !== undefined && nodes.get(id)) {
      keep.add(id);
      network.getConnectedEdges(id).forEach(function (eid) {
        var e = edges.get(eid);
        if (!e || e.hidden) return;
        hi.add(eid); keep.add(e.from); keep.add(e.to);
      });
    }
    var active = keep.size > 0, nu = [], eu = [];
    nodes.forEach(function (n) {
      var dim = active && !keep.has(n.id);
      if (dim === dimmed.has(n.id)) return;
      if (dim) { dimmed.add(n.id); nu.push({ id: n.id, opacity: 0.22, font: { color: "#b5b5b5" } }); }
      else { dimmed.delete(n.id); nu.push({ id: n.id, opacity: 1, font: { color: "#111111" } }); }
    });
    edges.forEach(function (e) {
      var want = hi.has(e.id) ? "hi" : active ? "dim" : "base";
      if ((edgeState[e.id] || "base") === want) return;
      edgeState[e.id] = want;
      var d = INFO.edges[e.id];
      if (want === "hi") {
        var text = L.edgeLabel(d);
        eu.push({ id: e.id, color: { color: d && d.type === "about" ? "#8E3F6C" : CFG.colours.highlight }, label: text });
      } else {
        eu.push({ id: e.id, color: { color: want === "dim" ? CFG.colours.dim : baseColour[e.id] }, label: "" });
      }
    });
    if (nu.length) nodes.update(nu);
    if (eu.length) edges.update(eu);
  }
  viewer.highlight = highlight;
  network.on("hoverNode", function (p) { hoverId = p.node; highlight(hoverId); });
  network.on("blurNode", function () { hoverId = null; highlight(selectedId); });

  // ---------------------------------------------------------------- side panel
  var panel = document.getElementById("cs-panel");
  function hint() {
    panel.replaceChildren(
      el("h2", null, "How to read this"),
      el("p", null, "Each line joins a primary cancer (left) to a part of the body it spreads to (right)."),
      el("p", null, "Hover over a cancer or a site to see its links; click it for its definition, names and codes, or click a line for every piece of evidence, with figures and links to the sources."),
      el("p", { class: "cs-muted" }, plural(countVisible().nodes, "node") + " and " + plural(countVisible().edges, "link") + " shown.")
    );
  }
  function nodeButton(id) {
    var b = el("button", { type: "button", "data-node": id }, label(id));
    b.addEventListener("click", function () { selectNode(id); });
    return b;
  }
  function edgeButton(eid, text) {
    var b = el("button", { type: "button", "data-edge": eid }, text);
    b.addEventListener("click", function () { selectEdge(eid); });
    return b;
  }
  function linkList(ids, other) {
    var order = L.linkOrder(ids, INFO.edges, label, other);
    if (!order.length) return el("p", { class: "cs-muted" }, "None shown.");
    return el("ul", { class: "cs-list" }, order.map(function (eid) {
      var d = INFO.edges[eid];
      return el("li", null, nodeButton(d[other]), " ", L.linkSummary(d), " ", edgeButton(eid, "evidence"));
    }));
  }
  function showNode(id) {
    var d = INFO.nodes[id];
    if (!d) return;
    var parts = [el("p", { class: "cs-kind" }, d.kind), el("h2", null, d.label)];
    parts.push(d.definition ? el("p", null, d.definition) : el("p", { class: "cs-muted" }, "No definition recorded."));
    if (d.synonyms && d.synonyms.length) parts.push(el("h3", null, "Also called"), el("p", null, d.synonyms.join(", ")));
    if (d.kind === "cancer") {
      parts.push(el("h3", null, "Spreads to (" + (outE[id] || []).length + ")"), linkList(outE[id] || [], "to"));
      parts.push(el("p", { class: "cs-muted" }, "% = highest share of patients with distant spread who have the site involved, where a source gives it."));
    } else if (d.kind === "glossary term") {
      if (d.about && d.about.length) parts.push(el("h3", null, "About"), el("p", null, d.about.map(function (a) { return nodeButton(a.id); })));
    } else {
      parts.push(el("h3", null, "Cancers that spread here (" + (inE[id] || []).filter(function (e) { return INFO.edges[e].type === "spread"; }).length + ")"), linkList(inE[id] || [], "from"));
    }
    if (d.parents && d.parents.length) {
      parts.push(el("h3", null, "Part of"), el("p", null, d.parents.map(function (p) { return INFO.nodes[p.id] ? nodeButton(p.id) : el("span", null, p.label + " "); })));
    }
    if (d.codes && d.codes.length) {
      parts.push(el("h3", null, "Codes"), el("ul", { class: "cs-codes" }, d.codes.map(function (c) {
        return el("li", null, c.code, c.status && c.status !== "verified" ? " (" + c.status + ")" : "");
      })));
    }
    parts.push(el("p", { class: "cs-muted" }, d.curie || "", " ", el("br"), d.iri));
    panel.replaceChildren.apply(panel, parts);
  }
  function showEdge(eid) {
    var d = INFO.edges[eid];
    if (!d) return;
    if (d.type === "about") {
      panel.replaceChildren(el("p", { class: "cs-kind" }, "glossary link"), el("h2", null, label(d.from) + " → " + label(d.to)),
        el("p", null, "The glossary term “" + label(d.from) + "” describes the " + label(d.to) + "."),
        el("p", null, nodeButton(d.from), " ", nodeButton(d.to)));
      return;
    }
    var parts = [el("p", { class: "cs-kind" }, "spread pattern"), el("h2", null, label(d.from) + " → " + label(d.to))];
    if (d.best_figure !== null && d.best_figure !== undefined) {
      parts.push(el("p", null, el("span", { class: "cs-fig" }, "Up to " + fmt(d.best_figure) + "%"), " of patients whose " + label(d.from) + " had spread to distant parts of the body had it in the " + label(d.to) + "."));
    } else if (d.quantitative) {
      parts.push(el("p", null, "Sources give figures of other kinds; see below."));
    } else {
      parts.push(el("p", null, "Named by sources as a place this cancer spreads to; no figure recorded."));
    }
    parts.push(el("p", { class: "cs-muted" }, plural(d.n_sources, "source") + ", " + plural(d.n_evidence, "evidence item") + (d.kinds.length ? " · " + d.kinds.join(", ") : "")));
    parts.push(el("p", null, nodeButton(d.from), " ", nodeButton(d.to)));
    parts.push(el("h3", null, "Evidence"));
    d.evidence.forEach(function (ev) {
      var hasFig = ev.value !== null && ev.value !== undefined;
      var head = el("p", null, el("strong", null, ev.kind || "evidence"));
      if (hasFig) head.appendChild(el("span", { class: "cs-fig" }, " — " + fmt(ev.value) + (ev.unit === "percent" ? "%" : (ev.unit ? " " + ev.unit : ""))));
      var box = el("div", { class: "cs-ev" + (hasFig ? " cs-quant" : "") }, head);
      if (ev.measure) box.appendChild(el("p", null, "Measure: " + ev.measure));
      if (ev.count !== null && ev.count !== undefined && ev.denominator !== null && ev.denominator !== undefined) box.appendChild(el("p", null, ev.count + " of " + ev.denominator + " patients"));
      else if (ev.denominator !== null && ev.denominator !== undefined) box.appendChild(el("p", null, "Out of " + ev.denominator));
      else if (ev.count !== null && ev.count !== undefined) box.appendChild(el("p", null, "Count: " + ev.count));
      if (ev.population) box.appendChild(el("p", null, "Population: " + ev.population));
      if (ev.timing) box.appendChild(el("p", null, "Timing: " + ev.timing));
      if (ev.note) box.appendChild(el("p", { class: "cs-note" }, ev.note));
      var src = el("p", null, "Source: ");
      var source = DATA.sources[ev.src] || {};
      var name = source.title || source.short || "unnamed source";
      var href = safeLink(source.link);
      if (href) src.appendChild(el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, name));
      else src.appendChild(el("span", null, name));
      var who = [source.short, source.publisher].filter(Boolean).join(", ");
      if (who) src.appendChild(document.createTextNode(" (" + who + ")"));
      box.appendChild(src);
      parts.push(box);
    });
    panel.replaceChildren.apply(panel, parts);
  }
  function selectNode(id) {
    if (!nodes.get(id)) return;
    network.selectNodes([id], false);
    selectedId = id;
    showNode(id);
    highlight(hoverId !== null ? hoverId : selectedId);
  }
  function selectEdge(eid) {
    if (!edges.get(eid)) return;
    network.setSelection({ nodes: [], edges: [eid] }, { unselectAll: true, highlightEdges: false });
    selectedId = null;
    showEdge(eid);
    highlight(hoverId);
  }
  viewer.selectNode = selectNode; viewer.selectEdge = selectEdge;
  network.on("click", function (p) {
    if (p.nodes.length) { selectedId = p.nodes[0]; showNode(selectedId); }
    else if (p.edges.length) { selectedId = null; showEdge(p.edges[0]); }
    else { selectedId = null; hint(); }
    highlight(hoverId !== null ? hoverId : selectedId);
  });

  // ---------------------------------------------------------------- search and filters
  var search = document.getElementById("cs-search");
  var fC = document.getElementById("cs-f-cancers"), fS = document.getElementById("cs-f-sites");
  var fSrc = document.getElementById("cs-f-sources"), fK = document.getElementById("cs-f-kinds");
  var fMin = document.getElementById("cs-f-min"), fMinOut = document.getElementById("cs-f-min-out");
  var status = document.getElementById("cs-status");
  var filtering = false;
  function fill(select, items) {
    items.forEach(function (it) { select.appendChild(el("option", { value: it.id }, it.label)); });
  }
  fill(fC, DATA.lists.cancers); fill(fS, DATA.lists.sites);
  fill(fSrc, DATA.lists.sources.map(function (s) { return { id: s, label: s }; }));
  var kindBoxes = DATA.lists.kinds.map(function (k) {
    var box = el("input", { type: "checkbox", value: k });
    box.checked = true;
    fK.appendChild(el("label", null, box, " " + k));
    return box;
  });
  var names = document.getElementById("cs-names"), seenNames = new Set();
  DATA.nodes.forEach(function (n) {
    var d = INFO.nodes[n.id];
    [d.label].concat(d.synonyms || []).forEach(function (s) {
      if (seenNames.has(s)) return;
      seenNames.add(s); names.appendChild(el("option", { value: s }));
    });
  });
  function selected(select) {
    var out = [];
    for (var i = 0; i < select.options.length; i++) if (select.options[i].selected) out.push(select.options[i].value);
    return out;
  }
  function setSelected(select, values) {
    var want = new Set(values || []);
    for (var i = 0; i < select.options.length; i++) select.options[i].selected = want.has(select.options[i].value);
  }
  function countVisible() {
    var n = 0, e = 0;
    nodes.forEach(function (x) { if (!x.hidden) n++; });
    edges.forEach(function (x) { if (!x.hidden) e++; });
    return { nodes: n, edges: e };
  }
  viewer.countVisible = countVisible;
  function apply(refit) {
    var checked = kindBoxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    var min = Number(fMin.value) || 0;
    fMinOut.textContent = String(min);
    var vis = L.visibility(DATA, {
      query: search.value, cancers: selected(fC), sites: selected(fS), sources: selected(fSrc),
      kinds: checked.length === kindBoxes.length ? null : checked, min: min
    });
    filtering = vis.filtering;
    var showN = vis.nodes, edgeVis = vis.edges;
    var nu = [], eu = [];
    nodes.forEach(function (n) {
      var hide = filtering && !showN.has(n.id);
      if (Boolean(n.hidden) !== hide) nu.push({ id: n.id, hidden: hide });
    });
    edges.forEach(function (e) {
      var hide = !edgeVis[e.id];
      if (Boolean(e.hidden) !== hide) eu.push({ id: e.id, hidden: hide });
    });
    if (nu.length) nodes.update(nu);
    if (eu.length) edges.update(eu);
    var c = countVisible();
    status.textContent = plural(c.nodes, "node") + ", " + plural(c.edges, "link") + (filtering ? " (filtered)" : "");
    if (selectedId !== null && nodes.get(selectedId) && nodes.get(selectedId).hidden) { selectedId = null; network.unselectAll(); }
    highlight(hoverId !== null ? hoverId : selectedId);
    if (refit) {
      var ids = []; nodes.forEach(function (n) { if (!n.hidden) ids.push(n.id); });
      fitView(filtering ? ids : null);
    }
    return c;
  }
  viewer.apply = apply;
  function firstHit() { return L.bestMatch(DATA.nodes, INFO.nodes, search.value); }
  search.addEventListener("input", function () {
    apply(true);
    var id = firstHit();
    if (id !== null && INFO.nodes[id] && search.value.trim().length >= 3) { selectNode(id); }
  });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { var id = firstHit(); if (id !== null) selectNode(id); }
    if (ev.key === "Escape") { search.value = ""; apply(true); }
  });
  [fC, fS, fSrc, fMin].forEach(function (x) { x.addEventListener("input", function () { apply(true); }); x.addEventListener("change", function () { apply(true); }); });
  kindBoxes.forEach(function (b) { b.addEventListener("change", function () { apply(true); }); });
  document.getElementById("cs-reset").addEventListener("click", function () {
    search.value = ""; setSelected(fC, []); setSelected(fS, []); setSelected(fSrc, []);
    kindBoxes.forEach(function (b) { b.checked = true; }); fMin.value = "0";
    selectedId = null; network.unselectAll(); apply(true); hint();
  });

  // ---------------------------------------------------------------- PNG export
  function exportPng() {
    var src = container.querySelector("canvas");
    var c = document.createElement("canvas");
    c.width = src.width; c.height = src.height;
    var ctx = c.getContext("2d");
    ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, c.width, c.height);
    ctx.drawImage(src, 0, 0);
    ctx.fillStyle = "#555555"; ctx.font = "12px " + CFG.options.nodes.font.face;
    ctx.fillText(DATA.title + " · cancer-spread " + DATA.version + " · CC BY 4.0", 8, c.height - 8);
    var url = c.toDataURL("image/png");
    viewer.lastExport = url;
    return url;
  }
  viewer.exportPng = exportPng;
  document.getElementById("cs-export").addEventListener("click", function () {
    var url = exportPng();
    var a = el("a", { href: url, download: "cancer-spread.png" });
    document.body.appendChild(a); a.click(); a.remove();
  });

  // ---------------------------------------------------------------- glossary list
  var gl = document.getElementById("cs-glossary-list");
  if (gl) {
    DATA.glossary.forEach(function (t) {
      var dt = el("dt", null, el("strong", null, t.label));
      if (INFO.nodes[t.id]) { dt.appendChild(document.createTextNode(" ")); dt.appendChild(nodeButton(t.id)); }
      gl.appendChild(dt);
      gl.appendChild(el("dd", null, t.definition, t.synonyms.length ? el("span", { class: "cs-muted" }, " Also: " + t.synonyms.join(", ")) : null));
    });
  }

  // ---------------------------------------------------------------- presets
  var P = DATA.presets || {};
  setSelected(fC, P.cancers); setSelected(fS, P.sites); setSelected(fSrc, P.sources);
  if (P.kinds && P.kinds.length) { var want = new Set(P.kinds); kindBoxes.forEach(function (b) { b.checked = want.has(b.value); }); }
  fMin.value = String(P.min_figure || 0);
  apply(Boolean(P.cancers && P.cancers.length || P.sites && P.sites.length || P.sources && P.sources.length || P.kinds && P.kinds.length || P.min_figure));
  hint();
  if (DATA.select && nodes.get(DATA.select) && !nodes.get(DATA.select).hidden) selectNode(DATA.select);
})();
