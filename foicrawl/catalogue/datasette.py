"""The catalogue as Datasette shows it: views with readable columns (one row a release, one row a
version), the full-text table behind the search box, and the metadata file that says so.

Datasette reads SQLite files only; `foicrawl browse` prepares the views and the search index,
writes the metadata, then starts Datasette on 127.0.0.1.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from foicrawl.catalogue.search import ensure_index, index_is_stale, rebuild_index

VIEWS = {
    "releases_view": """
        SELECT r.id AS release_id, r.council, r.case_ref AS reference, v.title, v.requested_on AS requested,
               v.responded_on AS responded, v.published_on AS published, i.working_days,
               CASE WHEN i.late THEN 'late' WHEN i.late IS NULL THEN NULL ELSE 'on time' END AS timeliness,
               i.exemptions, v.request_text AS request, v.response_text AS response, r.latest_version AS versions,
               CASE WHEN r.withdrawn THEN 'withdrawn ' || coalesce(r.withdrawn_on, '') ELSE '' END AS withdrawn,
               r.first_seen, r.last_seen, v.url, v.fetched_at AS captured, v.warc_file, v.warc_offset,
               v.warc_record_id
        FROM releases r
        JOIN release_versions v ON v.release_id = r.id AND v.version = r.latest_version
        LEFT JOIN release_index i ON i.release_id = r.id""",
    "versions_view": """
        SELECT r.council, r.case_ref AS reference, v.version, v.title, v.requested_on AS requested,
               v.responded_on AS responded, v.published_on AS published, v.recorded_at AS recorded,
               v.fetched_at AS captured, v.url, v.warc_file, v.warc_offset, v.warc_record_id,
               v.payload_digest, v.content_hash, v.run_id
        FROM release_versions v JOIN releases r ON r.id = v.release_id""",
}


def prepare(session: Session) -> None:
    """Create (or replace) the views, and bring the search index up to date."""
    ensure_index(session)
    if index_is_stale(session):
        rebuild_index(session)
    for name, query in VIEWS.items():
        session.execute(text(f"DROP VIEW IF EXISTS {name}"))
        session.execute(text(f"CREATE VIEW {name} AS {query}"))


def metadata(database: str) -> dict:
    """Datasette metadata: titles, column descriptions, the search box on the releases view."""
    return {
        "title": "foicrawl catalogue",
        "description": "UK councils' FOI disclosure-log releases, one row a release (its latest version), each "
                       "pointing at the WARC record it was read from.",
        "databases": {database: {"tables": {
            "releases_view": {
                "title": "Releases",
                "fts_table": "release_fts",
                "fts_pk": "release_id",
                "sort_desc": "published",
                "facets": ["council", "timeliness"],
                "columns": {
                    "working_days": "working days from request to response (FOIA s.10(6)); over 20 is late",
                    "exemptions": "exemptions the response cites, normalised (FOIA s40(2), EIR 12(5)(b))",
                    "warc_record_id": "the WARC record this version was read from (foicrawl replay shows it)",
                },
            },
            "versions_view": {"title": "Every version of every release", "facets": ["council"]},
            "release_fts": {"hidden": True},
            "release_index": {"hidden": True},
        }}},
    }  # fmt: skip
