"""A parser whose output on the saved pages changed carries a new version: the expected records of
the fixtures are fingerprinted per platform in tests/fixtures/parser_versions.json, beside the
extraction version that reads them. Change a parser's output without raising its PARSER_VERSION
(or TEXT_HELPERS_VERSION) and this fails; raise it and record the new fingerprint."""

from __future__ import annotations

import hashlib
import json

import pytest

from foicrawl.councils import register
from foicrawl.parsers import PLATFORMS, extraction_version

from conftest import FIXTURES

RECORDED = FIXTURES / "parser_versions.json"


def fingerprint(platform: str) -> str:
    digest = hashlib.sha256()
    councils = register()
    # Folders named after a council hold its platform's pages; the others (documents, moderngov)
    # belong to the evidence parsers.
    for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name in councils):
        if councils[folder.name].platform == platform:
            for expected in sorted(folder.glob("*.json")):
                digest.update(expected.name.encode() + expected.read_bytes())
    return digest.hexdigest()


@pytest.mark.parametrize("platform", PLATFORMS)
def test_changed_output_means_a_new_parser_version(platform):
    recorded = json.loads(RECORDED.read_text())[platform]
    now = {"version": extraction_version(platform), "expected_records": fingerprint(platform)}
    if now["version"] == recorded["version"]:
        assert now == recorded, (f"the saved pages of {platform} now read differently, but its extraction version is "
                                 f"still {now['version']}: raise PARSER_VERSION (or TEXT_HELPERS_VERSION), then "
                                 f"record {now} in {RECORDED.name}")  # fmt: skip
    else:
        assert now == recorded, f"record the new version in {RECORDED.name}: {now}"
