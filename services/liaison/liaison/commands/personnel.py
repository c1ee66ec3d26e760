"""Commands on people (informants, supervisors, secretaries, street commission members): appoint, reassign, dismiss."""

from watchpost.handling import execute

from liaison import access, settings
from liaison.commands._common import community_of, day_of, person_of, state_of, street_of
from liaison.domain import directory, personnel
from liaison.domain.scope import require, require_manager


def appoint_person(store, ctx, person_id, name, role, street=None, community=None, groups=(), appointed_on=None):
    access.require("appoint_person", ctx.actor)
    community_state = community_of(store, community) if community else None
    street_state = state_of(store, f"street-{street}", directory.fold_street) if street else None
    place_street = street_of(community_state, street) if community_state else street
    if role in personnel.ROLES:
        require_manager(ctx.actor, role, place_street, community)
    day, today = day_of(appointed_on, "appointed_on", ctx), settings.today_of(ctx)
    return execute(
        store,
        f"person-{person_id}",
        personnel.fold_person,
        lambda s: personnel.appoint(
            s, person_id, name, role, street, community, groups, day, today, community_state, street_state
        ),
        ctx,
    )


def _managed(store, ctx, command, person_id):
    access.require(command, ctx.actor)
    state = person_of(store, person_id)
    if state["status"] is not None:  # outside the caller's area: as if never appointed
        require(ctx.actor, state["street"], state["community"], personnel.unknown(person_id))
    state = personnel.require_active(state, person_id, command)
    require_manager(ctx.actor, state["role"], state["street"], state["community"])
    return state


def reassign_person(store, ctx, person_id, groups, community=None, reassigned_on=None):
    state = _managed(store, ctx, "reassign_person", person_id)
    community = community or state["community"]
    community_state = community_of(store, community)
    require_manager(ctx.actor, state["role"], street_of(community_state), community)
    day, today = day_of(reassigned_on, "reassigned_on", ctx), settings.today_of(ctx)
    return execute(
        store,
        f"person-{person_id}",
        personnel.fold_person,
        lambda s: personnel.reassign(s, person_id, community_state, community, groups, day, today),
        ctx,
    )


def dismiss_person(store, ctx, person_id, dismissed_on=None, reason=""):
    _managed(store, ctx, "dismiss_person", person_id)
    day, today = day_of(dismissed_on, "dismissed_on", ctx), settings.today_of(ctx)
    return execute(
        store,
        f"person-{person_id}",
        personnel.fold_person,
        lambda s: personnel.dismiss(s, person_id, day, reason, today),
        ctx,
    )
