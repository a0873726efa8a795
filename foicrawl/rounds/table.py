"""A round robin's comparison: one row a question, one column a council, every cell with its
evidence (the release version and the WARC record it was read from)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from foicrawl.analysis.facts import release_facts
from foicrawl.analysis.grouping import Group
from foicrawl.analysis.questions import Question, align_answers, request_questions
from foicrawl.analysis.similarity import vectorizer
from foicrawl.catalogue.models import Release
from foicrawl.councils import nation_of, register
from foicrawl.provenance.replay import COLLECTION, pywb_timestamp

UNALIGNED = "unaligned"
MATCH = 0.2  # a council's question takes the row of the reference question it is most like, from this cosine
ALSO = 0.25  # ...and is noted in another row it is this like (questions merged into one)
DEFAULT_REPLAY = "http://127.0.0.1:8080"  # `foicrawl replay --serve`


@dataclass
class Column:
    council: str
    council_name: str
    case_ref: str
    title: str
    version: int
    requested_on: str | None
    responded_on: str | None
    published_on: str | None
    working_days: int | None
    late: bool | None
    exemptions: list[str]
    url: str
    warc_file: str | None
    warc_offset: int | None
    warc_record_id: str | None
    fetched_at: str | None
    replay_url: str | None


@dataclass
class Cell:
    text: str
    how: str = ""  # "number", "restated question", "merged", "" (unaligned)


@dataclass
class Row:
    key: str  # the question's number, or "unaligned"
    question: str
    cells: list[Cell | None] = field(default_factory=list)


@dataclass
class Comparison:
    group_id: str
    title: str
    confidence: float
    columns: list[Column]
    rows: list[Row]

    def as_dict(self) -> dict:
        return asdict(self)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _column(release: Release, version, replay_base: str) -> Column:
    facts = release_facts(version.requested_on, version.responded_on, version.response_text, nation_of(release.council))
    council = register().get(release.council)
    replay = (f"{replay_base.rstrip('/')}/{COLLECTION}/{pywb_timestamp(version.fetched_at)}/{version.url}"
              if version.fetched_at and replay_base else None)  # fmt: skip
    return Column(release.council, council.name if council else release.council, release.case_ref, version.title,
                  version.version, _iso(version.requested_on), _iso(version.responded_on), _iso(version.published_on),
                  facts["working_days"], facts["late"], facts["exemptions"], version.url, version.warc_file,
                  version.warc_offset, version.warc_record_id, _iso(version.fetched_at), replay)  # fmt: skip


def _rows_for(questions: list[Question], reference: list[Question]) -> dict[int, list[tuple[int, str]]]:
    """For each of a council's question numbers, the reference rows (index, how) it answers: first
    the row it is most like, then rows no other question took that it is also like (two questions
    merged into one); the lowest row holds the answer."""
    if not questions or not reference:
        return {}
    model = vectorizer()
    try:
        model.fit([q.full_text for q in questions + reference])
    except ValueError:
        return {q.number: [(n, "number")] for n, q in enumerate(questions) if n < len(reference)}
    similarity = (model.transform([q.full_text for q in questions]) @ model.transform([q.full_text for q in reference]).T).toarray()
    covered: dict[int, set[int]] = {}
    for i in range(len(questions)):
        j = int(similarity[i].argmax())
        if similarity[i, j] >= MATCH:
            covered[i] = {j}
        elif len(questions) == len(reference):
            covered[i] = {i}
    taken = {j for rows in covered.values() for j in rows}
    for j in range(len(reference)):
        i = int(similarity[:, j].argmax())
        if j not in taken and i in covered and similarity[i, j] >= ALSO:
            covered[i].add(j)
    return {questions[i].number: [(j, "number" if n == 0 else "merged") for n, j in enumerate(sorted(rows))]
            for i, rows in covered.items()}  # fmt: skip


def build_comparison(session: Session, group: Group, replay_base: str = DEFAULT_REPLAY) -> Comparison:
    releases = []
    for member in group.members:
        release = session.scalar(select(Release).where(Release.council == member.council, Release.case_ref == member.case_ref)
                                 .options(selectinload(Release.versions)))  # fmt: skip
        version = next(v for v in release.versions if v.version == release.latest_version)
        releases.append((release, version, request_questions(version.request_text)))
    reference = max(releases, key=lambda r: len(r[2]))[2]
    title = next(v.title for _, v, qs in releases if qs is reference)
    rows = [Row(str(q.number), q.full_text) for q in reference]
    unaligned = Row(UNALIGNED, "Not matched to a question (kept whole)")
    columns = []
    for release, version, questions in releases:
        columns.append(_column(release, version, replay_base))
        alignment = align_answers(questions, version.response_text)
        placement = {q.number: [(n, "")] for n, q in enumerate(reference)} if questions is reference else _rows_for(questions, reference)
        cells: dict[int, Cell] = {}
        leftover = list(alignment.unaligned)
        for number, answer in alignment.answers.items():
            places = placement.get(number)
            if not places:
                label = next((q.label for q in questions if q.number == number), f"{number}.")
                leftover.append(f"{label} {answer}")
                continue
            how = alignment.how.get(number, "number")
            first, _ = places[0]
            cells[first] = Cell(f"{cells[first].text}\n\n{answer}" if first in cells else answer, how)
            for other, _ in places[1:]:
                cells.setdefault(other, Cell(f"(answered together with question {reference[first].number})\n\n{answer}", "merged"))
        for n, row in enumerate(rows):
            row.cells.append(cells.get(n))
        unaligned.cells.append(Cell("\n\n".join(leftover)) if leftover else None)
    if any(c is not None for c in unaligned.cells) or not rows:
        rows.append(unaligned)
    return Comparison(group.id, title, group.confidence, columns, rows)
