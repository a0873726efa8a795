"""A 304 answer stays in the WARC (evidence of the recheck) but out of what replay serves: pywb and
the WACZ's own index never offer it as a capture of the release."""

from __future__ import annotations

import gzip
import json
import time
import urllib.request
import zipfile

from foicrawl.catalogue.session import session_factory
from foicrawl.cli import main
from foicrawl.provenance.replay import listen, prepare_pywb, start_server, stop_server
from foicrawl.replica import pages_herefordshire

from helpers import catalogue, warc_records


def test_a_recheck_answered_304_is_never_replayed_as_the_page(replica, crawl, archive, tmp_path):
    server = replica("herefordshire", size=12)
    crawl("herefordshire", server.base_url)
    crawl("herefordshire", server.base_url, mode="incremental")
    not_modified = [r for r in warc_records(archive) if r["type"] == "response" and r["status"] == 304]
    assert len(not_modified) == 10, "the rechecks are kept in the WARC as evidence"

    index = [json.loads(line.split(" ", 2)[2]) for path in (archive / "index").glob("*.cdxj")
             for line in path.read_text().splitlines()]  # fmt: skip
    assert index and not [entry for entry in index if entry.get("status") == "304"]

    wacz = tmp_path / "a.wacz"
    assert main(["export", "--format", "wacz", "-o", str(wacz)]) == 0
    with zipfile.ZipFile(wacz) as package:
        lines = gzip.decompress(package.read("indexes/index.cdx.gz")).decode().splitlines()
        warcs = [n for n in package.namelist() if n.startswith("archive/")]
    assert lines and not [line for line in lines if '"status": "304"' in line]
    assert sum(1 for line in lines if '"status": "200"' in line) >= 12
    assert len(warcs) == 2

    # pywb, asked for the latest capture of a rechecked release, replays the page, not the 304.
    rechecked = not_modified[0]["uri"]
    release = next(r for r in server.site.dataset.listed() if rechecked.endswith(r.uid))
    with session_factory()() as session:
        root = prepare_pywb(session, archive / "warc", archive / "index", tmp_path / "pywb")
    listener = listen(0)
    port = listener.getsockname()[1]
    pywb = start_server(root, listener)
    reply = None
    try:
        for _ in range(100):
            try:
                reply = urllib.request.urlopen(f"http://127.0.0.1:{port}/foicrawl/29991231000000id_/{rechecked}", timeout=10)
                break
            except OSError:
                time.sleep(0.2)
        assert reply is not None and reply.status == 200
        body = reply.read()
        if reply.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        assert body == pages_herefordshire.release_page(release).encode()
    finally:
        stop_server(pywb)
    assert len(catalogue("herefordshire")) == 12
