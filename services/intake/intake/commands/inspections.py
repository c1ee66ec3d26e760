"""Commands on inspections (监督检查), findings and rectifications (整改): `(store, ctx, **fields) -> [Event]`."""

import uuid
from dataclasses import replace

from watchpost.errors import NotFound
from watchpost.handling import execute

from intake.access import check_scope, in_scope
from intake.commands._common import check_classification, one_unit
from intake.commands.clues import receive_clue
from intake.domain import inspection as inspections
from intake.domain.clocks import local_date, parse


def _stream(inspection_id):
    return f"inspection-{inspection_id}"


def record_inspection(
    store, ctx, *, community, street, held_on, subject, scope, category=None, inspectors=(), inspection_id=None
):
    if category:
        check_classification(category, None)
    check_scope(ctx.actor, community, street)
    inspection_id = inspection_id or str(uuid.uuid4())
    held_on = held_on.isoformat() if hasattr(held_on, "isoformat") else held_on
    return execute(
        store,
        _stream(inspection_id),
        inspections.fold,
        lambda i: inspections.record(
            i,
            inspection_id=inspection_id,
            community=community,
            street=street,
            held_on=held_on,
            subject=subject,
            scope=scope,
            category=category,
            inspectors=list(inspectors),
        ),
        ctx,
    )


def _on_inspection(store, ctx, inspection_id, decide):
    def decided(ins):
        if not ins.inspection_id or not in_scope(ctx.actor, ins.community, ins.street):
            raise NotFound(f"no inspection {inspection_id}")
        return decide(ins, local_date(ctx.now))

    return execute(store, _stream(inspection_id), inspections.fold, decided, ctx)


def record_finding(store, ctx, *, inspection_id, summary, category, item=None, finding_id=None):
    check_classification(category, item)
    finding_id = finding_id or str(uuid.uuid4())
    return _on_inspection(
        store,
        ctx,
        inspection_id,
        lambda i, t: inspections.record_finding(
            i, t, finding_id=finding_id, summary=summary, category=category, item=item
        ),
    )


def order_rectification(store, ctx, *, inspection_id, finding_id, deadline, responsible):
    deadline = parse(deadline) if isinstance(deadline, str) else deadline
    return _on_inspection(
        store,
        ctx,
        inspection_id,
        lambda i, t: inspections.order_rectification(
            i, t, finding_id=finding_id, deadline=deadline, responsible=responsible
        ),
    )


def report_rectification(store, ctx, *, inspection_id, finding_id, summary):
    return _on_inspection(
        store,
        ctx,
        inspection_id,
        lambda i, t: inspections.report_rectification(i, t, finding_id=finding_id, summary=summary),
    )


def verify_rectification(store, ctx, *, inspection_id, finding_id):
    return _on_inspection(
        store, ctx, inspection_id, lambda i, t: inspections.verify_rectification(i, t, finding_id=finding_id)
    )


def escalated_clue_ctx(ctx, cause):
    """The context of the second append one command makes (its own command id, caused by the first)."""
    return replace(ctx, causation_id=cause.event_id, command_id=f"{ctx.command_id}:clue" if ctx.command_id else None)


@one_unit
def escalate_finding(store, ctx, *, vault, inspection_id, finding_id, accused, summary=None, clue_id=None):
    """The finding becomes a clue (channel `inspection`): `finding.escalated` first, then `clue.received`."""
    clue_id = clue_id or str(uuid.uuid4())
    found = {}

    def decide(ins, today):
        found.update(ins.findings.get(finding_id, {}), community=ins.community, street=ins.street)
        return inspections.escalate(ins, finding_id=finding_id, clue_id=clue_id)

    events = _on_inspection(store, ctx, inspection_id, decide)
    clue_id = events[0].payload["clue_id"]
    if not found:  # a repeated command: the clue was made the first time
        return events
    received = receive_clue(
        store,
        escalated_clue_ctx(ctx, events[0]),
        vault=vault,
        channel="inspection",
        summary=summary or found["summary"],
        community=found["community"],
        street=found["street"],
        category=found["category"],
        item=found["item"],
        accused=accused,
        clue_id=clue_id,
        source={"inspection_id": inspection_id, "finding_id": finding_id},
    )
    return list(events) + list(received)
