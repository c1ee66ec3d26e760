"""The PostgreSQL event log: one schema per service, group-committed, hash-chained, projections in the same
transaction as the events they come from.

The store (`store.py`) is made of one module per job: `reads`, `writing` (a batch), `folding` (projections),
`consuming` (a consumer's transaction), `lease` (the relay's lease and progress), `pages` (the page streamer),
`verify`; `rows` turns stored rows into events.
"""

from watchpost.eventlog.postgres.consuming import Transaction
from watchpost.eventlog.postgres.store import PostgresEventStore

__all__ = ["PostgresEventStore", "Transaction"]
