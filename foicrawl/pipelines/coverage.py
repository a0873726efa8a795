"""How often each field of a release was filled in a crawl (as City Scrapers' validation pipeline
counts them), so a parser that silently stops reading one field is seen the same night: the run
record keeps the counts, and `health` compares them with the council's usual ones."""

from __future__ import annotations

from foicrawl.items import ReleaseItem
from foicrawl.pipelines import ReleaseStep

FIELDS = ("case_ref", "title", "requested_on", "responded_on", "published_on", "request_text", "response_text",
          "response_links", "documents")  # fmt: skip
RELEASES_KEY = "foicrawl/fields/releases"
FILLED_KEY = "foicrawl/fields/filled/"


class FieldCoveragePipeline(ReleaseStep):
    """Counts, for every release that passed validation, which fields hold a value (a date that
    is not a date counts as empty: it is stored as null)."""

    def process_release(self, item: ReleaseItem) -> ReleaseItem:
        stats = self.crawler.stats
        stats.inc_value(RELEASES_KEY)
        for name in FIELDS:
            if getattr(item, name):
                stats.inc_value(FILLED_KEY + name)
        return item


def field_fill(stats: dict) -> dict:
    """The counts from a crawl's stats: {"releases": n, "filled": {field: releases that had it}}."""
    return {"releases": int(stats.get(RELEASES_KEY, 0)),
            "filled": {name: int(stats.get(FILLED_KEY + name, 0)) for name in FIELDS}}  # fmt: skip
