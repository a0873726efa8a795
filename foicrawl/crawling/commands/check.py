"""`scrapy check`: Scrapy's command (Run spider contracts), archiving nothing and recording no run."""

from scrapy.commands.check import Command as ScrapyCheck

from foicrawl.crawling.commands import LOOK_ONLY


class Command(ScrapyCheck):
    default_settings = {**ScrapyCheck.default_settings, **LOOK_ONLY}
