"""Scrapy's cookie middleware, offline: no public suffix list fetched, nothing cached under $HOME.

Scrapy 2.19 splits cookie domains with a tldextract instance it makes when
`scrapy.downloadermiddlewares.cookies` is imported (`_split_domain`), with tldextract's defaults: on
first use it downloads the public suffix list and caches it in `$HOME/.cache/python-tldextract`.
No Scrapy setting reaches that instance (a `TLDEXTRACT_*` setting is never read), and tldextract's
environment variables are read before a spider's settings could set them. So this middleware, used
in place of Scrapy's, swaps in an instance that uses the snapshot bundled with tldextract, with no
cache and no URLs; `tldextract.extract` (used by surt) gets the same.
"""

from __future__ import annotations

import tldextract
import tldextract.tldextract
from scrapy.downloadermiddlewares import cookies

OFFLINE_SPLITTER = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True,
                                         include_psl_private_domains=True)  # fmt: skip


def use_bundled_suffix_list() -> None:
    cookies._split_domain = OFFLINE_SPLITTER
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=())


class OfflineCookiesMiddleware(cookies.CookiesMiddleware):
    @classmethod
    def from_crawler(cls, crawler):
        use_bundled_suffix_list()
        return super().from_crawler(crawler)
