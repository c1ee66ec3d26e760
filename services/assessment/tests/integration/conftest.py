"""Fixtures for assessment against the real RabbitMQ and PostgreSQL: the service, source logs whose sealed events
are published to `<source>.events` with kombu (as the sources' relays do), stub catch-up RPC for the sources, and
waits on what the service has consumed. The other services are never started here."""

import uuid
from datetime import datetime, timezone

import psycopg2
import pytest
from nameko.rpc import rpc

from watchpost.eventlog.model import GENESIS, event_to_json, seal
from watchpost.testing import TEST_DATABASE_URL, publish_as_relay, wait_for

from assessment.service import AssessmentService

MARCH = datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)
SOURCES = ("intake", "liaison", "training")


class SourceLog:
    """One source service's log: dense positions 1, 2, 3... and chained hashes, like the real one."""

    def __init__(self, service):
        self.service, self.events, self.prev = service, [], GENESIS

    def emit(self, type, at=MARCH, **payload):
        event = seal(
            self.prev,
            type=type,
            payload=payload,
            schema_version=1,
            stream_id=f"{type.split('.')[0]}-{uuid.uuid4()}",
            stream_version=1,
            position=len(self.events) + 1,
            occurred_at=at,
            recorded_at=at,
            actor={"id": f"{self.service}-test", "role": "system"},
            correlation_id=str(uuid.uuid4()),
            causation_id=None,
        )
        self.prev = event.hash
        self.events.append(event)
        return event

    def page(self, after=0, limit=100, token=None):
        events = self.events[after : after + limit]
        return {
            "events": [event_to_json(e) for e in events],
            "next_after": events[-1].position if events else after,
            "head": len(self.events),
        }


def consumed(schema):
    conn = psycopg2.connect(TEST_DATABASE_URL)
    try:
        with conn.cursor() as cur:
            cur.execute(f'SELECT source, position FROM "{schema}".consumer_positions')
            return dict(cur.fetchall())
    finally:
        conn.close()


def published(client, version):
    found = client.as_("auditor").get("/rulebooks")
    assert found.status_code == 200, found.text
    return [r for r in found.json()["rulebooks"] if r["version"] == version]


def stub_source_service(log):
    """A nameko service named like the source, serving only its catch-up RPC from `log`."""
    return type(
        f"Stub{log.service.title()}",
        (),
        {
            "name": log.service,
            "events_after": rpc(lambda self, after=0, limit=100, token=None: log.page(after, limit, token)),
        },
    )


@pytest.fixture
def logs():
    return {s: SourceLog(s) for s in SOURCES}


@pytest.fixture
def world(container_factory, service_config, client_for, logs):
    """The running service (its default rulebook v1 published), stubs of the sources' catch-up, and helpers."""
    config = service_config()
    for log in logs.values():
        container_factory(stub_source_service(log), config).start()
    container = container_factory(AssessmentService, config)
    container.start()
    client = client_for(container)
    wait_for(lambda: published(client, "v1"), what="the default rulebook v1")

    class World:
        pass

    w = World()
    w.client, w.config, w.logs, w.schema = client, config, logs, config["DB_SCHEMA"]
    w.publish = lambda source, events: publish_as_relay(config["AMQP_URI"], source, events)
    w.consumed = lambda: consumed(config["DB_SCHEMA"])
    w.wait_consumed = lambda **want: wait_for(
        lambda: all(w.consumed().get(s, 0) >= n for s, n in want.items()), what=f"consumed {want}"
    )
    return w


@pytest.fixture
def simple_rulebook():
    """Every indicator: baseline 0, one point per unit either way, cap 10, weight 1: score == value."""
    from assessment.domain.rulebook import INDICATORS, default

    metrics = [r["metric"] for r in default()["indicators"]]

    def make(version="t1", effective_from="2026-01", **over):
        return {
            "version": version,
            "title": "test",
            "effective_from": effective_from,
            "effective_until": None,
            "base": 100,
            "warning_threshold": 90,
            **over,
            "indicators": [
                {
                    "indicator": i,
                    "metric": m,
                    "baseline": 0,
                    "points_above": 1,
                    "points_below": 1,
                    "cap": 10,
                    "weight": 1,
                    "warn_below": None,
                    "units": {},
                }
                for i, m in zip(INDICATORS, metrics, strict=True)
            ],
        }

    return make
