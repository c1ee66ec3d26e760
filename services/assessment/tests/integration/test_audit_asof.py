"""`watchpost-audit as-of TIME --scorecard` and the counts of `completeness` against assessment's facts, over real
PostgreSQL logs: three source logs and assessment's own, assessment consuming the sources as its consumer does."""

import json
from datetime import datetime, timedelta, timezone

import psycopg2
import pytest

from watchpost.audit.cli import main
from watchpost.domain import Change
from watchpost.testing import TEST_DATABASE_URL, make_ctx

from assessment import commands, reads
from assessment.domain.rulebook import default
from assessment.projections import PROJECTIONS as ALL

pytestmark = pytest.mark.integration
ACTOR = {"id": "intake-1", "role": "system"}
MARCH = datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)
C1 = {"community": "C1", "street": "S1"}
C2 = {"community": "C2", "street": "S1"}


class Clock:
    """One clock for every log: each write is recorded an hour after the last, from 1 April 09:00 UTC."""

    def __init__(self):
        self.now = datetime(2026, 4, 1, 9, 0, tzinfo=timezone.utc)

    def __call__(self):
        self.now += timedelta(hours=1)
        return self.now

    def stamp(self):
        """A moment between the last write and the next one."""
        return (self.now + timedelta(minutes=30)).isoformat()


@pytest.fixture
def world(pg_store):
    clock = Clock()
    logs = {s: pg_store(clock=clock) for s in ("intake", "liaison", "training")}
    assessment = pg_store(projections=ALL, clock=clock)

    def emit(source, stream, type, at=MARCH, **payload):
        logs[source].append(stream, None, [Change(type, payload)], actor=ACTOR, correlation_id="c", occurred_at=at)

    def feed():
        for name, log in logs.items():
            for event in log.read_after(assessment.consumed_position(name)):
                assessment.consume(name, event.position, lambda tx, e=event: tx.project(e))

    def run(capsys, *argv):
        code = main(["--database-url", TEST_DATABASE_URL, *argv])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    sources = [f"--source-schema={name}={log.schema}" for name, log in logs.items()]
    return type(
        "World",
        (),
        dict(
            clock=clock,
            logs=logs,
            assessment=assessment,
            emit=staticmethod(emit),
            feed=staticmethod(feed),
            run=staticmethod(run),
            sources=sources,
        ),
    )


def live(store, community="C1", period="2026-03"):
    card = reads.scorecard(store, make_ctx("auditor"), community=community, period=period)
    return json.loads(json.dumps(card))


def as_of(world, capsys, moment, community="C1", period="2026-03"):
    code, out, err = world.run(
        capsys, "as-of", moment, "--scorecard", community, period, "--schema", world.assessment.schema, *world.sources
    )
    return code, (json.loads(out) if code == 0 else err)


def test_a_scorecard_as_of_a_time_is_folded_from_the_logs_and_ends_equal_to_the_live_one(capsys, world):
    before_rulebook = world.clock.stamp()
    commands.publish_rulebook(world.assessment, make_ctx("district_commission"), **default())
    world.emit("intake", "clue-1", "clue.acceptance_notified", clue_id="k1", **C1)
    world.emit("liaison", "fb-1", "feedback.submitted", person_id="p1", period="2026-03", on_time=True, **C1)
    world.feed()
    first = world.clock.stamp()
    world.emit("intake", "clue-1", "clue.registered", clue_id="k1", **C1)
    world.emit("intake", "op-1", "opinion.resolved", opinion_id="o1", **C1)
    world.emit(
        "training",
        "att-1",
        "attendance.recorded",
        session_id="s1",
        person_id="p1",
        status="present",
        held_on="2026-03-12",
        **C1,
    )
    world.feed()
    commands.close_period(world.assessment, make_ctx("district_commission", now=world.clock.now), period="2026-03")
    world.emit("intake", "clue-2", "clue.acceptance_notified", clue_id="k2", **C1)  # after the close: pending
    world.emit("intake", "clue-3", "clue.acceptance_notified", clue_id="k3", **C1)  # not consumed yet
    for event in world.logs["intake"].read_after(world.assessment.consumed_position("intake"), 1):
        world.assessment.consume("intake", event.position, lambda tx, e=event: tx.project(e))

    code, then = as_of(world, capsys, first)
    assert code == 0 and then["scorecard"]["status"] == "open" and then["scorecard"]["through"] is None
    assert then["logs"]["intake"] == {"events": 1, "consumed_now": 4} and then["logs"]["assessment"]["events"] == 1
    notified = world.logs["intake"].read_after(0, 1)[0].event_id
    assert then["contributing"]["intake"] == [notified] and len(then["contributing"]["liaison"]) == 1
    assert then["contributing"]["assessment"] == [world.assessment.read_after(0, 1)[0].event_id]

    code, now = as_of(world, capsys, world.clock.stamp())
    assert code == 0 and now["scorecard"] == live(world.assessment)
    assert now["scorecard"]["status"] == "closed" and now["scorecard"]["total"] != then["scorecard"]["total"]
    assert now["scorecard"]["through"] == {"intake": 3, "liaison": 1, "training": 1}
    assert len(now["contributing"]["intake"]) == 3 and len(now["contributing"]["training"]) == 1
    assert len(now["contributing"]["assessment"]) == 2 and len(now["contributing"]["pending"]) == 1
    assert now["logs"]["intake"] == {"events": 4, "consumed_now": 4}  # the fifth is not consumed yet
    by_date = as_of(world, capsys, "2026-04-30")[1]  # a date: the end of that day
    assert (by_date["scorecard"], by_date["contributing"]) == (now["scorecard"], now["contributing"])
    code, quarter = as_of(world, capsys, world.clock.stamp(), period="2026-Q1")
    assert code == 0 and quarter["scorecard"] == live(world.assessment, period="2026-Q1")

    code, none = as_of(world, capsys, before_rulebook)
    assert code == 0 and none["scorecard"] is None and none["refused"]["code"] == "not_found"
    code, err = as_of(world, capsys, first, community="C404")
    assert code == 2 and "'C404' is not known" in err
    code, err = as_of(world, capsys, first, period="2026-13")
    assert code == 2 and "2026-13" in err
    with pytest.raises(SystemExit):
        main(["as-of", first, "--scorecard", "C1", "2026-03", "--service", "intake"])


def test_as_of_refuses_a_source_log_that_does_not_verify(capsys, world):
    commands.publish_rulebook(world.assessment, make_ctx("district_commission"), **default())
    world.emit("intake", "clue-1", "clue.acceptance_notified", clue_id="k1", **C1)
    world.emit("intake", "clue-2", "clue.acceptance_notified", clue_id="k2", **C1)
    world.feed()
    superuser(
        world.logs["intake"].schema,
        "SET session_replication_role = replica",
        """UPDATE events SET data = replace(data, '"k1"', '"k9"') WHERE position = 1""",
    )
    code, err = as_of(world, capsys, world.clock.stamp())
    assert code == 2 and "does not verify at 1" in err and "watchpost-audit verify --service intake" in err


def superuser(schema, *statements):
    conn = psycopg2.connect(TEST_DATABASE_URL)
    with conn, conn.cursor() as cur:
        cur.execute(f'SET search_path TO "{schema}"')
        for statement in statements:
            cur.execute(statement)
    conn.close()


def handled(world, n, community, received_on, *types, at=MARCH, **extra):
    world.emit("intake", f"clue-{n}", "clue.received", clue_id=f"k{n}", received_on=received_on, **community)
    for kind in types:
        world.emit("intake", f"clue-{n}", kind, at=at, clue_id=f"k{n}", **community, **extra.get(kind, {}))


def test_completeness_counts_agree_with_assessments_facts_and_a_tampered_document_is_caught(capsys, world):
    concluded = {"clue.concluded": {"outcome": "closed_cleared", "within_limit": True}}
    handled(world, 1, C1, "2026-03-02", "clue.acceptance_notified", "clue.registered", "clue.concluded", **concluded)
    handled(world, 2, C1, "2026-03-05", "clue.acceptance_notified", "clue.registered")
    handled(
        world,
        3,
        C2,
        "2026-03-06",
        "clue.acceptance_notified",
        "clue.feedback_given",
        **{"clue.feedback_given": {"on_time": False}},
    )
    handled(world, 4, C2, "2026-04-02", "clue.acceptance_notified", at=datetime(2026, 4, 2, tzinfo=timezone.utc))
    world.feed()
    world.emit("intake", "clue-5", "clue.registered", clue_id="k5", **C2)  # not consumed yet: no mismatch
    args = [
        "completeness",
        "--period",
        "2026-03",
        "--schema",
        world.logs["intake"].schema,
        "--assessment-schema",
        world.assessment.schema,
        "--today",
        "2026-04-30",
    ]
    code, out, _ = world.run(capsys, *args)
    assert code == 0 and "MISMATCH" not in out, out
    assert "C1  信访办理 clue.acceptance_notified: intake 2, assessment 2" in out
    assert "C1  案件管理 clue.registered: intake 2, assessment 2" in out
    assert "C1  案件审理 clue.concluded: intake 1, assessment 1" in out
    assert "C2  信访办理 clue.feedback_given: intake 1, assessment 1" in out
    assert "C2  信访办理 clue.acceptance_notified: intake 1, assessment 1" in out  # k4 is April's
    assert "has not consumed 13..13 yet" in out
    report = json.loads(world.run(capsys, *args, "--json")[1])["scorecards"]
    assert report["mismatches"] == [] and len(report["rows"]) == 5

    superuser(
        world.assessment.schema,
        "UPDATE projection_docs SET doc = doc #- '{facts,clues_registered_without_overdue,clue-registered:k2}' "
        "WHERE projection = 'assessment_facts' AND key = 'C1|2026-03'",
    )
    code, out, _ = world.run(capsys, *args)
    assert code == 1
    assert "MISMATCH C1  案件管理 clue.registered: intake 2, assessment 1; only in intake: k2" in out
    assert json.loads(world.run(capsys, *args, "--json")[1])["scorecards"]["mismatches"][0]["only_in_intake"] == ["k2"]
    assert world.run(capsys, *args, "--intake-only")[0] == 0
    code, _, err = world.run(capsys, *args[:-4], "--assessment-schema", "no_such_schema_here")
    assert code == 2 and "no schema 'no_such_schema_here'" in err
