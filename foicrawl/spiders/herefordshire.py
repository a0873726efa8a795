"""Herefordshire Council, on the hosted disclosure-log platform."""

from foicrawl.spiders.disclosurelog import DisclosureLogSpider


class HerefordshireSpider(DisclosureLogSpider):
    name = "herefordshire"
