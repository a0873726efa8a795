"""Documents and cited pages fetched in the crawl, on the replica: each archived and catalogued once,
digests against the bytes the replica served, text out of every format, ModernGov pages parsed, the
blocked ModernGov host read through its web service, and the archive read back (verify, reindex,
pywb, WACZ)."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import time
import urllib.request
import zipfile
from contextlib import ExitStack
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from foicrawl.catalogue.models import Evidence, EvidenceLink
from foicrawl.catalogue.session import session_factory
from foicrawl.cli import main
from foicrawl.crawling.process import run_crawl
from foicrawl.parsers.document_text import DOCX, XLSX
from foicrawl.provenance.replay import listen, prepare_pywb, start_server, stop_server
from foicrawl.replica.dataset import generate
from foicrawl.replica.moderngov import build_moderngov
from foicrawl.replica.pages_herefordshire import document_path
from foicrawl.replica.server import build_site, serving

from conftest import FAST
from helpers import catalogue, warc_records

CAP = 1_000_000
SEED = "FOIR-395819655"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """Both councils (30 releases each) and their ModernGov sites, crawled once with a 1 MB cap."""
    directory = tmp_path_factory.mktemp("evidence") / "archive"
    with pytest.MonkeyPatch.context() as patch, ExitStack() as stack:
        patch.setenv("FOICRAWL_ARCHIVE_DIR", str(directory))
        patch.delenv("FOICRAWL_DATABASE_URL", raising=False)
        servers = {}
        for council in ("herefordshire", "hastings"):
            site = build_site(council, generate(council, size=30))
            server = stack.enter_context(serving(site))
            moderngov = stack.enter_context(serving(build_moderngov(council, site.dataset)))
            process = run_crawl(council, server.base_url, settings={**FAST, "FOICRAWL_DOCUMENT_MAX_SIZE": str(CAP)},
                                log_file=directory / f"{council}.log", spider_args={"moderngov_url": moderngov.base_url})  # fmt: skip
            assert process.returncode == 0, (directory / f"{council}.log").read_text()[-3000:]
            servers[council] = (server, moderngov)
        yield directory, servers


@pytest.fixture
def archived(crawled, archive):
    """A copy of the crawled archive as this test's FOICRAWL_ARCHIVE_DIR (tests may damage it)."""
    shutil.copytree(crawled[0], archive)
    return archive, crawled[1]


def evidence_rows(council: str | None = None) -> list[Evidence]:
    with session_factory()() as session:
        query = select(Evidence).order_by(Evidence.id)
        return list(session.scalars(query.where(Evidence.council == council) if council else query))


def listed_documents(server) -> dict[str, object]:
    """URL (as the crawl reads it) -> the replica's document, for every document listed."""
    return {f"{server.base_url}{document_path(r, d)}": d for r in server.site.dataset.listed() for d in r.documents}


def test_every_listed_document_is_archived_and_catalogued_once_with_its_digest(archived):
    archive, servers = archived
    server, _ = servers["herefordshire"]
    served = listed_documents(server)
    assert len(served) >= 7
    rows = {e.key: e for e in evidence_rows("herefordshire") if e.key in served}
    assert set(rows) == set(served), "every listed document is catalogued"
    assert len([e for e in evidence_rows("herefordshire") if e.key in served]) == len(served), "and once"
    for url, document in served.items():
        path = urlsplit(url).path
        assert server.site.hits[path] == 1, f"{path} fetched {server.site.hits[path]} times"
        row = rows[url]
        if getattr(document, "status", 200) == 404:
            assert (row.status, row.reason, row.kind) == (404, "HTTP 404", "page")
        elif len(document.content) > CAP:
            assert row.truncated and row.size == len(document.content) > CAP
            assert CAP < row.stored_size < len(document.content)
            assert row.sha256 == hashlib.sha256(document.content[: row.stored_size]).hexdigest()
            assert row.reason.startswith("cut at the size cap")
        else:
            assert (row.status, row.size, row.truncated) == (200, len(document.content), False)
            assert row.sha256 == hashlib.sha256(document.content).hexdigest()
    # The WARC record of the document over the cap says so.
    big = next(e for e in rows.values() if e.truncated)
    [record] = [r for r in warc_records(archive) if r["type"] == "response" and r["uri"] == big.fetched_url]
    assert record["payload"] == next(d for u, d in served.items() if u == big.key).content[: big.stored_size]
    from warcio.archiveiterator import ArchiveIterator

    with open(archive / "warc" / big.warc_file, "rb") as stream:
        stream.seek(big.warc_offset)
        warc_record = next(iter(ArchiveIterator(stream)))
        assert warc_record.rec_headers.get_header("WARC-Truncated") == "length"
    # The export carries each document's digest, true size, type and text length.
    exported = {d["url"]: d for row in catalogue("herefordshire") for d in row["documents"]}
    assert set(exported) == set(served)
    for url, document in exported.items():
        assert document["sha256"] == rows[url].sha256 or rows[url].status == 404
        assert {"url", "title", "media_type", "size", "sha256", "text_chars"} <= set(document)


def test_text_comes_out_of_every_format_that_has_it(archived):
    rows = {e.url.rsplit("/", 1)[-1]: e for e in evidence_rows("herefordshire") if "/documents/" in e.url}
    special = {e.url.rsplit("-special-", 1)[-1]: e for name, e in rows.items() if "-special-" in name}
    assert (special["0"].media_type, special["0"].text, special["0"].text_reason) == ("application/pdf", None, "no text layer")
    assert special["0"].reason is None, "a scan is fetched whole: it has no text, it did not fail"
    assert special["1"].text is None and special["1"].reason.startswith("unreadable PDF")
    assert special["3"].media_type == XLSX and special["3"].rows == 3 and "Données" in special["3"].text
    assert special["4"].media_type == DOCX and special["4"].declared_type == "application/octet-stream"
    assert special["4"].text.startswith("Dear requester, re FOI")
    formats = {}
    for row in rows.values():
        if row.status == 200 and row.text:
            formats.setdefault(row.media_type, row)
    assert {"application/pdf", "text/csv", XLSX, DOCX} <= set(formats)
    assert formats["text/csv"].rows and formats["text/csv"].text.startswith("Year\tCases\tSpend")


def test_the_blocked_moderngov_host_falls_back_to_its_web_service(archived):
    _, servers = archived
    moderngov = servers["herefordshire"][1].site
    rows = evidence_rows("herefordshire")
    blocked = [e for e in rows if e.status == 403]
    assert blocked and all(e.parsed == {"type": e.parsed["type"], "blocked": True} for e in blocked)
    meetings = [e for e in blocked if e.parsed["type"] == "meeting"]
    assert meetings
    for page in meetings:
        with session_factory()() as session:
            via = list(session.scalars(select(EvidenceLink).where(EvidenceLink.via == page.key)))
        service = [link for link in via if link.role == "webservice"]
        documents = [link for link in via if link.role == "linked"]
        assert service and documents, page.key
        by_id = {e.id: e for e in rows}
        answer = by_id[service[0].evidence_id]
        assert answer.status == 200 and answer.parsed["committee"] and answer.parsed["agenda_items"]
        for link in documents:
            document = by_id[link.evidence_id]
            served = moderngov.route("/mgConvert2PDF.aspx", {"ID": link.key.rsplit("=", 1)[-1]}).body
            assert document.sha256 == hashlib.sha256(served).hexdigest() and document.text


def test_cited_pages_are_fetched_once_and_the_committee_page_is_parsed(archived):
    _, servers = archived
    server, moderngov = servers["hastings"]
    [seed] = [r for r in catalogue("hastings") if r["case_ref"] == SEED]
    by_url = {e["url"]: e for e in seed["evidence"]}
    committee_url = "https://hastings.moderngov.co.uk/mgCommitteeDetails.aspx?ID=391"
    assert by_url["https://www.hastings.gov.uk/my-council/corp-plan/progress/"]["status"] == 200
    assert by_url[committee_url]["status"] == 200
    rows = {e.key: e for e in evidence_rows("hastings")}
    committee = rows[committee_url].parsed
    assert (committee["name"], len(committee["members"])) == ("Overview and Scrutiny Committee", 5)
    meetings = rows[committee["meetings_url"]].parsed
    assert [m["meeting_id"] for m in meetings["meetings"]] == ["39101", "39102", "39103", "39104"]
    assert by_url[committee["meetings_url"]]["via"] == committee_url
    # Each page once a crawl, however many answers cite it; only the council's and ModernGov's hosts.
    assert all(n == 1 for path, n in moderngov.site.hits.items() if path != "/robots.txt"), moderngov.site.hits
    hosts = {urlsplit(e.fetched_url).netloc for e in rows.values()}
    assert hosts <= {urlsplit(server.base_url).netloc, urlsplit(moderngov.base_url).netloc}
    gone = [e for e in rows.values() if e.key.endswith("/old-strategy-2015/")]
    assert all(e.status == 404 and e.reason == "HTTP 404" for e in gone)
    # Links in the request text are evidence too.
    asking = [r for r in server.site.dataset.listed() if "your page on this" in " ".join(r.request_html)]
    assert asking
    exported = {r["case_ref"]: r for r in catalogue("hastings")}
    for release in asking:
        cited = re.search(r'href="([^"]+)">your page on this', " ".join(release.request_html))[1]
        assert any(e["url"] == cited and e["status"] == 200 for e in exported[release.case_ref]["evidence"])
    # A meeting page: agenda items, its papers at depth 1, and GetMeeting as a second witness.
    meeting = next(e for e in rows.values() if e.parsed.get("type") == "meeting" and e.status == 200)
    assert meeting.parsed["agenda_items"] and meeting.parsed["documents"]
    for document in meeting.parsed["documents"]:
        assert rows[document["url"]].status == 200 and rows[document["url"]].media_type == "application/pdf"


def test_page_requisites_are_archived_once(archived):
    archive, servers = archived
    for council in ("hastings", "herefordshire"):
        server = servers[council][0]
        for path in ("/css/site.css", "/js/site.js", "/images/header-bg.png", "/assets/images/govuk-crest.png"):
            assert server.site.hits[path] == 1, (council, path)
    uris = [r["uri"] for r in warc_records(archive) if r["type"] == "response" and r["uri"].endswith("/css/site.css")]
    assert len(uris) == 2


def test_verify_catches_a_flipped_byte_in_a_document(archived, capsys):
    archive, _ = archived
    assert main(["verify"]) == 0
    assert "documents and cited pages checked" in capsys.readouterr().out
    document = next(e for e in evidence_rows("herefordshire") if e.kind == "document" and e.media_type == DOCX)
    # One byte of the document's body flipped inside its record (the record's gzip member rewritten).
    path = archive / "warc" / document.warc_file
    data = path.read_bytes()
    start, end = document.warc_offset, document.warc_offset + document.warc_length
    raw = bytearray(gzip.decompress(data[start:end]))
    raw[-10] ^= 0x01
    path.write_bytes(data[:start] + gzip.compress(bytes(raw)) + data[end:])
    assert main(["verify", "--council", "herefordshire"]) == 1
    out = capsys.readouterr().out
    # (The rewritten member's length moved the records after it too: those are reported as well.)
    [line] = [line for line in out.splitlines() if line.startswith("MISMATCH") and document.url in line]
    assert "sha256 of the archived body" in line and "payload digest does not match" in line


def test_reindex_rebuilds_the_evidence(archived, capsys):
    def snapshot():
        with session_factory()() as session:
            evidence = [(e.council, e.key, e.status, e.sha256, e.size, e.media_type, e.text, e.parsed, e.reason,
                         e.warc_file, e.warc_offset, e.first_fetched_at) for e in session.scalars(select(Evidence))]  # fmt: skip
            links = [(link.key, link.role, link.via, link.version.release.case_ref, link.evidence.sha256 if link.evidence else None)
                     for link in session.scalars(select(EvidenceLink))]  # fmt: skip
        return sorted(map(repr, evidence)), sorted(map(repr, links))

    before = snapshot()
    exported = catalogue()
    assert len(before[0]) > 40
    assert main(["reindex"]) == 0
    assert "documents and cited pages" in capsys.readouterr().out
    assert snapshot() == before
    assert catalogue() == exported


def test_pywb_replays_a_cited_page_and_the_wacz_holds_the_documents(archived, tmp_path):
    archive, _ = archived
    cited = next(e for e in evidence_rows("hastings") if e.key.endswith("/corp-plan/progress/"))
    with session_factory()() as session:
        root = prepare_pywb(session, archive / "warc", archive / "index", tmp_path / "pywb")
    listener = listen(0)
    port = listener.getsockname()[1]
    server = start_server(root, listener)
    try:
        stamp = cited.first_fetched_at.strftime("%Y%m%d%H%M%S")
        body = None
        for _ in range(100):
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/foicrawl/{stamp}id_/{cited.fetched_url}", timeout=5).read()
                break
            except OSError:
                time.sleep(0.2)
        assert body is not None and hashlib.sha256(body).hexdigest() == cited.sha256
    finally:
        stop_server(server)

    out = tmp_path / "archive.wacz"
    assert main(["export", "--format", "wacz", "-o", str(out)]) == 0
    documents = [e for e in evidence_rows() if e.kind == "document" and e.status == 200]
    with zipfile.ZipFile(out) as package:
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").decode().splitlines()[1:]]
        index = b"".join(gzip.decompress(package.read(n)) if n.endswith(".gz") else package.read(n)
                         for n in package.namelist() if n.startswith("indexes/")).decode("utf-8", "replace")  # fmt: skip
    listed = {p["url"] for p in pages}
    assert {e.fetched_url for e in documents} <= listed
    assert all(e.fetched_url in index for e in documents), "the WACZ's index lists every document"


def test_foicrawl_evidence_lists_what_a_release_points_to(archived, capsys):
    assert main(["evidence", SEED, "--council", "hastings"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"hastings {SEED} version 1 of 1: 3 documents and cited pages")
    assert "[cited] https://hastings.moderngov.co.uk/mgCommitteeDetails.aspx?ID=391" in out
    assert "found on   https://hastings.moderngov.co.uk/mgCommitteeDetails.aspx?ID=391" in out
    assert main(["evidence", SEED, "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    committee = next(r for r in rows if r["url"].endswith("ID=391"))
    [record] = [r for r in evidence_rows("hastings") if r.key == committee["key"]]
    assert (committee["sha256"], committee["warc_file"], committee["warc_offset"]) == (
        record.sha256, record.warc_file, record.warc_offset)
    assert main(["evidence", "FOIR-000000000"]) == 1
    assert "no release FOIR-000000000" in capsys.readouterr().err
