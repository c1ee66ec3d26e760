"""Commands on the cadence (月反馈季报告): monthly feedback, major problems flagged, quarterly reports."""

from watchpost.errors import Forbidden
from watchpost.handling import execute

from liaison import access, held, settings
from liaison.commands._common import community_of, person_of, street_of
from liaison.domain import cadence, directory, flags
from liaison.domain.scope import require


def _self(store, ctx, command, person_id):
    access.require(command, ctx.actor)
    if ctx.actor.id != person_id:
        raise Forbidden(
            f"{command} is done by the person themself; {ctx.actor.id} may not act for {person_id}", person_id=person_id
        )
    return person_of(store, person_id)


def submit_feedback(
    store, ctx, person_id, period, summary="", major_problem=False, problem_summary=None, category=None
):
    """The month's feedback; a major problem flagged with it is held (see _hold) in the same transaction, and
    recorded only at the timer's next release. Returns the feedback's events: a flag is no event yet."""
    person, today = _self(store, ctx, "submit_feedback", person_id), settings.today_of(ctx)

    def submit(tx):
        events = execute(
            tx,
            f"feedback-{person_id}-{period}",
            cadence.fold,
            lambda s: cadence.submit_feedback(
                s, person, period, today, settings.of(ctx), summary, major_problem, problem_summary
            ),
            ctx,
        )
        if major_problem:
            _hold(tx, ctx, person, problem_summary, category)
        return events

    return _in_transaction(store, submit)


def report_major_problem(store, ctx, person_id, summary, category=None):
    """A major problem flagged on its own: held until the timer's next release (nothing is recorded now)."""
    person = _self(store, ctx, "report_major_problem", person_id)
    _in_transaction(store, lambda tx: _hold(tx, ctx, person, summary, category))
    return []


def _in_transaction(store, apply):
    result = []
    store.transaction(lambda tx: result.append(apply(tx)))
    return result[0]


def _hold(tx, ctx, person, summary, category):
    """Hold a flag (举报人保护): not an event, a row naming no person, released by `timers.release_flags`, so
    nothing published (time, position, actor, correlation or causation id) joins the flag to the person."""
    held.hold(
        tx,
        held.key_of(f"{ctx.command_id}:flag" if ctx.command_id else None),
        flags.hold(person, summary, category),
        ctx.now,
        held.head(tx),
    )


def submit_report(store, ctx, community, period, summary=""):
    access.require("submit_report", ctx.actor)
    community_state = community_of(store, community)
    require(ctx.actor, street_of(community_state), community, directory.unknown_community(community))
    station = cadence.station_of(community_state)
    today = settings.today_of(ctx)
    return execute(
        store,
        f"report-{station['station_id']}-{period}",
        cadence.fold,
        lambda s: cadence.submit_report(s, community_state, period, today, settings.of(ctx), summary),
        ctx,
    )
