"""Round-robin groups over what the catalogue holds (each release's latest version)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from foicrawl.analysis.grouping import Group, RequestText, group_requests
from foicrawl.catalogue.models import Release, ReleaseVersion
from foicrawl.errors import FoicrawlError


class NotFound(FoicrawlError, LookupError):
    pass


def held_requests(session: Session) -> list[RequestText]:
    rows = session.execute(
        select(Release.council, Release.case_ref, ReleaseVersion.title, ReleaseVersion.request_text,
               ReleaseVersion.requested_on, ReleaseVersion.published_on, ReleaseVersion.responded_on)
        .join(ReleaseVersion, (ReleaseVersion.release_id == Release.id) & (ReleaseVersion.version == Release.latest_version))
    )  # fmt: skip
    return [RequestText(r.council, r.case_ref, r.title, r.request_text, r.requested_on or r.published_on or r.responded_on)
            for r in rows]  # fmt: skip


def find_groups(session: Session, council: str | None = None, min_councils: int = 2) -> list[Group]:
    """Every round robin in the catalogue (those `council` answered, when given)."""
    groups = group_requests(held_requests(session), min_councils)
    return [g for g in groups if council is None or council in g.councils]


def find_group(session: Session, key: str, council: str | None = None) -> Group:
    """A group by its id (rr-…) or by the case reference of any release in it."""
    groups = find_groups(session)
    for group in groups:
        if group.id == key:
            return group
    matches = [g for g in groups for m in g.members if m.case_ref == key and (council is None or m.council == council)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise NotFound(f"{key} is a reference at {', '.join(sorted({m.council for g in matches for m in g.members if m.case_ref == key}))}: say which with --council")
    held = session.scalar(select(Release.council).where(Release.case_ref == key).limit(1))
    if held is None and not key.startswith("rr-"):
        raise NotFound(f"no release {key} in the catalogue")
    if held is None:
        raise NotFound(f"no round robin {key}: `foicrawl rounds` lists them")
    raise NotFound(f"{key} ({held}) is in no round robin: no other council's release asks the same questions")
