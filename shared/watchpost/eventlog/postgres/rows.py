"""Rows of the events table as `Event`s, and the cursor that opens a transaction on its first statement."""

import orjson
import psycopg2
import psycopg2.extensions

from watchpost.domain import Event
from watchpost.eventlog.model import event_from_fields, parse_iso

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
            yield new(
                Event,
                (
                    f["event_id"],
                    f["type"],
                    f["schema_version"],
                    f["stream_id"],
                    f["stream_version"],
                    f["position"],
                    occurred,
                    recorded,
                    f["actor"],
                    f["correlation_id"],
                    f["causation_id"],
                    f["payload"],
                    prev_hash.decode(),
                    hash_.decode(),
                ),
            )


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
