from __future__ import annotations

import pytest

from claims.analysis.numbers import AGE, DECADE, Quantity, compatible, find_quantities


def _one(text: str) -> Quantity:
    found = find_quantities(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("thirty people", "30 people"),
        ("Thirty-two Cubans", "32 Cubans"),
        ("three dozen homes", "36 homes"),
        ("half of the residents", "50% of the residents"),
        ("a third of voters", "33% of voters"),
        ("$4m", "$4 million"),
        ("90 minutes", "an hour and a half"),
        ("1.5 hours", "90 minutes"),
        ("at least 20 ships", "24 ships"),
        ("nearly 100 firefighters", "97 firefighters"),
        ("about 1,200 workers", "twelve hundred workers"),
        ("3.5 million people", "3,500,000 people"),
        ("50 mph", "80 km/h"),
        ("Last July", "in July 2025"),
        ("about 6,500 staff", "around 6,000 staff"),
        ("up to 70 km/h", "up to 70 km/h"),
        ("at least 20 ships", "more than 20 ships"),
        ("nearly 100 firefighters", "almost 95 firefighters"),
        ("at least 412 people", "more than 400 people"),
        ("no fewer than 140 operations", "143 operations"),
        ("within ten minutes", "eight minutes"),
        ("three-quarters of an hour", "45 minutes"),
        ("a quarter of an hour", "15 minutes"),
        ("two and a half hours", "150 minutes"),
        ("half a million people", "500,000 people"),
        ("more than a hundred and forty operations", "143 operations"),
        ("half a dozen boats", "six boats"),
        ("a pair of left hooks", "two left hooks"),
        ("a 6.1-magnitude quake", "a quake of magnitude 6.1"),
        ("a mile and a half", "2.4 km"),
        ("just over a minute and a half", "97 seconds"),
        ("fourteen dollars fifty a share", "$14.50 a share"),
        ("14 dollars 50 cents", "$14.50"),
        ("a loan of 6.2bn to the port", "a loan of 6.2 billion to the port"),
    ],
)
def test_it_finds_these_quantities_compatible(first: str, second: str) -> None:
    assert compatible(_one(first), _one(second))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("30 people", "40 people"),
        ("a pair of left hooks", "three left hooks"),
        ("a 6.1-magnitude quake", "a magnitude 5.9 quake"),
        ("50 km/h", "80 km/h"),
        ("May 2025", "in 2024"),
        ("on Monday", "on Thursday"),
        ("$4m", "$5 million"),
        ("at least 20 ships", "12 ships"),
        ("nearly 100 firefighters", "120 firefighters"),
        ("4.5%", "3.5%"),
        ("60 kilometres", "70 kilometres"),
        ("about 6,500 staff", "about 5,600 staff"),
        ("about 35 mph", "about 45 mph"),
        ("up to 70 km/h", "up to 60 km/h"),
        ("at least 20 dead", "at least 24 dead"),
        ("more than 300 dead", "at least 412 dead"),  # rounded too far to be one floor
        ("up to 70 km/h", "up to 65 km/h"),
        ("no more than 40 homes", "46 homes"),
        ("three-quarters of an hour", "an hour"),
        ("two and a half hours", "two hours"),
        ("just under a minute and a half", "97 seconds"),
        ("fourteen dollars fifty a share", "$14 a share"),
    ],
)
def test_it_finds_these_quantities_in_conflict(first: str, second: str) -> None:
    assert not compatible(_one(first), _one(second))


def test_it_reads_kinds_units_and_what_is_counted() -> None:
    killed = _one("32 of its citizens were killed")
    assert (killed.kind, killed.value, killed.noun) == ("count", 32, "citizens")
    assert _one("a 48-hour strike").kind == "duration"
    assert _one("The blockade began in 1962.").kind == "date"
    assert _one("on Tuesday, at dawn").kind == "weekday"
    assert _one("$2.5 billion").kind == "money"
    assert find_quantities("three of the bridge's five piers")[0].noun == "piers"
    assert find_quantities("Two of its 5 piers")[0].noun == "piers"
    assert [q.hedge for q in find_quantities("up to 70, at least 3, about 9, nearly 8, 4")] == [
        "upper",
        "lower",
        "about",
        "nearly",
        "",
    ]


def test_it_ignores_words_that_only_look_like_numbers() -> None:
    assert find_quantities("May I say one thing about the first term?") == []
    assert find_quantities("The union called a second strike.") == []
    # "dozen of" is "dozens of" written short: as vague as "dozens of", not 12
    assert find_quantities("Dozen of warships patrol the gulf.") == []
    assert find_quantities("Dozens of warships patrol the gulf.") == []
    assert [q.low for q in find_quantities("A dozen of the warships patrol the gulf.")] == [12.0]


def test_a_quakes_magnitude_is_no_count() -> None:
    for text in ("a 7.5 magnitude quake", "a magnitude 7.5 quake", "7.5 on the Richter scale"):
        (magnitude,) = find_quantities(text)
        assert (magnitude.kind, magnitude.unit, magnitude.low) == ("measure", "magnitude", 7.5)


@pytest.mark.parametrize(
    ("text", "minutes", "evening"),
    [
        ("at 10:40 p.m. on Tuesday", 10 * 60 + 40, 1),
        ("at 10.40 on Monday night", 10 * 60 + 40, 1),
        ("at six o'clock on Saturday morning", 6 * 60, 0),
        ("at 6 a.m.", 6 * 60, 0),
        ("at 22:15", 10 * 60 + 15, 1),
        ("at 9:05", 9 * 60 + 5, None),
        ("at half past five on Tuesday afternoon", 5 * 60 + 30, 1),
        ("at a quarter to six in the morning", 5 * 60 + 45, 0),
        ("by noon", 0, 1),
    ],
)
def test_it_reads_clock_times(text: str, minutes: int, evening: int | None) -> None:
    time = next(q for q in find_quantities(text) if q.kind == "time")
    assert time.high == minutes  # minutes after 12 o'clock
    assert time.parts[0] == evening


@pytest.mark.parametrize(
    ("first", "second", "agree"),
    [
        ("at 6 a.m.", "at six o'clock in the morning", True),
        ("at 10:40 p.m.", "at 10.40 at night", True),
        ("at 10:40", "at 10:40 p.m.", True),  # morning or evening unsaid
        ("shortly after 3 a.m.", "at 3:20 a.m.", True),
        ("at 6 a.m.", "at 6 p.m.", False),
        ("at 5:40 a.m.", "at 5:50 a.m.", False),
        ("at 4 p.m.", "at half past five in the afternoon", False),
    ],
)
def test_clock_times_agree_when_they_can_be_one_minute(
    first: str, second: str, agree: bool
) -> None:
    assert compatible(_one(first), _one(second)) is agree


@pytest.mark.parametrize(
    "text", ["Shares closed at 10.40 yesterday.", "The rate is 10.40 per cent.", "6 people"]
)
def test_a_number_alone_is_not_a_time(text: str) -> None:
    assert all(q.kind != "time" for q in find_quantities(text))


def test_an_ordinal_is_not_a_fraction() -> None:
    assert find_quantities("This is the third truce since April.")[0].kind == "date"
    assert _one("a third of the buildings").kind == "percent"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("two and three boats", [2.0, 3.0]),  # two numbers, not five
        ("a hundred and fifty boats", [150.0]),
        ("two thousand and five boats", [2005.0]),
        ("a half-hour delay", [30.0]),
    ],
)
def test_it_reads_where_a_number_written_in_words_ends(text: str, found: list[float]) -> None:
    assert [quantity.value for quantity in find_quantities(text)] == found


def test_the_cents_of_a_sum_in_words_do_not_take_a_count_that_follows() -> None:
    assert [q.value for q in find_quantities("It cost ten dollars 20 people paid.")] == [10, 20]


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        ("Anna Berg, who runs the grid, told reporters on Wednesday.", "said"),
        ("The company said late on Monday that it had closed the plant.", "said"),
        ("The company said it closed the plant on Monday.", ""),
        ("Deputies told residents it would close on Monday.", ""),
        ("No one has been arrested, officials said Saturday.", "said"),
        ("The plant closed Saturday, officials said.", ""),
        ("The mayor died at home, it was reported Tuesday.", "said"),
        ("The Courier reported Tuesday that the mayor had died.", "said"),
        ("The blaze was reported Tuesday.", ""),
    ],
)
def test_a_day_things_were_said_on_is_not_the_day_they_happened(text: str, relation: str) -> None:
    assert _one(text).relation == relation


@pytest.mark.parametrize(
    "text",
    [
        "Mara Linde, 37, was charged on Monday.",
        "The 37-year-old was charged on Monday.",
        "A woman aged 37 was charged on Monday.",
        "The driver, 37 years old, was charged on Monday.",
    ],
)
def test_a_persons_age_is_read_as_an_age(text: str) -> None:
    age = _one(text.replace(" on Monday", ""))
    assert (age.kind, age.value) == ("count", 37.0)
    assert age.noun == (f"{AGE} linde" if "Linde" in text else AGE)  # whose, when it is said


def test_a_count_after_a_comma_is_not_an_age() -> None:
    assert _one("In the end, 40 people left.").noun.startswith("people")


def test_a_decade_is_any_year_of_it() -> None:
    fifties = _one("She was a star of the 1950s.")
    assert (fifties.kind, fifties.unit, fifties.text) == ("date", DECADE, "1950s")
    assert compatible(fifties, _one("a star of the 1950's"))
    assert not compatible(fifties, _one("a star of the 1960s"))


def test_a_time_given_again_in_another_zone_is_left_out() -> None:
    found = find_quantities("He died at 6:41pm this evening (0241 GMT Friday) in hospital.")
    assert [quantity.text for quantity in found] == ["6:41pm"]


def test_the_number_of_a_name_is_no_count() -> None:
    rifles, model = find_quantities("Police seized seven AK-47 rifles.")
    assert (rifles.value, model.text, model.noun) == (7.0, "AK-47", "ak-")
    assert compatible(model, _one("an AK-47"))
    assert not compatible(_one("batch PJ-4471"), _one("batch PJ-4472"))
    assert not compatible(_one("update MS08-078"), _one("update MS09-078"))
    assert [q.text for q in find_quantities("An A320 and a Covid-19 ward.")] == ["A320", "Covid-19"]


def test_a_road_or_a_flight_named_by_its_number_is_no_count() -> None:
    road = _one("Troopers stopped him on Interstate 81.")
    assert (road.text, road.noun) == ("Interstate 81", "interstate-")
    assert not compatible(_one("Flight 218 landed"), _one("Flight 281 landed"))
    assert compatible(_one("Flight 218 landed"), _one("Flight 218 landed safely"))


def test_a_half_brother_is_no_half() -> None:
    assert [(q.kind, q.value) for q in find_quantities("Her two half-brothers ran.")] == [
        ("count", 2.0)
    ]
    assert _one("half of the ferries").kind == "percent"


def test_a_number_alone_after_a_clock_word_is_an_hour() -> None:
    assert _one("The fire began before 9.").kind == "time"
    assert _one("At 9 doors opened.").kind == "count"
