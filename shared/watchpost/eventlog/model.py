"""Canonical encoding and the sha256 chain: the part of the log every backend and every auditor shares."""

import functools
import hashlib
import os
from datetime import datetime, timezone

import orjson

from watchpost.domain import Event

GENESIS = "0" * 64


@functools.lru_cache(maxsize=4096)
def iso(moment):
    """UTC, microseconds, `Z`: one spelling of a time, so the hash of an event never depends on who wrote it.
    (Cached: a batch shares its recorded_at, a command its occurred_at.)"""
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_iso(text):
    return datetime.fromisoformat(text)  # C-fast; accepts the `Z` that `iso` writes


def canonical(fields):
    """Sorted keys, no spaces, UTF-8: the bytes that are hashed."""
    return orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)


def hashed_fields(event):
    return {
        "event_id": event.event_id,
        "type": event.type,
        "schema_version": event.schema_version,
        "stream_id": event.stream_id,
        "stream_version": event.stream_version,
        "position": event.position,
        "occurred_at": iso(event.occurred_at),
        "recorded_at": iso(event.recorded_at),
        "actor": event.actor,
        "correlation_id": event.correlation_id,
        "causation_id": event.causation_id,
        "payload": event.payload,
    }


def chain_hash(prev_hash, fields):
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(fields)).hexdigest()


def seal(prev_hash, **fields):
    """Make the recorded `Event` for a change at `position`, chained to `prev_hash`."""
    return seal_with_body(prev_hash, **fields)[0]


def seal_with_body(
    prev_hash,
    *,
    type,
    payload,
    schema_version,
    stream_id,
    stream_version,
    position,
    occurred_at,
    recorded_at,
    actor,
    correlation_id,
    causation_id,
    event_id=None,
):
    """`seal`, also returning the canonical bytes the hash covers (what the log stores as `data`). The hot path of
    every append: the fields are built once, in the form that is hashed, and the `Event` positionally."""
    event_id = event_id or new_event_id()
    body = canonical(
        {
            "event_id": event_id,
            "type": type,
            "schema_version": schema_version,
            "stream_id": stream_id,
            "stream_version": stream_version,
            "position": position,
            "occurred_at": iso(occurred_at),
            "recorded_at": iso(recorded_at),
            "actor": actor,
            "correlation_id": correlation_id,
            "causation_id": causation_id,
            "payload": payload,
        }
    )
    digest = hashlib.sha256(prev_hash.encode("ascii") + body).hexdigest()
    return tuple.__new__(
        Event,
        (
            event_id,
            type,
            schema_version,
            stream_id,
            stream_version,
            position,
            occurred_at,
            recorded_at,
            actor,
            correlation_id,
            causation_id,
            payload,
            prev_hash,
            digest,
        ),
    ), body


def new_event_id():
    """A random (version 4) UUID in its text form, as `str(uuid.uuid4())` gives it at a fifth of the cost."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


def event_to_json(event):
    """The event as plain JSON types: the body of every published message and every export line."""
    return {**hashed_fields(event), "prev_hash": event.prev_hash, "hash": event.hash}


def event_from_json(data):
    return event_from_fields(dict(data))


def event_from_fields(f):
    """As `event_from_json`, built positionally: the replay's fast path (about 1.4x the keyword form)."""
    return tuple.__new__(
        Event,
        (
            f["event_id"],
            f["type"],
            f["schema_version"],
            f["stream_id"],
            f["stream_version"],
            f["position"],
            parse_iso(f["occurred_at"]),
            parse_iso(f["recorded_at"]),
            f["actor"],
            f["correlation_id"],
            f["causation_id"],
            f["payload"],
            f["prev_hash"],
            f["hash"],
        ),
    )


class ChainBroken(Exception):
    def __init__(self, position, reason):
        super().__init__(f"position {position}: {reason}")
        self.position = position
        self.reason = reason


def verify_chain(events, prev_hash=GENESIS, start=1):
    """Walk events in position order; return (count, last hash) or raise `ChainBroken` at the first bad one."""
    expected, count = start, 0
    for event in events:
        if event.position != expected:
            raise ChainBroken(expected, f"expected position {expected}, found {event.position} (gap or reorder)")
        if event.prev_hash != prev_hash:
            raise ChainBroken(event.position, "prev_hash does not match the previous event's hash")
        if chain_hash(prev_hash, hashed_fields(event)) != event.hash:
            raise ChainBroken(event.position, "hash does not match the event's content")
        prev_hash, expected, count = event.hash, expected + 1, count + 1
    return count, prev_hash


def verify_rows(rows, prev_hash=GENESIS, start=1):
    """The fast path over stored rows `(position, data, prev_hash, hash)`: `data` is the canonical encoding, so the
    chain is checked without decoding a single event."""
    sha256, expected = hashlib.sha256, start
    for position, data, prev, digest in rows:
        if position != expected:
            raise ChainBroken(expected, f"expected position {expected}, found {position} (gap or reorder)")
        if prev != prev_hash:
            raise ChainBroken(position, "prev_hash does not match the previous event's hash")
        if sha256(prev_hash.encode("ascii") + data.encode()).hexdigest() != digest:
            raise ChainBroken(position, "hash does not match the event's content")
        prev_hash, expected = digest, expected + 1
    return expected - start
