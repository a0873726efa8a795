"""Scoring round-robin grouping and question alignment against a known truth (the replica's, in
the tests and bench/rounds.py)."""

from __future__ import annotations

from dataclasses import dataclass

from foicrawl.rounds.table import UNALIGNED, Comparison

Key = tuple[str, str]  # (council, case reference)


@dataclass
class Scores:
    precision: float
    recall: float
    false: int  # predicted and wrong
    missed: int  # true and not predicted


def _ratio(hits: int, total: int) -> float:
    return hits / total if total else 1.0


def grouping_scores(predicted: list[set[Key]], truth: list[set[Key]]) -> Scores:
    """Pairwise: every unordered pair of releases put in one group is a claim "same request"."""

    def pairs(groups):
        return {frozenset((a, b)) for g in groups for a in g for b in g if a < b}

    found, wanted = pairs(predicted), pairs(truth)
    hits = len(found & wanted)
    return Scores(_ratio(hits, len(found)), _ratio(hits, len(wanted)), len(found - wanted), len(wanted - found))


def alignment_scores(tables: list[Comparison], expected: dict[Key, dict[int, str]]) -> Scores:
    """Each expected answer (a phrase of it) in the row of its question: placed; in another row:
    false; in none: missed."""
    placed = false = missed = 0
    for table in tables:
        for n, column in enumerate(table.columns):
            answers = expected.get((column.council, column.case_ref), {})
            for number, phrase in answers.items():
                rows = {r.key for r in table.rows if r.key != UNALIGNED and r.cells[n] and phrase in r.cells[n].text}
                allowed = {str(k) for k, p in answers.items() if p == phrase}  # one answer to merged questions
                placed += str(number) in rows
                missed += str(number) not in rows
                false += len(rows - allowed)
    return Scores(_ratio(placed, placed + false), _ratio(placed, placed + missed), false, missed)
