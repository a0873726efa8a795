"""foicrawl: crawl and archive UK councils' Freedom of Information disclosure logs."""

__version__ = "0.1.0"
