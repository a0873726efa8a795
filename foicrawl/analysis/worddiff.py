"""Word-level differences between two texts, as `git diff --word-diff` shows them."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str | None, new: str | None) -> list[tuple[str, str]]:
    """(op, text) pieces: op is "=" kept, "-" removed, "+" added. Whitespace stays attached so the
    pieces joined give back either text."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("+", "".join(b[j1:j2])))
    return pieces


def render(pieces: list[tuple[str, str]], context: int | None = 12) -> str:
    """[-removed-]{+added+}, with unchanged runs longer than `context` words shortened."""
    out = []
    for n, (op, text) in enumerate(pieces):
        if op == "-":
            out.append(f"[-{text}-]")
        elif op == "+":
            out.append(f"{{+{text}+}}")
        else:
            words = text.split(" ")
            if context is not None and len(words) > 2 * context:
                head = " ".join(words[:context]) if n else ""
                tail = " ".join(words[-context:]) if n < len(pieces) - 1 else ""
                text = f"{head} … {tail}".strip()
            out.append(text)
    return "".join(out)
