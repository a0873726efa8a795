"""Round robins: groups of releases, from different councils, that answer the same request.

A false merge (two different requests shown as one) misleads a reader; a missed member only leaves
a column out. So a pair must pass two tests (the question texts alike as a whole, and most of each
request's questions found in the other), a group holds one release a council, and two groups join
only when every pair across them is alike.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from foicrawl.analysis.similarity import PairScore, pair_score, profile, vectorizer

# Calibrated on the replica (bench/rounds.py): the same request reworded scores a document cosine of
# 0.86 and more; different requests in the same stock phrasing (the same questions about
# "consultancy spending" and "agency staff spending") up to 0.61.
CANDIDATE_COSINE = 0.5  # pairs below this document cosine are not looked at further
SAME_REQUEST_DOCUMENT = 0.7  # both needed for a pair to be the same request
SAME_REQUEST_COVERAGE = 0.75
WEAK_LINK = 0.6  # every pair across two groups joined must score at least this


@dataclass(frozen=True)
class RequestText:
    council: str
    case_ref: str
    title: str
    request_text: str | None
    on: date | None = None  # when it was asked (else published), for ordering and the group id

    @property
    def key(self) -> tuple[str, str]:
        return (self.council, self.case_ref)


@dataclass
class Group:
    id: str
    members: list[RequestText]
    confidence: float  # the weakest accepted pair score inside the group, 0 to 1
    pairs: dict[tuple[tuple[str, str], tuple[str, str]], PairScore] = field(default_factory=dict)

    @property
    def councils(self) -> list[str]:
        return [m.council for m in self.members]


def group_id(anchor: RequestText) -> str:
    """Stable while the group's earliest release stays in it: derived from that release."""
    return "rr-" + hashlib.sha1(f"{anchor.council}\0{anchor.case_ref}".encode()).hexdigest()[:8]


def _order(request: RequestText):
    return (request.on or date.max, request.council, request.case_ref)


def candidate_pairs(documents, councils: list[str], threshold: float = CANDIDATE_COSINE, chunk: int = 2000):
    """(i, j, cosine) for i < j from different councils with cosine >= threshold (sparse products,
    a block of rows at a time so that memory stays small on large catalogues)."""
    council_ids = np.unique(np.array(councils, dtype=object), return_inverse=True)[1]
    transposed = documents.T.tocsc()
    for start in range(0, documents.shape[0], chunk):
        block = (documents[start : start + chunk] @ transposed).tocoo()
        rows, cols, values = block.row + start, block.col, block.data
        keep = (values >= threshold) & (rows < cols) & (council_ids[rows] != council_ids[cols])
        yield from zip(rows[keep].tolist(), cols[keep].tolist(), values[keep].tolist(), strict=True)


def score_pairs(requests: list[RequestText]) -> dict[tuple[int, int], PairScore]:
    """Every candidate pair's score, for pairs of releases whose questions can be compared."""
    profiles = [profile(r.request_text) for r in requests]
    usable = [n for n, p in enumerate(profiles) if p.questions]
    if len(usable) < 2:
        return {}
    model = vectorizer()
    try:
        documents = model.fit_transform([profiles[n].document for n in usable])
    except ValueError:  # nothing but stop words anywhere
        return {}
    question_rows = model.transform([q for n in usable for q in profiles[n].questions])
    offsets = np.cumsum([0] + [len(profiles[n].questions) for n in usable])
    pairs = list(candidate_pairs(documents, [requests[n].council for n in usable]))
    wanted = sorted({n for i, j, _ in pairs for n in (i, j)})
    questions = {n: question_rows[offsets[n] : offsets[n + 1]] for n in wanted}
    return {(usable[i], usable[j]): pair_score(questions[i], questions[j], float(cosine)) for i, j, cosine in pairs}


def is_same_request(score: PairScore) -> bool:
    return score.document >= SAME_REQUEST_DOCUMENT and score.coverage >= SAME_REQUEST_COVERAGE


def group_requests(requests: list[RequestText], min_councils: int = 2) -> list[Group]:
    """The round robins among `requests`, best-matched pairs first, oldest group first."""
    requests = sorted(requests, key=_order)
    scores = score_pairs(requests)
    cluster_of = list(range(len(requests)))
    members: dict[int, list[int]] = {n: [n] for n in range(len(requests))}

    def score_of(i: int, j: int) -> float:
        found = scores.get((min(i, j), max(i, j)))
        return found.score if found else 0.0

    for (i, j), score in sorted(scores.items(), key=lambda kv: (-kv[1].score, kv[0])):
        if not is_same_request(score):
            continue
        a, b = cluster_of[i], cluster_of[j]
        if a == b:
            continue
        if {requests[n].council for n in members[a]} & {requests[n].council for n in members[b]}:
            continue  # one release a council: a council answers a round robin once
        if any(score_of(x, y) < WEAK_LINK for x in members[a] for y in members[b]):
            continue
        for n in members[b]:
            cluster_of[n] = a
        members[a] += members.pop(b)
    groups = []
    for indexes in members.values():
        if len({requests[n].council for n in indexes}) < max(2, min_councils):
            continue
        indexes.sort(key=lambda n: _order(requests[n]))
        inside = {(requests[x].key, requests[y].key): scores[(min(x, y), max(x, y))]
                  for x in indexes for y in indexes if x < y and (min(x, y), max(x, y)) in scores}  # fmt: skip
        accepted = [s.score for s in inside.values() if is_same_request(s)]
        group_members = [requests[n] for n in indexes]
        groups.append(Group(group_id(group_members[0]), group_members, min(accepted) if accepted else 0.0, inside))
    return sorted(groups, key=lambda g: _order(g.members[0]))

