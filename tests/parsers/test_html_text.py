import pytest

from foicrawl.parsers.html_text import block_text, labelled_value, links_in, parse_html, section_after


def body(html: str):
    return parse_html(f"<html><body>{html}</body></html>").find("body")


@pytest.mark.parametrize(
    "html",
    [
        "<p>Case reference <strong>FOI2022/00092</strong></p>",
        "<dl><dt>Case reference</dt><dd>FOI2022/00092</dd></dl>",
        "<table><tr><th>Case reference:</th><td> FOI2022/00092 </td></tr></table>",
        "<div><span>Case reference</span>: FOI2022/00092</div>",
        "<p><b>Case reference</b> FOI2022/00092</p>",
    ],
)
def test_labelled_value_in_several_markups(html):
    assert labelled_value(body(html), "Case reference") == "FOI2022/00092"


def test_labelled_value_does_not_take_a_longer_word():
    root = body("<p>Requested Tue 25 January 2022</p><p>Request text</p>")
    assert labelled_value(root, "Request") == "text"
    assert labelled_value(root, "Requested") == "Tue 25 January 2022"
    assert labelled_value(root, "Published") is None


def test_block_text_paragraphs_lists_breaks_tables():
    root = body(
        "<div><p>Intro  text\n over lines.</p><ol><li>One</li><li>Two<br>more</li></ol>"
        "<ul><li>x</li></ul><table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>"
        "<script>var x=1;</script><p>End</p></div>"
    )
    assert block_text([root]) == "Intro text over lines.\n\n1. One\n2. Two\nmore\n\n- x\n\nA | B\n1 | 2\n\nEnd"


def test_section_after_stops_at_next_heading_of_same_level():
    root = body("<h2>Request</h2><p>Q</p><h3>Detail</h3><p>D</p><h2>Response</h2><p>A</p>")
    assert block_text(section_after(root, "Request")) == "Q\n\nDetail\n\nD"
    assert block_text(section_after(root, "response")) == "A"
    assert section_after(root, "Documents") is None


def test_section_after_a_wrapped_heading():
    root = body("<section><div><h2>Request</h2></div><div>Q</div></section><section><div><h2>Response</h2></div><p>A</p></section>")
    assert block_text(section_after(root, "Request")) == "Q"


def test_links_are_absolute_and_skip_fragments_and_mail():
    root = body('<p><a href="/a?x=1&amp;y=2">A</a> <a href="#top">top</a> <a href="mailto:x@y">m</a></p>')
    assert links_in([root], "https://example.org/page") == [{"url": "https://example.org/a?x=1&y=2", "text": "A"}]


@pytest.mark.parametrize("declaration", ['<?xml version="1.0" encoding="UTF-8"?>\n', "  <?XML version='1.0' encoding='iso-8859-1' ?>"])
def test_an_xhtml_page_with_an_xml_declaration_parses_as_text(declaration):
    page = (declaration + '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x.dtd">'
            '<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>Réponse</h1></body></html>')  # fmt: skip
    assert parse_html(page).find(".//h1").text == "Réponse"
    assert parse_html(page.encode("utf-8")).find(".//h1") is not None
