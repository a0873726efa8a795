"""Documents that real disclosure logs serve and a crawler must survive: a scan with no text layer, a
PDF cut short on the server, one larger than the crawl's size cap, a workbook whose
Content-Disposition carries its UTF-8 name as raw bytes, a Word file served as
application/octet-stream, and one listed on the release but gone (404). All on one release."""

from __future__ import annotations

from dataclasses import dataclass

from foicrawl.replica import documents
from foicrawl.replica.dataset import ReplicaDocument, ReplicaRelease

LARGE_SIZE = 1_500_000  # over the cap the tests and the demo set (1 MB), under the default (50 MB)
RAW_NAME = "Réponse – données 2022.xlsx"


@dataclass
class ServedDocument(ReplicaDocument):
    status: int = 200
    raw_utf8_name: bool = False  # Content-Disposition: filename="<UTF-8 bytes>", as some servers send


def special_documents(release: ReplicaRelease) -> list[ServedDocument]:
    whole = documents.pdf([["Appendix B: breakdown by ward", "Ward A 12", "Ward B 9"], ["Ward C 4"]])
    base = release.uid[:8]
    made = [
        ("Scanned response letter.pdf", "pdf", documents.scanned_pdf(), {}),
        ("Appendix B - breakdown by ward.pdf", "pdf", whole[: len(whole) // 2], {}),
        ("Full dataset 2019-2024.pdf", "pdf", documents.noisy_pdf(LARGE_SIZE, "Full dataset 2019-2024"), {}),
        (RAW_NAME, "xlsx", documents.xlsx({"Données": [["Année", "Demandes"], [2021, 312], [2022, 340]]}),
         {"raw_utf8_name": True}),
        ("Covering letter.docx", "docx", documents.docx([f"Dear requester, re {release.case_ref}.",
                                                         "Please find our response attached."]), {}),
        ("Annex C.pdf", "pdf", b"", {"status": 404}),
    ]  # fmt: skip
    return [ServedDocument(uid=f"{base}-special-{n}", title=title, fmt=fmt, content=content, **extra)
            for n, (title, fmt, content, extra) in enumerate(made)]  # fmt: skip


def add_special_documents(releases: list[ReplicaRelease]) -> ReplicaRelease | None:
    """Attach them to the newest generated release (not the real seed). Returns that release."""
    generated = [r for r in releases[1:] if r.case_ref]
    if not generated:
        return None
    newest = max(generated, key=lambda r: (r.listed_on, r.uid))
    newest.documents = [*newest.documents, *special_documents(newest)]
    return newest
