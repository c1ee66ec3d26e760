"""A simulated quarter across intake, liaison and training: live scores equal a rebuild from the logs, to the point,
whatever the interleaving of the sources, and every point traces to an event in a source log."""

import random
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchpost.contracts import check
from watchpost.eventlog.memory import MemoryEventStore
from watchpost.testing import make_ctx

from assessment import commands
from assessment import reads as assessment_reads
from assessment.domain.rulebook import default
from assessment.projections import PROJECTIONS as ALL

COMMUNITIES = [(f"C{n}", f"S{n % 2 + 1}") for n in range(1, 7)]
PERIODS = ["2026-01", "2026-02", "2026-03", "2026-Q1", "2026"]


def simulate(kit, seed=7):
    """About a thousand events over Q1 2026, in time order per source, some arriving in April."""
    rng = random.Random(seed)
    logs = {s: kit.SourceLog(s, rng) for s in ("intake", "liaison", "training")}
    timeline = []
    for day in range(95):
        at = datetime(2026, 1, 1, 2, tzinfo=timezone.utc) + timedelta(days=day)
        on = (at + timedelta(hours=8)).date()
        for c, s in COMMUNITIES:
            here = {"community": c, "street": s}
            if on.day == 1 and day > 0:
                month = (on.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
                for p in range(6):
                    late = rng.random() < 0.15
                    kind = rng.choice(["missed", "submitted"]) if late else "submitted"
                    fields = dict(person_id=f"{c}-p{p}", period=month, **here)
                    if kind == "missed":
                        timeline.append((at, "liaison", "feedback.missed", {**fields, "due_on": str(on)}))
                    else:
                        timeline.append(
                            (
                                at + timedelta(days=3 * late),
                                "liaison",
                                "feedback.submitted",
                                {**fields, "submitted_on": str(on), "on_time": not late},
                            )
                        )
            roll = rng.random()
            clue = f"{c}-k{day}"
            if roll < 0.08:
                timeline += [
                    (at, "intake", "clue.registered", {"clue_id": clue, "ledger_no": clue, **here}),
                    (
                        at + timedelta(days=20),
                        "intake",
                        "clue.concluded",
                        {"clue_id": clue, "outcome": "closed_cleared", "within_limit": rng.random() < 0.8, **here},
                    ),
                    (
                        at + timedelta(days=25),
                        "intake",
                        "clue.feedback_given",
                        {"clue_id": clue, "on_time": rng.random() < 0.7, **here},
                    ),
                ]
            elif roll < 0.12:
                timeline.append(
                    (
                        at,
                        "intake",
                        "clue.overdue",
                        {
                            "clue_id": clue,
                            "clock": rng.choice(["disposal", "reply", "feedback", "acceptance_notice"]),
                            "due_on": str(on),
                            **here,
                        },
                    )
                )
            elif roll < 0.2:
                timeline.append((at, "intake", "opinion.resolved", {"opinion_id": clue, **here}))
            elif roll < 0.25:
                timeline += [
                    (
                        at,
                        "intake",
                        "inspection.recorded",
                        {"inspection_id": clue, "held_on": str(on), "subject": "三务公开", "scope": "all", **here},
                    ),
                    (
                        at + timedelta(days=30),
                        "intake",
                        rng.choice(["rectification.verified", "rectification.overdue"]),
                        {"finding_id": clue, "on_time": rng.random() < 0.7, **here},
                    ),
                ]
            elif roll < 0.4:
                for p in range(rng.randint(1, 4)):
                    timeline.append(
                        (
                            at,
                            "training",
                            "attendance.recorded",
                            {
                                "session_id": f"s{day}",
                                "person_id": f"{c}-p{p}",
                                "hours": 2,
                                "held_on": str(on),
                                "status": rng.choice(["present", "present", "absent", "excused"]),
                                **here,
                            },
                        )
                    )
            elif roll < 0.45:
                timeline.append(
                    (
                        at,
                        "liaison",
                        "pairing.contact_recorded",
                        {"pairing_id": f"pr-{c}", "kind": "duty_talk", "held_on": str(on), **here},
                    )
                )
            if on.isoformat() == "2026-04-02":
                timeline.append(
                    (
                        at,
                        "liaison",
                        "report.submitted",
                        {
                            "station_id": f"st-{c}",
                            "period": "2026-Q1",
                            "submitted_on": str(on),
                            "on_time": rng.random() < 0.8,
                            **here,
                        },
                    )
                )
    for at, service, type, payload in sorted(timeline, key=lambda t: (t[0], t[1], t[2])):
        logs[service].emit(type, at=at, **payload)
    return logs


def run_live(kit, logs):
    """Deliver by the clock, closing each month on the 2nd of the next, recording adjustments, raising warnings."""
    store = MemoryEventStore(projections=ALL)
    commands.publish_rulebook(store, make_ctx(), **default())
    closes = [
        ("2026-01", datetime(2026, 2, 2, tzinfo=timezone.utc)),
        ("2026-02", datetime(2026, 3, 2, tzinfo=timezone.utc)),
        ("2026-03", datetime(2026, 4, 2, tzinfo=timezone.utc)),
        ("2026-Q1", datetime(2026, 4, 6, tzinfo=timezone.utc)),
    ]
    closed = []
    for period, now in closes:
        for service, log in logs.items():
            kit.deliver(
                store, service, [e for e in log.events[store.consumed_position(service) :] if e.occurred_at < now]
            )
        ctx = make_ctx(now=now)
        for earlier in closed:
            commands.record_adjustments(store, ctx, period=earlier)
        commands.close_period(store, ctx, period=period)
        closed.append(period)
    for service, log in logs.items():
        kit.deliver(store, service, log.events[store.consumed_position(service) :])
    commands.raise_warnings(store, make_ctx(), period="2026")
    return store


def reads(store):
    ctx = make_ctx(role="auditor")
    cards = {
        (c, p): assessment_reads.scorecard(store, ctx, community=c, period=p) for c, _ in COMMUNITIES for p in PERIODS
    }
    ranks = {p: assessment_reads.ranking(store, ctx, period=p) for p in PERIODS}
    why = assessment_reads.explain(store, ctx, community="C1", period="2026-Q1", indicator="information_reporting")
    people = {
        (p, period): assessment_reads.cadre_scorecard(store, ctx, person_id=p, period=period)
        for p in ("C1-p0", "C2-p3", "C6-p5")
        for period in PERIODS
    }
    return cards, ranks, why, people, assessment_reads.cadre_ranking(store, ctx, community="C1", period="2026-Q1")


def interleave(logs, rng):
    """One valid arrival order: each source's events in position order, the sources mixed at random."""
    queues = {s: list(log.events) for s, log in logs.items()}
    merged = []
    while any(queues.values()):
        merged.append(queues[rng.choice([s for s in queues if queues[s]])].pop(0))
    return merged


def test_a_simulated_quarter_rebuilds_to_identical_scorecards(kit):
    logs = simulate(kit)
    assert sum(len(log.events) for log in logs.values()) > 600
    live = run_live(kit, logs)
    own = list(live.replay())
    assert {e.type for e in own} >= {"period.closed", "scorecard.adjusted", "score.warning_raised"}
    for event in own:
        check("assessment", event.type, event.payload, event.schema_version)
    expected = reads(live)
    for seed in (1, 2):
        rebuilt = kit.Folded(interleave(logs, random.Random(seed)) + own)
        assert reads(rebuilt) == expected
    # the store's own rebuild folds only assessment's log: its own projections match, the foreign-fed ones cannot
    assert {n for n, _ in live.rebuild_differences()} <= {
        "assessment_facts",
        "assessment_cadre_facts",
        "assessment_communities",
    }

    events = {e.event_id: (s, e.position) for s, log in logs.items() for e in log.events}
    cards, _, _, people, _ = expected
    for card in [*cards.values(), *people.values()]:
        for block in card["indicators"].values():
            for c in block["contributions"]:
                assert events[c["event_id"]] == (c["source"], c["position"])
            rows = [Decimal(str(c["points"])) for c in block["contributions"]]
            assert sum(rows) + Decimal(str(block["baseline_points"])) + Decimal(str(block["cap_points"])) == Decimal(
                str(block["score"])
            )
    frozen = [e for e in own if e.type == "period.closed" and e.payload["period"] == "2026-01"][0]
    january = {s["community"]: s["total"] for s in frozen.payload["scorecards"]}
    adjusted = {
        e.payload["community"]: e.payload["total_after"]
        for e in own
        if e.type == "scorecard.adjusted" and e.payload["period"] == "2026-01"
    }
    for c, _ in COMMUNITIES:
        assert cards[(c, "2026-01")]["total"] == adjusted.get(c, january[c])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), duplicates=st.lists(st.integers(0, 400), max_size=20))
def test_any_interleaving_and_redelivery_gives_the_same_scores(kit, seed, duplicates):
    logs = simulate(kit, seed=seed % 5)
    own = list(run_once_own(kit))
    baseline = reads(kit.Folded([e for log in logs.values() for e in log.events] + own))
    arrival = interleave(logs, random.Random(seed))
    for i in duplicates:  # a redelivered event, anywhere after its first arrival
        if i < len(arrival):
            arrival.append(arrival[i])
    assert reads(kit.Folded(arrival + own)) == baseline


def run_once_own(kit):
    store = MemoryEventStore()
    commands.publish_rulebook(store, make_ctx(), **default())
    return store.replay()
