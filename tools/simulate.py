"""Simulate the district at work through the services' real HTTP APIs, then show the scorecards and verify the logs.

    .venv/bin/python tools/simulate.py [--period 2026-Q1] [--scale 1.0] [--seed 11] [--workers 8] [--close]

Assumes the suite is up (`make up`; ports from INTAKE_PORT... default 8001-8004, database WATCHPOST_DATABASE_URL).
Loads the seed's directory (liaison's SAMPLE: 9 streets, 95 communities, 178 informants, 1,070 supervisors) with
`POST /directory` (scale < 1: only round(95 × scale) communities), then plays the period: monthly feedback and
quarterly reports, pairing contacts, training sessions and attendance, clues and opinions through their
workflows, inspections with findings and rectifications, personnel changes (see simulation/workload.py). Then it
waits for the subscribers (intake, training and assessment consume liaison; assessment consumes all), prints
assessment's ranking and a scorecard with the events behind one indicator, and runs `watchpost-audit verify`.

Deterministic for a seed: the same commands with the same fields (ids made by the services differ between
databases); every command has an Idempotency-Key, so running it again on the same database adds nothing.
The services date what happens by their own clock where a command takes no date: a clue's or opinion's receipt,
screening and disposal, rectification deadlines and reports, feedback and report submission days (so a past
period's feedback is filed late). Dates the commands do take are simulated: feedback and report periods, session
dates, attendance (by the session), inspections' held_on, contacts' held_on, appointments and dismissals.
Exit status: 0 when the audit verifies and nothing unexpected failed, 1 otherwise.
"""

import argparse
import os
import pathlib
import re
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from simulation import district as D  # noqa: E402
from simulation import results  # noqa: E402
from simulation.client import Client  # noqa: E402
from simulation.workload import DISTRICT, Plan  # noqa: E402


def period_arg(text):
    if not re.fullmatch(r"\d{4}(-Q[1-4])?", text):
        raise argparse.ArgumentTypeError("a quarter like 2026-Q1 or a year like 2026")
    return text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--period",
        type=period_arg,
        default=None,
        help="a quarter (2026-Q1) or a year (2026); default: the current quarter",
    )
    parser.add_argument("--scale", type=float, default=1.0, help="share of the district's communities (default 1)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workers", type=int, default=8, help="concurrent HTTP clients")
    parser.add_argument("--close", action="store_true", help="also close the period (freezes its scorecards)")
    parser.add_argument("--no-audit", action="store_true")
    args = parser.parse_args(argv)
    args.period = args.period or D.quarters(f"{D.today():%Y-%m}")[0]
    started = time.monotonic()
    client = Client()
    directory = D.select(D.load_sample(), args.scale, args.seed)
    district = D.District(directory)
    plan = Plan(client, district, args.period, args.seed, args.scale, args.workers)
    print(
        f"Simulating {args.period} (today is {D.today()} in Chengdu: months {[D.month_label(m) for m in plan.months]}"
        f") for {len(district.communities)} communities, {len(district.watchers)} informants and supervisors, "
        f"seed {args.seed}"
    )
    if not plan.months:
        sys.exit(f"{args.period} has not begun yet (today is {D.today()}): the services refuse future dates")
    url = results.database_url()
    t = time.monotonic()
    loaded = client.post(
        "liaison",
        "/directory",
        DISTRICT,
        directory,
        f"sim:directory:{directory['directory_id']}",
        route="load_directory",
    )
    print(
        f"  directory {directory['directory_id']}: {len(loaded['events'])} events written "
        f"({time.monotonic() - t:.1f} s; nothing when already loaded)"
    )
    results.wait_caught_up(url)
    plan.schedule_sessions()
    plan.duties()
    results.wait_caught_up(url)
    plan.flagged_clues()
    plan.repeats()
    plan.personnel()
    if args.close:
        client.post(
            "assessment",
            f"/periods/{args.period}/close",
            DISTRICT,
            {},
            f"sim:close:{args.period}",
            route="close_period",
            quiet=(409,),
        )
    heads = results.wait_caught_up(url)
    elapsed = time.monotonic() - started
    report(client, plan, heads, elapsed)
    results.scorecards(client, args.period)
    status = 0 if args.no_audit else results.verify(url)
    return 1 if status or plan.errors or client.examples else 0


def report(client, plan, heads, elapsed):
    done = sum(client.tally.values())
    refused = sum(client.refusals.values())
    lat = sorted(client.latencies)
    p = (lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000) if lat else (lambda q: 0)
    print(
        f"\n{done} commands accepted, {refused} refused, in {elapsed:.1f} s ({done / elapsed:.0f} commands/s "
        f"overall; per command p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms, {plan.workers} clients)"
    )
    by_service = {}
    for (service, route), n in sorted(client.tally.items()):
        by_service.setdefault(service, []).append(f"{route} {n}")
    for service, routes in by_service.items():
        print(f"  {service:<10} " + ", ".join(routes))
    if heads:
        print("  logs: " + ", ".join(f"{s} {n} events" for s, n in heads.items()))
    for (service, route, status), n in sorted(client.refusals.items()):
        print(f"  refused: {service} {route} {status} x{n}")
    for line in client.examples:
        print(f"    e.g. {line}")
    for line in plan.errors[:5]:
        print(f"  error: {line}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
