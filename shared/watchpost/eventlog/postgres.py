"""The PostgreSQL event log: one schema per service, group-committed, hash-chained, projections in the same
transaction as the events they come from."""
import contextlib
import queue
import threading

import orjson
import psycopg2
import psycopg2.extras

from watchpost.domain import Event, utcnow
from watchpost.errors import Unavailable
from watchpost.eventlog.batch import AppendRequest, Gap, plan, validate
from watchpost.eventlog.group_commit import GroupCommit
from watchpost.eventlog.model import event_from_fields, iso, parse_iso, verify_rows
from watchpost.eventlog.pool import Pool
from watchpost.eventlog.upcasting import upcast

EVENT_COLUMNS = "data, prev_hash, hash"
DB_DOWN = (psycopg2.OperationalError, psycopg2.InterfaceError)


def events_from_rows(pages):
    """Pages of `(data, prev_hash, hash)` rows as bytes -> `Event`s: replay's hot loop. A time is parsed once
    per run of equal values (a group-committed batch shares its recorded_at, a command its occurred_at)."""
    new, loads = tuple.__new__, orjson.loads
    last_occurred = last_recorded = occurred = recorded = None
    for page in pages:
        for data, prev_hash, hash_ in page:
            f = loads(data)
            if f["occurred_at"] != last_occurred:
                last_occurred = f["occurred_at"]
                occurred = parse_iso(last_occurred)
            if f["recorded_at"] != last_recorded:
                last_recorded = f["recorded_at"]
                recorded = parse_iso(last_recorded)
            yield new(Event, (f["event_id"], f["type"], f["schema_version"], f["stream_id"], f["stream_version"],
                              f["position"], occurred, recorded, f["actor"], f["correlation_id"], f["causation_id"],
                              f["payload"], prev_hash.decode(), hash_.decode()))


def row_to_event(row):
    data, prev_hash, hash_ = row
    fields = orjson.loads(data)
    fields["prev_hash"], fields["hash"] = prev_hash, hash_
    return event_from_fields(fields)


def _dumps(doc):
    return orjson.dumps(doc).decode()


class BeginningCursor(psycopg2.extensions.cursor):
    """On an autocommit connection: the first statement opens the transaction in the same round trip."""
    begun = committed = False

    def execute(self, query, vars=None):
        if not self.begun:
            self.begun = True
            query = (b"BEGIN;" if isinstance(query, bytes) else "BEGIN;") + query
        return super().execute(query, vars)


class _Reads:
    """Reads over a cursor; the store opens one per call, a consumer's transaction reuses its own."""

    def recorded(self, command_id):
        with self._cursor() as cur:
            cur.execute("SELECT first_position, last_position FROM commands WHERE command_id = %s", (command_id,))
            row = cur.fetchone()
            if row is None:
                return None
            cur.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE position BETWEEN %s AND %s ORDER BY position", row)
            return [row_to_event(r) for r in cur]

    def load(self, stream_id):
        with self._cursor() as cur:
            cur.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = %s ORDER BY stream_version",
                        (stream_id,))
            return [upcast(row_to_event(r)) for r in cur]   # for folding: old versions read as today's

    def doc(self, projection, key):
        with self._cursor() as cur:
            cur.execute("SELECT doc FROM projection_docs WHERE projection = %s AND key = %s", (projection, key))
            row = cur.fetchone()
            return row[0] if row else None

    def docs(self, projection, where=None, limit=100, offset=0):
        with self._cursor() as cur:
            cur.execute("SELECT doc FROM projection_docs WHERE projection = %s AND doc @> %s::jsonb "
                        "ORDER BY key LIMIT %s OFFSET %s", (projection, _dumps(where or {}), limit, offset))
            return [r[0] for r in cur]

    def count(self, projection, where=None):
        with self._cursor() as cur:
            cur.execute("SELECT count(*) FROM projection_docs WHERE projection = %s AND doc @> %s::jsonb",
                        (projection, _dumps(where or {})))
            return cur.fetchone()[0]


EVENT_INSERT = "position, event_id, type, stream_id, stream_version, recorded_at, data, prev_hash, hash"
def _literal(text):
    """A string literal. Only `'` is special: every pooled connection sets standard_conforming_strings, and no
    text here holds a NUL (JSON escapes it; `validate` refuses it in ids). psycopg2's own quoting of the same
    values was a third of the cost of a 100-event append."""
    return "'" + text.replace("'", "''") + "'"


def _values(e, body):
    """One row of the insert. The event id is a uuid the log made itself and the hashes are hex digests: neither
    can hold a quote."""
    return (f"({e.position:d},'{e.event_id}',{_literal(e.type)},{_literal(e.stream_id)},"
            f"{e.stream_version:d},'{iso(e.recorded_at)}',{_literal(body.decode())},'{e.prev_hash}','{e.hash}')")


def write(cur, requests, projections, recorded_at, commit=False, head=None, sealed=None):
    """Append a batch inside the caller's transaction. Returns one result (events or exception) per request, the
    head the batch was chained to, and the head after it.

    Round trips, the long way: `append_prelude` (head lock, then stream versions and known command ids, each read
    after the lock is held: see migrations/0002); the projection documents touched, if any; then inserts, head,
    documents (and COMMIT, when `commit`) as one statement batch. Given the `head` the caller believes current (every
    request then names its expected version), the prelude is skipped: the events are sealed on that head and
    `append_expect` (migrations/0003) checks the guess first thing in the batch; a wrong guess raises SQLSTATE
    WP409 before anything is written. `sealed(new head)` is called before the last round trip.
    """
    if head is None:
        head, versions, known = _prelude(cur, requests)
        lead = []
    else:
        versions, known = {}, {}
        for r in requests:
            versions.setdefault(r.stream_id, r.expected_version)
        lead = [cur.mogrify("SELECT append_expect(%s, %s, %s::text[], %s::int[], %s::text[])",
                            (*head, list(versions), list(versions.values()),
                             [r.command_id for r in requests if r.command_id]))]
    outcomes, events, new_head, command_rows, bodies = plan(requests, *head, versions, set(known), recorded_at)
    sql = projection_writes(cur, projections, events, lead)
    if events:
        sql.append(f"INSERT INTO events ({EVENT_INSERT}) VALUES {','.join(map(_values, events, bodies))}".encode())
        if command_rows:
            sql.append(cur.mogrify("INSERT INTO commands (command_id, first_position, last_position) VALUES "
                                   + ",".join(["%s"] * len(command_rows)), command_rows))
        sql.append(cur.mogrify("UPDATE log_head SET position = %s, hash = %s", new_head))
    if commit:
        sql.append(b"COMMIT")
        cur.committed = True
    if sealed:
        sealed(new_head)
    if sql:
        cur.execute(b";".join(sql))
    new_commands = {c: (first, last) for c, first, last in command_rows}
    by_position = {e.position: e for e in events}
    results = []
    for outcome in outcomes:
        if outcome.error:
            results.append(outcome.error)
        elif outcome.duplicate_of in new_commands:
            first, last = new_commands[outcome.duplicate_of]
            results.append([by_position[p] for p in range(first, last + 1)])
        elif outcome.duplicate_of:
            cur.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE position BETWEEN %s AND %s ORDER BY position",
                        known[outcome.duplicate_of])
            results.append([row_to_event(r) for r in cur])
        else:
            results.append(outcome.events)
    return results, head, new_head


def _prelude(cur, requests):
    """The head (locked), the current version of every stream named, and the command ids already logged."""
    cur.execute("SELECT kind, key, a, b FROM append_prelude(%s::text[], %s::text[])",
                (list({r.stream_id for r in requests}), [r.command_id for r in requests if r.command_id]))
    versions, known = {}, {}
    for kind, key, a, b in cur.fetchall():
        if kind == "h":
            head = (a, b)
        elif kind == "s":
            if a is not None:
                versions[key] = a
        else:
            known[key] = (a, int(b))
    return head, versions, known


def project(cur, projections, events):
    """Fold events into the projection documents they touch, reading and writing each document once."""
    sql = projection_writes(cur, projections, events)
    if sql:
        cur.execute(b";".join(sql))


def projection_writes(cur, projections, events, lead=()):
    """Read the documents `events` touch, fold the events in, and return the statements that store them.

    `lead`: statements that must run before the documents are read (the head check); sent with the read, or
    returned first in the list when no document is touched."""
    touched = [(p, key, e) for e in map(upcast, events) for p in projections for key in p.keys(e)]
    if not touched:
        return list(lead)
    pairs = tuple({(p.name, key) for p, key, _ in touched})
    cur.execute(b";".join([*lead, cur.mogrify("SELECT projection, key, doc FROM projection_docs "
                                              "WHERE (projection, key) IN %s", (pairs,))]))
    docs = {(name, key): doc for name, key, doc in cur}
    for p, key, event in touched:
        docs[(p.name, key)] = p.apply(docs.get((p.name, key)), event)
    upserts = [(name, key, _dumps(docs[(name, key)])) for name, key in pairs if docs.get((name, key)) is not None]
    deletes = tuple(pair for pair in pairs if docs.get(pair) is None)
    sql = []
    if upserts:
        sql.append(cur.mogrify("INSERT INTO projection_docs (projection, key, doc) VALUES "
                               + ",".join(["(%s, %s, %s::jsonb)"] * len(upserts))
                               + " ON CONFLICT (projection, key) DO UPDATE SET doc = EXCLUDED.doc",
                               [v for row in upserts for v in row]))
    if deletes:
        sql.append(cur.mogrify("DELETE FROM projection_docs WHERE (projection, key) IN %s", (deletes,)))
    return sql


class PostgresEventStore(_Reads):
    def __init__(self, url, schema, projections=(), pool_size=12, clock=utcnow, service_role=True):
        setup = ["SET standard_conforming_strings = on", f'SET search_path TO "{schema}"'] + ([f'SET ROLE "watchpost_{schema}"'] if service_role else [])
        self.schema = schema
        self.projections = list(projections)
        self.pool = Pool(url, pool_size, setup, autocommit=True)
        self._clock = clock
        self._committer = GroupCommit(self._flush, max_weight=200, weight=lambda request: len(request.changes) or 1)
        self._last_written = self._known_head = None   # the head after this process's last batch; the guess
        self.listeners = []

    @contextlib.contextmanager
    def _cursor(self):
        """One statement, one round trip (autocommit): reads and single-statement writes."""
        try:
            with self.pool.connection() as conn, conn.cursor() as cur:
                yield cur
        except DB_DOWN as exc:
            raise Unavailable("the database is unreachable; nothing was written, try again",
                              reason=type(exc).__name__) from None

    @contextlib.contextmanager
    def _transaction(self):
        """Several statements, one transaction: BEGIN rides on the first statement, COMMIT ends it."""
        try:
            with self.pool.connection() as conn, conn.cursor(cursor_factory=BeginningCursor) as cur:
                yield cur
                if cur.begun and not cur.committed:
                    cur.execute("COMMIT")
        except DB_DOWN as exc:
            raise Unavailable("the database is unreachable; nothing was written, try again",
                              reason=type(exc).__name__) from None

    def close(self):
        self.pool.close()

    # -- writing -------------------------------------------------------------------------------------------
    def append(self, stream_id, expected_version, changes, *, actor, correlation_id, causation_id=None,
               command_id=None, occurred_at=None):
        request = AppendRequest(stream_id, expected_version, list(changes), actor, correlation_id, causation_id,
                                command_id, occurred_at)
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
            except psycopg2.Error:   # WP409 (someone else wrote) or any refusal: the long way decides and names it
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

        def sealed(new_head):   # the next batch may be sealed on this one while it commits
            self._known_head = new_head
            release()
        with self._transaction() as cur:
            results, chained_to, new_head = write(cur, requests, self.projections, self._clock(), True, head,
                                                  sealed if head else None)
        if not head:   # guess next time only if nobody else wrote between our last batch and this one
            self._known_head = new_head if chained_to == last_written else None
        self._last_written = new_head
        self._notify([e for result in results if isinstance(result, list) for e in result
                      if e.position > chained_to[0]])    # new ones only, not the first results of repeats
        return results

    def _notify(self, events):
        """Tell the listeners (the relay) what was just committed, in position order."""
        for listener in self.listeners:
            listener(events)

    # -- consuming another service's events ---------------------------------------------------------------
    def consumed_position(self, source):
        with self._cursor() as cur:
            cur.execute("SELECT position FROM consumer_positions WHERE source = %s", (source,))
            row = cur.fetchone()
            return row[0] if row else 0

    def consume(self, source, position, apply):
        """Run `apply(tx)` for `source`'s event at `position` in one transaction with the recorded position.

        Returns False (and writes nothing) if that position was already applied; raises `Gap` if earlier
        positions are missing.
        """
        with self._transaction() as cur:
            cur.execute("INSERT INTO consumer_positions VALUES (%s, 0) ON CONFLICT DO NOTHING", (source,))
            cur.execute("SELECT position FROM consumer_positions WHERE source = %s FOR UPDATE", (source,))
            last = cur.fetchone()[0]
            if position <= last:
                return False
            if position != last + 1:
                raise Gap(source, last, position)
            tx = Transaction(self, cur)
            apply(tx)
            cur.execute("UPDATE consumer_positions SET position = %s WHERE source = %s", (position, source))
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

    def relay_lease(self):
        """A connection holding this schema's relay lock, or None if another process's relay holds it.

        The lock is a session advisory lock: it goes with the connection, also when the process dies."""
        conn = psycopg2.connect(self.pool.dsn, connect_timeout=5, application_name="watchpost-relay")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_lock(hashtext('watchpost.relay.' || %s))", (self.schema,))
            if cur.fetchone()[0]:
                return conn
        conn.close()
        return None

    def lease_alive(self, lease):
        """Is the connection holding the relay lock still there? After a database restart the lock is gone with
        it and another instance may take it: this relay must then stand by, not publish beside it."""
        if lease.closed:
            return False
        try:
            with lease.cursor() as cur:
                cur.execute("SELECT 1")
            return True
        except psycopg2.Error:
            lease.close()
            return False

    # -- the relay's progress -----------------------------------------------------------------------------
    def relay_position(self, exchange):
        with self._cursor() as cur:
            cur.execute("SELECT position FROM relay_progress WHERE exchange = %s", (exchange,))
            row = cur.fetchone()
            return row[0] if row else 0

    def save_relay_position(self, exchange, position):
        with self._cursor() as cur:
            cur.execute("INSERT INTO relay_progress VALUES (%s, %s) ON CONFLICT (exchange) "
                        "DO UPDATE SET position = GREATEST(relay_progress.position, EXCLUDED.position)",
                        (exchange, position))

    # -- reading ------------------------------------------------------------------------------------------
    def read_after(self, position, limit=1000):
        with self._cursor() as cur:
            cur.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE position > %s ORDER BY position LIMIT %s",
                        (position, limit))
            return [row_to_event(r) for r in cur]

    @contextlib.contextmanager
    def _streaming(self, sql, args, raw=False):
        """A server-side cursor (it needs a transaction of its own: the connection leaves autocommit meanwhile).
        `raw`: text columns come as bytes, undecoded (orjson reads UTF-8 bytes directly)."""
        with self.pool.connection() as conn:
            conn.autocommit = False
            try:
                with conn.cursor(name="watchpost_stream") as cur:
                    if raw:
                        psycopg2.extensions.register_type(psycopg2.extensions.BYTES, cur)
                    cur.execute(sql, args)
                    yield cur
            finally:
                conn.rollback()
                conn.autocommit = True

    def _pages(self, sql, args, page_size, raw=False):
        """Pages of rows from a server-side cursor, fetched ahead by a thread of their own (a green thread under
        eventlet): the database produces the next page while the caller works through this one. A fetch is
        about half waiting for PostgreSQL, so replay runs at nearly the cost of decoding alone."""
        pages, stop = queue.Queue(maxsize=2), threading.Event()

        def fetch():
            try:
                with self._streaming(sql, args, raw) as cur:
                    while not stop.is_set():
                        page = cur.fetchmany(page_size)
                        pages.put(page)
                        if not page:
                            return
            except BaseException as exc:  # noqa: BLE001 - raised again in the reader
                pages.put(exc)

        fetcher = threading.Thread(target=fetch, name="watchpost-pages", daemon=True)
        fetcher.start()
        try:
            while True:
                page = pages.get()
                if isinstance(page, BaseException):
                    raise page
                if not page:
                    return
                yield page
        finally:   # also when the reader stops early: let the fetcher see `stop`, then wait for it
            stop.set()
            while fetcher.is_alive():
                try:
                    pages.get(timeout=0.05)
                except queue.Empty:
                    pass

    def replay(self, after=0, page_size=1000):
        """Every event after `after`, streamed through a server-side cursor, fetched a page ahead."""
        yield from events_from_rows(self._pages(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE position > %s ORDER BY position", (after,), page_size, raw=True))

    def verify(self):
        """Walk the whole log: positions gap-free, every hash over the stored canonical bytes. Returns the count;
        raises `ChainBroken` naming the first bad position."""
        pages = self._pages("SELECT position, data, prev_hash, hash FROM events ORDER BY position", (), 5000)
        return verify_rows(row for page in pages for row in page)

    def head(self):
        with self._cursor() as cur:
            cur.execute("SELECT position, hash FROM log_head")
            return cur.fetchone()


class Transaction(_Reads):
    """A consumer's unit of work: appends, projections and reads inside the consumer's own transaction."""

    def __init__(self, store, cur):
        self._store, self._cur, self.written, self._head_locked = store, cur, [], False

    @contextlib.contextmanager
    def cursor(self):
        """The transaction's cursor, for a service's own tables that must commit with the events (e.g. a vault)."""
        yield self._cur

    _cursor = cursor

    def append(self, stream_id, expected_version, changes, *, actor, correlation_id, causation_id=None,
               command_id=None, occurred_at=None):
        request = AppendRequest(stream_id, expected_version, list(changes), actor, correlation_id, causation_id,
                                command_id, occurred_at)
        validate(request)
        result = write(self._cur, [request], self._store.projections, self._store._clock())[0][0]
        self._head_locked = True
        self._store._known_head = None   # the head moves: the store's next batch must not guess
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
