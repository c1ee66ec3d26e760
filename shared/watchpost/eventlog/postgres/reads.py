"""Reads of events and projection documents, over the cursor the store (or a consumer's transaction) gives."""

from watchpost.eventlog.batch import same_claim
from watchpost.eventlog.ports import ReadModels
from watchpost.eventlog.postgres.rows import EVENT_COLUMNS, _dumps, row_to_event
from watchpost.eventlog.upcasting import upcast


class _Reads(ReadModels):
    """Reads over a cursor; the store opens one per call, a consumer's transaction reuses its own."""

    def recorded(self, command_id, claim=None):
        with self._cursor() as cur:
            cur.execute(
                "SELECT first_position, last_position, claim FROM commands WHERE command_id = %s", (command_id,)
            )
            row = cur.fetchone()
            if row is None:
                return None
            same_claim(command_id, row[2], claim)
            cur.execute(
                f"SELECT {EVENT_COLUMNS} FROM events WHERE position BETWEEN %s AND %s ORDER BY position", row[:2]
            )
            return [row_to_event(r) for r in cur]

    def load(self, stream_id):
        with self._cursor() as cur:
            cur.execute(
                f"SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = %s ORDER BY stream_version", (stream_id,)
            )
            return [upcast(row_to_event(r)) for r in cur]  # for folding: old versions read as today's

    def doc(self, projection, key):
        with self._cursor() as cur:
            cur.execute("SELECT doc FROM projection_docs WHERE projection = %s AND key = %s", (projection, key))
            row = cur.fetchone()
            return row[0] if row else None

    def docs(self, projection, where=None, limit=100, offset=0):
        with self._cursor() as cur:
            cur.execute(
                "SELECT doc FROM projection_docs WHERE projection = %s AND doc @> %s::jsonb "
                "ORDER BY key LIMIT %s OFFSET %s",
                (projection, _dumps(where or {}), limit, offset),
            )
            return [r[0] for r in cur]

    def count(self, projection, where=None):
        with self._cursor() as cur:
            cur.execute(
                "SELECT count(*) FROM projection_docs WHERE projection = %s AND doc @> %s::jsonb",
                (projection, _dumps(where or {})),
            )
            return cur.fetchone()[0]
