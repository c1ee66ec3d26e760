"""intake as a nameko service against the real RabbitMQ and PostgreSQL: a started container with clients by
role, and plain AMQP queues on `intake.events` (helpers in `intake_it_helpers`)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from intake_it_helpers import EventQueue, Intake  # noqa: E402

from intake.service import IntakeService  # noqa: E402


@pytest.fixture
def intake_config(service_config):
    return service_config()


@pytest.fixture
def intake(container_factory, intake_config, client_for):
    container = container_factory(IntakeService, intake_config)
    container.start()
    return Intake(container, client_for(container))


@pytest.fixture
def event_queue(intake_config):
    queues = []

    def make(pattern="#"):
        queues.append(EventQueue(intake_config["AMQP_URI"], pattern))
        return queues[-1]

    yield make
    for q in queues:
        q.close()
