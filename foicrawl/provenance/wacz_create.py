"""`wacz create`, run in the archive tools' environment (.venv-pywb), with one rule added: the WACZ's
index leaves out 304 answers, as foicrawl's own index does (they stay in the WARC files as evidence
of a recheck; replayed, they would be an empty page as the latest capture). Imports only py-wacz:
this file runs under the tools' Python, not foicrawl's.

    .venv-pywb/bin/python -I wacz_create.py create -o out.wacz ...   (-I: not this folder's wacz.py)
"""

import sys

from wacz.main import main
from wacz.waczindexer import WACZIndexer


def is_not_modified(record):
    return (record.rec_type in ("response", "revisit") and record.http_headers is not None
            and record.http_headers.get_statuscode() == "304")  # fmt: skip


_filter = WACZIndexer.filter_record
WACZIndexer.filter_record = lambda self, record: not is_not_modified(record) and _filter(self, record)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
