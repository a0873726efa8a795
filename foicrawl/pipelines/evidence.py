"""After the store: fetched documents and cited pages into the catalogue, linked to the releases
that point at them, in the same catalogue batches as releases."""

from __future__ import annotations

from datetime import UTC, datetime

from foicrawl.catalogue.evidence import record_evidence
from foicrawl.catalogue.search import index_evidence
from foicrawl.items import EvidenceItem
from foicrawl.pipelines import CatalogueStep


class EvidencePipeline(CatalogueStep):
    def process_item(self, item):
        if not isinstance(item, EvidenceItem):
            return item
        fetched_at = (item.capture or {}).get("fetched_at")
        seen_at = datetime.fromisoformat(fetched_at) if fetched_at else datetime.now(UTC)
        record, run_id = item.to_dict(), self.crawler.spider.run_id
        def work(session):
            outcome = record_evidence(session, record, seen_at, run_id)
            index_evidence(session, item.council, item.key)  # its text joins the releases' search entries
            return outcome

        self.batch.apply(work, lambda outcome: self.stored(item, outcome))
        return item

    def stored(self, item: EvidenceItem, outcome: str) -> None:
        """Counted once the item's batch is committed."""
        stats = self.crawler.stats
        stats.inc_value(f"foicrawl/evidence/{outcome}")
        stats.inc_value(f"foicrawl/evidence/kind/{item.kind}")
        if item.status == 200 and item.kind == "document":
            stats.inc_value("foicrawl/evidence/documents_fetched")
            stats.inc_value("foicrawl/evidence/document_bytes", item.stored_size or 0)
