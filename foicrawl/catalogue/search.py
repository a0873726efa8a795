"""Full-text search over the catalogue: titles, requests, responses and documents' text.

SQLite (the default catalogue) uses an FTS5 table; PostgreSQL a tsvector column with a GIN index.
Both index each release's latest version, one row a release, beside a plain table of what a search
filters on and a reader wants to see (date, working days, exemptions). The store pipeline keeps the
index in step (`index_release` after each release it records) and `reindex` rebuilds it.
"""

from __future__ import annotations

import re
import weakref
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, select, text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, selectinload

from foicrawl.analysis.exemptions import exemption_keys, filter_key
from foicrawl.analysis.facts import release_facts
from foicrawl.catalogue.models import Evidence, EvidenceLink, Release, ReleaseVersion
from foicrawl.councils import nation_of
from foicrawl.errors import FoicrawlError

_SQLITE_TABLES = (
    """CREATE TABLE IF NOT EXISTS release_index (
        release_id INTEGER PRIMARY KEY, council TEXT NOT NULL, case_ref TEXT NOT NULL, version INTEGER,
        dated TEXT, working_days INTEGER, late BOOLEAN, exemptions TEXT, exemption_keys TEXT)""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS release_fts USING fts5(
        title, request, response, documents, tokenize = 'porter unicode61 remove_diacritics 2')""",
    "CREATE INDEX IF NOT EXISTS release_index_council ON release_index (council, dated)",
)
_POSTGRES_TABLES = (
    """CREATE TABLE IF NOT EXISTS release_index (
        release_id INTEGER PRIMARY KEY REFERENCES releases (id) ON DELETE CASCADE,
        council TEXT NOT NULL, case_ref TEXT NOT NULL, version INTEGER, dated DATE, working_days INTEGER,
        late BOOLEAN, exemptions TEXT, exemption_keys TEXT, title TEXT, request TEXT, response TEXT, documents TEXT,
        document tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('english', coalesce(title, '')), 'A')
            || setweight(to_tsvector('english', coalesce(request, '')), 'B')
            || setweight(to_tsvector('english', coalesce(response, '')), 'B')
            || setweight(to_tsvector('english', coalesce(documents, '')), 'C')) STORED)""",
    "CREATE INDEX IF NOT EXISTS release_index_document ON release_index USING GIN (document)",
    "CREATE INDEX IF NOT EXISTS release_index_council ON release_index (council, dated)",
)
# Engines whose index tables are known to exist (by engine, not URL: a catalogue file deleted and
# made again at the same path gets a new engine, and its tables are made again).
_ready: weakref.WeakSet = weakref.WeakSet()


class SearchError(FoicrawlError, ValueError):
    """A query the index cannot run, said in words a user can act on."""


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def ensure_index(session: Session, check: bool = False) -> None:
    """Make the index tables where they are missing (`check`: look even if this engine made them)."""
    engine = session.get_bind().engine
    if engine in _ready and not check:
        return
    for statement in _POSTGRES_TABLES if _postgres(session) else _SQLITE_TABLES:
        session.execute(text(statement))
    _ready.add(engine)


def documents_text(documents: list | None, fetched: list[str] = ()) -> str:
    """What a release's documents say: each one's title as listed, and the text of each document
    fetched (the evidence linked to the version; a `text` a document record carries, too)."""
    parts = []
    for document in documents or []:
        if isinstance(document, dict):
            parts += [document.get("title") or "", document.get("text") or ""]
    return "\n".join(p for p in [*parts, *fetched] if p)


def fetched_texts(session: Session, version_ids: list[int]) -> dict[int, list[str]]:
    """The text of each fetched document linked to these versions, by version id."""
    texts: dict[int, list[str]] = defaultdict(list)
    for chunk in range(0, len(version_ids), 500):
        rows = session.execute(
            select(EvidenceLink.version_id, Evidence.id, Evidence.text)
            .join(Evidence, Evidence.id == EvidenceLink.evidence_id)
            .where(EvidenceLink.version_id.in_(version_ids[chunk : chunk + 500]), EvidenceLink.role == "document",
                   Evidence.text.is_not(None))
            .order_by(EvidenceLink.version_id, Evidence.id)
        )  # fmt: skip
        seen = set()
        for version_id, evidence_id, body in rows:
            if (version_id, evidence_id) not in seen:
                seen.add((version_id, evidence_id))
                texts[version_id].append(body)
    return texts


def _dated(version: ReleaseVersion) -> date | None:
    return version.published_on or version.responded_on or version.requested_on


def _row(release: Release, version: ReleaseVersion, nation: str, fetched: list[str] = ()) -> dict:
    facts = release_facts(version.requested_on, version.responded_on, version.response_text, nation)
    dated = _dated(version)
    return {
        "release_id": release.id, "council": release.council, "case_ref": release.case_ref,
        "version": version.version, "dated": dated if dated else None,
        "working_days": facts["working_days"], "late": facts["late"],
        "exemptions": "; ".join(facts["exemptions"]), "exemption_keys": exemption_keys(facts["exemptions"]),
        "title": version.title or "", "request": version.request_text or "", "response": version.response_text or "",
        "documents": documents_text(version.documents, fetched),
    }  # fmt: skip


def _write(session: Session, rows: list[dict]) -> None:
    if not rows:
        return
    if _postgres(session):
        session.execute(text(
            "INSERT INTO release_index (release_id, council, case_ref, version, dated, working_days, late, exemptions,"
            " exemption_keys, title, request, response, documents) VALUES (:release_id, :council, :case_ref, :version,"
            " :dated, :working_days, :late, :exemptions, :exemption_keys, :title, :request, :response, :documents)"
            " ON CONFLICT (release_id) DO UPDATE SET council = excluded.council, case_ref = excluded.case_ref,"
            " version = excluded.version, dated = excluded.dated, working_days = excluded.working_days,"
            " late = excluded.late, exemptions = excluded.exemptions, exemption_keys = excluded.exemption_keys,"
            " title = excluded.title, request = excluded.request, response = excluded.response,"
            " documents = excluded.documents"), rows)  # fmt: skip
        return
    for row in rows:
        row["dated"] = row["dated"].isoformat() if row["dated"] else None
    ids = [{"release_id": row["release_id"]} for row in rows]
    session.execute(text("DELETE FROM release_index WHERE release_id = :release_id"), ids)
    session.execute(text("DELETE FROM release_fts WHERE rowid = :release_id"), ids)
    session.execute(text(
        "INSERT INTO release_index (release_id, council, case_ref, version, dated, working_days, late, exemptions,"
        " exemption_keys) VALUES (:release_id, :council, :case_ref, :version, :dated, :working_days, :late,"
        " :exemptions, :exemption_keys)"), rows)  # fmt: skip
    session.execute(text("INSERT INTO release_fts (rowid, title, request, response, documents)"
                         " VALUES (:release_id, :title, :request, :response, :documents)"), rows)  # fmt: skip


def index_release(session: Session, council: str, case_ref: str) -> None:
    """Bring one release's entry in the index up to its latest version."""
    ensure_index(session)
    release = session.scalar(select(Release).where(Release.council == council, Release.case_ref == case_ref))
    if release is None:
        return
    session.flush()
    latest = next((v for v in release.versions if v.version == release.latest_version), None)
    if latest is not None:
        _write(session, [_row(release, latest, nation_of(council), fetched_texts(session, [latest.id])[latest.id])])


def index_evidence(session: Session, council: str, key: str) -> None:
    """A document fetched: the releases whose latest version lists it are indexed with its text."""
    refs = session.scalars(
        select(Release.case_ref).distinct()
        .join(ReleaseVersion, (ReleaseVersion.release_id == Release.id) & (ReleaseVersion.version == Release.latest_version))
        .join(EvidenceLink, EvidenceLink.version_id == ReleaseVersion.id)
        .where(Release.council == council, EvidenceLink.key == key, EvidenceLink.role == "document")
    ).all()  # fmt: skip
    for case_ref in refs:
        index_release(session, council, case_ref)


def rebuild_index(session: Session, batch: int = 500) -> int:
    """Empty the index and fill it again from the catalogue. Returns the releases indexed."""
    ensure_index(session, check=True)
    session.execute(text("DELETE FROM release_index"))
    if not _postgres(session):
        session.execute(text("DELETE FROM release_fts"))
    nations: dict[str, str] = {}
    rows, count = [], 0
    query = select(Release).options(selectinload(Release.versions)).order_by(Release.id)
    releases = list(session.scalars(query))
    latest_ids = [v.id for r in releases for v in r.versions if v.version == r.latest_version]
    fetched = fetched_texts(session, latest_ids)
    for release in releases:
        latest = next((v for v in release.versions if v.version == release.latest_version), None)
        if latest is None:
            continue
        if release.council not in nations:
            nations[release.council] = nation_of(release.council)
        rows.append(_row(release, latest, nations[release.council], fetched.get(latest.id, [])))
        if len(rows) >= batch:
            _write(session, rows)
            count, rows = count + len(rows), []
    _write(session, rows)
    return count + len(rows)


def index_is_stale(session: Session) -> bool:
    """Whether the index holds fewer releases than the catalogue (a catalogue from before search)."""
    ensure_index(session)
    indexed = session.scalar(text("SELECT count(*) FROM release_index"))
    held = session.scalar(text("SELECT count(*) FROM releases"))
    return indexed < held


# --- queries --------------------------------------------------------------------------------------

_QUERY_PART = re.compile(r'(-?)"([^"]*)"|(\S+)')


def fts5_query(query: str) -> str:
    """A user's words as an FTS5 query: every word or "quoted phrase" required, OR between two
    of them, a leading - to exclude, a trailing * for a prefix. Nothing the user types is FTS5
    syntax: each term is quoted, so `s40(2)` or `AND` search as words."""
    positives: list[str] = []
    negatives: list[str] = []
    join_next_with_or = False
    for match in _QUERY_PART.finditer(query):
        negate, phrase, word = match[1] == "-", match[2], match[3]
        if word is not None and word == "OR" and positives:
            join_next_with_or = True
            continue
        if word is not None and word.startswith("-") and len(word) > 1:
            negate, word = True, word[1:]
        raw = phrase if phrase is not None else word
        prefix = raw.endswith("*") and len(raw) > 1
        raw = raw.rstrip("*") if prefix else raw
        if not re.search(r"\w", raw):
            continue
        term = '"' + raw.replace('"', '""') + '"' + ("*" if prefix else "")
        if negate:
            negatives.append(term)
        elif join_next_with_or:
            positives[-1] = f"({positives[-1]} OR {term})"
        else:
            positives.append(term)
        join_next_with_or = False
    if not positives:
        raise SearchError(f"nothing to search for in {query!r}: give at least one word (a leading - excludes one)")
    return " AND ".join(positives) + "".join(f" NOT {n}" for n in negatives)


@dataclass
class Hit:
    council: str
    case_ref: str
    title: str
    dated: str | None
    snippet: str
    url: str
    version: int
    withdrawn: bool
    working_days: int | None
    late: bool | None
    exemptions: list[str]
    capture: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def search(session: Session, query: str, council: str | None = None, since: date | None = None,
           exemption: str | None = None, limit: int = 20) -> list[Hit]:  # fmt: skip
    """Releases matching `query`, best first, with a snippet of where they match. Reads only (a
    catalogue on read-only media searches as it is)."""
    where, params = [], {"limit": limit}
    if council:
        where.append("i.council = :council")
        params["council"] = council
    if since:
        where.append("i.dated >= :since")
        params["since"] = since if _postgres(session) else since.isoformat()
    if exemption:
        try:
            params["key"] = f"% {filter_key(exemption)} %"
        except ValueError as error:
            raise SearchError(str(error)) from None
        where.append("i.exemption_keys LIKE :key")
    filters = "".join(f" AND {w}" for w in where)
    if _postgres(session):
        params["query"] = query
        statement = text(
            "SELECT i.release_id, ts_headline('english', concat_ws(' ', i.request, i.response, i.documents), q,"
            " 'StartSel=[, StopSel=], MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"') AS snippet"
            " FROM (SELECT i.*, q, ts_rank_cd(i.document, q) AS rank FROM release_index i,"
            f" websearch_to_tsquery('english', :query) q WHERE i.document @@ q{filters}"
            " ORDER BY rank DESC, i.dated DESC NULLS LAST LIMIT :limit) i ORDER BY i.rank DESC, i.dated DESC NULLS LAST")  # fmt: skip
    else:
        params["query"] = fts5_query(query)
        statement = text(
            "SELECT f.rowid AS release_id, snippet(release_fts, -1, '[', ']', ' … ', 24) AS snippet"
            " FROM release_fts f JOIN release_index i ON i.release_id = f.rowid"
            f" WHERE release_fts MATCH :query{filters}"
            " ORDER BY bm25(release_fts, 8.0, 2.0, 1.0, 1.0), i.dated DESC LIMIT :limit")  # fmt: skip
    try:
        found = session.execute(statement.bindparams(bindparam("limit")), params).all()
    except (OperationalError, ProgrammingError) as error:
        if "no such table" not in str(error) and "does not exist" not in str(error):
            raise
        raise SearchError("this catalogue has no search index yet: `foicrawl reindex` (or any search on a"
                          " writable copy) builds it") from None  # fmt: skip
    return _hits(session, [(row.release_id, row.snippet) for row in found])


def _hits(session: Session, found: list[tuple[int, str]]) -> list[Hit]:
    if not found:
        return []
    ids = [release_id for release_id, _ in found]
    releases = {r.id: r for r in session.scalars(select(Release).where(Release.id.in_(ids)).options(selectinload(Release.versions)))}
    facts = {row.release_id: row for row in session.execute(
        text("SELECT release_id, dated, working_days, late, exemptions FROM release_index WHERE release_id IN :ids")
        .bindparams(bindparam("ids", expanding=True)), {"ids": ids})}  # fmt: skip
    hits = []
    for release_id, snippet in found:
        release = releases.get(release_id)
        if release is None:
            continue
        version = next(v for v in release.versions if v.version == release.latest_version)
        fact = facts[release_id]
        hits.append(Hit(
            council=release.council, case_ref=release.case_ref, title=version.title,
            dated=str(fact.dated) if fact.dated else None, snippet=" ".join((snippet or "").split()),
            url=version.url, version=version.version, withdrawn=release.withdrawn,
            working_days=fact.working_days, late=None if fact.late is None else bool(fact.late),
            exemptions=[e for e in (fact.exemptions or "").split("; ") if e],
            capture={"warc_file": version.warc_file, "warc_offset": version.warc_offset,
                     "warc_record_id": version.warc_record_id,
                     "fetched_at": version.fetched_at.isoformat() if version.fetched_at else None},
        ))  # fmt: skip
    return hits
