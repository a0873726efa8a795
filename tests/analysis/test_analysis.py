"""Questions, answers, working days and exemptions on the real seed texts and written-out cases."""

from datetime import date

import pytest

from foicrawl.analysis.exemptions import exemption_keys, exemption_tags, filter_key
from foicrawl.analysis.grouping import RequestText, group_requests
from foicrawl.analysis.questions import align_answers, request_questions, split_numbered
from foicrawl.analysis.timeliness import is_late, working_days
from foicrawl.parsers import disclosurelog, hastings
from foicrawl.pipelines.normalise import normalise

from conftest import fixture_page


def seeds():
    h = disclosurelog.parse_release(*fixture_page("herefordshire/release_seed_standard.html"), "herefordshire")
    s = hastings.parse_release(*fixture_page("hastings/release_shared.html"))
    normalise(h)
    normalise(s)
    return h, s


def test_seed_pair_questions_and_answers_line_up():
    herefordshire, hastings_item = seeds()
    for item in (herefordshire, hastings_item):
        questions = request_questions(item.request_text)
        assert [q.number for q in questions] == list(range(1, 9))
        assert questions[2].text == "What budget do you have allocated towards your performance management* initiatives per annum?"
    h = align_answers(request_questions(herefordshire.request_text), herefordshire.response_text)
    s = align_answers(request_questions(hastings_item.request_text), hastings_item.response_text)
    assert sorted(h.answers) == sorted(s.answers) == list(range(1, 9))
    assert h.answers[3].endswith("The budget is £855k.") and not h.answers[3].startswith("What budget")
    assert s.answers[3] == "0.5 FTE."
    assert set(h.how.values()) == {"restated question"} and set(s.how.values()) == {"number"}
    assert h.unaligned == s.unaligned == []


def test_seed_pair_is_one_group_despite_trimmed_preamble():
    herefordshire, hastings_item = seeds()
    requests = [RequestText(i.council, i.case_ref, i.title, i.request_text) for i in (herefordshire, hastings_item)]
    groups = group_requests(requests)
    assert len(groups) == 1 and {m.case_ref for m in groups[0].members} == {"FOI2022/00092", "FOIR-395819655"}


@pytest.mark.parametrize("text", [
    "1. Alpha one?\n2. Beta two?",
    "1) Alpha one?\n2) Beta two?",
    "Q1. Alpha one?\nQ2 Beta two?",
    "Question 1: Alpha one?\nQuestion 2: Beta two?",
    "(a) Alpha one?\n(b) Beta two?",
    "i. Alpha one?\nii. Beta two?",
    "(1) Alpha one?\n(2) Beta two?",
])  # fmt: skip
def test_numbering_styles(text):
    assert [q.text for q in request_questions(text)] == ["Alpha one?", "Beta two?"]


def test_sub_questions_stay_under_their_question_and_definitions_are_trailing():
    text = ("Please tell me:\n1. How many cameras?\n(a) in the town centre\n(b) elsewhere\n2. Who maintains them?\n\n"
            "Definitions: camera means a fixed CCTV camera.")
    split = split_numbered(text)
    assert [i.number for i in split.items] == [1, 2]
    assert [s.head for s in split.items[0].subs] == ["in the town centre", "elsewhere"]
    assert split.preamble == ["Please tell me:"] and split.trailing == ["Definitions: camera means a fixed CCTV camera."]
    questions = request_questions(text)
    assert questions[0].subs == ["(a) in the town centre", "(b) elsewhere"]


def test_an_answer_that_cannot_be_split_is_kept_whole():
    questions = request_questions("1. How many?\n2. Who?")
    prose = "We do not hold this information. East Sussex County Council is the highway authority."
    alignment = align_answers(questions, prose)
    assert alignment.answers == {} and alignment.unaligned == [prose]
    numbered = align_answers(questions, "Thank you for your request.\n1. Twelve.\n2. The ICT team.\n\nWe hope this helps.")
    assert numbered.answers == {1: "Twelve.", 2: "The ICT team."}
    assert numbered.unaligned == ["Thank you for your request.", "We hope this helps."]


def test_answers_by_restated_question_without_numbers():
    questions = request_questions("1. How many public libraries do you run?\n2. What is the book fund?")
    response = "How many public libraries do you run?\nEleven.\n\nWhat is the book fund?\n£212,400."
    alignment = align_answers(questions, response)
    assert alignment.answers == {1: "Eleven.", 2: "£212,400."}


@pytest.mark.parametrize(("received", "responded", "nation", "days"), [
    (date(2022, 1, 25), date(2022, 2, 3), "england", 7),  # the Hastings seed
    (date(2023, 3, 6), date(2023, 3, 17), "england", 8),  # St Patrick's Day is a UK bank holiday (NI)
    (date(2023, 3, 6), date(2023, 3, 17), "scotland", 9),  # ...but not in Scotland
    (date(2022, 12, 15), date(2023, 1, 20), "england", 22),  # Christmas, New Year, Scotland's 3 January
    (date(2023, 4, 4), date(2023, 5, 10), "england", 22),  # Easter, May Day, the Coronation
    (date(2023, 11, 22), date(2023, 12, 6), "england", 9),  # St Andrew's Day
    (date(2023, 11, 22), date(2023, 12, 6), "scotland", 9),
    (date(2025, 2, 7), date(2025, 3, 7), "england", 20),
    (date(2024, 3, 1), date(2024, 3, 1), "england", 0),
])  # fmt: skip
def test_working_days_by_hand(received, responded, nation, days):
    assert working_days(received, responded, nation) == days


def test_late_and_unknown():
    assert is_late(21) is True and is_late(20) is False and is_late(None) is None
    assert working_days(None, date(2024, 1, 1)) is None
    assert working_days(date(2024, 2, 1), date(2024, 1, 1)) is None


@pytest.mark.parametrize(("text", "tags"), [
    ("withheld under Section 40(2) of the Freedom of Information Act", ["FOIA s40(2)"]),
    ("exempt under s40 and s.43 (2)", ["FOIA s40", "FOIA s43(2)"]),
    ("sections 40(2) and (3) and 41 apply", ["FOIA s40(2)", "FOIA s40(3)", "FOIA s41"]),
    ("refused under section 12 (cost limit); section 14(1) vexatious", ["FOIA s12", "FOIA s14(1)"]),
    ("withheld under Regulation 12(5)(b) of the Environmental Information Regulations 2004", ["EIR 12(5)(b)"]),
    ("the exception at 12(4)(a) of the EIR applies; reg. 13 personal data", ["EIR 12(4)(a)", "EIR 13"]),
    ("Section 21 applies: reasonably accessible", ["FOIA s21"]),
    ("Section 106 of the Town and Country Planning Act 1990", []),
    ("Section 38 agreements with developers", []),
    ("section 16 advice and assistance; section 17 refusal notice; regulation 12(1)(b)", []),
])  # fmt: skip
def test_exemptions_in_the_forms_councils_write_them(text, tags):
    assert exemption_tags(text) == tags


def test_exemption_filters():
    keys = exemption_keys(["FOIA s40(2)", "EIR 12(5)(b)"])
    for query in ("s40", "section 40(2)", "FOIA s40", "EIR 12(5)(b)", "12(5)", "reg 12"):
        assert f" {filter_key(query)} " in keys, query
    for query in ("s43", "s40(3)", "FOISA s40"):
        assert f" {filter_key(query)} " not in keys, query
    with pytest.raises(ValueError):
        filter_key("personal data")


def test_a_list_flattened_into_one_line_is_still_split():
    text = "Please answer: 1) How many cameras? 2) Who maintains them? 3) What did it cost in 2022?"
    assert [q.text for q in request_questions(text)] == ["How many cameras?", "Who maintains them?", "What did it cost in 2022?"]
    assert request_questions("We spent £1.5 million in 2022. 3 people applied.") == []


ASKED = ["How many electric vehicle charge points does the council own?",
         "How many of those charge points were out of order for more than a week in 2023?",
         "Which company maintains the council's electric vehicle charge points?",
         "What income did the charge points raise in 2023/24?"]  # fmt: skip
LETTER = "I am writing under the Freedom of Information Act 2000 to request the following information."


def _group(*texts: str) -> list[set[str]]:
    requests = [RequestText(f"council-{n}", f"REF-{n}", "t", text) for n, text in enumerate(texts)]
    return [{m.case_ref for m in g.members} for g in group_requests(requests)]


def test_grouping_survives_what_councils_do_to_a_shared_request():
    numbered = "\n".join(f"{n}. {q}" for n, q in enumerate(ASKED, 1))
    in_a_letter = ("Dear FOI team,\n\nI research public charging for a motoring charity and we are asking every council "
                   "the same questions; we will publish the results.\n\n" + "\n".join(f"Q{n} {q}" for n, q in enumerate(ASKED, 1))
                   + "\n\nYours faithfully,\nA. Driver")  # fmt: skip
    merged = "\n".join(["1. " + ASKED[0], "2. " + ASKED[1] + " " + ASKED[2], "3. " + ASKED[3]])
    with_definitions = LETTER + "\n" + numbered + "\n\nDefinitions: a charge point is a public electric vehicle charger."
    assert _group(numbered, in_a_letter, merged, with_definitions) == [{"REF-0", "REF-1", "REF-2", "REF-3"}]


def test_shared_letter_and_phrasing_do_not_make_one_request():
    other = ["How many public toilets does the council own?", "How many of those toilets were closed for more than a week in 2023?",
             "Which company cleans the council's public toilets?", "What income did the toilets raise in 2023/24?"]  # fmt: skip
    one = LETTER + "\n" + "\n".join(f"{n}. {q}" for n, q in enumerate(ASKED, 1))
    two = LETTER + "\n" + "\n".join(f"{n}. {q}" for n, q in enumerate(other, 1))
    partly = LETTER + "\n1. " + ASKED[0] + "\n2. How many residents asked for a charge point outside their home?"
    assert _group(one, two, partly) == []
