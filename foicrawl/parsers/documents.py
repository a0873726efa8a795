"""Documents listed on a release: link, title, and the type and size the page shows beside it."""

from __future__ import annotations

import mimetypes
import re

from foicrawl.items import Document
from foicrawl.parsers.html_text import element_text, links_in, squash

FORMATS = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "zip": "application/zip",
    "txt": "text/plain",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
UNITS = {"b": 1, "bytes": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}
_FORMAT_AND_SIZE = re.compile(r"\(\s*([A-Za-z0-9]+)\s*,\s*([\d.,]+)\s*([KMG]?B|bytes)\s*\)", re.I)


def media_type_for(fmt: str | None, name: str) -> str | None:
    if fmt and fmt.lower() in FORMATS:
        return FORMATS[fmt.lower()]
    guessed, _ = mimetypes.guess_type(name)
    return guessed


def size_in_bytes(number: str, unit: str) -> int:
    return round(float(number.replace(",", "")) * UNITS[unit.lower()])


def _described_by(anchor) -> str:
    """The text of the row holding a link (its list item, table row or paragraph)."""
    for ancestor in anchor.iterancestors():
        if ancestor.tag in ("li", "tr", "p", "dd", "div"):
            return element_text(ancestor)
    return element_text(anchor)


def documents_in(elements, base_url: str) -> list[Document]:
    """Each link in a documents section, with "(PDF, 312 KB)" read from the text beside it."""
    documents = []
    for el in elements:
        if isinstance(el, str):
            continue
        for anchor in [el] if el.tag == "a" else el.iter("a"):
            found = links_in([anchor], base_url)
            if not found:
                continue
            title = found[0]["text"]
            beside = _described_by(anchor).replace(squash(title), "", 1)
            match = _FORMAT_AND_SIZE.search(beside)
            documents.append(
                Document(
                    url=found[0]["url"],
                    title=title,
                    media_type=media_type_for(match[1] if match else None, title or found[0]["url"]),
                    size=size_in_bytes(match[2], match[3]) if match else None,
                )
            )
    return documents
