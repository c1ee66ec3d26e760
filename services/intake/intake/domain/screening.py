"""Receiving and screening a clue (受理、分办): the first steps, decided from the clue's state.

Each function returns the `Change`s to record, or raises: IllegalTransition for the wrong state, Invalid for a
wrong field, Forbidden for a rule about who may act.
"""

from watchpost.contracts.intake import CHANNELS  # the published words: one source
from watchpost.contracts.intake import SCREENINGS as OUTCOMES
from watchpost.domain import Change
from watchpost.errors import Invalid

from intake.domain import clocks
from intake.domain.clue import require
from intake.domain.rules import approver_level, handled_here, published_channel


def receive(
    clue,
    today,
    *,
    clue_id,
    channel,
    community,
    street,
    category,
    item,
    summary,
    accused,
    real_name,
    reporter_ref,
    receipt_hash,
    content_ref,
    repeat_candidate=None,
    source=None,
    catalogue_version=1,
):
    require(clue, "receive_clue")
    if channel not in CHANNELS:
        raise Invalid(f"channel {channel!r} is unknown; allowed: {', '.join(CHANNELS)}", field="channel")
    approver_level(accused["rank"])
    return [
        Change(
            "clue.received",
            {
                "clue_id": clue_id,
                "channel": published_channel(channel),
                "community": community,
                "street": street,
                "category": category,
                "item": item,
                "catalogue_version": catalogue_version,
                "summary": summary,
                "accused": {"post": accused["post"], "rank": accused["rank"]},
                "accused_key": accused["key"],
                "real_name": real_name,
                "reporter_ref": reporter_ref,
                "receipt_hash": receipt_hash,
                "content_ref": content_ref,
                "received_on": today.isoformat(),
                "disposal_due_on": clocks.disposal_due(today).isoformat(),
                "forwarding_due_on": clocks.forwarding_due(today).isoformat(),
                "acceptance_notice_due_on": clocks.iso(clocks.fifteen_working_days(today)) if real_name else None,
                "repeat_candidate": repeat_candidate,
                "source": source,
            },
        )
    ]


def screen(clue, today, *, outcome, reason, repeat_of=None, transferred_to=None, new_substance=False):
    """Screen a received clue; a likely repeat is retained unless it brings new substance (新的实质性内容)."""
    require(clue, "screen_clue")
    if outcome not in OUTCOMES:
        raise Invalid(f"outcome {outcome!r} is unknown; allowed: {', '.join(OUTCOMES)}", field="outcome")
    if outcome == "accepted" and not handled_here(clue.rank):
        raise Invalid(
            f"a clue about rank {clue.rank!r} is for the upper level; allowed outcome: forwarded_up", field="outcome"
        )
    if outcome == "accepted" and clue.repeat_candidate and not new_substance:
        raise Invalid(
            f"this report repeats clue {clue.repeat_candidate}; allowed: duplicate_retained, or "
            "accepted with new_substance=true",
            field="outcome",
            repeat_of=clue.repeat_candidate,
        )
    if outcome == "duplicate_retained":
        repeat_of = repeat_of or clue.repeat_candidate
        if not repeat_of or repeat_of == clue.clue_id:
            raise Invalid(
                "duplicate_retained needs repeat_of: the id of the first report of the same matter", field="repeat_of"
            )
    elif repeat_of:
        raise Invalid("repeat_of is allowed only with outcome duplicate_retained", field="repeat_of")
    if outcome in ("out_of_scope", "forwarded_up") and not transferred_to:
        raise Invalid(f"{outcome} needs transferred_to: the organ the clue goes to", field="transferred_to")
    return [
        Change(
            "clue.screened",
            {
                **clue.where(),
                "outcome": outcome,
                "reason": reason,
                "repeat_of": repeat_of,
                "transferred_to": transferred_to,
                "new_substance": bool(new_substance),
                "screened_on": today.isoformat(),
                "within_limit": today <= (clocks.parse(clue.clocks.get("forwarding")) or today),
                "receipt_hash": clue.receipt_hash,
            },
        )
    ]


def register(clue, today, *, ledger_no):
    require(clue, "register_clue")
    return [Change("clue.registered", {**clue.where(), "ledger_no": ledger_no, "registered_on": today.isoformat()})]


def review(clue, today, *, participants, conclusion):
    """Collective review (集体排查): at least two distinct participants."""
    require(clue, "review_clue")
    if len(set(participants)) < 2:
        raise Invalid("a collective review needs at least 2 distinct participants", field="participants")
    return [
        Change(
            "clue.reviewed",
            {
                **clue.where(),
                "participants": sorted(set(participants)),
                "conclusion": conclusion,
                "reviewed_on": today.isoformat(),
            },
        )
    ]


def notify_acceptance(clue, today):
    """The acceptance notice to a real-name reporter (受理告知), due 15 working days after receipt."""
    require(clue, "notify_acceptance")
    due = clocks.parse(clue.clocks.get("acceptance_notice"))
    return [
        Change(
            "clue.acceptance_notified",
            {**clue.where(), "notified_on": today.isoformat(), "on_time": due is None or today <= due},
        )
    ]
