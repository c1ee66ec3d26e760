"""Each of the seven indicators on hand-built event sequences: value, score, and every point traced to an event."""

from datetime import datetime, timezone

import pytest

from watchpost.testing import make_ctx

from assessment import commands, reads

C = {"community": "C1", "street": "S1"}


@pytest.fixture
def card(store, publish, feed, district):
    publish()

    def card(indicator, period="2026-03"):
        feed()
        return reads.scorecard(store, district, community="C1", period=period)["indicators"][indicator]

    return card


def rows_add_up(block):
    assert sum(c["points"] for c in block["contributions"]) + block["baseline_points"] + block[
        "cap_points"
    ] == pytest.approx(block["score"], abs=1e-9)


def test_petition_handling(logs, card):
    i = logs["intake"]
    on_time = i.emit("clue.feedback_given", clue_id="k1", on_time=True, **C)
    i.emit("clue.overdue", clue_id="k2", clock="feedback", due_on="2026-03-05", **C)
    late = i.emit("clue.feedback_given", clue_id="k2", on_time=False, **C)
    resolved = i.emit("opinion.resolved", opinion_id="o1", **C)
    i.emit("clue.overdue", clue_id="k3", clock="disposal", due_on="2026-03-05", **C)  # case management, not here
    block = card("petition_handling")
    assert block["value"] == 1 and block["score"] == 1
    ids = {c["event_id"]: c for c in block["contributions"]}
    assert set(ids) == {on_time.event_id, late.event_id, resolved.event_id}
    assert ids[late.event_id]["points"] == -1 and len(ids[late.event_id]["replaced"]) == 1  # overdue replaced
    assert ids[on_time.event_id] == {
        "source": "intake",
        "event_id": on_time.event_id,
        "position": 1,
        "type": "clue.feedback_given",
        "rule": "clue_feedback_on_time",
        "units": 1,
        "points": 1,
        "replaced": [],
    }
    rows_add_up(block)


def test_case_management(logs, card):
    i = logs["intake"]
    i.emit("clue.registered", clue_id="k1", ledger_no="L1", **C)
    i.emit("clue.registered", clue_id="k1", ledger_no="L1", **C)  # the same registration twice counts once
    i.emit("clue.disposal_approved", clue_id="k1", disposal="closed", approver_level="street", **C)
    i.emit("clue.overdue", clue_id="k2", clock="disposal", due_on="2026-03-01", **C)
    i.emit("clue.overdue", clue_id="k3", clock="forwarding", due_on="2026-03-01", **C)
    block = card("case_management")
    assert block["value"] == 0 and [c["rule"] for c in block["contributions"]] == [
        "clue_registered",
        "clue_disposal_approved",
        "clue_disposal_overdue",
        "clue_forwarding_overdue",
    ]
    rows_add_up(block)


def test_case_review(logs, card):
    i = logs["intake"]
    i.emit("clue.concluded", clue_id="k1", outcome="closed_cleared", within_limit=True, **C)
    i.emit("clue.concluded", clue_id="k2", outcome="case_filed", within_limit=True, **C)
    i.emit("clue.overdue", clue_id="k3", clock="reply", due_on="2026-03-01", **C)
    i.emit("clue.concluded", clue_id="k4", outcome="closed_cleared", within_limit=False, **C)
    block = card("case_review")
    assert (block["value"], block["score"]) == (0, 0)


def test_supervision_inspection(logs, card):
    i = logs["intake"]
    i.emit("inspection.recorded", inspection_id="n1", held_on="2026-03-04", subject="三务公开", scope="all", **C)
    i.emit("inspection.recorded", inspection_id="n2", held_on="2026-02-27", subject="budget", scope="all", **C)
    i.emit("rectification.overdue", finding_id="f1", **C)
    i.emit("rectification.verified", finding_id="f1", on_time=False, **C)
    i.emit("rectification.verified", finding_id="f2", on_time=True, **C)
    block = card("supervision_inspection")
    assert block["value"] == 1  # n1 +1 (n2 counts for February), f1 late -1 (replacing overdue), f2 +1
    assert card("supervision_inspection", "2026-Q1")["value"] == 2


def test_publicity_education(logs, card):
    t = logs["training"]
    att = dict(session_id="s1", hours=2, held_on="2026-03-06", **C)
    t.emit("attendance.recorded", person_id="p1", status="present", **att)
    t.emit("attendance.recorded", person_id="p2", status="absent", **att)
    corrected = t.emit("attendance.corrected", person_id="p2", status="excused", **att)
    t.emit("attendance.recorded", person_id="p3", status="present", **att)
    block = card("publicity_education")
    assert block["value"] == 2
    assert {c["event_id"]: c["points"] for c in block["contributions"]}[corrected.event_id] == 0


def test_information_reporting(logs, card):
    li = logs["liaison"]
    li.emit("feedback.submitted", person_id="p1", period="2026-03", submitted_on="2026-03-30", on_time=True, **C)
    li.emit("feedback.missed", person_id="p2", period="2026-03", due_on="2026-03-31", **C)
    li.emit(
        "feedback.submitted",
        person_id="p2",
        period="2026-03",
        submitted_on="2026-04-03",
        on_time=False,
        at=datetime(2026, 4, 3, tzinfo=timezone.utc),
        **C,
    )
    li.emit("feedback.missed", person_id="p3", period="2026-03", due_on="2026-03-31", **C)
    li.emit("report.submitted", station_id="st1", period="2026-Q1", submitted_on="2026-04-02", on_time=True, **C)
    assert card("information_reporting")["value"] == 0  # 1 + 0 (filed late) - 1; report is quarterly
    assert card("information_reporting", "2026-Q1")["value"] == 3
    assert card("information_reporting", "2026")["value"] == 3


def test_each_major_problem_flag_counts_once_by_its_opaque_flag_id(logs, card):
    li = logs["liaison"]
    flag = dict(period="2026-03", role="informant", summary="资金未经公示", category=None, flagged_on="2026-03-04", **C)
    first = li.emit("feedback.major_problem_flagged", version=2, flag_id="flag-a", **flag)
    li.emit("feedback.major_problem_flagged", version=2, flag_id="flag-b", **flag)  # a second flag, same month
    # a flag stored at v1 (naming its flagger) reads at v2, its flag id replaced by an opaque one
    li.emit(
        "feedback.major_problem_flagged",
        flag_id="p1-2026-03-1",
        feedback_id="p1-2026-03",
        person_id="p1",
        station_id="st1",
        **flag,
    )
    block = card("information_reporting")
    assert block["value"] == 3 and {c["rule"] for c in block["contributions"]} == {"major_problem_flagged"}
    assert first.event_id in {c["event_id"] for c in block["contributions"]}
    rows_add_up(block)


def test_team_building(logs, card):
    li, t = logs["liaison"], logs["training"]
    li.emit("pairing.contact_recorded", pairing_id="pr1", kind="duty_talk", held_on="2026-03-03", **C)
    li.emit("pairing.contact_lapsed", pairing_id="pr2", since="2026-01-01", **C)
    t.emit("onboarding.completed", person_id="p9", **C)
    t.emit("requirement.shortfall", person_id="p1", year=2026, hours=10, required=24, **C)
    assert card("team_building")["value"] == 2
    assert card("team_building", "2026")["value"] == 0


def test_chengdu_time_decides_the_month(logs, card):
    logs["intake"].emit("opinion.resolved", opinion_id="o1", at=datetime(2026, 3, 31, 17, 0, tzinfo=timezone.utc), **C)
    assert card("petition_handling", "2026-03")["value"] == 0
    assert card("petition_handling", "2026-04")["value"] == 1


def test_events_without_community_or_unknown_types_count_for_nothing(store, logs, card):
    logs["intake"].emit("opinion.resolved", opinion_id="o1", street="S1")
    logs["liaison"].emit("person.appointed", person_id="p1", role="informant", **C)
    assert card("petition_handling")["value"] == 0
    assert store.docs("assessment_facts") == []


def test_baseline_rate_and_cap(store, logs, feed, district):
    from assessment.domain.rulebook import default

    commands.publish_rulebook(store, district, **default())
    for n in range(30):
        logs["intake"].emit(
            "inspection.recorded", inspection_id=f"n{n}", held_on="2026-03-02", subject="x", scope="y", **C
        )
    feed()
    block = reads.scorecard(store, district, community="C1", period="2026-03")["indicators"]["supervision_inspection"]
    assert (block["value"], block["baseline"], block["rate"], block["baseline_points"]) == (30, 1, 1, -1)
    assert (block["score"], block["cap_points"], block["weighted"]) == (10, -19, 15)
    rows_add_up(block)
    quarter = reads.scorecard(store, make_ctx(), community="C1", period="2026-Q1")
    assert quarter["indicators"]["petition_handling"]["baseline_points"] == -6  # 1/month × 3 × 2 below
