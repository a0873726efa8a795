"""Scrapy components around the spiders: retries and the unreachable-site stop (middleware), log
lines (logformatter), the run record (runs), the council lock (locks), and starting a crawl as its
own process (process). Imports foundations, warc and catalogue; never spiders, provenance, nightly,
cli or replica."""
