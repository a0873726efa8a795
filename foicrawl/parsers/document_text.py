"""A document's type and text, from its bytes: the one text extractor every stage uses.

Pure: bytes and the media type the server declared in, a `DocumentText` out; no I/O, no network.

    result = extract_text(body, "application/pdf", name="answer.pdf")
    result.media_type   # sniffed from the bytes ("application/pdf"), else the declared one
    result.text         # the text, or None when there is none
    result.reason       # why there is no text (or why it is partial), else None
    result.pages        # PDF pages; result.rows: spreadsheet/CSV rows

Formats with text: PDF (pypdf), DOCX, XLSX, ODT, ODS (their XML read directly: they are zip files of
XML, and the text is a few elements deep), CSV (rows, tab-separated), plain text, HTML. A PDF without a
text layer (a scan) has `text=None, reason="no text layer"`; OCR is not done. Bytes that do not hold
what they claim (truncated, corrupt, encrypted) give a reason, never an exception. Zip members and
text are read under caps, so a zip bomb or a huge sheet costs bounded memory.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from lxml import etree

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
CSV = "text/csv"
PLAIN = "text/plain"
HTML = "text/html"
ZIP = "application/zip"
OLE = "application/x-ole-storage"  # legacy .doc/.xls: recognised, no text read
OCTET = "application/octet-stream"

MAX_TEXT_CHARS = 2_000_000  # text kept per document; the rest is cut (reason says so)
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # one zip member, decompressed
MAX_PDF_PAGES = 2000
MAX_CELLS_REPEATED = 1000  # ODS repeats empty cells/rows millions of times to fill a sheet

# pypdf logs a warning for every quirk of a real-world PDF; the reason field says what matters.
logging.getLogger("pypdf").setLevel(logging.ERROR)

_EXTENSIONS = {
    ".pdf": PDF, ".docx": DOCX, ".xlsx": XLSX, ".pptx": PPTX, ".odt": ODT, ".ods": ODS,
    ".csv": CSV, ".txt": PLAIN, ".htm": HTML, ".html": HTML, ".zip": ZIP,
    ".doc": "application/msword", ".xls": "application/vnd.ms-excel",
    ".rtf": "application/rtf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".gif": "image/gif", ".tif": "image/tiff", ".tiff": "image/tiff",
}  # fmt: skip
_MAGIC = [
    (b"%PDF-", PDF),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"{\\rtf", "application/rtf"),
]
_NO_TEXT_REASONS = ("no text", "empty", "image (no OCR)")
_SPACES = re.compile(r"[ \r\f\v\u00a0]+")  # tabs stay: they separate cells
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")


@dataclass(frozen=True)
class DocumentText:
    media_type: str | None
    text: str | None = None
    reason: str | None = None
    pages: int | None = None
    rows: int | None = None

    @property
    def text_chars(self) -> int:
        return len(self.text) if self.text else 0

    @property
    def unreadable(self) -> bool:
        """The bytes do not hold a readable document of their type (corrupt, cut short,
        encrypted), as opposed to a readable one without text (a scan, an image, an empty file)."""
        return self.text is None and self.reason is not None and not self.reason.startswith(_NO_TEXT_REASONS)


def declared_type(content_type: str | bytes | None) -> str | None:
    """`text/csv; charset=utf-8` -> `text/csv`; None for nothing."""
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    value = (content_type or "").split(";")[0].strip().lower()
    return value or None


def _charset(content_type: str | bytes | None) -> str | None:
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    match = re.search(r"charset=\"?([\w.:-]+)", content_type or "", re.I)
    return match[1] if match else None


def sniff_media_type(body: bytes, declared: str | bytes | None = None, name: str | None = None) -> str | None:
    """What the bytes are: magic numbers first (and a zip's own manifest), then the declared type,
    then the file name's extension. Servers often say application/octet-stream (or lie)."""
    head = body[:1024]
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return _legacy_office(declared, name) if media_type == OLE else media_type
    if head.startswith(b"%PDF") or b"%PDF-" in head:  # junk before the header is allowed by readers
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(body) or ZIP
    declared_media = declared_type(declared)
    by_name = _EXTENSIONS.get(PurePosixPath(name or "").suffix.lower())
    lower = start[:64].lower()
    if lower.startswith((b"<!doctype html", b"<html")):
        return HTML
    if declared_media and declared_media not in (OCTET, "binary/octet-stream", "application/force-download"):
        return declared_media
    if by_name:
        return by_name
    if _looks_like_text(head):
        return PLAIN
    return declared_media


def _legacy_office(declared, name) -> str:
    by_name = _EXTENSIONS.get(PurePosixPath(name or "").suffix.lower())
    for candidate in (declared_type(declared), by_name):
        if candidate in ("application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"):
            return candidate
    return OLE


def _zip_type(body: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = _read_member(archive, "mimetype", 200).decode("ascii", "replace").strip()
                if mimetype.startswith("application/vnd.oasis.opendocument"):
                    return mimetype
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
            if "ppt/presentation.xml" in names:
                return PPTX
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
        return None
    return ZIP


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as error:  # a multibyte character cut by the 1 KB window is fine
        return error.start >= len(head) - 3


def extract_text(
    body: bytes,
    declared: str | bytes | None = None,
    *,
    name: str | None = None,
    truncated: bool = False,
    max_chars: int = MAX_TEXT_CHARS,
) -> DocumentText:
    """The text of a document. `declared` is the response's Content-Type (parameters allowed);
    `name` the file name (Content-Disposition or URL path) for when neither says; `truncated` that the
    body was cut at the size cap (then text is not attempted for formats that need the whole file)."""
    media_type = sniff_media_type(body, declared, name)
    if not body:
        return DocumentText(media_type, reason="empty")
    reader = _READERS.get(media_type or "")
    if reader is None:
        if media_type and media_type.startswith("image/"):
            return DocumentText(media_type, reason="image (no OCR)")
        return DocumentText(media_type, reason=f"no text reader for {media_type or 'unknown type'}")
    if truncated and media_type not in (PLAIN, CSV, HTML):
        return DocumentText(media_type, reason="truncated at the size cap")
    try:
        result = reader(body, _charset(declared))
    except _Unreadable as error:
        return DocumentText(media_type, reason=str(error))
    except Exception as error:  # a library choking on hostile bytes must not stop a crawl
        return DocumentText(media_type, reason=f"unreadable {_short(media_type)}: {type(error).__name__}: {error}"[:300])
    text = _tidy(result.get("text") or "")
    reasons = [result["reason"]] if result.get("reason") else []
    if truncated:
        reasons.append("truncated at the size cap")
    if len(text) > max_chars:
        text = text[:max_chars]
        reasons.append(f"text cut at {max_chars} characters")
    if not text and not reasons:
        reasons.append("no text layer" if media_type == PDF else "no text")
    return DocumentText(
        media_type,
        text=text or None,
        reason="; ".join(reasons) or None,
        pages=result.get("pages"),
        rows=result.get("rows"),
    )


class _Unreadable(Exception):
    """The bytes are not a readable document of their type; the message is the reason."""


def _short(media_type: str | None) -> str:
    return {PDF: "PDF", DOCX: "DOCX", XLSX: "XLSX", ODT: "ODT", ODS: "ODS", CSV: "CSV"}.get(media_type or "", "document")


def _tidy(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip(" ").rstrip("\t ") for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


# --- PDF ------------------------------------------------------------------------------------------


def _pdf(body: bytes, _charset) -> dict:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(body), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):  # an owner password alone still allows reading
            raise _Unreadable("encrypted PDF")
        pages = len(reader.pages)
    except FileNotDecryptedError as error:
        raise _Unreadable("encrypted PDF") from error
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError, AttributeError, OSError) as error:
        raise _Unreadable(f"unreadable PDF: {error}"[:300]) from error
    texts, failed = [], 0
    for page in list(reader.pages)[:MAX_PDF_PAGES]:
        try:
            texts.append(page.extract_text() or "")
        except Exception:  # one bad page (a broken font, a cut stream) keeps the others
            failed += 1
    reasons = []
    if failed:
        reasons.append(f"text of {failed} of {pages} pages unreadable")
    if pages > MAX_PDF_PAGES:
        reasons.append(f"text of the first {MAX_PDF_PAGES} of {pages} pages")
    text = "\n\n".join(t.strip() for t in texts if t.strip())
    if not text and not failed:
        reasons.append("no text layer")
    return {"text": text, "pages": pages, "reason": "; ".join(reasons) or None}


# --- Zip-of-XML formats ---------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"

_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _read_member(archive: zipfile.ZipFile, member: str, cap: int = MAX_MEMBER_BYTES) -> bytes:
    with archive.open(member) as stream:
        data = stream.read(cap + 1)
    if len(data) > cap:
        raise _Unreadable(f"{member} is larger than {cap} bytes unpacked")
    return data


def _xml(archive: zipfile.ZipFile, member: str):
    try:
        return etree.fromstring(_read_member(archive, member), _XML_PARSER)
    except KeyError as error:
        raise _Unreadable(f"missing {member}") from error
    except etree.XMLSyntaxError as error:
        raise _Unreadable(f"broken XML in {member}: {error}"[:300]) from error


def _open_zip(body: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(body))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise _Unreadable(f"not a readable zip file: {error}") from error


def _docx(body: bytes, _charset) -> dict:
    with _open_zip(body) as archive:
        root = _xml(archive, "word/document.xml")
    paragraphs = []
    for paragraph in root.iter(f"{W}p"):
        parts = []
        for el in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
            parts.append(el.text or "" if el.tag == f"{W}t" else "\t" if el.tag == f"{W}tab" else "\n")
        paragraphs.append("".join(parts))
    return {"text": "\n".join(paragraphs)}


def _column_number(cell_ref: str | None) -> int | None:
    letters = re.match(r"[A-Z]+", cell_ref or "")
    if not letters:
        return None
    number = 0
    for letter in letters[0]:
        number = number * 26 + ord(letter) - 64
    return number


def _xlsx(body: bytes, _charset) -> dict:
    with _open_zip(body) as archive:
        names = set(archive.namelist())
        shared = []
        if "xl/sharedStrings.xml" in names:
            for item in _xml(archive, "xl/sharedStrings.xml").iter(f"{S}si"):
                shared.append("".join(t.text or "" for t in item.iter(f"{S}t")))
        lines, rows = [], 0
        for title, member in _sheets(archive, names):
            lines.append(f"# {title}")
            for row in _xml(archive, member).iter(f"{S}row"):
                cells: dict[int, str] = {}
                for position, cell in enumerate(row.iter(f"{S}c"), start=1):
                    column = _column_number(cell.get("r")) or position
                    cells[column] = _cell_value(cell, shared)
                values = [cells.get(i, "") for i in range(1, max(cells, default=0) + 1)]
                if any(v.strip() for v in values):
                    rows += 1
                    lines.append("\t".join(values).rstrip("\t"))
    return {"text": "\n".join(lines), "rows": rows}


def _sheets(archive: zipfile.ZipFile, names: set[str]) -> list[tuple[str, str]]:
    """(sheet name, member) in workbook order, through the workbook's relationships."""
    workbook = _xml(archive, "xl/workbook.xml")
    targets = {}
    if "xl/_rels/workbook.xml.rels" in names:
        for rel in _xml(archive, "xl/_rels/workbook.xml.rels").iter(f"{PR}Relationship"):
            target = rel.get("Target", "")
            targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    sheets = []
    for number, sheet in enumerate(workbook.iter(f"{S}sheet"), start=1):
        member = targets.get(sheet.get(f"{R}id")) or f"xl/worksheets/sheet{number}.xml"
        if member in names:
            sheets.append((sheet.get("name") or f"Sheet{number}", member))
    return sheets


def _cell_value(cell, shared: list[str]) -> str:
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{S}t"))
    value = cell.find(f"{S}v")
    text = value.text if value is not None and value.text else ""
    if kind == "s":
        try:
            return shared[int(text)]
        except (ValueError, IndexError):
            return ""
    if kind == "b":
        return "TRUE" if text == "1" else "FALSE"
    return text


def _odf_text(el) -> str:
    """An ODF paragraph's text: <text:s/> is spaces, <text:tab/> a tab, <text:line-break/> a newline."""
    parts = [el.text or ""]
    for child in el:
        if child.tag == f"{TEXT}s":
            parts.append(" " * min(int(child.get(f"{TEXT}c", "1") or 1), 100))
        elif child.tag == f"{TEXT}tab":
            parts.append("\t")
        elif child.tag == f"{TEXT}line-break":
            parts.append("\n")
        elif child.tag not in (f"{TEXT}note",):
            parts.append(_odf_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _odt(body: bytes, _charset) -> dict:
    with _open_zip(body) as archive:
        root = _xml(archive, "content.xml")
    paragraphs = [_odf_text(el) for el in root.iter(f"{TEXT}p", f"{TEXT}h")]
    return {"text": "\n".join(paragraphs)}


def _ods(body: bytes, _charset) -> dict:
    with _open_zip(body) as archive:
        root = _xml(archive, "content.xml")
    lines, rows = [], 0
    for table in root.iter(f"{TABLE}table"):
        lines.append(f"# {table.get(f'{TABLE}name') or ''}".rstrip())
        for row in table.iter(f"{TABLE}table-row"):
            values = []
            for cell in row:
                if cell.tag not in (f"{TABLE}table-cell", f"{TABLE}covered-table-cell"):
                    continue
                value = "\n".join(_odf_text(p) for p in cell.iter(f"{TEXT}p"))
                repeat = min(int(cell.get(f"{TABLE}number-columns-repeated", "1") or 1), MAX_CELLS_REPEATED)
                values.extend([value] * repeat)
            while values and not values[-1].strip():
                values.pop()
            if values:
                repeat = min(int(row.get(f"{TABLE}number-rows-repeated", "1") or 1), MAX_CELLS_REPEATED)
                rows += repeat
                lines.extend(["\t".join(values)] * repeat)
    return {"text": "\n".join(lines), "rows": rows}


# --- Text formats ---------------------------------------------------------------------------------


def _decode(body: bytes, charset: str | None) -> str:
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", "replace")
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return body.decode("utf-16", "replace")
    for encoding in (charset, "utf-8"):
        if not encoding:
            continue
        try:
            return body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("cp1252", "replace")


def _plain(body: bytes, charset) -> dict:
    return {"text": _decode(body, charset)}


def _csv(body: bytes, charset) -> dict:
    text = _decode(body, charset)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    lines, rows = [], 0
    for row in csv.reader(io.StringIO(text, newline=""), dialect):
        if any(cell.strip() for cell in row):
            rows += 1
            lines.append("\t".join(cell.replace("\n", " ") for cell in row))
    return {"text": "\n".join(lines), "rows": rows}


def _html(body: bytes, charset) -> dict:
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(body)
    except (etree.ParserError, ValueError) as error:
        raise _Unreadable(f"unreadable HTML: {error}") from error
    for el in list(root.iter("script", "style", "noscript", "template")):
        el.drop_tree()
    return {"text": root.text_content()}


_READERS = {PDF: _pdf, DOCX: _docx, XLSX: _xlsx, ODT: _odt, ODS: _ods, CSV: _csv, PLAIN: _plain, HTML: _html}
