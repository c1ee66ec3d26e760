"""Handling another service's events exactly once, in that service's position order.

A consumer subscribes to *every* event of a source (routing key `#`), so positions arrive dense and a gap is a
real gap. Each event is applied in one transaction with the consumer's recorded position (`store.consume`):
a redelivered or replayed event changes nothing. An event that arrives after a gap waits briefly for the events
in flight before it, then fetches the missing range from the source's catch-up API and applies it first.
"""
import logging
import time

from watchpost.domain import Actor, Change, Context
from watchpost.errors import Conflict, Unavailable, WatchpostError
from watchpost.eventlog.batch import Gap
from watchpost.eventlog.upcasting import upcast

log = logging.getLogger("watchpost.consumer")


def context_for(source, event, extra=None):
    """Deterministic context: replaying the same event gives the same decisions and the same command id."""
    return Context(actor=Actor(id=f"{source}-consumer", role="system"), now=event.recorded_at,
                   correlation_id=event.correlation_id, causation_id=event.event_id,
                   command_id=f"{source}:{event.event_id}", extra=extra or {})


class Consumer:
    """`handlers`: {event type: fn(tx, ctx, event)}; `project_all`: also fold every foreign event into the
    consumer's projections (assessment does this). `fetch(source, after, limit) -> [Event]` reads the source's log."""

    def __init__(self, store, source, handlers=None, project_all=False, fetch=None, gap_wait=2.0, extra=None):
        self.store, self.source, self.extra = store, source, extra
        self.handlers, self.project_all = dict(handlers or {}), project_all
        self.fetch, self.gap_wait = fetch, gap_wait

    def apply(self, tx, event):
        event = upcast(event)   # another service's old event, read at the version its contract has today
        ctx = context_for(self.source, event, self.extra)
        if self.project_all:
            tx.project(event)
        handler = self.handlers.get(event.type)
        if handler is None:
            return
        try:
            handler(tx, ctx, event)
        except (Unavailable, Conflict):
            raise   # transient: the message is delivered again
        except WatchpostError as refused:
            # the event cannot be applied as it stands: record that, visibly, instead of blocking the source
            log.warning("consumer refused %s %s at %s: %s", self.source, event.type, event.position, refused.code)
            tx.append(f"consumer-{self.source}", None, [Change("consumer.event_refused", {
                "source": self.source, "event_id": event.event_id, "position": event.position, "type": event.type,
                "error": refused.code, "message": refused.message})],
                actor=ctx.actor.as_event_field(), correlation_id=ctx.correlation_id, causation_id=event.event_id)

    def receive(self, event):
        """Apply `event` (and any missing before it). Returns True if it was new."""
        deadline = time.monotonic() + self.gap_wait
        while True:
            try:
                return self.store.consume(self.source, event.position, lambda tx: self.apply(tx, event))
            except Gap as gap:
                if time.monotonic() < deadline:
                    time.sleep(0.02)   # an earlier event is probably being applied by another worker
                    continue
                self.catch_up(until=gap.position - 1)

    def catch_up(self, until=None, page=500):
        """Apply the source's events after our position, up to `until` (or to the end of its log)."""
        if self.fetch is None:
            raise Unavailable(f"{self.source}: events are missing and no catch-up source is configured")
        while True:
            last = self.store.consumed_position(self.source)
            if until is not None and last >= until:
                return
            limit = page if until is None else min(page, until - last)
            events = self.fetch(self.source, last, limit)
            if not events:
                return
            for event in events:
                self.store.consume(self.source, event.position, lambda tx, e=event: self.apply(tx, e))
