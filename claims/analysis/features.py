"""What the pair scorer knows about one sentence, and the features of a sentence pair.

`SentenceInfo` is computed once per sentence (words, content words, names, numbers, quoted
words, negations); `pair_features` turns two of them, their embedding cosine and the word
frequencies of the batch into symmetric features, and `token_features` adds what aligning the
model's token vectors shows. The learned combiner in `scorer.py` weighs them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property, lru_cache
from itertools import pairwise

import numpy as np
from rapidfuzz import fuzz

from claims.analysis.numbers import (
    NUMBER_WORDS,
    Quantity,
    comparable,
    compatible,
    find_quantities,
)
from claims.analysis.quotes import QuoteSpan, find_quotes

_STOPWORDS_TEXT = (
    "a about above after again against all also am an and any are as at be because been before "
    "being below between both but by can could did do does doing down during each few for from "
    "further had has have having he her here hers herself him himself his how i if in into is "
    "it its itself just me more most my myself no nor not of off on once only or other our ours "
    "ourselves out over own same she should so some such than that the their theirs them "
    "themselves then there these they this those through to too under until up very was we were "
    "what when where which while who whom why will with would you your yours yourself said says "
    "say told according"
)
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_NEGATIONS_TEXT = (
    "not no never none nobody nothing neither nor without cannot n't denied denies deny "
    "denying declined declines refused refuses refusing"
)
NEGATIONS = frozenset(_NEGATIONS_TEXT.split())
_DENYING_VERBS = frozenset({"skip", "skips", "skipped", "skipping", "missed"})
"""Verbs that say something was not done ("skipped practice", "missed the meeting"; and "sat
out", `_SITTING`). They deny nothing another sentence states, but a sentence with one and a
sentence with a "not" are two ways of saying it was not done."""
_SITTING = frozenset({"sit", "sits", "sat", "sitting"})  # with "out" after ("sat down": none)
_COMPARED_TEXT = "fewer more less later earlier sooner longer shorter greater higher lower further"
_COMPARED = frozenset(_COMPARED_TEXT.split())  # "no fewer than": a bound, not a negation
# "don't" typed without its apostrophe, as wire copy often has it
_BARE_CONTRACTIONS_TEXT = (
    "dont doesnt didnt isnt wasnt arent werent havent hasnt hadnt cant couldnt wouldnt "
    "shouldnt mustnt neednt"
)
_BARE_CONTRACTIONS = frozenset(_BARE_CONTRACTIONS_TEXT.split())
_VERB_NEGATIONS = frozenset({"not", "never"})
_SCOPE_ENDS = frozenset(
    ["and", "but", "because", "which", "who", "while", "although", "though", "whereas", "if"]
)
BOUNDED = frozenset({"until", "till"})  # "not ... until", "suspended until": a while, not an end
_PASSED_OVER_TEXT = (
    "yet even ever also always currently immediately here there one to be been being the a an "
    "any its their his her our have has had longer more so just really is are was were will "
    "would shall should can could may might must"
)
_PASSED_OVER = frozenset(_PASSED_OVER_TEXT.split())
_INTENDED = frozenset({"meant", "intended", "expected", "supposed", "designed", "likely"})
"""Words after which "not ... to X" leaves X open: "was not meant to hit the girl" denies the
intent, not the hit ("had not agreed to reopen" denies both)."""
_SUBJECT_NEGATIONS = frozenset({"none", "nobody", "nothing", "neither", "noone"})
_AUXILIARIES_TEXT = (
    "is are was were has have had will would shall should can could may might must did does do"
)
_AUXILIARIES = frozenset(_AUXILIARIES_TEXT.split())
_CLAUSE_BREAK = re.compile(r"[,;:.!?\"“”()]")
_WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+(?:['’][A-Za-z]+)?|\d+(?:[.,]\d+)*")
_SUFFIXES = ("ing", "ed", "es", "s", "ly")
_NEGATION_COMPOUND_OR_WORD = re.compile(
    rf"\b(?:[Nn]ot|[Nn]o|[Nn]ever)(?:-(?!one\b)[A-Za-z]+)+|{_WORD.pattern}"
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
    negated_words: frozenset[str]  # the words its negations deny

    @property
    def negated(self) -> bool:
        return bool(self.negated_words)

    @cached_property
    def has_negation(self) -> bool:
        """Any negation at all, also one whose scope a comma cut ("declined, through a
        spokesman, to comment")."""
        words = folded_words(self.text)
        return any(
            negates(words, position) or _denies_doing(words, position)
            for position in range(len(words))
        )

    @cached_property
    def ngram_counts(self) -> tuple[Counter[tuple[str, ...]], ...]:
        """Counts of the word n-grams of sizes 1 to 4 (index 0 is size 1), made once."""
        return tuple(
            Counter(zip(*(self.words[i:] for i in range(size)), strict=False))
            for size in (1, 2, 3, 4)
        )

    @cached_property
    def char_grams(self) -> tuple[Counter[str], int]:
        """Counts of the lowercased text's character 4-grams, and the sum of their squares."""
        lower = self.text.lower()
        grams = Counter(lower[i : i + 4] for i in range(len(lower) - 4 + 1))
        return grams, sum(v * v for v in grams.values())


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
    return SentenceInfo(
        text=text,
        words=words,
        content=frozenset(word for word in words if word not in STOPWORDS),
        bigrams=frozenset(pairwise(words)),
        names=names,
        quantities=tuple(find_quantities(text)),
        quotes=quotes,
        quoted_words=quoted,
        negated_words=negation_scope(text),
    )


def folded_words(text: str) -> list[str]:
    """The words and numbers of a text, folded: "Don’t" -> "don't". A compound that starts
    with a negation is one word, which denies nothing: "the not-yet-released version", "a
    no-fly zone", "a not-guilty plea" ("no-one" stays two)."""
    return [fold(match.group()) for match in _NEGATION_COMPOUND_OR_WORD.finditer(text)]


def negation_scope(text: str, ignoring: AbstractSet[str] = frozenset()) -> frozenset[str]:
    """What each negation in the sentence denies: the word after "not", "no", "never",
    "denied", "declined" or a "-n't" verb, past adverbs and auxiliaries ("has not yet said"
    denies "said"), crudely stemmed; and the verb of a "to" that word governs ("has not
    agreed to reopen" denies "agreed" and "reopen"; "was not meant to hit" only "meant",
    `_INTENDED`). A negation that is the subject denies its verb (`_predicate_start`). A
    negation with "until" after it in its clause denies nothing: "will not close until June
    30" says when it closes. Negations in `ignoring` are passed over."""
    heads: set[str] = set()
    for clause in _CLAUSE_BREAK.split(text):
        words = folded_words(clause)
        for position, word in enumerate(words):
            if (
                not negates(words, position)
                or word in ignoring
                or BOUNDED & set(words[position + 1 :])
            ):
                continue  # "will not close until June 30" says when it closes
            start = _predicate_start(words, position)
            for offset, following in enumerate(words[start:], start=start):
                if following in _SCOPE_ENDS:
                    break
                if following not in _PASSED_OVER:
                    heads.add(stem(following))
                    after = words[offset + 1 : offset + 3]
                    if (
                        len(after) == 2
                        and after[0] == "to"
                        and _verb_like(after[1])
                        and following not in _INTENDED
                    ):
                        heads.add(stem(after[1]))
                    break
    return frozenset(heads)


def _predicate_start(words: Sequence[str], position: int) -> int:
    """Where the words the negation at `position` denies start. A negation that is the subject
    ("none of the passengers was hurt", "no one at the school was hurt", "nobody has been
    charged") denies its verb, after the first auxiliary of its clause; failing one, its noun
    ("none of the other teams made it" denies "teams"), never a word like "of" or "at" that
    any sentence has. Any other negation denies what follows it."""
    word = words[position]
    following = words[position + 1 : position + 2]
    if not (word in _SUBJECT_NEGATIONS or (word == "no" and following == ["one"])):
        return position + 1
    for offset in range(position + 1, len(words)):
        if words[offset] in _SCOPE_ENDS:
            break
        if words[offset] in _AUXILIARIES:
            return offset + 1
    return next(
        (
            offset
            for offset in range(position + 1, len(words))
            if words[offset] not in STOPWORDS and words[offset] not in _PASSED_OVER
        ),
        position + 1,
    )


def _verb_like(word: str) -> bool:
    """A word after "to" that may be the verb it governs: not a stopword or a number ("not
    guilty to two counts")."""
    return word not in STOPWORDS and word not in NUMBER_WORDS and not word[:1].isdigit()


_SAYING = r"(?:said|says|told [\w' ]+?|has said|had said|announced|confirmed|added|warned)"
_WHO = r"[^,]{2,60}"  # "Ann Lee", "a port official"
_ROLE = r"[^,]{2,80}"  # "a spokeswoman for the port"
_SPEAKER = rf"{_WHO}(?:, {_ROLE})?"
_SPEAKER_FIRST = re.compile(  # "Ann Lee said ..." or "Ann Lee, a spokeswoman, said ..."
    rf"^{_WHO}(?:, {_ROLE},)? {_SAYING}(?: on \w+)?,? (?:that )?(?P<content>.+)$"
)
_SPEAKER_LAST = re.compile(
    rf"^(?P<content>.+), (?:{_SAYING} {_SPEAKER}|{_SPEAKER} {_SAYING}|according to {_SPEAKER})\.?$"
)
_ACCORDING_TO = re.compile(r"^According to [^,]+, (?P<content>.+)$")


def reported_content(text: str) -> str | None:
    """What a sentence reports someone said, without who said it ("Ann Lee, a spokeswoman,
    said the quay would reopen." -> "the quay would reopen."); None when no one is credited."""
    for pattern in (_ACCORDING_TO, _SPEAKER_FIRST, _SPEAKER_LAST):
        found = pattern.match(text.strip())
        if found:
            return found.group("content")
    return None


def is_negation(word: str) -> bool:
    """A folded word that negates: "not", "never", "declined", "don't", "dont"."""
    return word in NEGATIONS or is_verb_negation(word)


def is_verb_negation(word: str) -> bool:
    """A folded word that negates the verb it goes with: "not", "never", "haven't", "havent"
    (not "nobody" or "declined", which negate as a subject or a verb of their own)."""
    return word in _VERB_NEGATIONS or word.endswith("n't") or word in _BARE_CONTRACTIONS


def negates(words: Sequence[str], position: int) -> bool:
    """Whether the folded word at `position` negates: "no fewer than 140" and "not later
    than Monday" set a bound on a figure and deny nothing."""
    if not is_negation(words[position]):
        return False
    following = words[position + 1 : position + 3]
    return not (len(following) == 2 and following[0] in _COMPARED and following[1] == "than")


def _denies_doing(words: Sequence[str], position: int) -> bool:
    """Whether the folded word at `position` says something was not done: "skipped", "missed",
    "sat out" ("sat down" is no denial)."""
    if words[position] in _SITTING:
        return words[position + 1 : position + 2] == ["out"]
    return words[position] in _DENYING_VERBS


def negation_mismatch(first: SentenceInfo, second: SentenceInfo) -> bool:
    """One sentence denies what the other states: the word a negation governs in one appears
    in the other, which does not negate anything."""
    if first.has_negation and second.has_negation:
        return False  # both deny something: two ways of saying it, not a contradiction
    denying, stating = (first, second) if first.negated_words else (second, first)
    return bool(denied_and_stated(denying, stating))


def denied_and_stated(denying: SentenceInfo, stating: SentenceInfo) -> set[str]:
    """The words the denying sentence denies that the other sentence has."""
    return {word for word in denying.negated_words if word in stating.words}


@dataclass(frozen=True)
class Corpus:
    """Document frequencies of words over the sentences of one batch (a story, a file)."""

    frequencies: dict[str, int]
    size: int
    _idf: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, infos: Sequence[SentenceInfo]) -> Corpus:
        counts: Counter[str] = Counter()
        for info in infos:
            counts.update(set(info.words))
        return cls(dict(counts), len(infos))

    def idf(self, word: str) -> float:
        """Inverse document frequency scaled to [0, 1] so that batches of any size compare."""
        known = self._idf.get(word)
        if known is None:
            scale = math.log(self.size + 2)
            known = math.log((self.size + 2) / (self.frequencies.get(word, 0) + 1)) / scale
            self._idf[word] = known
        return known


def _jaccard(first: AbstractSet[object], second: AbstractSet[object]) -> float:
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
        same_kind = [q for q in second.quantities if comparable(q, quantity)]
        if any(compatible(quantity, other) for other in same_kind):
            matched += 1
        elif same_kind:
            clash = 1.0
    total = max(len(first.quantities), len(second.quantities))
    return matched / total, clash


def _ngram_precision(first: SentenceInfo, second: SentenceInfo, size: int) -> float:
    grams = first.ngram_counts[size - 1]
    if not grams:
        return 0.0
    other = second.ngram_counts[size - 1]
    shared = sum(min(grams[gram], other[gram]) for gram in grams.keys() & other.keys())
    return shared / sum(grams.values())


def _char_cosine(first: SentenceInfo, second: SentenceInfo) -> float:
    """Cosine of the character 4-gram counts of the lowercased texts."""
    (a, squares_a), (b, squares_b) = first.char_grams, second.char_grams
    norm = math.sqrt(squares_a * squares_b)
    return sum(a[gram] * b[gram] for gram in a.keys() & b.keys()) / norm if norm else 0.0


def _pair(values: tuple[float, float]) -> list[float]:
    return [max(values), min(values)]


def pair_features(
    first: SentenceInfo, second: SentenceInfo, cosine: float, corpus: Corpus
) -> list[float]:
    """Symmetric features of a sentence pair from its words, numbers, names and quotes."""
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
    a_words, b_words = set(first.words), set(second.words)
    a_numbers = {q.text for q in first.quantities}
    b_numbers = {q.text for q in second.quantities}
    features = [
        cosine,
        _jaccard(a_words, b_words),
        len(shared_content) / len(content_union) if content_union else 0.0,
        len(shared_content) / smaller if smaller else 0.0,
        _jaccard(first.bigrams, second.bigrams),
        word_alignment(first, second),
        lengths[0] / lengths[1] if lengths[1] else 0.0,
        numbers_shared,
        numbers_clash,
        _jaccard(first.names, second.names),
        names_missing,
        quoted_overlap,
        float(negation_mismatch(first, second)),
        *_pair(
            (
                math.log1p(len(first.content - second.content)),
                math.log1p(len(second.content - first.content)),
            )
        ),
        (lengths[1] - lengths[0]) / 10,
    ]
    for size in (1, 2, 3, 4):
        features += _pair(
            (
                _ngram_precision(first, second, size),
                _ngram_precision(second, first, size),
            )
        )
    features += [
        _char_cosine(first, second),
        fuzz.token_set_ratio(first.text, second.text) / 100,
        fuzz.ratio(first.text, second.text) / 100,
        fuzz.partial_ratio(first.text, second.text) / 100,
        *_pair(
            (
                math.log1p(len(first.names - second.names)),
                math.log1p(len(second.names - first.names)),
            )
        ),
        float(
            bool(a_numbers)
            and bool(b_numbers)
            and not (a_numbers <= b_numbers or b_numbers <= a_numbers)
        ),
        float(a_numbers == b_numbers),
    ]
    return features + _idf_features(a_words, b_words, corpus)


PAIR_PARTS = {"content_overlap": 3, "numbers_clash": 8, "rare_words": 33}
"""Where some of `pair_features`' readings stand in its list: the share of the smaller
sentence's content words the other has, whether comparable quantities clash, and the shared
words' inverse document frequency over the smaller sentence's (read by `context.py`)."""


def _idf_features(first: set[str], second: set[str], corpus: Corpus) -> list[float]:
    weight_a = sum(corpus.idf(word) for word in first)
    weight_b = sum(corpus.idf(word) for word in second)
    shared = sum(corpus.idf(word) for word in first & second)
    only_a = weight_a - shared
    only_b = weight_b - shared
    return [
        shared / (weight_a + weight_b - shared + 1e-9),
        shared / (min(weight_a, weight_b) + 1e-9),
        *_pair((math.log1p(only_a), math.log1p(only_b))),
        max(only_a, only_b) / (weight_a + weight_b + 1e-9),
        max((corpus.idf(word) for word in first ^ second), default=0.0),
    ]


_EDGES = np.array([0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], dtype=np.float32)


def token_features(first: np.ndarray, second: np.ndarray) -> list[float]:
    """Features from aligning the model's contextual token vectors (rows L2-normalised)."""
    if len(first) == 0 or len(second) == 0:
        return [0.0] * (4 + 3 + 4 * len(_EDGES))
    similarity = first.astype(np.float32) @ second.astype(np.float32).T
    best_a, best_b = similarity.max(axis=1), similarity.max(axis=0)
    precision, recall = float(best_a.mean()), float(best_b.mean())
    lowest = np.sort(np.concatenate([best_a, best_b]))
    lowest = np.pad(lowest[:3], (0, max(0, 3 - len(lowest))), mode="edge")
    features = [
        2 * precision * recall / (precision + recall + 1e-9),
        max(precision, recall),
        min(precision, recall),
        float(min(best_a.min(), best_b.min())),
        *map(float, lowest),
    ]
    below_a = (best_a[:, None] < _EDGES[None, :]).sum(axis=0)
    below_b = (best_b[:, None] < _EDGES[None, :]).sum(axis=0)
    share_a, share_b = below_a / len(best_a), below_b / len(best_b)
    features += list(map(float, np.maximum(share_a, share_b)))
    features += list(map(float, np.minimum(share_a, share_b)))
    features += list(map(float, np.log1p(np.maximum(below_a, below_b))))
    features += list(map(float, np.log1p(np.minimum(below_a, below_b))))
    return features
