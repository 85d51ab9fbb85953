// Counts this page view, and the first focus on the download form, on this site's own server:
// no cookie, no storage, nothing when the browser asks not to be tracked. Sent is only what is
// counted: the page, the other site's address (its host is kept) and the campaign fields of
// this page's address, in the query string, where the shipped nginx writes them down itself.
(function () {
  "use strict";
  var script = document.currentScript;
  var page = script && script.getAttribute("data-page");
  if (!page || !navigator.sendBeacon) return;
  if (navigator.doNotTrack === "1" || window.doNotTrack === "1" || navigator.globalPrivacyControl) return;
  var campaign = new URLSearchParams();
  new URLSearchParams(location.search).forEach(function (value, name) {
    if (/^(utm_(source|medium|campaign|term|content)|ref)$/.test(name)) campaign.append(name, value.slice(0, 200));
  });
  var referrer = "";
  try {
    if (document.referrer) referrer = new URL(document.referrer).origin;
  } catch (e) { /* not an address: no source */ }
  function send(kind) {
    var data = new URLSearchParams();
    data.set("page", page);
    data.set("kind", kind);
    data.set("path", location.pathname);
    data.set("query", campaign.toString());
    data.set("referrer", referrer);
    navigator.sendBeacon("/stats/hit?" + data.toString());
  }
  send("view");
  var form = document.getElementById("download-form");
  if (form) {
    form.addEventListener("focusin", function () { send("form"); }, { once: true });
  }
})();
