"""After the store: fetched documents and cited pages into the catalogue, linked to the releases
that point at them. Each is committed as it comes, like releases."""

from __future__ import annotations

from datetime import UTC, datetime

from foicrawl.catalogue.evidence import record_evidence
from foicrawl.items import EvidenceItem
from foicrawl.pipelines import CatalogueStep


class EvidencePipeline(CatalogueStep):
    def process_item(self, item):
        if not isinstance(item, EvidenceItem):
            return item
        fetched_at = (item.capture or {}).get("fetched_at")
        seen_at = datetime.fromisoformat(fetched_at) if fetched_at else datetime.now(UTC)
        with self.transaction() as session:
            outcome = record_evidence(session, item.to_dict(), seen_at, self.crawler.spider.run_id)
        stats = self.crawler.stats
        stats.inc_value(f"foicrawl/evidence/{outcome}")
        stats.inc_value(f"foicrawl/evidence/kind/{item.kind}")
        if item.status == 200 and item.kind == "document":
            stats.inc_value("foicrawl/evidence/documents_fetched")
            stats.inc_value("foicrawl/evidence/document_bytes", item.stored_size or 0)
        return item
