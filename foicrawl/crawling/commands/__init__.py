"""Scrapy commands foicrawl replaces (settings.COMMANDS_MODULE): `crawl`, and Scrapy's debugging
commands (`shell`, `fetch`, `view`, `parse`, `check`), which archive nothing and record no run: only
a council crawl keeps evidence."""

LOOK_ONLY = {"FOICRAWL_ARCHIVE": False}  # read by foicrawl.warc.capture.archives
