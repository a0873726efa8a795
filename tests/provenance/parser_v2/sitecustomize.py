"""Loaded by a crawl process whose PYTHONPATH starts here: the Hastings parser "as released in
version 2", a change of text extraction (the title gains a suffix), with its version raised."""

from parser_v2_change import install

from foicrawl.parsers import hastings

install(hastings)
