"""The bounds of what Watchpost accepts (watchpost.fields): the patterns the documents publish agree with them."""

import re
from datetime import date

import pytest
from marshmallow import ValidationError

from watchpost import fields as f


def test_the_year_pattern_matches_exactly_the_years_in_bounds():
    year = re.compile(f"^{f.YEAR}$")
    assert [y for y in range(1000, 10000) if year.match(str(y))] == list(range(f.FIRST_YEAR, f.LAST_YEAR + 1))
    assert f._years(2017, 2031) == "(?:201[7-9]|202[0-9]|203[0-1])"


@pytest.mark.parametrize(
    "period, ok",
    [
        ("2026-03", True),
        ("2026-Q1", True),
        ("2026", True),
        ("0000-01", False),
        ("276-07", False),
        ("2026-13", False),
        ("2019-12", False),
        (f"{f.LAST_YEAR + 1}-01", False),
        ("2026-Q5", False),
    ],
)
def test_periods(period, ok):
    try:
        f.PERIOD(period)
    except ValidationError as refused:
        assert not ok and "2020 to 2099" in str(refused)
    else:
        assert ok


def test_a_day_and_its_published_pattern_agree():
    day = f.Day()
    assert day.deserialize("2020-01-01") == f.RECORDS_BEGIN
    for text in ("0276-07-28", "2019-12-31", f"{f.LAST_YEAR + 1}-01-01"):
        assert not re.match(f.DATE_RE, text)
        with pytest.raises(ValidationError, match="from 2020-01-01"):
            day.deserialize(text)


def test_identifiers_have_a_charset_and_a_length():
    ident = f.Id()
    assert ident.deserialize("person-P0001_a.b:c") == "person-P0001_a.b:c"
    for bad in ("kÃ", "-x", "a b", "a/b", "", "x" * (f.ID_LENGTH + 1), "a\x00"):
        with pytest.raises(ValidationError):
            ident.deserialize(bad)


def test_a_whole_number_is_json_schemas_integer():
    whole = f.Whole()
    assert whole.deserialize(5) == 5 and whole.deserialize(5.0) == 5
    for bad in ("5", 5.5, True):
        with pytest.raises(ValidationError):
            whole.deserialize(bad)


def test_the_future_is_the_districts():
    assert f.district_today() >= date(2026, 1, 1)
    today = f.district_today()
    assert f.refuse_future({"held_on": today}, "held_on") == {"held_on": today}
