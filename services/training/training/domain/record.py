"""A cadre's training record for one year (年度培训档案): attendance, hours, and the year-end verdict, given once.

Stream `record-<person>-<year>`; the year is the year the session was held (Dec 31 counts for that year).
"""

from dataclasses import dataclass, field

from watchpost.domain import Change
from watchpost.errors import IllegalTransition, Invalid

from training.domain.rules import CADRE_ROLES, STATUSES


@dataclass
class Record:
    person_id: str | None = None
    year: int | None = None
    attendance: dict = field(default_factory=dict)  # session_id -> the latest attendance payload
    outcome: str | None = None  # met | shortfall once the year is closed
    latest: dict | None = None  # latest attendance payload: role, street, community

    @property
    def hours(self):
        return round(sum(a["hours"] for a in self.attendance.values()), 2)


def fold(events):
    r = Record()
    for e in events:
        p = e.payload
        if e.type in ("attendance.recorded", "attendance.corrected"):
            r.person_id = p["person_id"]
            r.attendance[p["session_id"]] = p
            r.latest = p
        elif e.type in ("requirement.met", "requirement.shortfall"):
            r.person_id, r.year, r.outcome = p["person_id"], p["year"], e.type.split(".")[1]
    return r


def _open(record, command, year):
    if record.outcome:
        raise IllegalTransition(command, f"year {year} closed as {record.outcome}", set())


def record(rec, session, person_id, role, street, community, status):
    """Attendance of `person_id` at a held `session` (a sessions.Session)."""
    year = int(session.held_on[:4])
    _open(rec, "record_attendance", year)
    if session.session_id in rec.attendance:
        raise IllegalTransition("record_attendance", "attendance already recorded", {"correct_attendance"})
    if status not in STATUSES:
        raise Invalid(f"status {status!r} is unknown; allowed: {', '.join(STATUSES)}", fields={"status": status})
    if role not in CADRE_ROLES:
        raise Invalid(f"role {role!r} is unknown; allowed: {', '.join(CADRE_ROLES)}", fields={"role": role})
    if not person_id or not street:
        raise Invalid("person_id and street are required", fields={"person_id": person_id, "street": street})
    return [
        Change(
            "attendance.recorded",
            {
                "session_id": session.session_id,
                "person_id": person_id,
                "role": role,
                "status": status,
                "hours": session.hours if status == "present" else 0.0,
                "street": street,
                "community": community,
                "held_on": session.held_on,
                "kind": session.kind,
                "topic": session.topic,
            },
        )
    ]


def correct(rec, session, person_id, status, reason):
    """A correction is a new event naming the status it replaces; the original stays in the log."""
    year = int(session.held_on[:4])
    _open(rec, "correct_attendance", year)
    before = rec.attendance.get(session.session_id)
    if before is None:
        raise IllegalTransition("correct_attendance", "no attendance recorded", {"record_attendance"})
    if status not in STATUSES:
        raise Invalid(f"status {status!r} is unknown; allowed: {', '.join(STATUSES)}", fields={"status": status})
    if status == before["status"]:
        raise Invalid(
            f"{person_id} is already recorded as {status}; a correction must change the status",
            fields={"status": status},
        )
    if not (reason or "").strip():
        raise Invalid("a correction needs a reason", fields={"reason": reason})
    return [
        Change(
            "attendance.corrected",
            {
                **before,
                "status": status,
                "hours": session.hours if status == "present" else 0.0,
                "previous_status": before["status"],
                "previous_hours": before["hours"],
                "reason": reason.strip(),
            },
        )
    ]


def close(rec, person_id, year, role, street, community, required):
    """The year-end verdict, exactly once: [] if already given."""
    if rec.outcome:
        return []
    hours = rec.hours
    kind = "requirement.met" if hours >= required else "requirement.shortfall"
    present = sum(1 for a in rec.attendance.values() if a["status"] == "present")
    return [
        Change(
            kind,
            {
                "person_id": person_id,
                "year": year,
                "hours": hours,
                "required": required,
                "role": role,
                "street": street,
                "community": community,
                "sessions": present,
            },
        )
    ]
