"""Second pipeline: a release without a case reference or a title cannot be catalogued."""

from __future__ import annotations

import re

from scrapy.exceptions import DropItem

from foicrawl.items import ReleaseItem
from foicrawl.pipelines import ReleaseStep

# A reference is one token as councils write them: FOI2022/00092, FOIR-395819655, FOI 11914.
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/ ._-]{1,63}$")


def problems(item: ReleaseItem) -> dict[str, str]:
    """Why an item cannot be stored, as {stats key: reason}; empty when it can."""
    found = {}
    if not item.case_ref:
        found["no_case_ref"] = "no case reference"
    elif not _REFERENCE.match(item.case_ref):
        found["bad_case_ref"] = f"case reference {item.case_ref!r} is not a reference"
    if not item.title:
        found["no_title"] = "no title"
    return found


class ValidatePipeline(ReleaseStep):
    def process_release(self, item: ReleaseItem) -> ReleaseItem:
        found = problems(item)
        if found:
            for key in found:
                self.crawler.stats.inc_value(f"foicrawl/dropped/{key}")
            raise DropItem(f"{item.url}: {'; '.join(found.values())}", log_level="WARNING")
        return item
