"""The catalogue: one row a release (unique by council and case reference), one row a version.

Nothing is overwritten: a release whose content changes gets a new version, and each version points
at the WARC record it was read from. A release that disappears is marked withdrawn, never deleted.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Moments in UTC on every database: SQLite keeps no time zone, so store naive UTC and hand
    back aware datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=UTC) if value is not None else None


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime}


class Release(Base):
    __tablename__ = "releases"
    __table_args__ = (UniqueConstraint("council", "case_ref", name="uq_release_council_case_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council: Mapped[str] = mapped_column(String(64), index=True)
    case_ref: Mapped[str] = mapped_column(String(128))
    url: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column()
    last_seen: Mapped[datetime] = mapped_column()
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    latest_version: Mapped[int] = mapped_column(Integer, default=1)

    versions: Mapped[list[ReleaseVersion]] = relationship(
        back_populates="release", order_by="ReleaseVersion.version", cascade="all, delete-orphan"
    )
    withdrawals: Mapped[list[Withdrawal]] = relationship(
        back_populates="release", order_by="Withdrawal.withdrawn_at", cascade="all, delete-orphan"
    )


class ReleaseVersion(Base):
    __tablename__ = "release_versions"
    __table_args__ = (UniqueConstraint("release_id", "version", name="uq_version_release_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    requested_on: Mapped[date | None] = mapped_column(Date)
    responded_on: Mapped[date | None] = mapped_column(Date)
    published_on: Mapped[date | None] = mapped_column(Date)
    dates_as_shown: Mapped[dict] = mapped_column(JSON, default=dict)
    request_text: Mapped[str | None] = mapped_column(Text)
    response_text: Mapped[str | None] = mapped_column(Text)
    response_links: Mapped[list] = mapped_column(JSON, default=list)
    documents: Mapped[list] = mapped_column(JSON, default=list)
    recorded_at: Mapped[datetime] = mapped_column()
    run_id: Mapped[str | None] = mapped_column(String(64))
    # Where the evidence is: the WARC response record this version was read from.
    warc_file: Mapped[str | None] = mapped_column(Text)
    warc_offset: Mapped[int | None] = mapped_column(Integer)
    warc_length: Mapped[int | None] = mapped_column(Integer)
    warc_record_id: Mapped[str | None] = mapped_column(String(64))
    payload_digest: Mapped[str | None] = mapped_column(String(128))
    block_digest: Mapped[str | None] = mapped_column(String(128))
    fetched_at: Mapped[datetime | None] = mapped_column()
    # Every record the version was read from, where there are several (a portal's details answer,
    # documents answer and documents): role, URL and place in the archive of each.
    sources: Mapped[list | None] = mapped_column(JSON, default=list)
    # Which extraction read the fields ("hastings/1+text/1"; parsers.extraction_version). Null on
    # versions stored before versions were recorded.
    parser_version: Mapped[str | None] = mapped_column(String(64))

    release: Mapped[Release] = relationship(back_populates="versions")
    superseded: Mapped[list[SupersededExtraction]] = relationship(
        back_populates="version", order_by="SupersededExtraction.id", cascade="all, delete-orphan"
    )


class SupersededExtraction(Base):
    """A version's fields as an earlier parser read them, kept when `foicrawl reparse` brought the
    version up to today's parser: nothing stored is ever lost."""

    __tablename__ = "superseded_extractions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("release_versions.id"), index=True)
    parser_version: Mapped[str | None] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    fields: Mapped[dict] = mapped_column(JSON)  # the replaced values, by field name
    replaced_at: Mapped[datetime] = mapped_column()
    replaced_by: Mapped[str] = mapped_column(String(64))  # the parser version that replaced them

    version: Mapped[ReleaseVersion] = relationship(back_populates="superseded")


class Withdrawal(Base):
    """A time a release's page was gone (404/410), and the time it came back, each with the WARC
    record that showed it. A release withdrawn twice has two rows; history is never rewritten."""

    __tablename__ = "withdrawals"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), index=True)
    withdrawn_on: Mapped[date] = mapped_column(Date)
    withdrawn_at: Mapped[datetime] = mapped_column()
    status: Mapped[int | None] = mapped_column(Integer)  # what the page answered: 404 or 410
    warc_file: Mapped[str | None] = mapped_column(Text)
    warc_offset: Mapped[int | None] = mapped_column(Integer)
    warc_record_id: Mapped[str | None] = mapped_column(String(64))
    returned_at: Mapped[datetime | None] = mapped_column()
    return_warc_file: Mapped[str | None] = mapped_column(Text)
    return_warc_offset: Mapped[int | None] = mapped_column(Integer)
    return_warc_record_id: Mapped[str | None] = mapped_column(String(64))

    release: Mapped[Release] = relationship(back_populates="withdrawals")


class CrawlRun(Base):
    """One crawl of one council: what it fetched, found and wrote."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(String(64), unique=True)
    council: Mapped[str] = mapped_column(String(64), index=True)
    mode: Mapped[str] = mapped_column(String(16))
    origin: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(32), default="running")
    finish_reason: Mapped[str | None] = mapped_column(String(64))
    requests: Mapped[int] = mapped_column(Integer, default=0)
    releases_seen: Mapped[int] = mapped_column(Integer, default=0)
    releases_new: Mapped[int] = mapped_column(Integer, default=0)
    releases_changed: Mapped[int] = mapped_column(Integer, default=0)
    releases_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    releases_withdrawn: Mapped[int] = mapped_column(Integer, default=0)
    items_dropped: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warc_files: Mapped[list] = mapped_column(JSON, default=list)
    warc_bytes: Mapped[int] = mapped_column(Integer, default=0)
    # Why the listing was not read completely (a run with any is "incomplete", never "ok").
    listing_problems: Mapped[list | None] = mapped_column(JSON, default=list)
    ref_conflicts: Mapped[int | None] = mapped_column(Integer, default=0)  # pages showing a reference another page holds
    failed_pages: Mapped[int | None] = mapped_column(Integer, default=0)  # council pages not read (retries exhausted, ...)
    failed_urls: Mapped[list | None] = mapped_column(JSON)  # release pages not read, [{url, reason}]: the next run asks again
    field_fill: Mapped[dict | None] = mapped_column(JSON)  # {"releases": n, "filled": {field: releases that had it}}


class ReferenceConflict(Base):
    """A page showing a case reference that another page of the council holds (a reference reused or
    mistyped). The release keeps its own page; this row points at the other page's evidence."""

    __tablename__ = "reference_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    council: Mapped[str] = mapped_column(String(64), index=True)
    case_ref: Mapped[str] = mapped_column(String(128))
    url: Mapped[str] = mapped_column(Text)  # the other page
    catalogued_url: Mapped[str] = mapped_column(Text)  # the page the release was read from
    title: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen: Mapped[datetime] = mapped_column()
    last_seen: Mapped[datetime] = mapped_column()
    run_id: Mapped[str | None] = mapped_column(String(64))
    warc_file: Mapped[str | None] = mapped_column(Text)
    warc_offset: Mapped[int | None] = mapped_column(Integer)
    warc_record_id: Mapped[str | None] = mapped_column(String(64))
    payload_digest: Mapped[str | None] = mapped_column(String(128))
    fetched_at: Mapped[datetime | None] = mapped_column()


class Evidence(Base):
    """A document or cited page as fetched: one row per distinct answer of one key (its URL as
    cited, or a platform's document id). Shared by every release that points at it; fetched again
    with the same bytes it stays one row (`last_fetched_at` moves), with other bytes it is a new row."""

    __tablename__ = "evidence"
    # Keys are URLs, which can outgrow a PostgreSQL b-tree entry: a hash index finds them as well.
    __table_args__ = (Index("ix_evidence_key", "key", postgresql_using="hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council: Mapped[str] = mapped_column(String(64), index=True)
    key: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))  # document, page, webservice
    fetched_url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[int | None] = mapped_column(Integer)
    media_type: Mapped[str | None] = mapped_column(String(255))
    declared_type: Mapped[str | None] = mapped_column(String(255))
    size: Mapped[int | None] = mapped_column(BigInteger)  # the true size, when known
    stored_size: Mapped[int | None] = mapped_column(BigInteger)  # the bytes archived
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    text: Mapped[str | None] = mapped_column(Text)
    text_chars: Mapped[int] = mapped_column(Integer, default=0)
    text_reason: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[int | None] = mapped_column(Integer)
    rows: Mapped[int | None] = mapped_column(Integer)
    parsed: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(Text)
    first_fetched_at: Mapped[datetime] = mapped_column()
    last_fetched_at: Mapped[datetime] = mapped_column()
    run_id: Mapped[str | None] = mapped_column(String(64))
    warc_file: Mapped[str | None] = mapped_column(Text)
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)
    warc_length: Mapped[int | None] = mapped_column(BigInteger)
    warc_record_id: Mapped[str | None] = mapped_column(String(64))
    payload_digest: Mapped[str | None] = mapped_column(String(128))
    block_digest: Mapped[str | None] = mapped_column(String(128))


class EvidenceLink(Base):
    """Which release versions point at which evidence (many to many), and how: a version that lists
    or cites a key has a row for it (evidence_id empty until fetched); each capture of that key made
    while the version is the release's latest is linked to it."""

    __tablename__ = "evidence_links"
    __table_args__ = (Index("ix_evidence_links_key", "key", postgresql_using="hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("release_versions.id"), index=True)
    key: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))  # document, cited, linked, webservice
    title: Mapped[str | None] = mapped_column(Text)
    via: Mapped[str | None] = mapped_column(Text)  # the cited page's key, for what was found on it
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"), index=True)

    evidence: Mapped[Evidence | None] = relationship()
    version: Mapped[ReleaseVersion] = relationship()
