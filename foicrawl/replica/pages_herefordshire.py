"""Pages of the hosted disclosure-log platform, as the replica renders them.

`standard` follows shared/sites/herefordshire; `alternate` is another plausible markup of the same
visible text (definition lists, wrapped headings, a table of documents), so parsers are tested on two.
"""

from __future__ import annotations

import re
from html import escape, unescape
from urllib.parse import quote

from foicrawl.replica.dataset import ReplicaRelease, long_date

_TAGS = re.compile(r"<[^>]+>")
COUNCIL_NAME = "Herefordshire Council"
SORT = "PUBLISHED_DATE_DESCENDING"
TRAILER = (
    "This is Herefordshire Council's response to a freedom of information (FOI) or environmental "
    "information regulations (EIR) request."
)
FORMAT_LABELS = {"pdf": "PDF", "xlsx": "XLSX", "docx": "DOCX", "csv": "CSV"}


def _page(title: str, main: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en" class="govuk-template">
<head><meta charset="utf-8"><title>{escape(title)}</title>
<link rel="stylesheet" href="/css/site.css"><script src="/js/site.js" defer></script></head>
<body class="govuk-template__body">
  <a href="#main-content" class="govuk-skip-link">Skip to main content</a>
  <header class="govuk-header" role="banner">
    <a href="https://www.herefordshire.gov.uk" class="govuk-header__link">{COUNCIL_NAME}</a>
    <a href="/" class="govuk-header__service-name">Freedom of information (FOI) releases</a>
  </header>
  <div class="govuk-width-container">
    <main class="govuk-main-wrapper" id="main-content" role="main">
{main}
    </main>
  </div>
  <footer class="govuk-footer" role="contentinfo"><a class="govuk-footer__link" href="/accessibility">Accessibility statement</a></footer>
</body>
</html>
"""


def document_path(release: ReplicaRelease, document) -> str:
    return f"/disclosures/{release.uid}/documents/{document.uid}"


def _size_label(size: int) -> str:
    return f"{max(1, round(size / 1024))} KB"


def release_page(release: ReplicaRelease, theme: str = "standard") -> str:
    request = "\n".join(release.request_html)
    response = "\n".join(release.response_html)
    ref = release.case_ref
    published = release.shown("published", long_date)
    if theme == "alternate":
        docs = "".join(
            f'<tr><td><a href="{document_path(release, d)}">{escape(d.title)}</a></td>'
            f"<td>({FORMAT_LABELS[d.fmt]}, {_size_label(len(d.content))})</td></tr>"
            for d in release.documents
        )
        docs_html = f"<table>{docs}</table>" if docs else "<p>There are no documents for this release.</p>"
        facts = (f"<dt>Case reference</dt><dd>{escape(ref)}</dd>" if ref else "") + (
            f"<dt>Published</dt><dd>{escape(published)}</dd>" if published else "")
        main = f"""<article class="disclosure">
  <div class="disclosure__head"><p class="caption">FOI release</p><h1>{escape(release.title)}</h1></div>
  <dl class="disclosure__facts">{facts}</dl>
  <section><div class="section-head"><h2>Request</h2></div><div class="text">{request}</div></section>
  <section><div class="section-head"><h2>Response</h2></div><div class="text">{response}</div></section>
  <section><div class="section-head"><h2>Documents</h2></div>{docs_html}</section>
  <p class="closing">{TRAILER} You can <a href="/disclosures">browse our other responses</a>.</p>
</article>"""
    else:
        docs = "".join(
            f'<li><a class="govuk-link" href="{document_path(release, d)}">{escape(d.title)}</a> '
            f"({FORMAT_LABELS[d.fmt]}, {_size_label(len(d.content))})</li>"
            for d in release.documents
        )
        docs_html = (f'<ul class="govuk-list">{docs}</ul>' if docs
                     else '<p class="govuk-body">There are no documents for this release.</p>')  # fmt: skip
        ref_line = f'<p class="govuk-body">Case reference <strong>{escape(ref)}</strong></p>' if ref else ""
        published_line = f'<p class="govuk-body">Published {escape(published)}</p>' if published else ""
        main = f"""      <span class="govuk-caption-l">FOI release</span>
      <h1 class="govuk-heading-xl">{escape(release.title)}</h1>
      {ref_line}
      {published_line}
      <h2 class="govuk-heading-l">Request</h2>
      <div class="govuk-body release-text">{request}</div>
      <h2 class="govuk-heading-l">Response</h2>
      <div class="govuk-body release-text">{response}</div>
      <h2 class="govuk-heading-l">Documents</h2>
      {docs_html}
      <div class="govuk-inset-text">{TRAILER}
        You can <a class="govuk-link" href="/disclosures">browse our other responses</a> or
        <a class="govuk-link" href="https://www.herefordshire.gov.uk/council/freedom-information-foi">make a new FOI request</a>.
      </div>"""
    if theme == "broken":  # a redesign that renamed the reference's label
        main = main.replace("Case reference", "Our ref")
    if theme == "renamed-label":  # a redesign that renamed one label: every page still parses, one field is lost
        main = main.replace("Published", "Release date")
    return _page(f"{release.title} - Freedom of information (FOI) releases - {COUNCIL_NAME}", main)


def listing_href(page: int) -> str:
    return f"/disclosures?page={page}&amp;sortType={SORT}"


def _summary(release: ReplicaRelease) -> str:
    """The listing shows the start of the request, cut at a word."""
    plain = " ".join(unescape(_TAGS.sub(" ", " ".join(release.request_html[:2]))).split())
    return escape(plain[:180].rsplit(" ", 1)[0] + " \u2026" if len(plain) > 180 else plain)


def listing_page(releases: list[ReplicaRelease], page: int, pages: int, total: int,
                 theme: str = "standard") -> str:  # fmt: skip
    heading = f"Freedom of information (FOI) releases from {COUNCIL_NAME}"
    next_link = (f'<div class="govuk-pagination__next"><a class="govuk-link" href="{listing_href(page + 1)}" '
                 f'rel="next">Next<span class="govuk-visually-hidden"> page</span></a></div>'
                 if page < pages else "")  # fmt: skip
    prev_link = (f'<div class="govuk-pagination__prev"><a class="govuk-link" href="{listing_href(page - 1)}" '
                 f'rel="prev">Previous</a></div>' if page > 1 else "")  # fmt: skip
    if theme == "alternate":
        rows = "".join(
            f'<div class="result"><h3><a href="/disclosures/{quote(r.uid)}">{_summary(r)}</a></h3>'
            f"<span>Published:</span> <span>{escape(r.shown('published', long_date))}</span></div>"
            for r in releases
        )
        items = f'<div class="results">{rows}</div>'
    else:
        rows = "".join(
            f'<li><a class="govuk-link" href="/disclosures/{quote(r.uid)}">{_summary(r)}</a>'
            f'<p class="govuk-body-s">Published: {escape(r.shown("published", long_date))}</p></li>'
            for r in releases
        )
        items = f'<ol class="govuk-list govuk-list--number disclosure-list">{rows}</ol>'
    main = f"""      <h1 class="govuk-heading-xl">{heading}</h1>
      <form method="get" action="/disclosures"><label for="keywords">Keywords</label><input id="keywords" name="keywords">
        <input type="hidden" name="sortType" value="{SORT}"><button type="submit">Apply filters</button></form>
      <p class="govuk-body"><strong>{total:,}</strong> disclosures</p>
      {items}
      <nav class="govuk-pagination" aria-label="Pagination">{prev_link}
        <p>Page {page} of {max(pages, 1)}</p>{next_link}</nav>"""
    return _page(heading, main)
