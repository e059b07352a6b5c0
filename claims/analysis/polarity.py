"""Words that state opposite things: "continue" / "stop", "reopened" / "closed", "worked" /
"failed", "nobody was hurt" / "two were injured".

Two sentences of one claim, one saying a service will continue and the other that it will stop,
contradict each other though neither says "not". A word after a negation in its clause counts
as its opposite ("did not work" is "failed", "nobody was hurt" is "unhurt"). A word followed by
"until" or "till" in its clause states a bounded while, not an outcome ("suspended until Monday"
agrees with "resumes on Monday"), and is left out, as is any pair of opposites a sentence states
both of ("suspended, then resumed"). A "not" does not reach into a relative clause after it
("police have not named the men who were killed" denies no killing), while a negation that is
the subject does ("no one who was aboard was hurt").
"""

from __future__ import annotations

import re

from claims.analysis.features import BOUNDED, folded_words, is_verb_negation, negates

_OPPOSITES_TEXT = """
continue continues continued continuing resume resumes resumed resuming proceed proceeds
proceeded |
stop stops stopped stopping cease ceases ceased halt halts halted suspend suspends suspended
discontinue discontinued scrap scraps scrapped cancel cancels cancelled canceled abandon
abandoned axe axed
;
open opens opened reopen reopens reopened reopening |
close closes closed closing closure shut shuts shutting
;
work works worked functioned operated |
fail fails failed failing malfunctioned malfunction
;
released freed bailed |
custody detained remanded jailed
;
approved accepted backed endorsed |
rejected blocked vetoed opposed
;
survived survive alive rescued |
died dead killed
;
safe unharmed unhurt uninjured unscathed |
injured hurt wounded harmed
;
rose risen rising increased increase grew |
fell fallen falling dropped decreased decrease
;
allowed permitted |
banned barred forbidden prohibited
;
guilty convicted |
acquitted innocent
;
affected contaminated damaged |
unaffected intact undamaged untouched spared
;
won win wins |
lost lose loses
;
changed switched replaced altered |
unchanged retained
"""
_POLE: dict[str, tuple[int, int]] = {}  # word -> (group, +1 or -1)
for _group, _entry in enumerate(_OPPOSITES_TEXT.split(";")):
    _positive, _negative = _entry.split("|")
    _POLE |= {word: (_group, 1) for word in _positive.split()}
    _POLE |= {word: (_group, -1) for word in _negative.split()}
_CALL = frozenset({"call", "calls", "called", "calling"})  # "called off" is "cancelled"
_RELATIVE = frozenset({"who", "whom", "whose", "which"})
_ADJECTIVE_BEFORE = {"close": {"to", "by"}, "open": {"to"}}  # "close to 100", "open to offers"
_CLAUSE = re.compile(
    r"[,;:.!?()]| and | but | while | although | whereas | once | after | before | when | if "
    r"| unless | because | whether | how | why | what "
)  # a negation reaches no further: "cannot hold office once he is released", "it is not known
# how long the store will be closed", "did not say whether the line would reopen"


def poles(text: str) -> dict[int, int]:
    """For each group of opposites the sentence takes a side in, the side: +1 or -1."""
    sides: dict[int, set[int]] = {}
    for clause in _CLAUSE.split(text):
        words = folded_words(clause)
        for position, word in enumerate(words):
            following = words[position + 1] if position + 1 < len(words) else ""
            pole = _POLE.get("cancelled" if word in _CALL and following == "off" else word)
            if pole is None or BOUNDED & set(words[position + 1 :]):
                continue
            if word in _ADJECTIVE_BEFORE and following in _ADJECTIVE_BEFORE[word]:
                continue
            group, side = pole
            denied = any(_denies(words, before, position) for before in range(position))
            sides.setdefault(group, set()).add(-side if denied else side)
    return {group: next(iter(found)) for group, found in sides.items() if len(found) == 1}


def _denies(words: list[str], negation: int, position: int) -> bool:
    """Whether the negation at `negation` reaches the word at `position`: a "not" or a "-n't"
    verb stops at a relative pronoun between them."""
    if not negates(words, negation):
        return False
    if is_verb_negation(words[negation]):
        return not _RELATIVE & set(words[negation + 1 : position])
    return True


def opposed(first: dict[int, int], second: dict[int, int]) -> bool:
    """The two sentences take opposite sides in some group."""
    return any(second.get(group) == -side for group, side in first.items())
