"""Real-format documents for the replica: PDFs with a text layer, a scanned PDF (an image, no text),
DOCX and XLSX, built by hand with the standard library so the replica needs no document library.

These are valid files that other readers open (pypdf, LibreOffice, Word), kept minimal: one
standard font (Helvetica, WinAnsi), Flate-compressed content, a correct cross-reference table.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from xml.sax.saxutils import escape


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _assemble_pdf(objects: list[bytes]) -> bytes:
    """Objects numbered from 1 in order; object 1 is the catalog."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    packed = zlib.compress(data)
    return b"<< /Length %d /Filter /FlateDecode%s >>\nstream\n" % (len(packed), extra) + packed + b"\nendstream"


def pdf(pages: list[list[str]], title: str = "") -> bytes:
    """A PDF with a text layer: each page a list of lines, set in 11 pt Helvetica."""
    page_count = len(pages)
    # 1 catalog, 2 pages, 3 font, 4 info, then per page: page object, content stream
    kids = b" ".join(b"%d 0 R" % (5 + 2 * i) for i in range(page_count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, page_count),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Title %s /Producer (foicrawl replica) >>" % _pdf_string(title),
    ]
    for i, lines in enumerate(pages):
        content = [b"BT /F1 11 Tf 14 TL 72 770 Td"]
        for line in lines:
            content.append(_pdf_string(line) + b" Tj T*")
        content.append(b"ET")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (6 + 2 * i)
        )
        objects.append(_stream(b"\n".join(content)))
    return _assemble_pdf(objects)


def scanned_pdf(width: int = 400, height: int = 120) -> bytes:
    """A PDF whose one page is a grey image with dark bars, as a scanner makes: no text layer."""
    rows = []
    for y in range(height):
        row = bytearray(b"\xf0" * width)
        if 20 <= y % 30 <= 26:  # "lines of text" as pixels
            for x in range(30, width - 30):
                if (x // 7) % 5:
                    row[x] = 0x20
        rows.append(bytes(row))
    image = _stream(
        b"".join(rows),
        b" /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8"
        % (width, height),
    )
    draw = b"q %d 0 0 %d 72 600 cm /Im1 Do Q" % (width, height)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>",
        image,
        _stream(draw),
    ]
    return _assemble_pdf(objects)


def _zip(members: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            info = zipfile.ZipInfo(name, date_time=(2022, 1, 1, 0, 0, 0))  # same bytes every time
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return out.getvalue()


_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def docx(paragraphs: list[str]) -> bytes:
    """A Word document: one paragraph per string."""
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{escape(p)}</w:t></w:r></w:p>' for p in paragraphs)
    return _zip(
        {
            "[Content_Types].xml": _XML
            + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
            "_rels/.rels": _XML
            + f'<Relationships xmlns="{_PKG_RELS}"><Relationship Id="rId1" Type="{_DOC_REL}" '
            'Target="word/document.xml"/></Relationships>',
            "word/document.xml": _XML
            + '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{body}</w:body></w:document>",
        }
    )


def _column(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    """A workbook: sheet name -> rows of cells (str as inline strings, numbers as numbers)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    members = {}
    sheet_list, sheet_rels, overrides = [], [], []
    for number, (name, rows) in enumerate(sheets.items(), start=1):
        xml_rows = []
        for r, row in enumerate(rows, start=1):
            cells = []
            for c, value in enumerate(row, start=1):
                ref = f"{_column(c)}{r}"
                if value is None:
                    continue
                if isinstance(value, int | float):
                    cells.append(f'<c r="{ref}"><v>{value}</v></c>')
                else:
                    cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
            xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
        members[f"xl/worksheets/sheet{number}.xml"] = (
            _XML + f'<worksheet xmlns="{main}"><sheetData>{"".join(xml_rows)}</sheetData></worksheet>'
        )
        sheet_list.append(f'<sheet name="{escape(name)}" sheetId="{number}" r:id="rId{number}"/>')
        sheet_rels.append(
            f'<Relationship Id="rId{number}" Type="{rel}/worksheet" Target="worksheets/sheet{number}.xml"/>'
        )
        overrides.append(
            f'<Override PartName="/xl/worksheets/sheet{number}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        )
    members["xl/workbook.xml"] = (
        _XML + f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>{"".join(sheet_list)}</sheets></workbook>'
    )
    members["xl/_rels/workbook.xml.rels"] = _XML + f'<Relationships xmlns="{_PKG_RELS}">{"".join(sheet_rels)}</Relationships>'
    members["_rels/.rels"] = (
        _XML + f'<Relationships xmlns="{_PKG_RELS}"><Relationship Id="rId1" Type="{_DOC_REL}" '
        'Target="xl/workbook.xml"/></Relationships>'
    )
    members["[Content_Types].xml"] = (
        _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' + "".join(overrides) + "</Types>"
    )
    return _zip(members)


def png(width: int = 120, height: int = 40) -> bytes:
    """A small valid PNG (a blue block with a lighter band): the council logo."""
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + (b"\x1d\x4f\x91" if 12 <= y < 28 else b"\x60\x90\xd0") * width for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def noisy_pdf(size: int, title: str = "Large dataset") -> bytes:
    """A valid PDF of about `size` bytes: one page of text, and an incompressible image that makes
    up the rest (for documents over the size cap)."""
    import random

    noise = random.Random(size).randbytes(size)
    side = int(len(noise) ** 0.5)
    image = (b"<< /Length %d /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
             b"/BitsPerComponent 8 >>\nstream\n" % (side * side, side, side)) + noise[: side * side] + b"\nendstream"
    content = _stream(b"BT /F1 11 Tf 72 770 Td " + _pdf_string(title) + b" Tj ET q 200 0 0 200 72 400 cm /Im1 Do Q")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> /XObject << /Im1 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        image,
        content,
    ]
    return _assemble_pdf(objects)
