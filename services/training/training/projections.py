"""Training's read models, folded from its own log (plain JSON documents, rebuildable at any time).

- `training_sessions`, key `<session_id>`: a session, its status, periods (month, quarter, year) and head counts.
- `training_records`, key `<person_id>:<year>`: a cadre's year: hours, counts, sessions attended, the verdict.
- `training_cadres`, key `<person_id>`: the cadres training knows and their onboarding progress.
- `training_participation_community` key `<community>:<year>`, `training_participation_street` key
  `<street>:<year>`: attendance counts, hours, rate (present / recorded), by month, met and shortfall counts.
"""

import copy

from watchpost.eventlog import Projection

from training.domain.rules import as_date, periods

COUNTS = ("present", "absent", "excused")


def _count(doc, status, by):
    doc[status] = doc.get(status, 0) + by


def _rate(doc):
    recorded = sum(doc[s] for s in COUNTS)
    doc["recorded"], doc["rate"] = recorded, round(doc["present"] / recorded, 4) if recorded else None
    return doc


def _attendance(doc, p, event_type):
    """Apply an attendance event's effect on counts and hours (a correction moves one count)."""
    if event_type == "attendance.corrected":
        _count(doc, p["previous_status"], -1)
        doc["hours"] = round(doc["hours"] - p["previous_hours"], 2)
    _count(doc, p["status"], 1)
    doc["hours"] = round(doc["hours"] + p["hours"], 2)


class Sessions(Projection):
    name = "training_sessions"

    def keys(self, event):
        return [event.payload["session_id"]] if event.type.split(".")[0] in ("session", "attendance") else []

    def apply(self, doc, event):
        p, doc = event.payload, copy.deepcopy(doc)
        if event.type == "session.scheduled":
            return {
                **{k: p[k] for k in ("session_id", "kind", "topic", "date", "hours", "audience", "organiser")},
                "status": "scheduled",
                "held_on": None,
                "reschedules": 0,
                "reason": None,
                **periods(as_date(p["date"], "date")),
                **{s: 0 for s in COUNTS},
                "hours_given": 0.0,
            }
        if doc is None:
            return None
        if event.type == "session.rescheduled":
            doc.update(date=p["date"], reschedules=doc["reschedules"] + 1, **periods(as_date(p["date"], "date")))
        elif event.type == "session.cancelled":
            doc.update(status="cancelled", reason=p["reason"])
        elif event.type == "session.held":
            doc.update(status="held", held_on=p["held_on"], hours=p["hours"], **periods(as_date(p["held_on"], "")))
        elif event.type.startswith("attendance."):
            if event.type == "attendance.corrected":
                _count(doc, p["previous_status"], -1)
            _count(doc, p["status"], 1)
        return doc


class Records(Projection):
    name = "training_records"

    def keys(self, event):
        p = event.payload
        if event.type.startswith("attendance."):
            return [f"{p['person_id']}:{p['held_on'][:4]}"]
        return [f"{p['person_id']}:{p['year']}"] if event.type.startswith("requirement.") else []

    def apply(self, doc, event):
        p = event.payload
        year = int(p["held_on"][:4]) if event.type.startswith("attendance.") else p["year"]
        doc = copy.deepcopy(doc) or {
            "person_id": p["person_id"],
            "year": year,
            "hours": 0.0,
            "sessions": {},
            "outcome": None,
            "required": None,
            **{s: 0 for s in COUNTS},
        }
        doc.update(role=p["role"], street=p["street"], community=p["community"])
        if event.type.startswith("attendance."):
            _attendance(doc, p, event.type)
            doc["sessions"][p["session_id"]] = {k: p[k] for k in ("status", "hours", "held_on", "kind", "topic")}
        else:
            doc.update(outcome=event.type.split(".")[1], required=p["required"])
        return doc


class Cadres(Projection):
    name = "training_cadres"

    def keys(self, event):
        return [event.payload["person_id"]] if event.type.startswith("onboarding.") else []

    def apply(self, doc, event):
        p, doc = event.payload, copy.deepcopy(doc)
        if event.type == "onboarding.enrolled":
            return {
                **{k: p[k] for k in ("person_id", "role", "street", "community", "appointed_on")},
                "status": "enrolled",
                "dismissed_on": None,
                "completed_on": None,
                "done": {},
                "required": [i["item"] for i in p["required"]],
                "remaining": [i["item"] for i in p["required"]],
            }
        if doc is None:
            return None
        if event.type == "onboarding.progressed":
            doc["done"].update({i: p["session_id"] for i in p["items"]})
            doc["remaining"] = p["remaining"]
        elif event.type == "onboarding.progress_revoked":
            doc.update(status="enrolled", completed_on=None, remaining=p["remaining"])
            for i in p["items"]:
                doc["done"].pop(i, None)
        elif event.type == "onboarding.completed":
            doc.update(status="completed", completed_on=p["completed_on"], remaining=[])
        elif event.type == "onboarding.withdrawn":
            doc.update(status="withdrawn", dismissed_on=p["dismissed_on"])
        return doc


class CommunityParticipation(Projection):
    """Attendance, hours, rate (present / recorded), per month, and year-end verdicts of one community's cadres."""

    name, scope = "training_participation_community", "community"

    def keys(self, event):
        p = event.payload
        if not event.type.startswith(("attendance.", "requirement.")) or not p.get(self.scope):
            return []
        return [f"{p[self.scope]}:{p['held_on'][:4] if 'held_on' in p else p['year']}"]

    def apply(self, doc, event):
        p, doc = event.payload, copy.deepcopy(doc)
        if doc is None:
            doc = {
                "street": p["street"],
                "community": p["community"] if self.scope == "community" else None,
                "year": int(p["held_on"][:4]) if "held_on" in p else p["year"],
                "hours": 0.0,
                "met": 0,
                "shortfall": 0,
                "months": {},
                **{s: 0 for s in COUNTS},
            }
        if event.type.startswith("attendance."):
            _attendance(doc, p, event.type)
            month = doc["months"].setdefault(p["held_on"][:7], {"hours": 0.0, **{s: 0 for s in COUNTS}})
            _attendance(month, p, event.type)
            _rate(month)
        else:
            doc[event.type.split(".")[1]] += 1
        return _rate(doc)


class StreetParticipation(CommunityParticipation):
    """The same figures for a whole street (every cadre whose attendance names the street)."""

    name, scope = "training_participation_street", "street"


PROJECTIONS = (Sessions(), Records(), Cadres(), CommunityParticipation(), StreetParticipation())
