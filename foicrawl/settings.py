"""Scrapy settings for foicrawl: one place for every default.

Paths come from `foicrawl.config` (FOICRAWL_ARCHIVE_DIR, FOICRAWL_DATABASE_URL) when a crawl
starts, not here, so that the environment of each run decides.
"""

import os

from foicrawl import __version__
from foicrawl.codings import ACCEPTED_ENCODINGS

BOT_NAME = "foicrawl"
SPIDER_MODULES = ["foicrawl.spiders"]
NEWSPIDER_MODULE = "foicrawl.spiders"
# `scrapy crawl` checks the council and its arguments first, and exits non-zero when the run failed.
COMMANDS_MODULE = "foicrawl.crawling.commands"

# Who we are, and where a webmaster can reach us. Override FOICRAWL_CONTACT_URL for your deployment.
FOICRAWL_CONTACT_URL = "https://github.com/foicrawl/foicrawl"
USER_AGENT = f"foicrawl/{__version__} (+{FOICRAWL_CONTACT_URL})"

# Live-crawl manners: obey robots.txt, at most two requests at a time per site, adapt to the server.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
# Hastings' certificate chain has been unreliable: a crawl must not die of it. The evidence is the
# bytes received, recorded in the WARC with the server's address.
DOWNLOAD_VERIFY_CERTIFICATES = False
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024  # also caps decompression; the archive's readers use FOICRAWL_MAX_DECODED_SIZE
DOWNLOAD_WARNSIZE = 10 * 1024 * 1024
# Ask only for content codings every reader of the archive undoes (warcio, pywb, foicrawl's own):
# Scrapy would also ask for zstd, which pywb and warcio cannot replay.
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en",
    "Accept-Encoding": ACCEPTED_ENCODINGS,
}

# Retries on 429 and 5xx, with exponential backoff (foicrawl.crawling.middleware.BackoffRetryMiddleware).
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
FOICRAWL_RETRY_BACKOFF_BASE = 2.0
FOICRAWL_RETRY_BACKOFF_MAX = 60.0
# A page that fails all its retries is a WARNING: the run counts it and the next run asks again.
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
# Requests in a row that get no answer at all before the crawl stops as "site_unreachable".
FOICRAWL_MAX_CONSECUTIVE_FAILURES = 20

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    # Scrapy's, with the public suffix list bundled with tldextract (no fetch, nothing under $HOME).
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "foicrawl.crawling.cookies.OfflineCookiesMiddleware": 700,
    "foicrawl.crawling.middleware.BackoffRetryMiddleware": 550,
    # Council pages are redirected only within the council's own hosts, and never lost as duplicates.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "foicrawl.crawling.redirects.CouncilMetaRefreshMiddleware": 580,
    "foicrawl.crawling.redirects.CouncilRedirectMiddleware": 600,
    # Closest to the network, so they see every failure before anything retries it.
    "foicrawl.crawling.middleware.UnreachableSiteGuard": 980,
    "foicrawl.warc.capture.DownloadErrorCapture": 990,
}

# Scrapy's HTTP/1.1 handler, keeping each response's header block byte for byte for the WARC.
DOWNLOAD_HANDLERS = {
    "http": "foicrawl.warc.raw_headers.RawHeadersDownloadHandler",
    "https": "foicrawl.warc.raw_headers.RawHeadersDownloadHandler",
}

EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    "foicrawl.warc.capture.WarcCapture": 100,
    "foicrawl.crawling.runs.RunRecorder": 200,
    "foicrawl.crawling.progress.CrawlProgress": 250,
    "foicrawl.crawling.evidence_fetch.SizeCap": 300,
}

SPIDER_MIDDLEWARES = {
    # After Scrapy's HttpErrorMiddleware (50): a page filtered out there goes to its errback instead.
    "foicrawl.crawling.ledger.PageLedgerMiddleware": 60,
}

ITEM_PIPELINES = {
    "foicrawl.pipelines.normalise.NormalisePipeline": 100,
    "foicrawl.pipelines.validate.ValidatePipeline": 200,
    "foicrawl.pipelines.coverage.FieldCoveragePipeline": 250,
    "foicrawl.pipelines.dedupe.DedupePipeline": 300,
    "foicrawl.pipelines.store.StorePipeline": 400,
    "foicrawl.pipelines.evidence.EvidencePipeline": 500,
}

# Evidence: the documents a release lists, the pages its answer cites on the council's hosts and its
# ModernGov site (depth 1), and the release page's stylesheets, images and scripts. A document larger
# than the cap keeps its first FOICRAWL_DOCUMENT_MAX_SIZE bytes (WARC-Truncated: length) and is marked so.
FOICRAWL_FETCH_EVIDENCE = True
FOICRAWL_FETCH_REQUISITES = True
FOICRAWL_DOCUMENT_MAX_SIZE = 50 * 1024 * 1024

# WARC files rotate at this size (bytes); the last one closes with the crawl.
FOICRAWL_WARC_MAX_SIZE = 1024 * 1024 * 1024

# An incremental crawl asks again for this many of the most recent releases it holds.
FOICRAWL_RECHECK_COUNT = 10

# The browser, for JavaScript portals only (foicrawl.crawling.browser; other councils never start it).
FOICRAWL_BROWSER_MAX_PAGES = 4  # pages open at once
FOICRAWL_BROWSER_CONTEXT_PAGES = 50  # pages per browser context before a fresh one (long-lived ones leak)
FOICRAWL_BROWSER_PAGE_TIMEOUT = 60.0  # seconds for a page to load and settle; then it is skipped and counted
FOICRAWL_BROWSER_SCREENSHOTS = True  # a screenshot of each page, kept with its rendered DOM
FOICRAWL_BROWSER_EXECUTABLE = None  # a Chromium to use; default: Playwright's own, else Debian's chromium
# A nightly run of a portal asks its feed for the cases received in this many days (releases are
# often published weeks after the request came in), instead of rendering the whole log.
FOICRAWL_PORTAL_WINDOW_DAYS = 120
FOICRAWL_PORTAL_DOCUMENT_ATTEMPTS = 3  # a document whose link has expired: ask for fresh links, this many tries

# A run in which a few council pages could not be read (all retries failed, an error status, an
# off-site redirect) is "ok_with_errors": the pages are named in the run record and the next run asks
# for them again. More than max(MIN, SHARE x pages asked) means the crawl did not really see the site
# (overloaded, blocking us, moved): the run fails, health goes red, and the next run is a full sweep.
FOICRAWL_FAILED_PAGES_SHARE = 0.02
FOICRAWL_FAILED_PAGES_MIN = 3

# A run that would mark more than max(MIN, SHARE x held releases) withdrawn withdraws none and fails
# ("mass withdrawal suspected"): a site that answers 404 to everything is not a council withdrawing
# its log. Let a real one through with `-s FOICRAWL_MASS_WITHDRAWAL_SHARE=1` once checked by hand.
FOICRAWL_MASS_WITHDRAWAL_SHARE = 0.05
FOICRAWL_MASS_WITHDRAWAL_MIN = 5

# Only a council crawl archives and records its run: Scrapy's debugging commands (shell, fetch, view,
# parse, check) set FOICRAWL_ARCHIVE to False (foicrawl/crawling/commands). Not set here: a command's
# own settings rank below the project's, so a value here would win over theirs.

# Seconds between the progress lines a crawl logs (pages, releases, rate, time left); 0: none. The
# environment variable of the same name sets it for every crawl (demo's, the scheduler's).
FOICRAWL_PROGRESS_INTERVAL = float(os.environ.get("FOICRAWL_PROGRESS_INTERVAL") or 5)

TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

LOG_LEVEL = "INFO"
LOG_FORMATTER = "foicrawl.crawling.logformatter.FoicrawlLogFormatter"
FEED_EXPORT_ENCODING = "utf-8"

# The catalogue is written in batches (foicrawl/pipelines/batch.py): one transaction, and one fsync of
# the WARC before it, per this many items or this many seconds, and at the close of every crawl.
FOICRAWL_CATALOGUE_BATCH_SIZE = 200
FOICRAWL_CATALOGUE_BATCH_SECONDS = 1.0
