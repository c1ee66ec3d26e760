"""Fixtures of liaison's integration tests: a container on a clock the test sets, a small directory loaded over
HTTP, and a plain AMQP queue bound to `liaison.events` in the test's vhost."""

import copy
import sys
import time
from datetime import datetime, timezone

import kombu
import orjson
import pytest
from nameko.testing.services import entrypoint_hook

import watchpost.runtime.expose  # noqa: F401  (the module; the package re-exports its function of that name)
from watchpost.runtime import web

from liaison.service import LiaisonService

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # 17:00 in Chengdu
TICK = "tick_timers_tick"  # the entrypoint name expose() gives timers.tick

SMALL = {
    "directory_id": "it",
    "streets": [{"street_id": "S1", "name": "柳城街道"}, {"street_id": "S2", "name": "万春镇", "kind": "town"}],
    "communities": [
        {
            "community_id": "C1",
            "street": "S1",
            "name": "鱼凫路社区",
            "station": {"station_id": "STN-C1", "name": "鱼凫路社区监察联络站", "opened_on": "2025-01-01"},
            "groups": [{"group_id": "C1-G1", "name": "第一居民小组"}, {"group_id": "C1-G2", "name": "第二居民小组"}],
        },
        {
            "community_id": "C3",
            "street": "S2",
            "name": "清泉村",
            "kind": "village",
            "station": {"station_id": "STN-C3", "name": "清泉村监察联络站", "opened_on": "2025-01-01"},
            "groups": [{"group_id": "C3-G1", "name": "一组"}],
        },
    ],
    "centres": [{"centre_id": "NC1", "street": "S1", "name": "睦邻议事厅", "community": "C1"}],
    "platforms": [{"platform_id": "CP1", "street": "S2", "name": "棕榈会客厅"}],
    "people": [
        {
            "person_id": "SEC1",
            "name": "吴书记",
            "role": "community_secretary",
            "community": "C1",
            "appointed_on": "2025-01-01",
        },
        {
            "person_id": "INF1",
            "name": "信息员甲",
            "role": "informant",
            "community": "C1",
            "groups": ["C1-G1"],
            "appointed_on": "2025-01-01",
        },
        {
            "person_id": "SUP1",
            "name": "监督员乙",
            "role": "supervisor",
            "community": "C1",
            "groups": ["C1-G1"],
            "appointed_on": "2025-01-01",
        },
        {
            "person_id": "SUP3",
            "name": "监督员丙",
            "role": "supervisor",
            "community": "C3",
            "groups": ["C3-G1"],
            "appointed_on": "2025-01-01",
        },
        {
            "person_id": "M1",
            "name": "街道纪工委书记",
            "role": "street_commission_member",
            "street": "S1",
            "appointed_on": "2025-01-01",
        },
        {
            "person_id": "M2",
            "name": "镇纪委委员",
            "role": "street_commission_member",
            "street": "S2",
            "appointed_on": "2025-01-01",
        },
    ],
    "pairings": [
        {"member_id": "M1", "community": "C1", "established_on": "2026-01-01"},
        {"member_id": "M2", "community": "C3", "established_on": "2026-02-01"},
    ],
}


class Clock:
    """What `utcnow()` returns to the HTTP and timer entrypoints; the test moves it."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def set(self, year, month, day, hour=9):
        self.now = datetime(year, month, day, hour, tzinfo=timezone.utc)


@pytest.fixture
def clock(monkeypatch):
    found = Clock(NOW)
    monkeypatch.setattr(web, "utcnow", found)
    monkeypatch.setattr(sys.modules["watchpost.runtime.expose"], "utcnow", found)
    return found


@pytest.fixture
def config(service_config):
    return service_config()


@pytest.fixture
def container(container_factory, config, clock):
    started = container_factory(LiaisonService, config)
    started.start()
    return started


@pytest.fixture
def api(container, client_for):
    return client_for(container)


@pytest.fixture
def directory():
    """A fresh copy of SMALL."""
    return copy.deepcopy(SMALL)


@pytest.fixture
def small(api):
    """The service with SMALL loaded (as the district commission); returns the anonymous client."""
    loaded = api.as_("district_commission").post("/directory", copy.deepcopy(SMALL))
    assert loaded.status_code == 200, loaded.text
    return api


@pytest.fixture
def tick(container):
    """Run the timer once through the container's own timer entrypoint, at the clock's time."""

    def run():
        with entrypoint_hook(container, TICK) as hook:
            hook()

    return run


class Published:
    """A (non-durable) queue of our own bound to `liaison.events` with `#`: what the relay published."""

    def __init__(self, uri):
        self.connection = kombu.Connection(uri)
        self.channel = self.connection.channel()
        exchange = kombu.Exchange("liaison.events", "topic", durable=True, auto_delete=False)
        self.queue = kombu.Queue(
            "test-liaison-events", exchange, routing_key="#", durable=False, auto_delete=False, channel=self.channel
        )
        self.queue.declare()
        self.seen = []

    def until(self, done, timeout=10.0):
        """Read messages until `done(seen)` holds; returns every (routing key, body, message) seen so far."""
        deadline = time.monotonic() + timeout
        while not done(self.seen):
            message = self.queue.get(no_ack=True)
            if message is None:
                assert time.monotonic() < deadline, f"timed out; seen {[k for k, _, _ in self.seen]}"
                time.sleep(0.05)
                continue
            self.seen.append((message.delivery_info["routing_key"], orjson.loads(message.body), message))
        return self.seen

    def close(self):
        self.connection.release()


@pytest.fixture
def published(config):
    queue = Published(config["AMQP_URI"])
    yield queue
    queue.close()
