"""Direct quotations: where they are, who is credited with them, and how two of them differ."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from rapidfuzz import fuzz

_PAIRS = (("“", "”"), ("„", "“"), ("«", "»"))
_SPEECH_VERBS = (
    r"said|says|say|told|tells|stated|states|added|adds|continued|wrote|writes|declared|"
    r"warned|noted|insisted|claimed|tweeted|posted|described|called|asserted|argued|"
    r"explained|remarked|replied|announced|read"
)
_NAME = r"(?:[A-Z][\w’'.-]*\s+){0,5}[A-Z][\w’'-]+"
_ROLE = r"(?:[Tt]he|[Aa]n?|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir)\s+(?:[\w’'-]+\s+){0,3}[\w’'-]+"
_LISTENER_VERBS = r"told|tells"
_SPEAKER_BEFORE = re.compile(
    rf"(?P<who>{_NAME}|{_ROLE}|\b[Hh]e|\b[Ss]he|\b[Tt]hey),?\s+(?:{_SPEECH_VERBS}|{_LISTENER_VERBS})\b"
)
_SPEAKER_APPOSITION = re.compile(
    rf"(?P<who>{_NAME}),\s+[^,.;:!?]{{1,60}},\s+(?:{_SPEECH_VERBS}|{_LISTENER_VERBS})\b"
)
# after a quotation: “…,” said harbour master Ysolde Pryce. / “…,” said the mayor, Ana Ruiz.
_SPEAKER_AFTER = re.compile(
    rf"QUOTE\s*[”\"’'»]?\s*,?\s*(?:{_SPEECH_VERBS})\s+"
    r"(?P<who>[^.;:!?,]{1,60}(?:,\s*[A-Z][^.;:!?,]{1,40})?)\s*(?=[.;:!?,]|$)"
)
_ACCORDING = re.compile(rf"\b[Aa]ccording to (?P<who>{_NAME}|{_ROLE})")
_TITLES_TEXT = (
    "us u.s. president secretary of state gen general mr mrs ms dr former current the minister "
    "prime senator sen rep governor gov mayor chief harbour master spokesman spokeswoman "
    "spokesperson regional official officials"
)
_TITLES = frozenset(_TITLES_TEXT.split())
_PRONOUNS = frozenset({"he", "she", "they"})
_WORD = re.compile(r"[\w’'-]+")


@dataclass(frozen=True)
class QuoteSpan:
    start: int  # offsets of the quoted words inside the sentence, marks excluded
    end: int
    text: str


def find_quotes(sentence: str) -> list[QuoteSpan]:
    """Direct quotations in a sentence: curly, straight and guillemet double quotes."""
    spans: list[QuoteSpan] = []
    for opening, closing in _PAIRS:
        for match in re.finditer(rf"{opening}([^{opening}{closing}]+){closing}", sentence):
            spans.append(QuoteSpan(match.start(1), match.end(1), match.group(1)))
    for match in re.finditer(r'"([^"]+)"', sentence):
        spans.append(QuoteSpan(match.start(1), match.end(1), match.group(1)))
    open_curly = sentence.rfind("“")
    if open_curly >= 0 and "”" not in sentence[open_curly:]:  # a quote running on
        spans.append(QuoteSpan(open_curly + 1, len(sentence), sentence[open_curly + 1 :]))
    return sorted(spans, key=lambda span: span.start)


def outside_quotes(sentence: str, quotes: list[QuoteSpan] | tuple[QuoteSpan, ...]) -> str:
    """The sentence with each quotation replaced by a placeholder."""
    pieces: list[str] = []
    cursor = 0
    for quote in quotes:
        pieces.append(sentence[cursor : quote.start])
        pieces.append(" QUOTE ")
        cursor = quote.end
    pieces.append(sentence[cursor:])
    return "".join(pieces)


def speaker(sentence: str, quotes: list[QuoteSpan] | tuple[QuoteSpan, ...] = ()) -> str | None:
    """Who the sentence credits with its words: a name, a role, a pronoun, or None."""
    text = outside_quotes(sentence, quotes or find_quotes(sentence))
    candidates: list[tuple[int, str]] = []
    for pattern in (_ACCORDING, _SPEAKER_AFTER, _SPEAKER_APPOSITION, _SPEAKER_BEFORE):
        for match in pattern.finditer(text):
            who = match.group("who").strip()
            if who != "QUOTE" and not who.endswith("QUOTE"):
                candidates.append((match.start("who"), who))
    if not candidates:
        return None
    named = [c for c in candidates if c[1].split()[0].lower() not in _PRONOUNS]
    return min(named or candidates)[1]


def speaker_key(who: str | None) -> frozenset[str]:
    """The words that identify a speaker, titles dropped: "US President Donald Trump" ->
    {"donald", "trump"}; empty for pronouns and unknown speakers."""
    if not who or who.lower() in _PRONOUNS:
        return frozenset()
    words = {_fold(word) for word in _WORD.findall(who)} - {"the", "a", "an", "its", "his", "her"}
    named = frozenset(word for word in words if word not in _TITLES)
    return named or frozenset(words)


def same_speaker(first: str | None, second: str | None) -> bool | None:
    """True or False when both speakers are known, None when either is not."""
    a, b = speaker_key(first), speaker_key(second)
    if not a or not b:
        return None
    return any(
        x == y or (min(len(x), len(y)) >= 4 and fuzz.ratio(x, y) >= 80) for x in a for y in b
    )


def word_diff(first: str, second: str) -> str:
    """A short word diff: "[-old words-] {+new words+}" around the words both share."""
    a, b = first.split(), second.split()
    parts: list[str] = []
    matcher = SequenceMatcher(None, [_fold(w) for w in a], [_fold(w) for w in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            same = a[i1:i2]
            parts.append(" ".join(same) if len(same) <= 6 else f"{same[0]} … {same[-1]}")
            continue
        if i2 > i1:
            parts.append("[-" + " ".join(a[i1:i2]) + "-]")
        if j2 > j1:
            parts.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(parts)


def quote_similarity(first: str, second: str) -> float:
    """Word-level similarity of two quotations, ignoring case, accents and punctuation."""
    a = [_fold(w) for w in _WORD.findall(first)]
    b = [_fold(w) for w in _WORD.findall(second)]
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def same_words(first: str, second: str) -> bool:
    a = [_fold(w) for w in _WORD.findall(first)]
    b = [_fold(w) for w in _WORD.findall(second)]
    return a == b


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower().replace("’", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip(".,;:!?'\"")
