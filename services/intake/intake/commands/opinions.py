"""Commands on opinions and problems (民情): `(store, ctx, **fields) -> [Event]`."""

import uuid

from watchpost.errors import NotFound
from watchpost.handling import execute

from intake import receipts
from intake.access import in_scope
from intake.commands._common import Receipted, check_classification, release_unused, sealed_submitter
from intake.domain import opinion as opinions
from intake.domain.clocks import local_date


def _stream(opinion_id):
    return f"opinion-{opinion_id}"


def receive_opinion(
    store,
    ctx,
    *,
    vault,
    kind,
    channel,
    community,
    street,
    summary,
    category=None,
    reporter=None,
    opinion_id=None,
    receipt_code=None,
):
    if category:
        check_classification(category, None)
    opinion_id = opinion_id or str(uuid.uuid4())
    code = receipts.normalise(receipt_code) if receipt_code else receipts.new_code()
    ctx, submitter_ref = sealed_submitter(ctx, vault)
    reporter_ref = vault.protect(reporter) if reporter else None
    events = execute(
        store,
        _stream(opinion_id),
        opinions.fold,
        lambda o: opinions.receive(
            o,
            local_date(ctx.now),
            opinion_id=opinion_id,
            kind=kind,
            channel=channel,
            community=community,
            street=street,
            summary=summary,
            category=category,
            real_name=reporter_ref is not None,
            reporter_ref=reporter_ref,
            receipt_hash=receipts.receipt_hash(code),
        ),
        ctx,
    )
    release_unused(vault, events, reporter_ref, submitter_ref)
    first = events[0].payload
    return Receipted(
        events,
        id=first["opinion_id"],
        receipt_code=code if first["receipt_hash"] == receipts.receipt_hash(code) else None,
    )


def _on_opinion(store, ctx, opinion_id, decide):
    def decided(opinion):
        if opinion.status == "new" or not in_scope(ctx.actor, opinion.community, opinion.street):
            raise NotFound(f"no opinion or problem {opinion_id}")
        return decide(opinion, local_date(ctx.now))

    return execute(store, _stream(opinion_id), opinions.fold, decided, ctx)


def assign_opinion(store, ctx, *, opinion_id, department):
    return _on_opinion(store, ctx, opinion_id, lambda o, t: opinions.assign(o, t, department=department))


def resolve_opinion(store, ctx, *, opinion_id, resolution):
    return _on_opinion(store, ctx, opinion_id, lambda o, t: opinions.resolve(o, t, resolution=resolution))


def give_opinion_feedback(store, ctx, *, opinion_id, feedback):
    return _on_opinion(store, ctx, opinion_id, lambda o, t: opinions.give_feedback(o, t, feedback=feedback))


def close_opinion(store, ctx, *, opinion_id):
    return _on_opinion(store, ctx, opinion_id, opinions.close)
