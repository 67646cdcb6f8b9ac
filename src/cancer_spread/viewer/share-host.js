// In a notebook page, beside the first viewer shown: keeps one copy of vis-network (and its
// CSS) for the viewers shown later, which ask for it by message (share.js). Called with the
// version and the assets; answers only requests for that version, and only to the frame asking.
(function (version, assets) {
  "use strict";
  var store = window.__cancerSpreadAssets || (window.__cancerSpreadAssets = {});
  store[version] = assets;
  if (window.__cancerSpreadHost) return;
  window.__cancerSpreadHost = true;
  window.addEventListener("message", function (event) {
    var d = event.data;
    if (!d || d.type !== "cancer-spread:assets?" || typeof d.version !== "string" || !event.source) return;
    var found = store[d.version];
    if (!found) return;
    event.source.postMessage({ type: "cancer-spread:assets", version: d.version, js: found.js, css: found.css }, "*");
  });
})
