"""Services killed with SIGKILL (run as `nameko run` processes, as `make up` runs them).

Between append and publish: liaison's broker is cut, commands are accepted (in the log, not published), the
process is killed; restarted with the broker back, its relay resumes from the last confirmed position and every
event reaches the subscriber. A consumer killed mid-batch: training is killed while liaison's appointments are
queued for it and it is applying them; restarted, it applies every one exactly once (its position, its log, its
projections).
"""

from datetime import date, timedelta

import pytest
import requests
from faults_support import Subscriber, consumed, eventually, head, relay_position, rows, through, verified

from watchpost.auth import issue

from liaison.service import LiaisonService

pytestmark = pytest.mark.integration
ADMIN = {"Authorization": f"Bearer {issue('district_commission', 'dc-1', ttl=600)}"}


def post(base_url, path, body, key=None):
    headers = {**ADMIN, **({"Idempotency-Key": key} if key else {})}
    answer = requests.post(base_url + path, json=body, headers=headers, timeout=30)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def test_killed_between_append_and_publish(rabbit_config, proxy_to, processes):  # processes stop first
    amqp_uri = rabbit_config["AMQP_URI"]
    broker = proxy_to(amqp_uri, 5672)
    liaison = processes("liaison", through(amqp_uri, broker)).start()
    subscriber = Subscriber(amqp_uri, "liaison")
    try:
        post(liaison.base_url, "/streets", {"street_id": "S000", "name": "街道0"})
        assert eventually(lambda: subscriber.has_all(1))
        broker.cut()
        for n in range(1, 30):
            post(liaison.base_url, "/streets", {"street_id": f"S{n:03}", "name": f"街道{n}"}, key=f"s-{n}")
        accepted = head(liaison.schema)
        assert accepted == 30 and relay_position(liaison.schema, "liaison") < accepted
        liaison.kill()  # appended, not published, and now gone
        broker.restore()
        liaison.start()
        assert eventually(lambda: subscriber.has_all(accepted), timeout=25), sorted(set(subscriber.positions))
        assert eventually(lambda: relay_position(liaison.schema, "liaison") == accepted)
    finally:
        subscriber.close()
    assert verified("liaison", liaison.schema)[0] == accepted


def directory(admin_url, people):
    """A street, a community with its station and group, and `people` informants appointed there."""
    post(admin_url, "/streets", {"street_id": "S01", "name": "柳城街道"})
    post(admin_url, "/communities", {"community_id": "C01", "street": "S01", "name": "光华社区"})
    post(admin_url, "/stations", {"community": "C01", "station_id": "ST01", "name": "光华社区监察联络站"})
    post(admin_url, "/groups", {"community": "C01", "group_id": "G01", "name": "一组"})
    appointed_on = (date.today() - timedelta(days=1)).isoformat()
    for n in range(people):
        post(
            admin_url,
            "/people",
            {
                "person_id": f"P{n:03}",
                "name": f"信息员{n}",
                "role": "informant",
                "street": "S01",
                "community": "C01",
                "groups": ["G01"],
                "appointed_on": appointed_on,
            },
            key=f"appoint-{n}",
        )


def test_consumer_killed_mid_batch(container_factory, service_config, client_for, processes):
    config = service_config(DB_POOL=8)
    training = processes("training", config["AMQP_URI"], WATCHPOST_MAX_WORKERS="1").start()
    liaison = container_factory(LiaisonService, config)  # the source, in this process
    liaison.start()
    source_url = client_for(liaison).base_url
    training.kill()  # its durable queue stays and fills
    people = 80
    directory(source_url, people)
    source_head = head(config["DB_SCHEMA"])
    assert source_head == 4 + people

    training.start()
    assert eventually(lambda: consumed(training.schema, "liaison") >= 10, timeout=25, every=0.01)
    training.kill()  # mid-batch: some applied, the rest unacked
    at_kill = consumed(training.schema, "liaison")
    assert at_kill < source_head, "the consumer finished before it could be killed; make the batch larger"

    training.start()
    assert eventually(lambda: consumed(training.schema, "liaison") == source_head, timeout=25), (
        consumed(training.schema, "liaison"),
        source_head,
    )
    enrolled = rows(
        training.schema, "SELECT stream_id, count(*) FROM events WHERE type = 'onboarding.enrolled' GROUP BY stream_id"
    )
    assert len(enrolled) == people and {count for _, count in enrolled} == {1}, enrolled[:5]
    commands = rows(training.schema, "SELECT command_id FROM commands WHERE command_id LIKE 'liaison:%%'")
    assert len(commands) == people  # one command per appointment, none applied twice
    verified("training", training.schema)
