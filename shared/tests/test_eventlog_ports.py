"""Both stores implement every port of the event log (watchpost.eventlog.ports), and `all_docs` pages through all."""

import pytest

from watchpost.eventlog.memory import MemoryEventStore
from watchpost.eventlog.ports import ConsumerLog, EventStore, ReadModels, RelayLog
from watchpost.eventlog.postgres import PostgresEventStore, Transaction

PORTS = (EventStore, ReadModels, ConsumerLog, RelayLog)


def methods(port):
    return [name for name, value in vars(port).items() if callable(value) and not name.startswith("_")]


@pytest.mark.parametrize("store", [MemoryEventStore, PostgresEventStore])
@pytest.mark.parametrize("port", PORTS)
def test_each_store_implements_each_method_of_each_port(store, port):
    assert port in store.__mro__
    stubs = [m for m in methods(port) if m != "all_docs" and getattr(store, m) is getattr(port, m)]
    assert stubs == [], f"{store.__name__} leaves {port.__name__}.{', '.join(stubs)} unimplemented"


def test_a_consumers_transaction_reads_documents_as_the_store_does():
    assert ReadModels in Transaction.__mro__
    assert [m for m in methods(ReadModels) if getattr(Transaction, m) is getattr(ReadModels, m)] == ["all_docs"]
