"""intake's events on the wire: end to end over HTTP to a plain AMQP queue, and liaison's escalations coming in."""
import time
import uuid
from datetime import datetime, timezone

import orjson
import pytest
from kombu import Connection, Exchange, Producer

from watchpost.contracts import check
from watchpost.eventlog.model import GENESIS, event_to_json, seal

from intake_it_helpers import COMMUNITY, STREET

pytestmark = pytest.mark.integration


def test_a_workflow_over_http_arrives_on_a_plain_amqp_queue(intake, event_queue):
    queue = event_queue("clue.#")
    clue_id = intake.submit()["clue_id"]
    intake.drive(clue_id)
    intake.on(clue_id, "record-reply", {"summary": "已说明"})
    intake.on(clue_id, "conclude", {"outcome": "closed_cleared"})
    expected = ["clue.received", "clue.screened", "clue.registered", "clue.reviewed", "clue.disposal_proposed",
                "clue.disposal_approved", "clue.reply_received", "clue.concluded"]
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
    now = datetime.now(timezone.utc)
    p = {"feedback_id": "P01-2026-03", "flag_id": f"P01-2026-03-{position}", "person_id": "P01",
         "station_id": "ST01", "street": STREET, "community": COMMUNITY, "role": "informant",
         "period": "2026-03", "summary": "社区集体资金去向不明", "category": "C02", "flagged_on": "2026-03-05",
         **payload}
    check("liaison", "feedback.major_problem_flagged", p)
    return seal(prev_hash, type="feedback.major_problem_flagged", payload=p, schema_version=1,
                stream_id="feedback-P01-2026-03", stream_version=position, position=position, occurred_at=now,
                recorded_at=now, actor={"id": "P01", "role": "informant"}, correlation_id=str(uuid.uuid4()),
                causation_id=None)


def publish(amqp_uri, event):
    with Connection(amqp_uri) as conn:
        exchange = Exchange("liaison.events", type="topic", durable=True)
        Producer(conn.default_channel).publish(
            orjson.dumps(event_to_json(event)), exchange=exchange, routing_key=event.type, declare=[exchange],
            content_type="application/json", content_encoding="utf-8", delivery_mode=2)


def eventually(check_, timeout=15.0):
    deadline = time.monotonic() + timeout
    while not (result := check_()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return result


def test_a_major_problem_flagged_in_liaison_becomes_one_clue(intake, intake_config):
    district = intake.as_("district_commission")
    first = liaison_event(1)
    publish(intake_config["AMQP_URI"], first)
    publish(intake_config["AMQP_URI"], first)                      # redelivered: still one clue
    second = liaison_event(2, first.hash, role="supervisor", category="C02.01", summary="低保评定不公")
    publish(intake_config["AMQP_URI"], second)
    third = liaison_event(3, second.hash, category=None, summary="未分类的重大问题")
    publish(intake_config["AMQP_URI"], third)
    assert eventually(lambda: district.get("/clues").json()["total"] == 3)
    time.sleep(0.5)
    clues = {c["summary"]: c for c in district.get("/clues", params={"limit": "10"}).json()["items"]}
    assert len(clues) == 3
    flagged = clues["社区集体资金去向不明"]
    assert flagged["channel"] == "informant" and flagged["category"] == "C02" and flagged["status"] == "received"
    assert (clues["低保评定不公"]["channel"], clues["低保评定不公"]["item"]) == ("supervisor", "C02.01")
    assert clues["未分类的重大问题"]["category"] == "C10"
    received = intake.store.load(f"clue-{flagged['clue_id']}")[0]
    assert "P01" not in orjson.dumps(received.payload).decode()     # the informant stays in the vault content
    assert received.actor["role"] == "system"
    assert "P01" in intake.vault.open(received.payload["content_ref"])["details"]
