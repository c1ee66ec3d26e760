"""Who may do what in training, and over which part of the district.

`ALLOWED` maps every command and read to the roles that may call it; `require` checks it, the scope functions
check the data: a community secretary acts in its community, a street commission in its street.
"""

from watchpost.access import EVERYWHERE, covers
from watchpost.errors import Forbidden

MANAGERS = {"district_commission", "street_commission", "community_secretary"}
READERS = MANAGERS | {"auditor"}
ALLOWED = {
    "schedule_session": MANAGERS,
    "reschedule_session": MANAGERS,
    "cancel_session": MANAGERS,
    "hold_session": MANAGERS,
    "record_attendance": MANAGERS,
    "correct_attendance": MANAGERS,
    "enrol_cadre": {"district_commission", "system"},
    "withdraw_cadre": {"district_commission", "system"},
    "close_year": {"district_commission", "system"},
    "get_session": READERS,
    "sessions_by_period": READERS,
    "person_record": READERS | {"informant", "supervisor"},
    "onboarding_status": READERS | {"informant", "supervisor"},
    "community_participation": READERS,
    "street_participation": READERS,
}


def require(name, actor):
    roles = ALLOWED[name]
    if actor.role not in roles:
        raise Forbidden(
            f"{name} is not open to the role {actor.role}; allowed: {', '.join(sorted(roles))}",
            role=actor.role,
            allowed=sorted(roles),
        )


def require_cover(ctx, street, community, what, hidden=None):
    """Refuse what is outside the actor's scope. For a stored record pass `hidden`, the very error a missing record
    of its kind gets: a refusal never tells where a record lives. Without it (a place the caller named), 403."""
    if not covers(ctx.actor, street=street, community=community):
        if hidden is not None:
            raise hidden
        a = ctx.actor
        raise Forbidden(
            f"{what} is outside your scope: a {a.role} acts in street {a.street!r}, community {a.community!r} only",
            street=street,
            community=community,
        )


def manages(actor, audience):
    """Whether the actor may schedule or change a session for `audience`: the district any; a street commission
    sessions for its street only; a community secretary sessions for its community only."""
    if actor.role in EVERYWHERE:
        return True
    if actor.role == "street_commission":
        return audience["streets"] == [actor.street] and actor.street is not None
    if actor.role == "community_secretary":
        return (
            audience["communities"] == [actor.community]
            and actor.community is not None
            and set(audience["streets"]) <= {actor.street}
        )
    return False


def require_manage(ctx, audience):
    if not manages(ctx.actor, audience):
        a = ctx.actor
        raise Forbidden(
            f"a {a.role} manages sessions for its own area only: audience.streets must be [{a.street!r}]"
            if a.role == "street_commission"
            else f"a {a.role} manages sessions whose audience.communities is [{a.community!r}] only",
            audience=audience,
        )


def sees_session(actor, audience):
    """Reads: open sessions (no streets or communities named) and those naming the actor's street or community."""
    if actor.role in EVERYWHERE:
        return True
    if not audience["streets"] and not audience["communities"]:
        return True
    return actor.street in audience["streets"] or actor.community in audience["communities"]
