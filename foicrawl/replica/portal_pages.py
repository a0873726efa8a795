"""The portal replica's HTML: page shells that scripts fill in, and the council page that embeds the log.

Nobody has a saved copy of an iCasework public portal page, so these are plausible renderings: what
is known is that councils embed `cases?public=true&…&max=20&title=Disclosure%20Log&Embed=True` in an
iframe, resized by a script (iFrameResize), with a CSP `frame-src` for the portal. The shells hold no
release data at all: titles, dates, texts and documents exist only once the scripts have asked the
feeds. `standard` and `alternate` are two markups (and scripts) over the same feeds.
"""

from __future__ import annotations

import json
from html import escape
from urllib.parse import quote

LOG_QUERY = "public=true&byCaseType=false&byKeyword=true&max=20&title=Disclosure%20Log&Embed=True"
LOG_PATH = f"/cases?{LOG_QUERY}"
COUNCIL_PAGE_PATH = ("/About-the-council/freedom-of-information-and-council-data/Freedom-of-information-requests/"
                     "Disclosure-log.aspx")  # fmt: skip
ASSETS = {  # path -> (file in portal_assets, content type)
    "/portal/scripts/disclosure-log.js": ("disclosure-log.js", "application/javascript; charset=utf-8"),
    "/portal/scripts/case-view.js": ("case-view.js", "application/javascript; charset=utf-8"),
    "/portal/scripts/icw-app.js": ("icw-app.js", "application/javascript; charset=utf-8"),
    "/portal/styles/portal.css": ("portal.css", "text/css; charset=utf-8"),
    "/portal/styles/icw.css": ("icw.css", "text/css; charset=utf-8"),
}


def _shell(title: str, body: str, script: str, style: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="stylesheet" href="{style}">
<script src="{script}" defer></script>
</head>
<body class="icasework-portal">
{body}
<noscript><p>This page needs JavaScript to show the disclosure log.</p></noscript>
</body>
</html>
"""


def log_shell(title: str, page_size: int, embed: str, theme: str = "standard") -> str:
    """The public log: a heading, a search form and an empty list the script fills."""
    if theme == "alternate":
        body = f"""<div class="icw-shell" data-icw-app data-max="{page_size}">
  <header><h1>{escape(title)}</h1><p>Responses to requests made under the Freedom of Information Act and the
  Environmental Information Regulations.</p></header>
  <div class="icw-results"><p>Loading&hellip;</p></div>
  <div class="icw-pager"></div>
</div>"""
        return _shell(title, body, "/portal/scripts/icw-app.js", "/portal/styles/icw.css")
    body = f"""<main id="portal" data-view="cases" data-max="{page_size}" data-embed="{escape(embed)}">
  <h1>{escape(title)}</h1>
  <form id="case-search" role="search">
    <label for="keyword">Keyword</label> <input id="keyword" name="keyword">
    <label for="from">Received from</label> <input id="from" name="from" type="date">
    <label for="until">to</label> <input id="until" name="until" type="date">
    <button type="submit">Search</button>
  </form>
  <div id="case-list" aria-live="polite"><p class="loading">Loading published requests&hellip;</p></div>
  <div id="case-paging"></div>
</main>"""
    return _shell(title, body, "/portal/scripts/disclosure-log.js", "/portal/styles/portal.css")


def case_shell(case_id: str, theme: str = "standard") -> str:
    """One case's page: only the case id (from its URL); the script asks for the rest."""
    if theme == "alternate":
        body = f"""<div class="icw-shell" data-icw-app data-case="{escape(case_id)}">
  <a href="cases?{LOG_QUERY}">Back to the disclosure log</a>
  <article class="icw-case"><p>Loading&hellip;</p></article>
</div>"""
        return _shell("Disclosure Log", body, "/portal/scripts/icw-app.js", "/portal/styles/icw.css")
    body = f"""<main id="portal" data-view="case" data-case-id="{escape(case_id)}">
  <p><a href="cases?{LOG_QUERY}">Disclosure Log</a></p>
  <div id="case" aria-live="polite"><p class="loading">Loading&hellip;</p></div>
</main>"""
    return _shell("Disclosure Log", body, "/portal/scripts/case-view.js", "/portal/styles/portal.css")


def council_page(portal_origin: str) -> str:
    """The council's own FOI page, on its own origin, with the portal's log in a resized iframe."""
    src = f"{portal_origin}{LOG_PATH}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Disclosure log | Hertfordshire County Council</title></head>
<body>
<header><a href="/">Hertfordshire County Council</a></header>
<main id="main-content">
  <h1>Disclosure log</h1>
  <p>Please check our disclosure log before making a request. You can search our responses by keyword and date.</p>
  <iframe src="{escape(src)}" scrolling="no" class="icasework" title="Disclosure Log" style="width:100%;border:0"></iframe>
</main>
<script>
  /* iFrameResize-style: the portal posts its height; only its origin is listened to. */
  window.addEventListener("message", function (event) {{
    if (event.origin !== {json.dumps(portal_origin)} || !event.data || !event.data.icwHeight) return;
    document.querySelector("iframe.icasework").style.height = event.data.icwHeight + "px";
  }});
</script>
</body>
</html>
"""


def council_index() -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Hertfordshire County Council</title></head>
<body><h1>Hertfordshire County Council</h1>
<p><a href="{quote(COUNCIL_PAGE_PATH)}">Freedom of information: disclosure log</a></p></body></html>
"""
