"""`foicrawl export --format wacz`: the archive packaged as one WACZ file (WARCs, index, pages list)
that ReplayWeb.page and pywb open. The packaging is py-wacz's own (`wacz create`), from the archive
tools' environment, so the file is what the format's authors' tool makes (with 304 answers left out
of its index: see wacz_create.py)."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from foicrawl.catalogue.evidence import has_evidence
from foicrawl.catalogue.models import Evidence, Release, ReleaseVersion
from foicrawl.errors import FoicrawlError
from foicrawl.provenance.extract import RecordError, read_capture
from foicrawl.provenance.reindex import warcinfo
from foicrawl.provenance.tools import tool


class WaczError(FoicrawlError):
    pass


def page_text(version: ReleaseVersion) -> str:
    """What ReplayWeb.page's text search reads for a page: the release's title, request, response
    and documents, as the catalogue holds them."""
    documents = "\n".join(d.get("title") or "" for d in version.documents or [] if isinstance(d, dict))
    parts = (version.title, version.request_text, version.response_text, documents)
    return "\n\n".join(p for p in parts if p)


def pages_jsonl(session: Session, council: str | None = None) -> list[dict]:
    """One page per release version (its URL, capture time, title and text, for ReplayWeb.page's text
    search), then one per document and cited page fetched, so a WACZ reader lists the evidence too."""
    query = select(ReleaseVersion).join(Release).options(selectinload(ReleaseVersion.release))
    if council:
        query = query.where(Release.council == council)
    pages = [{"format": "json-pages-1.0", "id": "pages", "title": "foicrawl releases"}]
    for v in session.scalars(query.order_by(Release.council, Release.case_ref, ReleaseVersion.version)):
        if v.fetched_at is None:
            continue
        pages.append({
            "id": f"{v.release.council}:{v.release.case_ref}:v{v.version}",
            "url": v.url,
            "ts": v.fetched_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "title": f"{v.release.case_ref} {v.title}",
            "text": page_text(v),
        })  # fmt: skip
    evidence = select(Evidence).where(Evidence.status == 200, Evidence.warc_file.is_not(None)).order_by(Evidence.id)
    for e in session.scalars(evidence.where(Evidence.council == council) if council else evidence) if has_evidence(session) else []:
        pages.append({
            "id": f"{e.council}:evidence:{e.id}",
            "url": e.fetched_url or e.url,
            "ts": e.first_fetched_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "title": f"{e.kind}: {e.url}",
        })  # fmt: skip
    return pages


def council_of(path: Path) -> str | None:
    """The council whose crawl wrote a WARC file, from the file's own warcinfo record."""
    try:
        first = read_capture(path.parent, path.name, 0)
    except RecordError:
        return None
    return warcinfo(first).get("foicrawl-spider") if first.record_type == "warcinfo" else None


def write_wacz(session: Session, warc_dir: Path, output: Path, council: str | None = None) -> int:
    """Package the WARC files (every one, or only those of `council`'s crawls: a crawl writes one
    council's records only) with the pages list. Returns the number of pages listed."""
    warcs = sorted(warc_dir.glob("*.warc.gz"))
    if council:
        warcs = [path for path in warcs if council_of(path) == council]
    if not warcs:
        raise WaczError(f"no WARC files{f' of {council}' if council else ''} in {warc_dir}: crawl something first")
    pages = pages_jsonl(session, council)
    with tempfile.TemporaryDirectory() as scratch:
        pages_file = Path(scratch) / "pages.jsonl"
        pages_file.write_text("".join(json.dumps(p) + "\n" for p in pages), encoding="utf-8")
        command = [str(Path(tool("wacz")).with_name("python")), "-I", str(Path(__file__).with_name("wacz_create.py")), "create", "-o", str(output), "-p", str(pages_file), "--title", "foicrawl archive",
                   "--desc", "FOI disclosure-log releases archived by foicrawl", *map(str, warcs)]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise WaczError(f"wacz create failed: {result.stdout[-2000:]}{result.stderr[-2000:]}")
    return len(pages) - 1
