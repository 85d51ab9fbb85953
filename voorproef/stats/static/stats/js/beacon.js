// Counts this page view, and the first focus on the download form, on this site's own server:
// no cookie, no storage, nothing when the browser asks not to be tracked.
(function () {
  "use strict";
  var script = document.currentScript;
  var page = script && script.getAttribute("data-page");
  if (!page || !navigator.sendBeacon) return;
  if (navigator.doNotTrack === "1" || window.doNotTrack === "1" || navigator.globalPrivacyControl) return;
  function send(kind) {
    var data = new URLSearchParams();
    data.set("page", page);
    data.set("kind", kind);
    data.set("path", location.pathname);
    data.set("query", location.search.slice(1, 1000));
    data.set("referrer", document.referrer.slice(0, 500));
    navigator.sendBeacon("/stats/hit", data);
  }
  send("view");
  var form = document.getElementById("download-form");
  if (form) {
    form.addEventListener("focusin", function () { send("form"); }, { once: true });
  }
})();
