"""Inspections (监督检查) and their findings: a finding orders a rectification (整改) with a deadline and a
responsible party -> reported done -> verified; or it is escalated into a clue.
"""

from dataclasses import dataclass, field

from watchpost.domain import Change
from watchpost.errors import IllegalTransition, Invalid, NotFound

from intake.domain import clocks

FINDING_FLOW = {
    "recorded": {"order_rectification", "escalate_finding"},
    "rectification_ordered": {"report_rectification", "escalate_finding"},
    "rectification_reported": {"verify_rectification"},
    "rectification_verified": set(),
    "escalated": set(),
}


@dataclass
class Inspection:
    inspection_id: str = ""
    community: str = ""
    street: str = ""
    findings: dict = field(default_factory=dict)  # finding id -> {"status", "deadline", "reported_on", "alerts"}

    def where(self, finding_id=None):
        found = {"inspection_id": self.inspection_id, "community": self.community, "street": self.street}
        return {**found, "finding_id": finding_id} if finding_id else found


_NEXT = {
    "rectification.ordered": "rectification_ordered",
    "rectification.reported": "rectification_reported",
    "rectification.verified": "rectification_verified",
    "finding.escalated": "escalated",
}


def fold(events):
    ins = Inspection()
    for event in events:
        p = event.payload
        if event.type == "inspection.recorded":
            ins.inspection_id, ins.community, ins.street = p["inspection_id"], p["community"], p["street"]
        elif event.type == "inspection.finding_recorded":
            ins.findings[p["finding_id"]] = {
                "status": "recorded",
                "deadline": None,
                "alerts": set(),
                **{k: p[k] for k in ("summary", "category", "item")},
            }
        elif event.type in _NEXT:
            ins.findings[p["finding_id"]]["status"] = _NEXT[event.type]
            ins.findings[p["finding_id"]].update({k: p[k] for k in ("deadline", "reported_on") if k in p})
        elif event.type in ("rectification.due_soon", "rectification.overdue"):
            ins.findings[p["finding_id"]]["alerts"].add(event.type.split(".")[1])
    return ins


def finding(ins, finding_id, command):
    if not ins.inspection_id:
        raise NotFound("no such inspection", command=command)
    if finding_id not in ins.findings:
        raise NotFound(f"inspection {ins.inspection_id} has no finding {finding_id}", command=command)
    f = ins.findings[finding_id]
    if command not in FINDING_FLOW[f["status"]]:
        raise IllegalTransition(command, f["status"], FINDING_FLOW[f["status"]])
    return f


def record(ins, *, inspection_id, community, street, held_on, subject, scope, category, inspectors):
    if ins.inspection_id:
        raise IllegalTransition("record_inspection", "recorded", {"record_finding"})
    return [
        Change(
            "inspection.recorded",
            {
                "inspection_id": inspection_id,
                "community": community,
                "street": street,
                "held_on": held_on,
                "subject": subject,
                "scope": scope,
                "category": category,
                "inspectors": sorted(set(inspectors)),
            },
        )
    ]


def record_finding(ins, today, *, finding_id, summary, category, item):
    if not ins.inspection_id:
        raise NotFound("no such inspection; record the inspection first", command="record_finding")
    if finding_id in ins.findings:
        raise Invalid(f"finding {finding_id} is already recorded", field="finding_id")
    return [
        Change(
            "inspection.finding_recorded",
            {
                **ins.where(finding_id),
                "summary": summary,
                "category": category,
                "item": item,
                "recorded_on": today.isoformat(),
            },
        )
    ]


def order_rectification(ins, today, *, finding_id, deadline, responsible):
    finding(ins, finding_id, "order_rectification")
    if deadline <= today:
        raise Invalid(f"the deadline must be after today ({today.isoformat()})", field="deadline")
    return [
        Change(
            "rectification.ordered",
            {
                **ins.where(finding_id),
                "deadline": deadline.isoformat(),
                "responsible": responsible,
                "ordered_on": today.isoformat(),
            },
        )
    ]


def report_rectification(ins, today, *, finding_id, summary):
    f = finding(ins, finding_id, "report_rectification")
    return [
        Change(
            "rectification.reported",
            {
                **ins.where(finding_id),
                "summary": summary,
                "reported_on": today.isoformat(),
                "on_time": today <= clocks.parse(f["deadline"]),
            },
        )
    ]


def verify_rectification(ins, today, *, finding_id):
    f = finding(ins, finding_id, "verify_rectification")
    return [
        Change(
            "rectification.verified",
            {**ins.where(finding_id), "verified_on": today.isoformat(), "on_time": f["reported_on"] <= f["deadline"]},
        )
    ]


def escalate(ins, *, finding_id, clue_id):
    finding(ins, finding_id, "escalate_finding")
    return [Change("finding.escalated", {**ins.where(finding_id), "clue_id": clue_id})]


def alert(ins, today):
    changes = []
    for fid, f in sorted(ins.findings.items()):
        if f["status"] == "rectification_ordered":
            kind = clocks.alert_due(clocks.parse(f["deadline"]), today, f["alerts"])
            if kind:
                changes.append(
                    Change(
                        f"rectification.{kind}", {**ins.where(fid), "clock": "rectification", "due_on": f["deadline"]}
                    )
                )
    return changes
