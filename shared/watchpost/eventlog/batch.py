"""Deciding a batch of appends: which are accepted, which conflict, which repeat an earlier command.

Pure and shared by every backend, so the in-memory log and PostgreSQL accept and refuse exactly the same things.
"""

from dataclasses import dataclass, field
from datetime import datetime

from watchpost.errors import Conflict, IdempotencyKeyReused, Invalid
from watchpost.eventlog.model import seal_with_body


class Gap(Exception):
    """A consumer got `position` from `source` but has applied only up to `last`: the range between is missing."""

    def __init__(self, source, last, position):
        super().__init__(
            f"{source}: event {position} arrived after {last}; positions {last + 1}..{position - 1} missing"
        )
        self.source, self.last, self.position = source, last, position


class OutOfChain(Exception):
    """`source`'s event at `position` does not follow the last event the consumer applied from it: its `prev_hash`
    is not that event's hash (an altered, replayed or forged message)."""

    def __init__(self, source, position, expected, found):
        super().__init__(
            f"{source}: event {position} says the event before it has hash {found[:12]}..., but the "
            f"event applied at {position - 1} has hash {expected[:12]}... (altered or forged)"
        )
        self.source, self.position, self.expected, self.found = source, position, expected, found


@dataclass
class AppendRequest:
    stream_id: str
    expected_version: int | None  # None: no check; 0: the stream must not exist yet
    changes: list
    actor: dict
    correlation_id: str
    causation_id: str | None = None
    command_id: str | None = None
    occurred_at: datetime | None = None
    claim: str | None = None  # who asked for what (watchpost.handling.claim), kept with the command id


@dataclass
class Outcome:
    events: list = field(default_factory=list)
    duplicate_of: str | None = None  # command id whose first result must be returned
    error: Exception | None = None


def validate(request):
    if not request.stream_id or len(request.stream_id) > 200 or "\x00" in request.stream_id:
        raise Invalid("stream_id must be 1 to 200 characters, none of them NUL", field="stream_id")
    if request.expected_version is not None and request.expected_version < 0:
        raise Invalid("expected_version must be 0 or more", field="expected_version")
    for change in request.changes:
        if not change.type or "." not in change.type or "\x00" in change.type or len(change.type) > 100:
            raise Invalid(
                f"event type {change.type[:100]!r} must be dotted (e.g. clue.received), at most 100 "
                "characters, with no NUL",
                field="type",
            )


def same_claim(command_id, stored, claim):
    """A logged command id answers a repeat only when the repeat makes the same claim; anything else is refused
    (a row logged before claims were kept has none, and matches nothing)."""
    if stored != claim:
        raise IdempotencyKeyReused(
            "this Idempotency-Key was already used by another caller, command, target or set of fields; nothing "
            "was written: send a new key for a new command, and the same key only to retry the same request",
            header="Idempotency-Key",
        )


def plan(requests, head_position, head_hash, versions, known_commands, recorded_at):
    """Return (outcomes, new events in position order, new head (position, hash), new command rows, and the
    canonical bytes of each new event, as stored).

    `versions`: current version of every stream named by a request; `known_commands`: the claim of every command id
    already logged (a dict). A new command row is (command id, first position, last position, claim).
    """
    outcomes, events, command_rows, bodies = [], [], [], []
    versions = dict(versions)
    seen = dict(known_commands)
    position, prev = head_position, head_hash
    for r in requests:
        if r.command_id and r.command_id in seen:
            try:
                same_claim(r.command_id, seen[r.command_id], r.claim)
                outcomes.append(Outcome(duplicate_of=r.command_id))
            except IdempotencyKeyReused as refused:
                outcomes.append(Outcome(error=refused))
            continue
        current = versions.get(r.stream_id, 0)
        if r.expected_version is not None and r.expected_version != current:
            outcomes.append(
                Outcome(
                    error=Conflict(
                        f"stream {r.stream_id} is at version {current}, not {r.expected_version}: reload and retry",
                        stream_id=r.stream_id,
                        expected_version=r.expected_version,
                        actual_version=current,
                    )
                )
            )
            continue
        mine = []
        for change in r.changes:
            position += 1
            current += 1
            event, body = seal_with_body(
                prev,
                type=change.type,
                payload=change.payload,
                schema_version=change.schema_version,
                stream_id=r.stream_id,
                stream_version=current,
                position=position,
                occurred_at=r.occurred_at or recorded_at,
                recorded_at=recorded_at,
                actor=r.actor,
                correlation_id=r.correlation_id,
                causation_id=r.causation_id,
            )
            prev = event.hash
            mine.append(event)
            bodies.append(body)
        versions[r.stream_id] = current
        if r.command_id and mine:
            seen[r.command_id] = r.claim
            command_rows.append((r.command_id, mine[0].position, mine[-1].position, r.claim))
        events.extend(mine)
        outcomes.append(Outcome(events=mine))
    return outcomes, events, (position, prev), command_rows, bodies
