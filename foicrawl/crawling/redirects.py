"""Redirects of council pages (listings and releases): followed only on the council's own hosts,
never dropped as duplicates, and a loop is given up with a warning.

A redirect elsewhere could make another site's page the council's release (a forged version): its
3xx answer is in the WARC already (the capture sees every response), so it is logged and not
followed. A redirect to a URL already asked for (a cookie wall answering 302 to the same URL) is
still followed: Scrapy's duplicate filter would otherwise drop it, and with it the page.
"""

from __future__ import annotations

import logging

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.exceptions import IgnoreRequest

from foicrawl.urls import on_hosts

logger = logging.getLogger(__name__)
PAGE_KIND = "foicrawl_page"  # request meta: "listing" or "release" marks a council page
LOOP_LIMIT = 3  # the same URL this many times in one redirect chain is a loop


class CouncilPageRedirects:
    """Mixed into Scrapy's redirect middlewares; only requests marked with PAGE_KIND are changed."""

    def _redirect(self, redirected, request, reason):
        if not request.meta.get(PAGE_KIND):
            return super()._redirect(redirected, request, reason)
        stats = self.crawler.stats
        hosts = getattr(self.crawler.spider, "own_hosts", None)
        if hosts and not on_hosts(redirected.url, hosts):
            logger.warning("Off-site redirect: %s redirects (%s) to %s, which is not the council's own host; "
                           "not followed", request.url, reason, redirected.url)  # fmt: skip
            stats.inc_value("foicrawl/redirects/offsite")
            raise IgnoreRequest(f"off-site redirect to {redirected.url}")
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if chain.count(redirected.url) >= LOOP_LIMIT:
            logger.warning("Redirect loop: %s redirects back to itself (%s); given up after %d redirects",
                           redirected.url, " -> ".join(chain[-4:]), len(chain))  # fmt: skip
            stats.inc_value("foicrawl/redirects/loops")
            raise IgnoreRequest("redirect loop")
        try:
            followed = super()._redirect(redirected, request, reason)
        except IgnoreRequest:
            logger.warning("Too many redirects: %s (first asked as %s); given up", request.url, chain[0])
            stats.inc_value("foicrawl/redirects/too_many")
            raise
        followed.dont_filter = True  # a redirect to a URL already asked for must not be dropped as a duplicate
        return followed


class CouncilRedirectMiddleware(CouncilPageRedirects, RedirectMiddleware):
    pass


class CouncilMetaRefreshMiddleware(CouncilPageRedirects, MetaRefreshMiddleware):
    pass
