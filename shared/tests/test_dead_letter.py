"""A poison message on a consumer's queue goes to the dead-letter queue: not dropped, not retried forever."""

import time

import pytest
from kombu import Connection, Exchange, Producer

from watchpost.runtime import EventLog, WatchpostService, expose

pytestmark = pytest.mark.integration


@expose([], {}, consumes={"upstream": {}})
class Downstream(WatchpostService):
    name = "downstream"
    store = EventLog(relay=False)


def dead_letters(uri, queue):
    with Connection(uri) as conn:
        ch = conn.default_channel
        found = []
        while (msg := ch.basic_get(queue, no_ack=True)) is not None:
            found.append(msg)
        return found


def test_a_message_that_is_not_an_event_is_dead_lettered(container_factory, service_config):
    config = service_config()
    container = container_factory(Downstream, config)
    container.start()
    with Connection(config["AMQP_URI"]) as conn:
        producer = Producer(conn, exchange=Exchange("upstream.events", "topic", durable=True))
        producer.publish({"hello": "not an event"}, routing_key="thing.happened", serializer="json")
    deadline, found = time.monotonic() + 10, []
    while not found and time.monotonic() < deadline:
        time.sleep(0.1)
        found = dead_letters(config["AMQP_URI"], "downstream.dead-letter")
    assert len(found) == 1
    assert found[0].headers["x-death"][0]["queue"] == "evt-upstream-#--downstream.consume_upstream"
