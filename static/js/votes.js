/* Marks the reader's own vote on comparison pages.

   Shared caches hand every reader the same page, so the page cannot say which tool this reader
   chose. The vote's answer sets a readable cookie, "voted", listing the reader's choices as
   comparison-tool id pairs ("12-7.15-3"); this marks the matching option the way the server marks
   it in its own answers (is-mine on the option, has-mine on the block). The cookie only drives
   this mark: votes are counted from the signed reader cookie, never from it. */
(function () {
  "use strict";

  function choices() {
    var found = {};
    document.cookie.split(";").forEach(function (pair) {
      var parts = pair.trim().split("=");
      if (parts[0] !== "voted" || !parts[1]) return;
      parts[1].split(".").forEach(function (choice) {
        var ids = choice.split("-");
        if (ids.length === 2 && /^\d+$/.test(ids[0]) && /^\d+$/.test(ids[1])) found[ids[0]] = ids[1];
      });
    });
    return found;
  }

  function mark() {
    var chosen = choices();
    document.querySelectorAll(".vote[data-comparison]").forEach(function (block) {
      var tool = chosen[block.getAttribute("data-comparison")];
      if (!tool || block.classList.contains("has-mine")) return;
      var option = block.querySelector('.vote-option[data-tool="' + tool + '"]');
      if (!option) return;
      block.classList.add("has-mine");
      option.classList.add("is-mine");
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark);
  else mark();
})();
