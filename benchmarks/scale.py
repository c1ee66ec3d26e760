"""Scale of the event log: append latency as the log grows, replay and verify against size, and rebuilding
assessment for a district-year (results in docs/benchmarks.md).

    .venv/bin/python benchmarks/scale.py [--max 1e6] [--probe 300] [--skip-log] [--skip-rebuild]

Log: a fresh schema in the `watchpost_bench` database is filled with 100-event appends (4 writers) to 10^4, 10^5,
10^6 events (`--max 1e7` adds 10^7: about 6 minutes of filling and 1 GB more on this machine). At each size:
after a VACUUM ANALYZE and a checkpoint, `probe` one-event appends by one writer, each to a new stream, timed one
by one (p50/p99/max ms); a full replay
(`store.replay()`, decoded into events) and a full `store.verify()` (gap-free positions, every hash), with their
events per second: flat append latency and constant events/s mean linear replay and verify.

Rebuild: a district-year of source events synthesized in memory at DESIGN.md's volumes (95 communities, 1,248
informants and supervisors' monthly feedback, quarterly reports, pairing contacts, ~10,000 attendance records,
clues, opinions and inspections through their workflows, the directory and enrolments: ~50,000 events) and folded
by assessment's own rebuild (`assessment.rebuild.fold_logs` with its projections), then every scorecard of every
community for every month, quarter and the year read from the fold (`assessment.rebuild.scorecards`), timed.
"""

import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

from run import ACTOR, URL, drop, fresh_schema  # noqa: E402

from watchpost.domain import Change, Event  # noqa: E402
from watchpost.eventlog.migrate import ensure_database  # noqa: E402
from watchpost.eventlog.postgres import PostgresEventStore  # noqa: E402

PAYLOAD = {
    "feedback_id": "SUP-C001-01-2026-03",
    "person_id": "SUP-C001-01",
    "role": "supervisor",
    "station_id": "STN-C001",
    "street": "S01",
    "community": "C001",
    "period": "2026-03",
    "submitted_on": "2026-04-03",
    "due_on": "2026-04-05",
    "on_time": True,
    "days_late": 0,
    "major_problem": False,
    "summary": "本月监督情况正常：三务公开栏已更新，集体资金收支台账清楚。",
}


# -- the log as it grows ---------------------------------------------------------------------------------------------
def fill(store, to, writers=4, size=100):
    """Append 100-event batches from `writers` green threads until the log holds `to` events; events/s."""
    have = store.head()[0]
    batches = max(0, (to - have) // size)
    tag = uuid.uuid4().hex[:6]
    started = time.perf_counter()
    pool = eventlet.GreenPool(writers)
    for w in range(writers):
        share = batches // writers + (w < batches % writers)
        pool.spawn(
            lambda w=w, share=share: [
                store.append(
                    f"fill-{tag}-{w}-{i // 50}",
                    (i % 50) * size,
                    [Change("feedback.submitted", PAYLOAD)] * size,
                    actor=ACTOR,
                    correlation_id="scale",
                )
                for i in range(share)
            ]
        )
    pool.waitall()
    return (store.head()[0] - have) / max(1e-9, time.perf_counter() - started)


def settle(store):
    """What a log in service has had time for after a bulk fill: autovacuum's VACUUM ANALYZE and a checkpoint, so
    the probes time appends, not the fill's aftermath."""
    import psycopg2

    conn = psycopg2.connect(URL)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'VACUUM (ANALYZE) "{store.schema}".events')
        cur.execute("CHECKPOINT")
    conn.close()


def append_latency(store, probes):
    tag = uuid.uuid4().hex[:6]
    times = []
    for i in range(probes):
        started = time.perf_counter()
        store.append(
            f"probe-{tag}-{i}", 0, [Change("feedback.submitted", PAYLOAD)], actor=ACTOR, correlation_id="scale"
        )
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50_ms": times[len(times) // 2],
        "p99_ms": times[int(len(times) * 0.99) - 1 if len(times) > 1 else 0],
        "max_ms": times[-1],
    }


def timed(fn):
    started = time.perf_counter()
    n = fn()
    return n, time.perf_counter() - started


def grow(sizes, probes):
    store = PostgresEventStore(URL, fresh_schema(), pool_size=8)
    rows = []
    print(
        f"{'events':>10}{'fill ev/s':>11}{'append p50':>12}{'p99':>8}{'max':>8}{'replay s':>10}{'ev/s':>10}"
        f"{'verify s':>10}{'ev/s':>10}",
        flush=True,
    )
    try:
        for size in sizes:
            rate = fill(store, size)
            settle(store)
            lat = append_latency(store, probes)
            n, replay_s = timed(lambda: sum(1 for _ in store.replay()))
            _, verify_s = timed(store.verify)
            row = {
                "events": n,
                "fill_ev_s": rate,
                **lat,
                "replay_s": replay_s,
                "replay_ev_s": n / replay_s,
                "verify_s": verify_s,
                "verify_ev_s": n / verify_s,
            }
            rows.append(row)
            print(
                f"{n:>10,}{rate:>11,.0f}{lat['p50_ms']:>12.2f}{lat['p99_ms']:>8.2f}{lat['max_ms']:>8.2f}"
                f"{replay_s:>10.2f}{n / replay_s:>10,.0f}{verify_s:>10.2f}{n / verify_s:>10,.0f}",
                flush=True,
            )
    finally:
        store.close()
        drop(store.schema)
    return rows


# -- a district-year for assessment's rebuild ------------------------------------------------------------------------
class Log:
    """Events of one source, positions 1.. in order, dated in `year`."""

    def __init__(self, source, year):
        self.source, self.year, self.events = source, year, []

    def add(self, type_, stream, payload, month=6):
        at = datetime.datetime(self.year, month, 15, 2, tzinfo=datetime.timezone.utc)
        n = len(self.events) + 1
        self.events.append(
            Event(
                str(uuid.uuid4()),
                type_,
                1,
                stream,
                1,
                n,
                at,
                at,
                {"id": "sim", "role": "system"},
                "scale",
                None,
                payload,
                "0" * 64,
                "0" * 64,
            )
        )


def district_year(year=2026, seed=11):
    rng = random.Random(seed)
    liaison, intake, training = Log("liaison", year), Log("intake", year), Log("training", year)
    directory = json.loads(
        (
            __import__("pathlib").Path(__file__).resolve().parents[1] / "services/liaison/liaison/sample/directory.json"
        ).read_text(encoding="utf-8")
    )
    street_of = {c["community_id"]: c["street"] for c in directory["communities"]}
    for c in directory["communities"]:
        liaison.add(
            "community.registered",
            f"community-{c['community_id']}",
            {"community_id": c["community_id"], "street": c["street"], "name": c["name"]},
        )
        for g in c["groups"]:
            liaison.add("group.registered", f"community-{c['community_id']}", {"group_id": g["group_id"]})
    for p in directory["people"]:
        where = {"street": p.get("street") or street_of[p["community"]], "community": p.get("community")}
        liaison.add("person.appointed", f"person-{p['person_id']}", {"person_id": p["person_id"], **where})
        training.add("onboarding.enrolled", f"onboarding-{p['person_id']}", {"person_id": p["person_id"], **where})
    watchers = [p for p in directory["people"] if p["role"] in ("informant", "supervisor")]
    communities = sorted(street_of)
    for m in range(1, 13):
        period = f"{year}-{m:02d}"
        for p in watchers:
            where = {"street": street_of[p["community"]], "community": p["community"]}
            if rng.random() < 0.35:  # the cadence's reminder before the due day
                liaison.add(
                    "feedback.due_soon",
                    f"feedback-{p['person_id']}-{period}",
                    {**where, "person_id": p["person_id"], "period": period},
                    m,
                )
            if rng.random() < 0.93:
                liaison.add(
                    "feedback.submitted",
                    f"feedback-{p['person_id']}-{period}",
                    {**PAYLOAD, **where, "person_id": p["person_id"], "period": period, "on_time": rng.random() < 0.8},
                    m,
                )
            else:
                liaison.add(
                    "feedback.missed",
                    f"feedback-{p['person_id']}-{period}",
                    {**where, "person_id": p["person_id"], "period": period},
                    m,
                )
        for pairing in directory["pairings"]:
            for n in range(rng.choice([0, 1, 1, 2])):
                liaison.add(
                    "pairing.contact_recorded",
                    f"pairing-{pairing['member_id']}-{pairing['community']}",
                    {
                        "pairing_id": f"{pairing['member_id']}-{pairing['community']}",
                        "community": pairing["community"],
                        "street": street_of[pairing["community"]],
                        "held_on": f"{period}-{10 + n:02d}",
                    },
                    m,
                )
        for p in directory["people"]:
            if p.get("community") and rng.random() < 0.6:
                training.add("onboarding.progressed", f"onboarding-{p['person_id']}", {"person_id": p["person_id"]}, m)
                training.add(
                    "attendance.recorded",
                    f"record-{p['person_id']}-{year}",
                    {
                        "session_id": f"lecture-{street_of[p['community']]}-{period}",
                        "person_id": p["person_id"],
                        "status": rng.choice(["present"] * 17 + ["absent", "absent", "excused"]),
                        "street": street_of[p["community"]],
                        "community": p["community"],
                        "held_on": f"{period}-12",
                    },
                    m,
                )
        for i in range(38):
            c = rng.choice(communities)
            where = {"clue_id": f"{period}-{i}", "community": c, "street": street_of[c]}
            for t, extra in (
                ("received", {}),
                ("screened", {"outcome": "accepted"}),
                ("registered", {}),
                ("reviewed", {}),
                ("disposal_proposed", {}),
                ("disposal_approved", {}),
                ("concluded", {"within_limit": rng.random() < 0.9}),
                ("feedback_given", {"on_time": rng.random() < 0.9}),
            ):
                intake.add(f"clue.{t}", f"clue-{period}-{i}", {**where, **extra}, m)
        for i in range(46):
            c = rng.choice(communities)
            where = {"opinion_id": f"{period}-{i}", "community": c, "street": street_of[c]}
            for t in ("received", "assigned", "resolved", "feedback_given", "closed"):
                intake.add(f"opinion.{t}", f"opinion-{period}-{i}", where, m)
        for i in range(10):
            c = rng.choice(communities)
            where = {"inspection_id": f"{period}-{i}", "community": c, "street": street_of[c]}
            intake.add("inspection.recorded", f"inspection-{period}-{i}", {**where, "held_on": f"{period}-08"}, m)
            for f in range(rng.choice([0, 1, 2, 2, 3])):
                finding = {**where, "finding_id": f"{period}-{i}-{f}"}
                for t, extra in (
                    ("inspection.finding_recorded", {}),
                    ("rectification.ordered", {}),
                    ("rectification.reported", {}),
                    ("rectification.verified", {"on_time": True}),
                ):
                    intake.add(t, f"inspection-{period}-{i}", {**finding, **extra}, m)
    for q in range(1, 5):
        for c in directory["communities"]:
            liaison.add(
                "report.submitted",
                f"report-STN-{c['community_id']}-{year}-Q{q}",
                {
                    "station_id": f"STN-{c['community_id']}",
                    "community": c["community_id"],
                    "street": c["street"],
                    "period": f"{year}-Q{q}",
                    "on_time": rng.random() < 0.85,
                },
                3 * q,
            )
    return {log.source: log.events for log in (intake, liaison, training)}


def rebuild_district_year(year=2026):
    from assessment import rebuild
    from assessment.domain.rulebook import validate

    logs = district_year(year)
    rulebook = validate(
        json.loads(
            (__import__("pathlib").Path(rebuild.__file__).parent / "domain/rulebook_v1.json").read_text(
                encoding="utf-8"
            )
        )
    )
    at = datetime.datetime(year, 1, 1, tzinfo=datetime.timezone.utc)
    own = [
        Event(
            str(uuid.uuid4()),
            "rulebook.published",
            1,
            "rulebook-v1",
            1,
            1,
            at,
            at,
            {"id": "system", "role": "system"},
            "scale",
            None,
            rulebook,
            "0" * 64,
            "0" * 64,
        )
    ]
    through = {s: len(e) for s, e in logs.items()}
    total = sum(through.values()) + len(own)
    started = time.perf_counter()
    view = rebuild.fold_logs(own, logs, through)
    folded = time.perf_counter() - started
    cards = rebuild.scorecards(view)
    scored = time.perf_counter() - started - folded
    sources = ", ".join(f"{s} {n:,}" for s, n in through.items())
    print(
        f"\nassessment rebuild of a district-year: {total:,} events ({sources})"
        f" folded in {folded:.2f} s, {len(cards):,} scorecards read from the fold in {scored:.2f} s: "
        f"{folded + scored:.2f} s in all (target 10 s)",
        flush=True,
    )
    return {
        "events": total,
        "fold_s": folded,
        "scorecards": len(cards),
        "scorecards_s": scored,
        "total_s": folded + scored,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max", type=float, default=1e6, help="largest log size (1e4 .. 1e7)")
    parser.add_argument("--probe", type=int, default=300, help="one-event appends timed at each size")
    parser.add_argument("--skip-log", action="store_true")
    parser.add_argument("--skip-rebuild", action="store_true")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    figures = {}
    if not args.skip_log:
        ensure_database(URL)
        sizes = [10**k for k in range(4, 8) if 10**k <= args.max]
        figures["log"] = grow(sizes, args.probe)
    if not args.skip_rebuild:
        figures["rebuild"] = rebuild_district_year()
    if args.json:
        __import__("pathlib").Path(args.json).write_text(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    main()
