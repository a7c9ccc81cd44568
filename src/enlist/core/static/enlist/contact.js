// The contact page's live check: as the clerk types, POST the identifying fields (never in
// the URL) to the check endpoint and list the cases in scope that look like the same person.
// Static file only (CSP script-src 'self'); the page works without it.
(function () {
  "use strict";
  var form = document.getElementById("contact-form");
  var panel = document.getElementById("contact-check");
  if (!form || !panel || !window.fetch) { return; }
  var url = form.getAttribute("data-check-url");
  var timer = null;
  var last = "";

  function body() {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    var fields = form.querySelectorAll("[data-check]");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].value) { data.append(fields[i].name, fields[i].value); }
    }
    return data;
  }

  function fill(listId, items, describe) {
    var box = document.getElementById(listId);
    var list = box.querySelector("ul");
    while (list.firstChild) { list.removeChild(list.firstChild); }
    items.forEach(function (item) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.reference + " · " + item.given_name + " " + item.family_name;
      li.appendChild(link);
      li.appendChild(document.createTextNode(" — " + describe(item)));
      list.appendChild(li);
    });
    box.hidden = items.length === 0;
  }

  function show(result) {
    panel.hidden = false;
    fill("contact-check-same", result.same, function (i) { return i.fields.join(", ") + " · " + i.stage; });
    fill("contact-check-probable", result.probable, function (i) { return Math.round(i.probability * 100) + "% · " + i.stage; });
    document.getElementById("contact-check-none").hidden = result.same.length + result.probable.length > 0;
  }

  function check() {
    var data = body();
    var key = Array.from(data.entries()).filter(function (e) { return e[0] !== "csrfmiddlewaretoken"; })
      .map(function (e) { return e.join("="); }).join("&");
    if (!key || key === last) { return; }
    last = key;
    fetch(url, { method: "POST", body: data, credentials: "same-origin",
                 headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (result) { if (result) { show(result); } })
      .catch(function () { /* the check is a help; recording works without it */ });
  }

  form.addEventListener("input", function (event) {
    if (!event.target.hasAttribute("data-check")) { return; }
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
  form.addEventListener("change", function (event) {
    if (event.target.hasAttribute("data-check")) { check(); }
  });
}());
