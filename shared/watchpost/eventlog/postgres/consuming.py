"""Consuming another service's events: one transaction per event with the consumer's recorded position."""

import contextlib

from watchpost.eventlog.batch import AppendRequest, Gap, OutOfChain, validate
from watchpost.eventlog.model import GENESIS
from watchpost.eventlog.postgres.folding import project
from watchpost.eventlog.postgres.reads import _Reads
from watchpost.eventlog.postgres.writing import write


class _Consuming:
    # -- consuming another service's events ---------------------------------------------------------------
    def consumed_position(self, source):
        with self._cursor() as cur:
            cur.execute("SELECT position FROM consumer_positions WHERE source = %s", (source,))
            row = cur.fetchone()
            return row[0] if row else 0

    def consume(self, source, position, apply, chain=None):
        """Run `apply(tx)` for `source`'s event at `position` in one transaction with the recorded position.

        Returns False (and writes nothing) if that position was already applied; raises `Gap` if earlier
        positions are missing. `chain` = (prev_hash, hash) of the event: its prev_hash must be the hash recorded
        with the last position (else `OutOfChain`, nothing written), and its hash is recorded with this one.
        """
        with self._transaction() as cur:
            cur.execute("INSERT INTO consumer_positions VALUES (%s, 0, %s) ON CONFLICT DO NOTHING", (source, GENESIS))
            cur.execute("SELECT position, hash FROM consumer_positions WHERE source = %s FOR UPDATE", (source,))
            last, last_hash = cur.fetchone()
            if position <= last:
                return False
            if position != last + 1:
                raise Gap(source, last, position)
            if chain is not None and last_hash is not None and chain[0] != last_hash:
                raise OutOfChain(source, position, last_hash, chain[0])
            tx = Transaction(self, cur)
            apply(tx)
            cur.execute(
                "UPDATE consumer_positions SET position = %s, hash = %s WHERE source = %s",
                (position, chain[1] if chain else None, source),
            )
        if tx.written:
            self._notify(tx.written)
        return True

    def transaction(self, apply):
        """Run `apply(tx)` in one transaction without a position (a consumer re-applying a refused event)."""
        with self._transaction() as cur:
            tx = Transaction(self, cur)
            apply(tx)
        if tx.written:
            self._notify(tx.written)


class Transaction(_Reads):
    """A consumer's unit of work: appends, projections and reads inside the consumer's own transaction."""

    def __init__(self, store, cur):
        self._store, self._cur, self.written, self._head_locked = store, cur, [], False

    @contextlib.contextmanager
    def cursor(self):
        """The transaction's cursor, for a service's own tables that must commit with the events (e.g. a vault)."""
        yield self._cur

    _cursor = cursor

    def append(
        self,
        stream_id,
        expected_version,
        changes,
        *,
        actor,
        correlation_id,
        causation_id=None,
        command_id=None,
        occurred_at=None,
        claim=None,
    ):
        request = AppendRequest(
            stream_id,
            expected_version,
            list(changes),
            actor,
            correlation_id,
            causation_id,
            command_id,
            occurred_at,
            claim,
        )
        validate(request)
        result = write(self._cur, [request], self._store.projections, self._store._clock())[0][0]
        self._head_locked = True
        self._store._known_head = None  # the head moves: the store's next batch must not guess
        if isinstance(result, Exception):
            raise result
        self.written.extend(result)
        return result

    def project(self, event):
        """Fold another service's event into the projections. Takes the log head lock first, as every append
        does, so two consumers (or a consumer and a command) never fold into the same document at once and
        every transaction takes the locks in one order: consumer position, head, documents."""
        if not self._head_locked:
            self._cur.execute("SELECT 1 FROM log_head FOR UPDATE")
            self._head_locked = True
        project(self._cur, self._store.projections, [event])
