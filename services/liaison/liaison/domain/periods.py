"""Periods and clocks of the cadence (月反馈季报告): months `2026-03`, quarters `2026-Q1`, due dates from settings."""

import re
from dataclasses import dataclass, fields
from datetime import date, timedelta, timezone

from watchpost.errors import Invalid

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Settings:
    """The district's cadence rules; every one is configuration, not code."""

    feedback_due_day: int = 5  # a month's feedback is due this day of the next month
    report_due_days: int = 10  # a quarter's report is due this many days after the quarter ends
    due_soon_days: int = 3  # `*.due_soon` from this many days before the due date
    contact_lapse_days: int = 60  # a pairing with no contact this long has lapsed
    utc_offset_hours: int = 8  # the district's civil day (China Standard Time, no DST)
    tick_lookback_days: int = 45  # the timer looks at periods due at most this long ago
    flag_release_hour: int = 3  # held major-problem flags are released once a day at this district hour
    flag_hold_hours: int = 6  # ... those held at least this long before the release (held later wait a day)

    def __post_init__(self):
        if not 1 <= self.feedback_due_day <= 28:
            raise Invalid("feedback_due_day must be 1 to 28 (a day every month has)", field="feedback_due_day")
        for name in ("report_due_days", "due_soon_days", "tick_lookback_days"):
            if getattr(self, name) < 0:
                raise Invalid(f"{name} must be 0 or more", field=name)
        if not 0 <= self.flag_release_hour <= 23:
            raise Invalid(
                "flag_release_hour must be 0 to 23 (an hour of the district's day)", field="flag_release_hour"
            )
        if not 0 <= self.flag_hold_hours <= 24 * 7:
            raise Invalid("flag_hold_hours must be 0 to 168", field="flag_hold_hours")
        if self.contact_lapse_days < 1:
            raise Invalid("contact_lapse_days must be 1 or more", field="contact_lapse_days")

    @classmethod
    def from_mapping(cls, mapping, prefix="LIAISON_"):
        """Settings from e.g. environment variables `LIAISON_FEEDBACK_DUE_DAY=5`; absent ones keep their default."""
        values = {}
        for f in fields(cls):
            key = prefix + f.name.upper()
            if key in mapping:
                try:
                    values[f.name] = int(mapping[key])
                except ValueError:
                    raise Invalid(f"{key} must be a whole number, not {mapping[key]!r}", field=key) from None
        return cls(**values)


DEFAULT = Settings()


def today(now, settings=DEFAULT):
    """The district's calendar date at the instant `now` (aware)."""
    return (now.astimezone(timezone.utc) + timedelta(hours=settings.utc_offset_hours)).date()


def parse_date(text, field):
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise Invalid(f"{field} must be an ISO date like 2026-03-02, not {text!r}", field=field) from None


def kind(period):
    if MONTH.match(period or ""):
        return "month"
    if QUARTER.match(period or ""):
        return "quarter"
    raise Invalid(f"period {period!r} must be a month like 2026-03 or a quarter like 2026-Q1", field="period")


def bounds(period):
    """(first day, last day) of a month or quarter."""
    if kind(period) == "month":
        year, month = int(period[:4]), int(period[5:])
        return date(year, month, 1), _next_month(date(year, month, 1)) - timedelta(days=1)
    year, q = int(period[:4]), int(period[-1])
    first = date(year, 3 * q - 2, 1)
    return first, _next_month(_next_month(_next_month(first))) - timedelta(days=1)


def _next_month(first):
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def month_of(day):
    return f"{day.year:04d}-{day.month:02d}"


def quarter_of(day):
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"


def due_on(period, settings=DEFAULT):
    """Monthly feedback: the `feedback_due_day` of the next month; quarterly report: `report_due_days` after."""
    last = bounds(period)[1]
    if kind(period) == "month":
        return (last + timedelta(days=1)).replace(day=settings.feedback_due_day)
    return last + timedelta(days=settings.report_due_days)


def require_kind(period, wanted):
    if kind(period) != wanted:
        example = "2026-03" if wanted == "month" else "2026-Q1"
        raise Invalid(f"period {period!r} must be a {wanted} like {example}", field="period")


def clock(period, on, settings=DEFAULT):
    """Where `on` stands against the period's due date: open | due_soon | overdue (not yet begun: future)."""
    first, _ = bounds(period)
    due = due_on(period, settings)
    if on < first:
        return "future"
    if on > due:
        return "overdue"
    if on >= due - timedelta(days=settings.due_soon_days):
        return "due_soon"
    return "open"


def recent(wanted, on, settings=DEFAULT):
    """The periods of one kind whose due date lies in [on - lookback, on + due_soon_days], oldest first."""
    start = on - timedelta(days=settings.tick_lookback_days + 120)
    label = month_of if wanted == "month" else quarter_of
    found, day = [], start.replace(day=1)
    while day <= on:
        period = label(day)
        due = due_on(period, settings)
        if (
            period not in found
            and on - timedelta(days=settings.tick_lookback_days) <= due
            and due <= on + timedelta(days=settings.due_soon_days)
        ):
            found.append(period)
        day = _next_month(day)
    return found
