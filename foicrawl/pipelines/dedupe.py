"""Third pipeline: one page per (council, case reference).

A release listed twice is read once (the spider asks for each page once). Two different pages
showing one reference (a council reusing a reference, or mistyping one) are a conflict: a WARNING,
counted, and the second page goes to the store as a `ReleaseConflict`, kept beside the release and
never stored over it. The page the catalogue already holds the reference from keeps it, whichever
page this crawl reads first; a reference whose page was withdrawn goes to the page showing it now.
"""

from __future__ import annotations

import logging

from scrapy.exceptions import DropItem

from foicrawl.items import ReleaseConflict, ReleaseItem
from foicrawl.pipelines import ReleaseStep
from foicrawl.urls import site_key

logger = logging.getLogger(__name__)


class DedupePipeline(ReleaseStep):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.pages: dict[tuple[str, str], str] = {}  # (council, reference) -> URL of the page read as it
        self._held: dict[str, str] | None = None

    def held_page(self, case_ref: str) -> str | None:
        """The URL the catalogue holds a live (not withdrawn) release of this reference from."""
        if self._held is None:
            held = getattr(self.crawler.spider, "held", {})
            self._held = {h.case_ref: h.url for h in held.values() if not h.withdrawn}
        return self._held.get(case_ref)

    def process_release(self, item: ReleaseItem) -> ReleaseItem | ReleaseConflict:
        key = (item.council, item.case_ref)
        owner = self.pages.get(key)
        if owner is not None and site_key(owner) == site_key(item.url):
            self.crawler.stats.inc_value("foicrawl/duplicates")
            raise DropItem(f"{item.url}: {item.case_ref} already read from this page in this crawl", log_level="INFO")
        if owner is None:
            held = self.held_page(item.case_ref)
            if held is None or site_key(held) == site_key(item.url):
                self.pages[key] = item.url
                return item
            owner = held
        self.crawler.stats.inc_value("foicrawl/reference_conflicts")
        logger.warning("Case reference %s is shown by two pages: %s (catalogued) and %s (kept as a conflict, "
                       "with its evidence)", item.case_ref, owner, item.url)  # fmt: skip
        return ReleaseConflict(item, owner)
