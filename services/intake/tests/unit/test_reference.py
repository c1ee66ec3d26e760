"""The reference data: the supervision catalogue and the working-day calendar."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.reference import calendar as cal
from intake.reference import catalogue as cat

dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))


def test_catalogue_has_ten_categories_and_thirty_five_items():
    assert len(cat.categories()) == 10
    assert len(cat.items()) == 35
    assert len({i["code"] for i in cat.items().values()}) == 35


def test_power_list_has_three_categories_eighteen_items_with_both_lists():
    power = cat.power_list()
    assert len(power) == 18
    assert {i["category"] for i in power.values()} == {"三资管理", "人员管理", "公共服务"}
    assert all(i["positive"] and i["negative"] for i in power.values())
    for seed_named in ("政府小型工程", "低保及低保边缘户申请", "用餐接待"):
        assert any(i["name"] == seed_named and not i["placeholder"] for i in power.values())


def test_placeholders_are_marked_and_seed_items_are_not():
    assert "C02.02" in cat.placeholders()
    assert "C01.01" not in cat.placeholders()
    assert all(isinstance(i["placeholder"], bool) for i in cat.items().values())


def test_is_item_and_versions():
    assert cat.is_item("C03", "C03.01")
    assert cat.is_item("C03", None)
    assert not cat.is_item("C03", "C01.01")
    assert not cat.is_item("C99", None)
    assert cat.catalogue()["version"] == cat.CURRENT_VERSION
    with pytest.raises(ValueError, match="version 9"):
        cat.catalogue(9)


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2026, 3, 2), True),  # Monday
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 2, 16), False),  # 春节, a Monday
        (date(2026, 2, 14), True),  # 调休: a Saturday worked
        (date(2026, 10, 1), False),
        (date(2026, 10, 10), True),  # 调休 Saturday
        (date(2025, 1, 26), True),  # 调休 Sunday
        (date(2024, 6, 10), False),  # 端午
    ],
)
def test_is_working_day(day, working):
    assert cal.is_working_day(day) is working


def test_add_working_days_skips_weekends_and_holidays():
    assert cal.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)  # Friday -> Monday
    assert cal.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)  # Friday -> make-up Saturday
    assert cal.add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)  # over 春节 (15-23 Feb)
    assert cal.add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 13)  # over 国庆, 10 Oct worked
    assert cal.add_working_days(date(2026, 3, 2), 0) == date(2026, 3, 2)
    assert cal.add_working_days(date(2026, 3, 9), -1) == date(2026, 3, 6)


def test_add_months_clamps_to_month_end():
    assert cal.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert cal.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert cal.add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert cal.add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)


def test_next_working_day_and_coverage():
    assert cal.next_working_day(date(2026, 10, 3)) == date(2026, 10, 8)
    assert cal.next_working_day(date(2026, 3, 2)) == date(2026, 3, 2)
    assert cal.covered_years() == [2024, 2025, 2026, 2027]
    assert cal.is_provisional(2027) and not cal.is_provisional(2026)
    assert not cal.covers(date(2030, 1, 1))
    assert cal.is_working_day(date(2030, 1, 7)) and not cal.is_working_day(date(2030, 1, 5))


@given(dates, st.integers(min_value=0, max_value=40))
def test_add_working_days_lands_on_a_working_day_n_working_days_later(day, n):
    end = cal.add_working_days(day, n)
    assert end >= day
    assert n == 0 or cal.is_working_day(end)
    assert cal.working_days_between(day, end) == n


@given(dates, st.integers(min_value=1, max_value=30))
def test_add_then_subtract_working_days_round_trips_from_a_working_day(day, n):
    start = cal.next_working_day(day)
    assert cal.add_working_days(cal.add_working_days(start, n), -n) == start


@given(dates, st.integers(min_value=-24, max_value=24))
def test_add_months_moves_the_month_and_never_the_day_up(day, n):
    moved = cal.add_months(day, n)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == n
    assert moved.day <= day.day
    assert (moved + timedelta(days=1)).month != moved.month or moved.day == day.day
