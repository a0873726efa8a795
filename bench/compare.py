"""foicrawl's full pipeline against a bare Scrapy crawl of the same replica, side by side in one run.

    .venv/bin/python bench/compare.py [--council herefordshire] [--sizes 500,2000,10000] [--repeat 5]

For each size it starts one replica, then runs, interleaved, each variant `--repeat` times:
  bare           bench/bare_spider.py: the same links, same concurrency; no parsing, pipelines or WARC
  bare+warc      the same, plus a minimal warcio writer on response_downloaded
  foicrawl       `scrapy crawl <council>`: parse, WARC, dedupe, store, index (a fresh archive each
                 run), following the same links (documents, cited pages and requisites off)
then, once, foicrawl with documents, cited pages and requisites fetched (pages/s and CPU a page of
its own, more pages), and one nightly (incremental) run after 10 new releases, with evidence. Each crawl is its own process,
measured inside it by bench/measure.py (spider open to close; start-up left out). It prints medians:
pages/s, CPU ms a page, peak RSS, and foicrawl's ratios to bare.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from foicrawl import settings as foicrawl_settings
from foicrawl.cli.replica import start_replicas
from foicrawl.crawling.process import UNTHROTTLED, crawl_command, crawl_environment
from foicrawl.tables import print_table

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
MEASURE = "measure.Measure"
# The bare spider gets foicrawl's crawl manners on the replica, and nothing else of its settings.
SHARED_SETTINGS = {
    **UNTHROTTLED,
    "CONCURRENT_REQUESTS": str(foicrawl_settings.CONCURRENT_REQUESTS),
    "ROBOTSTXT_OBEY": "True",
    "USER_AGENT": foicrawl_settings.USER_AGENT,
    "TELNETCONSOLE_ENABLED": "False",
    "LOG_LEVEL": "INFO",
}


def measured(command: list[str], cwd: Path, env: dict, scratch: Path, label: str) -> dict:
    figures_file = scratch / f"{label}.json"
    env = {**env, "BENCH_MEASURE_FILE": str(figures_file), "PYTHONPATH": str(BENCH)}
    with open(scratch / f"{label}.log", "wb") as log:
        code = subprocess.call(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    if code != 0 or not figures_file.exists():
        raise SystemExit(f"{label} failed (exit {code}): see {scratch / f'{label}.log'}")
    return json.loads(figures_file.read_text())


def bare_run(council: str, base_url: str, scratch: Path, label: str, warc: bool) -> dict:
    command = [sys.executable, "-m", "scrapy", "runspider", str(BENCH / "bare_spider.py"),
               "-a", f"council={council}", "-a", f"base_url={base_url}"]  # fmt: skip
    if warc:
        command += ["-a", f"warc_dir={scratch / label}"]
    settings = {**SHARED_SETTINGS, "EXTENSIONS": json.dumps({MEASURE: 0})}
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    # Run outside the project, so that Scrapy does not load foicrawl's settings.
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    return measured(command, scratch, env, scratch, label)


# The bare spider follows listings and releases only: so does foicrawl in the comparison. Fetching
# each release's documents, cited pages and page requisites is measured in a row of its own.
RELEASES_ONLY = {"FOICRAWL_FETCH_EVIDENCE": "False", "FOICRAWL_FETCH_REQUISITES": "False"}


def foicrawl_run(council: str, base_url: str, archive: Path, scratch: Path, label: str, mode: str = "full",
                 evidence: bool = False) -> dict:  # fmt: skip
    extensions = {**foicrawl_settings.EXTENSIONS, MEASURE: 0}
    settings = {**UNTHROTTLED, "EXTENSIONS": json.dumps(extensions), "LOG_LEVEL": "INFO",
                **({} if evidence else RELEASES_ONLY)}  # fmt: skip
    command = crawl_command(council, base_url, mode, settings=settings)
    env = {**crawl_environment(), "FOICRAWL_ARCHIVE_DIR": str(archive)}
    env.pop("FOICRAWL_DATABASE_URL", None)
    return measured(command, ROOT, env, scratch, label)


def median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def summary(runs: list[dict]) -> dict:
    return {
        "pages": int(median(runs, "pages")),
        "pages_s": statistics.median(r["pages"] / r["seconds"] for r in runs),
        "cpu_ms": statistics.median(1000 * r["cpu"] / r["pages"] for r in runs),
        "rss": median(runs, "peak_rss_mb"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--council", default="herefordshire", choices=["herefordshire", "hastings"])
    parser.add_argument("--sizes", default="500,2000", help="releases in the replica, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each variant (medians are printed)")
    parser.add_argument("--new", type=int, default=10, help="releases published before the nightly run")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="foicrawl-compare-"))
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        with ExitStack() as stack:
            server = start_replicas(stack, [args.council], size, seed=1, ports={})[args.council]
            results: dict[str, list[dict]] = {"bare": [], "bare+warc": [], "foicrawl": []}
            for n in range(args.repeat):
                label = f"{size}-{n}"
                results["bare"].append(bare_run(args.council, server.base_url, scratch, f"bare-{label}", warc=False))
                results["bare+warc"].append(bare_run(args.council, server.base_url, scratch, f"warc-{label}", warc=True))
                archive = scratch / f"archive-{label}"
                results["foicrawl"].append(foicrawl_run(args.council, server.base_url, archive, scratch, f"foicrawl-{label}"))
            archive = scratch / f"archive-{size}-evidence"
            with_evidence = foicrawl_run(args.council, server.base_url, archive, scratch, f"evidence-{size}", evidence=True)
            urllib.request.urlopen(f"{server.base_url}/__replica__/publish?count={args.new}").read()
            nightly = foicrawl_run(args.council, server.base_url, archive, scratch, f"nightly-{size}", "incremental",
                                   evidence=True)  # fmt: skip
        bare = summary(results["bare"])
        for variant, runs in results.items():
            s = summary(runs)
            rows.append([size, variant, s["pages"], f"{s['pages_s']:.0f}", f"{s['cpu_ms']:.2f}", f"{s['rss']:.0f}",
                         f"{s['pages_s'] / bare['pages_s']:.2f}", f"{s['cpu_ms'] / bare['cpu_ms']:.2f}",
                         f"{s['rss'] / bare['rss']:.2f}"])  # fmt: skip
        for variant, run in (("+ documents", with_evidence), ("foicrawl nightly", nightly)):
            n = summary([run])
            rows.append([size, variant, n["pages"], f"{n['pages_s']:.0f}", f"{n['cpu_ms']:.2f}", f"{n['rss']:.0f}",
                         "-", "-", f"{n['rss'] / bare['rss']:.2f}"])  # fmt: skip
    print(f"{args.council} replica, medians of {args.repeat} interleaved runs; nightly: one incremental run "
          f"after {args.new} new releases")  # fmt: skip
    print_table(rows, ["releases", "variant", "pages", "pages/s", "CPU ms/page", "peak RSS MB",
                       "pages/s ×bare", "CPU ×bare", "RSS ×bare"])  # fmt: skip
    print(f"Logs and archives: {scratch}")


if __name__ == "__main__":
    main()
