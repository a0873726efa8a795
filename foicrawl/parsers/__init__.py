"""Pure extraction: a saved page in, records out. One module per platform.

Each platform module offers `parse_release(text, url, council)`, `parse_listing(text, url)` and
`is_release_url(url)`.
"""

from types import ModuleType

from foicrawl.parsers import disclosurelog, hastings

PLATFORMS: dict[str, ModuleType] = {"disclosurelog": disclosurelog, "hastings": hastings}
