"""Conflicts between two sentences that state the same claim.

`sentence_conflicts(a, b)` explains every disagreement in words an editor can check: a number,
a quotation, who is credited with the words, a name, or a negation. A spelling variant of a
name ("Caine" / "Kane") is not a conflict; it comes back separately as a spelling note.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import pairwise

from rapidfuzz import fuzz

from claims.analysis.features import (
    STOPWORDS,
    SentenceInfo,
    denied_and_stated,
    fold,
    folded_words,
    negation_mismatch,
    negation_scope,
    stem,
)
from claims.analysis.numbers import (
    TIME_ZONE,
    WHEN_KINDS,
    Quantity,
    comparable,
    compatible,
    find_quantities,
    same_person_age,
    same_reading,
    written_value,
)
from claims.analysis.polarity import opposed, poles
from claims.analysis.quotes import (
    SENTENCE_OPENERS,
    SPEECH_VERBS,
    QuoteSpan,
    outside_quotes,
    quote_similarity,
    quote_words,
    same_speaker,
    same_words,
    speaker,
    speaker_name,
    variant_words,
    word_diff,
)
from claims.analysis.roles import NOT_NAMES, Holder, role_holders, same_post
from claims.analysis.types import ConflictKind

_RAW_WORD = re.compile(r"[\w’'-]+")
_TITLES_TEXT = (
    "gen general president pres secretary sec minister mr mrs ms dr sir lord senator sen rep "
    "governor gov mayor judge chief former us u.s"
)
_TITLES = frozenset(_TITLES_TEXT.split())
QUOTE_RELATED = 0.3
QUOTE_IN_PLACE = 0.2
"""How alike two quotations in the same place of two sentences must be to be one quotation
changed: "incompetent and old people" / "incompetent, senile men" (0.29) is; "using this to go
after our most imperiled wildlife" / "using global warming as a stalking horse" (0.11, one
speaker's two remarks in a real ECB+ story) is not."""
SHORT_QUOTE = 5  # words: a quotation this short can be read by its frame (`_framed_alike`)
QUOTE_FRAME = 3  # words on one side of a quotation that place it in its sentence
_ARTICLES = frozenset({"the", "a", "an"})
_SHORT_FOR = {
    "mt": ("mount",), "st": ("saint", "street"), "ft": ("fort",), "pt": ("point", "port"),
    "rd": ("road",), "ave": ("avenue",), "univ": ("university",), "co": ("company",),
    "dept": ("department",), "assoc": ("association",),
}  # fmt: skip
_SHORT_NAMES = {"mideast": "middle east", "the mideast": "middle east"}
# US states as datelines abbreviate them, AP style ("Jacksonville, Fla."): a qualifier of a
# place, never a place of its own
_STATE_ABBREVIATIONS_TEXT = """
ala ariz ark calif colo conn del fla ga ill ind kan ky la md mass mich minn miss mo mont neb
nev nh nj nm ny nc nd okla ore pa ri sc sd tenn vt va wash wva wis wyo
"""
_STATE_ABBREVIATIONS = frozenset(_STATE_ABBREVIATIONS_TEXT.split())
_PLACE_SUFFIXES = frozenset({"area", "based", "born", "bound", "region"})
_TOLD = frozenset({"told", "telling"})
_BEARING = re.compile(
    r"\b(?P<bearing>(?i:(?:north|south)(?:-?(?:east|west))?|east|west))(?i:ward)?\s+of\s+"
    r"(?:the\s+)?(?P<place>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*)"
)
_CREDITING_VERBS = ("cited", "quoted", "contacted", "reported", "interviewed", "obtained", "seen")
_CREDITED_BY = frozenset(
    [("according", "to"), ("interview", "with"), ("speaking", "to"), ("spoke", "to")]
    + [(verb, "by") for verb in _CREDITING_VERBS]
)
_NOT_INITIALS = frozenset({"of", "and", "the", "for", "&"})
_NATIONS_TEXT = """
american: us usa america unitedstates | british: uk britain unitedkingdom | chinese: china |
russian: russia | french: france | german: germany | iranian: iran | iraqi: iraq |
israeli: israel | japanese: japan | cuban: cuba | venezuelan: venezuela | mexican: mexico |
canadian: canada | australian: australia | indian: india | pakistani: pakistan |
ukrainian: ukraine | spanish: spain | italian: italy | european: europe | afghan: afghanistan |
syrian: syria | turkish: turkey | egyptian: egypt | saudi: saudiarabia | korean: korea
"""
_NATION = {
    name: adjective.strip()
    for entry in _NATIONS_TEXT.split("|")
    for adjective, names in [entry.split(":")]
    for name in [*names.split(), adjective.strip()]
}


@dataclass(frozen=True)
class Difference:
    kind: ConflictKind | str  # a conflict kind, or "spelling" for a note
    detail: str
    names: tuple[str, ...] = ()  # for a name difference, the two names as written


def sentence_conflicts(first: SentenceInfo, second: SentenceInfo) -> list[Difference]:
    """Every conflict between two sentences of one claim, plus spelling notes."""
    found: list[Difference] = []
    found += number_conflicts(first.quantities, second.quantities)
    found += quote_conflicts(first, second)
    names = [
        item
        for item in name_differences(first, second)
        if not _different_posts(item, first, second)
    ]
    names += [
        item
        for item in post_differences(first, second)
        if not any(_same_pair(item, other) for other in names)
    ]
    if any(item.kind == "attribution" for item in found):
        names = [item for item in names if item.kind != "entity"]
    found += names
    found += direction_conflicts(first, second)
    found += negation_conflicts(first, second)
    return found


def direction_conflicts(first: SentenceInfo, second: SentenceInfo) -> list[Difference]:
    """One place, two bearings from it: "150 miles east of Aden" / "150 miles west of Aden"
    puts the event somewhere else, an `entity` conflict (a place that differs)."""
    bearings_a, bearings_b = _bearings(first.text), _bearings(second.text)
    return [
        Difference("entity", f"{bearings_a[place]} of {place} vs {bearings_b[place]} of {place}")
        for place in sorted(bearings_a.keys() & bearings_b.keys())
        if bearings_a[place].lower().replace("-", "") != bearings_b[place].lower().replace("-", "")
    ]


def _bearings(text: str) -> dict[str, str]:
    """The places a sentence gives a compass bearing from ("north-east of Gdansk"), each with
    its bearing as written; a place given two bearings is left out."""
    found: dict[str, set[str]] = {}
    for match in _BEARING.finditer(text):
        found.setdefault(match["place"], set()).add(match["bearing"])
    return {place: next(iter(bearings)) for place, bearings in found.items() if len(bearings) == 1}


def number_conflicts(first: tuple[Quantity, ...], second: tuple[Quantity, ...]) -> list[Difference]:
    """Comparable quantities about the same thing whose values cannot both be true."""
    return [
        Difference("number", f"{mine.text} vs {other.text}")
        for mine, other in clashing_quantities(first, second)
    ]


def clashing_quantities(
    first: tuple[Quantity, ...], second: tuple[Quantity, ...]
) -> list[tuple[Quantity, Quantity]]:
    """The quantities of `first` that the other sentence gives differently, each with the
    value it gives instead (`number_conflicts`)."""
    found: list[tuple[Quantity, Quantity]] = []
    matched_first, matched_second = _agreeing(first, second)
    for quantity in first:
        partners = [other for other in second if same_reading(quantity, other)]
        if not partners or any(compatible(quantity, other) for other in partners):
            continue
        if _in_a_sum(quantity, first, second):
            continue  # "179 passengers and seven crew" / "186 passengers and crew"
        if quantity.kind in WHEN_KINDS and all(
            any(
                mine is not quantity and compatible(mine, other)
                for mine in first
                if comparable(mine, other)
            )
            for other in partners
        ):
            continue  # a second day, date or time the other leaves out, not a different one
        # the values of its kind the other sentence gives that nothing of this one matched
        left = [other for other in partners if id(other) not in matched_second]
        same_thing = [other for other in left if _same_thing(quantity, other)]
        alone = (
            len(left) == 1
            and sum(1 for q in first if comparable(q, quantity) and id(q) not in matched_first) == 1
            and not (quantity.noun and left[0].noun)  # both say what: it differs
        )
        partners = left if alone else partners
        if same_thing or alone:
            found.append((quantity, (same_thing or partners)[0]))
    return found


def _agreeing(
    first: tuple[Quantity, ...], second: tuple[Quantity, ...]
) -> tuple[set[int], set[int]]:
    """The quantities (by id) that agree one to one with a quantity of the other sentence,
    the closest values paired first: "about 45 mph, under the 50 mph limit" pairs its 50 mph
    with the other's 50 mph limit, not with "about 35 mph"."""
    pairs = sorted(
        (_distance(written_value(a), written_value(b)), n, m)
        for n, a in enumerate(first)
        for m, b in enumerate(second)
        if same_reading(a, b) and compatible(a, b)
    )
    used_first: set[int] = set()
    used_second: set[int] = set()
    for _, n, m in pairs:
        if n not in used_first and m not in used_second:
            used_first.add(n)
            used_second.add(m)
    return {id(first[n]) for n in used_first}, {id(second[m]) for m in used_second}


def _in_a_sum(quantity: Quantity, own: tuple[Quantity, ...], other: tuple[Quantity, ...]) -> bool:
    """A count that adds up with another of its sentence to one of the other sentence's, or
    that the other sentence gives as two counts adding up to it."""
    if quantity.kind != "count":
        return False
    return any(
        _adds_up(total, quantity, item) for total in other for item in own if item is not quantity
    ) or any(_adds_up(quantity, a, b) for n, a in enumerate(other) for b in other[n + 1 :])


def _adds_up(total: Quantity, first: Quantity, second: Quantity) -> bool:
    """`first` and `second` add up to `total` ("179 passengers and seven crew": 186 aboard)."""
    if not (comparable(total, first) and comparable(total, second)):
        return False
    both = dataclasses.replace(first, low=first.low + second.low, high=first.high + second.high)
    return compatible(total, both)


def _distance(first: float, second: float) -> float:
    if not (math.isfinite(first) and math.isfinite(second)):
        return math.inf
    return abs(first - second) / max(abs(first), abs(second), 1.0)


def _same_thing(first: Quantity, second: Quantity) -> bool:
    if first.kind in WHEN_KINDS:
        return True
    age = same_person_age(first, second)
    if age is not None:
        return age
    a = {stem(word) for word in first.noun.split()}
    b = {stem(word) for word in second.noun.split()}
    return bool(a & b)


def quote_conflicts(first: SentenceInfo, second: SentenceInfo) -> list[Difference]:
    """Changed words inside quotation marks, and the same words credited to someone else."""
    found: list[Difference] = []
    if not first.quotes or not second.quotes:
        return found
    speaker_a = speaker(first.text, first.quotes)
    speaker_b = speaker(second.text, second.quotes)
    in_order = len(first.quotes) == len(second.quotes)
    for position, quote in enumerate(first.quotes):
        best = max(second.quotes, key=lambda other: quote_similarity(quote.text, other.text))
        similarity = quote_similarity(quote.text, best.text)
        if in_order and similarity < QUOTE_RELATED:
            best = second.quotes[position]  # the same place in a sentence of the same shape
            similarity = quote_similarity(quote.text, best.text)
            if similarity < QUOTE_IN_PLACE and not _framed_alike(first, quote, second, best):
                continue
        elif similarity < QUOTE_RELATED:
            continue
        variant = variant_words(quote.text, best.text)
        if variant:
            found.append(
                Difference(
                    "spelling",
                    f"“{_short(quote.text)}” / “{_short(best.text)}”: "
                    f"{word_diff(quote.text, best.text)}",
                )
            )
        if (
            variant
            or same_words(quote.text, best.text)
            or _contained(quote, best)
            or same_words(_figures_as_read(quote.text), _figures_as_read(best.text))
        ):
            if similarity >= 0.8 and same_speaker(speaker_a, speaker_b) is False:
                found.append(
                    Difference(
                        "attribution",
                        f"“{_short(quote.text)}” credited to {speaker_name(speaker_a)} vs "
                        f"{speaker_name(speaker_b)}",
                    )
                )
            continue
        found.append(
            Difference(
                "quote",
                f"“{_short(quote.text)}” vs “{_short(best.text)}”: "
                f"{word_diff(quote.text, best.text)}",
            )
        )
    return found


def _framed_alike(
    first: SentenceInfo, quote: QuoteSpan, second: SentenceInfo, other: QuoteSpan
) -> bool:
    """Two short quotations in the same words' frame: one quotation changed, however few words
    the two share ("included “the majority” of his guards" / "said “a large part” of his guards
    were hurt"). The frame is the `QUOTE_FRAME` words just after the quotation, or just before
    it, and holds a word of substance (not "he said")."""
    if max(len(quote_words(quote.text)), len(quote_words(other.text))) > SHORT_QUOTE:
        return False
    sides = (
        (first.text[quote.end :], second.text[other.end :], slice(0, QUOTE_FRAME)),
        (first.text[: quote.start], second.text[: other.start], slice(-QUOTE_FRAME, None)),
    )
    for text_a, text_b, frame in sides:
        words_a = [fold(word) for word in _RAW_WORD.findall(text_a)][frame]
        words_b = [fold(word) for word in _RAW_WORD.findall(text_b)][frame]
        if (
            len(words_a) == QUOTE_FRAME
            and words_a == words_b
            and any(word not in STOPWORDS and word not in SPEECH_VERBS for word in words_a)
        ):
            return True
    return False


def _figures_as_read(text: str) -> str:
    """The text with each quantity written as its reading and time zones left out, so that a
    quotation given with "6:41pm PST" and again with "18:41" reads the same."""
    pieces, cursor = [], 0
    for quantity in find_quantities(text):
        reading = f" q{quantity.kind}{quantity.unit}{quantity.low:g}to{quantity.high:g} "
        pieces += [text[cursor : quantity.start], reading.replace(".", "p")]
        cursor = quantity.end
    return TIME_ZONE.sub(" ", "".join(pieces) + text[cursor:])


def _contained(first: QuoteSpan, second: QuoteSpan) -> bool:
    """One quotation is a fragment of the other (a partial quote, not a changed one)."""
    a, b = quote_words(first.text), quote_words(second.text)
    shorter, longer = sorted((a, b), key=len)
    if not shorter:
        return True
    size = len(shorter)
    return any(longer[i : i + size] == shorter for i in range(len(longer) - size + 1))


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def name_differences(first: SentenceInfo, second: SentenceInfo) -> list[Difference]:
    """Names that take each other's place: a spelling note or an entity conflict."""
    a = _raw_words(outside_quotes(first.text, first.quotes))
    b = _raw_words(outside_quotes(second.text, second.quotes))
    matcher = SequenceMatcher(None, [fold(w) for w in a], [fold(w) for w in b], autojunk=False)
    found: list[Difference] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "replace":
            continue
        old = _name_part(a[i1:i2], i1 == 0)
        new = _name_part(b[j1:j2], j1 == 0)
        if not old or not new:
            continue
        if _credited(a[:i1]) and _credited(b[:j1]):
            continue  # "cited by the New York Times" / "contacted by The Associated Press"
        old_key, new_key = fold(" ".join(old)), fold(" ".join(new))
        if _names_in(old, b) or _names_in(new, a):
            continue  # "Carlesimo (Oklahoma City)" / "Oklahoma City's Carlesimo": a list reordered
        if old_key.startswith(new_key) or new_key.startswith(old_key):
            continue
        if abbreviates(old, new) or abbreviates(new, old) or same_nation(old_key, new_key):
            continue
        if _shortened(old, new):
            continue  # "Mt Cook" / "Mount Cook"
        if _state_abbreviation(old) != _state_abbreviation(new):
            continue  # "in Jacksonville, Fla." / "at Jacksonville Municipal Stadium"
        names = (" ".join(old), " ".join(new))
        if spelling_variant(old_key, new_key):
            found.append(Difference("spelling", f"{names[0]} / {names[1]}", names))
        else:
            found.append(Difference("entity", f"{names[0]} vs {names[1]}", names))
    return found


def post_differences(first: SentenceInfo, second: SentenceInfo) -> list[Difference]:
    """Two names given for one post ("Marta Ekholm, the depot manager" / "depot manager Lars
    Bengtsson"): an entity conflict, or a spelling note for two spellings of one name."""
    found: list[Difference] = []
    holders_b = role_holders(outside_quotes(second.text, second.quotes))
    words_a = {fold(word) for word in _RAW_WORD.findall(first.text)}
    words_b = {fold(word) for word in _RAW_WORD.findall(second.text)}
    for a in role_holders(outside_quotes(first.text, first.quotes)):
        for b in holders_b:
            if not same_post(a, b):
                continue
            surname_a, surname_b = _surname(a.name), _surname(b.name)
            if surname_a in words_b or surname_b in words_a:
                continue  # one person named in both: not two people for one post
            names = (a.name, b.name)
            if spelling_variant(surname_a, surname_b):
                found.append(Difference("spelling", f"{a.name} / {b.name}", names))
            else:
                detail = f"{a.name} vs {b.name}, each named as {_post(a, b)}"
                found.append(Difference("entity", detail, names))
    return found


def _state_abbreviation(name: list[str]) -> bool:
    """ "Fla", "N Y" (from "N.Y."): a US state as a dateline abbreviates it."""
    return fold("".join(name)).replace(".", "") in _STATE_ABBREVIATIONS


def _surname(name: str) -> str:
    return fold(name.split()[-1])


def _different_posts(item: Difference, first: SentenceInfo, second: SentenceInfo) -> bool:
    """A name in one sentence where the other has another name, each with a post, and not one
    post: two sources ("a spokeswoman for the port" / "a spokesman for the union"), not a
    conflict."""
    if item.kind != "entity":
        return False
    old, new = (_surname(name) for name in item.names)
    holders_a = [h for h in role_holders(first.text) if _surname(h.name) == old]
    holders_b = [h for h in role_holders(second.text) if _surname(h.name) == new]
    return bool(holders_a and holders_b) and not any(
        same_post(a, b) for a in holders_a for b in holders_b
    )


def _post(first: Holder, second: Holder) -> str:
    """The post as the longer of the two sentences writes it: "the depot manager"."""
    post = max(first.post, second.post, key=len)
    if re.match(r"(?:the|a|an) ", post, flags=re.IGNORECASE):
        return post[0].lower() + post[1:]
    return f"the {post}"


def _same_pair(first: Difference, second: Difference) -> bool:
    """Two differences about the same two names (found once by word order, once by post)."""
    others = fold(" ".join(second.names))
    return all(_surname(name) in others for name in first.names)


def _shortened(first: list[str], second: list[str]) -> bool:
    """The same name with a word written short in one: "Mt Cook" / "Mount Cook", "Lt" /
    "Lieutenant", "Medical Assn" / "Medical Association", "Mideast" / "Middle East"; or with
    a word more beside the short one: "Mt Cook" / "Aoraki Mount Cook" (but "Sudan" / "South
    Sudan", where no word is written short, are two names)."""
    words_a, words_b = ([fold(word).rstrip(".") for word in name] for name in (first, second))
    joined_a, joined_b = " ".join(words_a), " ".join(words_b)
    if _SHORT_NAMES.get(joined_a, joined_a) == _SHORT_NAMES.get(joined_b, joined_b):
        return True
    fewer, more = sorted((words_a, words_b), key=len)
    matched = _matched_in_order(fewer, more)
    if matched is None:
        return False
    return len(fewer) == len(more) or any(
        word != other for word, other in zip(fewer, matched, strict=True)
    )


def _matched_in_order(fewer: list[str], more: list[str]) -> list[str] | None:
    """For each word of `fewer`, in order, the word of `more` it is or writes short; None when
    some word has none."""
    matched: list[str] = []
    position = 0
    for word in fewer:
        while position < len(more) and not _same_word(word, more[position]):
            position += 1
        if position == len(more):
            return None
        matched.append(more[position])
        position += 1
    return matched


def _same_word(first: str, second: str) -> bool:
    return (
        first == second
        or second in _SHORT_FOR.get(first, ())
        or first in _SHORT_FOR.get(second, ())
        or _contracts(first, second)
        or _contracts(second, first)
    )


def _contracts(short: str, long: str) -> bool:
    """`short` is `long` contracted: its first and last letters and some consonants between,
    in order ("lt" / "lieutenant", "assn" / "association", "sgt" / "sergeant"). A vowel after
    the first letter makes a name of its own: "Jon" / "Jackson"."""
    if not 2 <= len(short) <= 4 or len(long) < len(short) + 2:
        return False
    if any(letter in "aeiouy" for letter in short[1:]):
        return False
    if short[0] != long[0] or short[-1] != long[-1]:
        return False
    letters = iter(long)
    return all(letter in letters for letter in short)


def _names_in(name: list[str], words: list[str]) -> bool:
    """The name's words occur in a row among `words` (a possessive "'s" aside)."""
    keys = [_bare(word) for word in name]
    others = [_bare(word) for word in words]
    size = len(keys)
    return any(others[i : i + size] == keys for i in range(len(others) - size + 1))


def _bare(word: str) -> str:
    """A name word without a possessive or a place-making suffix: "Washington's", "the
    Woodburn-area bank", "a Texas-based firm"."""
    folded = fold(word)
    folded = folded.removesuffix("'s")  # fold writes ’ as '
    stem, _, suffix = folded.rpartition("-")
    return stem if stem and suffix in _PLACE_SUFFIXES else folded


def _credited(before: list[str]) -> bool:
    """The name after these words is the one a report is credited to or was given to: "cited
    by (the)", "according to", "told (the)", "in an interview with". Two outlets or sources
    for one fact are not two holders of one role."""
    words = [fold(word) for word in before[-3:] if fold(word) not in _ARTICLES]
    return bool(words) and (
        words[-1] in _TOLD or (len(words) >= 2 and (words[-2], words[-1]) in _CREDITED_BY)
    )


def _raw_words(text: str) -> list[str]:
    return [word for word in _RAW_WORD.findall(text) if word != "QUOTE"]


def _name_part(words: list[str], at_start: bool) -> list[str]:
    """The words if they are all a name (capitalised, not titles, not the first word)."""
    if at_start and words and words[0] in SENTENCE_OPENERS:
        words = words[1:]  # "Responding, Edward Skyler, …"
    kept = [word for word in words if fold(word).strip(".") not in _TITLES]
    if not kept or len(kept) > 3 or (at_start and words[0] == kept[0] and len(kept) < 2):
        return []  # a lone capitalised first word is not known to be a name
    if not all(word[:1].isupper() and fold(word) not in NOT_NAMES for word in kept):
        return []
    return kept


def abbreviates(short: list[str], long: list[str]) -> bool:
    """`short` is the initials of `long`: "S&P" for "Standard & Poor's", "N.Y." for "New
    York", "ABA" for "American Basketball Association" (the letters as written, in capitals)."""
    letters = "".join(short)
    if len(letters) < 2 or not letters.isupper() or any(len(word) > 4 for word in short):
        return False
    initials = "".join(word[0] for word in long if fold(word) not in _NOT_INITIALS)
    return len(long) >= 2 and initials.upper() == letters


def same_nation(first: str, second: str) -> bool:
    """A country and its adjective: "U.S." / "American", "Britain" / "British"."""
    a, b = first.replace(" ", ""), second.replace(" ", "")
    return a != b and _NATION.get(a, a) == _NATION.get(b, b)


def spelling_variant(first: str, second: str) -> bool:
    """Two spellings of one name: "diaz-canel"/"díaz-canel", "caine"/"kane"."""
    a, b = fold(first), fold(second)
    if a == b or a.replace("-", " ") == b.replace("-", " "):
        return True
    if sound_key(a) == sound_key(b) and a[:1] in "ck" and b[:1] in "ck":
        return True
    return sound_key(a) == sound_key(b) or fuzz.ratio(a, b) >= 80


@lru_cache(maxsize=65536)
def sound_key(name: str) -> str:
    """A rough phonetic key: first sound kept, vowels dropped, similar consonants merged."""
    name = re.sub(r"[^a-z]", "", fold(name))
    if not name:
        return ""
    name = re.sub(r"^(ca|co|cu|q)", "k", name)
    name = name.replace("ph", "f").replace("ck", "k").replace("c", "k").replace("z", "s")
    groups = {"bfpv": "1", "cgjkqsxz": "2", "dt": "3", "l": "4", "mn": "5", "r": "6"}
    key = name[0].replace("c", "k")
    previous = ""
    for char in name[1:]:
        code = next((value for letters, value in groups.items() if char in letters), "")
        if code and code != previous:
            key += code
        previous = code
    return key[:4]


def negation_conflicts(first: SentenceInfo, second: SentenceInfo) -> list[Difference]:
    """One sentence denies what the other states ("not affected" / "affected"), or they state
    opposites ("will continue" / "will stop", `polarity`). What one sentence denies and the
    other names only as an accusation or a plea is no contradiction, either way."""
    denying, stating = (first, second) if first.negated_words else (second, first)
    if denying.negated_words and (
        _only_accused(denying, stating) or _plea_and_verdict(denying, stating)
    ):
        return []
    if negation_mismatch(first, second) and not _absence_named(denying, stating):
        stated, denied = stating, denying
    elif opposed(poles(first.text), poles(second.text)):
        stated, denied = first, second
    else:
        return []
    return [Difference("negation", f"“{_short(stated.text, 60)}” vs “{_short(denied.text, 60)}”")]


_ACCUSING_TEXT = (
    "accused charged charges suspected suspicion alleged allegedly allegation allegations "
    "indicted arrested"
)
_ACCUSING = frozenset(_ACCUSING_TEXT.split())
ACCUSATION_REACH = 4  # words after "charged with", "accused of" that it accuses of


def _only_accused(denying: SentenceInfo, stating: SentenceInfo) -> bool:
    """The other sentence names what the denial denies only as an accusation: "charged with
    arson" states no arson, so "denied arson" does not contradict it."""
    met = denied_and_stated(denying, stating)
    said = folded_words(stating.text)
    accused: set[int] = set()
    for position, word in enumerate(said):
        if word in _ACCUSING:
            accused.update(range(position + 1, position + 1 + ACCUSATION_REACH))
    uses = [position for position, word in enumerate(said) if stem(word) in met]
    return bool(uses) and all(position in accused for position in uses)


_PLEADING = frozenset({"plead", "pleads", "pleaded", "pleading", "pled"})


def _plea_and_verdict(denying: SentenceInfo, stating: SentenceInfo) -> bool:
    """ "Pleaded not guilty" is the defendant's plea: it contradicts another plea ("pleaded
    guilty"), not a verdict ("found guilty of two counts", "a jury convicted him")."""
    met = denied_and_stated(denying, stating)
    written, said = folded_words(denying.text), folded_words(stating.text)
    pleaded_not = any(
        plea in _PLEADING and (negation, word) == ("not", "guilty")
        for plea, negation, word in zip(written, written[1:], written[2:], strict=False)
    )
    pleaded = any(plea in _PLEADING and word == "guilty" for plea, word in pairwise(said))
    return met <= {"guilty"} and pleaded_not and not pleaded


def _absence_named(denying: SentenceInfo, stating: SentenceInfo) -> bool:
    """The denial the other sentence meets is only a "without", and the other sentence names
    the same thing in the same words: "homes left without power" / "customers lost power" tell
    of one absence. The thing in another form still meets the denial ("sold without
    prescriptions" / "a prescription is needed"), and so does "with" it ("without a
    prescription" / "only with a prescription")."""
    met = denied_and_stated(denying, stating)
    if met & negation_scope(denying.text, ignoring={"without"}):
        return False
    written = folded_words(denying.text)
    absent = {word for before, word in pairwise(written) if before == "without"}
    said = folded_words(stating.text)
    uses = [(position, word) for position, word in enumerate(said) if stem(word) in met]
    return all(
        word in absent and (position == 0 or said[position - 1] != "with")
        for position, word in uses
    )
