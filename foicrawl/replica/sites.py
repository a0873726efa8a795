"""Every replica site by council: the two plain sites and the iCasework portal, with the page of the
council's own site that embeds the portal's log."""

from __future__ import annotations

from datetime import date

from foicrawl.replica.dataset import generate
from foicrawl.replica.portal import PORTAL_FAULTS, CouncilPageSite, PortalSite
from foicrawl.replica.portal_data import generate_portal
from foicrawl.replica.server import FAULTS, SITES, ReplicaSite, build_site

PORTAL = "hertfordshire"
COUNCILS = [*SITES, PORTAL]
ALL_FAULTS = {**FAULTS, **PORTAL_FAULTS}


def make_site(council: str, size: int = 300, seed: int = 1, today: date | None = None, theme: str = "standard",
              faults=(), **options) -> ReplicaSite:  # fmt: skip
    """A council's replica site, with those of `faults` that it knows."""
    if council == PORTAL:
        known = tuple(f for f in faults if f in PortalSite.FAULTS)
        return PortalSite(generate_portal(size, seed, today), theme, known, **options)
    return build_site(council, generate(council, size=size, seed=seed, today=today), theme=theme,
                      faults=tuple(f for f in faults if f in FAULTS), **options)  # fmt: skip


def council_page_site(portal: PortalSite, portal_origin: str) -> CouncilPageSite:
    """The council's own site (another origin), embedding the portal served at `portal_origin`."""
    return CouncilPageSite(portal.dataset, portal_origin)
