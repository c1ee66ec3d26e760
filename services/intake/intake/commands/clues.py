"""Commands on clues (问题线索): one function per command, `(store, ctx, **fields) -> [Event]`, via
`watchpost.handling.execute`.

Role checks (`access.ALLOWED`) are the entrypoint's; scope (community, street) is checked here against the
record's own community and street. Clock alerts are `timers.tick`.
"""

import uuid
from dataclasses import dataclass

from watchpost.domain import Answer
from watchpost.errors import Invalid
from watchpost.handling import execute

from intake import knowing, receipts, settings
from intake.commands._common import Receipted, check_classification, one_unit, release_unused, sealed_submitter, stream
from intake.domain import clue as clues
from intake.domain import disposal as disposing
from intake.domain import screening
from intake.domain.clocks import local_date
from intake.domain.rules import accused_key, find_repeat
from intake.reference import catalogue


@dataclass
class Revealed(Answer):
    """The recorded `clue.reporter_revealed` event, plus the identity for the one caller who asked."""

    reporter: dict | None = None


def _on_clue(store, ctx, clue_id, decide):
    """Load, check the caller knows of it (知情范围, 回避) and decide on an existing clue."""

    def decided(clue):
        if clue.status == "new" or not knowing.knows(ctx.actor, knowing.of_state(clue)):
            raise knowing.hidden(clue_id)
        return decide(clue, local_date(ctx.now))

    return execute(store, stream(clue_id), clues.fold, decided, ctx)


def receive_clue(
    store,
    ctx,
    *,
    vault,
    channel,
    summary,
    community,
    street,
    category,
    accused,
    item=None,
    details="",
    reporter=None,
    clue_id=None,
    receipt_code=None,
    source=None,
):
    """Submit a clue from any channel; `reporter` {name, phone} is sealed in the vault, absent if anonymous."""
    check_classification(category, item)
    clue_id = clue_id or str(uuid.uuid4())
    code = receipts.normalise(receipt_code) if receipt_code else receipts.new_code()
    today = local_date(ctx.now)
    key = accused_key(settings.of(ctx).accused_hmac_key(), community, accused.get("post"), accused.get("name"))
    new = {"clue_id": clue_id, "accused_key": key, "category": category, "item": item, "received_on": today.isoformat()}
    earlier = store.docs("clues", where={"community": community, "accused_key": key}, limit=1000)
    ctx, submitter_ref = sealed_submitter(ctx, vault)
    reporter_ref = vault.protect(reporter) if reporter else None
    content_ref = vault.seal({"details": details, "accused_name": accused.get("name")}, kind="content")
    events = execute(
        store,
        stream(clue_id),
        clues.fold,
        lambda c: screening.receive(
            c,
            today,
            clue_id=clue_id,
            channel=channel,
            community=community,
            street=street,
            category=category,
            item=item,
            summary=summary,
            accused={**accused, "key": key},
            real_name=reporter_ref is not None,
            reporter_ref=reporter_ref,
            receipt_hash=receipts.receipt_hash(code),
            content_ref=content_ref,
            repeat_candidate=find_repeat(new, earlier),
            source=source,
            catalogue_version=catalogue.CURRENT_VERSION,
        ),
        ctx,
    )
    release_unused(vault, events, reporter_ref, submitter_ref, content_ref)
    first = events[0].payload
    return Receipted(
        events, id=first["clue_id"], receipt_code=code if first["receipt_hash"] == receipts.receipt_hash(code) else None
    )


@one_unit
def screen_clue(
    store, ctx, *, clue_id, outcome, reason, vault=None, repeat_of=None, transferred_to=None, new_substance=False
):
    """Screen; a clue forwarded up keeps only a stub: its sealed content (details, accused's name) and its
    attachments are erased.

    An explicit `repeat_of` must name an earlier clue about the same accused person.
    """
    if repeat_of:
        earlier, this = store.doc("clues", repeat_of), store.doc("clues", clue_id)
        if (
            not earlier
            or not this
            or earlier.get("accused_key") != this.get("accused_key")
            or not knowing.knows(ctx.actor, earlier)
        ):  # nor one outside the caller's circle
            raise Invalid("repeat_of must name an earlier clue about the same accused person", field="repeat_of")
    if outcome == "forwarded_up" and vault is None:
        raise Invalid("forwarding up erases the clue's content: pass the vault", field="vault")
    events = _on_clue(
        store,
        ctx,
        clue_id,
        lambda c, today: screening.screen(
            c,
            today,
            outcome=outcome,
            reason=reason,
            repeat_of=repeat_of,
            transferred_to=transferred_to,
            new_substance=new_substance,
        ),
    )
    if outcome == "forwarded_up":
        vault.erase(clues.fold(store.load(stream(clue_id))).content_ref)
        vault.erase_files(clue_id)
    return events


def register_clue(store, ctx, *, clue_id, ledger_no):
    return _on_clue(store, ctx, clue_id, lambda c, t: screening.register(c, t, ledger_no=ledger_no))


def review_clue(store, ctx, *, clue_id, participants, conclusion):
    return _on_clue(
        store, ctx, clue_id, lambda c, t: screening.review(c, t, participants=participants, conclusion=conclusion)
    )


def notify_acceptance(store, ctx, *, clue_id):
    return _on_clue(store, ctx, clue_id, screening.notify_acceptance)


def propose_disposal(store, ctx, *, clue_id, disposal, reason):
    return _on_clue(
        store, ctx, clue_id, lambda c, t: disposing.propose(c, ctx.actor, t, disposal=disposal, reason=reason)
    )


def approve_disposal(store, ctx, *, clue_id):
    return _on_clue(store, ctx, clue_id, lambda c, t: disposing.approve(c, ctx.actor, t))


def reject_disposal(store, ctx, *, clue_id, reason):
    return _on_clue(store, ctx, clue_id, lambda c, t: disposing.reject(c, ctx.actor, t, reason=reason))


def resume_clue(store, ctx, *, clue_id, reason):
    return _on_clue(store, ctx, clue_id, lambda c, t: disposing.resume(c, t, reason=reason))


def record_reply(store, ctx, *, clue_id, summary):
    return _on_clue(store, ctx, clue_id, lambda c, t: disposing.record_reply(c, t, summary=summary))


def plan_verification(store, ctx, *, clue_id, plan, team):
    return _on_clue(store, ctx, clue_id, lambda c, t: disposing.plan_verification(c, t, plan=plan, team=team))


def report_verification(store, ctx, *, clue_id, summary, signed_by):
    return _on_clue(
        store, ctx, clue_id, lambda c, t: disposing.report_verification(c, t, summary=summary, signed_by=signed_by)
    )


def conclude_clue(store, ctx, *, clue_id, outcome, measure=None):
    return _on_clue(store, ctx, clue_id, lambda c, t: disposing.conclude(c, t, outcome=outcome, measure=measure))


def give_feedback(store, ctx, *, clue_id, feedback):
    return _on_clue(store, ctx, clue_id, lambda c, t: disposing.give_feedback(c, t, feedback=feedback))


def raise_objection(store, ctx, *, clue_id, reason):
    return _on_clue(store, ctx, clue_id, lambda c, t: disposing.raise_objection(c, t, reason=reason))


def declare_conflict(store, ctx, *, clue_id, reason):
    """回避: the caller steps aside from the clue; from then on they can neither read nor act on it."""
    return _on_clue(store, ctx, clue_id, lambda c, t: disposing.declare_conflict(c, ctx.actor, t, reason=reason))


def reveal_reporter(store, ctx, *, vault, clue_id, reason):
    """Show a real-name reporter's identity to this caller, recording who asked and why, first."""
    if not str(reason or "").strip():
        raise Invalid("revealing a reporter needs a reason, which is recorded", field="reason")
    events = _on_clue(store, ctx, clue_id, lambda c, t: disposing.reveal_reporter(c, ctx.actor, t, reason=reason))
    return Revealed(events, reporter=vault.open(clues.fold(store.load(stream(clue_id))).reporter_ref))
