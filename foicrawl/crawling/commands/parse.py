"""`scrapy parse`: Scrapy's command (a council spider's callback on one URL):
archiving nothing and recording no run."""

from scrapy.commands.parse import Command as ScrapyParse

from foicrawl.crawling.commands import LOOK_ONLY


class Command(ScrapyParse):
    default_settings = {**ScrapyParse.default_settings, **LOOK_ONLY}
