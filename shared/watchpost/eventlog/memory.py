"""The in-memory log: the same behaviour as PostgreSQL, for unit tests of the domain and the handlers."""

import threading

from watchpost.domain import utcnow
from watchpost.eventlog.batch import AppendRequest, Gap, OutOfChain, plan, same_claim, validate
from watchpost.eventlog.model import GENESIS
from watchpost.eventlog.ports import ConsumerLog, EventStore, ReadModels, RelayLog
from watchpost.eventlog.projections import fold, fold_into, matches
from watchpost.eventlog.upcasting import upcast


class MemoryEventStore(EventStore, ReadModels, ConsumerLog, RelayLog):
    def __init__(self, projections=(), clock=utcnow):
        self.projections = list(projections)
        self._clock = clock
        self._lock = threading.RLock()
        self._events = []
        self._streams = {}
        self._commands = {}
        self._docs = {p.name: {} for p in self.projections}
        self._consumers = {}
        self._relayed = {}
        self.listeners = []

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
        with self._lock:
            return self._apply_batch([request])[0]

    def _apply_batch(self, requests):
        head_position = len(self._events)
        head_hash = self._events[-1].hash if self._events else GENESIS
        versions = {r.stream_id: len(self._streams.get(r.stream_id, ())) for r in requests}
        known = {command_id: claim for command_id, (_, _, claim) in self._commands.items()}
        outcomes, events, _, command_rows, _ = plan(requests, head_position, head_hash, versions, known, self._clock())
        for event in events:
            self._events.append(event)
            self._streams.setdefault(event.stream_id, []).append(event)
            self._project(event)
        for command_id, first, last, claim in command_rows:
            self._commands[command_id] = (first, last, claim)
        results = []
        for outcome in outcomes:
            if outcome.error:
                results.append(outcome.error)
            elif outcome.duplicate_of:
                first, last, _ = self._commands[outcome.duplicate_of]
                results.append(self._events[first - 1 : last])
            else:
                results.append(outcome.events)
        for listener in self.listeners:
            listener(events)
        if isinstance(results[0], Exception):
            raise results[0]
        return results

    def project(self, event):
        """Apply an event (own or another service's) to the projections; used by consumers inside `consume`."""
        self._project(event)

    def _project(self, event):
        fold_into(self._docs, self.projections, event)

    # -- consuming another service's events ---------------------------------------------------------------
    def consumed_position(self, source):
        return self._consumers.get(source, (0, GENESIS))[0]

    def consume(self, source, position, apply, chain=None):
        """Run `apply(tx)` once for `source`'s event at `position`; returns False if already applied. `chain`:
        (prev_hash, hash), checked against and recorded with the position, as in PostgreSQL."""
        with self._lock:
            last, last_hash = self._consumers.get(source, (0, GENESIS))
            if position <= last:
                return False
            if position != last + 1:
                raise Gap(source, last, position)
            if chain is not None and last_hash is not None and chain[0] != last_hash:
                raise OutOfChain(source, position, last_hash, chain[0])
            apply(self)
            self._consumers[source] = (position, chain[1] if chain else None)
            return True

    def transaction(self, apply):
        """Run `apply(tx)` as one unit (a consumer re-applying a refused event)."""
        with self._lock:
            apply(self)

    def relay_lease(self):
        return _NoLease()

    def lease_alive(self, lease):
        return True

    # -- the relay's progress -----------------------------------------------------------------------------
    def relay_position(self, exchange):
        return self._relayed.get(exchange, 0)

    def save_relay_position(self, exchange, position):
        self._relayed[exchange] = max(position, self._relayed.get(exchange, 0))

    # -- reading ------------------------------------------------------------------------------------------
    def recorded(self, command_id, claim=None):
        with self._lock:
            if command_id not in self._commands:
                return None
            first, last, stored = self._commands[command_id]
            same_claim(command_id, stored, claim)
            return self._events[first - 1 : last]

    def load(self, stream_id):
        with self._lock:
            return [upcast(e) for e in self._streams.get(stream_id, ())]  # for folding, as today's versions

    def read_after(self, position, limit=1000):
        with self._lock:
            return self._events[position : position + limit]

    def replay(self, after=0):
        return iter(self.read_after(after, len(self._events)))

    def head(self):
        with self._lock:
            return (len(self._events), self._events[-1].hash if self._events else GENESIS)

    def doc(self, projection, key):
        return self._docs[projection].get(key)

    def docs(self, projection, where=None, limit=100, offset=0):
        found = [d for _, d in sorted(self._docs[projection].items()) if matches(d, where)]
        return found[offset : offset + limit]

    def count(self, projection, where=None):
        return sum(1 for d in self._docs[projection].values() if matches(d, where))

    def rebuild_differences(self):
        """Fold the whole log afresh and name every document that differs from the live one."""
        rebuilt = fold(self.projections, self._events)
        return [
            (name, key)
            for name, table in rebuilt.items()
            for key in set(table) | set(self._docs[name])
            if table.get(key) != self._docs[name].get(key)
        ]


class _NoLease:
    """In memory there is one process: the relay always holds the lease."""

    closed = False

    def close(self):
        pass
