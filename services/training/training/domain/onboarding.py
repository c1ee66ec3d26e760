"""Onboarding of a newly appointed cadre (新任干部入职培训): enrolled into the programme of their role, progressing as
they attend matching sessions, completed when nothing remains. Stream `onboarding-<person>`; also the roster of
cadres training knows (appointed_on, dismissed_on) for the year end.
"""

from dataclasses import dataclass, field

from watchpost.domain import Change
from watchpost.errors import Invalid

from training.domain.rules import CADRE_ROLES, as_date, matches


@dataclass
class Onboarding:
    person_id: str | None = None
    status: str = "none"  # none | enrolled | completed | withdrawn
    role: str | None = None
    street: str | None = None
    community: str | None = None
    appointed_on: str | None = None
    dismissed_on: str | None = None
    required: list = field(default_factory=list)
    done: dict = field(default_factory=dict)  # item -> session_id that satisfied it

    @property
    def remaining(self):
        return [i["item"] for i in self.required if i["item"] not in self.done]


def fold(events):
    o = Onboarding()
    for e in events:
        p = e.payload
        if e.type == "onboarding.enrolled":
            o = Onboarding(
                p["person_id"],
                "enrolled",
                p["role"],
                p["street"],
                p["community"],
                p["appointed_on"],
                required=p["required"],
            )
        elif e.type == "onboarding.progressed":
            o.done.update({i: p["session_id"] for i in p["items"]})
        elif e.type == "onboarding.progress_revoked":
            o.status = "enrolled"
            for i in p["items"]:
                o.done.pop(i, None)
        elif e.type == "onboarding.completed":
            o.status = "completed"
        elif e.type == "onboarding.withdrawn":
            o.status, o.dismissed_on = "withdrawn", p["dismissed_on"]
    return o


def enrol(o, person_id, role, street, community, appointed_on, programme):
    """Enrol once: a repeated appointment (replay, redelivery) changes nothing; a re-appointment after dismissal
    enrols afresh."""
    day = as_date(appointed_on, "appointed_on").isoformat()
    if o.status in ("enrolled", "completed") or (o.status == "withdrawn" and day <= o.dismissed_on):
        return []
    if role not in CADRE_ROLES:
        raise Invalid(f"role {role!r} is unknown; allowed: {', '.join(CADRE_ROLES)}", fields={"role": role})
    required = [{"item": i["item"], "kind": i.get("kind"), "topic": i.get("topic")} for i in programme.get(role, [])]
    changes = [
        Change(
            "onboarding.enrolled",
            {
                "person_id": person_id,
                "role": role,
                "street": street,
                "community": community,
                "appointed_on": day,
                "required": required,
            },
        )
    ]
    if not required:
        changes.append(
            Change(
                "onboarding.completed",
                {"person_id": person_id, "street": street, "community": community, "completed_on": day},
            )
        )
    return changes


def on_attendance(o, a):
    """Progress on a present attendance at a matching session; revoke what a corrected-away attendance had earned."""
    if o.status not in ("enrolled", "completed") or a["held_on"] < o.appointed_on:
        return []
    where = {"person_id": o.person_id, "session_id": a["session_id"], "street": o.street, "community": o.community}
    if a["status"] != "present":
        items = [i for i, s in o.done.items() if s == a["session_id"]]
        if not items:
            return []
        return [
            Change(
                "onboarding.progress_revoked",
                {**where, "items": items, "remaining": o.remaining + items, "reopened": o.status == "completed"},
            )
        ]
    if o.status != "enrolled":
        return []
    items = [i["item"] for i in o.required if i["item"] not in o.done and matches(i, a["kind"], a["topic"])]
    if not items:
        return []
    remaining = [i for i in o.remaining if i not in items]
    changes = [
        Change("onboarding.progressed", {**where, "items": items, "held_on": a["held_on"], "remaining": remaining})
    ]
    if not remaining:
        changes.append(
            Change(
                "onboarding.completed",
                {"person_id": o.person_id, "street": o.street, "community": o.community, "completed_on": a["held_on"]},
            )
        )
    return changes


def withdraw(o, dismissed_on):
    """The cadre left office: off the roster and out of the programme. Nothing if never enrolled or already out."""
    if o.status not in ("enrolled", "completed"):
        return []
    day = as_date(dismissed_on, "dismissed_on").isoformat()
    return [
        Change(
            "onboarding.withdrawn",
            {
                "person_id": o.person_id,
                "street": o.street,
                "community": o.community,
                "dismissed_on": day,
                "completed": o.status == "completed",
            },
        )
    ]
