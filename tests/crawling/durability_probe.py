"""A Scrapy extension for tests: records, in order, each fsync the crawl makes (file, size synced)
and each catalogue commit (for each release version it stored, the furthest WARC byte it points at). It only observes:
os.fsync still runs."""

from __future__ import annotations

import json
import os

from sqlalchemy import event
from sqlalchemy.orm import Session

from foicrawl.catalogue.models import ReleaseVersion
from foicrawl.config import warc_dir


class DurabilityProbe:
    def __init__(self, path: str):
        self.log = open(path, "a", encoding="utf-8")
        real_fsync = os.fsync

        def fsync(fd):
            real_fsync(fd)
            synced = os.fstat(fd)
            name = next((p.name for p in warc_dir().iterdir() if os.path.samestat(p.stat(), synced)), "")
            self.write("fsync", name, synced.st_size)

        os.fsync = fsync
        self.flushed: list[tuple[str, int]] = []
        event.listen(Session, "before_flush", self.before_flush)
        event.listen(Session, "after_commit", self.after_commit)
        event.listen(Session, "after_rollback", self.after_rollback)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("DURABILITY_PROBE_LOG"))

    def write(self, *entry) -> None:
        self.log.write(json.dumps(entry) + "\n")
        self.log.flush()

    def before_flush(self, session, _context, _instances) -> None:
        self.flushed += [(obj.warc_file, obj.warc_offset + obj.warc_length) for obj in session.new
                         if isinstance(obj, ReleaseVersion) and obj.warc_file and obj.warc_offset is not None]  # fmt: skip

    def after_commit(self, session) -> None:
        """Logged after the commit: the fsyncs that preceded it are earlier in the log."""
        for name, end in self.flushed:
            self.write("commit", name, end)
        if not self.flushed:
            self.write("other commit", "", 0)
        self.flushed = []

    def after_rollback(self, session) -> None:
        self.flushed = []
