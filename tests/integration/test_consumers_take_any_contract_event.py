"""Every event a source's contract admits is one its consumers can apply (or ignore by rule): fed sequences of
events generated from the source's published schemas (watchpost.contracts, via `watchpost.testing.contract_payloads`),
assessment, training and intake's consumer of liaison neither raise, nor stall, nor refuse: each event moves the
consumer's position on and none is recorded as refused. Dates run from year 1 to 9999 and text is any Unicode, as
the contracts allow. Against the in-memory log (no I/O): the consumers' own logic, not the database's."""

import uuid
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchpost.contracts import consumers, published
from watchpost.eventlog.consumer import Consumer, outstanding
from watchpost.eventlog.memory import MemoryEventStore
from watchpost.eventlog.model import GENESIS, seal
from watchpost.testing import contract_payloads

from assessment.projections import PROJECTIONS as ASSESSMENT
from intake.consumers import major_problem_flagged
from intake.projections import PROJECTIONS as INTAKE
from intake.vault import MemoryVault
from training.consumers import CONSUMERS as TRAINING_CONSUMERS
from training.projections import PROJECTIONS as TRAINING


def contract(source):
    return {**published(source), **(consumers.EVENTS if source in consumers.CONSUMING else {})}


def events_of(source):
    """Strategy: a list of (type, payload, occurred_at) the source's contract admits."""
    one = st.one_of(
        [st.tuples(st.just(t), contract_payloads(schema)) for t, (_, schema) in sorted(contract(source).items())]
    )
    moment = st.datetimes(datetime(2000, 1, 1), datetime(2098, 12, 31), timezones=st.just(timezone.utc))
    return st.lists(st.tuples(one, moment), min_size=1, max_size=8)


def sealed(source, generated):
    prev, found = GENESIS, []
    for position, ((type, payload), at) in enumerate(generated, 1):
        event = seal(
            prev,
            type=type,
            payload=payload,
            schema_version=contract(source)[type][0],
            event_id=str(uuid.uuid4()),
            stream_id=f"{type.split('.')[0]}-{position}",
            stream_version=1,
            position=position,
            occurred_at=at,
            recorded_at=at,
            actor={"id": f"{source}-clerk", "role": "system"},
            correlation_id=str(uuid.uuid4()),
            causation_id=None,
        )
        prev = event.hash
        found.append(event)
    return found


def intake_consumer(store):
    vault = MemoryVault()
    return Consumer(
        store,
        "liaison",
        {"feedback.major_problem_flagged": lambda tx, ctx, event: major_problem_flagged(tx, ctx, event, vault=vault)},
        sleep=lambda s: None,
    )


CONSUMERS = {
    "assessment of intake": (
        "intake",
        lambda: Consumer(MemoryEventStore(ASSESSMENT), "intake", {}, project_all=True, sleep=lambda s: None),
    ),
    "assessment of liaison": (
        "liaison",
        lambda: Consumer(MemoryEventStore(ASSESSMENT), "liaison", {}, project_all=True, sleep=lambda s: None),
    ),
    "assessment of training": (
        "training",
        lambda: Consumer(MemoryEventStore(ASSESSMENT), "training", {}, project_all=True, sleep=lambda s: None),
    ),
    "training of liaison": (
        "liaison",
        lambda: Consumer(MemoryEventStore(TRAINING), "liaison", TRAINING_CONSUMERS["liaison"], sleep=lambda s: None),
    ),
    "intake of liaison": ("liaison", lambda: intake_consumer(MemoryEventStore(INTAKE))),
}


@pytest.mark.parametrize("name", sorted(CONSUMERS))
def test_a_consumer_applies_every_event_its_sources_contract_admits(name):
    source, make = CONSUMERS[name]

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(generated=events_of(source))
    def check(generated):
        consumer = make()
        for event in sealed(source, generated):
            assert consumer.receive(event) is True
            assert consumer.store.consumed_position(source) == event.position
        refused = outstanding(consumer.store, source)
        assert refused == {}, f"{name} refused {list(refused.values())}"

    check()
