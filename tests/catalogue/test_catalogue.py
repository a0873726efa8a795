"""The catalogue's rules: one release per (council, case reference); a changed text is a new version."""

from datetime import UTC, datetime, timedelta

import pytest

from foicrawl.catalogue.releases import content_hash, export_rows, record_release
from foicrawl.catalogue.session import session_factory
from foicrawl.items import ReleaseItem
from foicrawl.pipelines.normalise import normalise
from foicrawl.pipelines.validate import problems

T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def record(**changes) -> dict:
    base = dict(council="hastings", url="https://www.hastings.gov.uk/my-council/freedom-of-information/date/?id=FOIR-1",
                case_ref="FOIR-100000001", title="Beach huts", requested_on="2024-01-02", responded_on=None,
                published_on=None, request_text="How many?", response_text="Twelve.", response_links=[],
                documents=[{"url": "https://www.hastings.gov.uk/files/a.pdf", "title": "A", "media_type": None, "size": None, "sha256": None}],
                dates_as_shown={}, capture={"warc_file": "f.warc.gz", "warc_offset": 10, "warc_record_id": "<urn:uuid:1>",
                                            "payload_digest": "sha1:X", "fetched_at": T0.isoformat()})  # fmt: skip
    return {**base, **changes}


@pytest.fixture
def session(archive):
    with session_factory()() as session:
        yield session


def test_new_unchanged_changed(session):
    assert record_release(session, record(), T0) == "new"
    assert record_release(session, record(), T0 + timedelta(days=1)) == "unchanged"
    assert record_release(session, record(response_text="Thirteen."), T0 + timedelta(days=2)) == "changed"
    assert record_release(session, record(response_text="Thirteen."), T0 + timedelta(days=3)) == "unchanged"
    session.commit()
    [latest] = export_rows(session)
    assert (latest["version"], latest["response_text"]) == (2, "Thirteen.")
    assert latest["first_seen"] == T0.isoformat()
    assert latest["last_seen"] == (T0 + timedelta(days=3)).isoformat()
    versions = list(export_rows(session, all_versions=True))
    assert [(v["version"], v["response_text"]) for v in versions] == [(1, "Twelve."), (2, "Thirteen.")]


def test_same_reference_at_two_councils_is_two_releases(session):
    record_release(session, record(), T0)
    assert record_release(session, record(council="herefordshire"), T0) == "new"
    session.commit()
    assert len(list(export_rows(session))) == 2
    assert [r["council"] for r in export_rows(session, council="herefordshire")] == ["herefordshire"]


def test_the_same_release_read_from_another_host_is_not_a_change():
    moved = record(url="http://127.0.0.1:8801/my-council/freedom-of-information/date/?id=FOIR-1",
                   documents=[{"url": "http://127.0.0.1:8801/files/a.pdf", "title": "A", "media_type": None, "size": None, "sha256": None}])  # fmt: skip
    assert content_hash(moved) == content_hash(record())
    assert content_hash(record(title="Beach huts 2")) != content_hash(record())


def test_normalise_tidies_and_keeps_dates_as_shown():
    item = ReleaseItem(council="hastings", url="u", case_ref=" FOIR-1\u00a0", title="  Beach\n huts ",
                       requested_on="Tue 25 January 2022", responded_on="31 Febtember 2023",
                       request_text="  a  b \n\n\n\n c ", response_text=None)  # fmt: skip
    assert normalise(item) == ["responded_on"]
    assert (item.case_ref, item.title) == ("FOIR-1", "Beach huts")
    assert (item.requested_on, item.responded_on) == ("2022-01-25", None)
    assert item.dates_as_shown == {"requested_on": "Tue 25 January 2022", "responded_on": "31 Febtember 2023"}
    assert item.request_text == "a b\n\nc"


@pytest.mark.parametrize(
    ("case_ref", "title", "reasons"),
    [
        ("FOI2022/00092", "Performance management", {}),
        ("FOI 11914", "Merthyr style", {}),
        (None, "A title", {"no_case_ref": "no case reference"}),
        ("FOIR-1", None, {"no_title": "no title"}),
        ("<b>", "x", {"bad_case_ref": "case reference '<b>' is not a reference"}),
    ],
)
def test_validation(case_ref, title, reasons):
    assert problems(ReleaseItem(council="c", url="u", case_ref=case_ref, title=title)) == reasons


def test_a_catalogue_made_before_a_column_was_added_gets_it(archive):
    """A catalogue written before versions had `sources` keeps working: the column is added, empty."""
    import sqlite3

    from foicrawl.catalogue.session import engine_for

    with session_factory().begin() as session:
        record_release(session, record(), T0)
    engine_for.cache_clear()
    with sqlite3.connect(archive / "catalogue.sqlite") as db:
        db.execute("ALTER TABLE release_versions DROP COLUMN sources")
    with session_factory()() as session:
        [row] = export_rows(session)
    engine_for.cache_clear()
    assert row["capture"]["sources"] == [] and row["title"] == "Beach huts"
    with sqlite3.connect(archive / "catalogue.sqlite") as db:
        assert "sources" in [column[1] for column in db.execute("PRAGMA table_info(release_versions)")]
