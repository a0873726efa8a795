"""Scrapy commands foicrawl replaces (settings.COMMANDS_MODULE): `crawl`."""
