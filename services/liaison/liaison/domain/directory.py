"""The directory: streets/towns (街道/镇) with their neighbourhood centres (邻里中心) and consultation platforms
(邻里协商平台); communities/villages (社区/村) with their liaison station (监察联络站) and residential groups
(居民小组/小区院落). Streams `street-<id>` and `community-<id>`. Registering the same thing twice is a no-op.
"""

from watchpost.domain import Change
from watchpost.errors import NotFound

from liaison.domain.common import check_choice, check_id, check_name, require_in_street, same_or_new

STREET_KINDS = {"street", "town"}
COMMUNITY_KINDS = {"community", "village"}
GROUP_KINDS = {"residential_group", "compound"}
IDENTITY = ("name", "kind", "street", "community")


def fold_street(events):
    state = {"street": None, "centres": {}, "platforms": {}}
    for e in events:
        if e.type == "street.registered":
            state["street"] = e.payload
        elif e.type == "centre.registered":
            state["centres"][e.payload["centre_id"]] = e.payload
        elif e.type == "platform.registered":
            state["platforms"][e.payload["platform_id"]] = e.payload
    return state


def fold_community(events):
    state = {"community": None, "station": None, "groups": {}}
    for e in events:
        if e.type == "community.registered":
            state["community"] = e.payload
        elif e.type == "station.registered":
            state["station"] = e.payload
        elif e.type == "group.registered":
            state["groups"][e.payload["group_id"]] = e.payload
    return state


def unknown_street(street_id):
    """The answer for a street not in the directory, and for one outside the caller's area (scope.require)."""
    return NotFound(f"street {street_id!r} is not in the directory; register it first", street=street_id)


def unknown_community(community_id):
    return NotFound(f"community {community_id!r} is not in the directory; register it first", community=community_id)


def require_street(state, street_id):
    if state["street"] is None:
        raise unknown_street(street_id)
    return state["street"]


def require_community(state, community_id):
    if state["community"] is None:
        raise unknown_community(community_id)
    return state["community"]


def register_street(state, street_id, name, kind="street"):
    payload = {
        "street_id": check_id(street_id, "street_id"),
        "street": street_id,
        "name": check_name(name),
        "kind": check_choice(kind, STREET_KINDS, "kind"),
    }
    new = same_or_new(state["street"], payload, f"street {street_id}", IDENTITY)
    return [Change("street.registered", payload)] if new else []


def register_community(state, street_state, community_id, street, name, kind="community"):
    require_street(street_state, street)
    payload = {
        "community_id": check_id(community_id, "community_id"),
        "community": community_id,
        "street": street,
        "name": check_name(name),
        "kind": check_choice(kind, COMMUNITY_KINDS, "kind"),
    }
    new = same_or_new(state["community"], payload, f"community {community_id}", IDENTITY)
    return [Change("community.registered", payload)] if new else []


def register_station(state, community_id, station_id, name, opened_on):
    community = require_community(state, community_id)
    payload = {
        "station_id": check_id(station_id, "station_id"),
        "name": check_name(name),
        "community": community_id,
        "street": community["street"],
        "opened_on": opened_on.isoformat(),
    }
    new = same_or_new(
        state["station"],
        payload,
        f"the station of community {community_id}",
        ("station_id", "name", "street", "community"),
    )
    return [Change("station.registered", payload)] if new else []


def register_group(state, community_id, group_id, name, kind="residential_group"):
    community = require_community(state, community_id)
    payload = {
        "group_id": check_id(group_id, "group_id"),
        "name": check_name(name),
        "kind": check_choice(kind, GROUP_KINDS, "kind"),
        "community": community_id,
        "street": community["street"],
    }
    new = same_or_new(state["groups"].get(group_id), payload, f"group {group_id}", IDENTITY)
    return [Change("group.registered", payload)] if new else []


def register_venue(state, what, venue_id, street_id, name, community=None, community_state=None):
    """A neighbourhood centre (`what="centre"`) or consultation platform (`what="platform"`) of a street."""
    require_street(state, street_id)
    if community is not None:
        require_in_street(require_community(community_state, community), street_id)
    payload = {
        f"{what}_id": check_id(venue_id, f"{what}_id"),
        "name": check_name(name),
        "street": street_id,
        "community": community,
    }
    new = same_or_new(state[what + "s"].get(venue_id), payload, f"{what} {venue_id}", IDENTITY)
    return [Change(f"{what}.registered", payload)] if new else []
