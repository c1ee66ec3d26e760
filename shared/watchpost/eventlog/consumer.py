"""Handling another service's events exactly once, in that service's position order, and never stalling on one.

A consumer subscribes to *every* event of a source (routing key `#`), so positions arrive dense and a gap is a
real gap. Each event is applied in one transaction with the consumer's recorded position (`store.consume`):
a redelivered or replayed event changes nothing. An event that arrives after a gap waits briefly for the events
in flight before it, then fetches the missing range from the source's catch-up API and applies it first.

What can go wrong with one event, and what the consumer does:
- transient (`Unavailable`, a lost or rolled-back database transaction): raised, so the message is delivered
  again after a back-off (the runtime's job); nothing was recorded. A `Conflict` (another writer moved a stream) is
  tried again at once, up to CONFLICT_ATTEMPTS times; one that stays is the event's, and it is refused.
- anything else (the consumer's own domain refuses the event, or a defect raises): the event is **refused**. Its
  transaction is rolled back and a second one records `consumer.event_refused` {source, event_id, position, type,
  error, message} in the consumer's own stream `consumer-<source>` and moves the position on, so the events after
  it are applied in order. The reason is the error's code and message for a Watchpost error, else only the
  exception's class and where it was raised (never the event's data). An operator re-applies refused events after
  a fix (`reapply`), which records `consumer.event_reapplied`.
- the source cannot serve the event (its position lies beyond the source's log: a source restored from an older
  backup, a forged message): `Parked` is raised, and the runtime parks the message with the reason.
- the message is not what the source sealed (`Forged`): its position is not a whole number from 1 to 2^63 - 1, its
  hashes are not sha256 hex, its hash does not cover its canonical bytes, or its `prev_hash` is not the hash of the
  last event applied from the source (kept with the position): nothing is applied or recorded, and the runtime
  dead-letters the message with the reason and fetches the genuine event through catch-up.
"""

import logging
import os
import re
import time
import traceback

from watchpost.domain import Actor, Change, Context
from watchpost.errors import Conflict, Unavailable, WatchpostError
from watchpost.eventlog.batch import Gap, OutOfChain
from watchpost.eventlog.model import chain_hash, hashed_fields
from watchpost.eventlog.upcasting import upcast

log = logging.getLogger("watchpost.consumer")
REFUSED, REAPPLIED = "consumer.event_refused", "consumer.event_reapplied"
# SQLSTATE classes of a failure that may pass: connection, transaction rollback (serialisation, deadlock),
# insufficient resources, operator intervention (shutdown, statement timeout)
_TRANSIENT_SQLSTATES = ("08", "40", "53", "57")
CONFLICT_ATTEMPTS = 3
MAX_POSITION = 2**63 - 1  # a bigint, as the log stores positions
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class Parked(Exception):
    """The source cannot serve the event at `position`: its log ends at `head`."""

    def __init__(self, source, position, head):
        super().__init__(
            f"{source} has no event at position {position}: its log ends at {head} (restored from an "
            f"older backup, or the message is forged)"
        )
        self.source, self.position, self.head = source, position, head


class Forged(Exception):
    """The message at `position` is not an event its source sealed, or not the one that follows the last applied."""

    def __init__(self, source, position, why):
        super().__init__(f"{source}: the message at position {position!r} is refused: {why}")
        self.source, self.position, self.why = source, position, why


def verify(source, event):
    """Raise `Forged` unless `event` is sealed as its source seals: a position within bounds, sha256 hashes, and a
    hash over its canonical bytes chained to its `prev_hash`."""
    if type(event.position) is not int or not 1 <= event.position <= MAX_POSITION:
        raise Forged(source, event.position, f"a position must be a whole number from 1 to {MAX_POSITION}")
    if not all(isinstance(h, str) and _SHA256_HEX.fullmatch(h) for h in (event.prev_hash, event.hash)):
        raise Forged(source, event.position, "hash and prev_hash must be 64 lowercase hex digits (sha256)")
    try:
        computed = chain_hash(event.prev_hash, hashed_fields(event))
    except (TypeError, ValueError, AttributeError):
        raise Forged(source, event.position, "its fields cannot be encoded canonically") from None
    if computed != event.hash:
        raise Forged(source, event.position, "its hash does not match its content (altered or forged)")


def transient(exc):
    """Whether `exc` may pass if the same event is tried again later."""
    return isinstance(exc, Unavailable) or (getattr(exc, "pgcode", None) or "")[:2] in _TRANSIENT_SQLSTATES


def reason(exc):
    """(error, message) naming why an event was refused, without the event's data."""
    if isinstance(exc, WatchpostError):
        return exc.code, exc.message
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" in {frames[-1].name} ({os.path.basename(frames[-1].filename)}:{frames[-1].lineno})" if frames else ""
    return "defect", f"{type(exc).__name__}{where}"


def context_for(source, event, extra=None):
    """Deterministic context: replaying the same event gives the same decisions and the same command id."""
    return Context(
        actor=Actor(id=f"{source}-consumer", role="system"),
        now=event.recorded_at,
        correlation_id=event.correlation_id,
        causation_id=event.event_id,
        command_id=f"{source}:{event.event_id}",
        extra=extra or {},
    )


def outstanding(store, source):
    """{position: refusal payload} of `source`'s events refused and not re-applied since, in position order."""
    return fold_refusals(store.load(f"consumer-{source}"))


def fold_refusals(events):
    """`outstanding` over the events of one stream `consumer-<source>`."""
    found = {}
    for e in events:
        if e.type == REFUSED:
            found[e.payload["position"]] = e.payload
        elif e.type == REAPPLIED and e.payload["outcome"] == "applied":
            found.pop(e.payload["position"], None)
    return dict(sorted(found.items()))


class Consumer:
    """`handlers`: {event type: fn(tx, ctx, event)}; `project_all`: also fold every foreign event into the
    consumer's projections (assessment does this). `fetch(source, after, limit) -> [Event]` reads the source's log;
    `source_head(at_least)` -> the source's head, asked again when `at_least` lies beyond the last answer
    (None: not checked); `sleep(seconds)` returns True when the consumer is asked to stop."""

    def __init__(
        self,
        store,
        source,
        handlers=None,
        project_all=False,
        fetch=None,
        gap_wait=2.0,
        extra=None,
        source_head=None,
        sleep=None,
    ):
        self.store, self.source, self.extra = store, source, extra
        self.handlers, self.project_all = dict(handlers or {}), project_all
        self.fetch, self.gap_wait, self.source_head = fetch, gap_wait, source_head
        self.sleep = sleep or time.sleep

    def apply(self, tx, event):
        event = upcast(event)  # another service's old event, read at the version its contract has today
        if self.project_all:
            tx.project(event)
        handler = self.handlers.get(event.type)
        if handler is not None:
            handler(tx, self.context(event), event)

    def context(self, event):
        return context_for(self.source, event, self.extra)

    def _record(self, tx, event, type, payload):
        ctx = self.context(event)
        tx.append(
            f"consumer-{self.source}",
            None,
            [
                Change(
                    type,
                    {
                        "source": self.source,
                        "event_id": event.event_id,
                        "position": event.position,
                        "type": event.type,
                        **payload,
                    },
                )
            ],
            actor=ctx.actor.as_event_field(),
            correlation_id=ctx.correlation_id,
            causation_id=event.event_id,
        )

    def refuse(self, tx, event, exc):
        error, message = reason(exc)
        log.warning("consumer refused %s %s at %s: %s", self.source, event.type, event.position, error)
        self._record(tx, event, REFUSED, {"error": error, "message": message})

    def consume(self, event, from_source=False):
        """Apply `event` at its position, or record it as refused there. Raises `Gap`, `Parked` or a transient
        error; returns True if the position was new. `from_source`: read from the source itself, so it has it.
        Raises `Forged` (nothing applied) for a message that is not the source's next sealed event."""
        verify(self.source, event)
        if self.source_head is not None and not from_source:
            head = self.source_head(event.position)
            if head is not None and event.position > head:
                raise Parked(self.source, event.position, head)
        chain = (event.prev_hash, event.hash)
        for _ in range(CONFLICT_ATTEMPTS):
            try:
                return self.store.consume(self.source, event.position, lambda tx: self.apply(tx, event), chain)
            except Gap:
                raise
            except OutOfChain as exc:
                raise Forged(self.source, event.position, f"it is out of chain: {exc}") from None
            except Conflict as exc:  # a race with another writer passes on a fresh read; one that stays is the event's
                failure = exc
            except Exception as exc:  # noqa: BLE001 - whatever it is, one event must not stall the source
                if transient(exc):
                    raise
                failure = exc
                break
        return self.store.consume(self.source, event.position, lambda tx: self.refuse(tx, event, failure), chain)

    def receive(self, event):
        """Apply `event` (and any missing before it). Returns True if it was new."""
        waited = 0.0
        while True:
            try:
                return self.consume(event)
            except Gap as gap:
                if waited < self.gap_wait:
                    if self.sleep(0.02):  # an earlier event is probably being applied by another worker
                        raise Unavailable(f"{self.source}: the consumer is stopping; the event comes again") from None
                    waited += 0.02
                    continue
                self.catch_up(until=gap.position - 1)

    def catch_up(self, until=None, page=500):
        """Apply the source's events after our position, up to `until` (or to the end of its log). Raises
        `Parked` when the source's log ends before `until`."""
        if self.fetch is None:
            raise Unavailable(f"{self.source}: events are missing and no catch-up source is configured")
        while True:
            last = self.store.consumed_position(self.source)
            if until is not None and last >= until:
                return
            limit = page if until is None else min(page, until - last)
            events = self.fetch(self.source, last, limit)
            if not events:
                if until is not None:
                    raise Parked(self.source, until + 1, last)
                return
            for event in events:
                self.consume(event, from_source=True)

    def reapply(self, event):
        """Apply a refused `event` again (after a fix), without moving the position; records
        `consumer.event_reapplied` with the outcome. Returns the outcome: "applied" or "refused again"."""

        def attempt(tx):
            self.apply(tx, event)
            self._record(tx, event, REAPPLIED, {"outcome": "applied"})

        try:
            self.store.transaction(attempt)
            return "applied"
        except Exception as exc:  # noqa: BLE001
            if transient(exc):
                raise
            error, message = reason(exc)
        self.store.transaction(
            lambda tx: self._record(
                tx, event, REAPPLIED, {"outcome": "refused again", "error": error, "message": message}
            )
        )
        return "refused again"
