"""training's commands: one function per command, `(store, ctx, **fields) -> [Event]`, on `execute`.

A command that touches a second stream (attendance moving onboarding on) derives that append's command id from
its own, so a retried command completes what a crash interrupted without repeating what was recorded.
"""

import datetime
import uuid
from dataclasses import dataclass, replace

from watchpost.access import covers
from watchpost.domain import Answer
from watchpost.errors import Forbidden, IllegalTransition, Invalid, NotFound
from watchpost.handling import execute

from training import settings
from training.access import require, require_cover, require_manage, sees_session
from training.domain import onboarding, record, rules, sessions


def _derived(ctx, suffix):
    return replace(ctx, command_id=f"{ctx.command_id}:{suffix}" if ctx.command_id else None)


def _load_session(store, session_id):
    s = sessions.fold(store.load(f"session-{session_id}"))
    if s.status == "none":
        raise NotFound(f"session {session_id} does not exist", session_id=session_id)
    return s


def _managed(ctx, session_id, decide):
    def run(s):
        if s.status == "none" or not sees_session(ctx.actor, s.audience):
            raise NotFound(f"session {session_id} does not exist", session_id=session_id)
        require_manage(ctx, s.audience)
        return decide(s)

    return run


@dataclass
class Scheduled(Answer):
    """The recorded events, plus the id of the session (chosen here when the caller gave none)."""

    session_id: str | None = None


def schedule_session(store, ctx, kind, topic, date, hours, organiser, audience=None, session_id=None):
    require("schedule_session", ctx.actor)
    aud = sessions.audience(audience)
    require_manage(ctx, aud)
    sid = str(session_id or uuid.uuid4())
    done = execute(
        store,
        f"session-{sid}",
        sessions.fold,
        lambda s: sessions.schedule(s, sid, kind, topic, date, hours, organiser, aud),
        ctx,
    )
    return Scheduled(done, session_id=done[0].payload["session_id"] if done else sid)


def reschedule_session(store, ctx, session_id, date, reason=None):
    require("reschedule_session", ctx.actor)
    return execute(
        store,
        f"session-{session_id}",
        sessions.fold,
        _managed(ctx, session_id, lambda s: sessions.reschedule(s, date, reason)),
        ctx,
    )


def cancel_session(store, ctx, session_id, reason):
    require("cancel_session", ctx.actor)
    return execute(
        store,
        f"session-{session_id}",
        sessions.fold,
        _managed(ctx, session_id, lambda s: sessions.cancel(s, reason)),
        ctx,
    )


def hold_session(store, ctx, session_id, held_on=None, hours=None):
    require("hold_session", ctx.actor)
    return execute(
        store,
        f"session-{session_id}",
        sessions.fold,
        _managed(ctx, session_id, lambda s: sessions.hold(s, ctx.now.date(), held_on, hours)),
        ctx,
    )


def _advance(store, ctx, events):
    """Move the attendee's onboarding on (or back) for each attendance event."""
    out = []
    for e in events:
        if e.type.startswith("attendance."):
            a = e.payload
            out += execute(
                store,
                f"onboarding-{a['person_id']}",
                onboarding.fold,
                lambda o, a=a: onboarding.on_attendance(o, a),
                _derived(ctx, f"onboarding:{a['session_id']}"),
            )
    return out


def _check_area(store, ctx, person_id, street, community):
    """Scope is checked against training's own record of the cadre (their enrolment, from liaison's appointment),
    never against the street and community in the body, which may only repeat that record. A person training has
    no record of cannot be checked: only a caller whose scope is everywhere (the district commission) records them."""
    known = onboarding.fold(store.load(f"onboarding-{person_id}"))
    unknown = Forbidden(
        f"training has no record of person {person_id}, so their street and community cannot be "
        "checked: only the district commission records attendance for them",
        person_id=person_id,
    )
    if known.status == "none":
        if not covers(ctx.actor):
            raise unknown
        return
    require_cover(ctx, known.street, known.community, f"person {person_id}", hidden=unknown)  # out of scope: the same
    if (street, community) != (known.street, known.community):
        raise Invalid(
            f"person {person_id} is in street {known.street!r}, community {known.community!r} as training "
            "records them; street and community must be those",
            fields={"street": street, "community": community},
        )


def record_attendance(store, ctx, session_id, person_id, role, street, status, community=None):
    require("record_attendance", ctx.actor)
    _check_area(store, ctx, person_id, street, community)
    s = _load_session(store, session_id)
    sessions.require(s, "record_attendance")
    events = execute(
        store,
        f"record-{person_id}-{s.held_on[:4]}",
        record.fold,
        lambda r: record.record(r, s, person_id, role, street, community, status),
        ctx,
    )
    return events + _advance(store, ctx, events)


def correct_attendance(store, ctx, session_id, person_id, status, reason):
    require("correct_attendance", ctx.actor)
    s = _load_session(store, session_id)
    sessions.require(s, "correct_attendance")

    def decide(r):
        before = r.attendance.get(session_id)
        if before:
            require_cover(
                ctx,
                before["street"],
                before["community"],
                f"person {person_id}",
                hidden=IllegalTransition("correct_attendance", "no attendance recorded", {"record_attendance"}),
            )
        return record.correct(r, s, person_id, status, reason)

    events = execute(store, f"record-{person_id}-{s.held_on[:4]}", record.fold, decide, ctx)
    return events + _advance(store, ctx, events)


def enrol_cadre(store, ctx, person_id, role, street, appointed_on, community=None, programme=None):
    """Enrol a cadre in onboarding once; attendance already recorded since the appointment counts at once."""
    require("enrol_cadre", ctx.actor)
    table = settings.of(ctx).programme if programme is None else programme
    events = execute(
        store,
        f"onboarding-{person_id}",
        onboarding.fold,
        lambda o: onboarding.enrol(o, person_id, role, street, community, appointed_on, table),
        ctx,
    )
    if not events:
        return events
    since = rules.as_date(appointed_on, "appointed_on")
    earlier = []
    for year in range(since.year, max(since.year, ctx.now.year) + 1):
        earlier += record.fold(store.load(f"record-{person_id}-{year}")).attendance.values()
    for a in sorted(earlier, key=lambda a: (a["held_on"], a["session_id"])):
        events += execute(
            store,
            f"onboarding-{person_id}",
            onboarding.fold,
            lambda o, a=a: onboarding.on_attendance(o, a),
            _derived(ctx, f"catch-up:{a['session_id']}"),
        )
    return events


def withdraw_cadre(store, ctx, person_id, dismissed_on):
    require("withdraw_cadre", ctx.actor)
    return execute(
        store, f"onboarding-{person_id}", onboarding.fold, lambda o: onboarding.withdraw(o, dismissed_on), ctx
    )


# -- the year end (年终考核): each cadre's yearly hours against the requirement of their role, settled once ------
def close_year(store, ctx, year, yearly_hours=None):
    """requirement.met / requirement.shortfall for every cadre in office at the end of `year`, once each.

    Cadres are those training knows (enrolled, not dismissed by Dec 31) and anyone with attendance that year; a
    cadre appointed during the year owes the yearly hours pro rata by month. Running it again emits nothing new.
    """
    require("close_year", ctx.actor)
    yearly_hours = settings.of(ctx).yearly_hours if yearly_hours is None else yearly_hours
    if isinstance(year, bool) or not isinstance(year, int):
        raise Invalid(f"year must be a whole year such as 2026, not {year!r}", fields={"year": year})
    if ctx.now.date() <= datetime.date(year, 12, 31):
        raise Invalid(
            f"year {year} has not ended: close_year({year}) is allowed from {year + 1}-01-01, "
            f"today is {ctx.now.date()}",
            fields={"year": year},
        )
    people = {d["person_id"] for d in store.all_docs("training_cadres")}
    people |= {d["person_id"] for d in store.all_docs("training_records", {"year": year})}
    events = []
    for pid in sorted(people):
        ob = onboarding.fold(store.load(f"onboarding-{pid}"))
        if ob.status == "withdrawn" and ob.dismissed_on <= f"{year}-12-31":
            continue
        if ob.status != "none":
            who, appointed = (ob.role, ob.street, ob.community), rules.as_date(ob.appointed_on, "appointed_on")
        else:
            latest = record.fold(store.load(f"record-{pid}-{year}")).latest
            who, appointed = (latest["role"], latest["street"], latest["community"]), None
        required = rules.required_hours(who[0], year, appointed, yearly_hours)
        if required is None:
            continue
        events += execute(
            store,
            f"record-{pid}-{year}",
            record.fold,
            lambda r, pid=pid, who=who, required=required: record.close(r, pid, year, *who, required),
            _derived(ctx, f"close:{pid}"),
        )
    return events
