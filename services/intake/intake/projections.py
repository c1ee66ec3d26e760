"""intake's read models: plain JSON documents folded from its events (pure; rebuildable from the log).

clues (by clue id), opinions (by opinion id), inspections (by inspection id), receipts (by receipt code
sha256: status and feedback only), counts ("district", "street:<id>", "community:<id>": the seed's figures),
deadlines (by clue or finding id: the open statutory clocks a timer watches). No document carries a reporter's
identity or `reporter_ref`; a clue lists its attachments by id, type, size and sha256, never a file name.
"""

from watchpost.eventlog import Projection
from watchpost.eventlog.model import iso

from intake.domain.clocks import clock_changes
from intake.domain.rules import approver_level

STUB_DROPS = ("summary", "accused", "accused_key", "category", "item", "attachments")
CLUE_STATUS = {
    "clue.received": "received",
    "clue.registered": "registered",
    "clue.reviewed": "reviewed",
    "clue.disposal_proposed": "disposal_proposed",
    "clue.disposal_rejected": "reviewed",
    "clue.resumed": "registered",
    "clue.reply_received": "replied",
    "clue.verification_planned": "verification_planned",
    "clue.verification_reported": "verification_reported",
    "clue.concluded": "concluded",
    "clue.objection_raised": "registered",
}
AFTER_DISPOSAL = {
    "talk_inquiry": "talk_inquiry",
    "preliminary_verification": "verifying",
    "suspended": "suspended",
    "closed": "concluded",
}
KEPT = ("ledger_no", "disposal", "outcome", "measure", "repeat_of", "transferred_to")


def _step(event):
    p = event.payload
    detail = next((p[k] for k in ("outcome", "disposal", "clock", "department", "content_type") if p.get(k)), None)
    return {
        "event": event.type,
        "at": iso(event.occurred_at),
        "by": event.actor.get("id"),
        "role": event.actor.get("role"),
        "detail": detail,
    }


def _submitter(event):
    """Who submitted a clue, for 知情范围 (a community secretary knows their own submissions): a staff member's id;
    None for a protected submitter (sealed) or an anonymous one."""
    actor = event.actor
    return (
        actor["id"]
        if actor.get("role") in ("community_secretary", "street_commission", "district_commission")
        else None
    )


class Clues(Projection):
    name = "clues"

    def keys(self, event):
        if not event.type.startswith("clue."):
            return []
        p = event.payload
        return [p["clue_id"]] + ([p["repeat_of"]] if p.get("repeat_of") else [])

    def apply(self, doc, event):
        p = event.payload
        if doc is None and event.type != "clue.received":
            return None
        if doc is not None and doc["clue_id"] != p["clue_id"]:  # a repeat report linked to this one
            return {**doc, "repeats": doc["repeats"] + [p["clue_id"]]}
        if event.type == "clue.received":
            doc = {
                k: p[k]
                for k in (
                    "clue_id",
                    "channel",
                    "community",
                    "street",
                    "category",
                    "item",
                    "summary",
                    "accused",
                    "accused_key",
                    "real_name",
                    "received_on",
                )
            }
            doc.update(level=approver_level(p["accused"]["rank"]), submitted_by=_submitter(event), recused=[])
            doc.update(
                {
                    "repeats": [],
                    "attachments": [],
                    "due": {},
                    "alerts": {},
                    "overdue": False,
                    "stub": False,
                    "proposal": None,
                    "history": [],
                    **{k: None for k in KEPT},
                }
            )
        doc = {**doc, "history": doc["history"] + [_step(event)], "updated_at": iso(event.occurred_at)}
        doc.update({k: p[k] for k in KEPT if p.get(k) is not None})
        if event.type in CLUE_STATUS:
            doc["status"] = CLUE_STATUS[event.type]
        if event.type == "clue.attachment_added":
            doc["attachments"] = (doc.get("attachments") or []) + [
                {
                    **{k: p[k] for k in ("attachment_id", "content_type", "size", "sha256")},
                    "added_at": iso(event.occurred_at),
                    "added_by_role": event.actor.get("role"),
                }
            ]
        if event.type == "clue.conflict_declared":
            doc["recused"] = doc["recused"] + [p["declared_by"]]
        if event.type == "clue.screened":
            doc["status"] = p["outcome"]
            if p["outcome"] == "forwarded_up":
                doc.update({k: None for k in STUB_DROPS}, stub=True)
        doc["proposal"] = (
            {"disposal": p["disposal"], "proposed_by": p["proposed_by"]}
            if event.type == "clue.disposal_proposed"
            else None
        )
        if event.type == "clue.disposal_approved":
            doc["status"] = AFTER_DISPOSAL[p["disposal"]]
        opened, closed = clock_changes(event.type, p)
        due = {k: v for k, v in doc["due"].items() if k not in closed and k not in opened}
        alerts = {k: v for k, v in doc["alerts"].items() if k in due}
        if event.type in ("clue.due_soon", "clue.overdue"):
            alerts[p["clock"]] = sorted(set(alerts.get(p["clock"], [])) | {event.type.split(".")[1]})
        doc["due"], doc["alerts"] = {**due, **opened}, alerts
        doc["overdue"] = any("overdue" in kinds for kinds in alerts.values())
        return doc


class Opinions(Projection):
    name = "opinions"
    STATUS = {
        "opinion.received": "received",
        "opinion.assigned": "assigned",
        "opinion.resolved": "resolved",
        "opinion.feedback_given": "fed_back",
        "opinion.closed": "closed",
    }

    def keys(self, event):
        return [event.payload["opinion_id"]] if event.type.startswith("opinion.") else []

    def apply(self, doc, event):
        p = event.payload
        if event.type == "opinion.received":
            doc = {
                k: p[k]
                for k in (
                    "opinion_id",
                    "kind",
                    "channel",
                    "community",
                    "street",
                    "summary",
                    "category",
                    "real_name",
                    "received_on",
                )
            }
            doc.update(department=None, resolution=None, resolved_on=None, history=[])
        doc = {**doc, "status": self.STATUS[event.type], "history": doc["history"] + [_step(event)]}
        doc.update({k: p[k] for k in ("department", "resolution", "resolved_on") if k in p})
        return doc


class Inspections(Projection):
    name = "inspections"

    def keys(self, event):
        return [event.payload["inspection_id"]] if "inspection_id" in event.payload else []

    def apply(self, doc, event):
        p = event.payload
        if event.type == "inspection.recorded":
            return {
                **{
                    k: p[k]
                    for k in (
                        "inspection_id",
                        "community",
                        "street",
                        "held_on",
                        "subject",
                        "scope",
                        "category",
                        "inspectors",
                    )
                },
                "findings": {},
            }
        findings = dict(doc["findings"])
        if event.type == "inspection.finding_recorded":
            findings[p["finding_id"]] = {
                "summary": p["summary"],
                "category": p["category"],
                "item": p["item"],
                "status": "recorded",
                "deadline": None,
                "responsible": None,
                "on_time": None,
                "clue_id": None,
                "overdue": False,
            }
        elif p.get("finding_id") in findings:
            f = dict(findings[p["finding_id"]])
            f["status"] = {
                "rectification.ordered": "rectification_ordered",
                "finding.escalated": "escalated",
                "rectification.reported": "rectification_reported",
                "rectification.verified": "rectification_verified",
            }.get(event.type, f["status"])
            f.update({k: p[k] for k in ("deadline", "responsible", "on_time", "clue_id") if k in p})
            if event.type == "rectification.overdue":
                f["overdue"] = True
            elif event.type in ("rectification.reported", "rectification.verified", "finding.escalated"):
                f["overdue"] = False
            findings[p["finding_id"]] = f
        return {**doc, "findings": findings}


from intake.indexes import Counts, Deadlines, Receipts  # noqa: E402  (the three small indexes)

PROJECTIONS = (Clues(), Opinions(), Inspections(), Receipts(), Counts(), Deadlines())
