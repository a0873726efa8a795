"""The answers of the portal replica's feeds, in iCasework's recorded shapes.

- `getcases`: the published-cases feed. XML (the default) exactly as shared/real/icasework/
  getcases_xml.http.txt (`Cases/Case/CaseId, Type, Label, RequestMethod, RequestDate, Status,
  Attributes, Classifications/Classification@Group, Documents/Document@Id,Name,Category,Type,Source,
  DocumentDate` with the file URL as CDATA), the empty answer `<Cases />`; JSON as the recorded
  `Format=json` answer (a bare array of `CaseId, CaseType, CaseLabel, ContactMethod, DateReceived,
  TimeCreated, Status, Rating`).
- `getcasedetails`: one case, as iCasework's recorded getcasedetails answer (`<Cases RequestId=…>`,
  dotted element names such as `CaseDetails.CaseLabel`, `CaseStatusReceipt.DateReceived`,
  `CaseStageStage1.DateCompleted`), limited to what a public portal would show (no requester).
  `CaseStageStage1.OutcomeDetails` holds the response text and
  `CaseDetailsInformationRequest.PublishInTheDisclosureLogDate` the publication date: both names are
  real, their use here is plausible (UNVERIFIED).
- `getcasedocuments`: as the recorded answer (`Documents/Document@Id,…` with CDATA URL; `<Documents />`).
- errors: an unknown case answers 400 with iCasework's HTML error page (as recorded); API errors
  answer 400/403 with `X-Application-Error-Code` and `X-Application-Error-Info` (codes 43000 and 43001
  are documented; the others here are plausible).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from xml.sax.saxutils import escape, quoteattr

from foicrawl.replica.portal_data import MEDIA_TYPES, PortalCase

XML = "text/xml;charset=UTF-8"
JSON = "application/json;charset=UTF-8"
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
INVALID_METHOD = ("43000", "Invalid HTTP Method")
NOT_AVAILABLE = ("43001", "API not available here")
INVALID_PARAMETER = "43002"  # plausible
TOKEN_EXPIRED = ("43004", "Access token expired or not valid")  # plausible


def _iso(value: date | datetime | None) -> str:
    return value.isoformat() if value else ""


def document_xml(document, url: str, case: PortalCase, indent: str = "      ") -> str:
    # A case whose stage has no completion date still has documents: dated when it was published.
    when = datetime.combine(case.responded or case.published, datetime.min.time()).replace(hour=16, minute=43, second=11)
    return (f"{indent}<Document Id={quoteattr(document.uid)} Name={quoteattr(document.title)} Category=\"General upload\" "
            f"Type={quoteattr(MEDIA_TYPES[document.fmt])} Source=\"Document\" DocumentDate=\"{when.isoformat()}\">"
            f"<![CDATA[{url}]]></Document>")  # fmt: skip


def getcases_xml(cases: list[PortalCase], document_url) -> str:
    if not cases:
        return HEAD + "<Cases />\n"
    parts = [HEAD, "<Cases>\n"]
    for case in cases:
        classifications = "".join(
            f"      <Classification Group={quoteattr(group)}>{escape(name)}</Classification>\n"
            for group, name in case.classifications
        )
        documents = "".join(document_xml(d, document_url(d), case) + "\n" for d in case.documents)
        parts.append(f"""  <Case>
    <CaseId>{case.uid}</CaseId>
    <Type>Information request</Type>
    <Label>{escape(case.label)}</Label>
    <RequestMethod>{escape(case.request_method)}</RequestMethod>
    <RequestDate>{_iso(case.received_at)}</RequestDate>
    <Status>{escape(case.status)}</Status>
    <Attributes>
      <Details>{escape(case.request_text)}</Details>
      <InformationWillBe>Embedded in the response</InformationWillBe>
      <PublishInTheDisclosureLog>Yes</PublishInTheDisclosureLog>
      <SuitableForPublicationScheme>Yes</SuitableForPublicationScheme>
    </Attributes>
    <Classifications>
{classifications}    </Classifications>
""" + (f"    <Documents>\n{documents}    </Documents>\n" if documents else "") + "  </Case>\n")
    parts.append("</Cases>\n")
    return "".join(parts)


def getcases_json(cases: list[PortalCase]) -> str:
    objects = [
        json.dumps({
            "CaseId": case.uid, "CaseType": "Information request", "CaseLabel": case.label,
            "ContactMethod": case.request_method, "DateReceived": _iso(case.requested),
            "TimeCreated": _iso(case.received_at), "Status": case.status, "Rating": "Standard",
        }, indent=0, ensure_ascii=False)
        for case in cases
    ]  # fmt: skip
    return "[\n" + "\n,\n".join(objects) + ("\n" if objects else "") + "]\n"


def _details_fields(case: PortalCase, theme: str) -> list[tuple[str, str]]:
    scheme = "Environmental Information Regulations" if "environment" in case.title.lower() else "Freedom of Information Act"
    fields = [
        ("CaseDetailsInformationRequest.Details", case.request_text),
        ("CaseDetailsInformationRequest.InformationWillBe", "Embedded in the response"),
        ("CaseDetailsInformationRequest.PublishInTheDisclosureLog", "Yes"),
        ("CaseDetailsInformationRequest.PublishInTheDisclosureLogDate", case.shown("published", _iso)),
        ("CaseDetailsInformationRequest.Scheme", scheme),
        ("CaseDetails.CaseId", case.uid),
        ("CaseDetails.CaseType", "Information request"),
        ("CaseDetails.FormType", "Information request"),
        ("CaseDetails.CaseLabel", case.label),
        ("CaseStatus.Status", case.status),
        ("CaseStatus.CurrentStage", "Request"),
        ("CaseStatus.CurrentOutcome", case.status),
        ("CaseStatus.CurrentOutcomeDate", _iso(case.responded)),
        ("CaseStatusReceipt.Method", case.request_method),
        ("CaseStatusReceipt.DateReceived", case.shown("requested", _iso)),
        ("CaseStatusReceipt.TimeCreated", _iso(case.received_at)),
        ("CaseStageStage1.TargetDays", "20"),
        ("CaseStageStage1.Outcome", case.status),
        ("CaseStageStage1.OutcomeDetails", case.response_text),
        ("CaseStageStage1.DateCompleted", case.shown("responded", _iso)),
        ("CaseStageStage1.ResponseInTarget", "Yes"),
    ]
    if case.responded is None:  # a case whose stage has no completion date: the element is absent
        fields = [f for f in fields if f[0] != "CaseStageStage1.DateCompleted"]
    if theme == "broken":  # a new API version that renamed its elements
        fields = [(name.replace("CaseDetails.", "Case.").replace("CaseStatusReceipt.", "Receipt."), value)
                  for name, value in fields]  # fmt: skip
    if theme == "renamed-label":  # one element renamed: every case still parses, its response date is lost
        fields = [("CaseStageStage1.CompletedOn" if name == "CaseStageStage1.DateCompleted" else name, value)
                  for name, value in fields]  # fmt: skip
    return fields


def getcasedetails_xml(case: PortalCase, theme: str = "standard") -> str:
    rows = "".join(f"<{name}>{escape(value)}</{name}>\n" for name, value in _details_fields(case, theme))
    return f"{HEAD}<Cases RequestId={quoteattr(case.uid)}>\n<Case>\n{rows}</Case>\n</Cases>\n"


def getcasedocuments_xml(case: PortalCase | None, document_url) -> str:
    if case is None or not case.documents:
        return HEAD + "<Documents />\n"
    rows = "".join(document_xml(d, document_url(d), case, indent="  ") + "\n" for d in case.documents)
    return f"{HEAD}<Documents>\n{rows}</Documents>\n"


ERROR_PAGE = """<!DOCTYPE html>
<html>

<head>
  <meta charset="utf-8" />
  <title>Error Page</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <style>
    body { margin: 0; padding: 0; background-color: #fff; font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; text-align: center; }
    .error-content { width: 800px; margin: 0 auto; padding: 5% 0; }
    h1, p { color: #757575; }
  </style>
</head>

<body>
  <div class="error-wrapper">
    <div class="error-content">
      <p class="uat-logo"><span class="light-blue">iCasework</span></p>
      <h1>
        An Unexpected Error Occured
        </h1>
      <p class="leading-text">
        The Page You Were Looking For Was Not Found
      </p>
      <p>
        You may have typed the address incorrectly or you may have used an outdated link. If it happens repeatedly, please contact your <strong>system administrator.</strong>
      </p>
    </div>
  </div>
</body>

</html>
"""
