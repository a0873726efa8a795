"""How alike two requests are, question by question, with the words every request shares discounted.

Similarity is scikit-learn's TF-IDF (word unigrams and bigrams, sublinear term frequency, cosine):
inverse document frequency over the catalogue makes the words all requests share (the boilerplate,
the stock phrasing of "how many ... in each of the last three financial years") count for little
and the words of the subject for much; a stop list of FOI vocabulary does the same when the
catalogue is too small for frequencies to say it. Only the questions are compared, not the
preamble, the definitions or the letter around them, which councils trim and reword.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from foicrawl.analysis.questions import request_questions

# Words any FOI request may use whatever it asks about: they say nothing about which request it is.
FOI_WORDS = set("""
freedom information act acts regulation regulations environmental request requests requested requesting
council councils authority authorities local borough district county city unitary public body bodies
provide provided providing please kindly could would like know following copy copies detail details data
number numbers many much total totals year years financial annual annually month months monthly week weeks
period periods current currently last previous past recent each also thank thanks regards dear sir madam
faithfully sincerely writing write wish wishes asked ask question questions answer answers respond response
responses held hold holds electronic format form email emails regarding relating relation related respect
include includes including breakdown broken list specify case cases record records recorded figure figures
yes whether note available send let confirm able apply applicable relevant particular specific given
""".split())
STOPWORDS = frozenset(ENGLISH_STOP_WORDS | FOI_WORDS)
# Sentences of the FOI letter itself, not of the question: dropped before a request without
# numbered questions is compared.
BOILERPLATE = re.compile(
    r"freedom of information|environmental information regulations|\bFOIA?\b|\bEIR\b|i am writing|i would like to request"
    r"|dear (?:sir|madam|foi|information)|yours (?:faithfully|sincerely)|kind regards|many thanks|thank you"
    r"|electronic (?:form|format|copy)|acknowledge receipt|look forward|if you (?:require|need) (?:any )?clarification"
    r"|(?:please )?(?:could you )?provide (?:me with )?the following",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[a-z][a-z'’]+")


def _stem(word: str) -> str:
    """Plurals and -ing/-ed forms to one word: report, reports, reported, reporting."""
    word = word.replace("’", "'").removesuffix("'s").strip("'")
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            return word[: -len(suffix)] + keep
    return word


def tokens(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 2]


def core_text(request_text: str | None) -> str:
    """The request without the sentences of the letter around it."""
    sentences = _SENTENCE.split(request_text or "")
    return " ".join(s for s in sentences if s.strip() and not BOILERPLATE.search(s))


@dataclass
class RequestProfile:
    """What is compared of one request: its questions (or, without any, its core text)."""

    questions: list[str]
    document: str = field(init=False)

    def __post_init__(self):
        self.document = "\n".join(self.questions)


def profile(request_text: str | None) -> RequestProfile:
    questions = [q.full_text for q in request_questions(request_text)]
    if not questions:
        core = core_text(request_text)
        questions = [core] if core.strip() else []
    return RequestProfile(questions)


def vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(tokenizer=tokens, lowercase=False, token_pattern=None, ngram_range=(1, 1),
                           sublinear_tf=True, dtype=np.float32)  # fmt: skip


@dataclass
class PairScore:
    document: float  # cosine of the two requests' question texts
    coverage: float  # the smaller share of either request's questions found in the other
    score: float


QUESTION_MATCH = 0.4  # a question counts as asked by the other request at this cosine or above


def pair_score(questions_a, questions_b, document_cosine: float) -> PairScore:
    """Score two requests from their question vectors (rows, L2-normalised) and document cosine."""
    if questions_a.shape[0] == 0 or questions_b.shape[0] == 0:
        return PairScore(document_cosine, 0.0, 0.0)
    similarity = (questions_a @ questions_b.T).toarray()
    covered_a = float((similarity.max(axis=1) >= QUESTION_MATCH).mean())
    covered_b = float((similarity.max(axis=0) >= QUESTION_MATCH).mean())
    coverage = min(covered_a, covered_b)
    return PairScore(document_cosine, coverage, round((document_cosine + coverage) / 2, 4))
