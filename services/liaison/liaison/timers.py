"""The clocks: `tick` emits each feedback/report `due_soon` and `missed`, and each `pairing.contact_lapsed`, once.

What may be due is found in the projections (people, communities, pairings); whether it was already said is
decided by the stream itself, so two ticks (or a tick racing a submission) never emit twice.
"""
from dataclasses import replace
from datetime import date

from watchpost.handling import execute

from liaison import access, settings as configured
from liaison.domain import cadence, pairing, periods
from liaison.domain.personnel import WATCHERS


def tick(store, ctx):
    """Run every clock as of `ctx.now`; returns the events emitted."""
    access.require("tick", ctx.actor)
    settings, today = configured.of(ctx), configured.today_of(ctx)
    emitted = []

    def emit(stream_id, fold, decide):
        sub = replace(ctx, command_id=f"{ctx.command_id}:{stream_id}" if ctx.command_id else None)
        emitted.extend(execute(store, stream_id, fold, decide, sub))

    months, quarters = periods.recent("month", today, settings), periods.recent("quarter", today, settings)
    for person in store.all_docs("people", {"status": "active"}):
        if person["role"] not in WATCHERS:
            continue
        for period in months:
            if _pending(person["feedback"].get(period), periods.clock(period, today, settings)):
                emit(f"feedback-{person['person_id']}-{period}", cadence.fold, lambda s, p=period, who=person:
                     cadence.reminder(s, "feedback", who, p, today, settings))
    for community in store.all_docs("communities"):
        station = community.get("station")
        if station is None:
            continue
        subject = {**station, "street": community["street"], "community": community["community_id"]}
        for period in quarters:
            if _pending(station["reports"].get(period), periods.clock(period, today, settings)):
                emit(f"report-{station['station_id']}-{period}", cadence.fold, lambda s, p=period, st=subject:
                     cadence.reminder(s, "report", st, p, today, settings))
    for doc in store.all_docs("pairings", {"status": "active"}):
        since = doc["last_contact_on"] or doc["established_on"]
        if doc["lapsed_since"] != since and (today - date.fromisoformat(since)).days >= settings.contact_lapse_days:
            emit(f"pairing-{doc['pairing_id']}", pairing.fold_pairing,
                 lambda s: pairing.lapse(s, today, settings.contact_lapse_days))
    return emitted


def _pending(entry, when):
    """Does the projection say a reminder may still be owed? (The stream decides for sure.)"""
    status = (entry or {}).get("status")
    if status in ("submitted", "late", "missed"):
        return False
    return when == "overdue" or (when == "due_soon" and status != "due_soon")
