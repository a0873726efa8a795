"""A fetched document or cited page described as evidence: digest, true size, media type, text and
(for ModernGov pages) parsed fields. Pure, so the crawl and `reindex` describe the same bytes the same
way: the crawl from the response it got, reindex from the archived record.
"""

from __future__ import annotations

import hashlib
from email.message import Message
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from foicrawl.parsers import moderngov
from foicrawl.parsers.document_text import HTML, declared_type, extract_text
from foicrawl.parsers.html_text import decode_html

PAGE, DOCUMENT, WEBSERVICE = "page", "document", "webservice"


def filename_of(content_disposition: str | bytes | None, url: str) -> str | None:
    """The file name a server gives (RFC 6266 `filename*`, a plain or raw UTF-8 `filename`), else
    the last segment of the URL's path. Used to tell a type apart, never as a path on disk."""
    if isinstance(content_disposition, bytes):
        try:
            content_disposition = content_disposition.decode("utf-8")
        except UnicodeDecodeError:
            content_disposition = content_disposition.decode("latin-1")
    if content_disposition:
        message = Message()
        message["content-disposition"] = content_disposition
        name = message.get_filename()
        if name:
            return PurePosixPath(name.replace("\\", "/")).name or None
    segment = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return segment or None


def _header(headers: dict, name: str) -> str | None:
    value = headers.get(name) or headers.get(name.lower())
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return value


def describe(
    body: bytes,
    *,
    url: str,
    status: int | None,
    headers: dict,
    truncated: bool = False,
    moderngov_site: bool = False,
    encoded_body: bool = False,
) -> dict:
    """Fields of an evidence record from a response: `body` with content-coding undone, `headers`
    the response's (Content-Type, Content-Disposition, Content-Length), `url` the address as cited
    (links in a parsed page resolve against it). `truncated`: the body was cut at the size cap;
    `encoded_body`: the response had a Content-Encoding, so Content-Length is not the true size."""
    content_type = _header(headers, "Content-Type")
    name = filename_of(_header(headers, "Content-Disposition"), url)
    length = _header(headers, "Content-Length")
    size = len(body)
    if truncated:
        size = int(length) if length and length.strip().isdigit() and not encoded_body else None
    fields = {
        "declared_type": declared_type(content_type),
        "size": size,
        "stored_size": len(body),
        "truncated": truncated,
        "sha256": hashlib.sha256(body).hexdigest(),
        "text": None,
        "text_reason": None,
        "pages": None,
        "rows": None,
        "parsed": {},
        "reason": None,
    }
    extracted = extract_text(body, content_type, name=name, truncated=truncated)
    fields["media_type"] = extracted.media_type
    kind = moderngov.page_type(url) if moderngov_site else None
    if kind == moderngov.WEBSERVICE or (extracted.media_type in ("text/xml", "application/xml") and moderngov_site):
        fields["kind"] = WEBSERVICE
        if body and not truncated:  # a switched-off method answers 500 "not valid": that is read too
            fields["parsed"] = moderngov.parse_webservice(body, url)
    elif extracted.media_type == HTML:
        fields["kind"] = PAGE
        page_text = decode_html(body, content_type)
        if moderngov_site and moderngov.is_blocked(status, page_text):
            fields["parsed"] = {"type": kind, "blocked": True}
        elif moderngov_site and status == 200 and not truncated:
            fields["parsed"] = moderngov.parse_page(page_text, url)
    else:
        fields["kind"] = DOCUMENT
    fields.update(text=extracted.text, text_reason=extracted.reason, pages=extracted.pages, rows=extracted.rows)
    if status is not None and status >= 400:
        blocked = " (a bot challenge, not the page)" if fields["parsed"].get("blocked") else ""
        fields["reason"] = f"HTTP {status}{blocked}"
    elif truncated:
        total = f" of {size}" if size else ""
        fields["reason"] = f"cut at the size cap: first {len(body)}{total} bytes kept"
    elif extracted.unreadable:
        fields["reason"] = extracted.reason
    return fields

