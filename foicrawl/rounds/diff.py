"""What changed between two versions of a release: field by field, texts word by word, with both
captures (when fetched, which WARC record)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy.orm import Session

from foicrawl.analysis.worddiff import word_diff
from foicrawl.catalogue.models import Release, ReleaseVersion
from foicrawl.catalogue.releases import ReleaseNotFound, release_by_reference
from foicrawl.errors import FoicrawlError

FIELDS = ("title", "requested_on", "responded_on", "published_on", "request_text", "response_text",
          "response_links", "documents", "url")  # fmt: skip
TEXT_FIELDS = ("title", "request_text", "response_text")


class DiffError(FoicrawlError, LookupError):
    pass


@dataclass
class FieldChange:
    name: str
    old: object
    new: object
    words: list[tuple[str, str]] | None = None  # for texts


@dataclass
class VersionDiff:
    release: Release
    old: ReleaseVersion
    new: ReleaseVersion
    changes: list[FieldChange]


def _plain(value):
    if value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def diff_versions(session: Session, case_ref: str, council: str | None = None, old: int | None = None,
                  new: int | None = None) -> VersionDiff:  # fmt: skip
    """Version `old` (default: the one before `new`) against `new` (default: the latest)."""
    try:
        release = release_by_reference(session, case_ref, council)
    except ReleaseNotFound as error:
        raise DiffError(str(error)) from None
    versions = {v.version: v for v in release.versions}
    new = new or release.latest_version
    old = old or new - 1
    if len(versions) < 2 and not (old in versions and new in versions):
        raise DiffError(f"{release.council} {case_ref} has one version only: nothing has changed since it was first archived")
    for wanted in (old, new):
        if wanted not in versions:
            raise DiffError(f"{case_ref} has versions 1 to {release.latest_version}, not {wanted}")
    a, b = versions[old], versions[new]
    changes = []
    for name in FIELDS:
        before, after = _plain(getattr(a, name)), _plain(getattr(b, name))
        if before != after:
            words = word_diff(before, after) if name in TEXT_FIELDS else None
            changes.append(FieldChange(name, before, after, words))
    return VersionDiff(release, a, b, changes)
