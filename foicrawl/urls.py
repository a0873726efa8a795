"""A URL's origin and its path on the site: the same page is the same page on the live site, a
mirror or the replica."""

from __future__ import annotations

from urllib.parse import urlsplit


def origin_of(url: str) -> str:
    """`scheme://host[:port]`"""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def normalise_origin(base_url: str) -> str:
    """`scheme://host[:port]`, with no path: the form `-a base_url=` and the register's base_url take."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ValueError(f"base_url must be an origin such as http://127.0.0.1:8801, not {base_url!r}")
    return origin_of(base_url.strip())


def site_key(url: str) -> str:
    """A URL without its origin: path and query."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def on_hosts(url: str, hosts: set[str]) -> bool:
    """Whether `url` is on one of `hosts` (each a host name, any port; or `host:port`, that port only)."""
    parts = urlsplit(url)
    return parts.netloc.lower() in hosts or (parts.hostname or "") in hosts
