"""How fast the replica answers one plain client on one kept-alive connection (issue 12's floor:
at least 1,500 pages/s, so that crawl benchmarks measure the crawler, not the replica).

    .venv/bin/python bench/replica_speed.py [--size 500] [--requests 1000]
"""

from __future__ import annotations

import argparse
import http.client
import time

from foicrawl.replica.dataset import generate
from foicrawl.replica.server import build_site, serving
from foicrawl.tables import print_table

# A release page's path on each replica, as a crawler asks for it.
RELEASE_PATH = {
    "herefordshire": "/disclosures/{uid}",
    "hastings": "/my-council/freedom-of-information/date/?id={uid}",
}


def pages_per_second(host: str, port: int, paths: list[str], requests: int, encoding: str) -> float:
    connection = http.client.HTTPConnection(host, port)
    started = time.perf_counter()
    for n in range(requests):
        connection.request("GET", paths[n % len(paths)], headers={"Accept-Encoding": encoding})
        connection.getresponse().read()
    elapsed = time.perf_counter() - started
    connection.close()
    return requests / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    rows = []
    for council, path in RELEASE_PATH.items():
        site = build_site(council, generate(council, size=args.size, seed=1))
        with serving(site) as server:
            host, port = server.httpd.server_address[:2]
            paths = [path.format(uid=r.uid) for r in site.dataset.listed()]
            for encoding in ("identity", "gzip"):
                rate = pages_per_second(host, port, paths, args.requests, encoding)
                rows.append([council, encoding, args.requests, f"{rate:.0f}"])
    print_table(rows, ["replica", "Accept-Encoding", "requests", "pages/s (one connection)"])


if __name__ == "__main__":
    main()
