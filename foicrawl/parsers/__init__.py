"""Pure extraction: a saved page in, records out. One module per platform.

Each platform module offers `parse_release(text, url, council)`, `parse_listing(text, url)`,
`is_release_url(url)` and `PARSER_VERSION`: raise it whenever a change makes the parser read any saved
page's fields differently (tests/parsers/test_parser_versions.py notices when it was forgotten).
A platform whose releases are read from several answers (a JavaScript portal) also offers
`parse_release_exchanges(exchanges, council)` and `evidence(exchanges)`.
"""

from types import ModuleType

from foicrawl.parsers import disclosurelog, hastings, html_text, icasework

PLATFORMS: dict[str, ModuleType] = {"disclosurelog": disclosurelog, "hastings": hastings, "icasework": icasework}


def extraction_version(platform: str) -> str:
    """Which extraction reads a platform's pages today: the platform parser's PARSER_VERSION and the
    shared text helpers' TEXT_HELPERS_VERSION, e.g. "hastings/1+text/1". Stored on every release
    version, so that a field read differently by a later parser is told from a changed page."""
    return f"{platform}/{PLATFORMS[platform].PARSER_VERSION}+text/{html_text.TEXT_HELPERS_VERSION}"
