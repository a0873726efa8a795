"""The cases behind the iCasework-like portal replica (Hertfordshire): generated from a seed, changeable.

A case is what iCasework's published-cases feed describes (see shared/real/icasework): a numeric
CaseId, a label "IR - <title>", how and when the request was received, a status, classifications,
the request's details, and the published documents, each with an id `D<n>`. Texts are plain text,
as iCasework's fields are. The response text and the stage-1 completion date stand where the real
`getcasedetails` answer has `CaseStageStage1.OutcomeDetails` and `CaseStageStage1.DateCompleted`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from foicrawl.replica import corpus
from foicrawl.replica.dataset import Dataset, ReplicaDocument, ReplicaRelease

PORTAL_START = date(2021, 1, 4)
FIRST_CASE_ID = 400000
FIRST_DOCUMENT_ID = 200000
STATUSES = [
    "All information sent", "Some information sent but not all held", "Information not held",
    "Some information sent but some exempt", "Information exempt",
]  # fmt: skip
RESPONSE_DOCUMENTS = {  # FOI Works' naming convention for the published response PDF
    "All information sent": "Response (all information to be supplied)",
    "Some information sent but not all held": "Response (some not held)",
    "Information not held": "Response (not held)",
    "Some information sent but some exempt": "Response (some exempt)",
    "Information exempt": "Response (exempt)",
}
CLASSIFICATIONS = [  # (group, classification), as iCasework's feed names them
    ("About the council", "Budgets spending and performance"), ("About the council", "Contracts and procurement"),
    ("Licensing and regulation", "Animal licensing"), ("Leisure and culture", "Libraries"),
    ("Children and families", "Adoption and fostering"), ("Health and social care", "Adult social care"),
    ("Transport and streets", "Cycling"), ("Transport and streets", "Parking"),
    ("Environment", "Waste and recycling"), ("Housing", "Homelessness"),
]  # fmt: skip
MEDIA_TYPES = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "csv": "text/csv"}  # fmt: skip
MODERNGOV_HOST = "councillors.hertfordshire.gov.uk"


@dataclass
class PortalCase(ReplicaRelease):
    """One published case. `requested` is the date received, `responded` stage 1's completion,
    `published` the date it went into the disclosure log."""

    received_at: datetime | None = None
    status: str = "All information sent"
    request_method: str = "Online Form"
    classifications: list[tuple[str, str]] = field(default_factory=list)
    request_text: str = ""
    response_text: str = ""

    @property
    def label(self) -> str:
        return f"IR - {self.title}"


def _request_text(rng: random.Random, asked: list[str]) -> str:
    opening = rng.choice([
        "I would like to request the following information under the Freedom of Information Act 2000.",
        "Under the Freedom of Information Act 2000, please could you provide the following information.",
        "Dear Hertfordshire County Council, I am writing to request information about the following.",
    ])  # fmt: skip
    numbered = "\n".join(f"{n}. {q}" for n, q in enumerate(asked, start=1))
    return f"{opening}\n\n{numbered}\n\nPlease provide the information in electronic form."


def _response_text(rng: random.Random, asked: list[str]) -> str:
    lines = []
    for n, _ in enumerate(asked, start=1):
        answer = rng.choice(corpus.ANSWERS).format(team=rng.choice(corpus.TEAMS), system=rng.choice(corpus.SYSTEMS))
        if "website" in answer:
            answer += f" See https://{MODERNGOV_HOST}/mgCommitteeDetails.aspx?ID={rng.randrange(100, 999)}"
        lines.append(f"{n}. {answer}")
    text = "Thank you for your request for information.\n\n" + "\n".join(lines)
    if rng.random() < 0.2:
        text += "\n\n" + rng.choice(corpus.EXEMPTIONS)
    return text


class PortalDataset(Dataset):
    """The portal's cases; new ones get the next CaseId and document ids."""

    def __init__(self, cases: list[PortalCase], rng: random.Random, today: date):
        super().__init__("hertfordshire", cases, rng, today)
        self.next_case = max((int(c.uid) for c in cases), default=FIRST_CASE_ID) + 1
        self.next_document = max((int(d.uid[1:]) for c in cases for d in c.documents), default=FIRST_DOCUMENT_ID) + 1

    def listed(self) -> list[PortalCase]:
        """Published cases, most recently received first (the feed's order)."""
        with self.lock:
            live = [r for r in self._by_uid.values() if not r.withdrawn]
        return sorted(live, key=lambda r: (r.received_at, r.uid), reverse=True)

    def edit(self, case_ref: str, note: str | None = None) -> PortalCase:
        with self.lock:
            case = self.find_by_ref(case_ref)
            case.revision += 1
            case.response_text += "\n\n" + (note or f"Update (revision {case.revision}): figures corrected after review.")
            case.modified = datetime.now(UTC).replace(microsecond=0)
            return case

    def _generate_one(self, on: date) -> PortalCase:
        """A case published `on`: received a few weeks before, as requests are."""
        received = on - timedelta(days=self.rng.randrange(21, 35))
        return self.make_case(received, published=on)

    def make_case(self, received: date, published: date | None = None) -> PortalCase:
        rng = self.rng
        with self.lock:
            case_id, self.next_case = self.next_case, self.next_case + 1
        title = corpus.title(rng)
        asked = corpus.questions(rng, title)
        responded = received + timedelta(days=rng.randrange(3, 20))
        status = rng.choice(STATUSES)
        documents = []
        if rng.random() < 0.4:
            names = [(RESPONSE_DOCUMENTS[status], "pdf")]
            if rng.random() < 0.4:
                fmt = rng.choice(["xlsx", "csv", "pdf"])
                names.append((f"Appendix A - {title[:40].strip()}", fmt))
            for name, fmt in names:
                with self.lock:
                    doc_id, self.next_document = self.next_document, self.next_document + 1
                documents.append(ReplicaDocument(uid=f"D{doc_id}", title=name, fmt=fmt,
                                                 content=corpus.document_bytes(rng, fmt, name)))  # fmt: skip
        return PortalCase(
            uid=str(case_id),
            case_ref=str(case_id),
            title=title,
            requested=received,
            responded=responded,
            published=published or responded + timedelta(days=rng.randrange(1, 30)),
            category=None,
            documents=documents,
            received_at=datetime.combine(received, time(9 + rng.randrange(8), rng.randrange(60), rng.randrange(60))),
            status=status,
            request_method=rng.choice(["Online Form", "Email", "Online Form", "Post"]),
            classifications=rng.sample(CLASSIFICATIONS, rng.randrange(1, 4)),
            request_text=_request_text(rng, asked),
            response_text=_response_text(rng, asked),
        )


def generate_portal(size: int = 300, seed: int = 1, today: date | None = None) -> PortalDataset:
    """`size` published cases, received between 2021 and two months before `today`."""
    today = today or date.today()
    rng = random.Random(f"hertfordshire:{seed}:{size}")
    dataset = PortalDataset([], rng, today)
    span = (today - timedelta(days=60) - PORTAL_START).days
    for received in sorted(PORTAL_START + timedelta(days=rng.randrange(span)) for _ in range(size)):
        case = dataset.make_case(received)
        dataset._by_uid[case.uid] = case
    return dataset
