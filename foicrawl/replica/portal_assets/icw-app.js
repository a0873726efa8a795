/* The portal's newer look (replica's second markup): the same feeds, another page structure.
   One script for the list (a table) and the case view (sections with definition lists). */
(function () {
  "use strict";
  var app = document.querySelector("[data-icw-app]");
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) node.appendChild(document.createTextNode(text));
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    return node;
  }
  function shortDate(iso) {
    var p = iso.slice(0, 10).split("-");  // a case whose stage has no completion date breaks here (a known bug)
    return p[2] + " " + MONTHS[parseInt(p[1], 10) - 1] + " " + p[0];
  }
  function title(label) { return (label || "").replace(/^(IR|EIR|FOI) - /, ""); }
  function field(doc, name) {
    var found = doc.getElementsByTagName(name);
    return found.length ? found[0].textContent : null;
  }
  function xml(url) {
    return fetch(url).then(function (answer) {
      if (!answer.ok) return {status: answer.status};
      return answer.text().then(function (text) {
        return {status: answer.status, doc: new DOMParser().parseFromString(text, "text/xml")};
      });
    });
  }
  function list() {
    var max = parseInt(app.getAttribute("data-max"), 10) || 20, page = 0, cases = [];
    var holder = app.querySelector(".icw-results"), nav = app.querySelector(".icw-pager");
    function draw() {
      holder.textContent = "";
      nav.textContent = "";
      var table = el("table", "", {"class": "icw-table"});
      var head = el("tr");
      ["Request", "Received", "Outcome"].forEach(function (h) { head.appendChild(el("th", h)); });
      table.appendChild(head);
      cases.slice(page * max, (page + 1) * max).forEach(function (item) {
        var row = el("tr"), cell = el("td");
        cell.appendChild(el("a", title(item.CaseLabel), {href: "cases?public=true&CaseId=" + item.CaseId + "&Embed=True"}));
        row.appendChild(cell);
        row.appendChild(el("td", shortDate(item.DateReceived)));
        row.appendChild(el("td", item.Status));
        table.appendChild(row);
      });
      holder.appendChild(table);
      var more = el("a", "Show more", {href: "#", role: "button"});
      more.addEventListener("click", function (event) { event.preventDefault(); page += 1; draw(); });
      if ((page + 1) * max < cases.length) nav.appendChild(more);
    }
    fetch("getcases?Format=json").then(function (answer) { return answer.json(); }).then(function (data) {
      cases = data.sort(function (a, b) { return a.TimeCreated < b.TimeCreated ? 1 : -1; });
      draw();
    });
  }
  function view() {
    var id = app.getAttribute("data-case");
    var out = app.querySelector(".icw-case");
    Promise.all([xml("getcasedetails?CaseId=" + id), xml("getcasedocuments?CaseId=" + id)]).then(function (answers) {
      var d = answers[0].doc, docs = answers[1].doc;
      out.textContent = "";
      if (!d) { out.appendChild(el("h2", "Case not found")); return; }
      var header = el("header");
      header.appendChild(el("span", "Freedom of information request " + field(d, "CaseDetails.CaseId"), {"class": "icw-kicker"}));
      header.appendChild(el("h2", title(field(d, "CaseDetails.CaseLabel"))));
      out.appendChild(header);
      var dl = el("dl");
      [["Date received", shortDate(field(d, "CaseStatusReceipt.DateReceived"))],
       ["Date of response", shortDate(field(d, "CaseStageStage1.DateCompleted"))],
       ["Date published", shortDate(field(d, "CaseDetailsInformationRequest.PublishInTheDisclosureLogDate"))]]
        .forEach(function (pair) { dl.appendChild(el("dt", pair[0])); dl.appendChild(el("dd", pair[1])); });
      out.appendChild(dl);
      [["What was asked", "CaseDetailsInformationRequest.Details"], ["Our answer", "CaseStageStage1.OutcomeDetails"]]
        .forEach(function (pair) {
          var section = el("section");
          section.appendChild(el("h3", pair[0]));
          section.appendChild(el("pre", field(d, pair[1]) || ""));
          out.appendChild(section);
        });
      var files = el("section");
      files.appendChild(el("h3", "Attachments"));
      Array.prototype.forEach.call(docs ? docs.getElementsByTagName("Document") : [], function (item) {
        files.appendChild(el("a", item.getAttribute("Name"), {href: item.textContent.trim(), "class": "icw-file"}));
      });
      out.appendChild(files);
    });
  }
  if (app.getAttribute("data-case")) view(); else list();
})();
