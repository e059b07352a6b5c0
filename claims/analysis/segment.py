"""Split an article body into sentences with exact character offsets.

Every segment's `text` is `body[start:end]` with surrounding whitespace left out. Lines are
grouped into paragraphs first (a hard-wrapped paragraph is rejoined), each paragraph is split
with pysbd, which keeps a multi-sentence quotation together with its attribution, and every
sentence is then labelled: a statement, or a heading, byline, dateline or boilerplate that is
kept as text but takes no part in claims.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import pairwise

import pysbd

from claims.analysis.types import Segment, SentenceKind

# A line that ends like this closes its unit; otherwise the next line continues it.
_TERMINAL = tuple(".!?…:;\"”’'»")
_MAX_QUOTE_MERGE = 8
QUOTE_LINES = 4  # a quotation left open at a line's end is looked for this many lines on

_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n(?:.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)
_NAME_WORD = r"[A-Z][\w.'’-]*"
_BYLINE = re.compile(
    r"^(?:(?i:author|authors|byline|written by|reporting by|words by|story by)\s*:?\s*"
    rf"(?:{_NAME_WORD}(?:\s+|$)|(?:and|&|,|\|)\s*)*$"
    rf"|(?i:by)\s+{_NAME_WORD}(?:\s+{_NAME_WORD})*"
    rf"(?:\s*(?:,|and|AND|&|\||-|–|—)\s*{_NAME_WORD}(?:\s+{_NAME_WORD})*)*\s*$)"
)
_DATELINE_PREFIX = re.compile(
    r"^[A-Z][A-Z.'’\- ]{1,40}[A-Z.]"  # HAVANA, NEW YORK, WASHINGTON D.C.
    r"(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"  # , Jan 5
    r"(?:\s*\([A-Za-z .&]{1,30}\))?"  # (AP), (Reuters)
    r"\s*(?:--|[–—-])\s+"
)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE_LINE = re.compile(
    r"^(?:(?:published|updated|posted|last updated|first published)\b[:\s]*)?"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})"
    r"(?:[,\s]+(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4})?)?\W*$",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"^(?:here['’]?s what (?:you need to know|we know(?: so far)?|to know)\s*:?\s*$"
    r"|what (?:you need to know|we know(?: so far)?)\s*:?\s*$|key points\s*:?\s*$"
    r"|subscribe\b|sign up\b|read more\b|read also\b|see also\b|related\s*:|click here\b"
    r"|follow us\b|follow\s+@|share this\b|advertisement\b|download (?:our|the) app"
    r"|get the latest\b|listen to this article|support our journalism|don['’]t miss\b"
    r"|newsletter\b|copyright\b|all rights reserved|©|\(c\)\s*\d{4}"
    r"|(?:get|receive|read|join) (?:our|the)\b[^.;]{0,50}\b(?:newsletter|alerts|app)\b"
    r"|this (?:article|story) (?:was|has been|is) (?:updated|published|produced|corrected)"
    r"|more (?:on|from) this story|recommended\b|watch\s*:|continue reading)",
    re.IGNORECASE,
)
_BOILERPLATE_ANYWHERE = re.compile(r"©|all rights reserved", re.IGNORECASE)
_GREETING = r"(?:good (?:morning|afternoon|evening|night),? (?:and )?)?"
_BROADCAST = re.compile(  # a station's ident or sign-off in a bulletin's transcript
    rf"^(?:{_GREETING}(?:you['’]re|you are) (?:listening to|watching|tuned to)\b"
    rf"|{_GREETING}welcome to\b[^.;]{{0,40}}\b(?:fm|radio|tv|news)\b"
    rf"|{_GREETING}this is\b[^.;]{{0,40}}\b(?:fm|radio|tv)\b"
    r"|this is\b[^.;]{0,40}\bhere(?:['’]s| is) the (?:news|headlines)\b"
    r"|this is\b[^.;]{0,40}\bfor\b[^.;]{0,30}\b(?:news|radio|tv)\b"
    r"|that['’]s (?:the|all the|all from) (?:news|headlines|bulletin)\b"
    r"|that['’]s [^.;,]{0,40}\b(?:fm|radio|tv) (?:news|headlines|bulletin)\b"
    r"|that['’]s [^.;,]{0,40}\b(?:news|headlines|bulletin)\s*[;,]\s*"
    r"(?:we['’]re|we['’]ll|we are|we will|more|back)\b"
    r"|.{0,50}\b(?:our|the) next (?:bulletin|update|news)\b"
    r"|stay tuned\b)",
    re.IGNORECASE,
)
_NAME_RUN = r"(?:[A-Z][\w'’-]*\s?){1,4}"  # "Coast Tonight", "Selwick Coast Television"
_BROADCAST_NAMED = re.compile(  # the same, naming the programme with no "news", "radio" or "tv"
    rf"^(?:Good (?:morning|afternoon|evening|night),? (?:and )?[Ww]|W)elcome to "
    rf"{_NAME_RUN}(?:(?:on|from) {_NAME_RUN})?[.!]?$"
    rf"|^This is (?:[A-Z][\w'’-]*\s){{2,3}}(?:for|on|with) {_NAME_RUN}"
    r"\s*(?:[.;]|$|,\s+(?:in|at|from|outside|on|near)\b)"
    rf"|^That['’]s {_NAME_RUN}(?:(?:on|from) {_NAME_RUN})?\s*[,.;]\s*"
    r"(?:we['’]re|we['’]ll|we are|we will|back|more|good ?night|see you|join us|thanks)\b"
)
_BROADCAST_WORDS = 16  # idents and sign-offs are short
_QUESTION_WORDS = frozenset(["what", "how", "why", "when", "where", "who", "which"])
QUESTION_HEADING_WORDS = 10  # a line of its own that asks this little is a section heading
_BOILERPLATE_PREFIX = re.compile(
    r"^(?:here['’]?s what (?:you need to know|we know(?: so far)?|to know)"
    r"|what (?:you need to know|we know(?: so far)?)|key points|the latest|catch up"
    r"|breaking(?: news)?|update[d]?|editor['’]?s note|read more|in brief|at a glance)"
    r"\s*(?::|--|[–—-])\s+"
    r"(?=[\"“‘'(\[A-Z0-9])",
    re.IGNORECASE,
)
_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "vs",
        "with",
        "over",
        "after",
    ]
)


@lru_cache(maxsize=1)
def _splitter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def segment(body: str) -> list[Segment]:
    """Split `body` into ordered, non-overlapping segments with exact offsets."""
    segments: list[Segment] = []
    offset = 0
    front = _FRONT_MATTER.match(body)
    if front:
        segments.extend(_span(body, 0, front.end(), "boilerplate"))
        offset = front.end()
    for start, end, single_line in _units(body, offset):
        segments.extend(_segment_unit(body, start, end, single_line))
    return segments


def _span(body: str, start: int, end: int, kind: SentenceKind) -> list[Segment]:
    """The segment for body[start:end] with its whitespace trimmed, or none when blank."""
    text = body[start:end]
    stripped = text.strip()
    if not stripped:
        return []
    start += len(text) - len(text.lstrip())
    end = start + len(stripped)
    return [Segment(start, end, body[start:end], kind)]


def _units(body: str, offset: int) -> Iterator[tuple[int, int, bool]]:
    """Paragraph units as (start, end, is_single_line): lines rejoined when hard-wrapped."""
    lines = [
        (offset + match.start(), offset + match.end(), match.group().strip())
        for match in re.finditer(r"[^\n]+", body[offset:])
    ]
    unit_start: int | None = None
    unit_end = 0
    lines_in_unit = 0
    for number, (start, end, stripped) in enumerate(lines):
        if not stripped:
            if unit_start is not None:
                yield unit_start, unit_end, lines_in_unit == 1
                unit_start = None
            continue
        previous_open = unit_start is not None and (
            not _closes_unit(body[unit_start:unit_end])
            or _quote_carries_on(body[unit_start:unit_end], _next_lines(lines, number))
            or _quote_introduced(body[unit_start:unit_end], stripped)
        )
        if unit_start is not None and previous_open and start - unit_end == 1:
            unit_end = end
            lines_in_unit += 1
            continue
        if unit_start is not None:
            yield unit_start, unit_end, lines_in_unit == 1
        unit_start, unit_end, lines_in_unit = start, end, 1
    if unit_start is not None:
        yield unit_start, unit_end, lines_in_unit == 1


def _next_lines(lines: list[tuple[int, int, str]], number: int) -> list[str]:
    """The stripped line `number` and those straight after it, up to a blank line and at most
    `QUOTE_LINES` in all."""
    found = [lines[number][2]]
    for (_, end, _), (start, _, stripped) in pairwise(lines[number : number + QUOTE_LINES]):
        if start - end != 1 or not stripped:
            break
        found.append(stripped)
    return found


_INTRODUCES = re.compile(
    r"\b(?:said|says|saying|told|tells|added|adds|wrote|writes|stated|declared)\b[^:]*:\s*$",
    re.IGNORECASE,
)


def _quote_introduced(unit: str, line: str) -> bool:
    """A line that introduces a quotation ("Playboy's founder said:") and the quotation on the
    next line: one sentence, the quotation with its attribution."""
    return line.startswith(('"', "“")) and bool(_INTRODUCES.search(unit.rsplit("\n", 1)[-1]))


def _quote_carries_on(unit: str, lines: list[str]) -> bool:
    """A quotation left open at the end of a unit and closed on one of the next lines (`lines`,
    the next first), none of which opens a quotation of its own: one quotation over a few
    lines (text kept one sentence to a line). A paragraph that opens its quotation again is a
    new unit, as newspapers write a long quotation."""
    if not _quote_open(unit):
        return False
    for line in lines:
        if line.startswith(('"', "“")):
            return False
        if line.count('"') % 2 == 1 or line.count("”") > line.count("“"):
            return True
        if any(mark in line for mark in '"“”'):
            return False
    return False


def _closes_unit(text: str) -> bool:
    """Whether the last line of a unit ends it (punctuation, or a heading-like line)."""
    last_line = text.rstrip().rsplit("\n", 1)[-1].strip()
    return last_line.endswith(_TERMINAL) or _looks_like_heading(last_line) or len(last_line) < 50


def _looks_like_heading(line: str) -> bool:
    if line.endswith("?") and len(line.split()) <= QUESTION_HEADING_WORDS and line[0].isalpha():
        return True  # "Will the paintings be found?": an explainer's section, not a claim
    if not line or line.endswith(_TERMINAL) or line.endswith(","):
        return False
    words = line.split()
    if len(words) <= 8:
        return True
    if len(words) > 16:
        return False
    if words[0].lower() in _QUESTION_WORDS:
        return True  # "What to do if you think your child has measles", without a full stop
    content = [word for word in words if word.lower() not in _SMALL_WORDS]
    capitalised = sum(1 for word in content if word[:1].isupper() or word[:1].isdigit())
    return bool(content) and capitalised / len(content) >= 0.6


def _segment_unit(body: str, start: int, end: int, single_line: bool) -> list[Segment]:
    text = body[start:end].strip()
    if single_line and (kind := _line_kind(text)) is not None:
        return _span(body, start, end, kind)
    segments: list[Segment] = []
    for number, (sentence_start, sentence_end) in enumerate(_sentences(body, start, end)):
        segments.extend(_classify(body, sentence_start, sentence_end, first=number == 0))
    return segments


def _line_kind(line: str) -> SentenceKind | None:
    """The kind of a whole one-line paragraph when it is not an ordinary sentence."""
    words = line.split()
    if _BYLINE.match(line) and len(words) <= 14:
        return "byline"
    if _DATE_LINE.match(line):
        return "dateline"
    if _DATELINE_PREFIX.match(line + " ") and len(words) <= 4:
        return "dateline"
    if _is_boilerplate(line):
        return "boilerplate"
    if _looks_like_heading(line):
        return "heading"
    return None


def _sentences(body: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Sentence spans inside body[start:end], quotes and attributions kept together."""
    unit = body[start:end]
    pieces = _pysbd_spans(unit.replace("\n", " "))
    merged: list[tuple[int, int]] = []
    for piece_start, piece_end in pieces:
        if merged and _continues(unit, merged[-1], piece_start, piece_end):
            merged[-1] = (merged[-1][0], piece_end)
        else:
            merged.append((piece_start, piece_end))
    for piece_start, piece_end in merged:
        yield start + piece_start, start + piece_end


def _pysbd_spans(unit: str) -> list[tuple[int, int]]:
    """pysbd's sentences located in `unit` (stripped spans); the rest as one span on failure."""
    try:
        # pysbd's own `segment` then finds each sentence again with a regular expression
        # compiled from its text (a compile per sentence); locating them below does the same
        sentences = _splitter().processor(unit).process() if unit else []
    except Exception:  # pysbd's rules can fail on odd input; keep the text whole then
        sentences = [unit]
    spans: list[tuple[int, int]] = []
    cursor = 0
    for sentence in sentences:
        needle = sentence.strip()
        if not needle:
            continue
        found = unit.find(needle, cursor)
        if found < 0:
            break
        spans.append((found, found + len(needle)))
        cursor = found + len(needle)
    rest = unit[cursor:]
    if rest.strip():
        lead = len(rest) - len(rest.lstrip())
        spans.append((cursor + lead, cursor + lead + len(rest.strip())))
    return spans


def _continues(unit: str, previous: tuple[int, int], start: int, end: int) -> bool:
    """Whether a piece belongs to the sentence before it (an open quote, a lowercase tail, or
    punctuation alone: pysbd can leave a closing quotation mark after a full stop on its own)."""
    if not any(character.isalnum() for character in unit[start:end]):
        return True
    text_so_far = unit[previous[0] : previous[1]]
    if _quote_open(text_so_far) and text_so_far.count(".") < _MAX_QUOTE_MERGE * 2:
        return True
    piece = unit[start:end]
    return piece[:1].islower() and len(piece.split()) <= 6


def _quote_open(text: str) -> bool:
    if text.count("“") > text.count("”"):
        return True
    return text.count('"') % 2 == 1


def _is_boilerplate(text: str) -> bool:
    return bool(
        _BOILERPLATE.match(text)
        or _BOILERPLATE_ANYWHERE.search(text)
        or (
            (_BROADCAST.match(text) or _BROADCAST_NAMED.match(text))
            and len(text.split()) <= _BROADCAST_WORDS
        )
    )


def _classify(body: str, start: int, end: int, *, first: bool) -> list[Segment]:
    """Label one sentence, splitting off a dateline or boilerplate prefix when it has one.

    A dateline prefix ("HAVANA (AP) –") is only looked for at the start of a paragraph.
    """
    text = body[start:end]
    if _BYLINE.match(text) and len(text.split()) <= 14:
        return _span(body, start, end, "byline")
    if _is_boilerplate(text):
        return _span(body, start, end, "boilerplate")
    prefixes: list[tuple[re.Pattern[str], SentenceKind]] = [(_BOILERPLATE_PREFIX, "boilerplate")]
    if first:
        prefixes.insert(0, (_DATELINE_PREFIX, "dateline"))
    for pattern, kind in prefixes:
        prefix = pattern.match(text)
        if prefix and prefix.end() < len(text):
            cut = start + prefix.end()
            return _span(body, start, cut, kind) + _classify(body, cut, end, first=False)
    return _span(body, start, end, "statement")
