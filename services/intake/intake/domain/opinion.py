"""Opinions and problems (民情: 意见建议 and 实际问题): received -> assigned to a department -> resolved ->
feedback to the reporter -> closed. Resolved problems are the seed's "157 problems resolved".
"""

from dataclasses import dataclass

from watchpost.domain import Change
from watchpost.errors import IllegalTransition, Invalid

from intake.domain.rules import published_channel

KINDS = ("opinion", "problem")
FLOW = {
    "new": {"receive_opinion"},
    "received": {"assign_opinion"},
    "assigned": {"assign_opinion", "resolve_opinion"},
    "resolved": {"give_opinion_feedback"},
    "fed_back": {"close_opinion"},
    "closed": set(),
}


@dataclass
class Opinion:
    status: str = "new"
    opinion_id: str = ""
    kind: str = ""
    community: str = ""
    street: str = ""
    receipt_hash: str | None = None

    def where(self):
        return {
            "opinion_id": self.opinion_id,
            "kind": self.kind,
            "community": self.community,
            "street": self.street,
            "receipt_hash": self.receipt_hash,
        }


_NEXT = {
    "opinion.assigned": "assigned",
    "opinion.resolved": "resolved",
    "opinion.feedback_given": "fed_back",
    "opinion.closed": "closed",
}


def fold(events):
    opinion = Opinion()
    for event in events:
        p = event.payload
        if event.type == "opinion.received":
            opinion = Opinion("received", p["opinion_id"], p["kind"], p["community"], p["street"], p["receipt_hash"])
        elif event.type in _NEXT:
            opinion.status = _NEXT[event.type]
    return opinion


def require(opinion, command):
    if command not in FLOW[opinion.status]:
        raise IllegalTransition(command, opinion.status, FLOW[opinion.status])


def receive(
    opinion,
    today,
    *,
    opinion_id,
    kind,
    channel,
    community,
    street,
    summary,
    category,
    real_name,
    reporter_ref,
    receipt_hash,
):
    require(opinion, "receive_opinion")
    if kind not in KINDS:
        raise Invalid(f"kind {kind!r} is unknown; allowed: {', '.join(KINDS)}", field="kind")
    return [
        Change(
            "opinion.received",
            {
                "opinion_id": opinion_id,
                "kind": kind,
                "channel": published_channel(channel),
                "community": community,
                "street": street,
                "summary": summary,
                "category": category,
                "real_name": real_name,
                "reporter_ref": reporter_ref,
                "receipt_hash": receipt_hash,
                "received_on": today.isoformat(),
            },
        )
    ]


def assign(opinion, today, *, department):
    require(opinion, "assign_opinion")
    return [Change("opinion.assigned", {**opinion.where(), "department": department, "assigned_on": today.isoformat()})]


def resolve(opinion, today, *, resolution):
    require(opinion, "resolve_opinion")
    return [Change("opinion.resolved", {**opinion.where(), "resolution": resolution, "resolved_on": today.isoformat()})]


def give_feedback(opinion, today, *, feedback):
    require(opinion, "give_opinion_feedback")
    return [Change("opinion.feedback_given", {**opinion.where(), "feedback": feedback, "given_on": today.isoformat()})]


def close(opinion, today):
    require(opinion, "close_opinion")
    return [Change("opinion.closed", {**opinion.where(), "closed_on": today.isoformat()})]
