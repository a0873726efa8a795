"""Log lines that say what happened without dumping whole items into the log."""

from __future__ import annotations

import logging

from scrapy.logformatter import LogFormatter


class FoicrawlLogFormatter(LogFormatter):
    def dropped(self, item, exception, response, spider):
        level = getattr(exception, "log_level", None) or logging.WARNING
        return {
            "level": getattr(logging, level) if isinstance(level, str) else level,
            "msg": "Dropped %(reason)s",
            "args": {"reason": exception},
        }
