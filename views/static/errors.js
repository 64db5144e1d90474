// Moves the focus to the summary of a failed form, so that a screen reader reads it and the
// keyboard starts there; without JavaScript the page's fragment already lands on the form.
// It waits for the page's load, after which the browser has scrolled to the fragment.
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }
  if (document.readyState === "complete") {
    focusSummary();
  } else {
    window.addEventListener("load", focusSummary);
  }
})();
