// Keyboard shortcuts for the staff pages, listed in the page's "Keyboard shortcuts" panel.
// A key typed into a field is the field's: nothing here runs while the focus is in an input,
// a text area, a select or an editable element, nor with Ctrl, Alt or Meta held.
(function () {
  "use strict";
  var panel = document.getElementById("shortcuts");
  if (!panel) { return; }
  var rows = function () { return Array.prototype.slice.call(document.querySelectorAll("table.cases tbody tr")); };
  var current = -1;
  var pending = "";

  function typing(target) {
    var tag = (target.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }
  function go(url) { if (url) { window.location.assign(url); } }
  function mark(index) {
    var list = rows();
    if (!list.length) { return; }
    current = Math.max(0, Math.min(list.length - 1, index));
    list.forEach(function (row, i) { row.classList.toggle("row-current", i === current); });
    var link = list[current].querySelector("a");
    if (link) { link.focus(); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target)) { return; }
    var key = event.key;
    if (pending === "g") {
      pending = "";
      if (key === "h") { go(panel.dataset.home); } else if (key === "c") { go(panel.dataset.cases); }
      else if (key === "m") { go(panel.dataset.mail); } else { return; }
      event.preventDefault();
      return;
    }
    if (key === "g") { pending = "g"; return; }
    if (key === "?") {
      panel.open = !panel.open;
      if (panel.open) { panel.querySelector("summary").focus(); }
    } else if (key === "/") {
      var search = document.getElementById("q");
      if (!search) { return; }
      search.focus();
    } else if (key === "n") {
      go(panel.dataset.record);
    } else if (key === "j") {
      mark(current + 1);
    } else if (key === "k") {
      mark(current - 1);
    } else if (key === "x") {
      var row = rows()[current];
      var box = row && row.querySelector("input[type=checkbox]");
      if (!box) { return; }
      box.checked = !box.checked;
    } else if (key === "o") {
      var open = rows()[current];
      var link = open && open.querySelector("a");
      if (!link) { return; }
      go(link.href);
    } else {
      return;
    }
    event.preventDefault();
  });
}());
