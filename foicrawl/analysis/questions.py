"""A request's numbered questions, and a response's answers lined up with them.

Requests number their questions in many ways (`1.`, `1)`, `(1)`, `Q1`, `Question 1:`, `(a)`, `i.`,
bullets); the first numbering met is the top level and any other nests under it as sub-questions.
Answers line up by their own number or by the question restated above them; whatever cannot be
placed (a preamble, a closing note, a response that is not numbered at all) is returned as
unaligned text, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

ARABIC, LETTER, ROMAN, BULLET = "arabic", "letter", "roman", "bullet"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10,
          "xi": 11, "xii": 12, "xiii": 13, "xiv": 14, "xv": 15}  # fmt: skip
_MARKERS = [
    # "Question 1:", "Q1.", "Q.1", "Answer 1", "A1:", "Response to question 1 -"
    (ARABIC, re.compile(r"^(?:(?:response|answer|reply)\s+to\s+)?(?:questions?|q|answers?|a|responses?)\s*\.?\s*"
                        r"(?P<n>\d{1,2})\b\s*[.):\-–]?\s*", re.I)),  # fmt: skip
    (ARABIC, re.compile(r"^\(?(?P<n>\d{1,2})\s*[.):]\s*(?=\S)|^\((?P<m>\d{1,2})\)\s*|^(?P<o>\d{1,2})\s+[-–]\s+")),
    (LETTER, re.compile(r"^\(?(?P<n>[a-z])[.)]\s+|^\((?P<m>[a-z])\)\s*", re.I)),
    (ROMAN, re.compile(r"^\(?(?P<n>(?:x{0,1})(?:ix|iv|v?i{0,3}))[.)]\s+|^\((?P<m>(?:x{0,1})(?:ix|iv|v?i{0,3}))\)\s*", re.I)),
    (BULLET, re.compile(r"^[•●▪◦·\-*–]\s+")),
]
_BLANK = re.compile(r"\n\s*\n")


@dataclass
class Item:
    """One numbered item: its marker, its place in its sequence, its first paragraph (`head`),
    the paragraphs after it before the next item (`tail`), and its sub-items."""

    label: str
    kind: str
    number: int
    head: str
    tail: list[str] = field(default_factory=list)
    subs: list[Item] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The item's whole text: head, sub-items (with their labels) and following paragraphs."""
        parts = [self.head, *(f"{s.label} {s.text}" for s in self.subs), *self.tail]
        return "\n".join(p for p in parts if p)


@dataclass
class Numbered:
    preamble: list[str]
    items: list[Item]
    trailing: list[str]


def _marker(line: str, expect_letter: str | None) -> tuple[str, int, str, str] | None:
    """(kind, number, label, rest) when the line starts with an item marker."""
    stripped = line.strip()
    for kind, pattern in _MARKERS:
        match = pattern.match(stripped)
        if not match or not match.group(0).strip():
            continue
        value = next((v for k, v in match.groupdict().items() if v), None)
        rest = stripped[match.end():].strip()
        if kind == BULLET:
            return BULLET, 0, stripped[0], rest
        if value is None or not rest:
            continue
        if kind == ARABIC:
            return ARABIC, int(value), match.group(0).strip(), rest
        if kind == LETTER and value.lower() in "ivx" and value.lower() != expect_letter:
            continue  # a roman numeral, unless it is the next letter of a lettered list
        if kind == LETTER:
            return LETTER, ord(value.lower()) - 96, match.group(0).strip(), rest
        if value.lower() in _ROMAN:
            return ROMAN, _ROMAN[value.lower()], match.group(0).strip(), rest
    return None


_INLINE = re.compile(r"(?:(?<=\s)|^)\(?(\d{1,2})[.)]\s+(?=\S)")


def _unrun(line: str) -> list[str]:
    """A line holding a whole numbered list ("1) How many? 2) Who?", as web forms flatten
    requests) as one line an item; other lines as they are."""
    marks = [(int(m[1]), m.start()) for m in _INLINE.finditer(line)]
    run: list[int] = []
    for number, start in marks:
        if number == len(run) + 1:
            run.append(start)
    if len(run) < 2:
        return [line]
    cuts = ([0] if run[0] > 0 else []) + run  # words before "1)" make a preamble line of their own
    return [line[a:b].strip() for a, b in zip(cuts, [*cuts[1:], len(line)], strict=True) if line[a:b].strip()]


def split_numbered(text: str | None) -> Numbered:
    """Split text into the paragraphs before the first item, the items, and those after the last."""
    preamble: list[str] = []
    items: list[Item] = []
    trailing: list[str] = []
    top_kind: str | None = None
    current: Item | None = None
    sub: Item | None = None
    last_letter = {LETTER: 0}
    blank_since_item = False
    lines = [part for raw in (text or "").split("\n") for part in (_unrun(raw.strip()) if raw.strip() else [""])]
    for raw in lines:
        line = raw.strip()
        if not line:
            blank_since_item = True
            continue
        expect = chr(97 + last_letter[LETTER]) if last_letter[LETTER] < 26 else None
        marker = _marker(line, expect)
        if marker:
            kind, number, label, rest = marker
            if top_kind is None:
                if kind != BULLET and number != 1:
                    marker = None
                else:
                    top_kind = kind
            if marker and kind == top_kind and not trailing:
                if kind == BULLET:
                    number = len(items) + 1
                if items and kind != BULLET and number <= items[-1].number:
                    trailing.append(line)  # the numbering starts again: another list, not more questions
                    current = sub = None
                    continue
                current = Item(label, kind, number, rest)
                items.append(current)
                sub, blank_since_item = None, False
                last_letter[LETTER] = 0
                continue
            if marker and current is not None and not trailing:
                if kind == LETTER:
                    last_letter[LETTER] = number
                sub = Item(label, kind, number if kind != BULLET else len(current.subs) + 1, rest)
                current.subs.append(sub)
                blank_since_item = False
                continue
        if current is None:
            (trailing if items else preamble).append(line)
        elif not blank_since_item:
            target = sub or current
            target.head = f"{target.head}\n{line}" if target.head else line
        else:
            current.tail.append(line)
            sub = None
    # Paragraphs after the last item: the request's definitions or a response's closing note.
    if current is not None and current.tail and not trailing:
        trailing, current.tail = current.tail, []
    return Numbered(preamble, items, trailing)


# --- questions ------------------------------------------------------------------------------------

_QUESTION_END = re.compile(r"(?<=\?)\s+")


@dataclass
class Question:
    number: int
    label: str
    text: str
    subs: list[str] = field(default_factory=list)

    @property
    def full_text(self) -> str:
        return "\n".join([self.text, *self.subs])


def request_questions(request_text: str | None) -> list[Question]:
    """The questions a request asks, in its own numbering; a request with no numbering but
    several question marks gives one question a sentence; otherwise none."""
    split = split_numbered(request_text)
    if split.items:
        questions = []
        for item in split.items:
            text = "\n".join([item.head, *item.tail]) if item.tail else item.head
            questions.append(Question(item.number, item.label, text, [f"{s.label} {s.text}" for s in item.subs]))
        return questions
    asked = [s.strip() for s in _QUESTION_END.split(request_text or "") if s.strip().endswith("?")]
    if len(asked) >= 2:
        return [Question(n, f"{n}.", q) for n, q in enumerate(asked, 1)]
    return []


# --- answers --------------------------------------------------------------------------------------

_NON_WORD = re.compile(r"[^a-z0-9£%]+")


def _plain(text: str) -> str:
    return _NON_WORD.sub(" ", text.lower()).strip()


def restates(line: str, question: str) -> bool:
    """Whether a line of a response repeats the question (as Herefordshire does above each answer)."""
    a, q = _plain(line), _plain(question)
    if not a or not q:
        return False
    if a == q or (len(q) >= 20 and a.startswith(q)):
        return True
    # Nearly the same words, asked: an answer that echoes the question ("52 street trees were
    # planted in the same period") is an answer, not the question repeated.
    return line.rstrip().endswith("?") and SequenceMatcher(None, a, q, autojunk=False).ratio() >= 0.9


def _restated_prefix(head: str, question: str) -> str | None:
    """The rest of `head` after the restated question, or None when it does not restate it."""
    lines = head.split("\n")
    for n in range(1, len(lines) + 1):
        if restates("\n".join(lines[:n]), question) and (n == len(lines) or not restates("\n".join(lines[: n + 1]), question)):
            remainder = "\n".join(lines[n:]).strip()
            return remainder
    if restates(head, question):
        q = _plain(question)
        return head[len(question):].strip() if _plain(head[: len(question)]) == q else ""
    return None


@dataclass
class Alignment:
    """Answers by question number, and the text that belongs to no question."""

    answers: dict[int, str]
    unaligned: list[str]
    how: dict[int, str] = field(default_factory=dict)  # number -> "number" or "restated question"


def _join(parts: list[str]) -> str:
    return "\n\n".join(p for p in parts if p and p.strip())


def align_answers(questions: list[Question], response_text: str | None) -> Alignment:
    """Line up a response's answers with the request's questions."""
    alignment = Alignment({}, [])
    if not response_text or not response_text.strip():
        return alignment
    by_number = {q.number: q for q in questions}
    split = split_numbered(response_text)
    if split.items and questions:
        alignment.unaligned += split.preamble
        # Below a restated question the answer runs to the end of the response; after an answer
        # given on its numbered line, what follows is a closing note.
        split.items[-1].tail, closing = split.trailing, split.trailing
        for n, item in enumerate(split.items):
            question, answer, how = _place(item, questions, by_number)
            if n == len(split.items) - 1 and how != "restated question" and closing:
                item.tail = []
                question, answer, how = _place(item, questions, by_number)
                alignment.unaligned += closing
            if question is None:
                alignment.unaligned.append(f"{item.label} {item.text}")
                continue
            previous = alignment.answers.get(question.number)
            alignment.answers[question.number] = _join([previous, answer]) if previous else answer
            alignment.how.setdefault(question.number, how)
        return _finish(alignment)
    if questions:
        restated = _by_restated_paragraphs(questions, response_text)
        if restated is not None:
            return _finish(restated)
    alignment.unaligned.append(response_text.strip())
    return _finish(alignment)


def _place(item: Item, questions: list[Question], by_number: dict[int, Question]):
    """Which question a response item answers, its answer text, and how that was decided."""
    candidates = ([by_number[item.number]] if item.number in by_number else []) + questions
    for question in candidates:
        remainder = _restated_prefix(item.head, question.text)
        if remainder is not None and (remainder or item.subs or item.tail):
            subs = [f"{s.label} {s.text}" for s in item.subs]
            return question, _join([remainder, *subs, *item.tail]), "restated question"
    if item.kind == BULLET:
        question = questions[item.number - 1] if item.number <= len(questions) else None
    else:
        question = by_number.get(item.number)
    return question, item.text, "number"


def _by_restated_paragraphs(questions: list[Question], response_text: str) -> Alignment | None:
    """A response without numbers that repeats each question before answering it."""
    paragraphs = [p.strip() for p in _BLANK.split(response_text) if p.strip()]
    alignment, current, found = Alignment({}, []), None, False
    for paragraph in paragraphs:
        first_line, _, rest = paragraph.partition("\n")
        match = next((q for q in questions if restates(first_line, q.text)), None)
        if match is not None:
            found, current = True, match
            remainder = _restated_prefix(first_line, match.text) or ""
            alignment.answers[match.number] = _join([alignment.answers.get(match.number, ""), remainder, rest])
            alignment.how[match.number] = "restated question"
        elif current is None:
            alignment.unaligned.append(paragraph)
        else:
            alignment.answers[current.number] = _join([alignment.answers[current.number], paragraph])
    return alignment if found else None


def _finish(alignment: Alignment) -> Alignment:
    alignment.answers = {n: text for n, text in sorted(alignment.answers.items()) if text.strip()}
    alignment.unaligned = [text for text in alignment.unaligned if text.strip()]
    return alignment
