/* Disclosure log list (replica of an iCasework public portal; a plausible rendering, see portal.py).
   Reads the published-cases feed and shows it `max` cases at a time; paging is done here, in the
   page, so the HTML holds no page URLs. */
(function () {
  "use strict";
  var root = document.getElementById("portal");
  var list = document.getElementById("case-list");
  var paging = document.getElementById("case-paging");
  var form = document.getElementById("case-search");
  var max = parseInt(root.getAttribute("data-max"), 10) || 20;
  var all = [], shown = [], page = 0;
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"];

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) node.appendChild(document.createTextNode(text));
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    return node;
  }
  function title(label) { return label.replace(/^(IR|EIR|FOI) - /, ""); }
  function longDate(iso) {
    var p = iso.split("-");
    return parseInt(p[2], 10) + " " + MONTHS[parseInt(p[1], 10) - 1] + " " + p[0];
  }
  function caseLink(id) {
    return "cases?public=true&CaseId=" + encodeURIComponent(id) + "&Embed=" + (root.getAttribute("data-embed") || "True");
  }
  function resize() {
    if (window.parent !== window) window.parent.postMessage({icwHeight: document.body.scrollHeight}, "*");
  }
  function load(span) {
    var query = "getcases?Format=json" + (span ? "&" + span : "");
    return fetch(query, {headers: {"Accept": "application/json"}}).then(function (answer) {
      if (!answer.ok) throw new Error("the case feed answered " + answer.status);
      return answer.json();
    });
  }
  function render() {
    list.textContent = "";
    paging.textContent = "";
    if (!shown.length) { list.appendChild(el("p", "No published requests match your search.")); resize(); return; }
    var pages = Math.ceil(shown.length / max);
    var ol = el("ol", "", {"class": "case-list", start: String(page * max + 1)});
    shown.slice(page * max, (page + 1) * max).forEach(function (item) {
      var li = el("li", "", {"class": "case"});
      li.appendChild(el("a", title(item.CaseLabel), {href: caseLink(item.CaseId)}));
      li.appendChild(el("span", "Received " + longDate(item.DateReceived), {"class": "case-date"}));
      li.appendChild(el("span", item.Status, {"class": "case-status"}));
      ol.appendChild(li);
    });
    list.appendChild(el("p", shown.length + " published requests", {"class": "case-count"}));
    list.appendChild(ol);
    if (page > 0) paging.appendChild(button("Previous", page - 1));
    paging.appendChild(el("span", "Page " + (page + 1) + " of " + pages));
    if (page + 1 < pages) paging.appendChild(button("Next", page + 1));
    resize();
  }
  function button(label, target) {
    var b = el("button", label, {type: "button"});
    b.addEventListener("click", function () { page = target; render(); });
    return b;
  }
  function apply(keyword) {
    var words = (keyword || "").toLowerCase();
    shown = all.filter(function (item) { return !words || item.CaseLabel.toLowerCase().indexOf(words) >= 0; });
    page = 0;
    render();
  }
  function show(span, keyword) {
    return load(span).then(function (cases) {
      all = cases.sort(function (a, b) { return a.TimeCreated < b.TimeCreated ? 1 : -1; });
      apply(keyword);
    }).catch(function (error) {
      list.textContent = "";
      list.appendChild(el("p", "The disclosure log cannot be shown: " + error.message, {"class": "error"}));
    });
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var from = form.elements.from.value, until = form.elements.until.value, span = [];
    if (from) span.push("From=" + from);
    if (until) span.push("Until=" + until);
    show(span.join("&"), form.elements.keyword.value);
  });
  show("", "");
})();
