"""First pipeline: dates to ISO 8601, tidy whitespace, the case reference as the page shows it.

Part of the extraction: a change here that alters stored fields raises
`parsers.html_text.TEXT_HELPERS_VERSION`."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import asdict, is_dataclass

from foicrawl.items import ReleaseItem
from foicrawl.parsers.dates import parse_date
from foicrawl.pipelines import ReleaseStep

logger = logging.getLogger(__name__)
DATE_FIELDS = ("requested_on", "responded_on", "published_on")
_BLANK_LINES = re.compile(r"\n{3,}")
_INLINE_SPACE = re.compile(r"[ \t\u00a0]+")


def tidy_line(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text or None


def tidy_text(text: str | None) -> str | None:
    """Each line's spaces collapsed, no more than one blank line in a row, no edge blank lines."""
    if text is None:
        return None
    lines = [_INLINE_SPACE.sub(" ", line).strip() for line in unicodedata.normalize("NFC", text).splitlines()]
    tidy = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    return tidy or None


def normalise(item: ReleaseItem) -> list[str]:
    """Normalise in place. Returns the names of dates the page showed but that are not dates."""
    item.case_ref = tidy_line(item.case_ref)
    item.title = tidy_line(item.title)
    item.request_text = tidy_text(item.request_text)
    item.response_text = tidy_text(item.response_text)
    item.response_links = [{"url": link["url"].strip(), "text": tidy_line(link.get("text")) or ""}
                           for link in item.response_links]  # fmt: skip
    item.request_links = [{"url": link["url"].strip(), "text": tidy_line(link.get("text")) or ""}
                          for link in item.request_links]  # fmt: skip
    item.documents = [asdict(d) if is_dataclass(d) else dict(d) for d in item.documents]
    for document in item.documents:
        document["title"] = tidy_line(document.get("title")) or ""
    malformed = []
    for name in DATE_FIELDS:
        shown = tidy_line(getattr(item, name))
        if shown is None:
            continue
        # A date already in ISO form was normalised before (a re-run over the same item).
        item.dates_as_shown.setdefault(name, shown)
        parsed = parse_date(shown)
        setattr(item, name, parsed.isoformat() if parsed else None)
        if parsed is None:
            malformed.append(name)
    return malformed


class NormalisePipeline(ReleaseStep):
    def process_release(self, item: ReleaseItem) -> ReleaseItem:
        for name in normalise(item):
            logger.warning("Malformed %s on %s: %r kept as shown, stored as null",
                           name, item.url, item.dates_as_shown[name])  # fmt: skip
            self.crawler.stats.inc_value("foicrawl/malformed_dates")
        return item
