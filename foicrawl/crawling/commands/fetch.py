"""`scrapy fetch`: Scrapy's command (Fetch a URL), archiving nothing and recording no run."""

from scrapy.commands.fetch import Command as ScrapyFetch

from foicrawl.crawling.commands import LOOK_ONLY


class Command(ScrapyFetch):
    default_settings = {**ScrapyFetch.default_settings, **LOOK_ONLY}
