"""Nightly crawls: the APScheduler process (scheduler), one scheduled crawl (scheduling) and each
council's health. Starts crawls through crawling.process; never imports cli or replica."""
