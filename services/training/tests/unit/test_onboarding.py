"""Onboarding: liaison's appointments enrol once (replay, redelivery), attendance progresses, completion, dismissal."""

from types import SimpleNamespace

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
    system,
)

from watchpost.errors import Forbidden, Invalid

from training import commands
from training.consumers import CONSUMERS, on_person_appointed, on_person_dismissed

PROGRAMME = {
    "community_secretary": [
        {"item": "forum", "kind": "new_cadre_forum"},
        {"item": "power_list", "topic": "小微权力清单"},
    ]
}


def enrol(store, payload=None, programme=PROGRAMME, ctx=None):
    return on_person_appointed(store, ctx or system(), payload or appointed(), programme=programme)


def test_an_appointment_enrols_the_cadre_in_the_programme_of_their_role(store):
    [e] = enrol(store)
    assert e.type == "onboarding.enrolled" and e.stream_id == "onboarding-P1"
    assert e.payload == {
        "person_id": "P1",
        "role": "community_secretary",
        "street": "S1",
        "community": "C1",
        "appointed_on": "2026-01-10",
        "required": [
            {"item": "forum", "kind": "new_cadre_forum", "topic": None},
            {"item": "power_list", "kind": None, "topic": "小微权力清单"},
        ],
    }
    assert "张三" not in str(store.doc("training_cadres", "P1"))


def test_the_default_programme_applies_without_configuration(store):
    [e] = on_person_appointed(store, system(), appointed(role="informant"))
    assert [i["item"] for i in e.payload["required"]] == ["new_cadre_forum", "monthly_lecture"]


def test_appointed_twice_enrols_once(store):
    enrol(store)
    assert enrol(store) == []
    assert enrol(store, appointed(on="2026-02-01")) == []
    assert [e.type for e in store.load("onboarding-P1")] == ["onboarding.enrolled"]


def test_redelivery_through_the_consumer_position_changes_nothing(store):
    handler = CONSUMERS["liaison"]["person.appointed"]
    for position in (1, 1, 1):
        store.consume(
            "liaison",
            position,
            lambda tx: handler(tx, system(), SimpleNamespace(payload=appointed()), programme=PROGRAMME),
        )
    assert len(store.load("onboarding-P1")) == 1


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["P1", "P2", "P3"]), min_size=1, max_size=12))
def test_any_interleaving_of_duplicate_deliveries_enrols_each_person_once(deliveries):
    store = new_store()
    for person in deliveries:
        on_person_appointed(store, system(), appointed(person=person), programme=PROGRAMME)
    enrolled = [e.payload["person_id"] for e in store.replay() if e.type == "onboarding.enrolled"]
    assert sorted(enrolled) == sorted(set(deliveries))
    contract_checked(store)


def test_attending_matching_sessions_progresses_then_completes(store):
    enrol(store)
    forum = held_session(store, kind="new_cadre_forum", topic="新任纪检监察干部座谈会", date="2026-02-01")
    lecture = held_session(store, kind="monthly_lecture", topic="每月讲坛: 小微权力清单", date="2026-02-20")
    first = attend(store, forum)
    assert [e.type for e in first] == ["attendance.recorded", "onboarding.progressed"]
    assert first[1].payload["items"] == ["forum"] and first[1].payload["remaining"] == ["power_list"]
    second = attend(store, lecture)
    assert [e.type for e in second] == ["attendance.recorded", "onboarding.progressed", "onboarding.completed"]
    assert second[2].payload["completed_on"] == "2026-02-20"
    doc = store.doc("training_cadres", "P1")
    assert (doc["status"], doc["remaining"], doc["done"]) == ("completed", [], {"forum": forum, "power_list": lecture})


def test_absence_and_sessions_before_the_appointment_do_not_count(store):
    enrol(store)
    before = held_session(store, kind="new_cadre_forum", topic="t", date="2026-01-09")
    absent = held_session(store, kind="new_cadre_forum", topic="t", date="2026-01-20")
    assert [e.type for e in attend(store, before)] == ["attendance.recorded"]
    assert [e.type for e in attend(store, absent, status="absent")] == ["attendance.recorded"]


def test_a_correction_away_from_present_revokes_progress_and_reopens_completion(store):
    enrol(store, programme={"community_secretary": [{"item": "forum", "kind": "new_cadre_forum"}]})
    forum = held_session(store, kind="new_cadre_forum", topic="t", date="2026-02-01")
    attend(store, forum)
    events = commands.correct_attendance(
        store, district(), session_id=forum, person_id="P1", status="absent", reason="代签"
    )
    assert [e.type for e in events] == ["attendance.corrected", "onboarding.progress_revoked"]
    assert events[1].payload["reopened"] is True and events[1].payload["remaining"] == ["forum"]
    assert store.doc("training_cadres", "P1")["status"] == "enrolled"
    events = commands.correct_attendance(
        store, district(), session_id=forum, person_id="P1", status="present", reason="核实确已参加"
    )
    assert [e.type for e in events] == ["attendance.corrected", "onboarding.progressed", "onboarding.completed"]


def test_attendance_recorded_before_enrolment_counts_when_the_appointment_arrives(store):
    forum = held_session(store, kind="new_cadre_forum", topic="t", date="2026-02-01")
    attend(store, forum)
    events = enrol(store, ctx=system(now=at(2026, 3, 1)))
    assert [e.type for e in events] == ["onboarding.enrolled", "onboarding.progressed"]


def test_a_role_with_an_empty_programme_completes_at_enrolment(store):
    events = enrol(store, appointed(role="supervisor"), programme={"supervisor": []})
    assert [e.type for e in events] == ["onboarding.enrolled", "onboarding.completed"]


def test_a_non_cadre_role_is_ignored_not_refused(store):
    assert enrol(store, appointed(role="mayor")) == []
    with pytest.raises(Invalid, match="role 'mayor' is unknown"):
        commands.enrol_cadre(store, district(), person_id="P9", role="mayor", street="S1", appointed_on="2026-01-01")


def test_dismissal_withdraws_once_and_reappointment_enrols_afresh(store):
    dismissed = {"person_id": "P1", "street": "S1", "community": "C1", "dismissed_on": "2026-06-30"}
    assert on_person_dismissed(store, system(), dismissed) == []
    enrol(store)
    [w] = on_person_dismissed(store, system(), dismissed)
    assert w.payload == {**dismissed, "completed": False}
    assert on_person_dismissed(store, system(), dismissed) == []
    assert enrol(store) == []
    [again] = enrol(store, appointed(on="2026-09-01"))
    assert again.payload["appointed_on"] == "2026-09-01"
    assert store.doc("training_cadres", "P1")["status"] == "enrolled"


def test_enrolment_by_hand_is_for_the_district_only(store):
    with pytest.raises(Forbidden, match="enrol_cadre is not open to the role community_secretary"):
        commands.enrol_cadre(
            store, secretary(), person_id="P1", role="supervisor", street="S1", appointed_on="2026-01-01"
        )


def test_a_retried_attendance_command_neither_repeats_nor_loses_the_onboarding_step(store):
    enrol(store)
    forum = held_session(store, kind="new_cadre_forum", topic="t", date="2026-02-01")
    ctx = district(command_id="att-1")
    first = attend(store, forum, ctx=ctx)
    assert attend(store, forum, ctx=ctx) == first
    assert [e.type for e in store.load("onboarding-P1")] == ["onboarding.enrolled", "onboarding.progressed"]


def test_a_retry_after_a_crash_between_the_two_appends_completes_the_onboarding_step(store, monkeypatch):
    enrol(store)
    forum = held_session(store, kind="new_cadre_forum", topic="t", date="2026-02-01")
    real = commands._advance
    monkeypatch.setattr(commands, "_advance", lambda *a: (_ for _ in ()).throw(ConnectionError("db gone")))
    with pytest.raises(ConnectionError):
        attend(store, forum, ctx=district(command_id="att-2"))
    monkeypatch.setattr(commands, "_advance", real)
    events = attend(store, forum, ctx=district(command_id="att-2"))
    assert [e.type for e in events] == ["attendance.recorded", "onboarding.progressed"]
    assert len(store.load("record-P1-2026")) == 1
