"""Fixtures for assessment's unit tests: source logs that seal foreign events, a store with assessment's
projections, a consumer that delivers events the way the event log's consumer does, and a contract check of
every event assessment itself records."""

import copy
import uuid
from datetime import datetime, timezone

import pytest

from watchpost.contracts import check
from watchpost.eventlog.memory import MemoryEventStore
from watchpost.eventlog.model import GENESIS, seal
from watchpost.eventlog.ports import ReadModels
from watchpost.eventlog.projections import fold, matches
from watchpost.testing import make_ctx

from assessment import commands
from assessment.domain.rulebook import INDICATORS, default
from assessment.projections import PROJECTIONS as ALL

MARCH = datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)


class SourceLog:
    """One source service's log: gap-free positions and chained hashes, like the real one."""

    def __init__(self, service, rng=None):
        self.service, self.events, self.prev, self.rng = service, [], GENESIS, rng

    def emit(self, type, at=MARCH, version=1, **payload):
        event_id = str(uuid.UUID(int=self.rng.getrandbits(128))) if self.rng else None
        event = seal(
            self.prev,
            type=type,
            payload=payload,
            schema_version=version,
            stream_id=f"{type.split('.')[0]}-x",
            stream_version=1,
            position=len(self.events) + 1,
            occurred_at=at,
            recorded_at=at,
            actor={"id": "t", "role": "system"},
            correlation_id="c",
            causation_id=None,
            event_id=event_id,
        )
        self.prev = event.hash
        self.events.append(event)
        return event


def deliver(store, service, events):
    """The consumer: each event once, in its source's position order, projected inside `consume`."""
    for event in events:
        store.consume(service, event.position, lambda tx, e=event: tx.project(e))


class Folded(ReadModels):
    """The reads' view of a rebuild: documents folded afresh from the logs by `projections.fold`."""

    def __init__(self, events):
        self.tables = fold(ALL, events)

    def doc(self, projection, key):
        return copy.deepcopy(self.tables[projection].get(key))

    def docs(self, projection, where=None, limit=100, offset=0):
        found = [d for _, d in sorted(self.tables[projection].items()) if matches(d, where)]
        return copy.deepcopy(found[offset : offset + limit])


def simple_rulebook(version="t1", effective_from="2026-01", **over):
    """Every indicator: baseline 0, one point per unit either way, cap 10, weight 1: score == value."""
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
            for i, m in zip(INDICATORS, [r["metric"] for r in default()["indicators"]], strict=True)
        ],
    }


@pytest.fixture
def store():
    store = MemoryEventStore(projections=ALL)
    yield store
    for event in store.replay():
        check("assessment", event.type, event.payload, event.schema_version)


@pytest.fixture
def logs():
    return {s: SourceLog(s) for s in ("intake", "liaison", "training")}


@pytest.fixture
def district():
    return make_ctx("district_commission", now=datetime(2026, 4, 2, 1, 0, tzinfo=timezone.utc))


@pytest.fixture
def publish(store, district):
    def publish(rulebook=None):
        return commands.publish_rulebook(store, district, **(rulebook or simple_rulebook()))

    return publish


@pytest.fixture
def feed(store, logs):
    """Deliver every event of every source log not yet consumed."""

    def feed():
        for service, log in logs.items():
            deliver(store, service, log.events[store.consumed_position(service) :])

    return feed


@pytest.fixture
def kit():
    """The helpers above, for tests (conftest modules are not importable under --import-mode=importlib)."""

    class Kit:
        pass

    for name, value in {
        "SourceLog": SourceLog,
        "deliver": deliver,
        "Folded": Folded,
        "simple_rulebook": simple_rulebook,
        "MARCH": MARCH,
    }.items():
        setattr(Kit, name, staticmethod(value) if callable(value) and not isinstance(value, type) else value)
    return Kit
