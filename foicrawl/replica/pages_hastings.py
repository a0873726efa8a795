"""Pages of Hastings Borough Council's disclosure log, as the replica renders them.

`standard` follows shared/sites/hastings; `alternate` is another plausible markup of the same visible
text (an <article>, dates in a table, an h2 "Response"), so parsers are tested on two.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from foicrawl.replica.dataset import ReplicaRelease, long_date

LOG = "/my-council/freedom-of-information/"
SIDE_BLOCK = """<aside class="related">
    <h2>Freedom of Information</h2>
    <h3>Contact</h3>
    <p><a href="/my-council/freedom-of-information/contact/">Got a question about freedom of information?</a></p>
    <h3>Content</h3>
    <p>The content on this page is the responsibility of our Council's Information Officer.</p>
  </aside>"""


def weekday_date(d) -> str:
    return f"{d:%a %d %B %Y}"


def _page(title: str, crumbs: str, main: str, aside: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{escape(title)} - Hastings Borough Council</title>
<link rel="stylesheet" href="/css/site.css"><script src="/js/site.js" defer></script></head>
<body>
  <div id="cookie-banner" class="cookie-banner">
    <p>This website uses cookies to make it work and to collect anonymous statistics.</p>
    <button type="button">Accept cookies</button> <a href="/my-council/cookies/">Cookie settings</a>
  </div>
  <a class="skip" href="#content">Skip to main content</a>
  <header class="site-header">
    <a href="/"><img src="/images/hastings-logo.png" alt="Hastings Online logo"></a>
    <ul class="utility-links"><li><a href="/a-z/">A-Z</a></li><li><a href="/">Home</a></li>
      <li><a href="/my-hastings/login/">Login to My Hastings</a></li></ul>
  </header>
  <nav class="breadcrumb" aria-label="Breadcrumb">
    <a href="/">Home</a> &gt; <a href="/my-council/">My council</a> &gt;
    <a href="{LOG}">Freedom of information</a>{crumbs}
  </nav>
  <div id="content" class="main">
{main}
  </div>
  {aside}
  <footer class="site-footer"><p>Hastings Borough Council, Muriel Matters House, Breeds Place, Hastings, TN34 3UY</p></footer>
</body>
</html>
"""


def release_page(release: ReplicaRelease, via: str = "date", theme: str = "standard") -> str:
    """A release, reached through the date listing or a category (`via`), which changes only the
    breadcrumb."""
    crumb = (f' &gt; <a href="{LOG}date/">Requests and responses by date</a>' if via == "date"
             else f' &gt; <a href="{LOG}category/">Requests and responses by category</a>')  # fmt: skip
    h1 = f"FOI request ({escape(release.case_ref)})" if release.case_ref else "FOI request"
    requested = release.shown("requested", weekday_date)
    responded = release.shown("responded", weekday_date)
    request = "\n".join(release.request_html)
    response = "\n".join(release.response_html)
    if theme == "alternate":
        rows = "".join(f"<tr><th>{label}</th><td>{escape(value)}</td></tr>"
                       for label, value in (("Requested", requested), ("Responded", responded)) if value)  # fmt: skip
        main = f"""    <article class="foi">
      <h1>{h1}</h1>
      <h2 class="foi-title">{escape(release.title)}</h2>
      <table class="foi-dates">{rows}</table>
      <div class="foi-body">{request}</div>
      <h2>Response</h2>
      <div class="foi-body">{response}</div>
    </article>"""
    else:
        lines = "".join(f"\n    <p><strong>{label}</strong> {escape(value)}</p>"
                        for label, value in (("Requested", requested), ("Responded", responded)) if value)  # fmt: skip
        main = f"""    <h1>{h1}</h1>
    <h2>{escape(release.title)}</h2>{lines}
    <div class="foi-request">{request}</div>
    <h3>Response</h3>
    <div class="foi-response">{response}</div>"""
    if theme == "broken":  # a redesign that moved the reference out of the heading, and renamed the dates
        main = main.replace(f"<h1>{h1}</h1>", f"<h1>Request details</h1><p>Our ref: {escape(release.case_ref or '')}</p>")
        main = main.replace("<strong>Requested</strong>", "<strong>Received</strong>")
    if theme == "renamed-label":  # a redesign that renamed one label: every page still parses, one field is lost
        main = main.replace("<strong>Responded</strong>", "<strong>Date of response</strong>")
    return _page(h1, crumb, main, SIDE_BLOCK)


def _year_options(years, selected) -> str:
    return "".join(f"<option{' selected' if y == selected else ''}>{y}</option>" for y in years)


def year_listing(year: int, years: list[int], releases: list[ReplicaRelease], theme: str = "standard",
                 category_links: set[str] = frozenset()) -> str:  # fmt: skip
    """One year's releases; `category_links` are listed by their category/ URL instead (a real
    site's mix, which a crawler must see as the same releases)."""
    def href(r: ReplicaRelease) -> str:
        return f"{LOG}category/?id={quote(r.uid)}" if r.uid in category_links else f"?id={quote(r.uid)}"

    if theme == "alternate":
        items = "".join(f'<tr><td><a href="{href(r)}" title="{escape(r.title)}">{escape(r.title)}</a></td>'
                        f"<td>{long_date(r.requested)}</td></tr>" for r in releases)  # fmt: skip
        body = f'<table id="FoiList"><caption>{year}</caption>{items}</table>'
    else:
        items = "".join(f'<li><a href="{href(r)}" title="{escape(r.title)}">{escape(r.title)}</a> '
                        f'<span class="date">{long_date(r.requested)}</span></li>' for r in releases)  # fmt: skip
        body = f'<div id="FoiList"><h2>{year}</h2><ul>{items}</ul></div>'
    main = f"""    <h1>Requests and responses by date</h1>
    <form method="get" action=""><label for="year">Year</label>
      <select id="year" name="year">{_year_options(sorted(years, reverse=True), year)}</select>
      <button type="submit">Show</button></form>
    {body}"""
    return _page("Requests and responses by date", "", main)


def category_index(categories: list[tuple[str, str]]) -> str:
    items = "".join(f'<li><a href="{LOG}category/?category={slug}">{escape(name)}</a></li>'
                    for slug, name in categories)  # fmt: skip
    main = f"    <h1>Requests and responses by category</h1>\n    <ul class=\"categories\">{items}</ul>"
    return _page("Requests and responses by category", "", main)


def category_listing(name: str, releases: list[ReplicaRelease]) -> str:
    items = "".join(f'<li><a href="?id={quote(r.uid)}" title="{escape(r.title)}">{escape(r.title)}</a> '
                    f'<span class="date">{long_date(r.requested)}</span></li>' for r in releases)  # fmt: skip
    main = f"    <h1>{escape(name)}</h1>\n    <div id=\"FoiList\"><ul>{items}</ul></div>"
    crumb = f' &gt; <a href="{LOG}category/">Requests and responses by category</a>'
    return _page(name, crumb, main)


def log_index() -> str:
    main = f"""    <h1>Freedom of information</h1>
    <p>We publish our responses to freedom of information requests.</p>
    <ul><li><a href="{LOG}date/">Requests and responses by date</a></li>
      <li><a href="{LOG}category/">Requests and responses by category</a></li></ul>"""
    return _page("Freedom of information", "", main)
