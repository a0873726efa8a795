"""Evidence in the catalogue: documents and cited pages, stored once and linked to every release
version that points at them.

When a release version is recorded, a link row is made for each document it lists and each page it
cites on the council's hosts (`link_citations`); its evidence is empty until fetched. When a fetched
document or page is recorded (`record_evidence`), it is linked to the latest version of every release
of the council that points at it (directly, or through the cited page it was found on), so a version
keeps the captures made while it was current. The same key fetched with the same bytes is the same row.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from foicrawl.catalogue.models import Evidence, EvidenceLink, Release, ReleaseVersion
from foicrawl.citations import citations_of, evidence_key, host_of
from foicrawl.councils import register

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
_EVIDENCE_FIELDS = ("kind", "fetched_url", "status", "media_type", "declared_type", "size", "stored_size",
                    "truncated", "sha256", "text", "text_reason", "pages", "rows", "parsed", "reason")  # fmt: skip
_CAPTURE_FIELDS = ("warc_file", "warc_offset", "warc_length", "warc_record_id", "payload_digest", "block_digest")


def evidence_hosts(council: str, release_url: str) -> set[str]:
    """The hosts whose documents and pages a release of `council` may point at as evidence: the
    register's (the council's own sites and its ModernGov site) and the host the release was read
    from (a stand-in's, when crawled from a mirror or the replica)."""
    entry = register().get(council)
    return (entry.evidence_hosts() if entry else set()) | {host_of(release_url)}


def link_citations(session: Session, version: ReleaseVersion, record: dict) -> int:
    """Link rows for what a newly recorded version lists and cites; returns how many."""
    citations = citations_of(record, evidence_hosts(record["council"], record["url"]))
    # A page another release cited earlier is fetched once: link its latest capture now, since no
    # later fetch will.
    fetched = _latest_captures(session, record["council"], [c.key for c in citations])
    for citation in citations:
        session.add(EvidenceLink(version=version, key=citation.key, url=citation.url, role=citation.role,
                                 title=citation.title or None, evidence_id=fetched.get(citation.key)))  # fmt: skip
    return len(citations)


def _latest_captures(session: Session, council: str, keys: list[str]) -> dict[str, int]:
    """The id of the latest stored capture of each key that has one."""
    if not keys:
        return {}
    rows = session.execute(select(Evidence.key, func.max(Evidence.id))
                           .where(Evidence.council == council, Evidence.key.in_(keys)).group_by(Evidence.key))  # fmt: skip
    return dict(rows.all())


def _latest_versions(session: Session, council: str, keys: list[str]) -> list[EvidenceLink]:
    """Link rows for `keys` on the latest version of each of the council's releases."""
    if not keys:
        return []
    return list(session.scalars(
        select(EvidenceLink)
        .join(ReleaseVersion, EvidenceLink.version_id == ReleaseVersion.id)
        .join(Release, (Release.id == ReleaseVersion.release_id) & (Release.latest_version == ReleaseVersion.version))
        .where(Release.council == council, EvidenceLink.key.in_(keys))
    ))  # fmt: skip


def _latest_of(session: Session, council: str, case_refs: list[str]) -> list[ReleaseVersion]:
    if not case_refs:
        return []
    return list(session.scalars(
        select(ReleaseVersion)
        .join(Release, (Release.id == ReleaseVersion.release_id) & (Release.latest_version == ReleaseVersion.version))
        .where(Release.council == council, Release.case_ref.in_(case_refs))
    ))  # fmt: skip


def _find(session: Session, item: dict) -> tuple[Evidence | None, bool]:
    """The row holding these exact bytes (or this same failure) for the key, and whether the key
    was held at all."""
    rows = list(session.scalars(select(Evidence).where(Evidence.council == item["council"], Evidence.key == item["key"])
                                .order_by(Evidence.id.desc())))  # fmt: skip
    for row in rows:
        if (row.status, row.sha256, row.truncated) == (item.get("status"), item.get("sha256"), bool(item.get("truncated"))) \
                and (row.sha256 is not None or row.reason == item.get("reason")):
            return row, True
    return None, bool(rows)


def record_evidence(session: Session, item: dict, seen_at: datetime, run_id: str | None = None) -> str:
    """Store one fetched document or page and link it. Returns "new", "changed" or "unchanged"."""
    row, held = _find(session, item)
    if row is not None:
        row.last_fetched_at = max(row.last_fetched_at, seen_at)
        outcome = UNCHANGED
    else:
        capture = item.get("capture") or {}
        row = Evidence(council=item["council"], key=item["key"], url=item["url"], first_fetched_at=seen_at,
                       last_fetched_at=seen_at, run_id=run_id, text_chars=len(item.get("text") or ""),
                       **{name: item.get(name) for name in _EVIDENCE_FIELDS},
                       **{name: capture.get(name) for name in _CAPTURE_FIELDS})  # fmt: skip
        row.truncated = bool(row.truncated)
        row.parsed = row.parsed or {}
        session.add(row)
        session.flush()
        outcome = CHANGED if held else NEW
    _link(session, row, item)
    return outcome


def _link(session: Session, evidence: Evidence, item: dict) -> None:
    council, key, via = item["council"], item["key"], item.get("via")
    wanted: dict[int, tuple[ReleaseVersion | None, EvidenceLink | None]] = {}
    for link in _latest_versions(session, council, [via] if via else [key]):
        wanted.setdefault(link.version_id, (None, link))
    for version in _latest_of(session, council, list(item.get("cited_by") or [])):
        wanted.setdefault(version.id, (version, None))
    existing = defaultdict(list)
    if wanted:
        for link in session.scalars(select(EvidenceLink).where(EvidenceLink.key == key,
                                                               EvidenceLink.version_id.in_(list(wanted)))):  # fmt: skip
            existing[link.version_id].append(link)
    for version_id, (_version, parent) in wanted.items():
        links = existing[version_id]
        if any(link.evidence_id == evidence.id for link in links):
            continue
        empty = next((link for link in links if link.evidence_id is None), None)
        if empty is not None:
            empty.evidence_id = evidence.id
            continue
        template = links[0] if links else None
        session.add(EvidenceLink(
            version_id=version_id, key=key, url=item["url"], evidence_id=evidence.id,
            role=template.role if template else item["role"],
            title=template.title if template else (item.get("title") or None),
            via=via if parent is not None and via else None,
        ))  # fmt: skip
    session.flush()


# Reading ------------------------------------------------------------------------------------------


def evidence_row(link: EvidenceLink) -> dict:
    """One link with its evidence, as `foicrawl evidence` and the export show it."""
    e = link.evidence
    row = {"url": link.url, "key": link.key, "role": link.role, "title": link.title, "via": link.via}
    if e is None:
        return {**row, "status": None, "kind": None, "media_type": None, "size": None, "sha256": None,
                "text_chars": None, "text_reason": None, "truncated": False, "reason": "not fetched", "fetched_at": None,
                "warc_file": None, "warc_offset": None, "warc_record_id": None}  # fmt: skip
    return {
        **row,
        "status": e.status,
        "kind": e.kind,
        "media_type": e.media_type,
        "size": e.size,
        "sha256": e.sha256,
        "text_chars": e.text_chars,
        "text_reason": e.text_reason,
        "truncated": e.truncated,
        "reason": e.reason,
        "fetched_at": e.last_fetched_at.isoformat() if e.last_fetched_at else None,
        "first_fetched_at": e.first_fetched_at.isoformat() if e.first_fetched_at else None,
        "fetched_url": e.fetched_url,
        "warc_file": e.warc_file,
        "warc_offset": e.warc_offset,
        "warc_record_id": e.warc_record_id,
    }


def has_evidence(session: Session) -> bool:
    """Whether the catalogue has the evidence tables: one made before them, opened read-only (nothing
    is created then), has none, and reads as holding no evidence."""
    return inspect(session.get_bind()).has_table(EvidenceLink.__tablename__)


def links_by_version(session: Session, version_ids: list[int]) -> dict[int, list[EvidenceLink]]:
    found: dict[int, list[EvidenceLink]] = defaultdict(list)
    if not version_ids or not has_evidence(session):
        return found
    for start in range(0, len(version_ids), 500):
        chunk = version_ids[start : start + 500]
        query = select(EvidenceLink).where(EvidenceLink.version_id.in_(chunk)).order_by(EvidenceLink.id)
        for link in session.scalars(query):
            found[link.version_id].append(link)
    return found


def _current(links: list[EvidenceLink]) -> list[EvidenceLink]:
    """Per key, the latest capture linked (or the empty link when none was fetched)."""
    best: dict[str, EvidenceLink] = {}
    for link in links:
        held = best.get(link.key)
        if held is None or (link.evidence_id or 0) > (held.evidence_id or 0):
            best[link.key] = link
    return list(best.values())


def with_evidence(row: dict, links: list[EvidenceLink]) -> dict:
    """An export row with each document's digest, true size, sniffed type and text length filled
    in from its latest capture, and an `evidence` list of everything the version points at."""
    current = _current(links)
    by_key = {link.key: link for link in current}
    documents = []
    for document in row.get("documents") or []:
        link = by_key.get(document.get("id") or evidence_key(document.get("url") or ""))
        e = link.evidence if link else None
        documents.append({
            **document,
            "size_as_listed": document.get("size"),
            "media_type": (e.media_type if e and e.status == 200 else None) or document.get("media_type"),
            "size": (e.size if e and e.status == 200 else None) or document.get("size"),
            "sha256": e.sha256 if e and e.status == 200 else document.get("sha256"),
            "text_chars": e.text_chars if e and e.status == 200 else None,
            "text_reason": e.text_reason if e and e.status == 200 else None,
            "status": e.status if e else None,
            "reason": (e.reason if e else ("not fetched" if link else None)),
        })  # fmt: skip
    return {**row, "documents": documents, "evidence": [evidence_row(link) for link in current]}


def evidence_of(session: Session, version: ReleaseVersion) -> list[dict]:
    return [evidence_row(link) for link in _current(links_by_version(session, [version.id]).get(version.id, []))]


def latest_content_hashes(session: Session, council: str) -> dict[str, str]:
    """Each held release's latest content hash, by case reference: a release crawled again with the
    same content is unchanged, and its evidence was fetched when that version was recorded."""
    rows = session.execute(
        select(Release.case_ref, ReleaseVersion.content_hash)
        .join(ReleaseVersion, (ReleaseVersion.release_id == Release.id) & (ReleaseVersion.version == Release.latest_version))
        .where(Release.council == council)
    )  # fmt: skip
    return {case_ref: digest for case_ref, digest in rows}


def evidence_counts(session: Session, council: str | None = None) -> dict[str, int]:
    """Documents and other evidence (cited pages, web-service answers) the catalogue holds."""
    if not has_evidence(session):
        return {"documents": 0, "pages": 0}
    query = select(Evidence.kind, func.count()).group_by(Evidence.kind)
    found = dict(session.execute(query.where(Evidence.council == council) if council else query).all())
    return {"documents": found.get("document", 0), "pages": sum(n for kind, n in found.items() if kind != "document")}
