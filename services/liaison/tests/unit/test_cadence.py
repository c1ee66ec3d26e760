"""Monthly feedback and quarterly reports: on time, late, across month/quarter/year ends; major problems."""

import pytest
from liaison_helpers import as_person, at, ctx

from watchpost.errors import Forbidden, IllegalTransition, Invalid, NotFound

from liaison.commands import cadence, personnel
from liaison.domain.periods import Settings


def feedback(store, person, period, now, role="informant", **kw):
    return cadence.submit_feedback(store, as_person(person, role, now=now), person, period, **kw)


@pytest.mark.parametrize(
    "period, now, on_time, days_late",
    [
        ("2026-02", at(2026, 3, 5), True, 0),
        ("2026-02", at(2026, 3, 5, 15), True, 0),  # 23:00 in Chengdu, still the 5th
        ("2026-02", at(2026, 3, 5, 16), False, 1),  # 00:00 on the 6th in Chengdu
        ("2026-02", at(2026, 2, 27), True, 0),  # during the month itself
        ("2025-12", at(2026, 1, 5), True, 0),  # year end
        ("2025-12", at(2026, 1, 6), False, 1),
        ("2026-03", at(2026, 4, 12), False, 7),  # quarter end
    ],
)
def test_feedback_on_time_or_late(small, period, now, on_time, days_late):
    [e] = feedback(small, "INF1", period, now, summary="本月无异常")
    assert (e.payload["on_time"], e.payload["days_late"]) == (on_time, days_late)
    assert e.payload["feedback_id"] == f"INF1-{period}" and e.payload["station_id"] == "STN-C1"
    status = small.doc("people", "INF1")["feedback"][period]["status"]
    assert status == ("submitted" if on_time else "late")
    assert small.doc("compliance", f"C1/{period}")["feedback"]["INF1"]["status"] == status


def test_feedback_due_day_is_a_setting(small):
    c = as_person("SUP1", "supervisor", now=at(2026, 3, 8))
    c.extra["settings"] = Settings(feedback_due_day=10)
    [e] = cadence.submit_feedback(small, c, "SUP1", "2026-02")
    assert e.payload["due_on"] == "2026-03-10" and e.payload["on_time"]


def test_a_flag_is_held_not_recorded_with_its_feedback(small):
    events = feedback(
        small,
        "SUP1",
        "2026-02",
        at(2026, 3, 2),
        role="supervisor",
        major_problem=True,
        problem_summary="低保公示不齐全",
        category="三务公开",
    )
    assert [e.type for e in events] == ["feedback.submitted"] and "major_problem" not in events[0].payload
    assert (
        cadence.report_major_problem(
            small, as_person("SUP1", "supervisor", now=at(2026, 3, 20)), "SUP1", "项目资金未经集体研究"
        )
        == []
    )
    assert not [e for e in small.replay() if e.type == "feedback.major_problem_flagged"]
    assert "flags" not in small.doc("people", "SUP1")["feedback"]["2026-02"]  # no flag count per person
    with pytest.raises(Invalid, match="problem_summary"):
        feedback(small, "INF1", "2026-02", at(2026, 3, 2), major_problem=True)


def test_feedback_refusals(small):
    feedback(small, "INF1", "2026-02", at(2026, 3, 2))
    with pytest.raises(IllegalTransition, match="while the state is 'submitted'; allowed: report_major_problem"):
        feedback(small, "INF1", "2026-02", at(2026, 3, 3))
    with pytest.raises(Invalid, match="has not begun; submit_feedback is possible from 2026-04-01"):
        feedback(small, "INF1", "2026-04", at(2026, 3, 3))
    with pytest.raises(Invalid, match="ended before 2025-01-01"):
        feedback(small, "INF1", "2024-12", at(2026, 3, 3))
    with pytest.raises(Invalid, match="must be a month"):
        feedback(small, "INF1", "2026-Q1", at(2026, 3, 3))
    with pytest.raises(Forbidden, match="done by the person themself"):
        cadence.submit_feedback(small, as_person("SUP1", "supervisor"), "INF1", "2026-01")
    with pytest.raises(Forbidden, match="may not submit_feedback"):
        cadence.submit_feedback(small, ctx("community_secretary", community="C1", actor_id="SEC1"), "SEC1", "2026-01")
    personnel.dismiss_person(small, ctx(), "SUP1")
    with pytest.raises(Invalid, match="not an active informant or supervisor"):
        feedback(small, "SUP1", "2026-02", at(2026, 3, 3), role="supervisor")


@pytest.mark.parametrize(
    "period, now, on_time",
    [
        ("2026-Q1", at(2026, 4, 10), True),
        ("2026-Q1", at(2026, 4, 11), False),
        ("2026-Q1", at(2026, 3, 31), True),
        ("2025-Q4", at(2026, 1, 10), True),
        ("2025-Q4", at(2026, 1, 11), False),
    ],
)
def test_quarterly_report_on_time_or_late_across_the_year(small, period, now, on_time):
    sec = ctx("community_secretary", community="C1", actor_id="SEC1", now=now)
    [e] = cadence.submit_report(small, sec, "C1", period, summary="季度工作报告")
    assert e.payload["report_id"] == f"STN-C1-{period}" and e.payload["on_time"] is on_time
    assert small.doc("communities", "C1")["station"]["reports"][period]["status"] == (
        "submitted" if on_time else "late"
    )
    assert small.doc("compliance", f"C1/{period}")["report"]["on_time"] is on_time


def test_report_refusals(small):
    sec = ctx("community_secretary", community="C1", actor_id="SEC1", now=at(2026, 4, 2))
    cadence.submit_report(small, sec, "C1", "2026-Q1")
    with pytest.raises(IllegalTransition, match="submit_report is not allowed while the state is 'submitted'"):
        cadence.submit_report(small, sec, "C1", "2026-Q1")
    with pytest.raises(Invalid, match="must be a quarter"):
        cadence.submit_report(small, sec, "C1", "2026-03")
    with pytest.raises(Invalid, match="has not begun"):
        cadence.submit_report(small, sec, "C1", "2026-Q3")
    with pytest.raises(Invalid, match="ended before 2025-01-01"):
        cadence.submit_report(small, sec, "C1", "2024-Q4")
    with pytest.raises(NotFound, match="^community .C3. is not in the directory; register it first$"):
        cadence.submit_report(small, sec, "C3", "2026-Q1")
    with pytest.raises(Forbidden, match="may not submit_report"):
        cadence.submit_report(small, ctx(), "C1", "2026-Q1")
