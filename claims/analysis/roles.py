"""Who holds which post in a sentence, and two sentences naming different people for one post.

"Marta Ekholm, the depot manager, said ...", "according to depot manager Lars Bengtsson",
"The school's head teacher, Paula Grieve, ...", "Chief Fire Officer Maren Holloran": each gives a
`Holder` (the name and the post). So does a post given by what a person becomes or does: "will
become chief operating officer", "the chief operating officer will be ...", "led by Marta Quist"
(the leader), "organised the protest" (the protest's organiser).

Two sentences of one claim that give one post (the same title, and the same organisation when
both say whose) to two different names disagree on who holds it: an `entity` conflict an editor
must settle, or a spelling note when the names are two spellings of one ("Dalby" / "Dahlby").

Only posts that one person holds at a time, or that are credited as a source ("a spokeswoman for
the port"), are read: "a resident", "a witness" or "a nurse" are many people, and so are a
force's ranks ("Highway Patrol Officer", "Detective") unless a chief, lead, head or senior one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from claims.analysis.features import STOPWORDS, fold, stem

_POSTS_TEXT = (
    "manager director spokesman spokeswoman spokesperson officer executive minister secretary "
    "mayor governor president chair chairman chairwoman chairperson head headteacher headmaster "
    "headmistress teacher principal commissioner superintendent inspector curator leader "
    "councillor councilor sergeant captain detective constable chief coroner judge prosecutor "
    "editor founder owner ceo coordinator administrator dean commander warden treasurer clerk "
    "registrar controller supervisor foreman organiser organizer adviser advisor engineer "
    "surgeon chancellor provost rector pastor vicar bishop ambassador envoy negotiator master "
    "general investigator"
)
POSTS = frozenset(_POSTS_TEXT.split())
_SAME_POST = {"spokeswoman": "spokesman", "spokesperson": "spokesman", "councilor": "councillor",
              "organizer": "organiser", "advisor": "adviser", "chairwoman": "chairman",
              "chairperson": "chairman", "chair": "chairman", "headteacher": "teacher",
              "headmaster": "teacher", "headmistress": "teacher"}  # fmt: skip
POST_WORDS = 4  # words before a post's main word that may still belong to it
_DETERMINERS = frozenset(["the", "a", "an", "its", "their", "his", "her", "our", "this", "that"])
_OWNER_LINKS = frozenset(["for", "of", "at", "with", "from", "in"])
_ANOTHER_HOLDER_TEXT = (
    "former ex late outgoing incoming acting interim deputy vice assistant co previous next new "
    "retiring"
)
_ANOTHER_HOLDER = frozenset(_ANOTHER_HOLDER_TEXT.split())  # a post another's than the plain one
_NEUTRAL = frozenset(["current", "present", "sitting", "serving"])
_TOP = frozenset(["chief", "lead", "head", "senior"])  # "lead investigator" = "chief investigator"
# ranks many people hold at once: one person's post only as "chief", "lead", "head" or "senior"
_RANKS = frozenset(["officer", "sergeant", "detective", "constable", "inspector", "investigator"])
_NOT_IN_POSTS_TEXT = (
    "both all each every another other two said says told to by according and or as"
)
_NOT_IN_POSTS = frozenset(_NOT_IN_POSTS_TEXT.split())
_NAME_WORD = r"[A-Z][a-zà-ÿ'’-]*[a-zà-ÿ](?:-[A-Z][a-zà-ÿ]+)?"
_NAME = rf"{_NAME_WORD}(?: (?:van |de |von |da |di |le |la )?{_NAME_WORD}){{0,2}}"
_AFTER_NAME = re.compile(  # "Marta Ekholm, the depot manager, said"
    rf"(?P<name>{_NAME}), (?P<post>(?:(?:the|a|an|its|their) )?[^,.;:]{{2,70}}?)"
    r"(?=,|\.|;| said| says| told| added| confirmed|$)"
)
_POST_WORD = rf"(?:{'|'.join(sorted(POSTS, key=len, reverse=True))})"
_POST_PHRASE = (  # "chief operating officer of the combined airline", "the port's harbour master"
    rf"(?:(?:the|a|an) )?(?:[\w'’-]+ ){{0,4}}?{_POST_WORD}"
    rf"(?: (?:of|for|at) (?:the |its )?(?:[\w'’-]+ ?){{1,3}}?)?(?=[,.;:]| and | when | from |$)"
)
_BECOMES = re.compile(  # "Hendrika Moor, the operations director, will become chief ..."
    rf"(?P<name>{_NAME})(?:, [^,]{{2,90}},|,)? (?:(?:will|would|is to|is set to) )?"
    r"(?:become|becomes|became|be named|was named|has been named|is named|be appointed|"
    r"was appointed|has been appointed|is appointed|take over as|takes over as|took over as|"
    r"serve as|serves as|served as|[^,.;]{2,60}? as) "
    rf"(?P<post>{_POST_PHRASE})"
)
_POST_IS = re.compile(  # "The combined airline's chief operating officer will be Hendrika Moor"
    rf"(?P<post>(?:[\w'’-]+ ){{0,5}}?{_POST_WORD}) (?:will be|would be|is|was|has been) "
    rf"(?P<name>{_NAME})(?=[,.;:]| and |$)",
)
_AGENT = {"led": "leader", "headed": "head", "organised": "organiser", "organized": "organiser",
          "command": "leader", "leadership": "leader", "founded": "founder",
          "chaired": "chairman"}  # fmt: skip
_DONE_BY = re.compile(  # "led by Marta Quist", "under the command of Jonas Ferrell"
    rf"\b(?:(?P<verb>led|headed|organised|organized|founded|chaired) by|under the "
    rf"(?P<verb_>command|leadership) of) (?P<name>{_NAME})"
)
_DOES = re.compile(  # "Orla Castellane, a retired nurse, organised the protest"
    rf"(?P<name>{_NAME})(?:, [^,]{{2,90}},)? (?P<verb>organised|organized|led|headed|founded|"
    r"chaired) (?:the|a|an|its|their) (?P<thing>[a-z]+(?:-[a-z]+)?)"
)
_TOKEN = re.compile(r"[\w'’-]+|[,;:.()“”\"]")
_NOT_NAMES_TEXT = (
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december"
)
NOT_NAMES = STOPWORDS | frozenset(_NOT_NAMES_TEXT.split())  # capitalised, yet never a name
_COURTESY_TITLES = frozenset({"dr", "mr", "mrs", "ms", "prof", "rev"})  # before a name, not one


@dataclass(frozen=True)
class Holder:
    name: str  # as written: "Lars Bengtsson"
    post: str  # as written: "the depot manager"
    title: tuple[str, ...]  # the post's own words, stemmed, the main word last: ("depot", "manag")
    owner: frozenset[str]  # whose post, stemmed: {"port"} for "a spokeswoman for the port"
    named: bool = False  # the owner is named ("Skerrin Valley Rail"), not described ("the port")


@lru_cache(maxsize=4096)
def role_holders(text: str) -> tuple[Holder, ...]:
    """The people a sentence names together with their post (kept for the texts last read: a
    sentence meets every other sentence of its claim)."""
    found: list[Holder] = []
    position = 0
    while match := _AFTER_NAME.search(text, position):
        holder = _holder(match.group("name"), match.group("post"))
        if holder:
            found.append(holder)
        # not a name ("July, said Marit Ostendorf, ..."): look again inside what it took
        position = match.end() if holder else match.start() + 1
    for given, post in _given_posts(text):
        _add_new(found, _holder(given, post))
    words = _TOKEN.findall(text)
    for position, word in enumerate(words):
        if not _post_word(word):
            continue
        name = _name_after(words, position + 1)
        if not name:
            continue
        start = position
        while start > max(0, position - POST_WORDS) and _in_post(words[start - 1]):
            start -= 1
        _add_new(found, _holder(" ".join(name), " ".join(words[start : position + 1])))
    return tuple(found)


def _add_new(found: list[Holder], holder: Holder | None) -> None:
    """Add a holder unless one with its name and title was found already."""
    if holder and all((holder.name, holder.title) != (o.name, o.title) for o in found):
        found.append(holder)


def _given_posts(text: str) -> list[tuple[str, str]]:
    """(name, post) for a post given by what the sentence says a person does or becomes:
    "Hendrika Moor will become chief operating officer", "the airline's chief operating
    officer will be Hendrika Moor", "will run operations as chief operating officer", "led by
    Marta Quist" or "under the command of Jonas Ferrell" (the leader), "organised by Orla
    Castellane" or "Orla Castellane organised the protest" (the protest's organiser)."""
    found: list[tuple[str, str]] = []
    for pattern in (_BECOMES, _POST_IS):
        found += [(m.group("name"), m.group("post")) for m in pattern.finditer(text)]
    for match in _DONE_BY.finditer(text):
        verb = match.group("verb") or match.group("verb_")
        found.append((match.group("name"), _AGENT[fold(verb)]))
    for match in _DOES.finditer(text):
        agent = _AGENT[fold(match.group("verb"))]
        found.append((match.group("name"), f"{agent} of the {match.group('thing')}"))
    return [(name, post) for name, post in found if _whole_name(text, name)]


def _whole_name(text: str, name: str) -> bool:
    """`name` as found is the whole capitalised run, not the end or start of a longer one
    ("Regional Mines Rescue Service")."""
    for match in re.finditer(re.escape(name), text):
        before = re.search(r"([\w'’-]+)\s*$", text[: match.start()])
        after = re.match(r"\s*([\w'’-]+)", text[match.end() :])
        if before and re.fullmatch(_NAME_WORD, before.group(1)):
            return False
        if after and re.fullmatch(_NAME_WORD, after.group(1)):
            return False
    return bool(name) and not any(fold(part) in NOT_NAMES for part in name.split())


def _name_after(words: list[str], position: int) -> list[str]:
    """One to three capitalised words right after a post (a comma may come between), none of
    them a post: "Officer Maren Holloran" gives nothing at "Chief", the name at "Officer"."""
    if position < len(words) and words[position] == ",":
        position += 1
    while position < len(words) and fold(words[position]) in _COURTESY_TITLES:
        position += 1  # "Surgeon General, Dr. Regina Benjamin": the name is after "Dr."
        if position < len(words) and words[position] == ".":
            position += 1
    name: list[str] = []
    while position < len(words) and len(name) < 3:
        word = words[position]
        if not re.fullmatch(_NAME_WORD, word) or _post_word(word) or fold(word) in NOT_NAMES:
            break
        name.append(word)
        position += 1
    if position < len(words) and re.fullmatch(_NAME_WORD, words[position]):
        return []  # a longer capitalised run: an organisation, not a person
    after = words[position : position + 2]
    if len(after) == 2 and after[0] == "of" and re.fullmatch(_NAME_WORD, after[1]):
        return []  # "Surgeon General, Department of Health": an organisation too
    return name


def _post_word(word: str) -> bool:
    return fold(word).strip("'") in POSTS  # "manager", "chief's"


def _in_post(word: str) -> bool:
    """A word before a post's main word that belongs to the post: "depot", "Fire", "council's",
    "chief"; not a determiner, a preposition, a verb of saying or punctuation."""
    folded = fold(word)
    if not re.fullmatch(r"[\w'’-]+", word) or folded in _DETERMINERS or folded in _OWNER_LINKS:
        return False
    return folded not in _NOT_IN_POSTS


def _holder(name: str, post: str) -> Holder | None:
    written = [word for word in re.findall(r"[\w'’-]+", post) if fold(word) not in _DETERMINERS]
    words = [fold(word) for word in written]
    if not words or any(fold(part) in NOT_NAMES for part in name.split()):
        return None  # "In Dunmarrow, police chief ...": not a name
    if words[0] == "to":
        return None  # "a physician from Alabama, to be surgeon general": a post to come
    title: list[str] = []
    owner: set[str] = set()
    named = False
    for position, word in enumerate(words):
        if word in _OWNER_LINKS and title:
            rest = [w for w in written[position + 1 :] if fold(w) not in STOPWORDS]
            owner |= {stem(fold(w)) for w in rest}
            named = named or any(w[0].isupper() for w in rest)
            break
        if word.endswith("'s"):  # folded: ’ is '
            owner.add(stem(word[:-2]))
            named = named or written[position][0].isupper()
            continue
        title.append(word)
    heads = [position for position, word in enumerate(title) if word.strip("'") in POSTS]
    if not heads or heads[-1] != len(title) - 1:
        return None  # no post, or more words after it: "police chief Sam Hart"
    if title[-1] in _RANKS and not _TOP & set(title[:-1]):
        return None  # "Highway Patrol Officer Brad Baehr": one of many officers, not a post
    main = _SAME_POST.get(title[-1], title[-1])
    title_key = (*(stem(word) for word in title[:-1]), stem(main))
    return Holder(name, post.strip(), title_key, frozenset(owner), named)


def same_post(first: Holder, second: Holder) -> bool:
    """One post: the same main word, one title's other words among the other's (or whose post it
    is), and not two different organisations' (two named ones, or two described ones: "the
    port" and "the union"; a described one may be the named one)."""
    if first.title[-1] != second.title[-1]:
        return False
    if first.owner and second.owner and not first.owner & second.owner:
        return first.named != second.named  # "the operator" may be "Skerrin Valley Rail"
    a, b = _modifiers(first), _modifiers(second)
    if (a ^ b) & _ANOTHER_HOLDER:
        return False  # "former president" is not the president
    return a <= b | second.owner or b <= a | first.owner


def _modifiers(holder: Holder) -> set[str]:
    """The title's words before its main word, the top-post words read as one ("lead", "chief")
    and the neutral ones ("current") left out."""
    return {"chief" if word in _TOP else word for word in holder.title[:-1]} - _NEUTRAL
