"""Issue 17, through the real broker and database: assessment verifies what it applies. Forged messages published on
intake's exchange (a wrong hash; a right hash on a wrong prev_hash; a position far ahead) are never applied: the
first two are dead-lettered with the reason, the last is parked (intake has no such event); assessment fetches the
genuine events through catch-up, its scores are those of the genuine events alone, and `/metrics` counts it all."""

from datetime import date

import pytest
import requests
from kombu import Connection
from prometheus_client.parser import text_string_to_metric_families

from watchpost.domain import Change
from watchpost.eventlog.model import seal
from watchpost.runtime import EventLog, WatchpostService, expose
from watchpost.testing import publish_as_relay, wait_for

from assessment.service import AssessmentService

pytestmark = pytest.mark.integration
CLERK = {"id": "clerk-1", "role": "district_commission"}
FIELDS = (
    "type",
    "payload",
    "schema_version",
    "stream_id",
    "stream_version",
    "position",
    "occurred_at",
    "recorded_at",
    "actor",
    "correlation_id",
    "causation_id",
)


@expose([], {})
class SealedIntake(WatchpostService):
    """Stands in for intake: its log and its catch-up RPC, no relay (the test publishes as the relay would)."""

    name = "intake"
    store = EventLog(relay=False)


def inspection(n, community):
    return Change(
        "inspection.recorded",
        {
            "inspection_id": f"I{n}",
            "held_on": date.today().replace(day=1).isoformat(),
            "subject": "村务公开",
            "scope": "财务",
            "category": None,
            "inspectors": ["P001"],
            "community": community,
            "street": "S01",
        },
    )


def resealed(event, prev_hash, **changed):
    return seal(prev_hash, **{**{f: getattr(event, f) for f in FIELDS}, **changed})


def drained(uri, queue):
    with Connection(uri) as conn:
        found, channel = [], conn.default_channel
        while (message := channel.basic_get(queue, no_ack=True)) is not None:
            found.append(message)
        return found


def started(container_factory, cls, config):
    container = container_factory(cls, config)
    container.start()
    return container


def contributions(client, community, month):
    card = client.as_("district_commission").get(f"/scorecards/{community}/{month}")
    if card.status_code == 404:
        return []
    counted = card.json()["indicators"]["supervision_inspection"]["contributions"]
    return [(c["position"], c["event_id"]) for c in counted]


def test_forged_messages_are_never_applied_and_the_genuine_events_are(container_factory, service_config, client_for):
    source_config, config = service_config(DB_POOL=4), service_config(DB_POOL=6, CONSUMER_WATCH_SECONDS=0)
    source = next(
        e for e in started(container_factory, SealedIntake, source_config).extensions if isinstance(e, EventLog)
    ).store
    assessment = started(container_factory, AssessmentService, config)
    client, uri, month = client_for(assessment), config["AMQP_URI"], date.today().strftime("%Y-%m")
    for n in (1, 2, 3):
        source.append(f"inspection-I{n}", None, [inspection(n, "C01")], actor=CLERK, correlation_id=f"c-{n}")
    genuine = source.read_after(0, 10)
    forged = [
        genuine[1]._replace(payload={**genuine[1].payload, "community": "C02"}),  # altered, its old hash
        resealed(genuine[1], "a" * 64, payload={**genuine[1].payload, "community": "C02"}),  # right hash, wrong prev
        resealed(
            genuine[1],
            genuine[2].hash,
            position=1_000_000,  # a position far ahead
            payload={**genuine[1].payload, "community": "C02"},
        ),
    ]
    before = scraped(client.base_url)  # the counters are the process's: other tests' assessments counted too
    publish_as_relay(uri, "intake", [genuine[0]])
    wait_for(lambda: contributions(client, "C01", month), what="the first genuine inspection scored")
    publish_as_relay(uri, "intake", forged)

    # the forged position 2 made assessment catch up: the genuine 2 and 3 applied without their messages
    wait_for(lambda: len(contributions(client, "C01", month)) == 3, what="the genuine events fetched by catch-up")
    publish_as_relay(uri, "intake", genuine[1:])  # late genuine: duplicates
    dead = wait_for(lambda: drained(uri, "assessment.dead-letter"), what="the forgeries dead-lettered")
    while len(dead) < 2:
        dead += wait_for(lambda: drained(uri, "assessment.dead-letter"), what="the second forgery dead-lettered")
    reasons = sorted(m.headers["x-watchpost-reason"] for m in dead)
    assert any("its hash does not match its content" in r for r in reasons)
    assert any("out of chain" in r for r in reasons) and all(m.headers["x-watchpost-source"] == "intake" for m in dead)
    parked = wait_for(lambda: drained(uri, "assessment.parked"), what="the far position parked")
    assert "position 1000000" in parked[0].headers["x-watchpost-reason"]

    assert contributions(client, "C01", month) == [(e.position, e.event_id) for e in genuine]
    assert contributions(client, "C02", month) == []
    after = scraped(client.base_url)
    set_aside = "watchpost_consumer_messages_set_aside_total"
    key = lambda metric, **labels: (metric, tuple(sorted({"service": "assessment", **labels}.items())))  # noqa: E731
    assert (
        after[key(set_aside, source="intake", why="forged")]
        - before.get(key(set_aside, source="intake", why="forged"), 0)
        == 2
    )
    assert (
        after[key(set_aside, source="intake", why="parked")]
        - before.get(key(set_aside, source="intake", why="parked"), 0)
        == 1
    )
    assert after[key("watchpost_consumer_position", source="intake")] == 3
    assert after[key("watchpost_consumer_lag", source="intake")] == 0


def scraped(base_url):
    text = requests.get(f"{base_url}/metrics", timeout=10).text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
