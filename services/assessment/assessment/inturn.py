"""Consumed in turn: assessment folds the events of three sources into the same documents, so their consumers must
not interleave (a local workaround, see below).

The core's consumer applies each event in a transaction holding its source's position row, so one source's events
never overlap; but an intake event and a training event for the same community and month both read, fold and
upsert the same `assessment_facts` document, and under READ COMMITTED the later upsert silently drops the earlier
one. Here every consumed event first takes one transaction-scoped PostgreSQL advisory lock, so consuming is
serialised across sources and processes, and each reads the documents the previous one committed.
"""
import zlib

from watchpost.runtime import EventLog

LOCK = zlib.crc32(b"assessment.consume")


def _in_turn(apply):
    def locked(tx):
        with tx._cursor() as cur:   # the consumer's own transaction: the lock is released at its commit
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK,))
        return apply(tx)
    return locked


class InTurnEventLog(EventLog):
    """`EventLog` whose store applies consumed events one at a time across all sources."""

    def setup(self):
        super().setup()
        consume = self.store.consume
        self.store.consume = lambda source, position, apply: consume(source, position, _in_turn(apply))
