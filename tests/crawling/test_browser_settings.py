"""The browser is for portal crawls only: other councils' crawls neither load nor start it."""

import subprocess
import sys

import pytest
from scrapy.crawler import Crawler
from scrapy.utils.project import get_project_settings

from foicrawl.crawling.browser import BrowserMissing, launch_options
from foicrawl.spiders.hastings import HastingsSpider
from foicrawl.spiders.herefordshire import HerefordshireSpider
from foicrawl.spiders.hertfordshire import HertfordshireSpider

HANDLER = "foicrawl.crawling.browser_handler.BrowserDownloadHandler"


def settings_of(spidercls, monkeypatch):
    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "foicrawl.settings")
    return Crawler(spidercls, get_project_settings()).settings


def test_only_the_portal_spider_gets_the_browser(monkeypatch):
    for spidercls in (HastingsSpider, HerefordshireSpider):
        settings = settings_of(spidercls, monkeypatch)
        assert HANDLER not in settings.getwithbase("DOWNLOAD_HANDLERS").values()
        assert "foicrawl.crawling.browser.CrawlMemoryUsage" not in settings.getdict("EXTENSIONS")
    settings = settings_of(HertfordshireSpider, monkeypatch)
    handlers = settings.getwithbase("DOWNLOAD_HANDLERS")
    assert (handlers["http"], handlers["https"]) == (HANDLER, HANDLER)
    extensions = settings.getdict("EXTENSIONS")
    assert extensions["foicrawl.crawling.browser.CrawlMemoryUsage"] == 0 and extensions["scrapy.extensions.memusage.MemoryUsage"] is None
    assert extensions["foicrawl.warc.capture.WarcCapture"] == 100  # the project's own stay


def test_loading_every_spider_does_not_import_playwright():
    code = ("import sys; from scrapy.spiderloader import SpiderLoader; from scrapy.utils.project import get_project_settings;"
            "loader = SpiderLoader.from_settings(get_project_settings()); [loader.load(n) for n in loader.list()];"
            "print(sorted(loader.list()), 'playwright' in sys.modules, 'scrapy_playwright' in sys.modules)")  # fmt: skip
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={"SCRAPY_SETTINGS_MODULE": "foicrawl.settings", "PATH": "/usr/bin:/bin"})  # fmt: skip
    assert result.stdout.split("]")[-1].split() == ["False", "False"]
    assert "hertfordshire" in result.stdout


def test_a_missing_browser_is_named_with_the_way_to_install_it(monkeypatch, tmp_path):
    import foicrawl.crawling.browser as browser

    monkeypatch.setattr(browser, "DEBIAN_CHROMIUM", tmp_path / "none")
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    with pytest.raises(BrowserMissing, match=r"run \./setup\.sh"):
        launch_options()
    assert launch_options("/opt/chrome")["executable_path"] == "/opt/chrome"
