"""Issue 17, RabbitMQ least privilege, against the real broker: the users, permissions and exchanges of
deploy/rabbitmq/definitions.json, made through the management API in a throwaway vhost (user names suffixed for
this run), then tried. A service's user cannot publish on another service's exchange, cannot consume another
service's queue, cannot bind to another service's RPC calls; the subscriber reads its own queue and cannot publish;
and services running as their own users relay, consume and catch up as they do as guest."""

import importlib.util
import json
import pathlib
import uuid
from datetime import date

import amqp
import pytest
from kombu import Connection, Exchange, Queue

from watchpost.domain import Change
from watchpost.runtime import EventLog, WatchpostService, expose
from watchpost.testing import wait_for
from watchpost.testing.broker_users import users_from

from assessment.service import AssessmentService

pytestmark = pytest.mark.integration
ROOT = pathlib.Path(__file__).parents[2]
DEFINITIONS = ROOT / "deploy" / "rabbitmq" / "definitions.json"
_spec = importlib.util.spec_from_file_location("broker_definitions", ROOT / "tools" / "broker_definitions.py")
broker_definitions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(broker_definitions)


@pytest.fixture
def broker_users(rabbit_config, rabbit_manager):
    """{user name in the definitions: AMQP URI as that user in the test's vhost}; the users are deleted after. The
    passwords go in hashed by tools/broker_definitions.py, as a broker loading the file at boot gets them."""
    definitions, vhost = json.loads(DEFINITIONS.read_text()), rabbit_config["vhost"]
    passwords = {user["name"]: uuid.uuid4().hex for user in definitions["users"]}
    with users_from(broker_definitions.with_passwords(definitions, passwords), rabbit_manager, vhost) as names:
        yield {user: f"amqp://{name}:{passwords[user]}@127.0.0.1:5672/{vhost}" for user, name in names.items()}


def publish(uri, exchange, routing_key="clue.received", body=b"{}"):
    """Publish one confirmed message as the URI's user; raises when the broker refuses."""
    conn = amqp.Connection(**_params(uri))
    conn.connect()
    try:
        channel = conn.channel()
        channel.basic_publish(amqp.Message(body), exchange, routing_key)
        channel.basic_qos(0, 1, False)  # a round trip: a refused publish closes the channel before it is answered
    finally:
        conn.collect()


def _params(uri):
    from watchpost.eventlog.relay import _connection_params

    return _connection_params(uri)


def refused(action):
    with pytest.raises(amqp.exceptions.AccessRefused) as caught:
        action()
    return str(caught.value)


def test_the_definitions_name_every_service_and_a_subscriber_and_no_guest():
    definitions = json.loads(DEFINITIONS.read_text())
    assert {u["name"] for u in definitions["users"]} == {
        "watchpost-intake",
        "watchpost-liaison",
        "watchpost-training",
        "watchpost-assessment",
        "watchpost-subscriber",
    }
    assert all(u["password_hash"] == "" and u["tags"] == [] for u in definitions["users"])  # no password shipped
    assert "guest" not in DEFINITIONS.read_text()
    conf = (DEFINITIONS.parent / "rabbitmq.conf").read_text()
    assert "load_definitions = /etc/rabbitmq/definitions.json" in conf


def test_each_user_may_do_its_own_job_and_nothing_of_another(broker_users, rabbit_config):
    intake, assessment, subscriber = (broker_users[f"watchpost-{n}"] for n in ("intake", "assessment", "subscriber"))
    publish(intake, "intake.events")  # its own exchange
    assert "liaison.events" in refused(lambda: publish(intake, "liaison.events"))
    assert "amq.default" in refused(lambda: publish(intake, "", routing_key="rpc-assessment"))
    assert refused(lambda: publish(assessment, "intake.events"))

    with Connection(rabbit_config["AMQP_URI"]) as guest:  # a queue of assessment's, as it declares it
        queue = Queue(
            "evt-intake-#--assessment.consume_intake",
            Exchange("intake.events", "topic", durable=True),
            routing_key="#",
            durable=True,
        )
        queue(guest).declare()
    publish(intake, "intake.events")

    def take(uri, name):
        with Connection(uri) as conn:
            return conn.default_channel.basic_get(name, no_ack=False)

    assert take(assessment, "evt-intake-#--assessment.consume_intake") is not None
    assert refused(lambda: take(intake, "evt-intake-#--assessment.consume_intake"))
    assert refused(lambda: take(broker_users["watchpost-training"], "evt-intake-#--assessment.consume_intake"))

    def bind_to_rpc(uri, key):
        with Connection(uri) as conn:
            Queue(
                f"rpc.reply-standalone_rpc_proxy-{uuid.uuid4()}",
                Exchange("nameko-rpc", "topic", durable=True),
                routing_key=key,
                exclusive=True,
            )(conn).declare()

    bind_to_rpc(assessment, "assessment.command")  # its own calls
    bind_to_rpc(assessment, str(uuid.uuid4()))  # replies to its own calls
    assert refused(lambda: bind_to_rpc(assessment, "intake.command"))  # snooping on intake's callers: no

    # the subscriber: its own queue, bound and read; never a publish
    with Connection(subscriber) as conn:
        Queue(
            "subscriber.gov-1",
            Exchange("intake.events", "topic", durable=True, passive=True),
            routing_key="#",
            durable=True,
        )(conn).declare()
    publish(intake, "intake.events", body=b'{"n": 1}')
    assert wait_for(lambda: take(subscriber, "subscriber.gov-1"), what="the subscriber reads").body == b'{"n": 1}'
    assert refused(lambda: publish(subscriber, "intake.events"))
    assert refused(lambda: publish(subscriber, "", routing_key="subscriber.gov-1"))
    assert refused(lambda: take(subscriber, "evt-intake-#--assessment.consume_intake"))


@expose([], {})
class Intake(WatchpostService):
    """Stands in for intake: its log, its relay and its catch-up RPC."""

    name = "intake"
    store = EventLog()


def test_services_running_as_their_own_users_relay_consume_and_catch_up(
    broker_users, container_factory, service_config, client_for
):
    source_config = service_config(DB_POOL=4, AMQP_URI=broker_users["watchpost-intake"])
    config = service_config(DB_POOL=6, AMQP_URI=broker_users["watchpost-assessment"], CONSUMER_WATCH_SECONDS=1)
    intake = container_factory(Intake, source_config)
    intake.start()
    source = next(e for e in intake.extensions if isinstance(e, EventLog)).store
    for n in (1, 2):  # before assessment runs: it catches up over RPC
        source.append(
            f"inspection-I{n}",
            None,
            [
                Change(
                    "inspection.recorded",
                    {
                        "inspection_id": f"I{n}",
                        "held_on": date.today().isoformat(),
                        "subject": "村务公开",
                        "scope": "财务",
                        "category": None,
                        "inspectors": ["P001"],
                        "community": "C01",
                        "street": "S01",
                    },
                )
            ],
            actor={"id": "clerk-1", "role": "district_commission"},
            correlation_id=f"c{n}",
        )
    assessment = container_factory(AssessmentService, config)
    assessment.start()
    store = next(e for e in assessment.extensions if isinstance(e, EventLog)).store
    wait_for(lambda: store.consumed_position("intake") == 2, what="assessment, as its own user, consumed intake")
    health = client_for(assessment).get("/health/ready").json()
    assert health["status"] == "ok" and health["checks"] == {"database": "ok", "broker": "ok"}
