"""The clocks: `tick` emits each feedback/report `due_soon` and `missed`, and each `pairing.contact_lapsed`, once,
and releases the major-problem flags held since the last release (`release_flags`).

What may be due is found in the projections (people, communities, pairings); whether it was already said is
decided by the stream itself, so two ticks (or a tick racing a submission) never emit twice.
"""

import random
import uuid
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone

from watchpost.domain import SYSTEM
from watchpost.handling import execute

from liaison import access, held
from liaison import settings as configured
from liaison.domain import cadence, flags, pairing, periods
from liaison.domain.personnel import WATCHERS


def tick(store, ctx):
    """Run every clock as of `ctx.now`; returns the events emitted."""
    access.require("tick", ctx.actor)
    settings, today = configured.of(ctx), configured.today_of(ctx)
    emitted = release_flags(store, ctx)  # first: the batch follows whatever came before the release hour

    def emit(stream_id, fold, decide):
        sub = replace(ctx, command_id=f"{ctx.command_id}:{stream_id}" if ctx.command_id else None)
        emitted.extend(execute(store, stream_id, fold, decide, sub))

    months, quarters = periods.recent("month", today, settings), periods.recent("quarter", today, settings)
    for person in store.all_docs("people", {"status": "active"}):
        if person["role"] not in WATCHERS:
            continue
        for period in months:
            if _pending(person["feedback"].get(period), periods.clock(period, today, settings)):
                emit(
                    f"feedback-{person['person_id']}-{period}",
                    cadence.fold,
                    lambda s, p=period, who=person: cadence.reminder(s, "feedback", who, p, today, settings),
                )
    for community in store.all_docs("communities"):
        station = community.get("station")
        if station is None:
            continue
        subject = {**station, "street": community["street"], "community": community["community_id"]}
        for period in quarters:
            if _pending(station["reports"].get(period), periods.clock(period, today, settings)):
                emit(
                    f"report-{station['station_id']}-{period}",
                    cadence.fold,
                    lambda s, p=period, st=subject: cadence.reminder(s, "report", st, p, today, settings),
                )
    for doc in store.all_docs("pairings", {"status": "active"}):
        since = doc["last_contact_on"] or doc["established_on"]
        if doc["lapsed_since"] != since and (today - date.fromisoformat(since)).days >= settings.contact_lapse_days:
            emit(
                f"pairing-{doc['pairing_id']}",
                pairing.fold_pairing,
                lambda s: pairing.lapse(s, today, settings.contact_lapse_days),
            )
    return emitted


def release_flags(store, ctx):
    """Record, as the service itself and in one shuffled batch, every flag held at least `flag_hold_hours` before
    the latest daily release hour (举报人保护). The batch shares one fresh correlation id and no causation id; each
    flag's only time is the release day; a flag held at the log's head waits (it would sit next to its feedback)."""
    settings = configured.of(ctx)
    release_at = _latest_release(ctx.now, settings)
    batch, out = f"flags-released-{uuid.uuid4()}", []

    def release(tx):
        rows = held.due(tx, release_at - timedelta(hours=settings.flag_hold_hours), held.head(tx))
        random.SystemRandom().shuffle(rows)
        today = periods.today(release_at, settings)
        as_service = replace(ctx, actor=SYSTEM, correlation_id=batch, causation_id=None, now=release_at)

        def crowd(role, *, street, community):
            where = {"status": "active", "street": street, **({"community": community} if community else {})}
            return sum(tx.count("people", {**where, "role": r}) for r in ([role] if role else WATCHERS))

        for hold_key, flag in rows:
            flag_id = f"flag-{uuid.uuid4()}"
            out.extend(
                execute(
                    tx,
                    flag_id,
                    flags.fold,
                    lambda s, f=flag, i=flag_id: flags.release(s, i, f, crowd, today),
                    replace(as_service, command_id=f"{batch}:{flag_id}"),
                )
            )
            held.released(tx, hold_key, today)

    store.transaction(release)
    return out


def _latest_release(now, settings):
    """The latest release instant at or before `now`: the district's `flag_release_hour`, as UTC."""
    zone = timezone(timedelta(hours=settings.utc_offset_hours))
    local = now.astimezone(zone)
    at = datetime.combine(local.date(), time(settings.flag_release_hour), zone)
    return (at if at <= local else at - timedelta(days=1)).astimezone(timezone.utc)


def _pending(entry, when):
    """Does the projection say a reminder may still be owed? (The stream decides for sure.)"""
    status = (entry or {}).get("status")
    if status in ("submitted", "late", "missed"):
        return False
    return when == "overdue" or (when == "due_soon" and status != "due_soon")
