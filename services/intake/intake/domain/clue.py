"""A clue (问题线索) as state: folded from its events; which commands its state allows.

received -> screened (accepted | duplicate_retained | out_of_scope | forwarded_up) -> registered -> reviewed
-> disposal_proposed -> disposal approved: talk_inquiry -> replied | verifying -> verification_planned
-> verification_reported | suspended | concluded; concluded -> objection -> registered (back to analysis).
"""

from dataclasses import dataclass, field

from watchpost.errors import IllegalTransition

from intake.domain.clocks import clock_changes, parse

FLOW = {
    "new": {"receive_clue"},
    "received": {"screen_clue"},
    "accepted": {"register_clue"},
    "registered": {"review_clue"},
    "reviewed": {"propose_disposal"},
    "disposal_proposed": {"approve_disposal", "reject_disposal"},
    "talk_inquiry": {"record_reply"},
    "replied": {"conclude_clue"},
    "verifying": {"plan_verification"},
    "verification_planned": {"report_verification"},
    "verification_reported": {"conclude_clue"},
    "suspended": {"resume_clue"},
    "concluded": {"raise_objection"},
    "duplicate_retained": set(),
    "out_of_scope": set(),
    "forwarded_up": set(),
}
SCREENED_AWAY = ("duplicate_retained", "out_of_scope", "forwarded_up")
AFTER_DISPOSAL = {
    "talk_inquiry": "talk_inquiry",
    "preliminary_verification": "verifying",
    "suspended": "suspended",
    "closed": "concluded",
}


@dataclass
class Clue:
    status: str = "new"
    clue_id: str = ""
    community: str = ""
    street: str = ""
    rank: str = ""
    real_name: bool = False
    reporter_ref: str | None = None
    receipt_hash: str | None = None
    content_ref: str | None = None
    received_on: str = ""
    repeat_candidate: str | None = None
    proposal: dict | None = None
    disposal: str | None = None
    team: tuple = ()
    notified: bool = False
    fed_back: bool = False
    recused: tuple = ()  # handlers who declared 回避 (ids)
    attachments: int = 0  # files attached (domain.evidence)
    closed_on: str | None = None  # concluded or screened away (domain.retention)
    erased: bool = False  # identity and content crypto-shredded (domain.retention)
    clocks: dict = field(default_factory=dict)  # open clock -> due date (ISO)
    alerts: dict = field(default_factory=dict)  # clock -> {"due_soon", "overdue"} already emitted

    def where(self):
        return {"clue_id": self.clue_id, "community": self.community, "street": self.street}


def allowed(clue):
    """The commands the clue's state allows now (IllegalTransition names these)."""
    found = set(FLOW[clue.status])
    if clue.real_name and not clue.notified and clue.status not in ("new", "received", *SCREENED_AWAY):
        found.add("notify_acceptance")
    if clue.status in ("concluded", *SCREENED_AWAY) and not clue.fed_back:
        found.add("give_feedback")
    if clue.reporter_ref:
        found.add("reveal_reporter")
    return found


def require(clue, command):
    if command not in allowed(clue):
        raise IllegalTransition(command, clue.status, allowed(clue))


def _received(c, p):
    c.status, c.clue_id, c.community, c.street = "received", p["clue_id"], p["community"], p["street"]
    c.rank, c.real_name, c.reporter_ref = p["accused"]["rank"], p["real_name"], p["reporter_ref"]
    c.receipt_hash, c.content_ref, c.received_on = p["receipt_hash"], p["content_ref"], p["received_on"]
    c.repeat_candidate = p.get("repeat_candidate")


def _screened(c, p):
    c.status = p["outcome"]
    c.closed_on = p["screened_on"] if p["outcome"] in SCREENED_AWAY else None


def _approved(c, p):
    c.disposal, c.proposal = p["disposal"], None
    c.status = AFTER_DISPOSAL[p["disposal"]]


def _set(status):
    def apply(c, p):
        c.status = status

    return apply


_APPLY = {
    "clue.received": _received,
    "clue.screened": _screened,
    "clue.registered": _set("registered"),
    "clue.reviewed": _set("reviewed"),
    "clue.disposal_proposed": lambda c, p: (setattr(c, "proposal", p), setattr(c, "status", "disposal_proposed")),
    "clue.disposal_rejected": lambda c, p: (setattr(c, "proposal", None), setattr(c, "status", "reviewed")),
    "clue.disposal_approved": _approved,
    "clue.resumed": _set("registered"),
    "clue.reply_received": _set("replied"),
    "clue.verification_planned": lambda c, p: (
        setattr(c, "team", tuple(p["team"])),
        setattr(c, "status", "verification_planned"),
    ),
    "clue.verification_reported": _set("verification_reported"),
    "clue.concluded": lambda c, p: (
        setattr(c, "status", "concluded"),
        setattr(c, "fed_back", False),
        setattr(c, "closed_on", p["concluded_on"]),
    ),
    "clue.acceptance_notified": lambda c, p: setattr(c, "notified", True),
    "clue.feedback_given": lambda c, p: setattr(c, "fed_back", True),
    "clue.objection_raised": lambda c, p: (
        setattr(c, "status", "registered"),
        setattr(c, "disposal", None),
        setattr(c, "closed_on", None),
    ),
    "clue.erased": lambda c, p: (setattr(c, "erased", True), setattr(c, "reporter_ref", None)),
    "clue.attachment_added": lambda c, p: setattr(c, "attachments", c.attachments + 1),
    "clue.conflict_declared": lambda c, p: setattr(c, "recused", (*c.recused, p["declared_by"])),
}


def fold(events):
    clue = Clue()
    for event in events:
        _APPLY.get(event.type, lambda c, p: None)(clue, event.payload)
        opened, closed = clock_changes(event.type, event.payload)
        for name in closed | set(opened):
            clue.clocks.pop(name, None)
            clue.alerts.pop(name, None)
        clue.clocks.update(opened)
        if event.type in ("clue.due_soon", "clue.overdue"):
            clue.alerts.setdefault(event.payload["clock"], set()).add(event.type.split(".")[1])
    return clue


def due(clue, name):
    return parse(clue.clocks.get(name))
