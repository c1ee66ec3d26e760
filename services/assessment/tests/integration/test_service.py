"""assessment as a nameko service against the real RabbitMQ and PostgreSQL; the sources' events are published
to their exchanges by the tests, as the sources' relays would."""

import pytest

from watchpost.testing import SENTINEL, settle

pytestmark = pytest.mark.integration

HERE = {"community": "C1", "street": "S1"}


def opinion(log, n, community="C1", street="S1"):
    return log.emit("opinion.resolved", opinion_id=f"o-{community}-{n}", community=community, street=street)


def feedback(log, person, community="C1", street="S1", period="2026-03"):
    return log.emit(
        "feedback.submitted",
        person_id=person,
        period=period,
        community=community,
        street=street,
        submitted_on="2026-04-01",
        on_time=True,
    )


def attended(log, person, community="C1", street="S1"):
    return log.emit(
        "attendance.recorded",
        session_id="s1",
        person_id=person,
        status="present",
        hours=2,
        held_on="2026-03-12",
        community=community,
        street=street,
    )


def test_health_openapi_and_the_default_rulebook(world):
    health = world.client.get("/health")
    assert health.status_code == 200 and health.json()["checks"] == {"database": "ok", "broker": "ok"}
    paths = world.client.get("/openapi.json").json()["paths"]
    assert "post" in paths["/periods/{period}/close"] and "get" in paths["/scorecards/{community}/{period}/{indicator}"]
    [v1] = world.client.as_("subscriber").get("/rulebooks").json()["rulebooks"]
    assert v1["version"] == "v1" and v1["published_by"]["role"] == "system"
    assert world.client.as_("auditor").get("/rulebooks/v1").json()["title"] == v1["title"]


def test_each_refusal_names_what_was_wrong(world, simple_rulebook):
    c, admin = world.client, world.client.as_("district_commission")
    world.publish("intake", [opinion(world.logs["intake"], 1)])
    world.wait_consumed(intake=1)
    assert c.get("/scorecards/C1/2026-03").status_code == 401
    refused = c.as_("informant").post("/rulebooks", simple_rulebook())
    assert refused.status_code == 403 and "district_commission" in refused.json()["message"]
    other = c.as_("community_secretary", community="C2").get("/scorecards/C1/2026-03")
    unknown = c.as_("community_secretary", community="C2").get("/scorecards/C9/2026-03")
    assert other.status_code == unknown.status_code == 404  # as if unknown: byte for byte
    assert other.content.replace(b"C1", b"<id>") == unknown.content.replace(b"C9", b"<id>")
    missing = c.as_("auditor").get("/rulebooks/v9")
    assert missing.status_code == 404 and "published: v1" in missing.json()["message"]
    assert c.as_("auditor").get("/scorecards/C9/2026-03").status_code == 404
    again = admin.post("/rulebooks", {**simple_rulebook(), "version": "v1"})
    assert again.status_code == 409 and "already published" in again.json()["message"]
    assert admin.post("/periods/2026-03/close").status_code == 200
    twice = admin.post("/periods/2026-03/close")
    assert twice.status_code == 409 and twice.json()["error"] == "illegal_transition"
    early = admin.post("/periods/2099-01/close")
    assert early.status_code == 422 and "has not ended" in early.json()["message"]
    unknown = c.as_("auditor").get("/scorecards/C1/2026-03?as_of=now")
    assert unknown.status_code == 422 and "as_of" in unknown.json()["details"]["fields"]
    bad_period = c.as_("auditor").get("/scorecards/C1/March")
    assert bad_period.status_code == 422 and "period" in bad_period.json()["details"]["fields"]
    bad_indicator = c.as_("auditor").get("/scorecards/C1/2026-03/speed")
    assert bad_indicator.status_code == 422 and "indicator" in bad_indicator.json()["details"]["fields"]
    six = admin.post("/rulebooks", {**simple_rulebook(), "indicators": simple_rulebook()["indicators"][:6]})
    assert six.status_code == 422 and "indicators" in six.json()["details"]["fields"]
    scope = c.as_("auditor").get("/rankings/2026-03?scope=street")
    assert scope.status_code == 422 and "scope must be" in scope.json()["message"]
    not_rebuild = c.as_("community_secretary", community="C1").post("/rebuild")
    assert not_rebuild.status_code == 403


def test_consumed_events_score_and_explain_with_scoped_reads(world, simple_rulebook):
    admin = world.client.as_("district_commission")
    assert admin.post("/rulebooks", simple_rulebook()).status_code == 201
    intake, liaison, training = (world.logs[s] for s in ("intake", "liaison", "training"))
    world.publish("intake", [opinion(intake, 1), opinion(intake, 2), opinion(intake, 3, "C3", "S2")])
    world.publish("liaison", [feedback(liaison, "p1"), feedback(liaison, "p2", "C2", "S1")])
    world.publish("training", [attended(training, "p1"), attended(training, "p3", "C3", "S2")])
    world.wait_consumed(intake=3, liaison=2, training=2)

    secretary = world.client.as_("community_secretary", street="S1", community="C1")
    card = secretary.get("/scorecards/C1/2026-03").json()
    assert card["rulebook_version"] == "t1" and card["total"] == 104 and card["status"] == "open"
    assert card["indicators"]["petition_handling"]["value"] == 2
    why = secretary.get("/scorecards/C1/2026-03/information_reporting").json()
    assert [(x["source"], x["position"], x["rule"], x["points"]) for x in why["contributions"]] == [
        ("liaison", 1, "feedback_on_time", 1)
    ]
    assert why["contributions"][0]["event_id"] == liaison.events[0].event_id

    street = world.client.as_("street_commission", street="S1")
    rows = street.get("/rankings/2026-03?scope=street&street=S1").json()["rows"]
    assert [(r["community"], r["rank"], r["total"]) for r in rows] == [("C1", 1, 104), ("C2", 2, 101)]
    assert street.get("/rankings/2026-03").status_code == 403
    assert street.get("/scorecards/C3/2026-03").status_code == 404
    district = world.client.as_("auditor").get("/rankings/2026-Q1").json()
    assert [r["community"] for r in district["rows"]] == ["C1", "C3", "C2"] and district["scope"] == "district"
    assert world.client.as_("auditor").get("/rulebooks/t1").json()["base"] == 100


def test_redelivered_and_out_of_order_events_count_once(world, simple_rulebook):
    world.client.as_("district_commission").post("/rulebooks", simple_rulebook())
    intake, liaison = world.logs["intake"], world.logs["liaison"]
    o = [opinion(intake, n) for n in range(1, 6)]
    f = [feedback(liaison, f"p{n}") for n in range(1, 4)]
    # duplicates and reordering; intake position 4 is never delivered: the consumer fetches it by catch-up RPC
    world.publish("intake", [o[0], o[2], o[1], o[0], o[4], o[2]])
    world.publish("liaison", [f[1], f[0], f[2], f[1], f[0]])
    world.wait_consumed(intake=5, liaison=3)
    world.publish("intake", [o[3], o[4], o[0]])  # late redeliveries change nothing
    world.publish("liaison", [f[2]])
    card = world.client.as_("auditor").get("/scorecards/C1/2026-03").json()
    assert card["indicators"]["petition_handling"]["value"] == 5
    assert card["indicators"]["information_reporting"]["value"] == 3
    why = world.client.as_("auditor").get("/scorecards/C1/2026-03/petition_handling").json()
    assert [x["position"] for x in why["contributions"]] == [1, 2, 3, 4, 5]
    assert [x["event_id"] for x in why["contributions"]] == [e.event_id for e in o]
    for source, log in (("intake", intake), ("liaison", liaison)):  # the late redeliveries have landed
        settle(
            lambda events, s=source: world.publish(s, events),
            log.emit(SENTINEL),
            lambda s=source: world.consumed().get(s, 0),
            what=f"{source}'s sentinel",
        )
    assert world.consumed() == {"intake": 5 + 1, "liaison": 3 + 1}  # + 1: the sentinels
    assert world.client.as_("auditor").get("/scorecards/C1/2026-03").json() == card


def test_close_adjust_rescore_and_warn(world, simple_rulebook):
    admin = world.client.as_("district_commission")
    admin.post("/rulebooks", simple_rulebook())
    intake = world.logs["intake"]
    overdue = [
        intake.emit("clue.overdue", clue_id=f"k{n}", clock="disposal", due_on="2026-03-05", **HERE) for n in range(12)
    ]
    overdue.append(intake.emit("clue.overdue", clue_id="k12", clock="reply", due_on="2026-03-05", **HERE))
    world.publish("intake", [opinion(intake, 1, "C2", "S1"), *overdue])
    world.wait_consumed(intake=14)

    closed = admin.post("/periods/2026-03/close").json()
    assert [e["type"] for e in closed["events"]] == ["period.closed", "score.warning_raised"]  # C1: 89 < 90
    card = admin.get("/scorecards/C1/2026-03").json()
    assert card["status"] == "closed" and card["total"] == 89
    assert card["through"] == {"intake": 14, "liaison": 0, "training": 0}
    assert card["indicators"]["case_management"]["cap_points"] == 2

    late = opinion(intake, 2)
    world.publish("intake", [late])
    world.wait_consumed(intake=15)
    pending = admin.get("/scorecards/C1/2026-03").json()
    assert pending["total"] == 89 and [p["event_id"] for p in pending["pending_adjustments"]] == [late.event_id]
    adjusted = admin.post("/periods/2026-03/adjustments").json()["events"]
    assert [e["type"] for e in adjusted] == ["scorecard.adjusted"]
    after = admin.get("/scorecards/C1/2026-03").json()
    assert after["total"] == 90 and after["pending_adjustments"] == [] and after["adjustments"][0]["total_before"] == 89

    admin.post("/rulebooks", simple_rulebook("t2", warning_threshold=95))
    rescored = admin.post("/periods/2026-03/rescore", {"version": "t2"})
    assert [e["type"] for e in rescored.json()["events"]] == ["period.rescored", "score.warning_raised"]
    assert admin.post("/periods/2026-03/rescore", {"version": "t2"}).status_code == 422
    assert admin.get("/scorecards/C1/2026-03").json()["rulebook_version"] == "t2"
    assert admin.post("/periods/2026-03/warnings").json()["events"] == []  # already warned under t2 by rescore
    feb = admin.post("/periods/2026-02/warnings")
    assert feb.status_code == 200 and feb.json()["events"] == []


def test_rebuild_check_over_the_sources_catch_up(world, simple_rulebook):
    admin = world.client.as_("district_commission")
    admin.post("/rulebooks", simple_rulebook())
    for source, make in (("intake", opinion), ("liaison", feedback), ("training", attended)):
        world.publish(source, [make(world.logs[source], n) for n in range(1, 4)])
    world.wait_consumed(intake=3, liaison=3, training=3)
    admin.post("/periods/2026-03/close")
    report = world.client.as_("auditor").post("/rebuild").json()
    assert report["identical"] and report["differences"] == [] and report["compared"] > 0
    assert report["through"] == {"intake": 3, "liaison": 3, "training": 3}
