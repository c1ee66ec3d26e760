"""Hardening tests: each starts one service in nameko's container against the real broker and database."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from hardening_support import service_class, store_of  # noqa: E402


class Running:
    def __init__(self, name, container, client):
        self.name, self.container, self.client = name, container, client
        self.store = store_of(container)
        self.base_url = client.base_url


@pytest.fixture
def start(container_factory, service_config, client_for):
    """`start(service, **config) -> Running`: the service's container, started, with a client."""

    def make(name, **extra):
        extra.setdefault("DB_POOL", 6)  # a small footprint: max_connections is shared with other test runs
        container = container_factory(service_class(name), service_config(**extra))
        container.start()
        return Running(name, container, client_for(container))

    return make


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    from watchpost.runtime.ratelimit import LIMITER

    LIMITER.reset()
    yield
    LIMITER.reset()
