"""`scrapy shell`: Scrapy's command (Scrapy's interactive shell), archiving nothing and recording no run."""

from scrapy.commands.shell import Command as ScrapyShell

from foicrawl.crawling.commands import LOOK_ONLY


class Command(ScrapyShell):
    default_settings = {**ScrapyShell.default_settings, **LOOK_ONLY}
