/* The live count: ask /api/v1/count now and then, and update the number in place.
   Without JavaScript the number rendered by the server stays. Conditional requests
   (If-None-Match) keep this cheap: an unchanged count is an empty 304. */
(function () {
  "use strict";
  function singular(lang, n) {
    return lang === "fr" ? n <= 1 : n === 1;
  }
  function watch(node) {
    var url = node.getAttribute("data-count-url");
    var lang = node.getAttribute("data-count-lang");
    var every = (parseFloat(node.getAttribute("data-count-interval")) || 15) * 1000;
    var number = node.querySelector("[data-count]");
    var text = node.querySelector("[data-count-text]");
    var share = node.querySelector("[data-count-share]");
    var etag = null;
    function poll() {
      var headers = etag ? { "If-None-Match": etag } : {};
      fetch(url, { headers: headers, cache: "no-cache", credentials: "omit" })
        .then(function (response) {
          if (response.status !== 200) { return null; }
          etag = response.headers.get("ETag");
          return response.json();
        })
        .then(function (data) {
          if (!data) { return; }
          if (share && typeof data.in_belgium === "number") {
            var said = share.getAttribute("data-template").replace("{n}", String(data.in_belgium));
            if (share.textContent !== said) { share.textContent = said; }  // no needless announcement
          }
          if (String(data.organisations) === number.textContent.trim()) { return; }
          number.textContent = String(data.organisations);
          if (text) {
            text.textContent = text.getAttribute(
              singular(lang, data.organisations) ? "data-one" : "data-many");
          }
        })
        .catch(function () { /* offline for a moment: try again later */ })
        .then(function () { window.setTimeout(poll, every); });
    }
    window.setTimeout(poll, every);
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-count-url]"), watch);
}());
