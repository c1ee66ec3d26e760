"""training as a nameko service against the real RabbitMQ and PostgreSQL: every route, every refusal class,
scoped reads, the year-end timer, and liaison's events delivered (and redelivered) through a real queue."""

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from nameko.testing.services import entrypoint_hook

from watchpost.eventlog.model import GENESIS, seal
from watchpost.runtime import EventLog
from watchpost.testing import SENTINEL, eventually, publish_as_relay, settle

from training.service import TrainingService

pytestmark = pytest.mark.integration

TODAY = datetime.now(timezone.utc).date()
LAST_YEAR = TODAY.year - 1


@pytest.fixture
def container(container_factory, service_config):
    container = container_factory(TrainingService, service_config())
    container.start()
    return container


@pytest.fixture
def training(container, client_for):
    return client_for(container)


def schedule(client, kind="monthly_lecture", topic="每月讲坛: 小微权力清单", date=TODAY, hours=2, audience=None):
    body = {"kind": kind, "topic": topic, "date": date.isoformat(), "hours": hours, "organiser": "温江区纪委监委"}
    if audience is not None:
        body["audience"] = audience
    done = client.post("/sessions", body)
    assert done.status_code == 201, done.text
    return done.json()["session_id"]


def held(client, **kw):
    sid = schedule(client, **kw)
    assert client.post(f"/sessions/{sid}/hold", {}).status_code == 200
    return sid


def attend(client, sid, person="P1", status="present", role="community_secretary", street="S1", community="C1"):
    return client.post(
        f"/sessions/{sid}/attendance",
        {"person_id": person, "role": role, "street": street, "community": community, "status": status},
    )


def types(response):
    return [e["type"] for e in response.json()["events"]]


def test_health_and_openapi_name_every_route(training):
    health = training.get("/health")
    assert health.status_code == 200 and health.json()["checks"] == {"database": "ok", "broker": "ok"}
    paths = training.get("/openapi.json").json()["paths"]
    for path in (
        "/sessions",
        "/sessions/{session_id}",
        "/sessions/{session_id}/reschedule",
        "/sessions/{session_id}/cancel",
        "/sessions/{session_id}/hold",
        "/sessions/{session_id}/attendance",
        "/sessions/{session_id}/attendance/{person_id}/correct",
        "/onboarding",
        "/year-end",
        "/onboarding/{person_id}",
        "/onboarding/{person_id}/withdraw",
        "/records/{person_id}/{year}",
        "/participation/communities/{community}/{year}",
        "/participation/streets/{street}/{year}",
    ):
        assert path in paths, path


def test_a_session_from_schedule_to_corrected_attendance(training):
    district = training.as_("district_commission")
    sid = schedule(district, kind="campaign", topic="抓反思 查风险 严纪律 铸铁军", date=TODAY - timedelta(days=3))
    moved = district.post(
        f"/sessions/{sid}/reschedule", {"date": (TODAY - timedelta(days=1)).isoformat(), "reason": "会议室占用"}
    )
    assert moved.status_code == 200 and types(moved) == ["session.rescheduled"]
    assert types(district.post(f"/sessions/{sid}/hold", {"hours": 3})) == ["session.held"]
    recorded = attend(district, sid)
    assert recorded.status_code == 201 and types(recorded) == ["attendance.recorded"]
    corrected = district.post(f"/sessions/{sid}/attendance/P1/correct", {"status": "excused", "reason": "病假"})
    assert corrected.status_code == 200 and types(corrected) == ["attendance.corrected"]
    session = district.get(f"/sessions/{sid}").json()
    assert session["status"] == "held" and session["hours"] == 3 and session["excused"] == 1
    assert session["reschedules"] == 1
    listed = district.get("/sessions", params={"period": str(TODAY.year), "kind": "campaign"}).json()
    assert [s["session_id"] for s in listed["sessions"]] == [sid] and listed["count"] == 1


def test_cancel_and_the_illegal_transitions_after_it(training):
    district = training.as_("district_commission")
    sid = schedule(district)
    cancelled = district.post(f"/sessions/{sid}/cancel", {"reason": "汛期防汛"})
    assert cancelled.status_code == 200 and types(cancelled) == ["session.cancelled"]
    again = district.post(f"/sessions/{sid}/hold", {})
    assert again.status_code == 409 and again.json()["error"] == "illegal_transition"
    assert attend(district, sid).status_code == 409


def test_attendance_twice_is_a_conflict_naming_the_correction(training):
    district = training.as_("district_commission")
    sid = held(district)
    assert attend(district, sid).status_code == 201
    twice = attend(district, sid, status="absent")
    assert twice.status_code == 409 and "correct_attendance" in twice.text


def test_idempotency_key_repeats_the_answer_not_the_command(training):
    district = training.as_("district_commission")
    body = {"kind": "other", "topic": "案例警示", "date": TODAY.isoformat(), "hours": 1, "organiser": "柳城街道"}
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = district.post("/sessions", body, headers=dict(key))
    second = district.post("/sessions", body, headers=dict(key))
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert district.get("/sessions", params={"period": str(TODAY.year)}).json()["count"] == 1


def test_refusals_401_403_404(training):
    assert training.get("/sessions", params={"period": "2026"}).status_code == 401
    assert training.post("/sessions", {}).status_code == 401
    by_role = training.as_("informant").post("/sessions", {"kind": "other"})
    assert by_role.status_code == 403 and "district_commission" in by_role.json()["message"]
    other_street = training.as_("street_commission", street="S2").post(
        "/sessions",
        {
            "kind": "other",
            "topic": "t",
            "date": TODAY.isoformat(),
            "hours": 1,
            "organiser": "o",
            "audience": {"streets": ["S1"]},
        },
    )
    assert other_street.status_code == 403 and "S2" in other_street.json()["message"]
    district = training.as_("district_commission")
    missing = district.get(f"/sessions/{uuid.uuid4()}")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    assert district.post(f"/sessions/{uuid.uuid4()}/hold", {}).status_code == 404
    assert district.get("/onboarding/nobody").status_code == 404
    assert district.get(f"/records/nobody/{TODAY.year}").status_code == 404
    assert district.get(f"/participation/streets/S9/{TODAY.year}").status_code == 404


def test_bad_input_is_a_422_naming_the_field(training):
    district = training.as_("district_commission")
    unknown = district.post(
        "/sessions",
        {"kind": "other", "topic": "t", "date": TODAY.isoformat(), "hours": 1, "organiser": "o", "colour": "red"},
    )
    assert unknown.status_code == 422 and "colour" in unknown.json()["details"]["fields"]
    kind = district.post(
        "/sessions", {"kind": "party", "topic": "t", "date": TODAY.isoformat(), "hours": 1, "organiser": "o"}
    )
    assert kind.status_code == 422 and "kind" in kind.json()["details"]["fields"]
    hours = district.post(
        "/sessions", {"kind": "other", "topic": "t", "date": TODAY.isoformat(), "hours": 30, "organiser": "o"}
    )
    assert hours.status_code == 422 and "hours" in hours.json()["details"]["fields"]
    query = district.get("/sessions", params={"period": "2026", "colour": "red"})
    assert query.status_code == 422 and "colour" in query.json()["details"]["fields"]
    period = district.get("/sessions", params={"period": "March"})
    assert period.status_code == 422 and "period" in period.json()["details"]["fields"]
    year = district.get("/records/P1/last-year")
    assert year.status_code == 422 and "year" in year.json()["details"]["fields"]
    future = district.post(f"/sessions/{schedule(district, date=TODAY + timedelta(days=5))}/hold", {})
    assert future.status_code == 422 and "held_on" in future.json()["details"]["fields"]
    not_json = district.request("POST", "/sessions", data=b"{nope", headers={"Content-Type": "application/json"})
    assert not_json.status_code == 400


def test_records_and_participation_are_read_within_scope(training):
    district = training.as_("district_commission")
    sid = held(district, hours=2.5)
    attend(district, sid, person="P1", street="S1", community="C1")
    attend(district, sid, person="P2", street="S1", community="C1", status="absent")
    attend(district, sid, person="P3", role="informant", street="S2", community="C7")
    year = TODAY.year
    record = district.get(f"/records/P1/{year}").json()
    assert record["hours"] == 2.5 and record["present"] == 1 and sid in record["sessions"]
    community = training.as_("community_secretary", street="S1", community="C1").get(
        f"/participation/communities/C1/{year}"
    )
    assert community.status_code == 200 and community.json()["rate"] == 0.5 and community.json()["recorded"] == 2
    street = training.as_("street_commission", street="S1").get(f"/participation/streets/S1/{year}")
    assert street.status_code == 200 and street.json()["present"] == 1
    assert training.as_("auditor").get(f"/participation/streets/S2/{year}").json()["present"] == 1
    # scope: another community's secretary, another street's commission, a cadre reading someone else
    assert (
        training.as_("community_secretary", street="S2", community="C7")
        .get(f"/participation/communities/C1/{year}")
        .status_code
        == 404
    )  # as if there were none
    assert training.as_("street_commission", street="S2").get(f"/participation/streets/S1/{year}").status_code == 404
    elsewhere = training.as_("street_commission", street="S2")
    hidden, missing = elsewhere.get(f"/records/P1/{year}"), elsewhere.get(f"/records/P404/{year}")
    assert hidden.status_code == missing.status_code == 404  # byte for byte, apart from the id
    assert hidden.content.replace(b"P1", b"<id>") == missing.content.replace(b"P404", b"<id>")
    own = training.as_("informant", sub="P3").get(f"/records/P3/{year}")
    assert own.status_code == 200 and own.json()["hours"] == 2.5
    assert training.as_("informant", sub="P3").get(f"/records/P1/{year}").status_code == 404
    assert training.as_("informant").get(f"/participation/streets/S1/{year}").status_code == 403


def test_sessions_are_listed_to_their_audience_only(training):
    district = training.as_("district_commission")
    open_to_all = schedule(district, topic="全区大讲堂")
    for_s1 = schedule(training.as_("street_commission", street="S1"), topic="柳城讲坛", audience={"streets": ["S1"]})
    year = str(TODAY.year)
    seen = {
        s["session_id"]
        for s in training.as_("street_commission", street="S2")
        .get("/sessions", params={"period": year})
        .json()["sessions"]
    }
    assert seen == {open_to_all}
    assert training.as_("street_commission", street="S2").get(f"/sessions/{for_s1}").status_code == 404
    assert training.as_("street_commission", street="S1").get(f"/sessions/{for_s1}").status_code == 200
    assert district.get("/sessions", params={"period": year, "limit": "1"}).json()["count"] == 2


def test_enrolment_by_the_district_progresses_and_is_withdrawn(training):
    district = training.as_("district_commission")
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    enrolled = district.post(
        "/onboarding",
        {"person_id": "P9", "role": "informant", "street": "S1", "community": "C1", "appointed_on": yesterday},
    )
    assert enrolled.status_code == 201 and types(enrolled) == ["onboarding.enrolled"]
    assert (
        types(
            district.post(
                "/onboarding",
                {"person_id": "P9", "role": "informant", "street": "S1", "appointed_on": TODAY.isoformat()},
            )
        )
        == []
    )
    forum = held(district, kind="new_cadre_forum", topic="新任干部论坛")
    assert types(attend(district, forum, person="P9", role="informant")) == [
        "attendance.recorded",
        "onboarding.progressed",
    ]
    status = training.as_("informant", sub="P9").get("/onboarding/P9").json()
    assert status["status"] == "enrolled" and status["remaining"] == ["monthly_lecture"]
    assert training.as_("informant", sub="P1").get("/onboarding/P9").status_code == 404
    assert (
        training.as_("street_commission", street="S1")
        .post("/onboarding/P9/withdraw", {"dismissed_on": TODAY.isoformat()})
        .status_code
        == 403
    )
    withdrawn = district.post("/onboarding/P9/withdraw", {"dismissed_on": TODAY.isoformat()})
    assert withdrawn.status_code == 200 and types(withdrawn) == ["onboarding.withdrawn"]
    assert district.get("/onboarding/P9").json()["status"] == "withdrawn"


def test_the_year_end_settles_last_year_once_and_refuses_this_one(container, training):
    district = training.as_("district_commission")
    district.post(
        "/onboarding",
        {
            "person_id": "P1",
            "role": "community_secretary",
            "street": "S1",
            "community": "C1",
            "appointed_on": f"{LAST_YEAR}-01-05",
        },
    )
    district.post(
        "/onboarding",
        {
            "person_id": "P2",
            "role": "informant",
            "street": "S1",
            "community": "C1",
            "appointed_on": f"{LAST_YEAR}-01-05",
        },
    )
    sid = held(district, kind="campaign", topic="铸铁军", date=datetime(LAST_YEAR, 6, 1).date(), hours=8)
    assert attend(district, sid, person="P2", role="informant").status_code == 201
    early = district.post("/year-end", {"year": TODAY.year})
    assert early.status_code == 422 and f"{TODAY.year + 1}-01-01" in early.json()["message"]
    assert training.as_("community_secretary", community="C1").post("/year-end", {"year": LAST_YEAR}).status_code == 403
    with entrypoint_hook(container, "tick_timers_close_previous_year") as tick:
        tick()
        tick()
    assert district.get(f"/records/P2/{LAST_YEAR}").json()["outcome"] == "met"
    short = district.get(f"/records/P1/{LAST_YEAR}").json()
    assert short["outcome"] == "shortfall" and short["required"] == 24
    assert types(district.post("/year-end", {"year": LAST_YEAR})) == []
    settled = [
        e["type"]
        for e in training.as_("auditor").get("/events", params={"limit": 1000}).json()["events"]
        if e["type"].startswith("requirement.")
    ]
    assert sorted(settled) == ["requirement.met", "requirement.shortfall"]


# -- liaison's events through a real queue ----------------------------------------------------------------------


def liaison_event(position, prev_hash, event_type, payload):
    now = datetime.now(timezone.utc)
    return seal(
        prev_hash,
        type=event_type,
        payload=payload,
        schema_version=1,
        stream_id=f"person-{payload['person_id']}",
        stream_version=1,
        position=position,
        occurred_at=now,
        recorded_at=now,
        actor={"id": "district_commission-1", "role": "district_commission"},
        correlation_id=str(uuid.uuid4()),
        causation_id=None,
    )


def appointment(person, role="community_secretary"):
    return {
        "person_id": person,
        "name": "王芳",
        "role": role,
        "street": "S1",
        "community": "C1",
        "station_id": "ST1",
        "groups": [],
        "appointed_on": (TODAY - timedelta(days=1)).isoformat(),
        "reports_to": {"role": "street_commission", "street": "S1", "community": None},
    }


def publish(amqp_uri, *events):
    publish_as_relay(amqp_uri, "liaison", events)


def test_a_liaison_appointment_delivered_twice_enrols_once(container, training):
    district, uri = training.as_("district_commission"), container.config["AMQP_URI"]
    first = liaison_event(1, GENESIS, "person.appointed", appointment("P1"))
    publish(uri, first, first)  # a redelivery of the same message
    again = liaison_event(2, first.hash, "person.appointed", appointment("P1"))  # a replayed appointment
    other = liaison_event(3, again.hash, "person.appointed", appointment("P2", role="supervisor"))
    publish(uri, again, other)
    assert eventually(lambda: district.get("/onboarding/P2").status_code == 200)
    status = district.get("/onboarding/P1").json()
    assert status["status"] == "enrolled" and status["remaining"] == [
        "new_cadre_forum",
        "monthly_lecture",
        "power_list",
    ]
    store = next(e for e in container.extensions if isinstance(e, EventLog)).store  # stray redeliveries landed:
    settle(
        lambda events: publish(uri, *events),
        liaison_event(4, other.hash, SENTINEL, {"person_id": "sentinel"}),
        lambda: store.consumed_position("liaison"),
        what="liaison's sentinel",
    )
    log = training.as_("auditor").get("/events", params={"limit": 1000}).json()["events"]
    enrolled = [e["payload"]["person_id"] for e in log if e["type"] == "onboarding.enrolled"]
    assert sorted(enrolled) == ["P1", "P2"]
    assert all(e["causation_id"] in (first.event_id, other.event_id) for e in log)


def test_a_liaison_dismissal_withdraws_and_other_events_pass(container, training):
    district, uri = training.as_("district_commission"), container.config["AMQP_URI"]
    appointed = liaison_event(1, GENESIS, "person.appointed", appointment("P4"))
    street = seal(
        appointed.hash,
        type="street.registered",
        payload={"street_id": "S1", "name": "柳城街道"},
        schema_version=1,
        stream_id="street-S1",
        stream_version=1,
        position=2,
        occurred_at=appointed.occurred_at,
        recorded_at=appointed.recorded_at,
        actor=appointed.actor,
        correlation_id="c",
        causation_id=None,
    )
    dismissed = liaison_event(
        3,
        street.hash,
        "person.dismissed",
        {
            "person_id": "P4",
            "role": "community_secretary",
            "street": "S1",
            "community": "C1",
            "station_id": "ST1",
            "groups": [],
            "dismissed_on": TODAY.isoformat(),
            "reason": "",
        },
    )
    publish(uri, appointed, street, dismissed, dismissed)
    assert eventually(lambda: district.get("/onboarding/P4").json().get("status") == "withdrawn")


# -- deployment settings ----------------------------------------------------------------------------------------


def test_the_programme_and_yearly_hours_come_from_the_environment(
    monkeypatch, container_factory, service_config, client_for
):
    monkeypatch.setenv("TRAINING_PROGRAMME", '{"supervisor": [{"item": "警示教育", "topic": "警示"}]}')
    monkeypatch.setenv("TRAINING_YEARLY_HOURS", '{"supervisor": 1}')
    container = container_factory(TrainingService, service_config())
    container.start()
    district = client_for(container).as_("district_commission")
    district.post(
        "/onboarding",
        {
            "person_id": "P7",
            "role": "supervisor",
            "street": "S1",
            "community": "C1",
            "appointed_on": f"{LAST_YEAR}-03-01",
        },
    )
    assert district.get("/onboarding/P7").json()["remaining"] == ["警示教育"]
    publish(
        container.config["AMQP_URI"],
        liaison_event(1, GENESIS, "person.appointed", appointment("P8", role="supervisor")),
    )
    assert eventually(lambda: district.get("/onboarding/P8").json().get("remaining") == ["警示教育"])
    [settled] = district.post("/year-end", {"year": LAST_YEAR}).json()["events"]
    assert district.get(f"/records/P7/{LAST_YEAR}").json()["required"] == 0.83  # 1 hour, 10 of 12 months


def test_a_bad_setting_stops_the_service_at_start(monkeypatch, container_factory, service_config):
    monkeypatch.setenv("TRAINING_YEARLY_HOURS", '{"mayor": 8}')
    container = container_factory(TrainingService, service_config())
    with pytest.raises(Exception, match="TRAINING_YEARLY_HOURS names unknown roles"):
        container.start()


def test_a_secretary_cannot_record_hours_for_another_communitys_cadre_by_naming_their_own(training):
    """Issue 16: scope is checked against training's record of the cadre, never the body's street and community."""
    district = training.as_("district_commission")
    enrolled = district.post(
        "/onboarding",
        {
            "person_id": "P2",
            "role": "community_secretary",
            "street": "S1",
            "community": "C2",
            "appointed_on": TODAY.isoformat(),
        },
    )
    assert enrolled.status_code == 201, enrolled.text
    sid = held(district)
    secretary = training.as_("community_secretary", "sec-1", "S1", "C1")
    forged = attend(secretary, sid, person="P2", street="S1", community="C1")
    unknown = attend(secretary, sid, person="P9", street="S1", community="C1")
    assert forged.status_code == unknown.status_code == 403 and "no record of person P9" in unknown.json()["message"]
    assert forged.content.replace(b"P2", b"<id>") == unknown.content.replace(b"P9", b"<id>")  # as if unknown
    assert district.get(f"/records/P2/{TODAY.year}").json().get("hours", 0) == 0
    own = training.as_("community_secretary", "sec-2", "S1", "C2")
    assert attend(own, sid, person="P2", street="S1", community="C2").status_code == 201
