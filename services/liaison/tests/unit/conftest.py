"""Fixtures: an in-memory log with liaison's projections, a small directory, and a contract check on every event."""

import sys
from pathlib import Path

import pytest

from watchpost.contracts import check
from watchpost.eventlog.memory import MemoryEventStore

sys.path.insert(0, str(Path(__file__).parent))

from liaison_helpers import SMALL, ctx  # noqa: E402

from liaison.commands import loading  # noqa: E402
from liaison.projections import PROJECTIONS as ALL  # noqa: E402


@pytest.fixture
def store():
    """A fresh log; on teardown every event it holds is checked against liaison's published contract."""
    log = MemoryEventStore(ALL)
    yield log
    for event in log.replay():
        check("liaison", event.type, event.payload, event.schema_version)
    assert log.rebuild_differences() == []


@pytest.fixture
def small(store):
    loading.load_directory(store, ctx(), SMALL)
    return store
