"""The liaison service layer: one function per command, `(store, ctx, **fields) -> [Event]`.

Each checks the caller's role (access.ALLOWED) and scope, then runs the pure domain through
`watchpost.handling.execute`. Dates default to the district's today, from `ctx.now`.
"""
import uuid
from dataclasses import replace
from datetime import date

from watchpost.domain import Actor
from watchpost.errors import Forbidden
from watchpost.handling import execute

from liaison import access
from liaison.domain import cadence, directory, flags, pairing, periods, personnel
from liaison.domain.scope import require, require_manager


def settings_of(ctx):
    return ctx.extra.get("liaison_settings") or periods.DEFAULT


def today_of(ctx):
    return periods.today(ctx.now, settings_of(ctx))


def _day(value, field, ctx):
    if value is None:
        return today_of(ctx)
    return value if isinstance(value, date) else periods.parse_date(value, field)


def _state(store, stream_id, fold):
    return fold(store.load(stream_id))


def _community(store, community):
    return _state(store, f"community-{community}", directory.fold_community)


def _street_of(community_state, fallback=None):
    return community_state["community"]["street"] if community_state["community"] else fallback


# -- directory -------------------------------------------------------------------------------------------------
def register_street(store, ctx, street_id, name, kind="street"):
    access.require("register_street", ctx.actor)
    return execute(store, f"street-{street_id}", directory.fold_street,
                   lambda s: directory.register_street(s, street_id, name, kind), ctx)


def register_community(store, ctx, community_id, street, name, kind="community"):
    access.require("register_community", ctx.actor)
    street_state = _state(store, f"street-{street}", directory.fold_street)
    return execute(store, f"community-{community_id}", directory.fold_community,
                   lambda s: directory.register_community(s, street_state, community_id, street, name, kind), ctx)


def _in_community(store, ctx, command, community, decide):
    access.require(command, ctx.actor)
    found = directory.require_community(_community(store, community), community)
    require(ctx.actor, found["street"], community, f"community {community}")
    return execute(store, f"community-{community}", directory.fold_community, decide, ctx)


def register_station(store, ctx, community, station_id, name, opened_on=None):
    day = _day(opened_on, "opened_on", ctx)
    return _in_community(store, ctx, "register_station", community,
                         lambda s: directory.register_station(s, community, station_id, name, day))


def register_group(store, ctx, community, group_id, name, kind="residential_group"):
    return _in_community(store, ctx, "register_group", community,
                         lambda s: directory.register_group(s, community, group_id, name, kind))


def _venue(store, ctx, what, venue_id, street, name, community):
    access.require(f"register_{what}", ctx.actor)
    require(ctx.actor, street, community, f"street {street}")
    community_state = _community(store, community) if community else None
    return execute(store, f"street-{street}", directory.fold_street, lambda s: directory.register_venue(
        s, what, venue_id, street, name, community, community_state), ctx)


def register_centre(store, ctx, centre_id, street, name, community=None):
    return _venue(store, ctx, "centre", centre_id, street, name, community)


def register_platform(store, ctx, platform_id, street, name, community=None):
    return _venue(store, ctx, "platform", platform_id, street, name, community)


# -- personnel -------------------------------------------------------------------------------------------------
def _person(store, person_id):
    return _state(store, f"person-{person_id}", personnel.fold_person)


def appoint_person(store, ctx, person_id, name, role, street=None, community=None, groups=(), appointed_on=None):
    access.require("appoint_person", ctx.actor)
    community_state = _community(store, community) if community else None
    street_state = _state(store, f"street-{street}", directory.fold_street) if street else None
    place_street = _street_of(community_state, street) if community_state else street
    if role in personnel.ROLES:
        require_manager(ctx.actor, role, place_street, community)
    day, today = _day(appointed_on, "appointed_on", ctx), today_of(ctx)
    return execute(store, f"person-{person_id}", personnel.fold_person, lambda s: personnel.appoint(
        s, person_id, name, role, street, community, groups, day, today, community_state, street_state), ctx)


def _managed(store, ctx, command, person_id):
    access.require(command, ctx.actor)
    state = personnel.require_active(_person(store, person_id), person_id, command)
    require_manager(ctx.actor, state["role"], state["street"], state["community"])
    return state


def reassign_person(store, ctx, person_id, groups, community=None, reassigned_on=None):
    state = _managed(store, ctx, "reassign_person", person_id)
    community = community or state["community"]
    community_state = _community(store, community)
    require_manager(ctx.actor, state["role"], _street_of(community_state), community)
    day, today = _day(reassigned_on, "reassigned_on", ctx), today_of(ctx)
    return execute(store, f"person-{person_id}", personnel.fold_person, lambda s: personnel.reassign(
        s, person_id, community_state, community, groups, day, today), ctx)


def dismiss_person(store, ctx, person_id, dismissed_on=None, reason=""):
    _managed(store, ctx, "dismiss_person", person_id)
    day, today = _day(dismissed_on, "dismissed_on", ctx), today_of(ctx)
    return execute(store, f"person-{person_id}", personnel.fold_person,
                   lambda s: personnel.dismiss(s, person_id, day, reason, today), ctx)


# -- pairings --------------------------------------------------------------------------------------------------
def establish_pairing(store, ctx, member_id, community, established_on=None):
    access.require("establish_pairing", ctx.actor)
    member, community_state = _person(store, member_id), _community(store, community)
    require(ctx.actor, _street_of(community_state, member.get("street")), community, f"community {community}")
    day, today = _day(established_on, "established_on", ctx), today_of(ctx)
    return execute(store, f"pairing-{pairing.pairing_id(member_id, community)}", pairing.fold_pairing,
                   lambda s: pairing.establish(s, {"person_id": member_id, **member}, community_state, community,
                                               day, today), ctx)


def _paired(store, ctx, command, pairing_id, decide):
    access.require(command, ctx.actor)
    stream = f"pairing-{pairing_id}"
    state = _state(store, stream, pairing.fold_pairing)
    if state["status"] is not None:
        require(ctx.actor, state["street"], state["community"], f"pairing {pairing_id}")
    return execute(store, stream, pairing.fold_pairing, decide, ctx)


def end_pairing(store, ctx, pairing_id, ended_on=None, reason=""):
    day, today = _day(ended_on, "ended_on", ctx), today_of(ctx)
    return _paired(store, ctx, "end_pairing", pairing_id, lambda s: pairing.end(s, pairing_id, day, reason, today))


def record_contact(store, ctx, pairing_id, kind, held_on, participants=(), notes=""):
    day, today = _day(held_on, "held_on", ctx), today_of(ctx)
    return _paired(store, ctx, "record_contact", pairing_id, lambda s: pairing.record_contact(
        s, pairing_id, kind, day, participants, notes, today))


# -- cadence ---------------------------------------------------------------------------------------------------
def _self(store, ctx, command, person_id):
    access.require(command, ctx.actor)
    if ctx.actor.id != person_id:
        raise Forbidden(f"{command} is done by the person themself; {ctx.actor.id} may not act for {person_id}",
                        person_id=person_id)
    return _person(store, person_id)


def submit_feedback(store, ctx, person_id, period, summary="", major_problem=False, problem_summary=None,
                    category=None):
    """The month's feedback; a major problem flagged with it becomes a flag of its own (see _flag), appended under
    the command id `<command_id>:flag`, so a retry completes what a crash interrupted without a second flag."""
    person, today = _self(store, ctx, "submit_feedback", person_id), today_of(ctx)
    submitted = execute(store, f"feedback-{person_id}-{period}", cadence.fold, lambda s: cadence.submit_feedback(
        s, person, period, today, settings_of(ctx), summary, major_problem, problem_summary), ctx)
    if not major_problem:
        return submitted
    derived = replace(ctx, command_id=f"{ctx.command_id}:flag" if ctx.command_id else None)
    return [*submitted, *_flag(store, derived, person, period, today, problem_summary, category)]


def report_major_problem(store, ctx, person_id, summary, category=None):
    person, today = _self(store, ctx, "report_major_problem", person_id), today_of(ctx)
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
    community_state = _community(store, community)
    require(ctx.actor, _street_of(community_state), community, f"community {community}")
    station = cadence.station_of(community_state)
    today = today_of(ctx)
    return execute(store, f"report-{station['station_id']}-{period}", cadence.fold, lambda s: cadence.submit_report(
        s, community_state, period, today, settings_of(ctx), summary), ctx)



def __getattr__(name):
    """The loader and the timer are handlers too; they import this module, so they are reached lazily."""
    if name == "load_directory":
        from liaison.loader import load_directory
        return load_directory
    if name == "tick":
        from liaison.timers import tick
        return tick
    raise AttributeError(f"module 'liaison.handlers' has no attribute {name!r}")
