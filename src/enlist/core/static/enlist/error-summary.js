// An invalid form's summary takes the focus, so a screen reader reads it first and a
// keyboard user starts from it; each link moves the focus to its field (not only scrolls).
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary) { return; }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-field]");
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("data-field"));
    if (!field) { return; }
    event.preventDefault();
    field.focus();
    field.scrollIntoView({ block: "center" });
  });
}());
