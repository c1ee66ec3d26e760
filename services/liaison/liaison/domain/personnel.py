"""Personnel (两支队伍): station informants (信息员, report to the street commission 街道纪工委), integrity
supervisors (廉情监督员, report to the community secretary 社区纪委书记), community secretaries who head the
stations, and street commission members who pair with communities. Stream `person-<id>`.
"""

from watchpost.domain import Change
from watchpost.errors import IllegalTransition, Invalid, NotFound

from liaison.domain.common import check_choice, check_id, check_name, not_after, require_in_street, same_or_new
from liaison.domain.directory import require_community, require_street

ROLES = {"informant", "supervisor", "community_secretary", "street_commission_member"}
WATCHERS = {"informant", "supervisor"}  # cover residential groups and owe monthly feedback
IN_COMMUNITY = WATCHERS | {"community_secretary"}
IDENTITY = ("name", "role", "street", "community", "groups")


def fold_person(events):
    state = {"status": None}
    for e in events:
        p = e.payload
        if e.type == "person.appointed":
            state = {**p, "status": "active", "dismissed_on": None}
        elif e.type == "person.reassigned":
            state = {**state, **{k: p[k] for k in ("street", "community", "station_id", "groups", "reports_to")}}
        elif e.type == "person.dismissed":
            state = {**state, "status": "dismissed", "dismissed_on": p["dismissed_on"]}
    return state


def unknown(person_id):
    """The answer for a person never appointed, and for one outside the caller's area (scope.require)."""
    return NotFound(f"person {person_id!r} has not been appointed", person_id=person_id)


def require_active(state, person_id, command):
    if state["status"] is None:
        raise unknown(person_id)
    if state["status"] != "active":
        raise IllegalTransition(command, state["status"], [])
    return state


def reports_to(role, street, community):
    """The reporting line the seed gives each role."""
    if role == "supervisor":
        return {"role": "community_secretary", "street": street, "community": community}
    if role == "street_commission_member":
        return {"role": "district_commission", "street": None, "community": None}
    return {"role": "street_commission", "street": street, "community": None}


def _place(role, community_state, community, street, groups):
    """(street, community, station_id, groups) after checking the role's place in the directory."""
    if role not in IN_COMMUNITY:
        if community is not None or groups:
            raise Invalid(
                f"a {role} belongs to a street, not a community or groups; leave community and groups empty",
                field="community",
            )
        return street, None, None, []
    if community is None:
        raise Invalid(f"a {role} must be given a community", field="community")
    found = require_in_street(require_community(community_state, community), street)
    if community_state["station"] is None:
        raise Invalid(
            f"community {community} has no liaison station yet; register the station before appointing its {role}",
            field="community",
        )
    groups = sorted(set(groups or ()))
    if role in WATCHERS and not groups:
        raise Invalid(f"a {role} must cover at least one residential group of community {community}", field="groups")
    if role not in WATCHERS and groups:
        raise Invalid("only informants and supervisors cover residential groups", field="groups")
    unknown = [g for g in groups if g not in community_state["groups"]]
    if unknown:
        raise Invalid(
            f"groups {', '.join(unknown)} are not residential groups of community {community}; "
            f"its groups are: {', '.join(sorted(community_state['groups'])) or 'none'}",
            field="groups",
        )
    return found["street"], community, community_state["station"]["station_id"], groups


def appoint(
    state,
    person_id,
    name,
    role,
    street,
    community,
    groups,
    appointed_on,
    today,
    community_state=None,
    street_state=None,
):
    check_id(person_id, "person_id")
    check_choice(role, ROLES, "role")
    if role not in IN_COMMUNITY:
        if street is None:
            raise Invalid(f"a {role} must be given a street", field="street")
        require_street(street_state, street)
    street, community, station_id, groups = _place(role, community_state, community, street, groups)
    not_after(appointed_on, today, "appointed_on")
    payload = {
        "person_id": person_id,
        "name": check_name(name),
        "role": role,
        "street": street,
        "community": community,
        "station_id": station_id,
        "groups": groups,
        "appointed_on": appointed_on.isoformat(),
        "reports_to": reports_to(role, street, community),
    }
    if state["status"] == "dismissed":
        raise IllegalTransition("appoint_person", "dismissed", [])
    new = same_or_new(state if state["status"] else None, payload, f"person {person_id}", IDENTITY)
    return [Change("person.appointed", payload)] if new else []


def reassign(state, person_id, community_state, community, groups, reassigned_on, today):
    require_active(state, person_id, "reassign_person")
    if state["role"] not in WATCHERS:
        raise Invalid(
            f"only informants and supervisors are reassigned to groups; {person_id} is a {state['role']}",
            field="person_id",
        )
    community = community or state["community"]
    street, community, station_id, groups = _place(state["role"], community_state, community, None, groups)
    _not_before(reassigned_on, state, "reassigned_on", today)
    if (community, groups) == (state["community"], state["groups"]):
        return []
    previous = {k: state[k] for k in ("street", "community", "station_id", "groups")}
    return [
        Change(
            "person.reassigned",
            {
                "person_id": person_id,
                "role": state["role"],
                "street": street,
                "community": community,
                "station_id": station_id,
                "groups": groups,
                "previous": previous,
                "reassigned_on": reassigned_on.isoformat(),
                "reports_to": reports_to(state["role"], street, community),
            },
        )
    ]


def dismiss(state, person_id, dismissed_on, reason, today):
    require_active(state, person_id, "dismiss_person")
    _not_before(dismissed_on, state, "dismissed_on", today)
    return [
        Change(
            "person.dismissed",
            {
                **{k: state[k] for k in ("person_id", "role", "street", "community", "station_id", "groups")},
                "dismissed_on": dismissed_on.isoformat(),
                "reason": reason or "",
            },
        )
    ]


def _not_before(day, state, field, today):
    not_after(day, today, field)
    if day.isoformat() < state["appointed_on"]:
        raise Invalid(f"{field} {day.isoformat()} is before the appointment on {state['appointed_on']}", field=field)
