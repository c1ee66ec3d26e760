"""Fault tests: the real RabbitMQ and PostgreSQL, a TCP proxy the test cuts and restores, services in nameko's
container or as `nameko run` processes (where SIGKILL is needed). Each test has its own vhost, schemas and ports."""

import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from faults_support import Process, target_of  # noqa: E402

from watchpost.testing import TEST_DATABASE_URL, drop_schema  # noqa: E402
from watchpost.testing.proxy import TcpProxy  # noqa: E402


@pytest.fixture
def proxy_to():
    """`proxy_to(uri, default_port) -> TcpProxy` in front of that server; restored and closed afterwards."""
    made = []

    def make(uri, default_port):
        made.append(TcpProxy(*target_of(uri, default_port)))
        return made[-1]

    yield make
    for proxy in made:
        proxy.restore()
        proxy.close()


@pytest.fixture
def processes(tmp_path):
    """`processes(service, amqp_uri, database_url=..., schema=None, **env) -> Process` (not started); every
    process is stopped and its schema dropped afterwards."""
    made = []

    def make(service, amqp_uri, database_url=TEST_DATABASE_URL, schema=None, **env):
        made.append(Process(service, schema or f"flt_{uuid.uuid4().hex[:10]}", amqp_uri, database_url, tmp_path, **env))
        return made[-1]

    yield make
    for process in made:
        process.stop()
    for schema in {p.schema for p in made}:
        drop_schema(TEST_DATABASE_URL, schema)
