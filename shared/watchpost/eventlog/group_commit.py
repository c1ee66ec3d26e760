"""Group commit: appends that arrive while a transaction is being written wait and go together in the next one.

One writer at a time leads: it gathers what is pending, flushes it as one transaction, answers every request in
it, then hands the lead to the first writer still waiting and returns with its own answer. Throughput then grows
with concurrency instead of being capped by the ordering lock (STACK.md: ~1,600 ev/s for one event per
transaction whatever the number of writers), and no writer is kept leading for everyone else.

A flush may hand the lead on early (`release`), once its batch is sealed and on its way: the next batch is then
sealed while the database commits this one, and waits for it on the database's lock, so Python and PostgreSQL
work side by side instead of in turns. At most `depth` released batches are in flight; a batch holds at most
`max_weight` (e.g. events), so big appends from several writers form batches that can overlap.
"""

import threading
import time


class _Slot:
    __slots__ = ("request", "done", "result", "promoted")

    def __init__(self, request):
        self.request, self.done, self.result, self.promoted = request, threading.Event(), None, False


class GroupCommit:
    def __init__(self, flush, max_weight=500, weight=lambda request: 1, depth=2):
        """`flush(requests, release) -> [result or exception]`, one per request, in order; `flush` may call
        `release()` once its batch no longer needs the lead (it is sealed and being sent)."""
        self._flush = flush
        self._max_weight, self._weight, self._depth = max_weight, weight, depth
        self._lock = threading.Lock()
        self._pending = []
        self._leading = False
        self._answered = 0
        self._in_flight = 0

    def submit(self, request):
        slot = _Slot(request)
        with self._lock:
            self._pending.append(slot)
            lead = not self._leading
            self._leading = True
        if lead:
            self._lead()
        while True:
            slot.done.wait()
            if not slot.promoted:
                break
            slot.promoted = False
            slot.done.clear()
            self._lead()
        if isinstance(slot.result, BaseException):
            raise slot.result
        return slot.result

    def _lead(self):
        """Flush one batch, hand the lead on (early, if the flush releases it), answer the batch."""
        self._gather(self._answered)
        with self._lock:
            take, weight = 1, self._weight(self._pending[0].request)
            while take < len(self._pending) and weight + self._weight(self._pending[take].request) <= self._max_weight:
                weight += self._weight(self._pending[take].request)
                take += 1
            batch, self._pending = self._pending[:take], self._pending[take:]
        released = []

        def release():
            with self._lock:
                if released or self._in_flight >= self._depth:
                    return
                released.append(True)
                self._in_flight += 1
            self._answered = 0  # this batch's writers are still waiting: nobody to gather for
            self._hand_on()

        try:
            results = self._flush([slot.request for slot in batch], release)
        except BaseException as exc:  # the flush itself failed: every request in it fails, none is lost silently
            results = [exc] * len(batch)
        for slot, result in zip(batch, results, strict=False):
            slot.result = result
            slot.done.set()
        self._answered = len(batch)
        if released:
            with self._lock:
                self._in_flight -= 1
        else:
            self._hand_on()

    def _hand_on(self):
        with self._lock:
            if self._pending:
                successor = self._pending[0]
                successor.promoted = True
                successor.done.set()
            else:
                self._leading = False

    def _gather(self, answered, rounds=20):
        """Yield until the writers just answered have had the chance to submit again: they join this batch
        instead of forming the next one. Costs nothing after a batch of one (a lone writer)."""
        with self._lock:
            target = len(self._pending) + answered
        for _ in range(rounds if answered > 1 else 0):
            with self._lock:
                if len(self._pending) >= target:
                    return
            time.sleep(0)
