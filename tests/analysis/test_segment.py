from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from claims.analysis.segment import segment
from claims.analysis.types import Segment


def _statements(body: str) -> list[str]:
    return [s.text for s in segment(body) if s.kind == "statement"]


def _kinds(body: str) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in segment(body)]


def _check_offsets(body: str, segments: list[Segment]) -> None:
    previous_end = 0
    for item in segments:
        assert item.text == body[item.start : item.end]
        assert item.text and item.text == item.text.strip()
        assert item.start >= previous_end
        previous_end = item.end


_ALPHABET = st.sampled_from(
    [*list("abcXYZ .,!?;:\"'“”‘’—–-()\n\t0123456789$%"), "U.S.", "Mr.", "Here's", "©", "---\n"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=80).map("".join))
def test_offsets_hold_for_any_text(body: str) -> None:
    _check_offsets(body, segment(body))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_offsets_hold_for_any_unicode(body: str) -> None:
    _check_offsets(body, segment(body))


def test_it_splits_sentences_with_exact_offsets() -> None:
    body = "  The mayor resigned on Monday.  The council met on Tuesday.\n\nIt voted 7-2. "
    assert _statements(body) == [
        "The mayor resigned on Monday.",
        "The council met on Tuesday.",
        "It voted 7-2.",
    ]
    _check_offsets(body, segment(body))


def test_it_keeps_a_multi_sentence_quote_with_its_attribution() -> None:
    straight = 'She said: "The bridge is closed. Nobody can cross it." Traffic was diverted.'
    curly = "“The bridge is closed. Nobody can cross it,” the mayor said. Traffic was diverted."
    assert _statements(straight) == [
        'She said: "The bridge is closed. Nobody can cross it."',
        "Traffic was diverted.",
    ]
    assert _statements(curly) == [
        "“The bridge is closed. Nobody can cross it,” the mayor said.",
        "Traffic was diverted.",
    ]


def test_a_closing_quotation_mark_stays_with_its_sentence() -> None:
    body = "The coach spoke last.\nThat's all.\"\nThe club agreed."
    assert _statements(body) == ["The coach spoke last.", "That's all.\"", "The club agreed."]


def test_a_quotation_closed_on_the_next_line_is_one_sentence() -> None:
    one_to_a_line = 'She spoke.\n"We will be back.\nThat\'s all," the coach said.\nThe club agreed.'
    assert _statements(one_to_a_line) == [
        "She spoke.",
        '"We will be back.\nThat\'s all," the coach said.',
        "The club agreed.",
    ]
    quotation = '"We lost.\nWe will be back.\nThat\'s all," the coach said.'
    assert _statements(quotation + "\nThe club agreed.")[0] == quotation  # over three lines
    never_closed = 'He said "no.\nThe club agreed.\nThe fans did not.\nNor did they.\nOr I.\nEnd."'
    assert len(_statements(never_closed)) > 1  # closed too far on: not one quotation
    reopened = '"We will be back.\n"That\'s all," the coach said.'  # a quote over paragraphs
    assert _statements(reopened) == ['"We will be back.', '"That\'s all," the coach said.']


def test_a_line_that_introduces_a_quotation_stays_with_it() -> None:
    body = 'The club spoke.\nIts chairman said:\n"We will be back. We owe the fans that."\nEnd.'
    assert _statements(body) == [
        "The club spoke.",
        'Its chairman said:\n"We will be back. We owe the fans that."',
        "End.",
    ]
    assert _statements('The plan has three parts:\n"Build" is the first.') == [
        "The plan has three parts:",
        '"Build" is the first.',
    ]


def test_it_keeps_abbreviations_inside_a_sentence() -> None:
    body = "The U.S. Army said 3.5 million people left on Jan. 5. Mr. Ortiz agreed."
    assert _statements(body) == [
        "The U.S. Army said 3.5 million people left on Jan. 5.",
        "Mr. Ortiz agreed.",
    ]


def test_it_marks_headings_bylines_and_boilerplate_as_non_claims() -> None:
    body = (
        "Flood Waters Rise in the Valley\n\n"
        "By Jane Ortiz\n\n"
        "March 3, 2025\n\n"
        "The river rose two metres overnight.\n"
        "What Happens Next\n"
        "Engineers will inspect the dam.\n\n"
        "Subscribe to our newsletter for daily updates.\n\n"
        "© 2025 Valley Courier. All rights reserved."
    )
    assert _kinds(body) == [
        ("heading", "Flood Waters Rise in the Valley"),
        ("byline", "By Jane Ortiz"),
        ("dateline", "March 3, 2025"),
        ("statement", "The river rose two metres overnight."),
        ("heading", "What Happens Next"),
        ("statement", "Engineers will inspect the dam."),
        ("boilerplate", "Subscribe to our newsletter for daily updates."),
        ("boilerplate", "© 2025 Valley Courier. All rights reserved."),
    ]


def test_it_marks_a_bulletins_station_ident_and_sign_off_as_boilerplate() -> None:
    body = (
        "You're listening to Valley Sound, the news at nine.\n\n"
        "This is Brookline FM with the lunchtime headlines.\n\n"
        "This is the second closure of the bridge this year.\n\n"
        "That's the news from Brookline FM; more at ten.\n\n"
        "Good evening, this is Harrow 102 FM with the news at six.\n\n"
        "That's Harrow Radio news; the travel is next.\n\n"
        "Good morning, and welcome to Channel Nine News at Seven.\n\n"
        "This is Ruth Adair for Channel Nine News, in Dunmore.\n\n"
        "This is Kestle Sound, and here's the news at noon.\n\n"
        "That's Kestle Sound news; we're back at one.\n\n"
        "This is bad news for the town, the mayor said.\n\n"
        "That's the best news the ward has had; more beds open in May.\n\n"
        "Good evening, and welcome to Harbour Tonight on Skerrin Television.\n\n"
        "This is Odile Marsh for Harbour Tonight, at the quayside.\n\n"
        "That's Harbour Tonight from Skerrin Television; we're back at ten.\n\n"
        "Get our Weekend Reads newsletter every Saturday.\n\n"
        "This is Kestle for Europe, the minister said.\n\n"
        "Welcome to Brackenford, the sign at the bridge says."
    )
    assert [kind for kind, _ in _kinds(body)] == [
        "boilerplate",
        "boilerplate",
        "statement",
        "boilerplate",
        "boilerplate",
        "boilerplate",
        "boilerplate",
        "boilerplate",
        "boilerplate",
        "boilerplate",
        "statement",
        "statement",
        "boilerplate",
        "boilerplate",
        "boilerplate",
        "boilerplate",
        "statement",
        "statement",
    ]


def test_a_short_question_on_a_line_of_its_own_is_a_heading() -> None:
    body = (
        "What happens to the ferry now?\n\n"
        "The operator says it will decide next week. “Can we afford it?” she asked."
    )
    assert _kinds(body) == [
        ("heading", "What happens to the ferry now?"),
        ("statement", "The operator says it will decide next week."),
        ("statement", "“Can we afford it?” she asked."),
    ]


def test_a_line_that_opens_with_a_question_word_and_has_no_full_stop_is_a_heading() -> None:
    body = (
        "What to do if you think your child has a fever and a rash\n\n"
        "What the council decided on Monday surprised the parents.\n\n"
        "Phone the surgery first."
    )
    assert _kinds(body) == [
        ("heading", "What to do if you think your child has a fever and a rash"),
        ("statement", "What the council decided on Monday surprised the parents."),
        ("statement", "Phone the surgery first."),
    ]


def test_it_splits_a_boilerplate_prefix_off_a_real_sentence() -> None:
    body = "Here’s what you need to know: The dam held overnight. Read more"
    assert _kinds(body) == [
        ("boilerplate", "Here’s what you need to know:"),
        ("statement", "The dam held overnight."),
        ("boilerplate", "Read more"),
    ]


def test_it_splits_a_dateline_off_the_first_sentence() -> None:
    body = "OSLO (AP) – The ferry sank at dawn. All 40 passengers were rescued."
    assert _kinds(body) == [
        ("dateline", "OSLO (AP) –"),
        ("statement", "The ferry sank at dawn."),
        ("statement", "All 40 passengers were rescued."),
    ]


def test_it_rejoins_a_hard_wrapped_paragraph() -> None:
    body = (
        "The regional council approved the new budget on Thursday after a long\n"
        "debate that lasted well into the night. Opponents walked out.\n"
    )
    assert _statements(body) == [
        "The regional council approved the new budget on Thursday after a long\n"
        "debate that lasted well into the night.",
        "Opponents walked out.",
    ]


def test_it_keeps_yaml_front_matter_out_of_the_statements() -> None:
    body = '---\ntitle: "A headline"\ndate: 2025-01-01\n---\n\nThe vote passed.\n'
    assert _kinds(body)[0][0] == "boilerplate"
    assert _statements(body) == ["The vote passed."]
