"""How promptly a council answers: working days from request to response over the releases that
show both dates (latest versions), and how many took longer than the statutory 20."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from foicrawl.analysis.timeliness import is_late, working_days
from foicrawl.catalogue.models import Release, ReleaseVersion
from foicrawl.councils import nation_of


@dataclass
class Timeliness:
    dated: int  # releases showing both dates
    median_days: float | None
    late: int

    def describe(self) -> tuple[str, str]:
        if not self.dated:
            return "-", "-"
        share = f"{self.late} ({100 * self.late / self.dated:.0f}%)"
        return f"{self.median_days:g}", share


def timeliness(session: Session, council: str) -> Timeliness:
    rows = session.execute(
        select(ReleaseVersion.requested_on, ReleaseVersion.responded_on)
        .join(Release, (ReleaseVersion.release_id == Release.id) & (ReleaseVersion.version == Release.latest_version))
        .where(Release.council == council, ReleaseVersion.requested_on.is_not(None), ReleaseVersion.responded_on.is_not(None))
    )  # fmt: skip
    nation = nation_of(council)
    days = [d for d in (working_days(r.requested_on, r.responded_on, nation) for r in rows) if d is not None]
    return Timeliness(len(days), median(days) if days else None, sum(bool(is_late(d)) for d in days))
