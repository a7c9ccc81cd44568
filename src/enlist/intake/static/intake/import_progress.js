// The import progress page with JavaScript: ask the status endpoint every few seconds and
// update the numbers in place; once the worker has finished, load the page again for the
// result (rejected rows, the rejects file). Without JavaScript a meta refresh does the same.
// Static file only (CSP script-src 'self').
(function () {
  "use strict";
  var box = document.getElementById("import-run");
  if (!box || !window.fetch || box.getAttribute("data-finished") === "true") { return; }
  var url = box.getAttribute("data-status-url");
  var every = 1000 * (parseInt(box.getAttribute("data-refresh"), 10) || 3);
  var fields = {
    done: "import-done", rows: "import-rows", imported: "import-imported",
    already_imported: "import-already", rejected: "import-rejected", flagged: "import-flagged"
  };

  function show(status) {
    Object.keys(fields).forEach(function (name) {
      var element = document.getElementById(fields[name]);
      if (element) { element.textContent = String(status[name]); }
    });
    var bar = document.getElementById("import-progress");
    if (bar) { bar.value = status.percent; bar.textContent = status.percent + " %"; }
  }

  function ask() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) { return; }
        show(status);
        if (status.finished) { window.location.reload(); return; }
        window.setTimeout(ask, every);
      })
      .catch(function () { window.setTimeout(ask, every * 2); });
  }

  window.setTimeout(ask, every);
}());
