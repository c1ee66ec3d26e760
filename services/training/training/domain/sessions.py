"""A training session (培训场次): scheduled, maybe rescheduled, then cancelled or held. Held and cancelled are final."""

from dataclasses import dataclass, field

from watchpost.domain import Change
from watchpost.errors import IllegalTransition, Invalid

from training.domain.rules import CADRE_ROLES, KINDS, as_date, as_hours

# The commands each state allows: the legal transitions, and nothing else.
ALLOWED = {
    "none": {"schedule_session"},
    "scheduled": {"reschedule_session", "cancel_session", "hold_session"},
    "cancelled": set(),
    "held": {"record_attendance", "correct_attendance"},
}


@dataclass
class Session:
    session_id: str | None = None
    status: str = "none"
    kind: str | None = None
    topic: str | None = None
    date: str | None = None
    hours: float | None = None
    audience: dict = field(default_factory=lambda: {"roles": [], "streets": [], "communities": []})
    held_on: str | None = None


def fold(events):
    s = Session()
    for e in events:
        p = e.payload
        if e.type == "session.scheduled":
            s = Session(p["session_id"], "scheduled", p["kind"], p["topic"], p["date"], p["hours"], p["audience"])
        elif e.type == "session.rescheduled":
            s.date = p["date"]
        elif e.type == "session.cancelled":
            s.status = "cancelled"
        elif e.type == "session.held":
            s.status, s.held_on, s.hours = "held", p["held_on"], p["hours"]
    return s


def require(session, command):
    if command not in ALLOWED[session.status]:
        raise IllegalTransition(command, session.status, ALLOWED[session.status])


def audience(value):
    """Normalise an audience: empty lists mean everyone; roles must be cadre roles."""
    value = dict(value or {})
    unknown = set(value) - {"roles", "streets", "communities"}
    if unknown:
        raise Invalid(
            f"audience takes roles, streets and communities, not {', '.join(sorted(unknown))}",
            fields={"audience": sorted(unknown)},
        )
    out = {k: sorted(set(value.get(k) or [])) for k in ("roles", "streets", "communities")}
    bad = [r for r in out["roles"] if r not in CADRE_ROLES]
    if bad:
        raise Invalid(
            f"audience.roles {bad} unknown; allowed: {', '.join(CADRE_ROLES)}", fields={"audience.roles": bad}
        )
    return out


def schedule(session, session_id, kind, topic, date, hours, organiser, audience_):
    require(session, "schedule_session")
    if kind not in KINDS:
        raise Invalid(f"kind {kind!r} is unknown; allowed: {', '.join(KINDS)}", fields={"kind": kind})
    topic, organiser = (topic or "").strip(), (organiser or "").strip()
    if not topic or len(topic) > 200:
        raise Invalid("topic must be 1 to 200 characters", fields={"topic": topic})
    if not organiser or len(organiser) > 200:
        raise Invalid("organiser must be 1 to 200 characters", fields={"organiser": organiser})
    return [
        Change(
            "session.scheduled",
            {
                "session_id": session_id,
                "kind": kind,
                "topic": topic,
                "date": as_date(date, "date").isoformat(),
                "hours": as_hours(hours),
                "audience": audience(audience_),
                "organiser": organiser,
            },
        )
    ]


def reschedule(session, date, reason=None):
    require(session, "reschedule_session")
    new = as_date(date, "date").isoformat()
    if new == session.date:
        raise Invalid(f"the session is already on {new}; give a different date", fields={"date": new})
    return [
        Change(
            "session.rescheduled",
            {"session_id": session.session_id, "date": new, "previous_date": session.date, "reason": reason},
        )
    ]


def cancel(session, reason):
    require(session, "cancel_session")
    if not (reason or "").strip():
        raise Invalid("a cancellation needs a reason", fields={"reason": reason})
    return [
        Change("session.cancelled", {"session_id": session.session_id, "date": session.date, "reason": reason.strip()})
    ]


def hold(session, today, held_on=None, hours=None):
    require(session, "hold_session")
    day = as_date(held_on or session.date, "held_on")
    if day > today:
        raise Invalid(
            f"held_on {day} is after today ({today}): a session is marked held once it has taken place",
            fields={"held_on": day.isoformat()},
        )
    return [
        Change(
            "session.held",
            {
                "session_id": session.session_id,
                "held_on": day.isoformat(),
                "hours": as_hours(session.hours if hours is None else hours),
                "kind": session.kind,
                "topic": session.topic,
            },
        )
    ]
