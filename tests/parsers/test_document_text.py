"""Text from documents in every format that has it: two producers per format (a real program's
output saved in tests/fixtures/documents, and the replica's hand-built files), and the failures."""

from pathlib import Path

import pytest

from foicrawl.parsers.document_text import DOCX, ODT, PDF, XLSX, declared_type, extract_text, sniff_media_type
from foicrawl.replica import documents as made

FIXTURES = Path(__file__).parent.parent / "fixtures" / "documents"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_pdf_from_chromium_has_its_text_and_pages():
    result = extract_text(fixture("chromium_answer.pdf"), "application/octet-stream")
    assert result.media_type == PDF
    assert result.pages == 2
    assert "Response to FOI2022/00092" in result.text
    assert "Q2 2021/22" in result.text and "44" in result.text
    assert "Café £12,500 — exemptions under Section 43" in result.text
    assert result.reason is None
    assert result.text_chars == len(result.text)


def test_pdf_built_by_hand_has_its_text():
    body = made.pdf([["Response to FOIR-395819655", "Café £3 (approx)"], ["Page two \\ done"]])
    result = extract_text(body, "application/pdf")
    assert (result.media_type, result.pages, result.reason) == (PDF, 2, None)
    assert result.text.splitlines()[:2] == ["Response to FOIR-395819655", "Café £3 (approx)"]
    assert "Page two \\ done" in result.text


def test_scanned_pdf_has_no_text_layer():
    result = extract_text(made.scanned_pdf(), "application/pdf")
    assert (result.media_type, result.text, result.reason, result.pages) == (PDF, None, "no text layer", 1)


def test_truncated_and_corrupt_pdfs_give_a_reason_not_an_exception():
    whole = made.pdf([["one"], ["two"]])
    cut = extract_text(whole[: len(whole) // 2], "application/pdf")
    assert cut.media_type == PDF and cut.text is None and cut.reason
    marked = extract_text(whole[:100], "application/pdf", truncated=True)
    assert marked.reason == "truncated at the size cap" and marked.text is None
    garbage = extract_text(b"%PDF-1.7\n" + bytes(range(256)) * 20, None)
    assert garbage.media_type == PDF and garbage.text is None and garbage.reason


def test_docx_from_python_docx_and_by_hand():
    real = extract_text(fixture("python-docx_answer.docx"), "application/octet-stream", name="x.bin")
    assert real.media_type == DOCX
    lines = real.text.splitlines()
    assert lines[0] == "Response to FOIR-395819655"
    assert "Homes delivered" in lines and "312" in lines
    assert "Café costs: £1,200 — Section 21 applies." in lines
    hand = extract_text(made.docx(["First & foremost", "Second <para>"]), DOCX)
    assert hand.text == "First & foremost\nSecond <para>"


def test_xlsx_rows_from_openpyxl_and_by_hand():
    real = extract_text(fixture("openpyxl_spend.xlsx"), XLSX)
    assert real.media_type == XLSX
    assert real.rows == 5
    assert real.text.splitlines() == [
        "# Spend", "Supplier\tAmount\tDate", "Acme Ltd\t1250.5\t44586", "Café Nero\t99",
        "\t\t\t\tnote far right", "# Notes", "Figures exclude VAT",
    ]  # fmt: skip
    hand = extract_text(made.xlsx({"Log": [["Ref", "Days"], ["FOI-1", 12], [None, "gap"]]}), None, name="a.xlsx")
    assert (hand.media_type, hand.rows) == (XLSX, 3)
    assert hand.text.splitlines() == ["# Log", "Ref\tDays", "FOI-1\t12", "\tgap"]


def test_odt_and_csv():
    odt = extract_text(fixture("odfpy_answer.odt"), None)
    assert odt.media_type == ODT
    assert odt.text == "Response to EIR2022/00011\nAir quality readings are published monthly."
    table = extract_text(fixture("council_log.csv"), "text/csv; charset=utf-8")
    assert (table.media_type, table.rows) == ("text/csv", 3)
    assert table.text.splitlines()[1] == "FOI2022/00092\tPerformance, reporting\t08/02/2022"
    latin = extract_text("Caf\u00e9,1\n".encode("cp1252"), "text/csv")
    assert latin.text == "Café\t1"


def test_media_type_is_sniffed_from_bytes_over_a_wrong_declaration():
    assert sniff_media_type(made.pdf([["x"]]), "text/html") == PDF
    assert sniff_media_type(made.docx(["x"]), "application/zip") == DOCX
    assert sniff_media_type(b"\x89PNG\r\n\x1a\n....", None) == "image/png"
    assert sniff_media_type(b"hello", "application/octet-stream", "notes.csv") == "text/csv"
    assert sniff_media_type(b"\x00\x01binary", None) is None
    assert declared_type("Text/CSV; charset=utf-8") == "text/csv"
    image = extract_text(b"\xff\xd8\xff\xe0....", "image/jpeg")
    assert (image.text, image.reason) == (None, "image (no OCR)")


def test_broken_zips_and_bombs_are_reasons():
    broken = extract_text(b"PK\x03\x04" + b"\x00" * 50, DOCX)
    assert broken.text is None and broken.reason
    import io
    import zipfile

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<" + b" " * (70 * 1024 * 1024))
    result = extract_text(bomb.getvalue(), DOCX)
    assert result.text is None and "larger than" in result.reason


@pytest.mark.parametrize("body", [b"", b"   "])
def test_empty_documents(body):
    result = extract_text(body, "text/plain")
    assert result.text is None and result.reason in ("empty", "no text")


def test_html_and_text_cut_at_the_cap():
    result = extract_text(b"<html><script>x()</script><p>Hello</p></html>", "text/html")
    assert result.text == "Hello"
    long = extract_text(b"a" * 50, "text/plain", max_chars=10)
    assert long.text == "a" * 10 and long.reason == "text cut at 10 characters"
