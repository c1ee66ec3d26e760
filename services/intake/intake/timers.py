"""The statutory-clock timer: `tick(store, ctx)` emits each `*.due_soon` / `*.overdue` exactly once.

The `deadlines` projection says which streams have open clocks and what was sent; the stream's own fold
decides (so a lagging projection or two ticks at once never send an alert twice: the second append conflicts
or finds the alert already in the stream).
"""

from dataclasses import replace

from watchpost.errors import Conflict
from watchpost.handling import execute

from intake.domain import clue as clues
from intake.domain import disposal
from intake.domain import inspection as inspections
from intake.domain.clocks import alert_due, local_date, parse

DECIDERS = {"clue": (clues.fold, disposal.alert), "rectification": (inspections.fold, inspections.alert)}


def _needs_alert(doc, today):
    return any(alert_due(parse(c["due_on"]), today, set(c["sent"])) for c in doc["clocks"].values())


def tick(store, ctx):
    """Emit every alert due as of `ctx.now`; returns the recorded events."""
    today = local_date(ctx.now)
    ctx = replace(ctx, command_id=None)  # exactly-once comes from each stream's own state
    recorded, done = [], set()
    for doc in store.all_docs("deadlines"):
        if doc["stream_id"] in done or not _needs_alert(doc, today):
            continue
        done.add(doc["stream_id"])
        fold, alert = DECIDERS[doc["aggregate"]]
        try:
            recorded += execute(store, doc["stream_id"], fold, lambda state, alert=alert: alert(state, today), ctx)
        except Conflict:
            continue  # the stream moved on; the next tick decides afresh
    return recorded
