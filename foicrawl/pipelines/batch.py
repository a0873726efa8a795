"""One catalogue transaction for many items: a commit (and the fsync of the WARC before it) per
item cost a crawl more than parsing did.

Every step that writes the catalogue (store, evidence) shares its crawl's batch, so the writes of
one batch are one SQLite transaction, in item order. A batch commits when it holds
FOICRAWL_CATALOGUE_BATCH_SIZE items, when its oldest item has waited
FOICRAWL_CATALOGUE_BATCH_SECONDS (checked by a timer too, so a slow crawl's last items never wait for
the next one), and when the crawl closes, which Scrapy does on SIGINT and SIGTERM as well: a clean
stop loses nothing. A kill -9 loses the catalogue writes of the open batch at most; their WARC
records are written, so `foicrawl reindex` restores them, as does the next full crawl (the
releases are not held, so they are fetched again).

The archive's ordering rule holds per batch: the WARC bytes its items point at are fsync'd before
its commit.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy.orm import Session, sessionmaker
from twisted.internet import task

from foicrawl.catalogue.session import session_factory

logger = logging.getLogger(__name__)

Work = Callable[[Session], Any]
Done = Callable[[Any], None]


@dataclass
class _Pending:
    work: Work
    done: Done
    result: Any


@dataclass
class CatalogueBatch:
    sessions: sessionmaker[Session]
    sync_warc: Callable[[], None]
    size: int = 200
    seconds: float = 1.0
    pending: list[_Pending] = field(default_factory=list)
    _session: Session | None = None
    _oldest: float = 0.0
    _timer: task.LoopingCall | None = None

    def start_timer(self) -> None:
        if self._timer is None and self.seconds > 0:
            self._timer = task.LoopingCall(self._commit_if_old)
            self._timer.start(self.seconds, now=False)

    def apply(self, work: Work, done: Done) -> None:
        """Run `work` in the open transaction; `done(result)` runs once it is committed. If `work`
        fails, only its own writes are lost: the batch is rolled back and the others are redone."""
        session = self._open()
        try:
            result = work(session)
        except Exception:
            self._redo_without_failed()
            raise
        if not self.pending:
            self._oldest = time.monotonic()
        self.pending.append(_Pending(work, done, result))
        if len(self.pending) >= self.size:
            self.commit()

    def commit(self) -> None:
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        try:
            self.sync_warc()
            self._session.commit()
        except Exception:
            self._session.rollback()
            logger.exception("The catalogue could not store %d items (their WARC records are kept: "
                             "`foicrawl reindex` or the next crawl restores them)", len(batch))  # fmt: skip
            raise
        for pending in batch:
            pending.done(pending.result)

    def close(self) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        try:
            self.commit()
        finally:
            if self._session is not None:
                self._session.close()
                self._session = None

    def _open(self) -> Session:
        if self._session is None:
            self._session = self.sessions()
        return self._session

    def _commit_if_old(self) -> None:
        if self.pending and time.monotonic() - self._oldest >= self.seconds:
            try:
                self.commit()
            except Exception:  # logged by commit; the timer keeps running
                pass

    def _redo_without_failed(self) -> None:
        self._session.rollback()
        kept, self.pending = self.pending, []
        for pending in kept:
            pending.result = pending.work(self._session)
            self.pending.append(pending)


_batches: WeakKeyDictionary = WeakKeyDictionary()


def batch_for(crawler) -> CatalogueBatch:
    """The crawl's one batch, made by whichever catalogue step opens first."""
    if crawler not in _batches:
        settings = crawler.settings

        def sync_warc() -> None:
            writer = getattr(crawler.spider, "warc_writer", None)
            if writer is not None:
                writer.sync()

        _batches[crawler] = CatalogueBatch(
            session_factory(), sync_warc,
            size=max(1, settings.getint("FOICRAWL_CATALOGUE_BATCH_SIZE", 200)),
            seconds=settings.getfloat("FOICRAWL_CATALOGUE_BATCH_SECONDS", 1.0),
        )  # fmt: skip
    return _batches[crawler]
