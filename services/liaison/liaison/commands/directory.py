"""Commands on the directory: streets, communities, stations, groups, centres and platforms."""

from watchpost.handling import execute

from liaison import access
from liaison.commands._common import community_of, day_of, state_of
from liaison.domain import directory
from liaison.domain.scope import require


def register_street(store, ctx, street_id, name, kind="street"):
    access.require("register_street", ctx.actor)
    return execute(
        store,
        f"street-{street_id}",
        directory.fold_street,
        lambda s: directory.register_street(s, street_id, name, kind),
        ctx,
    )


def register_community(store, ctx, community_id, street, name, kind="community"):
    access.require("register_community", ctx.actor)
    street_state = state_of(store, f"street-{street}", directory.fold_street)
    return execute(
        store,
        f"community-{community_id}",
        directory.fold_community,
        lambda s: directory.register_community(s, street_state, community_id, street, name, kind),
        ctx,
    )


def _in_community(store, ctx, command, community, decide):
    access.require(command, ctx.actor)
    found = directory.require_community(community_of(store, community), community)
    require(ctx.actor, found["street"], community, directory.unknown_community(community))
    return execute(store, f"community-{community}", directory.fold_community, decide, ctx)


def register_station(store, ctx, community, station_id, name, opened_on=None):
    day = day_of(opened_on, "opened_on", ctx)
    return _in_community(
        store,
        ctx,
        "register_station",
        community,
        lambda s: directory.register_station(s, community, station_id, name, day),
    )


def register_group(store, ctx, community, group_id, name, kind="residential_group"):
    return _in_community(
        store, ctx, "register_group", community, lambda s: directory.register_group(s, community, group_id, name, kind)
    )


def _venue(store, ctx, what, venue_id, street, name, community):
    access.require(f"register_{what}", ctx.actor)
    require(
        ctx.actor,
        street,
        community,
        directory.unknown_community(community) if community else directory.unknown_street(street),
    )
    community_state = community_of(store, community) if community else None
    return execute(
        store,
        f"street-{street}",
        directory.fold_street,
        lambda s: directory.register_venue(s, what, venue_id, street, name, community, community_state),
        ctx,
    )


def register_centre(store, ctx, centre_id, street, name, community=None):
    return _venue(store, ctx, "centre", centre_id, street, name, community)


def register_platform(store, ctx, platform_id, street, name, community=None):
    return _venue(store, ctx, "platform", platform_id, street, name, community)
