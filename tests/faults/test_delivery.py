"""Duplicate and out-of-order delivery: sealed events published by the test itself, every one twice, newest first,
then all again shuffled, to the real consumers (training applies liaison's appointments; assessment folds every
event of liaison and training into its projections). Each is applied exactly once, in position order (a gap is
filled from the source's catch-up RPC), and every projection equals its rebuild."""

import random
from datetime import date

import pytest
from faults_support import consumed, eventually, head, rows, verified

from watchpost.domain import Change
from watchpost.runtime import EventLog, WatchpostService, expose
from watchpost.testing import SENTINEL, publish_as_relay, settle

from assessment.service import AssessmentService
from training.service import TrainingService

pytestmark = pytest.mark.integration
PEOPLE = 25


@expose([], {})
class SealedLiaison(WatchpostService):
    """Stands in for liaison: its log and its catch-up RPC (`events_after`), but no relay: the test publishes."""

    name = "liaison"
    store = EventLog(relay=False)


def appointment(n):
    return {
        "person_id": f"P{n:03}",
        "name": f"信息员{n}",
        "role": "informant",
        "street": "S01",
        "community": "C01",
        "station_id": "ST01",
        "groups": ["G01"],
        "appointed_on": date.today().isoformat(),
        "reports_to": {"role": "community_secretary", "street": "S01", "community": "C01"},
    }


def publish(amqp_uri, events):
    publish_as_relay(amqp_uri, "liaison", events)


def started(container_factory, cls, config):
    container = container_factory(cls, config)
    container.start()
    return container


def test_duplicate_and_out_of_order_delivery(container_factory, service_config):
    source_config, training_config, assessment_config = (service_config(DB_POOL=6) for _ in range(3))
    source = started(container_factory, SealedLiaison, source_config)
    store = next(e for e in source.extensions if isinstance(e, EventLog)).store
    started(container_factory, TrainingService, training_config)  # their queues are declared
    started(container_factory, AssessmentService, assessment_config)
    for n in range(PEOPLE):
        store.append(
            f"person-P{n:03}",
            None,
            [Change("person.appointed", appointment(n))],
            actor={"id": "dc-1", "role": "district_commission"},
            correlation_id=f"c-{n}",
        )
    sealed = store.read_after(0, 1000)
    assert [e.position for e in sealed] == list(range(1, PEOPLE + 1))

    shuffled = sealed[:]
    random.Random(10).shuffle(shuffled)
    publish(source_config["AMQP_URI"], [e for e in reversed(sealed) for _ in range(2)] + shuffled)

    t_schema, a_schema = training_config["DB_SCHEMA"], assessment_config["DB_SCHEMA"]
    assert eventually(lambda: consumed(t_schema, "liaison") == PEOPLE, timeout=25), consumed(t_schema, "liaison")
    assert eventually(lambda: consumed(a_schema, "liaison") == PEOPLE, timeout=25), consumed(a_schema, "liaison")
    assert eventually(lambda: consumed(a_schema, "training") == head(t_schema), timeout=25)
    [sentinel] = store.append(
        "sentinel",
        None,
        [Change(SENTINEL, {})],  # late duplicates have arrived:
        actor={"id": "dc-1", "role": "district_commission"},
        correlation_id="sentinel",
    )
    settle(
        lambda events: publish(source_config["AMQP_URI"], events),
        sentinel,
        lambda: min(consumed(t_schema, "liaison"), consumed(a_schema, "liaison")),
        what="liaison's sentinel",
    )

    enrolled = rows(
        t_schema, "SELECT stream_id, count(*) FROM events WHERE type = 'onboarding.enrolled' GROUP BY stream_id"
    )
    assert len(enrolled) == PEOPLE and {count for _, count in enrolled} == {1}
    order = [
        int(cid.rsplit("P", 1)[-1])
        for (cid,) in rows(
            t_schema, "SELECT stream_id FROM events WHERE type = 'onboarding.enrolled' ORDER BY position"
        )
    ]
    assert order == sorted(order)  # applied in the source's position order
    assert consumed(t_schema, "liaison") == PEOPLE + 1 and consumed(a_schema, "liaison") == PEOPLE + 1  # + sentinel
    verified("training", t_schema)
    verified("assessment", a_schema, source_schemas={"liaison": source_config["DB_SCHEMA"], "training": t_schema})
