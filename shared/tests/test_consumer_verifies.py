"""A consumer verifies what it applies (issue 17): an event's hash over its canonical bytes, its prev_hash against the
last event applied from that source, and its position's bounds. A forged, altered or out-of-chain message raises
`Forged` and changes nothing; the genuine event still applies after it.

What the chain cannot tell: a new, well-chained event sealed by whoever may publish on the source's exchange. That
is what the broker's permissions forbid (deploy/rabbitmq/definitions.json, tests/integration/test_broker_users.py),
and what `watchpost-audit verify` finds afterwards against the source's signed checkpoints."""

import pytest

from watchpost.domain import Change
from watchpost.eventlog.consumer import Consumer, Forged, Parked
from watchpost.eventlog.memory import MemoryEventStore
from watchpost.eventlog.model import seal

ACTOR = {"id": "dc-1", "role": "district_commission"}


def source_events(n):
    source = MemoryEventStore()
    for k in range(1, n + 1):
        source.append(f"thing-{k}", None, [Change("thing.happened", {"k": k})], actor=ACTOR, correlation_id=f"c-{k}")
    return source.read_after(0, n)


def resealed(event, prev_hash, **changed):
    """`event` with `changed` fields, sealed again (a correct hash) on `prev_hash`: what a forger can compute."""
    fields = {
        f: getattr(event, f)
        for f in (
            "type",
            "payload",
            "schema_version",
            "stream_id",
            "stream_version",
            "position",
            "occurred_at",
            "recorded_at",
            "actor",
            "correlation_id",
            "causation_id",
        )
    }
    return seal(prev_hash, **{**fields, **changed})


class Applied:
    def __init__(self):
        self.seen = []

    def __call__(self, tx, ctx, event):
        self.seen.append((event.position, event.payload["k"]))


def consumer(store, handler, **kw):
    return Consumer(store, "upstream", {"thing.happened": handler}, sleep=lambda s: None, **kw)


def forgeries(genuine):
    first, second = genuine[0], genuine[1]
    return {
        "altered payload, old hash": second._replace(payload={"k": 99}),
        "altered hash": second._replace(hash="f" * 64),
        "right hash, wrong prev": resealed(second, "a" * 64, payload={"k": 99}),
        "first event replayed, its hash, at the next position": first._replace(position=2),
        "stream version changed, old hash": second._replace(stream_version=5),
        "position zero": resealed(second, first.hash, position=0),
        "position a string": second._replace(position="2"),
        "position beyond a bigint": resealed(second, first.hash, position=2**63),
        "hash not hex": second._replace(hash="z" * 64),
    }


@pytest.mark.parametrize("name", list(forgeries(source_events(3))))
def test_a_forged_message_is_refused_and_changes_nothing_and_the_genuine_event_applies_after_it(name):
    genuine = source_events(3)
    store, handler = MemoryEventStore(), Applied()
    c = consumer(store, handler)
    c.receive(genuine[0])
    with pytest.raises(Forged) as refused:
        c.receive(forgeries(genuine)[name])
    assert "upstream: the message at position" in str(refused.value)
    assert store.consumed_position("upstream") == 1 and handler.seen == [(1, 1)]
    assert store.load("consumer-upstream") == []  # not even recorded as refused
    for event in genuine[1:]:
        c.receive(event)
    assert handler.seen == [(1, 1), (2, 2), (3, 3)]


def test_a_refused_event_keeps_the_chain_so_the_next_genuine_one_applies():
    genuine = source_events(3)
    store = MemoryEventStore()

    def fails_on_two(tx, ctx, event):
        if event.payload["k"] == 2:
            raise ValueError("a defect")

    c = consumer(store, fails_on_two)
    for event in genuine:
        c.receive(event)
    assert store.consumed_position("upstream") == 3


def test_a_position_far_ahead_is_parked_when_the_source_has_no_such_event():
    genuine = source_events(2)
    store, handler = MemoryEventStore(), Applied()
    c = consumer(store, handler, source_head=lambda at_least: 2)
    c.receive(genuine[0])
    with pytest.raises(Parked):
        c.receive(resealed(genuine[1], "b" * 64, position=1_000_000))
    c.receive(genuine[1])
    assert handler.seen == [(1, 1), (2, 2)]


def test_catch_up_verifies_what_the_source_serves_too():
    genuine = source_events(2)
    served = [genuine[0], genuine[1]._replace(payload={"k": 7})]
    c = consumer(MemoryEventStore(), Applied(), fetch=lambda source, after, limit: served[after : after + limit])
    with pytest.raises(Forged):
        c.catch_up()
    assert c.store.consumed_position("upstream") == 1
