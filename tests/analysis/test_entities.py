from __future__ import annotations

from claims.analysis.entities import find_entities
from claims.analysis.segment import segment


def _entities(bodies: dict[int, str], claim_of: dict[tuple[int, int], int] | None = None):
    articles = {article: (body, segment(body)) for article, body in bodies.items()}
    return find_entities(articles, claim_of or {})


def test_it_merges_accents_and_surnames_and_keeps_offsets() -> None:
    bodies = {
        1: "President Miguel Díaz-Canel spoke in Havana. Díaz-Canel thanked the crowd.",
        2: "Miguel Diaz-Canel said the country would recover.",
    }
    entities = _entities(bodies)
    person = next(e for e in entities if "Canel" in e.name)
    assert person.kind == "PERSON"
    assert person.article_ids == (1, 2)
    for mention in person.mentions:
        assert bodies[mention.article_id][mention.start : mention.end] == mention.text


def test_it_merges_a_spelling_variant_used_in_the_same_claim() -> None:
    bodies = {
        1: "General Dan Caine said spies had watched for months.",
        2: "General Kane said spies had watched for months.",
    }
    merged = _entities(bodies, {(1, 0): 0, (2, 0): 0})
    people = [e for e in merged if e.kind == "PERSON"]
    assert len(people) == 1 and people[0].name == "Dan Caine"
    assert "General Kane" in people[0].aliases


def test_it_keeps_two_different_people_apart() -> None:
    bodies = {
        1: "Chief executive Gideon Marsh said talks could resume.",
        2: "Chief executive Alastair Penhale said talks could resume.",
    }
    people = {e.name for e in _entities(bodies, {(1, 0): 0, (2, 0): 0}) if e.kind == "PERSON"}
    assert {"Gideon Marsh", "Alastair Penhale"} <= people
