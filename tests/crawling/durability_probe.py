"""A Scrapy extension for tests: records, in order, each fsync the crawl makes (file, size synced)
and each catalogue commit (the furthest WARC byte its release versions point at). It only observes:
os.fsync still runs."""

from __future__ import annotations

import json
import os

from sqlalchemy import event
from sqlalchemy.orm import Session

from foicrawl.catalogue.models import ReleaseVersion


class DurabilityProbe:
    def __init__(self, path: str):
        self.log = open(path, "a", encoding="utf-8")
        real_fsync = os.fsync

        def fsync(fd):
            real_fsync(fd)
            target = os.readlink(f"/proc/self/fd/{fd}")
            self.write("fsync", os.path.basename(target), os.fstat(fd).st_size)

        os.fsync = fsync
        event.listen(Session, "before_commit", self.before_commit)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("DURABILITY_PROBE_LOG"))

    def write(self, *entry) -> None:
        self.log.write(json.dumps(entry) + "\n")
        self.log.flush()

    def before_commit(self, session) -> None:
        versions = [obj for obj in list(session.identity_map.values()) + list(session.new)
                    if isinstance(obj, ReleaseVersion) and obj.warc_file and obj.warc_offset is not None]  # fmt: skip
        for obj in versions:
            self.write("commit", obj.warc_file, obj.warc_offset + obj.warc_length)
        if not versions:
            self.write("other commit", "", 0)
