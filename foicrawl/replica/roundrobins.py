"""Round robins the replica serves, with the truth about them, so tests can score grouping,
question alignment, working days and exemptions.

Each round robin is one request sent to both councils and answered in different words and formats,
as councils do: a trimmed or reworded preamble, another numbering (`1.`, `1)`, `Q1`, roman
numerals), sub-questions, added definitions, questions merged, the request quoted inside a letter,
each question restated above its answer or answers by number only, an answer that cannot be split,
answers sent late (over Christmas, Easter, the Coronation, St Patrick's Day), refusals citing
exemptions in the forms councils write them. Decoys are requests that look alike (the same topic,
the same letter around other questions, one question in common) but are not the same request.

The expected working days were counted by hand from the calendar under FOIA s.10(6) (a bank holiday
in any part of the UK is not a working day); the expected exemptions are written out, not computed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from html import escape

from foicrawl.replica.dataset import ReplicaRelease


@dataclass(frozen=True)
class Variant:
    council: str
    case_ref: str
    title: str
    request_html: tuple[str, ...]
    response_html: tuple[str, ...]
    requested: date | None = None
    responded: date | None = None
    published: date | None = None
    # The truth: which of the round robin's questions this release's own questions ask, in its order
    # (a tuple where it merged two), a phrase of its answer to each, and what the response cites.
    asks: tuple = ()
    answers: dict[int, str] = field(default_factory=dict)
    working_days: int | None = None
    exemptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoundRobin:
    name: str  # None of the council's business: the truth's own label for the group
    questions: tuple[str, ...]
    variants: tuple[Variant, ...]


def ol(*items: str, style: str = "") -> str:
    attribute = f' type="{style}"' if style else ""
    return f"<ol{attribute}>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ol>"


def paragraphs(*texts: str) -> tuple[str, ...]:
    return tuple(f"<p>{escape(t)}</p>" for t in texts)


def restated(pairs) -> tuple[str, ...]:
    """Herefordshire's way: each question repeated, numbered, above its answer."""
    out = []
    for n, (question, answer) in enumerate(pairs, 1):
        out.append(f"<p><strong>{n}. {escape(question)}</strong></p>")
        out += [f"<p>{escape(a)}</p>" for a in ([answer] if isinstance(answer, str) else answer)]
    return tuple(out)


BOILERPLATE = ("I am writing to you under the Freedom of Information Act 2000 to request the following information "
               "from your authority. Please provide the information in electronic format.")  # fmt: skip

LIBRARY_Q = (
    "How many public libraries did the council operate on 1 April 2023?",
    "How many of those libraries have reduced their opening hours since April 2020?",
    "How many libraries are now run by community volunteers rather than paid library staff?",
    "What was the council's total library book fund in 2022/23?",
)
POTHOLE_Q = (
    "How many pothole compensation claims did the council receive from motorists in 2022?",
    "How many of those pothole claims were paid, and what was the total paid out?",
    "What is the average time taken to repair a reported pothole, in days?",
    "Does the council use a pothole repair machine such as a Roadmender or JCB PotholePro?",
)
AI_Q = (
    "Does the council use artificial intelligence or algorithmic tools in any decision about residents?",
    "If so, please name each AI tool and the supplier that provides it.",
    "Has the council completed an equality impact assessment for any AI tool?",
    "Has the council published any of its algorithmic transparency records?",
    "Do staff receive training on the use of generative AI such as ChatGPT or Copilot?",
)
CCTV_Q = (
    "How many public space CCTV cameras does the council operate?",
    "How many of those CCTV cameras are capable of facial recognition?",
    "Please give the locations of the CCTV cameras covering the town centre.",
    "What was the annual maintenance cost of the CCTV network in 2023/24?",
)
TREES_Q = (
    "How many street trees did the council fell in 2023?",
    "How many new street trees were planted in the same period?",
    "Please provide the tree condition survey reports used to justify the felling of street trees on Elm Avenue.",
)
CONTRACTS_Q = (
    "Who is the council's current supplier of temporary agency social workers?",
    "What hourly charge rate does the agency invoice for a qualified social worker?",
    "Please provide the names of the agency social workers placed with the council in 2024.",
)

ROUND_ROBINS = (
    RoundRobin("libraries", LIBRARY_Q, (
        Variant("hastings", "FOIR-520114833", "Library opening hours and volunteers",
                paragraphs(BOILERPLATE) + (ol(*LIBRARY_Q),),
                (ol("Hastings Borough Council is not the library authority; East Sussex County Council runs the two libraries in the borough.",
                    "Neither library has reduced its opening hours since April 2020.",
                    "None: both are staffed by county library employees.",
                    "The borough council holds no library book fund; please ask East Sussex County Council."),),
                requested=date(2023, 3, 6), responded=date(2023, 3, 17), asks=(1, 2, 3, 4),
                answers={1: "two libraries in the borough", 2: "Neither library has reduced", 3: "staffed by county library employees",
                         4: "holds no library book fund"},
                working_days=8),
        Variant("herefordshire", "FOI2023/04417", "Libraries",
                paragraphs("Please could you answer the following about your library service.")
                + tuple(f"<p>Q{n}. {escape(q)}</p>" for n, q in enumerate((
                    "How many public libraries did you run on 1 April 2023?",
                    "Since April 2020, how many of those libraries have had their opening hours cut?",
                    "How many libraries are run by community volunteers instead of paid library staff?",
                    "What was your total library book fund for 2022/23?"), 1)),
                restated([("How many public libraries did you run on 1 April 2023?", "The council operated 11 public libraries on 1 April 2023."),
                          ("Since April 2020, how many of those libraries have had their opening hours cut?", ["Four libraries have reduced their opening hours.",
                                          "Leominster and Ross-on-Wye moved to a four day week in 2021."]),
                          ("How many libraries are run by community volunteers instead of paid library staff?", "Three libraries are community managed with volunteer support."),
                          ("What was your total library book fund for 2022/23?", "The library book fund for 2022/23 was £212,400.")]),
                published=date(2023, 3, 29), asks=(1, 2, 3, 4),
                answers={1: "11 public libraries", 2: "four day week", 3: "community managed with volunteer support",
                         4: "£212,400"}),
    )),
    RoundRobin("potholes", POTHOLE_Q, (
        Variant("hastings", "FOIR-498211637", "Pothole claims",
                paragraphs("Dear Sir or Madam,",
                           "I am a researcher at a motoring charity and we are asking every highway authority in "
                           "England the same questions, so that drivers can compare how councils look after their "
                           "roads. We will publish the results in the spring together with our annual survey of "
                           "road condition. My request is as follows:")
                + tuple(f"<p>{n}) {escape(q)}</p>" for n, q in enumerate(POTHOLE_Q, 1))
                + paragraphs("Thank you for your help. If any part of this request is unclear please contact me. "
                             "Yours faithfully, A. Researcher"),
                paragraphs("Hastings Borough Council is not the highway authority for Hastings. East Sussex County "
                           "Council is responsible for roads and pothole claims in the borough, and we have "
                           "transferred your request to them. We hold no information on pothole compensation claims, "
                           "repair times or repair machines."),
                requested=date(2022, 12, 15), responded=date(2023, 1, 20), asks=(1, 2, 3, 4), answers={},
                working_days=22),
        Variant("herefordshire", "FOI2023/00318", "Pothole compensation claims",
                paragraphs("Under the Freedom of Information Act 2000 I request the following.")
                + (ol("How many compensation claims for pothole damage did you receive from motorists during 2022?",
                      "How many of the pothole claims did you pay, and how much was paid out in total?",
                      "On average, how many days does it take to repair a pothole once it is reported?",
                      "Do you use a pothole repair machine (for example a Roadmender or a JCB PotholePro)?"),),
                (ol("We received 412 pothole compensation claims in 2022.",
                    "57 claims were paid, totalling £38,905.",
                    "Category 1 potholes are repaired in an average of 1.6 days.",
                    "Yes, Balfour Beatty Living Places operates a JCB PotholePro for the council."),),
                published=date(2023, 1, 31), asks=(1, 2, 3, 4),
                answers={1: "412 pothole compensation claims", 2: "£38,905", 3: "1.6 days", 4: "JCB PotholePro"}),
    )),
    RoundRobin("artificial intelligence", AI_Q, (
        Variant("hastings", "FOIR-551873020", "Use of artificial intelligence",
                paragraphs(BOILERPLATE) + (ol(*AI_Q),)
                + paragraphs("Definitions: artificial intelligence (AI) means any system that learns from data to make "
                             "predictions, recommendations or decisions; an algorithmic tool is any software that "
                             "supports a decision about an individual resident."),
                (ol("No. The council does not use AI or algorithmic tools to make decisions about residents.",
                      "Not applicable.",
                      "No equality impact assessment has been needed.",
                      "No algorithmic transparency records have been published.",
                      "Staff completed an e-learning module on Microsoft Copilot in March 2023."),),
                requested=date(2023, 4, 4), responded=date(2023, 5, 10), asks=(1, 2, 3, 4, 5),
                answers={1: "does not use AI or algorithmic tools", 2: "Not applicable", 3: "No equality impact assessment",
                         4: "No algorithmic transparency records", 5: "e-learning module on Microsoft Copilot"},
                working_days=22),
        Variant("herefordshire", "FOI2023/08752", "Artificial intelligence",
                paragraphs("Please tell me about the authority's use of AI.")
                + (ol("Does your authority use any artificial intelligence or algorithmic tool when making decisions about residents?",
                      "If yes, please name each AI tool and its supplier, and say whether an equality impact assessment was completed for it.",
                      "Have you published algorithmic transparency records?",
                      "Are staff trained to use generative AI tools such as ChatGPT or Microsoft Copilot?"),),
                restated([("Does your authority use any artificial intelligence or algorithmic tool when making decisions about residents?",
                           "Yes, in a limited way: the council uses a predictive tool to prioritise housing repairs."),
                          ("If yes, please name each AI tool and its supplier, and say whether an equality impact assessment was completed for it.",
                           "The tool is Repairs Insight, supplied by Northgate; an equality impact assessment was completed in 2022."),
                          ("Have you published algorithmic transparency records?", "One record was published in January 2023."),
                          ("Are staff trained to use generative AI tools such as ChatGPT or Microsoft Copilot?",
                           "Guidance on generative AI was issued to all staff in April 2023.")]),
                published=date(2023, 5, 2), asks=(1, (2, 3), 4, 5),
                answers={1: "predictive tool to prioritise housing repairs", 2: "Repairs Insight", 3: "Repairs Insight",
                         4: "One record was published", 5: "Guidance on generative AI"}),
    )),
    RoundRobin("cctv", CCTV_Q, (
        Variant("hastings", "FOIR-629540178", "CCTV cameras",
                paragraphs(BOILERPLATE) + (ol(*CCTV_Q),),
                (ol("The council operates 64 public space CCTV cameras.",
                    "None of the CCTV cameras can perform facial recognition.",
                    "The locations are withheld under Section 31(1)(a) (prevention or detection of crime): publishing them would help those seeking to avoid the cameras.",
                    "The maintenance cost in 2023/24 was £41,320."),),
                requested=date(2024, 7, 1), responded=date(2024, 8, 1), asks=(1, 2, 3, 4),
                answers={1: "64 public space CCTV cameras", 2: "None of the CCTV cameras", 3: "withheld under Section 31(1)(a)",
                         4: "£41,320"},
                working_days=22, exemptions=("FOIA s31(1)(a)",)),
        Variant("herefordshire", "FOI2024/06631", "Public space CCTV",
                tuple(f"<p>{roman}. {escape(q)}</p>" for roman, q in zip(("i", "ii", "iii", "iv"), CCTV_Q, strict=True)),
                paragraphs("i. 118 cameras.", "ii. None.",
                           "iii. Exempt under s31 of the FOIA: disclosing camera locations would be likely to prejudice the prevention of crime. Some camera sites are also withheld under s.24 (national security).",
                           "iv. £96,750 including the control room contract."),
                published=date(2024, 7, 24), asks=(1, 2, 3, 4),
                answers={1: "118 cameras", 2: "None.", 3: "Exempt under s31", 4: "£96,750"},
                exemptions=("FOIA s24", "FOIA s31")),
    )),
    RoundRobin("street trees", TREES_Q, (
        Variant("hastings", "FOIR-560330112", "Street trees felled and planted",
                paragraphs("Under the Environmental Information Regulations 2004 please provide:")
                + (ol(*TREES_Q, style="i"),),
                paragraphs("We have dealt with your request under the Environmental Information Regulations 2004.")
                + (ol("The council felled 37 street trees in 2023.",
                      "52 street trees were planted in the same period.",
                      "The survey reports are withheld under Regulation 12(5)(b) (the course of justice): they are the subject of current legal proceedings.",
                      style="i"),),
                requested=date(2023, 11, 22), responded=date(2023, 12, 6), asks=(1, 2, 3),
                answers={1: "felled 37 street trees", 2: "52 street trees were planted", 3: "withheld under Regulation 12(5)(b)"},
                working_days=9, exemptions=("EIR 12(5)(b)",)),
        Variant("herefordshire", "EIR2023/01297", "Street tree felling",
                paragraphs("EIR request.") + (ol(*TREES_Q),),
                restated([(TREES_Q[0], "Herefordshire felled 140 street trees in 2023, mostly for ash dieback."),
                          (TREES_Q[1], "310 street trees were planted."),
                          (TREES_Q[2], "The council holds no survey reports for Elm Avenue, so the exception at regulation 12(4)(a) applies (information not held).")]),
                published=date(2023, 12, 19), asks=(1, 2, 3),
                answers={1: "140 street trees", 2: "310 street trees", 3: "regulation 12(4)(a)"},
                exemptions=("EIR 12(4)(a)",)),
    )),
    RoundRobin("agency social workers", CONTRACTS_Q, (
        Variant("hastings", "FOIR-780045219", "Agency social worker supplier",
                paragraphs(BOILERPLATE) + (ol(*CONTRACTS_Q),),
                (ol("The council does not employ social workers: children's and adult social care are county council services.",
                    "Not held.", "Not held."),),
                requested=date(2025, 2, 7), responded=date(2025, 3, 7), asks=(1, 2, 3),
                answers={1: "does not employ social workers", 2: "Not held.", 3: "Not held."},
                working_days=20),
        Variant("herefordshire", "FOI2025/01877", "Agency social workers",
                paragraphs("Please provide the following.")
                + tuple(f"<p>Question {n}: {escape(q)}</p>" for n, q in enumerate(CONTRACTS_Q, 1)),
                tuple(f"<p>Answer {n}: {escape(a)}</p>" for n, a in enumerate((
                    "Our supplier is Matrix SCM through the Eastern Shires Purchasing Organisation framework.",
                    "The charge rate is withheld under section 43 (2) of the Act, as it would prejudice the supplier's commercial interests.",
                    "The names are personal data and are withheld under Section 40(2)."), 1)),
                published=date(2025, 2, 28), asks=(1, 2, 3),
                answers={1: "Matrix SCM", 2: "section 43 (2)", 3: "Section 40(2)"},
                exemptions=("FOIA s40(2)", "FOIA s43(2)")),
    )),
)

# Alike but not the same request: none of these belongs to any group.
DECOYS = (
    Variant("hastings", "FOIR-523980441", "Library volunteers",
            paragraphs(BOILERPLATE) + (ol("How many volunteers helped in council run community centres in 2022?",
                                          "What training do those volunteers receive?",
                                          "Are volunteers covered by the council's insurance?"),),
            (ol("About 40 volunteers.", "Induction and safeguarding training.", "Yes."),),
            requested=date(2023, 3, 20), responded=date(2023, 4, 3), working_days=10),
    Variant("herefordshire", "FOI2023/05102", "Residents' parking permits",
            paragraphs(BOILERPLATE) + (ol("How many residents' parking permits did the council issue in 2022?",
                                          "What is the charge for a first permit?",
                                          "How many penalty charge notices were issued in permit zones?"),),
            (ol("3,102 permits.", "£60 a year.", "1,877 notices."),), published=date(2023, 4, 12)),
    Variant("herefordshire", "FOI2023/09930", "AI in schools",
            paragraphs("Please answer the following about schools.")
            + (ol("Do staff receive training on the use of generative AI such as ChatGPT or Copilot?",
                  "How many maintained schools have a policy on pupils' use of AI for homework?",
                  "Has the council bought AI marking software for schools?"),),
            (ol("Schools arrange their own training.", "Not held.", "No."),), published=date(2023, 6, 1)),
)


def variants_for(council: str) -> list[Variant]:
    return [v for rr in ROUND_ROBINS for v in rr.variants if v.council == council] + [
        d for d in DECOYS if d.council == council]  # fmt: skip


def replica_release(variant: Variant) -> ReplicaRelease:
    uid = variant.case_ref if variant.council == "hastings" else str(uuid.uuid5(uuid.NAMESPACE_URL, variant.case_ref))
    return ReplicaRelease(
        uid=uid, case_ref=variant.case_ref, title=variant.title,
        requested=variant.requested, responded=variant.responded, published=variant.published,
        category="Council and democracy" if variant.council == "hastings" else None,
        request_html=list(variant.request_html), response_html=list(variant.response_html),
    )  # fmt: skip


# --- the truth, for tests and benchmarks ------------------------------------------------------------

SEED_GROUP = ("performance", (("hastings", "FOIR-395819655"), ("herefordshire", "FOI2022/00092")))


# The seed pair's answers, as published (the alignment every comparison must get right).
SEED_ANSWERS = {
    ("hastings", "FOIR-395819655"): {1: "corp-plan/progress", 2: "corp-plan/progress", 3: "0.5 FTE", 4: "completed quarterly",
                                     5: "Smartsheet", 6: "same process", 7: "LG Inform", 8: "track performance improvements"},
    ("herefordshire", "FOI2022/00092"): {1: "reported quarterly through Cabinet", 2: "performance management framework",
                                         3: "The budget is £855k", 4: "3200 hours", 5: "PowerBI", 6: "operational performance",
                                         7: "benchmark data", 8: "adult social care"},
}


def true_groups(held: set[tuple[str, str]] | None = None) -> dict[str, set[tuple[str, str]]]:
    """Each round robin's releases, (council, case reference), limited to those `held`."""
    groups = {SEED_GROUP[0]: set(SEED_GROUP[1])}
    for rr in ROUND_ROBINS:
        groups[rr.name] = {(v.council, v.case_ref) for v in rr.variants}
    if held is not None:
        groups = {name: members & held for name, members in groups.items()}
    return {name: members for name, members in groups.items() if len(members) >= 2}


def expected_answers() -> dict[tuple[str, str], dict[int, str]]:
    """A phrase of each release's answer to each question, by (council, case reference)."""
    return {(v.council, v.case_ref): v.answers for rr in ROUND_ROBINS for v in rr.variants} | SEED_ANSWERS


def truth_by_release() -> dict[tuple[str, str], Variant]:
    return {(v.council, v.case_ref): v for rr in ROUND_ROBINS for v in rr.variants} | {
        (d.council, d.case_ref): d for d in DECOYS}  # fmt: skip

