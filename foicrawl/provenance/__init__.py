"""The archive read back: `extract` is the one way from a WARC record to what a crawl stored, and
verify, replay, reindex and wacz all go through it. Imports warc, catalogue, parsers and pipelines;
never spiders, nightly, cli or replica."""
