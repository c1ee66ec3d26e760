"""Issue 23 end to end, through the real broker and database: one odd event never stalls a consumer.

1. The fuzzer's case: an `inspection.recorded` held on 0276-07-28 in community "kÃ" (as intake's contract admits)
   reaches assessment through intake's exchange; assessment ignores it by rule (a date outside the years it
   scores), keeps consuming, and the inspections after it are scored.
2. An event a consumer cannot apply (its handler raises) is refused: recorded, counted in /health (which names the
   source), listed by `GET /consumers` and `watchpost-audit refused`; the events after it are applied in order; after
   a fix, `POST /consumers/<source>/reapply` applies it and records that.
"""

from datetime import date

import pytest

from watchpost.audit.cli import main as audit
from watchpost.domain import Change
from watchpost.eventlog.consumer import outstanding
from watchpost.eventlog.postgres import PostgresEventStore
from watchpost.runtime import EventLog, WatchpostService, expose
from watchpost.testing import TEST_DATABASE_URL, publish_as_relay, wait_for

from assessment.projections import PROJECTIONS as ALL
from assessment.service import AssessmentService

pytestmark = pytest.mark.integration
CLERK = {"id": "clerk-1", "role": "district_commission"}


@expose([], {})
class SealedIntake(WatchpostService):
    """Stands in for intake: its log and its catch-up RPC, no relay (the test publishes as the relay would), no
    HTTP request schema (so nothing refuses the odd date at the door)."""

    name = "intake"
    store = EventLog(relay=False)


def inspection(n, held_on, community):
    return Change(
        "inspection.recorded",
        {
            "inspection_id": f"I{n}",
            "held_on": held_on,
            "subject": "村务公开",
            "scope": "财务",
            "category": None,
            "inspectors": ["P001"],
            "community": community,
            "street": "S01",
        },
    )


def started(container_factory, cls, config):
    container = container_factory(cls, config)
    container.start()
    return container


def test_an_odd_inspection_is_ignored_by_rule_and_the_inspections_after_it_are_scored(
    container_factory, service_config, client_for
):
    source_config, config = service_config(DB_POOL=4), service_config(DB_POOL=6)
    source = next(
        e for e in started(container_factory, SealedIntake, source_config).extensions if isinstance(e, EventLog)
    ).store
    client = client_for(started(container_factory, AssessmentService, config))
    month = date.today().strftime("%Y-%m")
    changes = [inspection(1, "0276-07-28", "kÃ")] + [inspection(n, f"{month}-01", "C01") for n in (2, 3)]
    for n, change in enumerate(changes, 1):
        source.append(f"inspection-I{n}", None, [change], actor=CLERK, correlation_id=f"c-{n}")
    publish_as_relay(config["AMQP_URI"], "intake", source.read_after(0, 10))

    store = PostgresEventStore(TEST_DATABASE_URL, config["DB_SCHEMA"], ALL, pool_size=1)
    try:
        wait_for(lambda: store.consumed_position("intake") == 3, what="assessment consumed intake's 3 events")
        assert outstanding(store, "intake") == {}  # ignored by rule, not refused
        assert store.docs("assessment_facts", {"community": "kÃ"}) == []
    finally:
        store.close()
    card = client.as_("district_commission").get(f"/scorecards/C01/{month}").json()
    counted = card["indicators"]["supervision_inspection"]["contributions"]
    assert sorted(c["position"] for c in counted) == [2, 3]
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["consumers"]["intake"]["refused"] == 0


# -- a consumer whose handler fails until it is fixed -------------------------------------------------------------
BROKEN = {"on": True}


def note(tx, ctx, event):
    if BROKEN["on"] and event.payload["n"] == 2:
        raise KeyError("a defect, met only by event 2")
    tx.append(
        f"noted-{event.payload['n']}",
        None,
        [Change("thing.noted", {"n": event.payload["n"]})],
        actor=ctx.actor.as_event_field(),
        correlation_id=ctx.correlation_id,
        command_id=ctx.command_id,
    )


@expose([], {})
class Upstream(WatchpostService):
    name = "upstream"
    store = EventLog(relay=False)


@expose([], {}, consumes={"upstream": {"thing.happened": note}})
class Downstream(WatchpostService):
    name = "downstream"
    store = EventLog(relay=False)


def test_a_refused_event_is_recorded_counted_listed_and_reapplied_after_a_fix(
    container_factory, service_config, client_for, capsys
):
    BROKEN["on"] = True
    source_config, config = service_config(DB_POOL=4), service_config(DB_POOL=6)
    source = next(
        e for e in started(container_factory, Upstream, source_config).extensions if isinstance(e, EventLog)
    ).store
    client = client_for(started(container_factory, Downstream, config))
    for n in range(1, 5):
        source.append(f"thing-{n}", None, [Change("thing.happened", {"n": n})], actor=CLERK, correlation_id=f"c{n}")
    publish_as_relay(config["AMQP_URI"], "upstream", source.read_after(0, 10))

    store = PostgresEventStore(TEST_DATABASE_URL, config["DB_SCHEMA"], pool_size=1)
    try:
        wait_for(lambda: store.consumed_position("upstream") == 4, what="all four consumed")
        assert [e.payload["n"] for e in store.replay() if e.type == "thing.noted"] == [1, 3, 4]
        health = client.get("/health").json()
        assert health["status"] == "degraded" and health["consumers"]["upstream"]["refused"] == 1
        assert any(line.startswith("upstream: 1 refused") for line in health["attention"])
        operator = client.as_("district_commission")
        listed = operator.get("/consumers").json()["upstream"]["refused"]
        assert [(r["position"], r["error"], r["message"].split(" ")[0]) for r in listed] == [(2, "defect", "KeyError")]
        assert "event 2" not in str(listed)  # the reason, not what the exception said
        assert client.as_("community_secretary", community="C01").post("/consumers/upstream/reapply").status_code == 403

        capsys.readouterr()
        assert (
            audit(
                [
                    "--database-url",
                    TEST_DATABASE_URL,
                    "refused",
                    "--service",
                    "assessment",
                    "--schema",
                    config["DB_SCHEMA"],
                ]
            )
            == 1
        )
        assert "upstream pos 2 thing.happened" in capsys.readouterr().out

        BROKEN["on"] = False  # the fix is deployed
        answer = operator.post("/consumers/upstream/reapply", json={})
        assert answer.status_code == 200, answer.text
        assert answer.json()["reapplied"] == [{"position": 2, "event_id": listed[0]["event_id"], "outcome": "applied"}]
        assert [e.payload["n"] for e in store.replay() if e.type == "thing.noted"] == [1, 3, 4, 2]
        assert outstanding(store, "upstream") == {} and client.get("/health").json()["status"] == "ok"
        assert (
            audit(
                [
                    "--database-url",
                    TEST_DATABASE_URL,
                    "refused",
                    "--service",
                    "assessment",
                    "--schema",
                    config["DB_SCHEMA"],
                ]
            )
            == 0
        )
    finally:
        BROKEN["on"] = True
        store.close()
