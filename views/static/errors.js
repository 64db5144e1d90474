// Moves the focus to the summary of a failed form, so that a screen reader reads it and the
// keyboard starts there; without JavaScript the page's fragment already lands on the form.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
