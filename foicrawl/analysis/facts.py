"""What a reader asks first of any release, derived from its text and dates: how many working days
the council took, whether that was past the statutory 20, and which exemptions it cited."""

from __future__ import annotations

from datetime import date

from foicrawl.analysis.exemptions import exemption_tags
from foicrawl.analysis.timeliness import is_late, working_days


def release_facts(requested_on: date | None, responded_on: date | None, response_text: str | None,
                  nation: str = "england") -> dict:  # fmt: skip
    days = working_days(requested_on, responded_on, nation)
    return {"working_days": days, "late": is_late(days), "exemptions": exemption_tags(response_text, nation)}
