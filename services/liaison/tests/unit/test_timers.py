"""The clocks: due_soon / missed for feedback and reports, contact lapses; each emitted exactly once."""

from collections import Counter
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from liaison_helpers import SMALL, as_person, at, ctx, system

from watchpost.errors import Forbidden
from watchpost.eventlog.memory import MemoryEventStore

from liaison import timers
from liaison.commands import cadence, loading, pairings, personnel
from liaison.domain.periods import Settings
from liaison.projections import PROJECTIONS as ALL

WATCHERS = {"INF1", "SUP1", "SUP3"}


def kinds(events):
    return Counter(e.type for e in events)


def test_feedback_due_soon_then_missed_once_each(small):
    january = timers.tick(small, system(now=at(2026, 2, 28)))  # January's feedback was due on 5 February
    assert kinds(january) == {"feedback.missed": 3} and {e.payload["period"] for e in january} == {"2026-01"}
    soon = timers.tick(small, system(now=at(2026, 3, 2)))
    assert {(e.type, e.payload["person_id"], e.payload["period"]) for e in soon} == {
        ("feedback.due_soon", p, "2026-02") for p in WATCHERS
    }
    assert soon[0].payload["due_on"] == "2026-03-05"
    assert timers.tick(small, system(now=at(2026, 3, 5))) == []
    missed = timers.tick(small, system(now=at(2026, 3, 6)))
    assert kinds(missed) == {"feedback.missed": 3}
    assert timers.tick(small, system(now=at(2026, 3, 7))) == []
    assert small.doc("people", "INF1")["feedback"]["2026-02"]["status"] == "missed"


def test_a_submission_stops_the_clock_and_a_late_one_follows_missed(small):
    timers.tick(small, system(now=at(2026, 3, 1)))
    cadence.submit_feedback(small, as_person("INF1", "informant", now=at(2026, 3, 1)), "INF1", "2026-02")
    assert {e.payload["person_id"] for e in timers.tick(small, system(now=at(2026, 3, 6)))} == {"SUP1", "SUP3"}
    [late] = cadence.submit_feedback(small, as_person("SUP1", "supervisor", now=at(2026, 3, 9)), "SUP1", "2026-02")
    assert late.payload["on_time"] is False and late.payload["days_late"] == 4
    assert small.doc("people", "SUP1")["feedback"]["2026-02"]["status"] == "late"


def test_year_end_feedback_and_quarter_report(small):
    events = timers.tick(small, system(now=at(2026, 1, 8)))
    assert kinds(events) == {"feedback.missed": 6, "report.due_soon": 3}  # Nov and Dec missed; Q4 report soon
    assert {e.payload["period"] for e in events} == {"2025-11", "2025-12", "2025-Q4"}
    cadence.submit_report(small, ctx("community_secretary", community="C1", now=at(2026, 1, 9)), "C1", "2025-Q4")
    missed = timers.tick(small, system(now=at(2026, 1, 11)))
    assert {e.payload["station_id"] for e in missed if e.type == "report.missed"} == {"STN-C2", "STN-C3"}
    assert timers.tick(small, system(now=at(2026, 1, 12))) == []


def test_nothing_is_owed_before_appointment_or_after_dismissal(small):
    personnel.appoint_person(
        small, ctx(now=at(2026, 3, 2)), "SUP9", "新人", "supervisor", community="C1", groups=["C1-G3"]
    )
    personnel.dismiss_person(small, ctx(now=at(2026, 3, 2)), "SUP3")
    events = timers.tick(small, system(now=at(2026, 3, 6)))
    assert {e.payload["person_id"] for e in events} == {"INF1", "SUP1"}
    assert {e.payload["person_id"] for e in timers.tick(small, system(now=at(2026, 4, 6)))} == {"INF1", "SUP1", "SUP9"}


def test_lookback_and_due_soon_days_are_settings(small):
    c = system(now=at(2026, 3, 2))
    c.extra["settings"] = Settings(due_soon_days=0, tick_lookback_days=0)
    assert timers.tick(small, c) == []


def test_contact_lapse_once_per_silence(small):
    pairings.establish_pairing(small, ctx(now=at(2026, 1, 1)), "M1", "C1")
    assert not [e for e in timers.tick(small, system(now=at(2026, 3, 1))) if e.type.startswith("pairing")]
    lapse = [e for e in timers.tick(small, system(now=at(2026, 3, 2))) if e.type.startswith("pairing")]
    assert [e.payload["since"] for e in lapse] == ["2026-01-01"] and lapse[0].payload["lapse_days"] == 60
    assert not [e for e in timers.tick(small, system(now=at(2026, 4, 2))) if e.type.startswith("pairing")]
    pairings.record_contact(small, ctx(now=at(2026, 4, 3)), "M1-C1", "heart_to_heart", "2026-04-03")
    assert small.doc("pairings", "M1-C1")["lapsed_since"] == "2026-01-01"
    assert not [e for e in timers.tick(small, system(now=at(2026, 6, 1))) if e.type.startswith("pairing")]
    again = [e for e in timers.tick(small, system(now=at(2026, 6, 2))) if e.type.startswith("pairing")]
    assert [e.payload["since"] for e in again] == ["2026-04-03"]
    pairings.end_pairing(small, ctx(now=at(2026, 6, 3)), "M1-C1")
    assert not [e for e in timers.tick(small, system(now=at(2026, 9, 1))) if e.type.startswith("pairing")]


def test_contact_lapse_days_is_a_setting(small):
    pairings.establish_pairing(small, ctx(now=at(2026, 2, 1)), "M1", "C1")
    c = system(now=at(2026, 3, 2))
    c.extra["settings"] = Settings(contact_lapse_days=29)
    assert [e.type for e in timers.tick(small, c) if e.type.startswith("pairing")] == ["pairing.contact_lapsed"]


def test_only_the_system_ticks(small):
    with pytest.raises(Forbidden, match="may not tick"):
        timers.tick(small, ctx())


def test_a_repeated_tick_command_returns_nothing_new(small):
    first = timers.tick(small, system(now=at(2026, 3, 2), command_id="tick-1"))
    assert len(first) == 6 and timers.tick(small, system(now=at(2026, 3, 2), command_id="tick-1")) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, 200), min_size=1, max_size=12))
def test_any_run_of_ticks_emits_each_reminder_at_most_once(offsets):
    store = MemoryEventStore(ALL)
    loading.load_directory(store, ctx(now=at(2025, 12, 1)), SMALL)
    pairings.establish_pairing(store, ctx(now=at(2025, 12, 1)), "M1", "C1")
    start = at(2025, 12, 1)
    for offset in sorted(offsets):
        timers.tick(store, system(now=start + timedelta(days=offset)))
    said = Counter(
        (e.type, e.stream_id, e.payload.get("since"))
        for e in store.replay()
        if e.type.endswith((".due_soon", ".missed", ".contact_lapsed"))
    )
    assert all(n == 1 for n in said.values())
    assert store.rebuild_differences() == []
