"""Disposing of a clue (处置): proposal and approval by different people at the right level, the four ways of
disposal (谈话函询, 初步核实, 暂存待查, 予以了结), outcomes, feedback and objections.
"""

from watchpost.contracts.intake import DISPOSALS, OUTCOMES  # the published words: one source
from watchpost.contracts.intake import MEASURES as LIGHT_MEASURES  # 提醒/批评教育/责令检查/诫勉
from watchpost.domain import Change
from watchpost.errors import Invalid

from intake.domain import clocks
from intake.domain.clue import require
from intake.domain.rules import approver_level, check_approver


def _on_time(clue, name, today):
    due = clocks.parse(clue.clocks.get(name))
    return due is None or today <= due


def propose(clue, actor, today, *, disposal, reason):
    require(clue, "propose_disposal")
    if disposal not in DISPOSALS:
        raise Invalid(f"disposal {disposal!r} is unknown; allowed: {', '.join(DISPOSALS)}", field="disposal")
    return [
        Change(
            "clue.disposal_proposed",
            {
                **clue.where(),
                "disposal": disposal,
                "reason": reason,
                "proposed_by": actor.id,
                "required_level": approver_level(clue.rank),
                "proposed_on": today.isoformat(),
            },
        )
    ]


def approve(clue, actor, today):
    """Approve the pending proposal: not by its proposer, at or above the level the accused's rank requires."""
    require(clue, "approve_disposal")
    proposal = clue.proposal
    level = check_approver(actor, proposal["proposed_by"], clue.rank, clue.street)
    disposal = proposal["disposal"]
    talk = disposal == "talk_inquiry"
    changes = [
        Change(
            "clue.disposal_approved",
            {
                **clue.where(),
                "disposal": disposal,
                "approver_level": level,
                "approver_role": actor.role,
                "proposed_by": proposal["proposed_by"],
                "approved_by": actor.id,
                "approved_on": today.isoformat(),
                "within_limit": _on_time(clue, "disposal", today),
                "reply_due_on": clocks.iso(clocks.fifteen_working_days(today)) if talk else None,
                "report_due_on": clocks.iso(clocks.report_due(today)) if talk else None,
            },
        )
    ]
    if disposal == "suspended":
        changes.append(
            Change("clue.suspended", {**clue.where(), "reason": proposal["reason"], "suspended_on": today.isoformat()})
        )
    if disposal == "closed":
        changes.append(_concluded(clue, today, "closed_cleared", None, True))
    return changes


def reject(clue, actor, today, *, reason):
    """Send the proposal back to review; the proposer cannot reject their own proposal either."""
    require(clue, "reject_disposal")
    check_approver(actor, clue.proposal["proposed_by"], clue.rank, clue.street)
    return [
        Change(
            "clue.disposal_rejected",
            {**clue.where(), "disposal": clue.proposal["disposal"], "reason": reason, "rejected_on": today.isoformat()},
        )
    ]


def resume(clue, today, *, reason):
    """New information on a suspended clue: back to analysis, with a fresh one-month disposal limit."""
    require(clue, "resume_clue")
    return [
        Change(
            "clue.resumed",
            {
                **clue.where(),
                "reason": reason,
                "resumed_on": today.isoformat(),
                "disposal_due_on": clocks.disposal_due(today).isoformat(),
            },
        )
    ]


def record_reply(clue, today, *, summary):
    require(clue, "record_reply")
    return [
        Change(
            "clue.reply_received",
            {
                **clue.where(),
                "summary": summary,
                "received_on": today.isoformat(),
                "on_time": _on_time(clue, "reply", today),
            },
        )
    ]


def plan_verification(clue, today, *, plan, team):
    """初步核实: a plan and a team of at least two."""
    require(clue, "plan_verification")
    if len(set(team)) < 2:
        raise Invalid("a verification team needs at least 2 distinct members", field="team")
    return [
        Change(
            "clue.verification_planned",
            {**clue.where(), "plan": plan, "team": sorted(set(team)), "planned_on": today.isoformat()},
        )
    ]


def report_verification(clue, today, *, summary, signed_by):
    """The verification report, signed by every member of the team."""
    require(clue, "report_verification")
    missing = sorted(set(clue.team) - set(signed_by))
    if missing:
        raise Invalid(
            f"the report must be signed by every team member; missing: {', '.join(missing)}",
            field="signed_by",
            missing=missing,
        )
    return [
        Change(
            "clue.verification_reported",
            {**clue.where(), "summary": summary, "signed_by": sorted(set(signed_by)), "reported_on": today.isoformat()},
        )
    ]


def _concluded(clue, today, outcome, measure, within_limit):
    return Change(
        "clue.concluded",
        {
            **clue.where(),
            "outcome": outcome,
            "measure": measure,
            "within_limit": within_limit,
            "concluded_on": today.isoformat(),
            "receipt_hash": clue.receipt_hash,
            "feedback_due_on": clocks.iso(clocks.fifteen_working_days(today)) if clue.real_name else None,
        },
    )


def conclude(clue, today, *, outcome, measure=None):
    require(clue, "conclude_clue")
    if outcome not in OUTCOMES:
        raise Invalid(f"outcome {outcome!r} is unknown; allowed: {', '.join(OUTCOMES)}", field="outcome")
    if (outcome == "closed_light_handling") != (measure is not None):
        raise Invalid(
            "a measure is given with closed_light_handling only, and it needs one; allowed measures: "
            + ", ".join(LIGHT_MEASURES),
            field="measure",
        )
    if measure is not None and measure not in LIGHT_MEASURES:
        raise Invalid(f"measure {measure!r} is unknown; allowed: {', '.join(LIGHT_MEASURES)}", field="measure")
    return [_concluded(clue, today, outcome, measure, _on_time(clue, "report", today))]


def give_feedback(clue, today, *, feedback):
    """Result feedback to the reporter (readable with the receipt code), due 15 working days after conclusion."""
    require(clue, "give_feedback")
    return [
        Change(
            "clue.feedback_given",
            {
                **clue.where(),
                "feedback": feedback,
                "given_on": today.isoformat(),
                "on_time": _on_time(clue, "feedback", today),
                "receipt_hash": clue.receipt_hash,
            },
        )
    ]


def raise_objection(clue, today, *, reason):
    """The reporter objects to the result: back to analysis with a fresh disposal limit."""
    require(clue, "raise_objection")
    return [
        Change(
            "clue.objection_raised",
            {
                **clue.where(),
                "reason": reason,
                "raised_on": today.isoformat(),
                "disposal_due_on": clocks.disposal_due(today).isoformat(),
                "receipt_hash": clue.receipt_hash,
            },
        )
    ]


def reveal_reporter(clue, actor, today, *, reason):
    """Record who looked at the reporter's identity and why; the identity itself never enters the event."""
    require(clue, "reveal_reporter")
    return [
        Change(
            "clue.reporter_revealed",
            {**clue.where(), "reason": reason, "revealed_to": actor.id, "revealed_on": today.isoformat()},
        )
    ]


def declare_conflict(clue, actor, today, *, reason):
    """A handler steps aside (回避), saying why: recorded first, after which they can neither read nor act."""
    if not str(reason or "").strip():
        raise Invalid("declaring a conflict (回避) needs a reason, which is recorded", field="reason")
    return [
        Change(
            "clue.conflict_declared",
            {**clue.where(), "declared_by": actor.id, "reason": reason, "declared_on": today.isoformat()},
        )
    ]


def alert(clue, today):
    """Every clock alert due now and not yet emitted (each due_soon / overdue once)."""
    changes = []
    for name, due_on in sorted(clue.clocks.items()):
        kind = clocks.alert_due(clocks.parse(due_on), today, clue.alerts.get(name, set()))
        if kind:
            changes.append(Change(f"clue.{kind}", {**clue.where(), "clock": name, "due_on": due_on}))
    return changes
