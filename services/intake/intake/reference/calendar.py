"""The working-day calendar (工作日): weekends and national holidays, with make-up workdays (调休), as data.

Pure functions over `cn_holidays.json`. Outside the years the data covers, only weekends are days off;
`covers(day)` tells whether a date is inside the data. A provisional year (statutory days only) is marked so.
"""

import calendar as _cal
import json
from datetime import date, timedelta
from functools import cache
from importlib import resources


@cache
def _data():
    text = resources.files(__package__).joinpath("cn_holidays.json").read_text(encoding="utf-8")
    raw = json.loads(text)
    off, work = set(), set()
    for year in raw["years"].values():
        off.update(date.fromisoformat(d) for d in year["off"])
        work.update(date.fromisoformat(d) for d in year["workdays"])
    return frozenset(off), frozenset(work), frozenset(int(y) for y in raw["years"]), raw


def covered_years():
    return sorted(_data()[2])


def is_provisional(year):
    years = _data()[3]["years"]
    return str(year) not in years or years[str(year)]["provisional"]


def covers(day):
    return day.year in _data()[2]


def is_working_day(day):
    """Monday to Friday unless a holiday; a make-up Saturday or Sunday (调休) is a working day."""
    off, work, _, _ = _data()
    if day in work:
        return True
    if day in off:
        return False
    return day.weekday() < 5


def add_working_days(day, n):
    """The n-th working day after `day` (n < 0: before); `day` itself is never counted; n == 0 gives `day`."""
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start, end):
    """How many working days lie after `start` up to and including `end` (negative if `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for k in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=k)))


def next_working_day(day):
    """`day` if it is a working day, otherwise the first working day after it (a limit ending on a holiday moves on)."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_months(day, n):
    """Same day of the month `n` months later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    months = day.year * 12 + day.month - 1 + n
    year, month = divmod(months, 12)
    last = _cal.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
