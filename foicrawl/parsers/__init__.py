"""Pure extraction: a saved page in, records out. One module per platform.

Each platform module offers `parse_release(text, url, council)`, `parse_listing(text, url)` and
`is_release_url(url)`. A platform whose releases are read from several answers (a JavaScript portal)
also offers `parse_release_exchanges(exchanges, council)` and `evidence(exchanges)`.
"""

from types import ModuleType

from foicrawl.parsers import disclosurelog, hastings, icasework

PLATFORMS: dict[str, ModuleType] = {"disclosurelog": disclosurelog, "hastings": hastings, "icasework": icasework}
