"""docs/operations.md, "Restoring the database", performed: the database is dropped and recreated while RabbitMQ
keeps its durable queues, with messages in assessment's queue from the lost log at positions far beyond the fresh
source's head. Started again, assessment parks those (in `<service>.parked`, with the reason), stays healthy,
answers /health, and consumes what the restored source records from then on."""

import uuid
from datetime import date

import pytest
import requests
from kombu import Connection

from watchpost.domain import Change
from watchpost.runtime import EventLog, WatchpostService, expose
from watchpost.testing import TEST_DATABASE_URL, drop_database, wait_for

from assessment.service import AssessmentService

pytestmark = pytest.mark.integration
CLERK = {"id": "clerk-1", "role": "district_commission"}


@expose([], {})
class Intake(WatchpostService):
    """Stands in for intake: its log, its relay and its catch-up RPC."""

    name = "intake"
    store = EventLog()


def record(store, first, last):
    for n in range(first, last + 1):
        store.append(
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
            actor=CLERK,
            correlation_id=f"c-{uuid.uuid4()}",
        )


def queued(amqp_uri, queue):
    with Connection(amqp_uri) as conn:
        return conn.default_channel.queue_declare(queue, passive=True).message_count


@pytest.fixture
def database():
    name = f"wp_restore_{uuid.uuid4().hex[:8]}"
    yield TEST_DATABASE_URL.rsplit("/", 1)[0] + "/" + name
    drop_database(name)


def test_after_a_restore_assessment_parks_the_lost_logs_messages_and_keeps_consuming(
    container_factory, service_config, client_for, database
):
    source_config = service_config(DATABASE_URL=database, DB_SCHEMA="intake", DB_POOL=4)
    config = service_config(DATABASE_URL=database, DB_SCHEMA="assessment", DB_POOL=6, CONSUMER_WATCH_SECONDS=1)
    uri, queue = config["AMQP_URI"], "evt-intake-#--assessment.consume_intake"

    def start(cls, cfg):
        container = container_factory(cls, cfg)
        container.start()
        return container, next(e for e in container.extensions if isinstance(e, EventLog)).store

    # before: intake's log reaches 30; assessment consumed 20, then stopped; 10 messages wait in its queue
    intake, source = start(Intake, source_config)
    assessment, store = start(AssessmentService, config)
    record(source, 1, 20)
    wait_for(lambda: store.consumed_position("intake") == 20, what="assessment consumed 20")
    assessment.stop()
    record(source, 21, 30)
    wait_for(lambda: queued(uri, queue) == 10, what="10 messages waiting in assessment's durable queue")
    intake.stop()

    # the restore: the database dropped and recreated empty; the broker keeps everything
    drop_database(database.rsplit("/", 1)[1])
    intake, source = start(Intake, source_config)
    assessment, store = start(AssessmentService, config)
    client = client_for(assessment)

    wait_for(lambda: queued(uri, "assessment.parked") == 10, what="the lost log's 10 messages parked")
    with Connection(uri) as conn:
        parked = conn.default_channel.basic_get("assessment.parked", no_ack=False)
        assert parked.headers["x-watchpost-source"] == "intake"
        assert "its log ends at 0" in parked.headers["x-watchpost-reason"]
    assert queued(uri, queue) == 0 and store.consumed_position("intake") == 0

    record(source, 1, 3)  # the restored intake records again: assessment consumes it
    wait_for(lambda: store.consumed_position("intake") == 3, what="assessment consumed the restored log")
    answer = requests.get(f"{client.base_url}/health", timeout=10)
    health = answer.json()
    assert answer.status_code == 200 and health["checks"] == {"database": "ok", "broker": "ok"}
    assert health["consumers"]["intake"]["position"] == 3 and health["consumers"]["intake"]["parked"] == 10
    assert health["queues"]["assessment.parked"] == 10
    assert any(line.startswith("intake: 10 messages parked") for line in health["attention"])
