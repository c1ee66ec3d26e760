"""After the plan: wait until every subscriber has consumed every source's log, print the scorecards (assessment's
`GET /rankings/<period>` and one community's scorecard with the events behind an indicator), and verify the logs
with `watchpost-audit verify` against the same database.
"""

import os
import pathlib
import subprocess
import sys
import time

import psycopg2

from watchpost import config

from simulation.client import Refused

SUBSCRIPTIONS = {"intake": ("liaison",), "training": ("liaison",), "assessment": ("intake", "liaison", "training")}
DISTRICT = ("district_commission", "DC-1", None, None)


def database_url():
    return os.environ.get("WATCHPOST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/watchpost")


def positions(url):
    """({service: log head}, {(subscriber, source): consumed position}) read from the services' schemas."""
    heads, consumed = {}, {}
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        for service in ("intake", "liaison", "training", "assessment"):
            cur.execute(f'SELECT position FROM "{service}".log_head')
            row = cur.fetchone()
            heads[service] = row[0] if row else 0
        for subscriber, sources in SUBSCRIPTIONS.items():
            cur.execute(f'SELECT source, position FROM "{subscriber}".consumer_positions')
            found = dict(cur.fetchall())
            for source in sources:
                consumed[(subscriber, source)] = found.get(source, 0)
    conn.close()
    return heads, consumed


def wait_caught_up(url, timeout=300, say=print):
    """Until every subscriber has consumed its sources' whole logs (twice in a row: consuming writes events)."""
    deadline, settled, lag = time.monotonic() + timeout, 0, None
    while time.monotonic() < deadline:
        heads, consumed = positions(url)
        lag = {f"{sub}<-{src}": heads[src] - pos for (sub, src), pos in consumed.items() if heads[src] > pos}
        settled = settled + 1 if not lag else 0
        if settled >= 2:
            return heads
        time.sleep(0.5)
    say(f"  subscribers still behind after {timeout} s: {lag}")
    return None


def scorecards(client, period, say=print):
    """The district ranking, and the top community's scorecard with the facts behind its strongest indicator."""
    ranking = client.get("assessment", f"/rankings/{period}", DISTRICT)
    rows = ranking["rows"]
    say(f"\nRanking {period} ({ranking['status']}, rulebook {ranking['rulebook_version']}): {len(rows)} communities")
    shown = rows if len(rows) <= 10 else rows[:5] + [None] + rows[-5:]
    for row in shown:
        say("  ..." if row is None else f"  {row['rank']:>3}. {row['community']}  {row['street']}  {row['total']:>8}")
    if not rows:
        return ranking, None
    community = rows[0]["community"]
    card = client.get("assessment", f"/scorecards/{community}/{period}", DISTRICT)
    say(
        f"\nScorecard {community} {period}: total {card['total']} (base {card['base']}, warning below "
        f"{card['warning_threshold']})"
    )
    for indicator, block in card["indicators"].items():
        say(
            f"  {indicator:<24} {block['title'][:14]:<14} value {block['value']:>6} baseline {block['baseline']:>5}"
            f"  score {block['score']:>6} x{block['weight']} = {block['weighted']:>7}  "
            f"({len(block['contributions'])} events)"
        )
    busiest = max(card["indicators"], key=lambda k: len(card["indicators"][k]["contributions"]))
    why = client.get("assessment", f"/scorecards/{community}/{period}/{busiest}", DISTRICT)
    say(
        f"\nWhy {busiest} = {why['score']} for {community}: rule {why['rule']['metric']}, baseline "
        f"{why['baseline']}, rate {why['rate']} per unit, cap {why['rule']['cap']}; every point is an event:"
    )
    for c in why["contributions"][:6]:
        say(
            f"  {c['source']:<9} #{c['position']:<6} {c['type']:<28} {c['rule']:<26} {c['units']:>3} units "
            f"{c['points']:>6} points  event {c['event_id']}"
        )
    if len(why["contributions"]) > 6:
        say(f"  ... and {len(why['contributions']) - 6} more")
    return ranking, card


def verify(url, say=print):
    """`watchpost-audit verify` on the four logs; returns its exit status."""
    tool = pathlib.Path(sys.executable).parent / "watchpost-audit"
    command = [str(tool)] if tool.exists() else [sys.executable, "-m", "watchpost.audit.cli"]
    say(f"\nAudit: {' '.join([pathlib.Path(command[0]).name, *command[1:], 'verify'])}")
    trust = ["--development"] if config.development() else []  # the services sign with the development key
    done = subprocess.run(
        [*command, "--database-url", url, "verify", *trust], capture_output=True, text=True, timeout=600
    )
    for line in (done.stdout + done.stderr).strip().splitlines():
        say(f"  {line}")
    return done.returncode


__all__ = ["Refused", "positions", "wait_caught_up", "scorecards", "verify"]
