"""The training service layer: one function per command, `(store, ctx, **fields) -> [Event]`, on `execute`.

A command that touches a second stream (attendance moving onboarding on) derives that append's command id from
its own, so a retried command completes what a crash interrupted without repeating what was recorded.
"""
import uuid
from dataclasses import replace

from watchpost.errors import NotFound
from watchpost.handling import execute

from training.access import require, require_cover, require_manage
from training.domain import onboarding, record, rules, sessions
from training.reads import (community_participation, get_session, onboarding_status,  # noqa: F401 (one entry point)
                            person_record, sessions_by_period, street_participation)
from training.yearend import close_year  # noqa: F401 (one entry point)


def _derived(ctx, suffix):
    return replace(ctx, command_id=f"{ctx.command_id}:{suffix}" if ctx.command_id else None)


def _load_session(store, session_id):
    s = sessions.fold(store.load(f"session-{session_id}"))
    if s.status == "none":
        raise NotFound(f"session {session_id} does not exist", session_id=session_id)
    return s


def _managed(ctx, session_id, decide):
    def run(s):
        if s.status == "none":
            raise NotFound(f"session {session_id} does not exist", session_id=session_id)
        require_manage(ctx, s.audience)
        return decide(s)
    return run


class Scheduled(list):
    """The recorded events, plus the id of the session (chosen here when the caller gave none)."""
    session_id: str | None = None


def schedule_session(store, ctx, kind, topic, date, hours, organiser, audience=None, session_id=None):
    require(ctx, "schedule_session")
    aud = sessions.audience(audience)
    require_manage(ctx, aud)
    sid = str(session_id or uuid.uuid4())
    done = Scheduled(execute(store, f"session-{sid}", sessions.fold,
                             lambda s: sessions.schedule(s, sid, kind, topic, date, hours, organiser, aud), ctx))
    done.session_id = done[0].payload["session_id"] if done else sid
    return done


def reschedule_session(store, ctx, session_id, date, reason=None):
    require(ctx, "reschedule_session")
    return execute(store, f"session-{session_id}", sessions.fold,
                   _managed(ctx, session_id, lambda s: sessions.reschedule(s, date, reason)), ctx)


def cancel_session(store, ctx, session_id, reason):
    require(ctx, "cancel_session")
    return execute(store, f"session-{session_id}", sessions.fold,
                   _managed(ctx, session_id, lambda s: sessions.cancel(s, reason)), ctx)


def hold_session(store, ctx, session_id, held_on=None, hours=None):
    require(ctx, "hold_session")
    return execute(store, f"session-{session_id}", sessions.fold,
                   _managed(ctx, session_id, lambda s: sessions.hold(s, ctx.now.date(), held_on, hours)), ctx)


def _advance(store, ctx, events):
    """Move the attendee's onboarding on (or back) for each attendance event."""
    out = []
    for e in events:
        if e.type.startswith("attendance."):
            a = e.payload
            out += execute(store, f"onboarding-{a['person_id']}", onboarding.fold,
                           lambda o: onboarding.on_attendance(o, a), _derived(ctx, f"onboarding:{a['session_id']}"))
    return out


def record_attendance(store, ctx, session_id, person_id, role, street, status, community=None):
    require(ctx, "record_attendance")
    require_cover(ctx, street, community, f"person {person_id}")
    s = _load_session(store, session_id)
    sessions.require(s, "record_attendance")
    events = execute(store, f"record-{person_id}-{s.held_on[:4]}", record.fold,
                     lambda r: record.record(r, s, person_id, role, street, community, status), ctx)
    return events + _advance(store, ctx, events)


def correct_attendance(store, ctx, session_id, person_id, status, reason):
    require(ctx, "correct_attendance")
    s = _load_session(store, session_id)
    sessions.require(s, "correct_attendance")

    def decide(r):
        before = r.attendance.get(session_id)
        if before:
            require_cover(ctx, before["street"], before["community"], f"person {person_id}")
        return record.correct(r, s, person_id, status, reason)
    events = execute(store, f"record-{person_id}-{s.held_on[:4]}", record.fold, decide, ctx)
    return events + _advance(store, ctx, events)


def enrol_cadre(store, ctx, person_id, role, street, appointed_on, community=None, programme=None):
    """Enrol a cadre in onboarding once; attendance already recorded since the appointment counts at once."""
    require(ctx, "enrol_cadre")
    table = rules.DEFAULT_PROGRAMME if programme is None else programme
    events = execute(store, f"onboarding-{person_id}", onboarding.fold,
                     lambda o: onboarding.enrol(o, person_id, role, street, community, appointed_on, table), ctx)
    if not events:
        return events
    since = rules.as_date(appointed_on, "appointed_on")
    earlier = []
    for year in range(since.year, max(since.year, ctx.now.year) + 1):
        earlier += record.fold(store.load(f"record-{person_id}-{year}")).attendance.values()
    for a in sorted(earlier, key=lambda a: (a["held_on"], a["session_id"])):
        events += execute(store, f"onboarding-{person_id}", onboarding.fold,
                          lambda o: onboarding.on_attendance(o, a), _derived(ctx, f"catch-up:{a['session_id']}"))
    return events


def withdraw_cadre(store, ctx, person_id, dismissed_on):
    require(ctx, "withdraw_cadre")
    return execute(store, f"onboarding-{person_id}", onboarding.fold,
                   lambda o: onboarding.withdraw(o, dismissed_on), ctx)
