"""Attendance: recorded once a session is held, once per person; corrections are new events; year boundaries."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from training_support import (
    appointed,
    at,
    attend,
    contract_checked,
    district,
    held_session,
    new_store,
    secretary,
    street,
    system,
)

from watchpost.errors import Forbidden, IllegalTransition, Invalid

from training import commands
from training.consumers import on_person_appointed


def test_attendance_is_refused_before_the_session_is_held(store):
    sid = commands.schedule_session(
        store, district(), kind="other", topic="t", date="2026-03-10", hours=1, organiser="o"
    )[0].payload["session_id"]
    with pytest.raises(IllegalTransition, match="state is 'scheduled'; allowed: cancel_session, hold_session"):
        attend(store, sid)


def test_present_earns_the_session_hours_absent_and_excused_none(store):
    sid = held_session(store, hours=2.5)
    [p] = attend(store, sid, "P1", "present")
    [a] = attend(store, sid, "P2", "absent")
    [x] = attend(store, sid, "P3", "excused")
    assert (p.payload["hours"], a.payload["hours"], x.payload["hours"]) == (2.5, 0.0, 0.0)
    assert p.stream_id == "record-P1-2026" and p.payload["held_on"] == "2026-02-20"
    doc = store.doc("training_sessions", sid)
    assert (doc["present"], doc["absent"], doc["excused"]) == (1, 1, 1)


def test_a_person_is_recorded_once_per_session(store):
    sid = held_session(store)
    attend(store, sid)
    with pytest.raises(IllegalTransition, match="attendance already recorded'; allowed: correct_attendance"):
        attend(store, sid, status="absent")


@pytest.mark.parametrize(
    "over, words",
    [
        ({"status": "late"}, "status 'late' is unknown; allowed: present, absent, excused"),
        ({"role": "mayor"}, "role 'mayor' is unknown"),
    ],
)
def test_attendance_refuses_bad_fields(store, over, words):
    sid = held_session(store)
    with pytest.raises(Invalid, match=words):
        attend(store, sid, **over)


def test_correction_is_a_new_event_naming_what_it_replaces(store):
    sid = held_session(store, hours=2)
    attend(store, sid, status="absent")
    [c] = commands.correct_attendance(
        store, district(), session_id=sid, person_id="P1", status="present", reason="签到表漏记"
    )
    assert c.type == "attendance.corrected"
    assert (c.payload["status"], c.payload["hours"], c.payload["previous_status"], c.payload["previous_hours"]) == (
        "present",
        2.0,
        "absent",
        0.0,
    )
    assert [e.type for e in store.load("record-P1-2026")] == ["attendance.recorded", "attendance.corrected"]
    record = store.doc("training_records", "P1:2026")
    assert (record["hours"], record["present"], record["absent"]) == (2.0, 1, 0)
    part = store.doc("training_participation_community", "C1:2026")
    assert (part["present"], part["absent"], part["rate"], part["months"]["2026-02"]["present"]) == (1, 0, 1.0, 1)


def test_correction_refusals(store):
    sid = held_session(store)
    with pytest.raises(IllegalTransition, match="no attendance recorded'; allowed: record_attendance"):
        commands.correct_attendance(store, district(), session_id=sid, person_id="P1", status="absent", reason="x")
    attend(store, sid)
    with pytest.raises(Invalid, match="already recorded as present; a correction must change the status"):
        commands.correct_attendance(store, district(), session_id=sid, person_id="P1", status="present", reason="x")
    with pytest.raises(Invalid, match="needs a reason"):
        commands.correct_attendance(store, district(), session_id=sid, person_id="P1", status="absent", reason="")


def test_attendance_is_scoped_to_the_recorders_area(store):
    sid = held_session(store)
    on_person_appointed(store, system(), appointed("P1", community="C1"))
    with pytest.raises(Forbidden, match="no record of person P1"):  # out of scope: as if unknown
        attend(store, sid, ctx=secretary("C2", street_id="S1"))
    with pytest.raises(Forbidden):
        attend(store, sid, ctx=street("S2"))
    attend(store, sid, ctx=secretary("C1"))
    with pytest.raises(IllegalTransition, match="no attendance recorded"):  # as if none were recorded
        commands.correct_attendance(store, secretary("C2"), session_id=sid, person_id="P1", status="absent", reason="x")
    commands.correct_attendance(store, street("S1"), session_id=sid, person_id="P1", status="absent", reason="x")


def test_scope_is_checked_against_trainings_record_of_the_cadre_never_the_body(store):
    """The hostile secretary of C1 records hours for a cadre of C2, writing C1 in the body."""
    sid = held_session(store)
    on_person_appointed(store, system(), appointed("P2", street_id="S2", community="C2"))
    with pytest.raises(Forbidden, match="no record of person P2"):  # out of scope: as if unknown
        attend(store, sid, "P2", ctx=secretary("C1"), street_id="S1", community="C1")
    with pytest.raises(Forbidden, match="no record of person P2"):  # out of scope: as if unknown
        attend(store, sid, "P2", ctx=street("S1"), street_id="S1", community="C1")
    # a person training has no record of cannot be checked: refused to everyone but the district
    with pytest.raises(Forbidden, match="training has no record of person P9"):
        attend(store, sid, "P9", ctx=secretary("C1"))
    attend(store, sid, "P9")
    # in scope, the body may only repeat the record
    with pytest.raises(Invalid, match="street 'S2', community 'C2' as training records them"):
        attend(store, sid, "P2", ctx=street("S2"), street_id="S2", community="C1")
    assert store.load("record-P2-2026") == []
    attend(store, sid, "P2", ctx=street("S2"), street_id="S2", community="C2")


@pytest.mark.parametrize("held_on, year", [("2026-12-31", 2026), ("2027-01-01", 2027)])
def test_the_year_of_a_session_is_the_year_it_was_held(store, held_on, year):
    sid = held_session(store, date=held_on)
    [e] = attend(store, sid)
    assert e.stream_id == f"record-P1-{year}"
    assert store.doc("training_records", f"P1:{year}")["hours"] == 2.0
    assert store.doc("training_participation_street", f"S1:{year}")["present"] == 1


def test_a_session_moved_across_new_year_counts_for_the_year_it_was_held(store):
    ctx = district(now=at(2027, 1, 5))
    sid = commands.schedule_session(
        store, ctx, kind="monthly_lecture", topic="t", date="2026-12-30", hours=2, organiser="o"
    )[0].payload["session_id"]
    commands.reschedule_session(store, ctx, session_id=sid, date="2027-01-02")
    commands.hold_session(store, ctx, session_id=sid)
    assert attend(store, sid)[0].stream_id == "record-P1-2027"
    assert store.doc("training_sessions", sid)["year"] == 2027


@settings(max_examples=50, deadline=None)
@given(
    st.sampled_from(["present", "absent", "excused"]),
    st.lists(st.sampled_from(["present", "absent", "excused"]), max_size=6),
)
def test_after_any_corrections_the_record_reflects_the_last_status(first, later):
    store = new_store()
    sid = held_session(store, hours=1.5)
    attend(store, sid, status=first)
    last = first
    for status in later:
        if status == last:
            continue
        commands.correct_attendance(store, district(), session_id=sid, person_id="P1", status=status, reason="r")
        last = status
    record = store.doc("training_records", "P1:2026")
    assert record["hours"] == (1.5 if last == "present" else 0.0)
    assert {s: record[s] for s in ("present", "absent", "excused")} == {
        s: int(s == last) for s in ("present", "absent", "excused")
    }
    session = store.doc("training_sessions", sid)
    assert session[last] == 1 and session["present"] + session["absent"] + session["excused"] == 1
    contract_checked(store)
