/* One published case (replica of an iCasework public portal; a plausible rendering, see portal.py).
   Asks the portal for the case's details and documents, then builds the page. */
(function () {
  "use strict";
  var root = document.getElementById("portal");
  var view = document.getElementById("case");
  var id = root.getAttribute("data-case-id");
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"];

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) node.appendChild(document.createTextNode(text));
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    return node;
  }
  function xml(url) {
    return fetch(url, {headers: {"Accept": "text/xml"}}).then(function (answer) {
      if (!answer.ok) return {status: answer.status};
      return answer.text().then(function (text) {
        return {status: answer.status, doc: new DOMParser().parseFromString(text, "text/xml")};
      });
    });
  }
  function field(doc, name) {
    var found = doc.getElementsByTagName(name);
    return found.length ? found[0].textContent : null;
  }
  function longDate(iso) {
    var p = iso.split("-");  // a case whose stage has no completion date breaks here (a known bug)
    return parseInt(p[2], 10) + " " + MONTHS[parseInt(p[1], 10) - 1] + " " + p[0];
  }
  function paragraphs(parent, text) {
    (text || "").split(/\n\s*\n/).forEach(function (block) {
      var p = el("p");
      block.split("\n").forEach(function (line, n) {
        if (n) p.appendChild(el("br"));
        p.appendChild(document.createTextNode(line));
      });
      parent.appendChild(p);
    });
  }
  function render(details, documents) {
    view.textContent = "";
    if (!details.doc) {
      view.appendChild(el("h1", "This request is not available"));
      view.appendChild(el("p", "It may have been removed from the disclosure log."));
      return;
    }
    var d = details.doc;
    view.appendChild(el("h1", (field(d, "CaseDetails.CaseLabel") || "").replace(/^(IR|EIR|FOI) - /, "")));
    var facts = el("dl", "", {"class": "case-facts"});
    [["Reference", field(d, "CaseDetails.CaseId")],
     ["Received", longDate(field(d, "CaseStatusReceipt.DateReceived"))],
     ["Responded", longDate(field(d, "CaseStageStage1.DateCompleted"))],
     ["Published", longDate(field(d, "CaseDetailsInformationRequest.PublishInTheDisclosureLogDate"))],
     ["Outcome", field(d, "CaseStatus.Status")]].forEach(function (pair) {
      facts.appendChild(el("dt", pair[0]));
      facts.appendChild(el("dd", pair[1]));
    });
    view.appendChild(facts);
    view.appendChild(el("h2", "Request"));
    paragraphs(view, field(d, "CaseDetailsInformationRequest.Details"));
    view.appendChild(el("h2", "Response"));
    paragraphs(view, field(d, "CaseStageStage1.OutcomeDetails"));
    view.appendChild(el("h2", "Documents"));
    var items = documents.doc ? documents.doc.getElementsByTagName("Document") : [];
    if (!items.length) { view.appendChild(el("p", "There are no documents for this request.")); return; }
    var ul = el("ul", "", {"class": "case-documents"});
    Array.prototype.forEach.call(items, function (item) {
      var li = el("li");
      li.appendChild(el("a", item.getAttribute("Name"), {href: item.textContent.trim()}));
      li.appendChild(document.createTextNode(" (" + item.getAttribute("Type") + ")"));
      ul.appendChild(li);
    });
    view.appendChild(ul);
  }
  Promise.all([xml("getcasedetails?CaseId=" + encodeURIComponent(id)),
               xml("getcasedocuments?CaseId=" + encodeURIComponent(id))])
    .then(function (answers) { render(answers[0], answers[1]); });
})();
