"""What the pair scorer knows about one sentence, and the features of a sentence pair.

`SentenceInfo` is computed once per sentence (words, content words, names, numbers, quoted
words, negations); `pair_features` turns two of them plus their embedding cosine into the
feature vector that the learned combiner in `scorer.py` weighs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from claims.analysis.numbers import Quantity, compatible, find_quantities
from claims.analysis.quotes import QuoteSpan, find_quotes

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not of off on once only or other
    our ours ourselves out over own same she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself
    said says say told according would could also "s""".split()
)
NEGATIONS = frozenset(
    "not no never none nobody nothing neither nor without cannot n't denied denies deny".split()
)
_WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+(?:['’][A-Za-z]+)?|\d+(?:[.,]\d+)*")
_SUFFIXES = ("ing", "ed", "es", "s", "ly")

FEATURE_NAMES = (
    "cosine",
    "word_jaccard",
    "content_jaccard",
    "content_containment",
    "bigram_jaccard",
    "word_alignment",
    "length_ratio",
    "numbers_shared",
    "numbers_clash",
    "names_jaccard",
    "names_missing",
    "quoted_overlap",
    "negation_mismatch",
)


@dataclass(frozen=True)
class SentenceInfo:
    text: str
    words: tuple[str, ...]  # lowercased, folded, crudely stemmed
    content: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    names: frozenset[str]  # folded capitalised words not at the sentence start
    quantities: tuple[Quantity, ...]
    quotes: tuple[QuoteSpan, ...]
    quoted_words: frozenset[str]
    negated: bool


def fold(text: str) -> str:
    """Lowercase without accents: "Díaz" -> "diaz"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("’", "'")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def words_of(text: str) -> list[str]:
    return [stem(fold(match.group())) for match in _WORD.finditer(text)]


def sentence_info(text: str) -> SentenceInfo:
    raw = [match.group() for match in _WORD.finditer(text)]
    words = tuple(stem(fold(word)) for word in raw)
    names = frozenset(
        fold(word)
        for position, word in enumerate(raw)
        if position > 0 and word[:1].isupper() and fold(word) not in STOPWORDS
    )
    quotes = tuple(find_quotes(text))
    quoted = frozenset(
        word for quote in quotes for word in words_of(quote.text) if word not in STOPWORDS
    )
    lowered = {fold(word) for word in raw}
    negated = bool(lowered & NEGATIONS) or "n't" in text.lower() or "n’t" in text.lower()
    return SentenceInfo(
        text=text,
        words=words,
        content=frozenset(word for word in words if word not in STOPWORDS),
        bigrams=frozenset(zip(words, words[1:], strict=False)),
        names=names,
        quantities=tuple(find_quantities(text)),
        quotes=quotes,
        quoted_words=quoted,
        negated=negated,
    )


def _jaccard(first: frozenset[object] | set[object], second: frozenset[object] | set[object]) -> float:
    union = len(first | second)
    return len(first & second) / union if union else 0.0


def word_alignment(first: SentenceInfo, second: SentenceInfo) -> float:
    """Share of the words that align in order (a longest-common-subsequence ratio)."""
    if not first.words or not second.words:
        return 0.0
    return SequenceMatcher(None, first.words, second.words, autojunk=False).ratio()


def number_agreement(first: SentenceInfo, second: SentenceInfo) -> tuple[float, float]:
    """(share of quantities matched by an agreeing one, 1.0 if a comparable pair clashes)."""
    if not first.quantities or not second.quantities:
        return 0.0, 0.0
    matched = 0
    clash = 0.0
    for quantity in first.quantities:
        same_kind = [q for q in second.quantities if q.kind == quantity.kind and q.unit == quantity.unit]
        if any(compatible(quantity, other) for other in same_kind):
            matched += 1
        elif same_kind:
            clash = 1.0
    total = max(len(first.quantities), len(second.quantities))
    return matched / total, clash


def pair_features(first: SentenceInfo, second: SentenceInfo, cosine: float) -> list[float]:
    content_union = first.content | second.content
    shared_content = first.content & second.content
    smaller = min(len(first.content), len(second.content))
    numbers_shared, numbers_clash = number_agreement(first, second)
    names_union = first.names | second.names
    names_missing = len(names_union - (first.names & second.names)) / max(len(names_union), 1)
    quoted_union = first.quoted_words | second.quoted_words
    quoted_overlap = (
        len(first.quoted_words & second.quoted_words) / len(quoted_union) if quoted_union else 0.5
    )
    lengths = sorted((len(first.words), len(second.words)))
    return [
        cosine,
        _jaccard(set(first.words), set(second.words)),
        len(shared_content) / len(content_union) if content_union else 0.0,
        len(shared_content) / smaller if smaller else 0.0,
        _jaccard(set(first.bigrams), set(second.bigrams)),
        word_alignment(first, second),
        lengths[0] / lengths[1] if lengths[1] else 0.0,
        numbers_shared,
        numbers_clash,
        _jaccard(set(first.names), set(second.names)),
        names_missing,
        quoted_overlap,
        float(first.negated != second.negated),
    ]
