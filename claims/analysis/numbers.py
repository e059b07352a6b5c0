"""Numbers, amounts, measures, dates, weekdays and clock times found in a sentence, normalised.

`find_quantities("nearly 100 people")` gives one `Quantity` whose interval is [90, 100]; two
quantities agree when they have the same kind and unit and their intervals meet, so "at least
20" agrees with 24, "$4m" with "$4 million", "half" with "50%", "90 minutes" with "an hour and
a half", and "May 2025" disagrees with "2024". Clock times agree when they can be the same
minute: "6 a.m." with "six o'clock in the morning", "10:40 p.m." with "10.40 at night", "10:40"
(morning or evening unsaid) with either; "shortly after 3 a.m." covers 3:00 to 3:30.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

QuantityKind = Literal[
    "count", "percent", "money", "measure", "duration", "date", "weekday", "time"
]
Hedge = Literal["", "lower", "upper", "nearly", "about"]

_SMALL = {
    "zero": 0, "no": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
NUMBER_WORDS = {
    word: value for word, value in _SMALL.items() if word not in {"a", "an", "no"}
}  # "one" to "ninety", without the articles and "no" that `_SMALL` also reads as numbers
_SCALES = {
    "hundred": 100.0, "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6,
    "mln": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
}  # fmt: skip
_WORD_SCALES = ("hundred", "thousand", "million", "billion")
_FRACTIONS = {
    "half": 50.0, "third": 100 / 3, "thirds": 100 / 3, "quarter": 25.0, "quarters": 25.0,
    "fifth": 20.0, "fifths": 20.0, "tenth": 10.0, "tenths": 10.0,
}  # fmt: skip
_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
# unit word -> (kind, canonical unit, factor to the canonical unit)
_UNITS: dict[str, tuple[QuantityKind, str, float]] = {
    "%": ("percent", "%", 1.0), "percent": ("percent", "%", 1.0),
    "km/h": ("measure", "km/h", 1.0), "kph": ("measure", "km/h", 1.0),
    "mph": ("measure", "km/h", 1.609344),
    "km": ("measure", "m", 1000.0), "kilometres": ("measure", "m", 1000.0),
    "kilometers": ("measure", "m", 1000.0), "kilometre": ("measure", "m", 1000.0),
    "kilometer": ("measure", "m", 1000.0), "metres": ("measure", "m", 1.0),
    "meters": ("measure", "m", 1.0), "metre": ("measure", "m", 1.0), "meter": ("measure", "m", 1.0),
    "miles": ("measure", "m", 1609.344), "mile": ("measure", "m", 1609.344),
    "feet": ("measure", "m", 0.3048), "foot": ("measure", "m", 0.3048),
    "kg": ("measure", "kg", 1.0), "kilograms": ("measure", "kg", 1.0),
    "kilogram": ("measure", "kg", 1.0), "lb": ("measure", "kg", 0.45359237),
    "lbs": ("measure", "kg", 0.45359237),
    "tonnes": ("measure", "kg", 1000.0), "tons": ("measure", "kg", 1000.0),
    "seconds": ("duration", "min", 1 / 60), "second": ("duration", "min", 1 / 60),
    "minutes": ("duration", "min", 1.0), "minute": ("duration", "min", 1.0),
    "hours": ("duration", "min", 60.0), "hour": ("duration", "min", 60.0),
    "days": ("duration", "min", 1440.0), "day": ("duration", "min", 1440.0),
    "weeks": ("duration", "min", 10080.0), "week": ("duration", "min", 10080.0),
    "months": ("duration", "min", 43830.0), "month": ("duration", "min", 43830.0),
    "years": ("duration", "min", 525960.0), "year": ("duration", "min", 525960.0),
    "decades": ("duration", "min", 5259600.0), "decade": ("duration", "min", 5259600.0),
    "dollars": ("money", "$", 1.0), "dollar": ("money", "$", 1.0),
    "euros": ("money", "€", 1.0), "euro": ("money", "€", 1.0),
    "pounds": ("money", "£", 1.0),
}  # fmt: skip
WHEN_KINDS = frozenset({"date", "weekday", "time"})
TIME_ZONE = re.compile(r"\b(?:GMT|UTC|[ECMP][SD]T|BST|CES?T|local time)\b")
_ZONE_ASIDE = re.compile(r"\([^()]*\)")  # "(0241 GMT Friday)" when it names a time zone
_CODE = re.compile(r"\b(?=[A-Za-z]*[A-Z])[A-Za-z]+\d*(?:-?\d[A-Za-z0-9]*)+\b")
"""A name with a number in it: "AK-47", "F-16", "H-220s", "MS08-078", "A320", "Covid-19"."""
_NUMBERED_NAME = re.compile(
    r"\b(?:Interstate|Route|Highway|Freeway|Motorway|Exit|Junction|Flight|Gate|Terminal"
    r"|Platform|Pier|Berth|Runway|Precinct|District|Ward|Room|Suite|Apartment|Building|Unit"
    r"|Chapter|Article|Section|Clause|Proposition|Amendment)\s+\d+[A-Za-z]?\b(?![-.,]\d)"
)
"""A name that is a word and a number: "Interstate 75", "Flight 370", "Gate 4"; read as a
code, so it meets only its like ("Flight 307"), not "three co-workers"."""
ESTIMATE_SPREAD = 0.1  # "about 100" may be 90 to 110, "nearly 100" 90 to 100
PERCENT_SPREAD = 2.0  # points an estimated percentage may be off at least (`_bounds`)
HEDGED_AGREEMENT = 0.1  # two estimates ("about", "nearly") of one value differ by at most this
SPAN_WORDS = frozenset({"since", "until", "till", "from", "by", "before", "after"})
_CURRENCY_SIGNS = {"$": "$", "us$": "$", "€": "€", "£": "£", "¥": "¥"}
_LOWER_BOUND = {
    "at least", "more than", "over", "above", "upwards of", "in excess of", "no fewer than",
    "no less than", "not less than",
}  # fmt: skip
_UPPER_BOUND = {
    "at most", "up to", "fewer than", "less than", "under", "below", "no more than",
    "not more than", "within", "as many as", "as much as",
}  # fmt: skip
_NEARLY = {"nearly", "almost", "just under", "close to"}
_ABOUT = {"about", "around", "roughly", "approximately", "some", "an estimated", "estimated"}
_SKIP_AFTER = {"of", "its", "the", "their", "his", "her", "our", "those", "these", "them", "whom"}

_TOKEN = re.compile(
    r"(?:US)?\$|[€£¥%]|\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[A-Za-z]+(?:/[a-z]+)?|[^\sA-Za-z\d]"
)


@dataclass(frozen=True)
class Quantity:
    kind: QuantityKind
    unit: str  # "" for counts and dates, "%" ,"$", "m", "km/h", "min", ...
    low: float  # for dates: a sortable code yyyymmdd of the earliest day meant
    high: float
    text: str  # as written in the sentence
    start: int
    end: int
    noun: str = ""  # what is counted ("cubans", "people"), lowercased, may be empty
    parts: tuple[int | None, int | None, int | None] = (None, None, None)
    # a date's or time's "since", "until", "by", ...; "said" for the day a source spoke ("told
    # reporters on Wednesday"); "ago" for a duration counted back from now; "" for "in", "on"
    relation: str = ""
    hedge: Hedge = ""  # how the value is hedged: "at least 20", "up to 70", "nearly", "about"
    """Dates: (year, month, day). Times: (1 for p.m., 0 for a.m., None when unsaid; hour on a
    12-hour clock; minute); `low` and `high` are then minutes after 12 o'clock."""

    @property
    def value(self) -> float:
        return self.low if self.low == self.high else (self.low + self.high) / 2


@dataclass
class _Token:
    text: str
    lower: str
    start: int
    end: int


def find_quantities(sentence: str) -> list[Quantity]:
    """Every quantity in `sentence`, in order of appearance."""
    tokens = [
        _Token(m.group(), m.group().lower(), m.start(), m.end()) for m in _TOKEN.finditer(sentence)
    ]
    asides = [
        match.span() for match in _ZONE_ASIDE.finditer(sentence) if TIME_ZONE.search(match.group())
    ]
    codes = [*_CODE.finditer(sentence), *_NUMBERED_NAME.finditer(sentence)]
    found: list[Quantity] = []
    index = 0
    while index < len(tokens):
        code = next((m for m in codes if m.start() <= tokens[index].start < m.end()), None)
        if code is not None:  # "AK-47", "MS08-078": a name's number, one only its like meets
            value = float("".join(re.findall(r"\d", code.group())))  # MS08-078: 8078
            prefix = re.match(r"[A-Za-z]+", code.group())
            noun = f"{prefix.group().lower() if prefix else ''}-"
            found.append(Quantity("count", "", value, value, code.group(), *code.span(), noun))
            while index < len(tokens) and tokens[index].start < code.end():
                index += 1
            continue
        result = (
            _time_at(tokens, index, sentence)
            or _date_at(tokens, index, sentence)
            or _quantity_at(tokens, index, sentence)
        )
        if result is None:
            index += 1
            continue
        quantity, after = result
        if any(start <= quantity.start < end for start, end in asides):
            index = after
            continue  # the same moment again on another clock
        before = tokens[index - 1].lower if index > 0 else ""
        if quantity.kind == "count" and _magnitude(tokens, index, after):
            quantity = dataclasses.replace(quantity, kind="measure", unit="magnitude", noun="")
        if quantity.kind == "duration" and after < len(tokens) and tokens[after].lower in _ANCHORED:
            # "a day after the vote": counted from the vote, comparable with durations from it
            quantity = dataclasses.replace(quantity, noun=_noun_after(tokens, after + 1))
        elif quantity.kind == "duration" and after < len(tokens) and tokens[after].lower == "ago":
            # "eight days ago" says when, counted back from now: not how long something lasted
            quantity = dataclasses.replace(quantity, relation="ago")
        if quantity.kind in WHEN_KINDS and before in SPAN_WORDS:
            quantity = dataclasses.replace(quantity, relation=before)
        elif quantity.kind in WHEN_KINDS and (
            (before == "on" and _telling_before(tokens, index - 1))
            or _telling_before(tokens, index)  # "officials said Saturday"
        ):
            quantity = dataclasses.replace(quantity, relation="said")
        found.append(quantity)
        index = after
    return _join_ranges(found, sentence)


_RANGE_KINDS = frozenset({"count", "money", "measure", "duration", "percent"})
_BETWEEN = re.compile(r"\bbetween\s*$", re.IGNORECASE)
_RANGE_GAP = re.compile(r"^\s*(?:-|–|to|or)\s*$")  # "three or four robbers" too
_SCALED = re.compile(r"^\D*\d+(?:\.\d+)?\D*$")


def _join_ranges(found: list[Quantity], sentence: str) -> list[Quantity]:
    """A range is one quantity from its first value to its second: "between 20 and 30
    people", "20 to 30 people", "$140-$150 million", "10-12%". Two counts with a hyphen are
    left apart ("a 9-14 record", "won 3-1"), and so are days and dates."""
    joined: list[Quantity] = []
    for quantity in found:
        first = joined[-1] if joined else None
        if first is not None and (rng := _range(first, quantity, sentence)) is not None:
            joined[-1] = rng
        else:
            joined.append(quantity)
    return joined


def _range(first: Quantity, second: Quantity, sentence: str) -> Quantity | None:
    gap = sentence[first.end : second.start]
    between = gap.strip().lower() == "and" and _BETWEEN.search(sentence[: first.start])
    if not (between or _RANGE_GAP.match(gap)):
        return None
    if first.kind not in _RANGE_KINDS or first.hedge or second.hedge:
        return None
    if second.kind != first.kind:
        if not (first.kind == "money" and second.kind == "count" and second.value >= 1000):
            return None
        second = dataclasses.replace(second, kind="money", unit=first.unit)  # "$140-150 million"
    if first.unit != second.unit:
        return None
    if ("-" in gap or "–" in gap) and first.kind == "count":
        return None  # "a 9-14 record", "won 3-1": a score or a record more often than a range
    low, high = first.low, first.high
    if second.value >= 1000 * first.value and _SCALED.match(first.text):
        scale = 10 ** (3 * round(math.log10(second.value / first.value) / 3))
        low, high = low * scale, high * scale  # "$140- $150 million": millions both
    if low > second.high:
        return None
    text = sentence[first.start : second.end]
    noun = second.noun or first.noun
    return Quantity(first.kind, first.unit, low, second.high, text, first.start, second.end, noun)


_SAYING = frozenset(
    {"said", "says", "announced", "confirmed", "added", "warned", "stated", "explained"}
)
_TELLING = frozenset({"told", "tells", "informed"})
_WHEN_TOLD = frozenset({"late", "early", "only"})  # "said late on Monday"
_PASSIVE = frozenset({"was", "were", "is", "are", "been", "be"})  # "the fire was reported Monday"
_REPORTED = frozenset({"it", "he", "she", "they", "we", "that", "this", "there"})


def _telling_before(tokens: list[_Token], on: int) -> bool:
    """tokens[on] ("on", or the day itself) dates when something was said, not what was said:
    "told reporters on Wednesday", "said late on Monday", "said Saturday"; not "said it closed
    on Monday"."""
    before = [token.lower for token in tokens[max(0, on - 4) : on]]
    while before and before[-1] in _WHEN_TOLD:
        before.pop()
    if before and before[-1] in _SAYING:
        return True
    if before and before[-1] == "reported":  # "the Times reported Monday", "it was reported"
        passive = len(before) > 1 and before[-2] in _PASSIVE
        return not passive or (len(before) > 2 and before[-3] == "it")
    for gap in range(1, 4):  # "told reporters", "told the Gazette", "told a news briefing"
        if len(before) > gap and before[-1 - gap] in _TELLING:
            return not _REPORTED & set(before[-gap:]) and all(w.isalpha() for w in before[-gap:])
    return False


def compatible(first: Quantity, second: Quantity) -> bool:
    """Whether two quantities of the same kind and unit can both be true."""
    if first.kind != second.kind or first.unit != second.unit:
        return True  # not comparable: nothing contradicts
    if first.kind == "date":
        return all(
            a is None or b is None or a == b for a, b in zip(first.parts, second.parts, strict=True)
        )
    if first.kind == "time":
        a, b = first.parts[0], second.parts[0]
        if a is not None and b is not None and a != b:
            return False  # morning and evening
    tolerance = 0.0
    if first.kind == "percent":
        tolerance = 0.5
    elif first.kind in {"measure", "duration"}:
        tolerance = 0.02 * max(abs(first.high), abs(second.high), 1.0)
    if first.hedge and first.hedge == second.hedge:
        return _same_hedged_value(first, second, tolerance)
    return first.low <= second.high + tolerance and second.low <= first.high + tolerance


def _same_hedged_value(first: Quantity, second: Quantity, tolerance: float) -> bool:
    """Two values hedged the same way agree when the values written agree: "up to 70 km/h" and
    "up to 60 km/h" give two different ceilings, "at least 20" and "at least 24" two floors.
    Two estimates agree within a tenth ("about 6,500" and "about 6,000", not "about 5,600"),
    and so does a floor with the same floor rounded down ("more than 400" and "at least
    412")."""
    a, b = written_value(first), written_value(second)
    near = abs(a - b) <= HEDGED_AGREEMENT * max(abs(a), abs(b))
    if first.hedge in {"about", "nearly"} and near:
        return True
    if first.hedge == "lower" and near and _rounded_down(min(a, b), max(a, b)):
        return True
    return abs(a - b) <= tolerance


def _rounded_down(rounded: float, value: float) -> bool:
    """`rounded` is `value` with its last digits dropped to zeros: 400 for 412, 1,000 for
    1,040; never the value itself."""
    if rounded >= value or rounded <= 0 or not rounded.is_integer():
        return False
    step = 10 ** (len(str(int(rounded))) - len(str(int(rounded)).rstrip("0")))
    return step > 1 and value // step * step == rounded


def written_value(quantity: Quantity) -> float:
    """The value as written before its hedge widened it ("at least 20": 20)."""
    if quantity.hedge == "about":
        return (quantity.low + quantity.high) / 2  # the spread is even on both sides
    return quantity.low if quantity.hedge == "lower" else quantity.high


def comparable(first: Quantity, second: Quantity) -> bool:
    return first.kind == second.kind and first.unit == second.unit


def same_reading(first: Quantity, second: Quantity) -> bool:
    """Comparable and placed in time the same way: "since 1921" does not say when something
    happened "in 1887", so the two cannot clash."""
    return comparable(first, second) and first.relation == second.relation


def describe(quantity: Quantity) -> str:
    return quantity.text


def _phrase_before(tokens: list[_Token], index: int, size: int) -> str:
    return " ".join(token.lower for token in tokens[max(0, index - size) : index])


def _bounds(
    tokens: list[_Token], index: int, low: float, high: float, *, percent: bool = False
) -> tuple[float, float, Hedge]:
    """Widen [low, high] for "at least", "nearly", "about" written before tokens[index]. An
    estimate may be off by ESTIMATE_SPREAD of its value; a percentage's by that share of the
    nearer end of the scale, and at least PERCENT_SPREAD points ("about 97%": 95 to 99, not 87
    to 107; "about 40%": 36 to 44)."""
    for size in (3, 2, 1):
        phrase = _phrase_before(tokens, index, size)
        if phrase in _LOWER_BOUND:
            return low, math.inf, "lower"
        if phrase in _UPPER_BOUND:
            return -math.inf, high, "upper"
        if phrase in _NEARLY or phrase in _ABOUT:
            if percent:
                value = (low + high) / 2
                spread = max(PERCENT_SPREAD, ESTIMATE_SPREAD * min(value, 100 - value))
                below, above = low - spread, high + spread
            else:
                below, above = low * (1 - ESTIMATE_SPREAD), high * (1 + ESTIMATE_SPREAD)
            if phrase in _NEARLY:
                return below, high, "nearly"
            return below, above, "about"
    return low, high, ""


def _number_at(tokens: list[_Token], index: int) -> tuple[float, int, bool] | None:
    """(value, next index, written in words) for a number starting at tokens[index]."""
    token = tokens[index]
    if token.text[0].isdigit():
        value = float(token.text.replace(",", ""))
        return value, index + 1, False
    scaled = token.lower in {"a", "an"} and _next_is(tokens, index, _WORD_SCALES)
    if not scaled and (token.lower not in _SMALL or token.lower in {"a", "an", "no"}):
        return _word_fraction_at(tokens, index)
    total, current, cursor = 0.0, 0.0, index + scaled  # "a hundred": the scale counts one
    while cursor < len(tokens):
        word = tokens[cursor].lower
        if word in NUMBER_WORDS:
            below = current % 100
            if below and not (below % 10 == 0 and below >= 20 and _SMALL[word] < 10):
                break  # "twenty-five", "a hundred and five"; not "ten five-year-olds"
            current += _SMALL[word]
        elif word in _WORD_SCALES and cursor > index:
            current = max(current, 1.0) * _SCALES[word]
            if word != "hundred":
                total, current = total + current, 0.0
        elif word == "-" or (
            word == "and"  # "a hundred and fifty", not "two and three"
            and tokens[cursor - 1].lower in _WORD_SCALES
            and _next_is(tokens, cursor, NUMBER_WORDS)
        ):
            pass
        else:
            break
        cursor += 1
    return total + current, cursor, True


def _next_is(tokens: list[_Token], index: int, words: Collection[str]) -> bool:
    return index + 1 < len(tokens) and tokens[index + 1].lower in words


def _word_fraction_at(tokens: list[_Token], index: int) -> tuple[float, int, bool] | None:
    """ "a dozen" (12), "a pair of" (2) or nothing; fractions are handled as percents
    elsewhere."""
    word = tokens[index].lower
    if word in {"a", "an"} and index + 1 < len(tokens) and tokens[index + 1].lower == "dozen":
        return 12.0, index + 2, True
    if word == "a" and _next_is(tokens, index, {"pair"}) and _next_is(tokens, index + 1, {"of"}):
        return 2.0, index + 3, True
    if word == "dozen" and not _next_is(tokens, index, {"of"}):
        return 12.0, index + 1, True  # "dozen of warships" is "dozens of", written short
    return None


def _quantity_at(tokens: list[_Token], index: int, sentence: str) -> tuple[Quantity, int] | None:
    token = tokens[index]
    currency = _CURRENCY_SIGNS.get(token.lower)
    start_index = index
    if currency:
        index += 1
        if index >= len(tokens):
            return None
    following = tokens[index + 1].lower if index + 1 < len(tokens) else ""
    if not currency and token.lower in {"a", "an", "one"} and following != "second":
        duration = _hour_and_a_half(tokens, index, index + 1, sentence)
        if duration:
            return duration
    fraction = _fraction_at(tokens, index, sentence)
    if fraction and not currency:
        return fraction
    number = _number_at(tokens, index)
    if number is None:
        return None
    value, cursor, in_words = number
    share = None if currency else _share_at(tokens, index, cursor, value, sentence)
    if share:
        return share
    and_a_half = _and_a_half(tokens, cursor) and _measured(tokens, cursor + 3)
    if and_a_half:  # "two and a half hours", "one and a half million"
        value, cursor = value + 0.5, cursor + 3
    elif in_words and value in {0.0, 1.0} and not currency:
        return _hour_and_a_half(tokens, index, cursor, sentence)
    precision = 0.0
    while cursor < len(tokens) and tokens[cursor].lower in {"dozen"}:
        value, cursor = value * 12, cursor + 1
    if _hyphen_before(tokens, cursor, {"million", "billion", "trillion", "thousand"}):
        cursor += 1  # "$53.7-million"
    if cursor < len(tokens) and tokens[cursor].lower in _SCALES and tokens[cursor].lower != "b":
        scale = _SCALES[tokens[cursor].lower]
        if not (tokens[cursor].lower in {"m", "k", "b"} and not currency):  # not metres
            written = tokens[index].text
            decimals = len(written.split(".")[1]) if "." in written else 0
            precision = 0.5 * scale * 10**-decimals if decimals else 0.02 * value * scale
            value, cursor = value * scale, cursor + 1
    age = None if currency or precision else _age_at(tokens, start_index, cursor, value)
    if age is not None:  # "Brian Nichols, 37,", "a 37-year-old", "aged 37"
        age_end, whose = age
        end = tokens[age_end - 1].end
        text = sentence[token.start : end]
        noun = f"{AGE} {whose}".strip()
        return Quantity("count", "", value, value, text, token.start, end, noun), age_end
    kind: QuantityKind = "count"
    unit = ""
    if currency:
        kind, unit = "money", currency
    elif cursor < len(tokens):
        hyphen = tokens[cursor].text == "-" and cursor + 1 < len(tokens)
        if hyphen and tokens[cursor + 1].lower in _UNITS:  # "48-hour", "60-km"
            cursor += 1
        shared_unit = None if in_words else _range_unit(tokens, cursor)
        unit_word = shared_unit or tokens[cursor].lower
        if unit_word == "per" and cursor + 1 < len(tokens) and tokens[cursor + 1].lower == "cent":
            unit_word, cursor = "%", cursor + 1
        if unit_word in _UNITS:
            kind, unit, factor = _UNITS[unit_word]
            value, precision = value * factor, precision * factor
            if not shared_unit:
                cursor += 1
            if kind == "duration" and _and_a_half(tokens, cursor):
                value += 0.5 * factor
                cursor += 3
            cents = _cents_at(tokens, cursor) if kind == "money" and not precision else None
            if cents:  # "fourteen dollars fifty"
                value, cursor = value + cents[0], cents[1]
    decade_end = None if kind != "count" or in_words else _decade_at(tokens, cursor, value)
    if decade_end is not None:  # "the 1950s": any year of the decade
        end = tokens[decade_end - 1].end
        code = value * 10000
        return Quantity(
            "date", DECADE, code + 101, code + 91231, sentence[token.start : end], token.start,
            end, parts=(int(value), None, None),
        ), decade_end  # fmt: skip
    if kind == "count" and not in_words and _looks_like_year(tokens, start_index, value):
        parts = (int(value), None, None)
        year_code = value * 10000
        end = tokens[start_index].end
        return Quantity(
            "date", "", year_code, year_code + 1231, sentence[token.start : end], token.start, end,
            parts=parts,
        ), start_index + 1  # fmt: skip
    low, high, hedge = _bounds(
        tokens, start_index, value - precision, value + precision, percent=kind == "percent"
    )
    end = tokens[cursor - 1].end
    noun = _noun_after(tokens, cursor) if kind == "count" else ""
    return Quantity(
        kind, unit, low, high, sentence[token.start : end], token.start, end, noun, hedge=hedge
    ), cursor


AGE = "years old"  # the noun of a person's age: ages compare with ages, not with counts
_AGE_AFTER = (("-", "year", "-", "old"), ("year", "-", "old"), ("years", "old"), ("year", "old"))


def _age_at(tokens: list[_Token], start: int, cursor: int, value: float) -> tuple[int, str] | None:
    """A person's age written at tokens[start:cursor] ("a 37-year-old", "37 years old", "aged
    37", "Brian Nichols, 37, was ..."): the index after it, and whose or what's age it is when
    the sentence says (the name before "Brian Nichols, 37," or the word after "a 60-year-old
    woman", "a 41-year-old murder case"); None when the number is no age."""
    if not (value.is_integer() and 0 < value < 120):
        return None
    for words in _AGE_AFTER:
        ahead = [token.lower for token in tokens[cursor : cursor + len(words)]]
        if tuple(ahead) == words:
            end = cursor + len(words)
            word = tokens[end].lower if end < len(tokens) and tokens[end].text.isalpha() else ""
            return end, "" if word in _NOT_WHOSE else word
    if start > 0 and tokens[start - 1].lower == "aged":
        return cursor, ""
    apposition = (
        start >= 2
        and tokens[start - 1].text == ","
        and tokens[start - 2].text[:1].isupper()
        and tokens[start - 2].text.isalpha()
        and (cursor == len(tokens) or tokens[cursor].text in {",", ".", ";", ")"})
    )
    return (cursor, tokens[start - 2].lower) if apposition else None


_NOT_WHOSE = frozenset(
    {"was", "is", "has", "had", "were", "are", "who", "and", "or", "of", "in", "on", "at",
     "from", "to", "by", "said", "says", "will", "would", "could", "also", "been"}
)  # fmt: skip


def same_person_age(first: Quantity, second: Quantity) -> bool | None:
    """For two ages: whether they can be one person's (not when each names someone else);
    None when either is no age."""
    if not (first.noun.startswith(AGE) and second.noun.startswith(AGE)):
        return None
    a, b = first.noun[len(AGE) :].strip(), second.noun[len(AGE) :].strip()
    return not (a and b and a != b)


def _magnitude(tokens: list[_Token], start: int, after: int) -> bool:
    """Whether the number in tokens[start:after] is a quake's magnitude: "magnitude 5.9", "a
    6.1-magnitude quake", "7.5 magnitude", "6.8 on the Richter scale"."""
    following = [token.lower for token in tokens[after : after + 4] if token.lower != "-"]
    return (start > 0 and tokens[start - 1].lower == "magnitude") or (
        following[:1] == ["magnitude"] or following[:3] == ["on", "the", "richter"]
    )


_ANCHORED = frozenset({"after", "before"})
_CENT_WORDS = frozenset({"cents", "cent", "pence", "p"})
_AFTER_CENTS = frozenset(
    {"for", "a", "an", "per", "each", "apiece", "in", "on", "to", "and", "or", "the", "from",
     "by", "with", "at"}
)  # fmt: skip


def _cents_at(tokens: list[_Token], index: int) -> tuple[float, int] | None:
    """The cents after a sum written with a currency word: "fifty" in "fourteen dollars fifty
    for each share", "50 cents" in "14 dollars 50 cents" (value in the currency, next index);
    not a count that follows ("ten dollars 20 people")."""
    number = _number_at(tokens, index) if index < len(tokens) else None
    if number is None:
        return None
    cents, cursor, _ = number
    if not (cents.is_integer() and 1 <= cents < 100):
        return None
    following = tokens[cursor] if cursor < len(tokens) else None
    if following is not None and following.lower in _CENT_WORDS:
        return cents / 100, cursor + 1
    if following is None or not following.lower[0].isalnum() or following.lower in _AFTER_CENTS:
        return cents / 100, cursor
    return None


def _hyphen_before(tokens: list[_Token], index: int, words: set[str]) -> bool:
    return (
        index + 1 < len(tokens)
        and tokens[index].text in {"-", "–"}
        and tokens[index + 1].lower in words
    )


def _range_unit(tokens: list[_Token], index: int) -> str | None:
    """The unit of a range's second number, which the first shares: "between 30 and 80
    kilograms", "2 to 3 metres", "10-12%"."""
    if index + 2 >= len(tokens) or tokens[index].lower not in {"and", "to", "or", "-", "–"}:
        return None
    if not tokens[index + 1].text[0].isdigit():
        return None
    unit_word = tokens[index + 2].lower
    if unit_word == "per" and index + 3 < len(tokens) and tokens[index + 3].lower == "cent":
        return "%"
    return unit_word if unit_word in _UNITS else None


def _and_a_half(tokens: list[_Token], index: int) -> bool:
    words = [token.lower for token in tokens[index : index + 3]]
    return words == ["and", "a", "half"]


def _measured(tokens: list[_Token], index: int) -> bool:
    """A scale or unit word stands at tokens[index] ("million", "hours", "km")."""
    return index < len(tokens) and (tokens[index].lower in _SCALES or tokens[index].lower in _UNITS)


def _hour_and_a_half(
    tokens: list[_Token], index: int, cursor: int, sentence: str
) -> tuple[Quantity, int] | None:
    """ "an hour and a half", "one day", "a mile and a half": one unit written in words."""
    if cursor >= len(tokens) or tokens[cursor].lower not in _UNITS:
        return None
    kind, unit, factor = _UNITS[tokens[cursor].lower]
    if kind not in {"duration", "measure"}:
        return None
    value = factor
    cursor += 1
    if _and_a_half(tokens, cursor):
        value += 0.5 * factor
        cursor += 3
    low, high, hedge = _bounds(tokens, index, value, value)  # "just over a minute and a half"
    start, end = tokens[index].start, tokens[cursor - 1].end
    return Quantity(kind, unit, low, high, sentence[start:end], start, end, hedge=hedge), cursor


def _fraction_at(tokens: list[_Token], index: int, sentence: str) -> tuple[Quantity, int] | None:
    """ "half", "a third", "two-thirds", "three quarters" as percents."""
    word = tokens[index].lower
    count, cursor = 1.0, index
    if word in {"a", "one"} or (word in _SMALL and word not in {"no", "an"}):
        count = 1.0 if word in {"a", "one"} else float(_SMALL[word])
        cursor += 1
        if cursor < len(tokens) and tokens[cursor].lower == "-":
            cursor += 1
    if cursor >= len(tokens) or tokens[cursor].lower not in _FRACTIONS:
        return None
    fraction_word = tokens[cursor].lower
    if cursor == index and index > 0 and tokens[index - 1].lower in {"the", "its", "their"}:
        return None  # "the third truce": an ordinal
    if fraction_word == "half" and index > 0 and tokens[index - 1].lower == "and":
        return None
    value = count * _FRACTIONS[fraction_word]
    part = _part_of_a_unit(tokens, index, cursor, value, sentence)
    if part:
        return part
    after = tokens[cursor + 1].lower if cursor + 1 < len(tokens) else ""
    if fraction_word == "half" and after == "-":
        return None  # "his two half-brothers", "a half-hearted effort": a word, not a share
    if fraction_word in {"second", "fifth"} and after not in {"of"}:
        return None
    start, end = tokens[index].start, tokens[cursor].end
    low, high, hedge = _bounds(tokens, index, value, value, percent=True)
    noun = _noun_after(tokens, cursor + 1)
    return Quantity(
        "percent", "%", low, high, sentence[start:end], start, end, noun, hedge=hedge
    ), cursor + 1


def _share_at(
    tokens: list[_Token], index: int, cursor: int, value: float, sentence: str
) -> tuple[Quantity, int] | None:
    """ "four in five", "nine out of ten", "1 in 20" as a percent (tokens[index:cursor] is the
    first number)."""
    words = [token.lower for token in tokens[cursor : cursor + 2]]
    link = 2 if words == ["out", "of"] else 1 if words[:1] == ["in"] else 0
    if not link or cursor + link >= len(tokens):
        return None
    whole = _number_at(tokens, cursor + link)
    if whole is None:
        return None
    total, end, _ = whole
    if not (value < total <= 100) or _measured(tokens, end):
        return None  # "2 in 90 minutes"
    percent = 100 * value / total
    low, high, hedge = _bounds(tokens, index, percent, percent, percent=True)
    start, stop = tokens[index].start, tokens[end - 1].end
    noun = _noun_after(tokens, end)
    return Quantity(
        "percent", "%", low, high, sentence[start:stop], start, stop, noun, hedge=hedge
    ), end


def _part_of_a_unit(
    tokens: list[_Token], index: int, cursor: int, percent: float, sentence: str
) -> tuple[Quantity, int] | None:
    """A fraction of one unit or scale: "half an hour", "three-quarters of an hour", "a
    quarter of a mile", "half a million" (tokens[cursor] is the fraction word)."""
    following = [token.lower for token in tokens[cursor + 1 : cursor + 4]]
    if following[:1] == ["of"]:
        following = following[1:]
    if following[:1] == ["-"] and _UNITS.get(following[1] if len(following) > 1 else ""):
        following[0] = "a"  # "a half-hour delay"
    if len(following) < 2 or following[0] not in {"a", "an"}:
        return None
    word = following[1]
    last = cursor + (3 if tokens[cursor + 1].lower == "of" else 2)
    kind: QuantityKind
    if word in {"dozen", "thousand", "million", "billion"}:
        kind, unit, factor = "count", "", 12.0 if word == "dozen" else _SCALES[word]
        noun = _noun_after(tokens, last + 1)
    elif word in _UNITS and _UNITS[word][0] in {"duration", "measure"}:
        (kind, unit, factor), noun = _UNITS[word], ""
    else:
        return None
    value = percent / 100 * factor
    low, high, hedge = _bounds(tokens, index, value, value)
    start, end = tokens[index].start, tokens[last].end
    return Quantity(
        kind, unit, low, high, sentence[start:end], start, end, noun, hedge=hedge
    ), last + 1


DECADE = "decade"  # the unit of a date that is a decade: decades compare with decades only


def _decade_at(tokens: list[_Token], cursor: int, value: float) -> int | None:
    """The index after a decade's "s" ("1950s", "1990's"), None when the number is not one."""
    if not (value.is_integer() and 1000 <= value <= 2100 and value % 10 == 0):
        return None
    if cursor < len(tokens) and tokens[cursor].start == tokens[cursor - 1].end:
        if tokens[cursor].lower == "s":
            return cursor + 1
        apostrophe = tokens[cursor].text in {"'", "’"} and cursor + 1 < len(tokens)
        if apostrophe and tokens[cursor + 1].lower == "s":
            return cursor + 2
    return None


def _looks_like_year(tokens: list[_Token], index: int, value: float) -> bool:
    if not (value.is_integer() and 1800 <= value <= 2100) or "," in tokens[index].text:
        return False
    after = tokens[index + 1].lower if index + 1 < len(tokens) else ""
    return after not in _UNITS and not (after.isalpha() and after.endswith("s"))


def _noun_after(tokens: list[_Token], index: int) -> str:
    """What a count counts: "32 Cubans" -> "cubans"; "three of the bridge's five piers" ->
    "piers" (a part of a counted whole counts what the whole does)."""
    if index < len(tokens) and tokens[index].lower == "of":
        for ahead in range(index + 1, min(index + 7, len(tokens))):
            word = tokens[ahead].lower
            if word[0].isdigit() and _model_number(tokens, ahead):
                continue
            if word[0].isdigit() or (word in NUMBER_WORDS and word not in {"a", "an", "no"}):
                return _noun_after(tokens, ahead + 1)
            if word in {",", ".", ";", "and", "or"}:
                break
    words: list[str] = []
    while index < len(tokens) and len(words) < 2:
        word = tokens[index].lower
        if not word.isalpha():
            if word == "-" and not words:
                index += 1
                continue
            break
        if word in _SKIP_AFTER and not words:
            index += 1
            continue
        if word in _SKIP_AFTER or word in {"and", "or", "were", "was", "are", "is", "in", "on"}:
            break
        words.append(word)
        index += 1
    return " ".join(words)


def _date_at(tokens: list[_Token], index: int, sentence: str) -> tuple[Quantity, int] | None:
    """Weekdays, "May 2025", "January 5", "5 January 2026", "Jan. 5, 2026"."""
    word = tokens[index].lower
    if word in _WEEKDAYS and tokens[index].text[0].isupper():
        weekday = float(_WEEKDAYS[word])
        token = tokens[index]
        return Quantity(
            "weekday", "", weekday, weekday, token.text, token.start, token.end
        ), index + 1
    day: int | None = None
    cursor = index
    leading_day = tokens[index].text.isdigit() and index + 1 < len(tokens)
    if leading_day and tokens[index + 1].lower in _MONTHS and 1 <= int(tokens[index].text) <= 31:
        day, cursor = int(tokens[index].text), index + 1
    month_word = tokens[cursor].lower
    if month_word not in _MONTHS or not tokens[cursor].text[0].isupper():
        return None
    if month_word == "may" and day is None and not _date_follows(tokens, cursor):
        return None  # the verb "May ..." at a sentence start
    month = _MONTHS[month_word]
    cursor += 1
    if cursor < len(tokens) and tokens[cursor].text == ".":
        cursor += 1
    following_day = day is None and cursor < len(tokens) and tokens[cursor].text.isdigit()
    if following_day and 1 <= int(tokens[cursor].text) <= 31 and len(tokens[cursor].text) <= 2:
        day, cursor = int(tokens[cursor].text), cursor + 1
    year: int | None = None
    probe = cursor + 1 if cursor < len(tokens) and tokens[cursor].text == "," else cursor
    if probe < len(tokens) and re.fullmatch(r"(18|19|20)\d\d", tokens[probe].text):
        year, cursor = int(tokens[probe].text), probe + 1
    start, end = tokens[index].start, tokens[cursor - 1].end
    low = (year or 0) * 10000 + month * 100 + (day or 1)
    high = (year or 9999) * 10000 + month * 100 + (day or 31)
    quantity = Quantity(
        "date", "", low, high, sentence[start:end], start, end, parts=(year, month, day)
    )
    return quantity, cursor


def _date_follows(tokens: list[_Token], index: int) -> bool:
    following = tokens[index + 1].text if index + 1 < len(tokens) else ""
    return following.isdigit()


_MORNING = {"am", "morning"}
_EVENING = {"pm", "evening", "afternoon", "tonight"}
_TIME_CUES = _MORNING | _EVENING | {"night", "hrs", "gmt", "bst", "utc", "local"}
_TIME_BOUNDS = {  # words before a time -> minutes it may be earlier, later
    "about": (20, 20), "around": (20, 20), "approximately": (20, 20), "roughly": (20, 20),
    "shortly after": (0, 30), "just after": (0, 30), "soon after": (0, 30),
    "shortly before": (30, 0), "just before": (30, 0), "after": (0, 180), "before": (180, 0),
    "by": (180, 0), "until": (0, 0),
}  # fmt: skip
_NAMED_TIMES = {"noon": (1, 0), "midday": (1, 0), "midnight": (0, 0)}  # (p.m., hour)


_CLOCK_BEFORE = frozenset({"at", "by", "before", "after", "until", "till", "around"})


def _bare_hour(tokens: list[_Token], index: int, cursor: int, hour: int) -> bool:
    """A number alone that is an hour: "before 9.", "until 11, when" (a clock word before it,
    nothing counted after it)."""
    before = tokens[index - 1].lower if index > 0 else ""
    after = tokens[cursor].text if cursor < len(tokens) else "."
    return 1 <= hour <= 12 and before in _CLOCK_BEFORE and after in {".", ",", ";"}


def _model_number(tokens: list[_Token], index: int) -> bool:
    """Digits that end a name joined by a hyphen: "AK-47", "F-16", "H-220s", "Covid-19"."""
    if index < 2 or not tokens[index].text[:1].isdigit():
        return False
    hyphen, name = tokens[index - 1], tokens[index - 2]
    joined = name.end == hyphen.start and hyphen.end == tokens[index].start
    return joined and hyphen.text == "-" and name.text[:1].isupper() and name.text.isalpha()


def _time_at(tokens: list[_Token], index: int, sentence: str) -> tuple[Quantity, int] | None:
    """A clock time: "10:40", "10.40 p.m.", "6 a.m.", "six o'clock", "noon", "22:15"."""
    token = tokens[index]
    meridiem: int | None
    if token.lower in _NAMED_TIMES and index > 0 and tokens[index - 1].lower in {
        "at", "by", "after", "before", "until", "around", "about", "from", "since",
    }:  # fmt: skip
        half, hour = _NAMED_TIMES[token.lower]
        return _clock(tokens, index, index + 1, sentence, hour, 0, half)
    past = _past_the_hour(tokens, index)
    if past:
        hour, minute, cursor = past
        meridiem, cursor, _ = _meridiem(tokens, cursor)
        if meridiem is None:
            meridiem = _part_of_day(tokens, cursor, hour)
        return _clock(tokens, index, cursor, sentence, hour % 12, minute, meridiem)
    colon = (
        token.text.isdigit()
        and index + 2 < len(tokens)
        and tokens[index + 1].text == ":"
        and re.fullmatch(r"\d\d", tokens[index + 2].text) is not None
    )
    dotted = re.fullmatch(r"(\d{1,2})\.(\d\d)", token.text)
    if colon:
        hour, minute, cursor = int(token.text), int(tokens[index + 2].text), index + 3
    elif dotted:
        hour, minute, cursor = int(dotted.group(1)), int(dotted.group(2)), index + 1
    else:
        number = _number_at(tokens, index) if token.lower != "a" else None
        if number is None or not number[0].is_integer():
            return None
        hour, minute, cursor = int(number[0]), 0, number[1]
    if hour > 24 or minute > 59:
        return None
    meridiem, cursor, said = _meridiem(tokens, cursor)
    if dotted and not said and not _cue_follows(tokens, cursor):
        return None  # "10.40" alone is a decimal
    if not colon and not dotted and not said and not _bare_hour(tokens, index, cursor, hour):
        return None  # "6" alone is a count
    if hour > 12:
        hour, meridiem = hour - 12, 1
    elif hour == 0 or hour == 24:
        hour, meridiem = 0, 0
    if meridiem is None:
        meridiem = _part_of_day(tokens, cursor, hour)
    return _clock(tokens, index, cursor, sentence, hour % 12, minute, meridiem)


def _past_the_hour(tokens: list[_Token], index: int) -> tuple[int, int, int] | None:
    """ "half past five" (5, 30), "quarter to six" (5, 45), "a quarter past 10": (hour, minute,
    index after it)."""
    start = index + 1 if tokens[index].lower == "a" else index
    words = [token.lower for token in tokens[start : start + 2]]
    if len(words) < 2 or words[0] not in {"half", "quarter"} or words[1] not in {"past", "to"}:
        return None
    number = _number_at(tokens, start + 2) if start + 2 < len(tokens) else None
    if number is None or not number[0].is_integer() or not 1 <= number[0] <= 12:
        return None
    hour = int(number[0])
    if words[1] == "to":
        return (hour - 1) % 12, 45, number[1]
    return hour, 30 if words[0] == "half" else 15, number[1]


def _meridiem(tokens: list[_Token], index: int) -> tuple[int | None, int, bool]:
    """(1 p.m. / 0 a.m. / None, index after the words, whether a.m., p.m. or o'clock was said)."""
    words = [token.lower for token in tokens[index : index + 4]]
    if words[:1] in (["am"], ["pm"]):
        return int(words[0] == "pm"), index + 1, True
    if words[:2] in (["a", "."], ["p", "."]) and words[2:3] == ["m"]:
        end = index + 4 if words[3:4] == ["."] else index + 3
        return int(words[0] == "p"), end, True
    if words[:1] == ["o"] and words[1:2] in (["'"], ["’"]) and words[2:3] == ["clock"]:
        return None, index + 3, True
    return None, index, False


def _cue_follows(tokens: list[_Token], index: int) -> bool:
    """A word after a number that makes it a time: "on Monday night", "in the morning"."""
    for token in tokens[index : index + 4]:
        if token.lower in _TIME_CUES or token.lower in _WEEKDAYS:
            return True
        if not token.lower.isalpha():
            return False
    return False


def _part_of_day(tokens: list[_Token], index: int, hour: int) -> int | None:
    """Morning (0) or evening (1) from the words that follow: "on Saturday morning"."""
    for token in tokens[index : index + 4]:
        word = token.lower
        if word in _MORNING:
            return 0
        if word in _EVENING:
            return 1
        if word == "night":
            return 1 if hour >= 7 else 0 if hour <= 4 else None
        if not word.isalpha():
            return None
    return None


def _clock(
    tokens: list[_Token],
    index: int,
    cursor: int,
    sentence: str,
    hour: int,
    minute: int,
    meridiem: int | None,
) -> tuple[Quantity, int]:
    at = hour * 60 + minute
    earlier = later = 0
    for size in (2, 1):
        phrase = _phrase_before(tokens, index, size)
        if phrase in _TIME_BOUNDS:
            earlier, later = _TIME_BOUNDS[phrase]
            break
    start, end = tokens[index].start, tokens[cursor - 1].end
    return Quantity(
        "time", "", at - earlier, at + later, sentence[start:end], start, end,
        parts=(meridiem, hour, minute),
    ), cursor  # fmt: skip
