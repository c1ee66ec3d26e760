"""Read-only access to a service's log as `watchpost_auditor`: rows as the database holds them, for judging."""

import contextlib
import uuid
from dataclasses import dataclass

import orjson
import psycopg2
from psycopg2 import sql

from watchpost.eventlog.model import event_from_json

ROLE = "watchpost_auditor"


class AuditError(Exception):
    """A problem the CLI reports and exits non-zero for (not a tampered log: that is a finding)."""


@dataclass
class Row:
    """One row of `events`: the indexed columns and the event decoded from `data` (None if undecodable)."""

    position: int
    columns: dict
    data: str
    prev_hash: str
    hash: str

    def event(self):
        doc = orjson.loads(self.data)
        return event_from_json({**doc, "prev_hash": self.prev_hash.strip(), "hash": self.hash.strip()})


class Source:
    """One service's schema, read in one read-only transaction (a consistent snapshot)."""

    def __init__(self, url, schema, service=None):
        self.schema, self.service = schema, service or schema
        try:
            self.conn = psycopg2.connect(url, connect_timeout=5, application_name="watchpost-audit")
        except psycopg2.OperationalError as exc:
            raise AuditError(f"cannot connect to the database: {str(exc).strip()}") from None
        self.conn.set_session(readonly=True, isolation_level="REPEATABLE READ")
        with self.conn.cursor() as cur:
            try:
                cur.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(ROLE)))
            except psycopg2.Error as exc:
                raise AuditError(f"cannot take the read-only role {ROLE}: {str(exc).strip()}") from None
            cur.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,))
            if cur.fetchone() is None:
                self.close()
                raise AuditError(f"{self.service}: no schema {schema!r} in this database")
            cur.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))

    def close(self):
        if not self.conn.closed:
            self.conn.rollback()
            self.conn.close()

    def rows(self, after=0, upto=None):
        """Every row in position order (a server-side cursor), without trusting anything in them."""
        with self.conn.cursor(name="audit_rows") as cur:
            cur.itersize = 5000
            cur.execute(
                "SELECT position, event_id::text, type, stream_id, stream_version, data, prev_hash, hash "
                "FROM events WHERE position > %s AND (%s::bigint IS NULL OR position <= %s) "
                "ORDER BY position",
                (after, upto, upto),
            )
            for pos, eid, typ, sid, ver, data, prev, h in cur:
                yield Row(
                    pos,
                    {"position": pos, "event_id": eid, "type": typ, "stream_id": sid, "stream_version": ver},
                    data,
                    prev,
                    h,
                )

    def events(self, after=0, upto=None):
        for row in self.rows(after, upto):
            yield row.event()

    def query(self, text, args=()):
        with self.conn.cursor() as cur:
            cur.execute(text, args)
            return cur.fetchall()

    def head(self):
        return self.query("SELECT position, hash FROM log_head")[0]

    def stream(self, stream_id):
        rows = self.query(
            "SELECT data, prev_hash, hash FROM events WHERE stream_id = %s ORDER BY stream_version", (stream_id,)
        )
        return [Row(0, {}, d, p, h).event() for d, p, h in rows]

    def by_event_id(self, event_id):
        try:
            event_id = str(uuid.UUID(event_id))  # then the lookup uses the log's unique index, not a scan
        except ValueError:
            return None
        rows = self.query("SELECT data, prev_hash, hash FROM events WHERE event_id = %s::uuid", (event_id,))
        return Row(0, {}, *rows[0]).event() if rows else None

    def hashes(self, upto=None):
        """Chain hashes of events 1..upto (or all), in position order, as stored."""
        rows = self.query(
            "SELECT hash FROM events WHERE %s::bigint IS NULL OR position <= %s ORDER BY position", (upto, upto)
        )
        return [h.strip() for (h,) in rows]

    def checkpoints(self):
        rows = self.query(
            "SELECT data, prev_hash, hash FROM events WHERE stream_id = 'checkpoint-log' "
            "AND type = 'checkpoint.signed' ORDER BY position"
        )
        return [Row(0, {}, *r).event() for r in rows]

    def projection_docs(self):
        return {(p, k): d for p, k, d in self.query("SELECT projection, key, doc FROM projection_docs")}


@contextlib.contextmanager
def opened(url, service, schema):
    source = Source(url, schema, service)
    try:
        yield source
    finally:
        source.close()
