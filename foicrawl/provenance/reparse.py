"""`foicrawl reparse`: stored fields brought up to today's parsers, from the archive, losing nothing.

Each version's record is read and checked as `verify` does; a record that fails its digests is
left alone (that is for verify to report). Where today's parser reads different fields, or the
version does not yet carry today's parser version, the fields are rewritten from the record and the
values they replace are kept in a `superseded_extractions` row (with the parser version that read
them), so any earlier reading can still be shown. The search index follows each release whose
latest version was rewritten.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from foicrawl.catalogue.models import Release, ReleaseVersion, SupersededExtraction
from foicrawl.catalogue.releases import CONTENT_FIELDS, DATE_FIELDS, content_hash
from foicrawl.catalogue.search import index_release
from foicrawl.pipelines.validate import problems
from foicrawl.provenance.extract import (
    RecordError,
    parser_version_of,
    read_capture,
    release_from_exchanges,
    release_from_record,
)
from foicrawl.provenance.verify import check_record, check_sources

REPARSED_FIELDS = (*CONTENT_FIELDS, "dates_as_shown")


def _stored(version: ReleaseVersion) -> dict:
    values = {name: getattr(version, name) for name in REPARSED_FIELDS if name != "case_ref"}
    return {name: (value.isoformat() if name in DATE_FIELDS and value is not None else value)
            for name, value in values.items()}  # fmt: skip


def reparse(session: Session, warc_dir: Path, council: str | None = None,
            report: Callable[[str], None] = print) -> Counter:  # fmt: skip
    counts: Counter = Counter()
    query = select(ReleaseVersion).join(Release).options(joinedload(ReleaseVersion.release))
    if council:
        query = query.where(Release.council == council)
    now = datetime.now(UTC)
    latest_updated: list[Release] = []
    for version in session.scalars(query.order_by(Release.council, Release.case_ref, ReleaseVersion.version)):
        release = version.release
        counts["checked"] += 1
        where = f"{release.council} {release.case_ref} version {version.version}"
        try:
            record = read_capture(warc_dir, version.warc_file, version.warc_offset)
            broken = check_record(version, record)
            exchanges, source_problems = check_sources(version, warc_dir) if version.sources else (None, [])
            if broken := broken + source_problems:
                raise RecordError("; ".join(broken))
            if exchanges is not None:  # read from several records (a portal's answers): from all of them
                item = release_from_exchanges(release.council, exchanges)
            else:
                item = release_from_record(release.council, record)
        except (RecordError, OSError, TypeError, ValueError) as error:
            counts["unreadable"] += 1
            report(f"Not re-read: {where}: {error}")
            continue
        if found := problems(item):
            counts["unreadable"] += 1
            report(f"Not re-read: {where}: today's parser reads {'; '.join(found.values())}")
            continue
        today = parser_version_of(release.council)
        fresh = {name: value for name, value in item.to_dict().items() if name in REPARSED_FIELDS and name != "case_ref"}
        old = _stored(version)
        if old == fresh and version.parser_version == today:
            counts["current"] += 1
            continue
        version.superseded.append(SupersededExtraction(parser_version=version.parser_version, content_hash=version.content_hash,
                                                       fields=old, replaced_at=now, replaced_by=today))  # fmt: skip
        for name, value in fresh.items():
            setattr(version, name, datetime.fromisoformat(value).date() if name in DATE_FIELDS and value else value)
        version.content_hash = content_hash({**item.to_dict(), "url": version.url})
        version.parser_version = today
        counts["updated"] += 1
        if version.version == release.latest_version:
            latest_updated.append(release)
    for release in latest_updated:  # search reads each release's latest version
        index_release(session, release.council, release.case_ref)
    return counts
