"""`scrapy view`: Scrapy's command (Open a URL in a browser), archiving nothing and recording no run."""

from scrapy.commands.view import Command as ScrapyView

from foicrawl.crawling.commands import LOOK_ONLY


class Command(ScrapyView):
    default_settings = {**ScrapyView.default_settings, **LOOK_ONLY}
