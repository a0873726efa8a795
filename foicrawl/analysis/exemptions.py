"""The exemptions a response cites, as normalised tags: "FOIA s40(2)", "EIR 12(5)(b)".

Councils write them many ways ("Section 40(2)", "s40", "s.43 (2)", "sections 40(2) and 41",
"Regulation 12(5)(b)", "reg. 13", "12(4)(a) of the EIR"). Only the provisions that refuse
information are tagged (FOIA s.12, s.14 and ss.21-44; EIR regs 12(4), 12(5) and 13; their Scottish
counterparts), and a section of another Act ("section 106 of the Town and Country Planning Act",
"Section 38 agreements") is not an exemption.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FOIA, EIR, FOISA, EIRS = "FOIA", "EIR", "FOISA", "EIRS"
_REFUSING = {
    FOIA: {12, 14, *range(21, 45)},
    FOISA: {12, 14, *range(25, 42)},
}
_SUB = r"(?:\s?\(\s*[0-9]{1,2}\s*\)|\s?\(\s*[a-z]{1,4}\s*\))"
_REF = rf"(?P<num>\d{{1,2}})(?P<subs>{_SUB}*)"
_KEYWORD = re.compile(
    r"\b(?:(?P<section>sections?|secs?\.?|ss?\.?(?=\s?\d))|(?P<regulation>regulations?|regs?\.?|eir))\s*(?=\d)",
    re.IGNORECASE,
)
# Exceptions unambiguous without a keyword: 12(4)(a) to 12(5)(g) are EIR's own.
_BARE_EIR = re.compile(r"(?<![\w(])(?P<num>12)(?P<subs>\s?\(\s*[45]\s*\)\s?\(\s*[a-g]\s*\))", re.IGNORECASE)
_REF_AT = re.compile(_REF, re.IGNORECASE)
_LIST_JOIN = re.compile(r"\s*(?:,|and|&|or|/)\s*(?:s\.?|sections?\s+)?", re.IGNORECASE)
_SUB_ONLY = re.compile(rf"(?P<subs>{_SUB}+)", re.IGNORECASE)
_OTHER_ACT = re.compile(r"^[^.;]{0,15}?\bof\s+the\s+(?P<act>(?:[A-Z][\w'()-]*\s+){1,8}(?:Act|Regulations|Order))\b")
_NOT_EXEMPTION_AFTER = re.compile(r"\s*(?:agreements?|notices?|licen[cs]es?|payments?|funding|of\s+the\s+Local)\b", re.I)


@dataclass(frozen=True, order=True)
class Exemption:
    act: str
    number: int
    subs: tuple[str, ...] = ()

    @property
    def tag(self) -> str:
        path = "".join(f"({s})" for s in self.subs)
        return f"{self.act} s{self.number}{path}" if self.act in (FOIA, FOISA) else f"{self.act} {self.number}{path}"

    def keys(self) -> list[str]:
        """Every prefix of the provision, with and without the Act: what a filter may ask for."""
        found = []
        for n in range(len(self.subs) + 1):
            path = f"{self.number}" + "".join(f"({s})" for s in self.subs[:n])
            found += [f"{self.act.lower()}:{path}", f"*:{path}"]
        return found


def _subs(text: str) -> tuple[str, ...]:
    return tuple(part.strip().lower() for part in re.findall(r"\(\s*([0-9a-z]{1,4})\s*\)", text, re.I))


def _act_named(window: str, keyword_is_regulation: bool, nation: str) -> str | None:
    """The Act a mention belongs to, from the words after it; None for an unrelated Act."""
    lowered = window.lower()
    scottish = nation == "scotland"
    if re.search(r"environmental information \(scotland\)|\beir\s?\(?s\)?\b|\beirs\b", lowered):
        return EIRS
    if re.search(r"environmental information regulations|\beir\b", lowered):
        return EIRS if scottish else EIR
    if re.search(r"freedom of information \(scotland\)|\bfoisa\b", lowered):
        return FOISA
    if re.search(r"freedom of information act|\bfoia?\b|\bfoi act\b", lowered):
        return FOISA if scottish and "(scotland)" in lowered else FOIA
    other = _OTHER_ACT.match(window)
    if other and "freedom of information" not in other["act"].lower() and "environmental information" not in other["act"].lower():
        return None
    if keyword_is_regulation:
        return EIRS if scottish else EIR
    return FOISA if scottish else FOIA


def _valid(exemption: Exemption) -> bool:
    if exemption.act in _REFUSING:
        return exemption.number in _REFUSING[exemption.act]
    if exemption.act == EIR:
        return exemption.number == 13 or (exemption.number == 12 and exemption.subs[:1] in (("4",), ("5",)))
    return exemption.number == 11 or (exemption.number == 10 and exemption.subs[:1] in (("4",), ("5",)))


def find_exemptions(text: str | None, nation: str = "england") -> list[Exemption]:
    """The exemptions cited in `text`, each once, in a stable order."""
    if not text:
        return []
    found: set[Exemption] = set()
    for keyword in _KEYWORD.finditer(text):
        regulation = keyword["regulation"] is not None
        position = keyword.end()
        refs: list[tuple[int, tuple[str, ...]]] = []
        while True:
            ref = _REF_AT.match(text, position)
            if ref:
                refs.append((int(ref["num"]), _subs(ref["subs"])))
                position = ref.end()
            elif refs and (sub := _SUB_ONLY.match(text, position)):  # "40(2) and (3)"
                refs.append((refs[-1][0], _subs(sub["subs"])))
                position = sub.end()
            else:
                break
            joined = _LIST_JOIN.match(text, position)
            if not joined or not (_REF_AT.match(text, joined.end()) or _SUB_ONLY.match(text, joined.end())):
                break
            position = joined.end()
        if not refs or _NOT_EXEMPTION_AFTER.match(text, position):
            continue
        act = _act_named(text[position : position + 140], regulation, nation)
        if act is None:
            continue
        for number, subs in refs:
            exemption = Exemption(act, number, subs)
            if _valid(exemption):
                found.add(exemption)
    for bare in _BARE_EIR.finditer(text):
        exemption = Exemption(EIRS if nation == "scotland" else EIR, 12, _subs(bare["subs"]))
        found.add(exemption)
    return _without_covered(found)


def _without_covered(found: set[Exemption]) -> list[Exemption]:
    """"Section 40" and "section 40(2)" in one response: the precise one says it all."""
    kept = [e for e in found
            if not any(o != e and o.act == e.act and o.number == e.number and o.subs[: len(e.subs)] == e.subs
                       for o in found)]  # fmt: skip
    return sorted(kept)


def exemption_tags(text: str | None, nation: str = "england") -> list[str]:
    return [e.tag for e in find_exemptions(text, nation)]


def exemption_keys(tags: list[str]) -> str:
    """The tags as a space-delimited string of filter keys, for a LIKE '% key %' in SQL."""
    keys: list[str] = []
    for tag in tags:
        exemption = parse_tag(tag)
        if exemption:
            keys += [k for k in exemption.keys() if k not in keys]
    return f" {' '.join(keys)} " if keys else ""


def parse_tag(tag: str) -> Exemption | None:
    match = re.fullmatch(r"(FOIA|FOISA|EIR|EIRS) s?(\d{1,2})((?:\([0-9a-z]{1,4}\))*)", tag.strip())
    return Exemption(match[1], int(match[2]), _subs(match[3])) if match else None


def filter_key(query: str) -> str:
    """What a user asks for ("s40", "section 40(2)", "EIR 12(5)(b)", "reg 13", "43(2)") as one
    filter key. Raises ValueError when the text names no provision."""
    text = query.strip()
    act = None
    for name in (FOISA, EIRS, FOIA, EIR):
        if re.match(rf"{name}\b", text, re.IGNORECASE):
            act, text = name, text[len(name):].strip()
            break
    if re.match(r"(?:regulations?|regs?\.?)\s*\d", text, re.IGNORECASE) and act is None:
        act = EIR
    ref = re.fullmatch(rf"(?:sections?|secs?\.?|s\.?|regulations?|regs?\.?)?\s*{_REF}", text, re.IGNORECASE)
    if not ref:
        raise ValueError(f"{query!r} is not an exemption such as s40, section 43(2), EIR 12(5)(b)")
    path = ref["num"] + "".join(f"({s})" for s in _subs(ref["subs"]))
    return f"{act.lower() if act else '*'}:{path}"
