"""intake's events on the wire: end to end over HTTP to a plain AMQP queue, and liaison's escalations coming in."""

import uuid
from datetime import datetime, timezone

import orjson
import pytest
from intake_it_helpers import COMMUNITY, STREET

from watchpost.contracts import check
from watchpost.eventlog.model import GENESIS, seal
from watchpost.testing import eventually, publish_as_relay, sentinel_after, settle

pytestmark = pytest.mark.integration


def test_a_workflow_over_http_arrives_on_a_plain_amqp_queue(intake, event_queue):
    queue = event_queue("clue.#")
    clue_id = intake.submit()["clue_id"]
    intake.drive(clue_id)
    intake.on(clue_id, "record-reply", {"summary": "已说明"})
    intake.on(clue_id, "conclude", {"outcome": "closed_cleared"})
    expected = [
        "clue.received",
        "clue.screened",
        "clue.registered",
        "clue.reviewed",
        "clue.disposal_proposed",
        "clue.disposal_approved",
        "clue.reply_received",
        "clue.concluded",
    ]
    bodies = queue.drain(until=lambda got: len(got) >= len(expected))
    assert [m["routing_key"] for m in bodies] == expected
    assert [m["body"]["type"] for m in bodies] == expected
    positions = [m["body"]["position"] for m in bodies]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    for message in bodies:
        body = message["body"]
        assert body["stream_id"] == f"clue-{clue_id}" and len(body["hash"]) == 64
        check("intake", body["type"], body["payload"], body["schema_version"])
    assert bodies[0]["body"]["payload"]["community"] == COMMUNITY


def liaison_event(position, prev_hash=GENESIS, **payload):
    """A flag as liaison publishes it today (v3): released by the service in a batch, no person anywhere."""
    now, flag_id = datetime.now(timezone.utc), f"flag-{uuid.uuid4()}"
    p = {
        "flag_id": flag_id,
        "street": STREET,
        "community": COMMUNITY,
        "role": "informant",
        "period": "2026-03",
        "summary": "社区集体资金去向不明",
        "category": "C02",
        "released_on": "2026-03-05",
        **payload,
    }
    check("liaison", "feedback.major_problem_flagged", p, 3)
    return seal(
        prev_hash,
        type="feedback.major_problem_flagged",
        payload=p,
        schema_version=3,
        stream_id=flag_id,
        stream_version=1,
        position=position,
        occurred_at=now,
        recorded_at=now,
        actor={"id": "watchpost", "role": "system"},
        correlation_id="flags-released-1",
        causation_id=None,
    )


def liaison_v1_event(position, prev_hash):
    """A flag stored by liaison before v2, naming its flagger P01: read through its upcaster."""
    now = datetime.now(timezone.utc)
    p = {
        "feedback_id": "P01-2026-03",
        "flag_id": f"P01-2026-03-{position}",
        "person_id": "P01",
        "station_id": "ST01",
        "street": STREET,
        "community": COMMUNITY,
        "role": "informant",
        "period": "2026-03",
        "summary": "旧版本的重大问题",
        "category": "C02",
        "flagged_on": "2026-03-05",
    }
    return seal(
        prev_hash,
        type="feedback.major_problem_flagged",
        payload=p,
        schema_version=1,
        stream_id="feedback-P01-2026-03",
        stream_version=position,
        position=position,
        occurred_at=now,
        recorded_at=now,
        actor={"id": "P01", "role": "informant"},
        correlation_id=str(uuid.uuid4()),
        causation_id=None,
    )


def publish(amqp_uri, event):
    publish_as_relay(amqp_uri, "liaison", [event])


def test_a_major_problem_flagged_in_liaison_becomes_one_clue(intake, intake_config):
    district = intake.as_("district_commission")
    first = liaison_event(1)
    publish(intake_config["AMQP_URI"], first)
    publish(intake_config["AMQP_URI"], first)  # redelivered: still one clue
    second = liaison_event(2, first.hash, role="supervisor", category="C02.01", summary="低保评定不公")
    publish(intake_config["AMQP_URI"], second)
    third = liaison_event(3, second.hash, category=None, summary="未分类的重大问题", community=None, role=None)
    publish(intake_config["AMQP_URI"], third)
    old = liaison_v1_event(4, third.hash)
    publish(intake_config["AMQP_URI"], old)
    assert eventually(lambda: district.get("/clues").json()["total"] == 4)
    sentinel = sentinel_after(old)
    settle(
        lambda events: publish(intake_config["AMQP_URI"], *events),
        sentinel,
        lambda: intake.store.consumed_position("liaison"),
        what="liaison's sentinel",
    )
    clues = {c["summary"]: c for c in district.get("/clues", params={"limit": "10"}).json()["items"]}
    assert len(clues) == 4
    flagged = clues["社区集体资金去向不明"]
    assert flagged["channel"] == "liaison_station" and flagged["category"] == "C02" and flagged["status"] == "received"
    assert (clues["低保评定不公"]["channel"], clues["低保评定不公"]["item"]) == ("liaison_station", "C02.01")
    assert clues["未分类的重大问题"]["category"] == "C10"
    # its community withheld by liaison (too few could have raised it): a clue of the street, no narrower
    assert (clues["未分类的重大问题"]["community"], clues["未分类的重大问题"]["channel"]) == (
        STREET,
        "feedback_escalation",
    )
    received = intake.store.load(f"clue-{flagged['clue_id']}")[0]
    assert received.actor["role"] == "system"
    details = intake.vault.open(received.payload["content_ref"])["details"]
    assert first.payload["flag_id"] in details and "informant" in details  # the flag's trace, sealed
    # a flag stored at v1 named its flagger: read at v2, nothing of P01 reaches the clue, not even its vault content
    older = intake.store.load(f"clue-{clues['旧版本的重大问题']['clue_id']}")[0]
    assert "P01" not in orjson.dumps(older.payload).decode() + str(older.actor)
    assert "P01" not in str(intake.vault.open(older.payload["content_ref"]))
