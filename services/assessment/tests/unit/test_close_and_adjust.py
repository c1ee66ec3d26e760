"""Period close freezes scorecards; later events are pending, then recorded as adjustments; rescoring is explicit."""

from datetime import datetime, timezone

import pytest

from watchpost.errors import IllegalTransition, Invalid, NotFound
from watchpost.testing import make_ctx

from assessment import commands, reads

C1 = {"community": "C1", "street": "S1"}
C2 = {"community": "C2", "street": "S1"}
APRIL = datetime(2026, 4, 3, tzinfo=timezone.utc)


@pytest.fixture
def march(store, logs, publish, feed):
    publish()
    logs["intake"].emit("opinion.resolved", opinion_id="o1", **C1)
    logs["intake"].emit("opinion.resolved", opinion_id="o2", **C2)
    logs["liaison"].emit("feedback.missed", person_id="p1", period="2026-03", due_on="2026-03-31", **C1)
    feed()


def test_a_period_closes_only_after_it_ends(store, march):
    early = make_ctx(now=datetime(2026, 3, 31, 15, 0, tzinfo=timezone.utc))  # 23:00 in Chengdu
    with pytest.raises(Invalid, match="can be closed from 2026-04-01"):
        commands.close_period(store, early, period="2026-03")


def test_closing_freezes_and_records_the_cut_off(store, march, district):
    [closed] = commands.close_period(store, district, period="2026-03")
    assert closed.type == "period.closed"
    assert closed.payload["through"] == {"intake": 2, "liaison": 1, "training": 0}
    assert {c["community"]: c["total"] for c in closed.payload["scorecards"]} == {"C1": 100, "C2": 101}
    with pytest.raises(IllegalTransition, match="close_period is not allowed while the state is 'closed'"):
        commands.close_period(store, district, period="2026-03")


def test_late_events_are_pending_then_recorded_as_adjustments(store, logs, march, feed, district):
    commands.close_period(store, district, period="2026-03")
    late = logs["liaison"].emit(
        "feedback.submitted", person_id="p1", period="2026-03", submitted_on="2026-04-03", on_time=False, at=APRIL, **C1
    )
    resolved = logs["intake"].emit(
        "opinion.resolved", opinion_id="o3", at=datetime(2026, 3, 31, tzinfo=timezone.utc), **C1
    )
    feed()
    card = reads.scorecard(store, district, community="C1", period="2026-03")
    assert card["status"] == "closed" and card["total"] == 100  # frozen: not merged silently
    assert [p["event_id"] for p in card["pending_adjustments"]] == [resolved.event_id, late.event_id]
    adjusted = commands.record_adjustments(store, district, period="2026-03")
    assert [e.type for e in adjusted] == ["scorecard.adjusted"]
    p = adjusted[0].payload
    assert (p["community"], p["total_before"], p["total_after"]) == ("C1", 100, 102)
    assert p["indicators"] == {
        "petition_handling": {"before": 1, "after": 2},
        "information_reporting": {"before": -1, "after": 0},
    }
    assert p["through"] == {"intake": 3, "liaison": 2, "training": 0}
    card = reads.scorecard(store, district, community="C1", period="2026-03")
    assert card["total"] == 102 and card["pending_adjustments"] == []
    assert [a["event_id"] for a in card["adjustments"]] == [adjusted[0].event_id]
    assert commands.record_adjustments(store, district, period="2026-03") == []  # nothing new: nothing recorded
    assert reads.scorecard(store, district, community="C2", period="2026-03")["total"] == 101


def test_adjustments_need_a_closed_period(store, march, district):
    with pytest.raises(IllegalTransition, match="record_adjustments"):
        commands.record_adjustments(store, district, period="2026-03")


def test_warnings_below_the_threshold(store, logs, march, feed, district):
    for n in range(12):
        logs["intake"].emit(
            "clue.overdue", clue_id=f"k{n}", clock="disposal" if n < 9 else "reply", due_on="2026-03-01", **C2
        )
    feed()
    [warning] = commands.raise_warnings(store, district, period="2026-03")
    assert warning.payload["community"] == "C2" and warning.payload["total"] == 89  # 100 + 1 - 9 - 3
    assert warning.payload["status"] == "open"
    assert commands.raise_warnings(store, district, period="2026-03") == []  # once per rulebook version
    assert [e.type for e in commands.close_period(store, district, period="2026-03")] == ["period.closed"]


def test_rescoring_is_explicit(store, march, district, kit):
    commands.close_period(store, district, period="2026-03")
    commands.publish_rulebook(store, district, **kit.simple_rulebook("t2", base=50, warning_threshold=60))
    assert reads.scorecard(store, district, community="C1", period="2026-03")["total"] == 100  # still t1
    with pytest.raises(NotFound, match="published: t1, t2"):
        commands.rescore_period(store, district, period="2026-03", version="t9")
    with pytest.raises(Invalid, match="already scored under rulebook t1"):
        commands.rescore_period(store, district, period="2026-03", version="t1")
    events = commands.rescore_period(store, district, period="2026-03", version="t2")
    assert [e.type for e in events] == ["period.rescored", "score.warning_raised", "score.warning_raised"]
    assert events[0].payload["scorecards"][0] == {
        "community": "C1",
        "street": "S1",
        "total": 50,
        "below_threshold": True,
        "previous_total": 100,
    }
    card = reads.scorecard(store, district, community="C1", period="2026-03")
    assert (card["rulebook_version"], card["total"]) == ("t2", 50)
    assert reads.scorecard(store, district, community="C1", period="2026-04")["rulebook_version"] == "t2"


def test_rankings_within_street_and_district(store, logs, march, feed, district):
    logs["intake"].emit("opinion.resolved", opinion_id="o9", **{"community": "C3", "street": "S2"})
    feed()
    rows = reads.ranking(store, district, period="2026-03")["rows"]
    assert [(r["rank"], r["community"]) for r in rows] == [(1, "C2"), (1, "C3"), (3, "C1")]
    street = reads.ranking(store, district, period="2026-03", scope="street", street="S1")
    assert [r["community"] for r in street["rows"]] == ["C2", "C1"]
    commands.close_period(store, district, period="2026-03")
    assert reads.ranking(store, district, period="2026-03")["rows"] == rows
