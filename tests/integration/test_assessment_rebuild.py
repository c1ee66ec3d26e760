"""Determinism across services: a simulated quarter of intake, liaison and training events, published to the
sources' exchanges as their relays would, consumed by a running assessment service, its periods closed and
adjusted; then assessment is rebuilt from the same source logs, from position 0, plus its own log, and every
scorecard, of each community and of each cadre, is identical to the point. The source services themselves are not
started: their logs are built here (sealed, hash-chained, dense positions) and their catch-up RPC is served by stubs.
"""

import random
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from nameko.rpc import rpc

from watchpost.eventlog.model import GENESIS, event_to_json, seal
from watchpost.eventlog.postgres import PostgresEventStore
from watchpost.testing import TEST_DATABASE_URL, publish_as_relay, wait_for

from assessment.domain.cadres import rank_cadres
from assessment.projections import PROJECTIONS as ALL
from assessment.rebuild import cadre_scorecards, compare, fold_logs, rebuild, scorecards
from assessment.service import AssessmentService

pytestmark = pytest.mark.integration

SOURCES = ("intake", "liaison", "training")
COMMUNITIES = [(f"C{n:02d}", f"S{n % 3 + 1}") for n in range(1, 9)]
START = datetime(2026, 1, 1, 1, 0, tzinfo=timezone.utc)  # 09:00 in Chengdu


class SourceLog:
    """A source service's log: dense positions, chained hashes, served by `page` like its catch-up API."""

    def __init__(self, service):
        self.service, self.events, self.prev = service, [], GENESIS

    def emit(self, at, type, **payload):
        event = seal(
            self.prev,
            type=type,
            payload=payload,
            schema_version=1,
            event_id=str(uuid.uuid4()),
            stream_id=f"{type.split('.')[0]}-{payload.get('clue_id') or payload.get('person_id') or 'x'}",
            stream_version=1,
            position=len(self.events) + 1,
            occurred_at=at,
            recorded_at=at,
            actor={"id": f"{self.service}-clerk", "role": "system"},
            correlation_id=str(uuid.uuid4()),
            causation_id=None,
        )
        self.prev = event.hash
        self.events.append(event)

    def page(self, after=0, limit=100, token=None):
        events = self.events[after : after + limit]
        return {
            "events": [event_to_json(e) for e in events],
            "next_after": events[-1].position if events else after,
            "head": len(self.events),
        }


def simulate(seed=2026):
    """A quarter in eight communities of three streets: timeline of (when, source, type, payload)."""
    rng, timeline = random.Random(seed), []

    def at(day, hours=0):
        return START + timedelta(days=day, hours=hours)

    for day in range(92):  # 1 January .. 2 April
        on = (at(day) + timedelta(hours=8)).date()
        for c, s in COMMUNITIES:
            here = {"community": c, "street": s}
            if on.day == 3 and on.month > 1:  # monthly feedback of the month before, a few late or missed
                month = (on.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
                for p in range(3):
                    roll, who = rng.random(), {"person_id": f"{c}-P{p}", "period": month, **here}
                    if roll < 0.1:
                        timeline.append((at(day), "liaison", "feedback.missed", {**who, "due_on": str(on)}))
                    else:
                        timeline.append(
                            (
                                at(day, 2),
                                "liaison",
                                "feedback.submitted",
                                {**who, "submitted_on": str(on), "on_time": roll > 0.2, "major_problem": roll > 0.95},
                            )
                        )
            roll, clue = rng.random(), f"{c}-{day}"
            if roll < 0.07:
                timeline += [
                    (at(day), "intake", "clue.registered", {"clue_id": clue, "ledger_no": f"L{clue}", **here}),
                    (
                        at(day, 30),
                        "intake",
                        "clue.disposal_approved",
                        {"clue_id": clue, "disposal": "talk_inquiry", "approver_level": 1, **here},
                    ),
                    (
                        at(day + 20),
                        "intake",
                        "clue.concluded",
                        {"clue_id": clue, "outcome": "closed_cleared", "within_limit": rng.random() < 0.8, **here},
                    ),
                    (
                        at(day + 24),
                        "intake",
                        "clue.feedback_given",
                        {"clue_id": clue, "on_time": rng.random() < 0.7, **here},
                    ),
                ]
            elif roll < 0.1:
                timeline.append(
                    (
                        at(day),
                        "intake",
                        "clue.overdue",
                        {
                            "clue_id": clue,
                            "due_on": str(on),
                            "clock": rng.choice(["disposal", "reply", "feedback", "acceptance_notice"]),
                            **here,
                        },
                    )
                )
            elif roll < 0.18:
                timeline += [
                    (at(day), "intake", "opinion.resolved", {"opinion_id": clue, **here}),
                    (at(day, 5), "intake", "opinion.feedback_given", {"opinion_id": clue, **here}),
                ]
            elif roll < 0.22:
                timeline += [
                    (
                        at(day),
                        "intake",
                        "inspection.recorded",
                        {"inspection_id": clue, "held_on": str(on), "subject": "三务公开", "scope": "村(社区)", **here},
                    ),
                    (
                        at(day + 25),
                        "intake",
                        rng.choice(["rectification.verified", "rectification.overdue"]),
                        {"finding_id": clue, "on_time": rng.random() < 0.7, **here},
                    ),
                ]
            elif roll < 0.32:
                for p in range(rng.randint(1, 3)):
                    timeline.append(
                        (
                            at(day),
                            "training",
                            "attendance.recorded",
                            {
                                "session_id": f"session-{day}",
                                "person_id": f"{c}-P{p}",
                                "hours": 2,
                                "held_on": str(on),
                                "status": rng.choice(["present", "present", "absent", "excused"]),
                                **here,
                            },
                        )
                    )
            elif roll < 0.36:
                timeline.append(
                    (
                        at(day),
                        "liaison",
                        "pairing.contact_recorded",
                        {"pairing_id": f"pairing-{c}", "kind": "duty_talk", "held_on": str(on), **here},
                    )
                )
            if day == 60 and rng.random() < 0.5:
                timeline.append((at(day), "training", "onboarding.completed", {"person_id": f"{c}-P9", **here}))
        if on.isoformat() == "2026-04-02":
            for c, s in COMMUNITIES:  # the quarterly reports, filed after the months were closed
                timeline.append(
                    (
                        at(day, 3),
                        "liaison",
                        "report.submitted",
                        {
                            "station_id": f"station-{c}",
                            "period": "2026-Q1",
                            "submitted_on": str(on),
                            "on_time": rng.random() < 0.8,
                            "community": c,
                            "street": s,
                        },
                    )
                )
    logs = {s: SourceLog(s) for s in SOURCES}
    for when, source, type, payload in sorted(timeline, key=lambda t: (t[0], t[1], t[2], sorted(t[3].items()))):
        logs[source].emit(when, type, **payload)
    return logs


@pytest.fixture
def quarter(container_factory, service_config, client_for):
    logs = simulate()
    config = service_config(CONSUMER_WATCH_SECONDS=0)  # what assessment has consumed is what the test delivered
    for log in logs.values():
        stub = type(
            f"Stub{log.service}",
            (),
            {
                "name": log.service,
                "events_after": rpc(
                    lambda self, after=0, limit=100, token=None, log=log: log.page(after, limit, token)
                ),
            },
        )
        container_factory(stub, config).start()
    container = container_factory(AssessmentService, config)
    container.start()
    client = client_for(container)
    wait_for(lambda: client.as_("auditor").get("/rulebooks").json().get("rulebooks"), what="rulebook v1")
    store = PostgresEventStore(TEST_DATABASE_URL, config["DB_SCHEMA"], ALL, pool_size=2)
    yield logs, config, client, store
    store.close()


def deliver(config, store, logs, before=None):
    """Publish each source's events (up to `before`) and wait until assessment has consumed them all."""
    want = {}
    for source, log in logs.items():
        start = store.consumed_position(source)
        events = [e for e in log.events[start:] if before is None or e.occurred_at < before]
        publish_as_relay(config["AMQP_URI"], source, events)
        want[source] = start + len(events)
    wait_for(lambda: all(store.consumed_position(s) >= n for s, n in want.items()), what=f"consumed {want}")


def test_a_simulated_quarter_rebuilds_to_identical_scorecards(quarter):
    logs, config, client, store = quarter
    assert sum(len(log.events) for log in logs.values()) > 300
    admin = client.as_("district_commission")
    deliver(config, store, logs, before=datetime(2026, 4, 1, tzinfo=timezone.utc))
    for period in ("2026-01", "2026-02", "2026-03", "2026-Q1"):
        closed = admin.post(f"/periods/{period}/close")
        assert closed.status_code == 200, closed.text
    deliver(config, store, logs)  # April's late events: the quarterly reports, late feedback
    for period in ("2026-03", "2026-Q1"):
        assert admin.post(f"/periods/{period}/adjustments").status_code == 200
    assert admin.post("/periods/2026/warnings").status_code == 200
    own = {e.type for e in store.replay()}
    assert own >= {"rulebook.published", "period.closed", "scorecard.adjusted", "score.warning_raised"}

    sources = {
        s: (lambda after, limit, log=log: [e for e in log.events[after : after + limit]]) for s, log in logs.items()
    }
    report = rebuild(store, sources)
    assert report["settled"] and report["differences"] == [] and report["identical"]
    assert report["through"] == {s: len(log.events) for s, log in logs.items()}
    periods = {"2026-01", "2026-02", "2026-03", "2026-Q1", "2026"}
    assert {p for _, p in scorecards(report["view"])} >= periods
    rebuilt = scorecards(report["view"])
    auditor = client.as_("auditor")
    for community, _ in COMMUNITIES:  # what the service serves equals the rebuild, to the point
        for period in periods:
            served = auditor.get(f"/scorecards/{community}/{period}").json()
            assert served == rebuilt[(community, period)]
    q1 = rebuilt[("C01", "2026-Q1")]
    assert q1["status"] == "closed" and q1["adjustments"] and q1["total"] != 100

    cadres = cadre_scorecards(report["view"])  # each cadre's scorecards too: served == rebuilt, to the point
    assert report["cadre_differences"] == [] and report["compared_cadres"] == len(cadres) > 8 * 3 * 5
    assert {p for _, p in cadres} >= periods
    for (person, period), card in cadres.items():
        assert auditor.get(f"/cadres/{person}/scorecards/{period}").json() == card
    frozen = [c for (_, p), c in cadres.items() if p == "2026-Q1"]  # frozen at the closed quarter's cut-off
    assert frozen and all((c["status"], c["through"]) == ("closed", q1["through"]) for c in frozen)
    march = [c for (_, p), c in cadres.items() if p == "2026-03" and c["status"] == "closed" and c["total"] != 100]
    assert march and all(c["cadre_section"] == "default" for c in march)
    ranked = auditor.get("/communities/C01/cadres/2026-Q1").json()["rows"]
    assert ranked == rank_cadres(
        [c for (_, p), c in cadres.items() if p == "2026-Q1" and any(x["community"] == "C01" for x in c["communities"])]
    )

    # the check is not vacuous: a rebuild that misses one counted event differs, and names where
    own_log, counted = list(store.replay()), next(e for e in logs["training"].events if e.type == "attendance.recorded")
    short = {s: [e for e in log.events if e is not counted] for s, log in logs.items()}
    missed = compare(scorecards(store), scorecards(fold_logs(own_log, short, report["through"])))
    assert {d["community"] for d in missed} == {counted.payload["community"]}
    assert all(d["indicators"] == ["publicity_education"] for d in missed)
    missed = compare(
        cadre_scorecards(store), cadre_scorecards(fold_logs(own_log, short, report["through"])), who="person_id"
    )
    assert {d["person_id"] for d in missed} == {counted.payload["person_id"]}
    assert all(d["indicators"] == ["publicity_education"] for d in missed)

    over_rpc = auditor.post("/rebuild").json()  # the same check through the sources' catch-up RPC
    assert over_rpc["identical"] and over_rpc["compared"] == report["compared"]
    assert over_rpc["compared_cadres"] == report["compared_cadres"] and over_rpc["cadre_differences"] == []
