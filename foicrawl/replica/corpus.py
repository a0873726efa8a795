"""Words for generated releases: the topics, questions and answers councils' logs are made of."""

from __future__ import annotations

import html
import random

CATEGORIES = [
    "Council and democracy", "Housing", "Planning and building control", "Environment and waste",
    "Council tax and benefits", "Business and licensing", "Parking and transport",
    "Leisure and culture", "Community safety", "Children and families",
]  # fmt: skip

TOPICS = [
    "Video-conferencing apps", "Empty business rates", "Temporary accommodation", "Servicing debt",
    "Public health funerals", "Fly-tipping enforcement", "Pest control contracts",
    "Houses in multiple occupation licensing", "Electric vehicle charge points",
    "Council tax reduction scheme", "Agency staff spending", "Cyber security incidents",
    "Tree preservation orders", "Beach huts", "Homelessness and refugee status", "Dog fouling fines",
    "Parking penalty charge notices", "Allotment waiting lists", "Software licences",
    "Disabled facilities grants", "Noise complaints", "Street lighting energy use",
    "Play area inspections", "Food hygiene inspections", "Empty homes", "Graffiti removal",
    "Staff sickness absence", "Consultancy spending", "Air quality monitoring", "Asbestos in council buildings",
    "Community infrastructure levy", "Taxi licensing", "Gambling premises licences", "Contaminated land",
    "Social media accounts", "Councillors' allowances", "Electoral registration", "Public toilets",
    "Warm spaces", "Rough sleeping counts",
]  # fmt: skip

ASPECTS = ["", " 2019-2024", " - follow up", " in the borough", " policy", " costs", " data"]

QUESTIONS = [
    "How many {t} cases did the council record in each of the last three financial years?",
    "What was the total expenditure on {t} in each of those years?",
    "Which officer or team is responsible for {t}?",
    "Please provide a copy of any policy or procedure relating to {t}.",
    "Do you use an external contractor for {t}? If so, please name the contractor and the value of the contract.",
    "How many complaints relating to {t} did you receive in 2023 and 2024?",
    "What software or system do you use to record {t}?",
    "When is the contract for {t} due for renewal?",
]

ANSWERS = [
    "The information is set out in the table below.",
    "The council does not hold this information.",
    "This information is available on our website.",
    "The responsible team is the {team} team.",
    "We do not use an external contractor; this work is carried out in house.",
    "The contract is due for renewal on 31 March 2027.",
    "We use {system} for this purpose.",
]

EXEMPTIONS = [
    "This information is withheld under Section 43(2) (commercial interests) of the Freedom of Information Act 2000. This letter acts as a Notice of Refusal.",
    "We consider this information exempt under Section 41 (information provided in confidence).",
    "This information is environmental information and is withheld under regulation 12(5)(b) of the Environmental Information Regulations 2004.",
    "Section 21 applies: the information is reasonably accessible to you by other means.",
]  # fmt: skip

TEAMS = ["Environmental Health", "Revenues and Benefits", "Housing Options", "Estates", "ICT", "Licensing"]
SYSTEMS = ["Uniform", "Civica", "Northgate", "Microsoft Dynamics", "Smartsheet", "Idox"]
MODERNGOV = "https://{host}/mgCommitteeDetails.aspx?ID={id}"
# What answers cite on a ModernGov site, as real ones do: committees, meetings (the meeting id spelled
# MId, MID or MeetingId, sometimes with an #AI anchor), decisions and issues.
MODERNGOV_CITATIONS = [
    ("https://{host}/mgCommitteeDetails.aspx?ID={id}", "the committee page"),
    ("https://{host}/ieListDocuments.aspx?CId={id}&MId={id}0{k}&Ver=4", "the meeting agenda"),
    ("https://{host}/ieListDocuments.aspx?CId={id}&MID={id}0{k}#AI{k}1", "the agenda item"),
    ("https://{host}/ieListDocuments.aspx?MeetingId={id}0{k}", "the cabinet agenda here"),
    ("https://{host}/ieDecisionDetails.aspx?ID={id}", "the decision"),
    ("https://{host}/mgIssueHistoryHome.aspx?IId={id}", "the issue history"),
]


# Each council asks about its own share of the topics: two councils' generated releases on one topic
# would be the same request in all but name (their questions come from one short list), and the
# replica's round robins (roundrobins.py) must be the only ones it serves.
TOPIC_SHARES = {"hastings": 0, "herefordshire": 1}  # any other council takes the third share


def title(rng: random.Random, council: str | None = None) -> str:
    share = TOPIC_SHARES.get(council, 2) if council else None
    topics = TOPICS if share is None else TOPICS[share::3]
    return rng.choice(topics) + rng.choice(ASPECTS)


def questions(rng: random.Random, topic: str) -> list[str]:
    subject = topic.lower()
    return [q.format(t=subject) for q in rng.sample(QUESTIONS, rng.randrange(2, 6))]


def request_html(rng: random.Random, asked: list[str], council_site: str | None = None) -> list[str]:
    """The request: an opening, numbered questions, a closing; now and then a link to a page of the
    council's own site that the requester read."""
    opening = rng.choice([
        "I would like to request the following information under the Freedom of Information Act 2000.",
        "Under the Freedom of Information Act 2000, please could you provide the following information.",
        "Dear Sir or Madam, I am writing to request information about the following.",
    ])  # fmt: skip
    items = "".join(f"<li>{html.escape(q)}</li>" for q in asked)
    blocks = [f"<p>{opening}</p>", f"<ol>{items}</ol>", "<p>Please provide the information in electronic form.</p>"]
    if council_site and rng.random() < 0.15:
        from foicrawl.replica.council_pages import CITED_PAGES

        path = rng.choice(sorted(CITED_PAGES))
        blocks.insert(1, f'<p>I have read <a href="{council_site}{path}">your page on this</a>.</p>')
    return blocks


def _table(rng: random.Random) -> str:
    rows = "".join(
        f"<tr><td>{year}/{(year + 1) % 100:02d}</td><td>{rng.randrange(3, 900)}</td>"
        f"<td>&pound;{rng.randrange(1000, 250000):,}</td></tr>"
        for year in (2021, 2022, 2023)
    )
    return f"<table><tr><th>Year</th><th>Cases</th><th>Spend</th></tr>{rows}</table>"


def cited_link(rng: random.Random, moderngov_host: str, council_site: str | None = None) -> str:
    """A link an answer gives: a ModernGov page, or now and then a page of the council's own site."""
    from foicrawl.replica.council_pages import CITED_PATHS

    if council_site and rng.random() < 0.3:
        path = rng.choice(CITED_PATHS)
        return f'<a href="{council_site}{path}">{council_site}{path}</a>'
    pattern, text = rng.choice(MODERNGOV_CITATIONS)
    return f'<a href="{html.escape(pattern.format(host=moderngov_host, id=rng.randrange(100, 999), k=rng.randrange(1, 5)))}">{text}</a>'


def answers(rng: random.Random, asked: list[str], moderngov_host: str, council_site: str | None = None) -> list[str]:
    """The response: one numbered answer a question, now and then a table, an exemption or a link."""
    blocks = []
    items = []
    for _ in asked:
        answer = rng.choice(ANSWERS).format(team=rng.choice(TEAMS), system=rng.choice(SYSTEMS))
        text = html.escape(answer)
        if "website" in answer:
            text += "<br>\n" + cited_link(rng, moderngov_host, council_site)
        items.append(f"<li>{text}</li>")
    blocks.append(f"<ol>{''.join(items)}</ol>")
    if rng.random() < 0.3:
        blocks.append(_table(rng))
    if rng.random() < 0.2:
        blocks.append(f"<p>{html.escape(rng.choice(EXEMPTIONS))}</p>")
    return blocks


def document_bytes(rng: random.Random, fmt: str, name: str) -> bytes:
    """A small file in the stated format, real enough for any reader: a PDF with a text layer, a
    Word document, a workbook, a CSV."""
    from foicrawl.replica import documents

    lines = [name, "", *(rng.choice(ANSWERS).format(team=rng.choice(TEAMS), system=rng.choice(SYSTEMS))
                         for _ in range(rng.randrange(3, 12)))]  # fmt: skip
    if fmt == "pdf":
        return documents.pdf([lines[: len(lines) // 2 + 1], lines[len(lines) // 2 + 1 :] or ["End."]], title=name)
    if fmt == "docx":
        return documents.docx(lines)
    rows = [["Year", "Cases", "Spend"], *([2019 + i, rng.randrange(100), rng.randrange(1000, 90000)] for i in range(6))]
    if fmt == "xlsx":
        return documents.xlsx({"Data": rows})
    return "".join(",".join(map(str, row)) + "\n" for row in rows).encode()
