"""pywb over the archive, with foicrawl's list of releases as its front page.

Run by the archive tools' own Python (.venv-pywb, where pywb lives), never imported by foicrawl:

    python pywb_server.py --directory ROOT --listen-fd N --front-page FILE

ROOT holds the config.yaml pywb reads. The front page (`/`) is answered here with the bytes of FILE,
which foicrawl wrote with every crawled value HTML-escaped: it never reaches pywb's template engine
(Jinja2), so a release titled `{{ 7*7 }}` is shown as those characters, never evaluated. Every other
path is pywb's. The listening socket comes ready from foicrawl (an inherited descriptor), so a port
in use is reported by foicrawl before pywb starts.
"""

from gevent.monkey import patch_all

patch_all()

import argparse  # noqa: E402 - gevent must patch the standard library first
import os  # noqa: E402
import socket  # noqa: E402

from gevent.pywsgi import WSGIServer  # noqa: E402
from pywb.apps.frontendapp import FrontEndApp  # noqa: E402
from pywb.utils.geventserver import RequestURIWSGIHandler  # noqa: E402

# Even if a value escaped its escaping, no script would run on the front page.
FRONT_PAGE_HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"),
    ("X-Content-Type-Options", "nosniff"),
]


def with_front_page(app, page: bytes):
    def application(environ, start_response):
        if environ.get("PATH_INFO") in ("", "/") and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            start_response("200 OK", [*FRONT_PAGE_HEADERS, ("Content-Length", str(len(page)))])
            return [page] if environ["REQUEST_METHOD"] == "GET" else [b""]
        return app(environ, start_response)

    return application


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--directory", required=True)
    parser.add_argument("--listen-fd", type=int, required=True)
    parser.add_argument("--front-page", required=True)
    args = parser.parse_args()
    with open(args.front_page, "rb") as stream:
        page = stream.read()
    os.chdir(args.directory)  # pywb reads ./config.yaml
    listener = socket.socket(fileno=args.listen_fd)
    server = WSGIServer(listener, with_front_page(FrontEndApp(), page), handler_class=RequestURIWSGIHandler)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
