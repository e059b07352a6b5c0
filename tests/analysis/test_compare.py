from __future__ import annotations

from claims.analysis.compare import sentence_conflicts, spelling_variant
from claims.analysis.features import sentence_info


def _kinds(first: str, second: str) -> dict[str, str]:
    return {
        d.kind: d.detail for d in sentence_conflicts(sentence_info(first), sentence_info(second))
    }


def test_it_flags_a_changed_number() -> None:
    kinds = _kinds("Police evacuated 36 homes.", "Police evacuated 40 homes.")
    assert kinds == {"number": "36 vs 40"}


def test_it_accepts_the_same_number_written_differently() -> None:
    assert _kinds("Thirty-six homes were evacuated.", "Three dozen homes were evacuated.") == {}


def test_it_leaves_different_quantities_of_different_things_alone() -> None:
    assert "number" not in _kinds(
        "Cuba said 32 of its officers were killed.", "Officials said 80 civilians died."
    )


def test_it_flags_a_changed_quote_with_a_word_diff() -> None:
    kinds = _kinds(
        "“Nobody here wants the cranes standing still,” Marsh said.",
        "“No one here wants to see the cranes standing idle,” Marsh said.",
    )
    assert set(kinds) == {"quote"}
    assert "[-Nobody-]" in kinds["quote"] and "{+idle,+}" in kinds["quote"]


def test_a_partial_quote_is_not_a_changed_quote() -> None:
    assert (
        _kinds(
            "“Military action will not be needed because Cuba is ready to fall,” Trump said.",
            "Trump said military action would not be needed because “Cuba is ready to fall”.",
        )
        == {}
    )


def test_it_flags_the_same_words_credited_to_someone_else() -> None:
    kinds = _kinds(
        "“Every day costs this town money,” said the mayor, Hollis Grenville.",
        "“Every day costs this town money,” said harbour master Ysolde Pryce.",
    )
    assert set(kinds) == {"attribution"}


def test_a_spelling_variant_of_the_speaker_is_not_an_attribution_conflict() -> None:
    kinds = _kinds(
        "“We have had enough,” said Anneke Vossberg.", "“We have had enough,” said Anneke Vosberg."
    )
    assert kinds == {"spelling": "Vossberg / Vosberg"}


def test_it_flags_a_different_name_in_the_same_role() -> None:
    kinds = _kinds(
        "Chief executive Gideon Marsh said talks could resume.",
        "Chief executive Alastair Penhale said talks could resume.",
    )
    assert kinds == {"entity": "Gideon Marsh vs Alastair Penhale"}


def test_it_reports_a_spelling_difference_as_a_note_not_a_conflict() -> None:
    kinds = _kinds(
        "Gen Caine said they had learned where he lived.",
        "General Kane said they had learned where he lived.",
    )
    assert kinds == {"spelling": "Caine / Kane"}
    assert spelling_variant("Díaz-Canel", "Diaz-Canel")
    assert not spelling_variant("Marsh", "Penhale")


def test_it_flags_a_negation() -> None:
    assert set(
        _kinds("The port will bring in agency staff.", "The port will not bring in agency staff.")
    ) == {"negation"}
    assert set(
        _kinds("No agency staff will be brought in.", "Agency staff will be brought in.")
    ) == {"negation"}


def test_two_ways_of_not_saying_are_not_a_negation_conflict() -> None:
    assert (
        _kinds(
            "The authority has not said how much the strike costs.",
            "The authority declined to say how much the strike costs.",
        )
        == {}
    )
