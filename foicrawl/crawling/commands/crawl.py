"""`scrapy crawl COUNCIL`: Scrapy's command, with foicrawl's checks before anything starts and an
exit status that tells the truth.

Scrapy's own command turns a misspelt council or a bad `-a base_url=` into a traceback, and exits 0
after a crawl that never reached the site. This one says what is wrong in one line (exit 2) before
the crawl starts, and exits 1 when the run failed (the site unreachable, the crawl stopped on an
error, or it never started), as its run record says.
"""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawl

from foicrawl.catalogue.session import session_factory
from foicrawl.councils import register, unknown_council
from foicrawl.crawling.process import MODES
from foicrawl.crawling.runs import FAILED, find_run
from foicrawl.urls import normalise_origin

USAGE_ERROR, RUN_FAILED = 2, 1


def problem_with(args: list[str], spider_args: dict[str, str]) -> str | None:
    """What is wrong with `scrapy crawl <args> -a ...`, in one line; None when nothing is."""
    if len(args) != 1:
        return None  # Scrapy's own usage message says it
    try:
        councils = register()
    except (ValueError, OSError) as error:  # an overrides file that does not read
        return f"the council register cannot be read: {error}"
    if args[0] not in councils:
        return unknown_council(args[0], councils)
    if spider_args.get("base_url") is not None:
        try:
            normalise_origin(spider_args["base_url"])
        except ValueError as error:
            return str(error)
    if spider_args.get("mode", "full") not in MODES:
        return f"mode must be one of {', '.join(MODES)}, not {spider_args['mode']!r}"
    return None


def run_failed(crawler) -> bool:
    spider = getattr(crawler, "spider", None)
    run_id = getattr(spider, "run_id", None)
    if run_id is None:
        return True
    with session_factory()() as session:
        run = find_run(session, run_id)
        return run is None or run.status == FAILED


class Command(ScrapyCrawl):
    crawler = None

    def short_desc(self) -> str:
        return "Crawl one council (a slug in foicrawl's register)"

    def process_options(self, args, opts) -> None:
        super().process_options(args, opts)
        problem = problem_with(args, opts.spargs)
        if problem:
            print(f"scrapy crawl: {problem}", file=sys.stderr)
            sys.exit(USAGE_ERROR)

    def _create_crawler(self, spidercls):
        self.crawler = super()._create_crawler(spidercls)
        return self.crawler

    def run(self, args, opts) -> None:
        super().run(args, opts)
        if self.exitcode == 0 and self.crawler is not None and run_failed(self.crawler):
            self.exitcode = RUN_FAILED
