"""Evidence in the catalogue: one row per distinct answer of a key, shared by every release that
points at it, linked to the versions current when it was fetched; a portal's documents through
`cited_by`."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from foicrawl.catalogue.evidence import evidence_of, record_evidence
from foicrawl.catalogue.models import Evidence, EvidenceLink, Release, ReleaseVersion
from foicrawl.catalogue.releases import export_rows, record_release
from foicrawl.catalogue.session import session_factory

T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
ORIGIN = "https://www.hastings.gov.uk"
AGENDA = "https://hastings.moderngov.co.uk/ieListDocuments.aspx?CId=391&MId=39102"
PAPER = "https://hastings.moderngov.co.uk/documents/s391022/Report.pdf"


def release(ref: str, links: list[str], text: str = "See the agenda.", documents=()) -> dict:
    return dict(council="hastings", url=f"{ORIGIN}/my-council/freedom-of-information/date/?id={ref}", case_ref=ref,
                title="Beach huts", requested_on="2024-01-02", responded_on=None, published_on=None,
                request_text="How many?", response_text=text, dates_as_shown={},
                response_links=[{"url": u, "text": "here"} for u in links], documents=list(documents),
                capture={"fetched_at": T0.isoformat()})  # fmt: skip


def fetched(key: str, sha: str | None = "a" * 64, status: int | None = 200, **extra) -> dict:
    return {"council": "hastings", "key": key, "url": key, "kind": "page", "role": "cited", "status": status,
            "sha256": sha, "capture": {"warc_file": "f.warc.gz", "warc_offset": 1}, **extra}


@pytest.fixture
def session(archive):
    with session_factory()() as session:
        yield session


def test_one_capture_shared_by_every_release_that_cites_it(session):
    for ref in ("FOIR-1", "FOIR-2", "FOIR-3"):
        record_release(session, release(ref, [AGENDA + "#AI3", "https://elsewhere.example/x"]), T0)
    assert record_evidence(session, fetched(AGENDA), T0) == "new"
    assert record_evidence(session, fetched(AGENDA), T0 + timedelta(days=1)) == "unchanged"
    assert session.scalar(select(Evidence).where(Evidence.key == AGENDA)).last_fetched_at == T0 + timedelta(days=1)
    # A paper found on the cited page is linked to each release through it.
    assert record_evidence(session, fetched(PAPER, "b" * 64, role="linked", via=AGENDA, kind="document"), T0) == "new"
    session.commit()
    assert session.query(Evidence).count() == 2
    for row in export_rows(session):
        assert [(e["url"], e["role"], e["via"]) for e in row["evidence"]] == [
            (AGENDA, "cited", None), (PAPER, "linked", AGENDA)]  # the off-site link is not evidence


def test_changed_bytes_are_a_new_row_and_the_version_keeps_both(session):
    record_release(session, release("FOIR-1", [AGENDA]), T0)
    record_evidence(session, fetched(AGENDA, "a" * 64), T0)
    assert record_evidence(session, fetched(AGENDA, "c" * 64), T0 + timedelta(days=7)) == "changed"
    record_release(session, release("FOIR-1", [AGENDA], text="See the new agenda."), T0 + timedelta(days=8))
    record_evidence(session, fetched(AGENDA, "c" * 64), T0 + timedelta(days=8))
    session.commit()
    versions = {v.version: v for v in session.scalars(select(ReleaseVersion))}
    links = {n: sorted(link.evidence.sha256[0] for link in session.scalars(
        select(EvidenceLink).where(EvidenceLink.version_id == v.id))) for n, v in versions.items()}  # fmt: skip
    assert links == {1: ["a", "c"], 2: ["c"]}
    assert [e["sha256"][0] for e in evidence_of(session, versions[1])] == ["c"]  # the latest capture


def test_failures_are_kept_with_their_reason_and_documents_get_their_digest(session):
    doc = {"url": f"{ORIGIN}/files/a.pdf", "title": "A", "media_type": None, "size": 1024, "sha256": None}
    record_release(session, release("FOIR-1", [], documents=[doc]), T0)
    record_evidence(session, fetched(doc["url"], None, None, reason="no answer: DNSLookupError", role="document"), T0)
    [row] = export_rows(session)
    assert row["documents"][0]["reason"] == "no answer: DNSLookupError" and row["documents"][0]["sha256"] is None
    record_evidence(session, fetched(doc["url"], "d" * 64, 200, size=2000, media_type="application/pdf",
                                     text="Twelve", kind="document", role="document"), T0 + timedelta(hours=1))  # fmt: skip
    [row] = export_rows(session)
    assert {k: row["documents"][0][k] for k in ("sha256", "size", "size_as_listed", "media_type", "text_chars")} == {
        "sha256": "d" * 64, "size": 2000, "size_as_listed": 1024, "media_type": "application/pdf", "text_chars": 6}


def test_a_portal_document_is_linked_by_its_own_id(session):
    record_release(session, release("IR-123", []), T0)
    item = fetched("D98765", "e" * 64, kind="document", role="document", cited_by=["IR-123"],
                   url="https://hertfordshireportal.icasework.com/servlet/servlets.getImg?ref=D98765&bin=Y")  # fmt: skip
    assert record_evidence(session, item, T0) == "new"
    assert record_evidence(session, item, T0 + timedelta(days=1)) == "unchanged"
    session.commit()
    release_row = session.scalar(select(Release))
    [link] = session.scalars(select(EvidenceLink))
    assert (link.key, link.role, link.version.release_id, link.evidence.sha256) == ("D98765", "document", release_row.id, "e" * 64)
