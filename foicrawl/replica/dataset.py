"""The data behind a replica site: a council's releases, generated from a seed, that can change.

Deterministic for a given seed, size and day, so tests know exactly what the replica serves. The two
real seed releases are always among them, word for word. A data set can change while it is served
(new releases, edits, withdrawals), as real disclosure logs do.
"""

from __future__ import annotations

import csv
import html
import json
import random
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from importlib import resources
from pathlib import Path

from foicrawl.replica import corpus

SHARED_DIR = Path(__file__).resolve().parents[2].parent / "shared"
FIRST_HASTINGS_YEAR = 2016
HEREFORDSHIRE_START = date(2021, 10, 1)


@dataclass
class ReplicaDocument:
    uid: str
    title: str
    fmt: str
    content: bytes


@dataclass
class ReplicaRelease:
    uid: str  # the URL key: a UUID on the disclosure-log platform, the reference at Hastings
    case_ref: str | None  # None renders a page without a reference (a fault)
    title: str
    requested: date | None = None
    responded: date | None = None
    published: date | None = None
    category: str | None = None
    request_html: list[str] = field(default_factory=list)
    response_html: list[str] = field(default_factory=list)
    documents: list[ReplicaDocument] = field(default_factory=list)
    shown_dates: dict[str, str] = field(default_factory=dict)  # a date shown as this text instead
    revision: int = 1
    modified: datetime = field(default_factory=lambda: datetime(2026, 1, 1, tzinfo=UTC))
    withdrawn: bool = False

    @property
    def listed_on(self) -> date:
        return self.published or self.requested or date.min

    def shown(self, field: str, style) -> str:
        """A date as the page shows it: `style(date)`, unless a fault gives other text."""
        value = getattr(self, field)
        return self.shown_dates.get(field) or (style(value) if value else "")

    @property
    def last_modified(self) -> str:
        return format_datetime(self.modified, usegmt=True)


def long_date(d: date) -> str:
    """"8 February 2022": no leading zero, as both councils' listings write it."""
    return f"{d.day} {d:%B %Y}"


def _load_seed(name: str) -> ReplicaRelease:
    data = json.loads(resources.files("foicrawl.replica").joinpath("seeds").joinpath(name).read_text("utf-8"))
    as_date = lambda v: date.fromisoformat(v) if v else None  # noqa: E731
    return ReplicaRelease(
        uid=data["uid"],
        case_ref=data["case_ref"],
        title=data["title"],
        requested=as_date(data["requested"]),
        responded=as_date(data["responded"]),
        published=as_date(data["published"]),
        category=data["category"],
        request_html=data["request_html"],
        response_html=data["response_html"],
    )


SEEDS = {
    "herefordshire": "herefordshire_FOI2022-00092.json",
    "hastings": "hastings_FOIR-395819655.json",
}


def _real_hastings_index() -> list[dict]:
    """The 52 real Hastings releases in shared/real (reference, title, requested date), if present."""
    path = SHARED_DIR / "real" / "hastings" / "foi_index.csv"
    if not path.exists():
        return []
    lines = [line for line in path.read_text("utf-8").splitlines() if not line.startswith("#")]
    rows = []
    for row in csv.DictReader(lines):
        ref = row["Request URL"].rsplit("id=", 1)[-1]
        day, month, year = (int(x) for x in row["Request Date"].split("/"))
        rows.append({"ref": ref, "title": row["Request Title"], "requested": date(year, month, day)})
    return rows


class Dataset:
    """One council's releases, safe to read and change from the server's threads."""

    def __init__(self, council: str, releases: list[ReplicaRelease], rng: random.Random, today: date):
        self.council = council
        self.lock = threading.RLock()
        self.rng = rng
        self.today = today
        self._by_uid = {r.uid: r for r in releases}

    # Reading
    def get(self, uid: str) -> ReplicaRelease | None:
        with self.lock:
            return self._by_uid.get(uid)

    def listed(self) -> list[ReplicaRelease]:
        """Releases a listing shows, newest first."""
        with self.lock:
            live = [r for r in self._by_uid.values() if not r.withdrawn]
        return sorted(live, key=lambda r: (r.listed_on, r.uid), reverse=True)

    def find_by_ref(self, case_ref: str) -> ReplicaRelease:
        with self.lock:
            for release in self._by_uid.values():
                if release.case_ref == case_ref:
                    return release
        raise KeyError(case_ref)

    def expected_refs(self) -> set[str]:
        """The references a complete crawl must catalogue: every listed release showing one."""
        return {r.case_ref for r in self.listed() if r.case_ref}

    # Changing
    def publish(self, count: int = 1, on: date | None = None) -> list[ReplicaRelease]:
        """New releases, dated `on` (default today), which go to the top of the listing."""
        with self.lock:
            new = []
            for _ in range(count):  # one at a time, so each reference is unique among the new ones too
                release = self._generate_one(on or self.today)
                self._by_uid[release.uid] = release
                new.append(release)
            return new

    def edit(self, case_ref: str, note: str | None = None) -> ReplicaRelease:
        """Change a release's response, as councils do after publication."""
        with self.lock:
            release = self.find_by_ref(case_ref)
            release.revision += 1
            text = note or f"Update (revision {release.revision}): figures corrected after review."
            release.response_html = [*release.response_html, f"<p>{html.escape(text)}</p>"]
            release.modified = datetime.now(UTC).replace(microsecond=0)
            return release

    def withdraw(self, case_ref: str) -> ReplicaRelease:
        with self.lock:
            release = self.find_by_ref(case_ref)
            release.withdrawn = True
            return release

    # Generating
    def _used_refs(self) -> set[str]:
        return {r.case_ref for r in self._by_uid.values() if r.case_ref}

    def _generate_one(self, on: date) -> ReplicaRelease:
        maker = _herefordshire_release if self.council == "herefordshire" else _hastings_release
        return maker(self.rng, on, self._used_refs())


def _hastings_ref(rng: random.Random, on: date, used: set[str]) -> str:
    """References as Hastings wrote them: FOI210071 (to 2017), FOI-80998936 (2018), then
    FOIR-121741682 onward, nine digits rising with time."""
    while True:
        if on.year <= 2017:
            ref = f"FOI{150000 + (on - date(2016, 1, 1)).days * 110 + rng.randrange(110):06d}"
        elif on.year == 2018:
            ref = f"FOI-{80000000 + (on - date(2018, 1, 1)).days * 12000 + rng.randrange(12000):08d}"
        else:
            days = (on - date(2019, 1, 1)).days
            ref = f"FOIR-{100000000 + days * 250000 + rng.randrange(250000):09d}"
        if ref not in used:
            return ref


def _herefordshire_ref(rng: random.Random, on: date, used: set[str]) -> str:
    prefix = "EIR" if rng.random() < 0.1 else "FOI"
    while True:
        ref = f"{prefix}{on.year}/{rng.randrange(1, 100000):05d}"
        if ref not in used:
            return ref


MODERNGOV_HOSTS = {"hastings": "hastings.moderngov.co.uk", "herefordshire": "councillors.herefordshire.gov.uk"}
COUNCIL_SITES = {"hastings": "https://www.hastings.gov.uk"}  # the council's own pages answers cite


def _texts(rng: random.Random, title: str, council: str) -> tuple[list[str], list[str]]:
    questions = corpus.questions(rng, title)
    answers = corpus.answers(rng, questions, MODERNGOV_HOSTS[council], COUNCIL_SITES.get(council))
    return corpus.request_html(rng, questions, COUNCIL_SITES.get(council)), answers


def _hastings_release(rng: random.Random, on: date, used: set[str], ref: str | None = None,
                      title: str | None = None) -> ReplicaRelease:  # fmt: skip
    title = title or corpus.title(rng, "hastings")
    request_html, response_html = _texts(rng, title, "hastings")
    return ReplicaRelease(
        uid=(ref := ref or _hastings_ref(rng, on, used)),
        case_ref=ref,
        title=title,
        requested=on,
        responded=on + timedelta(days=rng.randrange(3, 21)),
        category=rng.choice(corpus.CATEGORIES),
        request_html=request_html,
        response_html=response_html,
    )


def _herefordshire_release(rng: random.Random, on: date, used: set[str]) -> ReplicaRelease:
    title = corpus.title(rng, "herefordshire")
    request_html, response_html = _texts(rng, title, "herefordshire")
    documents = []
    if rng.random() < 0.15:
        for n in range(rng.randrange(1, 4)):
            fmt = rng.choice(["pdf", "pdf", "xlsx", "docx", "csv"])
            name = f"{['Appendix', 'Annex', 'Schedule'][n % 3]} {chr(65 + n)} - {title[:40].strip()}.{fmt}"
            content = corpus.document_bytes(rng, fmt, name)
            documents.append(ReplicaDocument(uid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                                             title=name, fmt=fmt, content=content))  # fmt: skip
    return ReplicaRelease(
        uid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        case_ref=_herefordshire_ref(rng, on, used),
        title=title,
        published=on,
        request_html=request_html,
        response_html=response_html,
        documents=documents,
    )


def _spread_dates(rng: random.Random, start: date, end: date, count: int) -> list[date]:
    span = (end - start).days
    return sorted(start + timedelta(days=rng.randrange(span + 1)) for _ in range(count))


def generate(council: str, size: int = 300, seed: int = 1, today: date | None = None) -> Dataset:
    """A council's data set of `size` releases (the real seed release among them)."""
    if council not in SEEDS:
        raise ValueError(f"no replica for council {council!r}; known: {', '.join(SEEDS)}")
    today = today or date.today()
    rng = random.Random(f"{council}:{seed}:{size}")
    releases = [_load_seed(SEEDS[council])]
    from foicrawl.replica.roundrobins import replica_release, variants_for  # it builds on this module

    # The round robins (a quarter of the data set at most, all of them from about 50 releases up).
    planted = [v for v in variants_for(council) if (v.published or v.requested) <= today]
    releases += [replica_release(v) for v in planted[: max(0, size - 1) // 4]]
    used = {r.case_ref for r in releases}
    if council == "hastings":
        real = _real_hastings_index()
        rng.shuffle(real)
        for row in real[: max(0, size - 1) // 4]:
            if row["ref"] not in used:
                releases.append(_hastings_release(rng, row["requested"], used, row["ref"], row["title"]))
                used.add(row["ref"])
        start = date(FIRST_HASTINGS_YEAR, 1, 1)
        # Every year from 2016 on has releases, so a crawl must visit every year listing.
        years = range(FIRST_HASTINGS_YEAR, today.year + 1)
        dates = [date(y, 1, 2) if y < today.year else today for y in years]
        dates += _spread_dates(rng, start, today, max(0, size - len(releases) - len(dates)))
        maker = _hastings_release
    else:
        dates = _spread_dates(rng, HEREFORDSHIRE_START, today, size - 1)
        maker = _herefordshire_release
    for on in dates[: max(0, size - len(releases))]:
        release = maker(rng, on, used)
        used.add(release.case_ref)
        releases.append(release)
    if council == "herefordshire":
        from foicrawl.replica.special_documents import add_special_documents

        add_special_documents(releases)
    return Dataset(council, releases, rng, today)
