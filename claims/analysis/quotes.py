"""Direct quotations: where they are, who is credited with them, and how two of them differ."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from rapidfuzz import fuzz

from claims.analysis.numbers import NUMBER_WORDS

_PAIRS = (("“", "”"), ("„", "“"), ("«", "»"))
_SPEECH_VERBS = (
    r"said|says|say|told|tells|stated|states|added|adds|continued|wrote|writes|declared|"
    r"warned|noted|insisted|claimed|tweeted|posted|described|called|asserted|argued|"
    r"explained|remarked|replied|announced|read"
)
SPEECH_VERBS = frozenset(_SPEECH_VERBS.split("|"))
_NAME = r"(?:[A-Z][\w’'.-]*\s+){0,5}[A-Z][\w’'-]+"
_ROLE = r"(?:[Tt]he|[Aa]n?|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir)\s+(?:[\w’'-]+\s+){0,3}[\w’'-]+"
_LISTENER_VERBS = r"told|tells"
_SPEAKER_BEFORE = re.compile(
    rf"(?P<who>{_NAME}|{_ROLE}|\b[Hh]e|\b[Ss]he|\b[Tt]hey),?\s+(?:{_SPEECH_VERBS}|{_LISTENER_VERBS})\b"
)
_SPEAKER_APPOSITION = re.compile(
    rf"(?P<who>{_NAME}),\s+[^,.;:!?]{{1,60}},\s+(?:{_SPEECH_VERBS}|{_LISTENER_VERBS})\b"
)
# a name, then its post with no comma to close it: "Peter Gale, chief officer at Harbury Fire
# and Rescue Service says …" (the speaker is Peter Gale, not "Rescue Service")
_SPEAKER_OPEN_APPOSITION = re.compile(
    rf"^(?P<who>{_NAME}),\s+[^,.;:!?]{{1,80}}?\s+(?:{_SPEECH_VERBS}|{_LISTENER_VERBS})\b"
)
# after a quotation: “…,” said harbour master Ysolde Pryce. / “…,” said the mayor, Ana Ruiz.
_INITIAL = r"\b[A-Z]\.(?=\s?[A-Z])"  # "A. J. Smith", "George W. Bush": not a full stop
_SPEAKER_AFTER = re.compile(
    rf"QUOTE\s*[”\"’'»]?\s*,?\s*(?:{_SPEECH_VERBS})\s+"
    rf"(?P<who>(?:{_INITIAL}|[^.;:!?,]){{1,80}}(?:,\s*[A-Z][^.;:!?,]{{1,40}})?)(?<!\b[A-Z])"
    r"\s*(?=[.;:!?,]|$)"
)
_NAME_THEN_WHEN_OR_WHERE = re.compile(
    r"^(?P<name>.*?\b[A-Z][\w’'.-]*)\s+(?:in|on|at|during|after|before|from|yesterday|today"
    r"|tonight|last|this|earlier|later|when|while|as)\b"
)
_ACCORDING = re.compile(rf"\b[Aa]ccording to (?P<who>{_NAME}|{_ROLE})")
# “…” was how Interior Minister Bellan Iskra described him.
_SPEAKER_HOW = re.compile(
    rf"\bwas how (?P<who>{_NAME}|{_ROLE})\s+(?:described|called|put|characteri[sz]ed|summed)\b"
)
# President Anselm Korvath defended the raid, calling Solt “…”.
_SPEAKER_CALLING = re.compile(
    rf"(?:^|,\s+)(?P<who>{_NAME}|{_ROLE})\s+[a-z][^,;:!?]*?,\s+"
    r"(?:calling|describing|labell?ing|branding|dubbing)\b"
)
_TITLES_TEXT = (
    "us u.s. president secretary of state gen general mr mrs ms dr former current the minister "
    "prime senator sen rep governor gov mayor chief harbour master spokesman spokeswoman "
    "spokesperson regional official officials"
)
_TITLES = frozenset(_TITLES_TEXT.split())
_PRONOUNS = frozenset({"he", "she", "they"})
_DETERMINERS = frozenset({"the", "a", "an", "its", "his", "her", "their"})
SENTENCE_OPENERS_TEXT = (
    "However But And Also Meanwhile Still Yet Then Earlier Later Separately Instead Moreover "
    "Nonetheless Nevertheless Indeed Responding Asked Speaking Afterwards Today Yesterday "
    "Last On In At Since After Before When While"
)
SENTENCE_OPENERS = frozenset(SENTENCE_OPENERS_TEXT.split())  # capitalised, never a speaker
_WORD = re.compile(r"[\w’'-]+")
_BRACKETED = re.compile(r"\[[^\]]*\]|\([^)]*\)")
_POSSESSIVE_S = re.compile(r"(?<=s)'s$")
_NUMBER_WORDS = {word: str(value) for word, value in NUMBER_WORDS.items() if value <= 20}
_ABBREVIATIONS = {
    "jan": "january", "feb": "february", "mar": "march", "apr": "april", "jun": "june",
    "jul": "july", "aug": "august", "sep": "september", "sept": "september",
    "oct": "october", "nov": "november", "dec": "december", "govt": "government",
    "dept": "department", "intl": "international", "natl": "national",
}  # fmt: skip


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
    patterns = (
        _ACCORDING,
        _SPEAKER_AFTER,
        _SPEAKER_APPOSITION,
        _SPEAKER_OPEN_APPOSITION,
        _SPEAKER_BEFORE,
        _SPEAKER_HOW,
        _SPEAKER_CALLING,
    )
    for pattern in patterns:
        for match in pattern.finditer(text):
            who = match.group("who").strip()
            trimmed = _NAME_THEN_WHEN_OR_WHERE.match(who)
            who = trimmed.group("name") if trimmed else who  # "Ivo Brandt on Monday": Ivo Brandt
            if who.split()[0] in SENTENCE_OPENERS or who.endswith(("'s", "’s", "QUOTE")):
                continue  # "However, …, said", "his government's announced plan"
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
    """True or False when both speakers are known, None when either is not, or when one is
    named and the other only described ("George Heath" / "a Fort Campbell spokesman" may be
    one person)."""
    a, b = speaker_key(first), speaker_key(second)
    if not a or not b or _described(first) != _described(second):
        return None
    surname_a, surname_b = _surname(first), _surname(second)
    if surname_a and surname_b:  # two named people: "Anselm Korvath" / "Bellan Iskra"
        return surname_a == surname_b or fuzz.ratio(surname_a, surname_b) >= 80
    return any(
        x == y or (min(len(x), len(y)) >= 4 and fuzz.ratio(x, y) >= 80) for x in a for y in b
    )


def speaker_name(who: str | None) -> str | None:
    """A speaker as an editor reads them in a conflict: the name without its apposition
    ("Ena Quist" for "the town's mayor, Ena Quist" and for "Ena Quist, the mayor"), so one
    person credited in two ways is one speaker; the speaker as found when no part names them."""
    return _named_part(who) or who


def _surname(who: str | None) -> str | None:
    """The last word of a speaker's name when it ends the name or its apposition: "Trump" for
    "US President Donald Trump" and for "Donald Trump, the president"; None for "Tarvoshi
    officials" (the shared words then decide)."""
    named = _named_part(who)
    return _fold(named.split()[-1]) if named else None


def _named_part(who: str | None) -> str | None:
    """The first comma-separated part of a speaker that ends in a capitalised word other than
    a title: "Donald Trump" in "Donald Trump, the president"."""
    for part in (who or "").split(","):
        words = part.split()
        if words and words[-1][:1].isupper() and _fold(words[-1]) not in _TITLES:
            return part.strip()
    return None


def _described(who: str | None) -> bool:
    """A role without a name: "a Fort Campbell spokesman", not "the mayor, Hollis Grenville"."""
    return who is not None and who.split()[0].lower() in _DETERMINERS and "," not in who


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
    """The same quotation, as written down twice: case, accents, punctuation, apostrophes,
    hyphens and spacing ("head-kicker" / "head kicker", "cyber assets" / "cyberassets"),
    number words, common abbreviations ("Sept." / "September", "per cent" / "percent") and an
    editor's bracketed insertion ("[Mr. Cheney]", "(drug)") do not count."""
    return "".join(quote_words(first)) == "".join(quote_words(second))


def variant_words(first: str, second: str) -> bool:
    """Quotations that differ only by a word's spelling or form ("al-Qaeda" / "al-Qaida",
    "attacks" / "attack"), one word for one word: a spelling note, not a changed quote."""
    a, b = quote_words(first), quote_words(second)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    changed = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    if not changed:
        return False
    for tag, i1, i2, j1, j2 in changed:
        if tag != "replace" or i2 - i1 != 1 or j2 - j1 != 1:
            return False
        old, new = a[i1], b[j1]
        if old[:1] != new[:1] or old.isdigit() or new.isdigit():
            return False
        if not (old.startswith(new) or new.startswith(old) or fuzz.ratio(old, new) >= 80):
            return False
        if abs(len(old) - len(new)) > 3:
            return False
    return True


def quote_words(text: str) -> list[str]:
    """The words of a quotation, normalised for comparison (see `same_words`)."""
    text = _BRACKETED.sub(" ", text)
    words: list[str] = []
    for raw in _WORD.findall(text):
        for part in re.split(r"[-–—]+", _fold(raw)):
            part = _POSSESSIVE_S.sub("", part).replace("'", "")
            if part:
                words.append(_ABBREVIATIONS.get(part, _NUMBER_WORDS.get(part, part)))
    return words


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower().replace("’", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip(".,;:!?'\"")
