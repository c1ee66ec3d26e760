"""One event a consumer cannot apply never stalls it: refused visibly, the position moves on, the events after it
are applied in order; transient failures are raised for a later retry; an operator re-applies after a fix; a
message the source cannot serve is parked."""

import pytest

from watchpost.domain import Change
from watchpost.errors import Invalid, Unavailable
from watchpost.eventlog.consumer import REAPPLIED, REFUSED, Consumer, Parked, outstanding
from watchpost.eventlog.memory import MemoryEventStore

ACTOR = {"id": "dc-1", "role": "district_commission"}
SECRET = "举报人张三"  # stands for anything in a payload: it must never reach a refusal


def source_events(n):
    source = MemoryEventStore()
    for k in range(1, n + 1):
        source.append(
            f"thing-{k}",
            None,
            [Change("thing.happened", {"k": k, "note": SECRET})],
            actor=ACTOR,
            correlation_id=f"c-{k}",
        )
    return source.read_after(0, n)


class Flaky:
    """A handler that fails on the events named, in the way named, and records what it applied."""

    def __init__(self, failures):
        self.failures, self.applied = dict(failures), []

    def __call__(self, tx, ctx, event):
        failure = self.failures.get(event.payload["k"])
        if failure is not None:
            raise failure
        tx.append(
            f"seen-{event.payload['k']}",
            None,
            [Change("thing.seen", {"k": event.payload["k"]})],
            actor=ctx.actor.as_event_field(),
            correlation_id=ctx.correlation_id,
            command_id=ctx.command_id,
        )
        self.applied.append(event.payload["k"])


def consumer(store, handler, **kw):
    return Consumer(store, "upstream", {"thing.happened": handler}, sleep=lambda s: None, **kw)


@pytest.mark.parametrize(
    "failure", [ValueError(f"period '{SECRET}' is odd"), KeyError(SECRET), Invalid("period '276-07' is not a month")]
)
def test_an_event_that_fails_is_refused_and_the_events_after_it_are_applied(failure):
    store, handler = MemoryEventStore(), Flaky({2: failure})
    c = consumer(store, handler)
    for event in source_events(4):
        assert c.receive(event) is True
    assert handler.applied == [1, 3, 4]
    assert store.consumed_position("upstream") == 4
    refused = outstanding(store, "upstream")
    assert list(refused) == [2]
    assert refused[2]["source"] == "upstream" and refused[2]["type"] == "thing.happened"
    assert SECRET not in repr(store.load("consumer-upstream"))
    if not isinstance(failure, Invalid):
        assert refused[2]["error"] == "defect" and refused[2]["message"].startswith(type(failure).__name__)


def test_a_transient_failure_is_raised_and_nothing_moves():
    store, handler = MemoryEventStore(), Flaky({1: Unavailable("the database is unreachable")})
    c = consumer(store, handler)
    event = source_events(1)[0]
    with pytest.raises(Unavailable):
        c.receive(event)
    assert store.consumed_position("upstream") == 0 and outstanding(store, "upstream") == {}
    handler.failures.clear()
    assert c.receive(event) is True and handler.applied == [1]


def test_a_refused_event_is_reapplied_after_a_fix_and_recorded():
    events = source_events(3)
    store, handler = MemoryEventStore(), Flaky({2: ZeroDivisionError()})
    c = consumer(store, handler)
    for event in events:
        c.receive(event)
    assert c.reapply(events[1]) == "refused again" and list(outstanding(store, "upstream")) == [2]
    handler.failures.clear()  # the fix
    assert c.reapply(events[1]) == "applied"
    assert outstanding(store, "upstream") == {} and handler.applied == [1, 3, 2]
    assert store.consumed_position("upstream") == 3
    outcomes = [e.payload["outcome"] for e in store.load("consumer-upstream") if e.type == REAPPLIED]
    assert outcomes == ["refused again", "applied"]
    assert [e.type for e in store.load("consumer-upstream")] == [REFUSED, REAPPLIED, REAPPLIED]


def test_a_message_beyond_the_sources_head_is_parked_not_applied():
    events = source_events(3)
    store, handler = MemoryEventStore(), Flaky({})
    c = consumer(store, handler, source_head=lambda at_least: 2)
    c.receive(events[0])
    with pytest.raises(Parked) as parked:
        c.receive(events[2])
    assert "ends at 2" in str(parked.value)
    assert store.consumed_position("upstream") == 1 and handler.applied == [1]


def test_a_gap_the_source_cannot_fill_is_parked():
    events = source_events(5)
    store, handler = MemoryEventStore(), Flaky({})
    c = consumer(store, handler, fetch=lambda source, after, limit: events[after : min(after + limit, 2)], gap_wait=0)
    with pytest.raises(Parked):
        c.receive(events[4])
    assert store.consumed_position("upstream") == 2 and handler.applied == [1, 2]


def test_what_a_consumer_records_is_in_the_published_contract():
    from watchpost.contracts.consumers import EVENTS

    events = source_events(2)
    store, handler = MemoryEventStore(), Flaky({1: ValueError()})
    c = consumer(store, handler)
    for event in events:
        c.receive(event)
    handler.failures[1] = Invalid("still wrong")
    c.reapply(events[0])
    handler.failures.clear()
    c.reapply(events[0])
    recorded = store.load("consumer-upstream")
    assert [e.type for e in recorded] == [REFUSED, REAPPLIED, REAPPLIED]
    for e in recorded:
        EVENTS[e.type][1]().load(e.payload)


def test_a_conflict_is_tried_again_and_refused_only_when_it_stays():
    from watchpost.errors import Conflict

    class RaceOnce(Flaky):
        def __call__(self, tx, ctx, event):
            if event.payload["k"] == 1 and not getattr(self, "raced", False):
                self.raced = True
                raise Conflict("the stream moved on")
            super().__call__(tx, ctx, event)

    store, handler = MemoryEventStore(), RaceOnce({2: Conflict("already published")})
    c = consumer(store, handler)
    for event in source_events(3):
        c.receive(event)
    assert handler.applied == [1, 3] and list(outstanding(store, "upstream")) == [2]
