"""The PostgreSQL event store: appends group-committed on one connection pool, reads, the parts it is made of."""

import contextlib

import psycopg2

from watchpost.domain import utcnow
from watchpost.errors import Unavailable
from watchpost.eventlog.batch import AppendRequest, validate
from watchpost.eventlog.group_commit import GroupCommit
from watchpost.eventlog.pool import Pool
from watchpost.eventlog.ports import ConsumerLog, EventStore, RelayLog
from watchpost.eventlog.postgres.consuming import _Consuming
from watchpost.eventlog.postgres.lease import _RelayLog
from watchpost.eventlog.postgres.pages import _Pages
from watchpost.eventlog.postgres.reads import _Reads
from watchpost.eventlog.postgres.rows import DB_DOWN, EVENT_COLUMNS, BeginningCursor, row_to_event
from watchpost.eventlog.postgres.verify import _Verify
from watchpost.eventlog.postgres.writing import write


class PostgresEventStore(_Reads, _Consuming, _RelayLog, _Pages, _Verify, EventStore, ConsumerLog, RelayLog):
    """The store: implements the ports `EventStore`, `ReadModels`, `ConsumerLog` and `RelayLog`."""

    def __init__(self, url, schema, projections=(), pool_size=12, clock=utcnow):
        """`url`: the login the store acts as, the service's own role in a service (watchpost.runtime.deps)."""
        setup = ["SET standard_conforming_strings = on", f'SET search_path TO "{schema}"']
        self.schema = schema
        self.projections = list(projections)
        self.pool = Pool(url, pool_size, setup, autocommit=True)
        self._clock = clock
        self._committer = GroupCommit(self._flush, max_weight=200, weight=lambda request: len(request.changes) or 1)
        self._last_written = self._known_head = None  # the head after this process's last batch; the guess
        self.listeners = []

    @contextlib.contextmanager
    def _cursor(self):
        """One statement, one round trip (autocommit): reads and single-statement writes."""
        try:
            with self.pool.connection() as conn, conn.cursor() as cur:
                yield cur
        except DB_DOWN as exc:
            raise Unavailable(
                "the database is unreachable; nothing was written, try again", reason=type(exc).__name__
            ) from None

    @contextlib.contextmanager
    def _transaction(self):
        """Several statements, one transaction: BEGIN rides on the first statement, COMMIT ends it."""
        try:
            with self.pool.connection() as conn, conn.cursor(cursor_factory=BeginningCursor) as cur:
                yield cur
                if cur.begun and not cur.committed:
                    cur.execute("COMMIT")
        except DB_DOWN as exc:
            raise Unavailable(
                "the database is unreachable; nothing was written, try again", reason=type(exc).__name__
            ) from None

    def close(self):
        self.pool.close()

    # -- writing -------------------------------------------------------------------------------------------
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
        return self._committer.submit(request)

    def _flush(self, requests, release=lambda: None):
        """One transaction for the batch. When this process wrote the last events it knows the head, and a batch
        whose requests all name their expected version goes in one round trip on that guess, handing the lead on
        as soon as it is sealed; a wrong guess costs a rollback, then the long way."""
        guess = self._known_head
        if guess and all(r.expected_version is not None for r in requests):
            try:
                return self._commit(requests, guess, release)
            except psycopg2.Error:  # WP409 (someone else wrote) or any refusal: the long way decides and names it
                self._known_head = None
        try:
            return self._commit(requests)
        except psycopg2.Error:
            if len(requests) == 1:
                raise
            # one request broke the whole transaction: give each its own, so only that one fails
            results = []
            for request in requests:
                try:
                    results.extend(self._flush([request]))
                except Exception as exc:  # noqa: BLE001 - handed to that request's caller
                    results.append(exc)
            return results

    def _commit(self, requests, head=None, release=None):
        last_written = self._last_written

        def sealed(new_head):  # the next batch may be sealed on this one while it commits
            self._known_head = new_head
            release()

        with self._transaction() as cur:
            results, chained_to, new_head = write(
                cur, requests, self.projections, self._clock(), True, head, sealed if head else None
            )
        if not head:  # guess next time only if nobody else wrote between our last batch and this one
            self._known_head = new_head if chained_to == last_written else None
        self._last_written = new_head
        self._notify(
            [e for result in results if isinstance(result, list) for e in result if e.position > chained_to[0]]
        )  # new ones only, not the first results of repeats
        return results

    def _notify(self, events):
        """Tell the listeners (the relay) what was just committed, in position order."""
        for listener in self.listeners:
            listener(events)

    # -- reading ------------------------------------------------------------------------------------------
    def read_after(self, position, limit=1000):
        with self._cursor() as cur:
            cur.execute(
                f"SELECT {EVENT_COLUMNS} FROM events WHERE position > %s ORDER BY position LIMIT %s", (position, limit)
            )
            return [row_to_event(r) for r in cur]

    def head(self):
        with self._cursor() as cur:
            cur.execute("SELECT position, hash FROM log_head")
            return cur.fetchone()
