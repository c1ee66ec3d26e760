"""Three small read models: receipts (what a reporter sees with their code), counts (the seed's figures),
deadlines (open clocks for the timer). Pure `Projection`s like those in `projections.py`.
"""

from watchpost.eventlog import Projection

from intake.domain.clocks import clock_changes, local_date

PUBLIC_STATUS = {
    "accepted": "being_handled",
    "duplicate_retained": "linked_to_earlier_report",
    "out_of_scope": "transferred",
    "forwarded_up": "forwarded_to_upper_level",
}
OPINION_STATUS = {
    "opinion.received": "received",
    "opinion.assigned": "being_handled",
    "opinion.resolved": "resolved",
    "opinion.feedback_given": "resolved",
    "opinion.closed": "closed",
}


class Receipts(Projection):
    """By sha256 of the receipt code: status in plain words and the feedback given; nothing else."""

    name = "receipts"

    def keys(self, event):
        h = event.payload.get("receipt_hash")
        return [h] if h and event.type.split(".")[0] in ("clue", "opinion") else []

    def apply(self, doc, event):
        p, day = event.payload, local_date(event.occurred_at).isoformat()
        if event.type in ("clue.received", "opinion.received"):
            return {
                "kind": event.type.split(".")[0],
                "status": "received",
                "received_on": p["received_on"],
                "updated_on": p["received_on"],
                "feedback": [],
            }
        doc = {**doc, "updated_on": day}
        if event.type == "clue.screened":
            doc["status"] = PUBLIC_STATUS[p["outcome"]]
        elif event.type == "clue.concluded":
            doc["status"] = "concluded"
        elif event.type == "clue.objection_raised":
            doc["status"] = "being_handled_again"
        elif event.type in OPINION_STATUS:
            doc["status"] = OPINION_STATUS[event.type]
        if p.get("feedback"):
            doc["feedback"] = doc["feedback"] + [{"given_on": p["given_on"], "text": p["feedback"]}]
        return doc


COUNTED = {
    "inspection.recorded": "inspections_held",
    "inspection.finding_recorded": "findings_recorded",
    "rectification.verified": "rectifications_verified",
    "clue.received": "clues_received",
    "clue.concluded": "clues_concluded",
}


def _counter(event):
    p = event.payload
    if event.type == "opinion.received":
        return "opinions_collected" if p["kind"] == "opinion" else "problems_collected"
    if event.type == "opinion.resolved":
        return "opinions_resolved" if p["kind"] == "opinion" else "problems_resolved"
    return COUNTED.get(event.type)


class Counts(Projection):
    """Seed figures as counters: 监督检查100余次, 意见建议326条, 实际问题157个 — keys `district`, `street:<s>`,
    `community:<s>/<c>`."""

    name = "counts"

    def keys(self, event):
        if not _counter(event):
            return []
        p = event.payload
        return ["district", f"street:{p['street']}", f"community:{p['street']}/{p['community']}"]

    def apply(self, doc, event):
        counter = _counter(event)
        doc = dict(doc or {})
        doc[counter] = doc.get(counter, 0) + 1
        return doc


class Deadlines(Projection):
    """By clue id or finding id: every open clock with its due date and the alerts already sent."""

    name = "deadlines"

    def keys(self, event):
        opened, closed = clock_changes(event.type, event.payload)
        alerting = event.type.endswith((".due_soon", ".overdue"))
        if not (opened or closed or alerting):
            return []
        return [event.payload.get("finding_id") or event.payload["clue_id"]]

    def apply(self, doc, event):
        p = event.payload
        opened, closed = clock_changes(event.type, p)
        doc = doc or {
            "stream_id": event.stream_id,
            "aggregate": event.type.split(".")[0],
            "id": p.get("finding_id") or p["clue_id"],
            "community": p["community"],
            "street": p["street"],
            "clocks": {},
        }
        clocks = {k: v for k, v in doc["clocks"].items() if k not in closed and k not in opened}
        clocks.update({k: {"due_on": v, "sent": []} for k, v in opened.items()})
        if event.type.endswith((".due_soon", ".overdue")) and p["clock"] in clocks:
            c = clocks[p["clock"]]
            clocks[p["clock"]] = {**c, "sent": sorted(set(c["sent"]) | {event.type.split(".")[1]})}
        return {**doc, "clocks": clocks} if clocks else None
