"""A parser change for tests: Hastings titles read with a suffix, PARSER_VERSION 2."""

SUFFIX = " (as parser 2 reads it)"


def install(hastings) -> None:
    original = getattr(hastings, "_parse_release_v1", hastings.parse_release)

    def parse_release(body, url, council):
        item = original(body, url, council)
        if item.title:
            item.title += SUFFIX
        return item

    hastings._parse_release_v1 = original
    hastings.parse_release = parse_release
    hastings.PARSER_VERSION = 2
