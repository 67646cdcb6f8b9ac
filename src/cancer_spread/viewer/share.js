// In a notebook: this page carries no copy of vis-network. It asks the notebook page (its
// parent window), where the first viewer shown left one (share-host.js), then runs the viewer.
// Only the parent window is listened to; a page that gets no answer says how to embed the
// library instead.
(function () {
  "use strict";
  var marker = document.getElementById("cs-shared");
  var version = marker.getAttribute("data-version");
  var done = false;

  function run(code) {
    var script = document.createElement("script");
    script.textContent = code;
    document.body.appendChild(script);
  }

  function boot(assets) {
    if (done) return;
    done = true;
    var style = document.createElement("style");
    style.textContent = assets.css;
    document.head.insertBefore(style, document.head.querySelector("style"));
    run(assets.js);
    run(document.getElementById("cs-lib").textContent);
    run(document.getElementById("cs-app").textContent);
  }

  window.addEventListener("message", function (event) {
    var d = event.data;
    if (event.source !== window.parent || !d || d.type !== "cancer-spread:assets" || d.version !== version) return;
    if (typeof d.js !== "string" || typeof d.css !== "string") return;
    boot(d);
  });
  if (window.parent !== window) {
    window.parent.postMessage({ type: "cancer-spread:assets?", version: version }, "*");
  }
  setTimeout(function () {
    if (done) return;
    var panel = document.getElementById("cs-panel");
    panel.textContent = "";
    var p = document.createElement("p");
    p.id = "cs-shared-missing";
    p.textContent = "The drawing library (vis-network " + version + ") is shared between the viewers of this notebook, " +
      "but this notebook page does not hold it (its first viewer was cleared, or the notebook keeps outputs apart). " +
      "Show this viewer with display(..., shared=False) to embed the library in it.";
    panel.appendChild(p);
  }, 4000);
})();
