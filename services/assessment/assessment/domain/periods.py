"""Assessment periods (考核周期): a month `2026-03`, a quarter `2026-Q1` or a year `2026`.

Dates are read in Chengdu time (UTC+8, no daylight saving), so a report filed at 23:30 on 31 March counts for March.

Assessment scores the years `SCORED_YEARS` (2000-2099). A source event dated outside them (a contract admits any
ISO date, e.g. an inspection held on 0276-07-28) is meaningless to a scorecard: by rule it counts for no period
and is ignored deliberately (see `facts.home_period`), never refused and never a reason to stall.
"""

import re
from datetime import date, timedelta, timezone

from watchpost.errors import Invalid

CHENGDU = timezone(timedelta(hours=8))
ALLOWED = "a month like 2026-03, a quarter like 2026-Q1 or a year like 2026"
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
SCORED_YEARS = range(2000, 2100)


def kind(period):
    """'month', 'quarter' or 'year'; Invalid for anything else."""
    text = str(period)
    for name, pattern in (("month", _MONTH), ("quarter", _QUARTER), ("year", _YEAR)):
        if pattern.match(text):
            return name
    raise Invalid(f"period {period!r} is not {ALLOWED}", field="period", value=str(period))


def months(period):
    """The months a period spans, in order."""
    k, text = kind(period), str(period)
    if k == "month":
        return [text]
    year = int(text[:4])
    if k == "quarter":
        q = int(text[-1])
        return [f"{year}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def quarter_of(month):
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def year_of(period):
    return str(period)[:4]


def month_of_date(text):
    """The month of an ISO date string (`2026-03-02`), or None when it is not one."""
    try:
        day = date.fromisoformat(str(text)[:10])
    except ValueError:
        return None
    return f"{day.year:04d}-{day.month:02d}"  # strftime("%Y") drops the zeros of a year before 1000


def scored(period):
    """Whether assessment scores `period` (a valid period in SCORED_YEARS)."""
    return int(str(period)[:4]) in SCORED_YEARS


def month_of_moment(moment):
    return moment.astimezone(CHENGDU).strftime("%Y-%m")


def bounds(period):
    """(first day, day after the last day) of a period."""
    first, last = months(period)[0], months(period)[-1]
    start = date(int(first[:4]), int(first[5:7]), 1)
    y, m = int(last[:4]), int(last[5:7])
    end = date(y + (m == 12), m % 12 + 1, 1)
    return start, end


def has_ended(period, now):
    """True when `now` (aware) is on or after the first day following the period, Chengdu time."""
    return now.astimezone(CHENGDU).date() >= bounds(period)[1]


def contains(outer, inner):
    """Whether the fine period `inner` (month, quarter or year) lies within `outer`."""
    if kind(outer) == "year":
        return year_of(inner) == str(outer)
    if kind(inner) == "year":
        return False
    if kind(outer) == "quarter":
        return inner == outer or (kind(inner) == "month" and quarter_of(inner) == outer)
    return inner == outer


__all__ = [
    "kind",
    "months",
    "quarter_of",
    "year_of",
    "month_of_date",
    "month_of_moment",
    "bounds",
    "has_ended",
    "contains",
    "scored",
    "CHENGDU",
    "ALLOWED",
    "SCORED_YEARS",
]
