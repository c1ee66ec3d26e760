"""Statutory clocks across weekends and holidays; the timer emits each due_soon / overdue exactly once."""

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchpost.handling import execute

from intake import reads, timers
from intake.domain import clocks, disposal
from intake.domain import clue as clues


def tick(world, day):
    return timers.tick(world.store, world.ctx("system", day=day))


def alerts(events):
    return [(e.type, e.payload["clock"]) for e in events]


@pytest.mark.parametrize(
    "received, forwarding, disposal_due, notice",
    [
        (date(2026, 3, 2), date(2026, 3, 9), date(2026, 4, 2), date(2026, 3, 23)),  # plain weeks
        (date(2026, 2, 13), date(2026, 2, 27), date(2026, 3, 13), date(2026, 3, 12)),  # 调休 Saturdays, 春节
        (date(2026, 9, 3), date(2026, 9, 10), date(2026, 10, 8), date(2026, 9, 23)),  # 国庆; 20 Sep worked
        (
            date(2026, 1, 30),
            date(2026, 2, 6),
            date(2026, 2, 28),
            date(2026, 2, 27),
        ),  # clamped to 28 Feb, a 调休 Saturday
    ],
)
def test_clue_clocks(world, received, forwarding, disposal_due, notice):
    p = world.submit(ctx=world.ctx("informant", day=received))[0].payload
    assert p["received_on"] == received.isoformat()
    assert p["forwarding_due_on"] == forwarding.isoformat()
    assert p["disposal_due_on"] == disposal_due.isoformat()
    assert p["acceptance_notice_due_on"] == notice.isoformat()


def test_local_date_is_chengdu_time():
    assert clocks.local_date(datetime(2026, 3, 1, 17, 0, tzinfo=timezone.utc)) == date(2026, 3, 2)


def test_alert_rule():
    due = date(2026, 3, 9)
    assert clocks.alert_due(due, date(2026, 3, 3), set()) is None
    assert clocks.alert_due(due, date(2026, 3, 4), set()) == "due_soon"
    assert clocks.alert_due(due, date(2026, 3, 4), {"due_soon"}) is None
    assert clocks.alert_due(due, date(2026, 3, 9), {"due_soon"}) is None
    assert clocks.alert_due(due, date(2026, 3, 10), {"due_soon"}) == "overdue"
    assert clocks.alert_due(due, date(2026, 3, 10), set()) == "overdue"
    assert clocks.alert_due(due, date(2026, 3, 11), {"overdue"}) is None


def test_timer_emits_due_soon_and_overdue_once_each(world, clue):
    assert tick(world, date(2026, 3, 3)) == []
    assert alerts(tick(world, date(2026, 3, 4))) == [("clue.due_soon", "forwarding")]
    assert tick(world, date(2026, 3, 4)) == [] and tick(world, date(2026, 3, 6)) == []
    assert alerts(tick(world, date(2026, 3, 10))) == [("clue.overdue", "forwarding")]
    assert tick(world, date(2026, 3, 11)) == []
    doc = world.store.doc("clues", clue)
    assert doc["overdue"] is True and doc["alerts"] == {"forwarding": ["due_soon", "overdue"]}
    staff = world.ctx("street_commission")
    assert [c["clue_id"] for c in reads.list_clues(world.store, staff, overdue=True)["items"]] == [clue]
    (screened,) = world.run("screen_clue", clue_id=clue, outcome="accepted", reason="r", day=date(2026, 3, 11))
    assert screened.payload["within_limit"] is False
    assert world.store.doc("clues", clue)["overdue"] is False
    assert alerts(tick(world, date(2026, 3, 18))) == [("clue.due_soon", "acceptance_notice")]


def test_alerts_stop_when_the_step_is_done(world, clue):
    world.run("screen_clue", clue_id=clue, outcome="accepted", reason="r")
    world.run("notify_acceptance", clue_id=clue)
    assert alerts(tick(world, date(2026, 3, 30))) == [("clue.due_soon", "disposal")]
    assert world.store.doc("deadlines", clue)["clocks"].keys() == {"disposal"}


def test_a_stale_index_cannot_make_an_alert_twice(world, clue):
    day = date(2026, 3, 4)
    decide = lambda state: disposal.alert(state, day)  # noqa: E731
    ctx = world.ctx("system", day=day)
    assert len(execute(world.store, f"clue-{clue}", clues.fold, decide, ctx)) == 1
    assert execute(world.store, f"clue-{clue}", clues.fold, decide, ctx) == []


def test_talk_inquiry_reply_and_report_clocks(world, clue):
    world.drive(clue, "approved")
    assert alerts(tick(world, date(2026, 3, 18))) == [
        ("clue.due_soon", "acceptance_notice"),
        ("clue.due_soon", "reply"),
    ]
    late = world.run("record_reply", clue_id=clue, summary="s", day=date(2026, 3, 24))
    assert late[0].payload["on_time"] is False
    (concluded,) = world.run("conclude_clue", clue_id=clue, outcome="closed_cleared", day=date(2026, 4, 3))
    assert concluded.payload["within_limit"] is False  # report due 2 April
    assert concluded.payload["feedback_due_on"] == "2026-04-27"  # 15 working days after 3 April, over 清明
    (fb,) = world.run("give_feedback", clue_id=clue, feedback="f", day=date(2026, 4, 28))
    assert fb.payload["on_time"] is False


def test_rectification_clock(world):
    ins = world.run(
        "record_inspection",
        community="lijinggang",
        street="yongquan",
        held_on=date(2026, 3, 2),
        subject="三务公开检查",
        scope="三务公开",
    )[0].payload["inspection_id"]
    fid = world.run(
        "record_finding", inspection_id=ins, summary="2021年度财务收支预算方案缺项", category="C01", item="C01.03"
    )[0].payload["finding_id"]
    world.run("order_rectification", inspection_id=ins, finding_id=fid, deadline="2026-03-20", responsible="居委会")
    assert tick(world, date(2026, 3, 16)) == []
    assert alerts(tick(world, date(2026, 3, 17))) == [("rectification.due_soon", "rectification")]
    assert alerts(tick(world, date(2026, 3, 23))) == [("rectification.overdue", "rectification")]
    assert tick(world, date(2026, 3, 24)) == []
    assert world.store.doc("inspections", ins)["findings"][fid]["overdue"] is True
    (reported,) = world.run(
        "report_rectification", inspection_id=ins, finding_id=fid, summary="已补齐", day=date(2026, 3, 25)
    )
    assert reported.payload["on_time"] is False
    assert world.store.doc("deadlines", fid) is None


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offsets=st.lists(st.integers(min_value=0, max_value=80), min_size=1, max_size=12))
def test_any_schedule_of_ticks_sends_each_alert_at_most_once(world, offsets):
    cid = world.submit(summary=f"s{len(world.events())}", reporter=None).id
    sent = []
    for offset in sorted(offsets):
        sent += [
            (e.payload["clue_id"], e.type, e.payload["clock"])
            for e in tick(world, date(2026, 3, 2) + timedelta(days=offset))
        ]
    assert len(sent) == len(set(sent))
    if max(offsets) > 40:  # past every clock of an untouched clue
        assert {(cid, "clue.overdue", "forwarding"), (cid, "clue.overdue", "disposal")} <= set(sent)
