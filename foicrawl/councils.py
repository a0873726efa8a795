"""The council register (councils.toml): slug, name, platform, live origin, schedule."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Council:
    slug: str
    name: str
    platform: str
    origin: str
    schedule: str = "0 2 * * *"


@cache
def register() -> dict[str, Council]:
    text = resources.files("foicrawl").joinpath("councils.toml").read_text("utf-8")
    return {slug: Council(slug=slug, **entry) for slug, entry in tomllib.loads(text).items()}


def council(slug: str) -> Council:
    try:
        return register()[slug]
    except KeyError:
        raise KeyError(f"unknown council {slug!r}; known: {', '.join(sorted(register()))}") from None
