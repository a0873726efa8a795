"""Round robins end to end: both replicas crawled, then rounds, compare, search, diff and export
read back from the catalogue, scored against the replica's ground truth."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import pytest

from foicrawl.catalogue.session import session_factory
from foicrawl.cli import main
from foicrawl.crawling.process import run_crawl
from foicrawl.replica import roundrobins
from foicrawl.replica.dataset import generate
from foicrawl.replica.server import build_site, serving
from foicrawl.rounds.evaluation import alignment_scores, grouping_scores
from foicrawl.rounds.groups import find_groups
from foicrawl.rounds.table import build_comparison

from conftest import FAST
from helpers import catalogue

SIZE = 60  # every planted round robin and decoy is served from about 50 releases a council


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    directory = tmp_path_factory.mktemp("rounds") / "archive"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOICRAWL_ARCHIVE_DIR", str(directory))
        patch.delenv("FOICRAWL_DATABASE_URL", raising=False)
        sites = {c: build_site(c, generate(c, size=SIZE)) for c in ("hastings", "herefordshire")}
        with serving(sites["hastings"]) as hastings, serving(sites["herefordshire"]) as herefordshire:
            for council, server in (("hastings", hastings), ("herefordshire", herefordshire)):
                assert run_crawl(council, server.base_url, settings=FAST, log_file=directory / f"{council}.log").returncode == 0
            sites["hastings"].dataset.edit("FOIR-395819655", "Update: 0.5 FTE became 0.6 FTE in April.")
            assert run_crawl("hastings", hastings.base_url, settings=FAST, log_file=directory / "again.log").returncode == 0
    return directory


@pytest.fixture
def archived(crawled, archive):
    shutil.copytree(crawled, archive)
    return archive


def comparison_for(key: str):
    with session_factory()() as session:
        from foicrawl.rounds.groups import find_group

        return build_comparison(session, find_group(session, key))


def test_seed_pair_is_one_group_with_eight_aligned_rows(archived):
    table = comparison_for("FOI2022/00092")
    councils = [c.council for c in table.columns]
    assert sorted(councils) == ["hastings", "herefordshire"]
    rows = [r for r in table.rows if r.key != "unaligned"]
    assert [r.key for r in rows] == [str(n) for n in range(1, 9)]
    q3 = {c.council: cell.text for c, cell in zip(table.columns, rows[2].cells, strict=True)}
    assert q3["herefordshire"].endswith("£855k.") and q3["hastings"] == "0.5 FTE."
    # Hastings' later edit added a closing paragraph: kept whole in the unaligned row, not dropped.
    unaligned = {c.council: cell.text if cell else None for c, cell in zip(table.columns, table.rows[-1].cells, strict=True)}
    assert table.rows[-1].key == "unaligned"
    assert unaligned == {"hastings": "Update: 0.5 FTE became 0.6 FTE in April.", "herefordshire": None}
    hastings = table.columns[councils.index("hastings")]
    assert (hastings.working_days, hastings.late, hastings.version) == (7, False, 2)
    assert hastings.warc_record_id.startswith("<urn:uuid:") and hastings.replay_url.startswith("http://127.0.0.1:8080/foicrawl/")


def grouping_and_alignment_scores():
    """Precision and recall of grouping (pairs of releases) and of question alignment (answers in
    the right row) against the replica's truth."""
    held = {(r["council"], r["case_ref"]) for r in catalogue()}
    truth = roundrobins.true_groups(held)
    with session_factory()() as session:
        groups = find_groups(session)
        tables = [build_comparison(session, g) for g in groups]
    predicted = [{(m.council, m.case_ref) for m in g.members} for g in groups]
    return len(truth), grouping_scores(predicted, list(truth.values())), alignment_scores(tables, roundrobins.expected_answers())


def test_grouping_and_alignment_against_the_replica_truth(archived):
    groups, grouping, alignment = grouping_and_alignment_scores()
    print(f"\ngrouping: precision {grouping.precision:.2f}, recall {grouping.recall:.2f} over {groups} true groups;"
          f" alignment: precision {alignment.precision:.2f}, recall {alignment.recall:.2f}")
    assert groups == 7
    assert (grouping.false, grouping.missed) == (0, 0)
    assert (alignment.false, alignment.missed) == (0, 0) and alignment.precision == alignment.recall == 1.0


def test_working_days_and_exemptions_exact_on_the_truth(archived):
    rows = {(r["council"], r["case_ref"]): r for r in catalogue()}
    for key, variant in roundrobins.truth_by_release().items():
        row = rows[key]
        assert row["working_days"] == variant.working_days, key
        assert row["late"] == (None if variant.working_days is None else variant.working_days > 20), key
        assert row["exemptions"] == sorted(variant.exemptions), key


def test_rounds_lists_groups_and_compare_writes_each_format(archived, capsys, tmp_path):
    assert main(["rounds", "--council", "herefordshire"]) == 0
    out = capsys.readouterr().out
    assert "FOIR-395819655" in out and "FOI2022/00092" in out and out.count("rr-") == 7
    group = re.search(r"(rr-[0-9a-f]{8})\s+How your authority", out)[1]
    for fmt in ("csv", "json", "html"):
        assert main(["compare", group, "--format", fmt, "-o", str(tmp_path / f"t.{fmt}")]) == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "t.csv").read_text())))
    assert [r[0] for r in rows[13:]][:1] == ["1. How do you report performance to residents?"]
    assert len([r for r in rows if re.match(r"\d\. ", r[0])]) == 8
    data = json.loads((tmp_path / "t.json").read_text())
    assert data["group_id"] == group and [r["key"] for r in data["rows"]] == [*"12345678", "unaligned"]
    page = (tmp_path / "t.html").read_text()
    assert "£855k" in page and "0.5 FTE" in page and 'src="http' not in page and "<link" not in page
    assert main(["compare", "FOI2099/00001"]) == 1
    assert "no release FOI2099/00001" in capsys.readouterr().err


def test_compare_html_and_csv_treat_crawled_text_as_data(archived, tmp_path):
    from foicrawl.rounds import render
    from foicrawl.rounds.table import Cell

    table = comparison_for("FOIR-629540178")
    table.rows[0].cells[0] = Cell('<script>alert(1)</script> =HYPERLINK("http://evil")')
    table.columns[0].replay_url = "javascript:alert(1)"
    html_out, csv_out = io.StringIO(), io.StringIO()
    render.write_html(table, html_out)
    render.write_csv(table, csv_out)
    assert "<script>" not in html_out.getvalue() and "&lt;script&gt;" in html_out.getvalue()
    assert 'href="javascript' not in html_out.getvalue()
    cells = [cell for row in csv.reader(io.StringIO(csv_out.getvalue())) for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_search_finds_the_seed_releases_with_filters(archived, capsys):
    assert main(["search", "performance management handbook", "--json"]) == 0
    hits = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {(h["council"], h["case_ref"]) for h in hits[:2]} == {("hastings", "FOIR-395819655"), ("herefordshire", "FOI2022/00092")}
    assert all(h["capture"]["warc_record_id"] and "[" in h["snippet"] for h in hits[:2])
    assert main(["search", "handbook", "--council", "herefordshire", "--json"]) == 0
    assert {json.loads(line)["council"] for line in capsys.readouterr().out.splitlines()} == {"herefordshire"}
    assert main(["search", "social workers", "--exemption", "s40", "--json"]) == 0
    hits = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert "FOI2025/01877" in [h["case_ref"] for h in hits]
    assert all(any(tag.startswith("FOIA s40") for tag in h["exemptions"]) for h in hits)
    assert main(["search", "trees", "--exemption", "EIR 12(5)(b)", "--since", "2023-01-01", "--json"]) == 0
    hits = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert "FOIR-560330112" in [h["case_ref"] for h in hits] and "EIR2023/01297" not in [h["case_ref"] for h in hits]
    assert all("EIR 12(5)(b)" in h["exemptions"] and h["dated"] >= "2023-01-01" for h in hits)
    assert main(["search", "s40(2) AND (", "--json"]) == 0  # user text is never query syntax
    assert main(["search", "--", "-handbook"]) == 1
    assert "at least one word" in capsys.readouterr().err


def test_reindex_rebuilds_the_search_index(archived, capsys):
    assert main(["reindex"]) == 0
    capsys.readouterr()
    assert main(["search", "Balfour Beatty Living Places", "--json"]) == 0
    assert [json.loads(line)["case_ref"] for line in capsys.readouterr().out.splitlines()] == ["FOI2023/00318"]


def test_diff_shows_the_edit_word_by_word_with_both_captures(archived, capsys):
    assert main(["diff", "FOIR-395819655"]) == 0
    out = capsys.readouterr().out
    assert "version 1 -> version 2" in out and out.count("<urn:uuid:") == 2
    assert "== response_text" in out and "{+" in out and "0.6 FTE in April." in out
    assert main(["diff", "FOI2022/00092"]) == 1
    assert "one version only" in capsys.readouterr().err


def test_datasette_opens_the_catalogue_with_views_and_search(archived):
    import asyncio

    from datasette.app import Datasette

    from foicrawl.catalogue import datasette

    with session_factory().begin() as session:
        datasette.prepare(session)
    database = archived / "catalogue.sqlite"
    app = Datasette([str(database)], metadata=datasette.metadata("catalogue"))

    async def get(path):
        response = await app.client.get(path)
        assert response.status_code == 200, response.text
        return response.json()

    found = asyncio.run(get("/catalogue/releases_view.json?_search=performance+handbook&_shape=array"))
    assert {(r["council"], r["reference"]) for r in found} >= {("hastings", "FOIR-395819655"), ("herefordshire", "FOI2022/00092")}
    cctv = asyncio.run(get("/catalogue/releases_view.json?reference=FOIR-629540178&_shape=array"))[0]
    assert (cctv["working_days"], cctv["timeliness"], cctv["exemptions"]) == (22, "late", "FOIA s31(1)(a)")
    assert cctv["warc_record_id"].startswith("<urn:uuid:")
    versions = asyncio.run(get("/catalogue/versions_view.json?reference=FOIR-395819655&_shape=array"))
    assert [v["version"] for v in versions] == [1, 2]


def test_stats_shows_timeliness(archived, capsys):
    assert main(["stats"]) == 0
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("hastings"))
    late = sum(1 for r in catalogue("hastings") if r["late"])
    assert f"{late} (" in line and late >= 3


def test_search_on_postgresql(postgres, replica, crawl, archive, monkeypatch, capsys):
    monkeypatch.setenv("FOICRAWL_DATABASE_URL", postgres)
    server = replica("herefordshire", size=45)
    crawl("herefordshire", server.base_url)
    for _ in range(2):  # as crawled, then rebuilt by reindex
        assert main(["search", "performance management handbook", "--json"]) == 0
        hits = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert hits[0]["case_ref"] == "FOI2022/00092" and "[" in hits[0]["snippet"] and hits[0]["capture"]["warc_file"]
        assert main(["search", "social workers", "--exemption", "s40", "--json"]) == 0
        assert [json.loads(line)["case_ref"] for line in capsys.readouterr().out.splitlines()] == ["FOI2025/01877"]
        for query, found in (('"street trees"', ["EIR2023/01297"]), ('"street trees" -dieback', [])):
            assert main(["search", query, "--since", "2023-01-01", "--json"]) == 0
            assert [json.loads(line)["case_ref"] for line in capsys.readouterr().out.splitlines()] == found
        assert main(["reindex"]) == 0
        capsys.readouterr()


def test_search_finds_a_release_by_its_fetched_documents_text(archived, capsys):
    from sqlalchemy import select

    from foicrawl.catalogue.models import Evidence, EvidenceLink, Release, ReleaseVersion

    with session_factory()() as session:
        found = session.execute(
            select(Release.case_ref, ReleaseVersion.title, ReleaseVersion.request_text, ReleaseVersion.response_text,
                   ReleaseVersion.documents, Evidence.text)
            .join(ReleaseVersion, (ReleaseVersion.release_id == Release.id) & (ReleaseVersion.version == Release.latest_version))
            .join(EvidenceLink, EvidenceLink.version_id == ReleaseVersion.id).join(Evidence, Evidence.id == EvidenceLink.evidence_id)
            .where(EvidenceLink.role == "document", Evidence.text.is_not(None))
        ).all()  # fmt: skip
    assert found, "the replica's documents were fetched with their text"
    own = lambda row: (" ".join(filter(None, row[1:4])) + json.dumps(row[4])).lower()  # noqa: E731  (titles too)
    case_ref, word = next((row[0], w) for row in found for w in re.findall(r"[A-Za-z]{6,}", row[5]) if w.lower() not in own(row))
    assert main(["search", word, "--limit", "100", "--json"]) == 0
    assert case_ref in [json.loads(line)["case_ref"] for line in capsys.readouterr().out.splitlines()]
