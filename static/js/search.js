/* Live search: the search page's box and the header's.

   htmx fetches the results as the reader types (each box's data-hx-* attributes: debounced, one
   request in flight, the same fragment of /search/?q= for both boxes). The search page's box
   replaces the address rather than adding one per pause, so Back returns to the box with its
   results. This file only adds what markup cannot say:
   - each answer's summary ("3 results for …", "Did you mean …") goes to the box's status region,
     so a screen reader hears the count, not the whole list, on every pause;
   - the header's results open under its box while the box or a result has the focus, and close on
     Escape or when the focus leaves the form;
   - htmx's history snapshot is the page's HTML, which holds an input's value attribute and not
     what was typed: the typed text is written into the attribute before a snapshot.
   Without JavaScript both boxes are plain GET forms to /search/. */
(function () {
  "use strict";

  var HEADER_BOX = "header-q";

  function headerResults() {
    return document.getElementById("header-results");
  }

  function summaryOf(container) {
    return Array.prototype.map
      .call(container.querySelectorAll("[data-search-summary]"), function (part) {
        return part.textContent.replace(/\s+/g, " ").trim();
      })
      .join(" ");
  }

  function headerFocused() {
    var results = headerResults();
    return !!results && results.parentNode.contains(document.activeElement);
  }

  function showHeaderResults(show) {
    var results = headerResults();
    if (!results) return;
    results.hidden = !(show && results.querySelector("*"));
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.dataset || !target.dataset.searchStatus) return;
    var status = document.getElementById(target.dataset.searchStatus);
    if (status) status.textContent = summaryOf(target);
    if (target === headerResults()) showHeaderResults(headerFocused());
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target || event.target.id !== HEADER_BOX) return;
    var results = headerResults();
    if (results && !results.hidden) {
      event.preventDefault(); // the first Escape closes the results; the next clears the box
      showHeaderResults(false);
    }
  });

  document.addEventListener("focusin", function (event) {
    if (event.target && event.target.id === HEADER_BOX && event.target.value.trim()) {
      showHeaderResults(true);
    }
  });

  document.addEventListener("focusout", function (event) {
    var results = headerResults();
    if (!results || !results.parentNode.contains(event.target)) return;
    if (!event.relatedTarget || !results.parentNode.contains(event.relatedTarget)) {
      showHeaderResults(false);
    }
  });

  document.addEventListener("htmx:beforeHistorySave", function (event) {
    var page = event.detail.historyElt;
    page.querySelectorAll('input[type="search"]').forEach(function (box) {
      box.setAttribute("value", box.value);
    });
    var results = page.querySelector("#header-results");
    if (results) results.hidden = true;
  });
})();
