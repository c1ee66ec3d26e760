"""Periods and due dates across month, quarter and year ends; settings."""

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchpost.errors import Invalid

from liaison.domain import periods
from liaison.domain.periods import Settings


@pytest.mark.parametrize(
    "period, due",
    [
        ("2026-01", date(2026, 2, 5)),
        ("2026-02", date(2026, 3, 5)),
        ("2026-03", date(2026, 4, 5)),
        ("2025-12", date(2026, 1, 5)),
        ("2024-02", date(2024, 3, 5)),
        ("2026-Q1", date(2026, 4, 10)),
        ("2026-Q2", date(2026, 7, 10)),
        ("2026-Q3", date(2026, 10, 10)),
        ("2025-Q4", date(2026, 1, 10)),
    ],
)
def test_due_dates_default(period, due):
    assert periods.due_on(period) == due


def test_due_dates_follow_settings():
    s = Settings(feedback_due_day=10, report_due_days=15)
    assert periods.due_on("2025-12", s) == date(2026, 1, 10)
    assert periods.due_on("2025-Q4", s) == date(2026, 1, 15)
    assert periods.due_on("2026-Q1", s) == date(2026, 4, 15)


def test_bounds_of_february_leap_year_and_quarters():
    assert periods.bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert periods.bounds("2025-Q4") == (date(2025, 10, 1), date(2025, 12, 31))
    assert periods.bounds("2026-Q1") == (date(2026, 1, 1), date(2026, 3, 31))


@pytest.mark.parametrize("bad", ["2026-13", "2026-00", "2026-1", "2026Q1", "2026-Q5", "", None, "march"])
def test_bad_periods_are_refused_naming_the_forms(bad):
    with pytest.raises(Invalid, match="2026-03 or a quarter like 2026-Q1"):
        periods.kind(bad)


def test_require_kind():
    with pytest.raises(Invalid, match="must be a quarter like 2026-Q1"):
        periods.require_kind("2026-03", "quarter")


@pytest.mark.parametrize(
    "on, expected",
    [
        (date(2026, 2, 28), "future"),
        (date(2026, 3, 1), "open"),
        (date(2026, 4, 1), "open"),
        (date(2026, 4, 2), "due_soon"),
        (date(2026, 4, 5), "due_soon"),
        (date(2026, 4, 6), "overdue"),
    ],
)
def test_clock_of_march_feedback(on, expected):
    assert periods.clock("2026-03", on) == expected


def test_clock_of_q4_report_crosses_the_year():
    assert periods.clock("2025-Q4", date(2025, 12, 31)) == "open"
    assert periods.clock("2025-Q4", date(2026, 1, 7)) == "due_soon"
    assert periods.clock("2025-Q4", date(2026, 1, 11)) == "overdue"


def test_today_is_the_district_day():
    assert periods.today(datetime(2025, 12, 31, 15, 59, tzinfo=timezone.utc)) == date(2025, 12, 31)
    assert periods.today(datetime(2025, 12, 31, 16, 0, tzinfo=timezone.utc)) == date(2026, 1, 1)
    assert periods.today(datetime(2025, 12, 31, 16, 0, tzinfo=timezone.utc), Settings(utc_offset_hours=0)) == date(
        2025, 12, 31
    )


def test_recent_periods_within_the_lookback():
    assert periods.recent("month", date(2026, 1, 3)) == ["2025-11", "2025-12"]
    assert periods.recent("quarter", date(2026, 1, 8)) == ["2025-Q4"]
    assert periods.recent("quarter", date(2026, 2, 25)) == []


def test_settings_from_mapping_and_refusals():
    s = Settings.from_mapping({"LIAISON_FEEDBACK_DUE_DAY": "10", "LIAISON_CONTACT_LAPSE_DAYS": "30", "OTHER": "x"})
    assert (s.feedback_due_day, s.contact_lapse_days, s.report_due_days) == (10, 30, 10)
    with pytest.raises(Invalid, match="whole number"):
        Settings.from_mapping({"LIAISON_DUE_SOON_DAYS": "three"})
    with pytest.raises(Invalid, match="1 to 28"):
        Settings(feedback_due_day=31)
    with pytest.raises(Invalid, match="1 or more"):
        Settings(contact_lapse_days=0)


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@given(days)
def test_every_day_is_in_its_month_and_quarter(day):
    for label in (periods.month_of(day), periods.quarter_of(day)):
        first, last = periods.bounds(label)
        assert first <= day <= last
        assert periods.due_on(label) > last


@given(days, st.integers(1, 28), st.integers(0, 60))
def test_due_date_is_after_the_period_and_the_clock_never_goes_back(day, due_day, report_days):
    s = Settings(feedback_due_day=due_day, report_due_days=report_days)
    for label in (periods.month_of(day), periods.quarter_of(day)):
        order = ["future", "open", "due_soon", "overdue"]
        seen = [order.index(periods.clock(label, day + timedelta(days=k), s)) for k in range(-40, 140, 7)]
        assert seen == sorted(seen)
        assert periods.clock(label, periods.due_on(label, s), s) == "due_soon"
        assert periods.clock(label, periods.due_on(label, s) + timedelta(days=1), s) == "overdue"
