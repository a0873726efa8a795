"""The council's own pages that answers cite (Hastings' corporate plan progress page and the like),
and the stylesheets, scripts and images the replica's pages use, so a replay shows them styled.

Served by both council replicas before their "page not found". One cited page is gone (404), as
cited pages sometimes are: its answer is evidence of absence.
"""

from __future__ import annotations

from html import escape

from foicrawl.replica.documents import png
from foicrawl.replica.server import Reply, html_reply

CITED_PAGES = {
    "/my-council/corp-plan/progress/": (
        "Corporate plan progress",
        "Each quarter we report our progress against the corporate plan's targets to the Overview and "
        "Scrutiny Committee. The latest performance report covers housing delivery, waste and recycling, "
        "and the council's finances.",
    ),
    "/my-council/performance/": (
        "How we are performing",
        "Performance indicators are published quarterly, with the targets set in the corporate plan.",
    ),
    "/my-council/budget-and-spending/": (
        "Budget and spending",
        "We publish spending over £500 every month, and our budget each February.",
    ),
    "/my-council/policies-and-strategies/": (
        "Policies and strategies",
        "Our policies, strategies and plans, with the date each was adopted and its next review.",
    ),
}
GONE_PAGES = {"/my-council/old-strategy-2015/"}
CITED_PATHS = [*CITED_PAGES, *sorted(GONE_PAGES)]
STYLESHEET = "/css/site.css"
SCRIPT = "/js/site.js"
LOGOS = {"/images/hastings-logo.png", "/assets/images/govuk-crest.png", "/images/header-bg.png"}
CSS = (
    "body{font-family:Arial,Helvetica,sans-serif;margin:0;color:#0b0c0c}"
    "header,.govuk-header,.site-header{background:#00703c url(/images/header-bg.png) repeat-x;padding:1em}"
    ".govuk-header__link{background:url(/assets/images/govuk-crest.png) no-repeat left center;padding-left:2em}"
    "main,#content{max-width:60em;margin:1em auto}table{border-collapse:collapse}td,th{border:1px solid #b1b4b6}"
)
JS = "document.documentElement.className += ' js-enabled';\n"
HEAD = f'<link rel="stylesheet" href="{STYLESHEET}"><script src="{SCRIPT}" defer></script>'


def council_page(path: str, council_name: str) -> Reply | None:
    """A cited page or a page requisite, or None when `path` is neither."""
    if path == STYLESHEET:
        return Reply(200, CSS.encode(), "text/css; charset=utf-8")
    if path == SCRIPT:
        return Reply(200, JS.encode(), "application/javascript; charset=utf-8")
    if path in LOGOS:
        return Reply(200, png(), "image/png")
    if path in GONE_PAGES:
        return html_reply("<!DOCTYPE html><html><body><h1>Page not found</h1>"
                          "<p>This page has moved or no longer exists.</p></body></html>", 404)  # fmt: skip
    if path in CITED_PAGES:
        title, text = CITED_PAGES[path]
        return html_reply(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)} - {escape(council_name)}</title>{HEAD}</head>
<body><header class="site-header"><a href="/"><img src="/images/hastings-logo.png" alt="{escape(council_name)}"></a></header>
<main id="content"><h1>{escape(title)}</h1><p>{escape(text)}</p></main></body></html>""")
    return None
