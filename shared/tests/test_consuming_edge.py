"""The nameko edge of consuming: /health answers while every worker is busy consuming, and a stop request ends a
consumer's back-off at once instead of waiting it out (what `make down` relies on)."""

import threading

import eventlet
import pytest
import requests

from watchpost.domain import Change
from watchpost.errors import Unavailable
from watchpost.runtime import EventLog, WatchpostService, consuming, expose
from watchpost.testing import publish_as_relay, wait_for

pytestmark = pytest.mark.integration
CLERK = {"id": "clerk-1", "role": "district_commission"}
RELEASE, SEEN = threading.Event(), []


def stuck(tx, ctx, event):
    """Holds its worker until the test releases it (the other workers wait on the consumer's position lock)."""
    SEEN.append(event.position)
    RELEASE.wait()


def down(tx, ctx, event):
    SEEN.append(event.position)
    raise Unavailable("the database is unreachable")


@expose([], {})
class Upstream(WatchpostService):
    name = "upstream"
    store = EventLog(relay=False)


@expose([], {}, consumes={"upstream": {"thing.happened": stuck}})
class Busy(WatchpostService):
    name = "busy"
    store = EventLog(relay=False)


@expose([], {}, consumes={"upstream": {"thing.happened": down}})
class Failing(WatchpostService):
    name = "failing"
    store = EventLog(relay=False)


def events(container_factory, config, n):
    source = container_factory(Upstream, config)
    source.start()
    store = next(e for e in source.extensions if isinstance(e, EventLog)).store
    for k in range(1, n + 1):
        store.append(f"thing-{k}", None, [Change("thing.happened", {"k": k})], actor=CLERK, correlation_id=f"c{k}")
    return store.read_after(0, n)


def test_health_answers_while_every_worker_is_busy_consuming(container_factory, service_config, client_for):
    RELEASE.clear()
    SEEN.clear()
    config = service_config(DB_POOL=12, max_workers=4, CONSUMER_WATCH_SECONDS=0)
    sealed = events(container_factory, service_config(DB_POOL=4), 1)
    container = container_factory(Busy, config)
    container.start()
    try:
        publish_as_relay(config["AMQP_URI"], "upstream", sealed * 8)  # redeliveries: every worker takes one
        wait_for(lambda: SEEN and len(container._worker_threads) >= 4, what="every worker busy")
        answer = requests.get(f"{client_for(container).base_url}/health", timeout=10)  # a worker would never come
        assert answer.status_code == 200 and answer.json()["checks"]["database"] == "ok"
    finally:
        RELEASE.set()


def test_a_stop_request_ends_a_consumers_back_off_at_once(container_factory, service_config, monkeypatch):
    SEEN.clear()
    monkeypatch.setattr(consuming, "MAX_BACKOFF", 600.0)
    config = service_config(DB_POOL=6, CONSUMER_WATCH_SECONDS=0)
    sealed = events(container_factory, service_config(DB_POOL=4), 1)
    container = container_factory(Failing, config)
    container.start()
    state = next(d for d in container.dependencies if isinstance(d, consuming.Consuming))
    state._backoff["upstream"] = 300.0  # the next back-off: 600 s
    publish_as_relay(config["AMQP_URI"], "upstream", sealed)
    wait_for(lambda: SEEN, what="the consumer failed once and backs off")
    with eventlet.Timeout(60):  # far less than the back-off it is in
        container.stop()
    assert SEEN == [1]  # not applied again, not lost: back in the queue


def test_health_names_the_source_that_needs_attention(monkeypatch):
    from watchpost.runtime.health import _attention

    monkeypatch.setenv("WATCHPOST_CONSUMER_MAX_BEHIND", "100")
    consumers = {
        "intake": {"position": 10, "head": 111, "behind": 101, "refused": 0, "parked": 0},
        "liaison": {"position": 50, "head": 150, "behind": 100, "refused": 2, "parked": 0},
        "training": {"position": 9, "head": 5, "behind": 0, "refused": 0, "parked": 3},
    }
    said = _attention(consumers, {"assessment.parked": 3, "assessment.dead-letter": 0}, "assessment")
    assert said == [
        "intake: consumer is 101 events behind (more than 100)",
        "liaison: 2 refused events (GET /consumers; POST /consumers/liaison/reapply)",
        "training: the source's log ends at 5, before this consumer's position 9 (restored from an older backup? "
        "see docs/operations.md)",
        "training: 3 messages parked since start (queue assessment.parked)",
        "assessment.parked: 3 messages wait for an operator",
    ]
