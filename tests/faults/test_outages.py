"""Outages while a burst of commands is under way (liaison in nameko's container, its broker or its database behind
a TCP proxy the test cuts and restores).

Broker cut: commands only need the database, so every one succeeds; the relay pauses and, once the broker is back,
every event reaches a subscriber's queue. Database cut: commands get 503 `unavailable` saying so and write
nothing; retried with their Idempotency-Key after the restore they succeed, each exactly once; the log verifies
and every projection equals its rebuild.
"""

import eventlet
import pytest
import requests
from faults_support import Subscriber, eventually, head, relay_position, rows, through, verified

from watchpost.auth import issue

from liaison.service import LiaisonService

pytestmark = pytest.mark.integration
BURST = 40
TOKEN = {"Authorization": f"Bearer {issue('district_commission', 'dc-1', ttl=600)}"}


def register(base_url, n, key=None):
    headers = {**TOKEN, "Idempotency-Key": key or f"street-{n}"}
    return requests.post(
        f"{base_url}/streets", json={"street_id": f"S{n:03}", "name": f"街道{n}"}, headers=headers, timeout=30
    )


def burst(base_url, cut_after, cut):
    """BURST commands from 8 green threads; `cut()` runs once `cut_after` answers are in. {n: response}."""
    answers, pool = {}, eventlet.GreenPool(8)

    def one(n):
        answers[n] = register(base_url, n)
        if len(answers) == cut_after:
            cut()

    for n in range(BURST):
        pool.spawn_n(one, n)
    pool.waitall()
    return answers


def test_broker_cut_during_a_burst(container_factory, service_config, client_for, proxy_to):
    config = service_config(DB_POOL=8)
    broker = proxy_to(config["AMQP_URI"], 5672)
    container = container_factory(LiaisonService, {**config, "AMQP_URI": through(config["AMQP_URI"], broker)})
    container.start()
    subscriber = Subscriber(config["AMQP_URI"], "liaison")  # straight to the broker, not through the proxy
    base_url, schema = client_for(container).base_url, config["DB_SCHEMA"]
    try:
        answers = burst(base_url, 10, broker.cut)
        assert sorted(a.status_code for a in answers.values()) == [201] * BURST, [
            a.text for a in answers.values() if a.status_code != 201
        ][:3]
        health = requests.get(f"{base_url}/health", timeout=10).json()
        assert health["checks"]["broker"].startswith("down") and health["checks"]["database"] == "ok"
        assert relay_position(schema, "liaison") < head(schema) == BURST  # accepted, not yet all published
        broker.restore()
        assert eventually(lambda: subscriber.has_all(BURST), timeout=25), sorted(set(subscriber.positions))
        assert eventually(lambda: relay_position(schema, "liaison") == BURST)
    finally:
        subscriber.close()
    count, docs = verified("liaison", schema)
    assert count == BURST and docs == BURST


def test_database_cut_during_a_burst(container_factory, service_config, client_for, proxy_to):
    config = service_config(DB_POOL=8)
    database = proxy_to(config["DATABASE_URL"], 5432)
    container = container_factory(LiaisonService, {**config, "DATABASE_URL": through(config["DATABASE_URL"], database)})
    container.start()
    base_url, schema = client_for(container).base_url, config["DB_SCHEMA"]
    subscriber = Subscriber(config["AMQP_URI"], "liaison")
    try:
        answers = burst(base_url, 10, database.cut)
        statuses = {a.status_code for a in answers.values()}
        assert statuses <= {201, 503}, {n: a.text for n, a in answers.items() if a.status_code not in (201, 503)}
        refused = {n: a.json() for n, a in answers.items() if a.status_code == 503}
        assert refused, "the cut came too late: no command saw the outage"
        for body in refused.values():
            assert body["error"] == "unavailable" and "database" in body["message"] and "try again" in body["message"]
        assert register(base_url, 999).status_code == 503  # still down: refused, not hung
        # not half-applied: while it is down, each stream has its one event (committed) or none
        per_stream = dict(rows(schema, "SELECT stream_id, count(*) FROM events GROUP BY stream_id"))
        assert set(per_stream.values()) <= {1}
        assert "street-S999" not in per_stream

        database.restore()
        retried = {n: register(base_url, n) for n in refused}  # same Idempotency-Key
        assert {n: a.status_code for n, a in retried.items()} == {n: 201 for n in refused}, {
            n: a.text for n, a in retried.items() if a.status_code != 201
        }
        again = register(base_url, next(iter(refused)))  # and once more: the same answer
        assert again.json()["events"] == retried[next(iter(refused))].json()["events"]
        per_stream = dict(rows(schema, "SELECT stream_id, count(*) FROM events GROUP BY stream_id"))
        assert per_stream == {f"street-S{n:03}": 1 for n in range(BURST)}
        assert eventually(lambda: subscriber.has_all(BURST), timeout=25)  # the relay came back too
    finally:
        subscriber.close()
    count, docs = verified("liaison", schema)
    assert count == BURST and docs == BURST
