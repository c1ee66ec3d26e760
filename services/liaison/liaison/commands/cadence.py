"""Commands on the cadence (月反馈季报告): monthly feedback, major problems flagged, quarterly reports."""
import uuid
from dataclasses import replace

from watchpost.domain import Actor
from watchpost.errors import Forbidden
from watchpost.handling import execute

from liaison import access, settings
from liaison.commands._common import community_of, person_of, street_of
from liaison.domain import cadence, directory, flags, periods
from liaison.domain.scope import require


def _self(store, ctx, command, person_id):
    access.require(command, ctx.actor)
    if ctx.actor.id != person_id:
        raise Forbidden(f"{command} is done by the person themself; {ctx.actor.id} may not act for {person_id}",
                        person_id=person_id)
    return person_of(store, person_id)


def submit_feedback(store, ctx, person_id, period, summary="", major_problem=False, problem_summary=None,
                    category=None):
    """The month's feedback; a major problem flagged with it becomes a flag of its own (see _flag), appended under
    the command id `<command_id>:flag`, so a retry completes what a crash interrupted without a second flag."""
    person, today = _self(store, ctx, "submit_feedback", person_id), settings.today_of(ctx)
    submitted = execute(store, f"feedback-{person_id}-{period}", cadence.fold, lambda s: cadence.submit_feedback(
        s, person, period, today, settings.of(ctx), summary, major_problem, problem_summary), ctx)
    if not major_problem:
        return submitted
    derived = replace(ctx, command_id=f"{ctx.command_id}:flag" if ctx.command_id else None)
    return [*submitted, *_flag(store, derived, person, period, today, problem_summary, category)]


def report_major_problem(store, ctx, person_id, summary, category=None):
    person, today = _self(store, ctx, "report_major_problem", person_id), settings.today_of(ctx)
    return _flag(store, ctx, person, periods.month_of(today), today, summary, category)


def _flag(store, ctx, person, period, today, summary, category):
    """Record a flag on its own stream `flag-<uuid4>`. The flagger is a reporter (举报人保护): the event's actor is
    the flag itself and its correlation id is fresh, so nothing published (payload, stream id, actor, correlation
    or causation id) joins the flag to the person or to their feedback."""
    flag_id = f"flag-{uuid.uuid4()}"
    unlinked = replace(ctx, actor=Actor(id=flag_id, role=ctx.actor.role), correlation_id=flag_id, causation_id=None)
    return execute(store, flag_id, flags.fold,
                   lambda s: flags.flag(s, person, flag_id, period, today, summary, category), unlinked)


def submit_report(store, ctx, community, period, summary=""):
    access.require("submit_report", ctx.actor)
    community_state = community_of(store, community)
    require(ctx.actor, street_of(community_state), community, directory.unknown_community(community))
    station = cadence.station_of(community_state)
    today = settings.today_of(ctx)
    return execute(store, f"report-{station['station_id']}-{period}", cadence.fold, lambda s: cadence.submit_report(
        s, community_state, period, today, settings.of(ctx), summary), ctx)
