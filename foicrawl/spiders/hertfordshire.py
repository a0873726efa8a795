"""Hertfordshire County Council, whose disclosure log is an iCasework portal."""

from foicrawl.spiders.icasework import ICaseworkSpider


class HertfordshireSpider(ICaseworkSpider):
    name = "hertfordshire"
