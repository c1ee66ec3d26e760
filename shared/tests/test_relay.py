"""The relay against the real RabbitMQ and PostgreSQL, with the broker cut mid-stream by a proxy."""

import time
import uuid

import amqp
import orjson
import pytest

from watchpost.domain import Change
from watchpost.eventlog.model import event_from_json, verify_chain
from watchpost.eventlog.relay import ConfirmingPublisher, Relay
from watchpost.testing.proxy import TcpProxy

pytestmark = pytest.mark.integration
ACTOR = {"id": "u1", "role": "district_commission"}


@pytest.fixture
def subscriber_queue():
    """A plain-AMQP subscriber's own durable queue bound to a throwaway `<service>.events` exchange."""
    service = f"relaytest{uuid.uuid4().hex[:8]}"
    conn = amqp.Connection("127.0.0.1:5672")
    conn.connect()
    ch = conn.channel()
    ch.exchange_declare(f"{service}.events", "topic", durable=True, auto_delete=False)
    queue = f"{service}-subscriber"
    ch.queue_declare(queue, durable=True, auto_delete=False)
    ch.queue_bind(queue, f"{service}.events", "#")
    yield service, ch, queue
    ch.queue_delete(queue)
    ch.exchange_delete(f"{service}.events")
    conn.close()


def drain(ch, queue):
    bodies = []
    while (msg := ch.basic_get(queue, no_ack=True)) is not None:
        bodies.append((orjson.loads(msg.body), msg))
    return bodies


def append_many(store, n, stream):
    for i in range(n):
        store.append(stream, None, [Change("thing.happened", {"i": i})], actor=ACTOR, correlation_id=f"corr-{i}")


def test_relay_publishes_in_order_with_headers_and_survives_a_broker_cut(pg_store, subscriber_queue):
    service, ch, queue = subscriber_queue
    store = pg_store()
    proxy = TcpProxy("127.0.0.1", 5672)
    relay = Relay(
        store,
        ConfirmingPublisher(f"amqp://guest:guest@127.0.0.1:{proxy.port}//", service, 2.0),
        batch=50,
        retry_wait=0.1,
        idle_wait=0.05,
    )
    append_many(store, 120, "thing-a")
    assert relay.run_once() == 50
    proxy.cut()
    append_many(store, 80, "thing-b")
    with pytest.raises(Exception):  # noqa: B017 - whatever the broken connection raises
        relay.run_once()  # the broker is gone: nothing is recorded as published
    assert store.relay_position(f"{service}.events") == 50
    proxy.restore()
    while relay.run_once():
        pass
    received = drain(ch, queue)
    positions = [body["position"] for body, _ in received]
    assert sorted(set(positions)) == list(range(1, 201))  # every event, at least once
    firsts = list(dict.fromkeys(positions))
    assert firsts == sorted(firsts)  # in position order
    body, msg = received[0]
    assert msg.properties["message_id"] == body["event_id"] and msg.properties["type"] == "thing.happened"
    assert msg.headers["watchpost.position"] == 1 and msg.properties["correlation_id"] == "corr-0"
    unique = {b["position"]: event_from_json(b) for b, _ in received}
    verify_chain([unique[p] for p in sorted(unique)])  # the body is the event exactly as logged
    proxy.close()


def test_relay_thread_follows_appends_live(pg_store, subscriber_queue):
    import eventlet

    service, ch, queue = subscriber_queue
    store = pg_store()
    relay = Relay(store, ConfirmingPublisher("amqp://guest:guest@127.0.0.1:5672//", service), idle_wait=0.05)
    runner = eventlet.spawn(relay.run)
    append_many(store, 30, "thing-live")
    deadline = time.monotonic() + 10
    received = []
    while len(received) < 30 and time.monotonic() < deadline:
        received += drain(ch, queue)
        eventlet.sleep(0.02)
    relay.stop()
    runner.wait()
    assert [b["position"] for b, _ in received] == list(range(1, 31))


def test_events_handed_over_and_another_process_s_events_go_out_once_each_in_order(pg_store, subscriber_queue):
    """The relay publishes this process's commits from memory and reads the rest (another instance's appends,
    a consumer's) from the log: every position once, in order, and the saved progress catches up."""
    import eventlet

    from watchpost.eventlog.postgres import PostgresEventStore

    service, ch, queue = subscriber_queue
    store = pg_store()
    other = PostgresEventStore(store.pool.dsn, store.schema)
    relay = Relay(store, ConfirmingPublisher("amqp://guest:guest@127.0.0.1:5672//", service), idle_wait=0.05)
    runner = eventlet.spawn(relay.run)
    try:
        for i in range(40):
            (store if i % 3 else other).append(
                f"thing-{i % 5}",
                None,
                [Change("thing.happened", {"i": i})] * 2,
                actor=ACTOR,
                correlation_id=f"corr-{i}",
            )
            if i % 7 == 0:
                eventlet.sleep(0.01)
        received, deadline = [], time.monotonic() + 10
        while len(received) < 80 and time.monotonic() < deadline:
            received += drain(ch, queue)
            eventlet.sleep(0.02)
        deadline = time.monotonic() + 5
        while store.relay_position(f"{service}.events") < 80 and time.monotonic() < deadline:
            eventlet.sleep(0.02)
    finally:
        relay.stop()
        runner.wait()
        other.close()
    assert [b["position"] for b, _ in received] == list(range(1, 81))
    assert verify_chain([event_from_json(b) for b, _ in received])[0] == 80  # as logged, byte for byte
    assert store.relay_position(f"{service}.events") == 80


def test_only_one_relay_per_log_holds_the_lease(pg_store):
    store = pg_store()
    first = store.relay_lease()
    assert first is not None
    assert store.relay_lease() is None  # a second instance of the service stands by
    first.close()  # the holder dies: its lock goes with its connection
    second = store.relay_lease()
    assert second is not None
    second.close()


def test_a_lease_whose_connection_died_is_known_dead_and_can_be_taken(pg_store):
    import psycopg2

    store = pg_store()
    lease = store.relay_lease()
    assert store.lease_alive(lease)
    admin = psycopg2.connect(store.pool.dsn)
    admin.autocommit = True
    with admin.cursor() as cur:  # what a database restart does to the holder's session
        cur.execute("SELECT pg_terminate_backend(%s)", (lease.get_backend_pid(),))
    admin.close()
    assert not store.lease_alive(lease) and lease.closed
    other = store.relay_lease()  # the lock went with the session: another relay may lead
    assert other is not None
    other.close()
