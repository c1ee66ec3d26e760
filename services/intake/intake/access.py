"""Who may do what (ALLOWED), and where (scope): a community secretary acts and reads in their community,
a street commission in its street; the district commission and auditors everywhere; a citizen only submits
and looks up a receipt. Clues are narrower still (知情范围 and 回避: `intake.knowing`). A record outside the
caller's area answers exactly as a missing one.
"""

from watchpost.access import covers
from watchpost.errors import Forbidden

STAFF = {"community_secretary", "street_commission", "district_commission"}
COMMISSIONS = {"street_commission", "district_commission"}
REPORTERS = {"citizen", "informant", "supervisor", "system"} | STAFF
READERS = STAFF | {"auditor"}
EVERYWHERE = {"district_commission", "auditor", "system", "subscriber"}

ALLOWED = {
    # clues (问题线索)
    "receive_clue": REPORTERS,
    **{
        c: COMMISSIONS
        for c in (
            "screen_clue",
            "register_clue",
            "review_clue",
            "propose_disposal",
            "approve_disposal",
            "reject_disposal",
            "resume_clue",
            "record_reply",
            "plan_verification",
            "report_verification",
            "conclude_clue",
            "notify_acceptance",
            "give_feedback",
            "raise_objection",
        )
    },
    "reveal_reporter": {"district_commission"},
    "erase_clue": {"district_commission"},
    "rotate_master_key": {"district_commission"},
    "declare_conflict": COMMISSIONS,
    # attachments (证据材料): a reporter adds one only with the clue's receipt code, before screening
    "add_attachment": COMMISSIONS | {"citizen", "informant", "supervisor"},
    "list_attachments": COMMISSIONS | {"auditor"},
    "get_attachment": COMMISSIONS,
    # opinions and problems (民情)
    "receive_opinion": REPORTERS,
    **{c: STAFF for c in ("assign_opinion", "resolve_opinion", "give_opinion_feedback", "close_opinion")},
    # inspections (监督检查) and rectifications (整改)
    **{
        c: STAFF
        for c in (
            "record_inspection",
            "record_finding",
            "order_rectification",
            "report_rectification",
            "verify_rectification",
        )
    },
    "escalate_finding": COMMISSIONS,
    # timers
    "tick": {"system"},
    # reads
    **{
        r: READERS
        for r in (
            "get_clue",
            "list_clues",
            "clue_history",
            "get_opinion",
            "list_opinions",
            "get_inspection",
            "list_inspections",
        )
    },
    "counts": READERS | {"subscriber"},
    "lookup_receipt": REPORTERS | {"auditor"},
    "receipt_moved": REPORTERS | {"auditor"},
}


def require(name, actor):
    roles = ALLOWED.get(name)
    if roles is None:
        raise Forbidden(f"{name} is not an intake command or read")
    if actor.role not in roles:
        raise Forbidden(f"{name} is for {', '.join(sorted(roles))}; not for {actor.role}", allowed=sorted(roles))


def in_scope(actor, community, street):
    """True when an existing record stored in this community and street is within the actor's area (`covers`)."""
    return covers(actor, street=street, community=community)


def check_scope(actor, community, street):
    """Refuse an actor outside the community or street the caller named for a new record (an existing record out
    of scope answers as a missing one: `in_scope`)."""
    if not in_scope(actor, community, street):
        area = {
            "street_commission": f"its street {actor.street}",
            "community_secretary": f"their community {actor.community}",
        }.get(actor.role, "no area")
        raise Forbidden(f"a {actor.role} acts only in {area}, not in community {community} of street {street}")


def scope_filter(actor, community=None, street=None):
    """The `where` filter a list read uses: the caller's scope narrowed by the filters they asked for."""
    where = {k: v for k, v in (("community", community), ("street", street)) if v}
    if actor.role == "street_commission":
        if street and street != actor.street:
            raise Forbidden(f"a street commission reads only its street ({actor.street}), not {street}")
        where["street"] = actor.street
    elif actor.role == "community_secretary":
        if community and community != actor.community:
            raise Forbidden(f"a community secretary reads only their community ({actor.community}), not {community}")
        where["community"] = actor.community
    elif actor.role not in EVERYWHERE:
        raise Forbidden(f"{actor.role} cannot list records")
    return where
