"""Who may see and act where: a street commission in its street, a community secretary in its community."""

from watchpost.access import covers
from watchpost.errors import Forbidden

DISTRICT_WIDE = {"district_commission", "auditor", "system", "subscriber"}
IN_COMMUNITY = {"community_secretary", "informant", "supervisor"}

# who may appoint, reassign or dismiss each role (the reporting lines of the seed)
MANAGERS = {
    "informant": {"street_commission", "district_commission", "system"},
    "supervisor": {"community_secretary", "street_commission", "district_commission", "system"},
    "community_secretary": {"street_commission", "district_commission", "system"},
    "street_commission_member": {"district_commission", "system"},
}


def sees(actor, street, community):
    """The suite's rule (`watchpost.access.covers`), and liaison's own: its subscribers read the whole directory,
    and a community's informants and supervisors see their community."""
    if covers(actor, street=street, community=community) or actor.role in DISTRICT_WIDE:
        return True
    return actor.role in IN_COMMUNITY and community is not None and community == actor.community


def require(actor, street, community, hidden):
    """Refuse a record outside the actor's area with `hidden`: the very NotFound a missing record of its kind
    gets, so that a refusal never tells where a record lives (or that it exists)."""
    if not sees(actor, street, community):
        raise hidden


def require_manager(actor, role, street, community):
    if actor.role not in MANAGERS[role]:
        raise Forbidden(
            f"a {actor.role} may not appoint, reassign or dismiss people in the role {role}; allowed: "
            f"{', '.join(sorted(MANAGERS[role]))}",
            role=role,
        )
    if not sees(actor, street, community):
        raise Forbidden(
            f"a {actor.role} acts only in {_area(actor)}: it may not appoint, reassign or dismiss elsewhere", role=role
        )


def _area(actor):
    return {"street_commission": f"street {actor.street}"}.get(actor.role, f"community {actor.community}")


def scoped_filter(actor, street=None, community=None):
    """The `where` filter a list read uses: the caller's own filters, narrowed (and checked) to their scope."""
    where = {k: v for k, v in (("street", street), ("community", community)) if v is not None}
    if actor.role == "street_commission":
        if street not in (None, actor.street):
            raise Forbidden(f"a {actor.role} acts only in {_area(actor)}: it reads no list elsewhere")
        where["street"] = actor.street
    elif actor.role in IN_COMMUNITY:
        if community not in (None, actor.community):
            raise Forbidden(f"a {actor.role} acts only in {_area(actor)}: it reads no list elsewhere")
        where["community"] = actor.community
    elif actor.role not in DISTRICT_WIDE:
        raise Forbidden(f"a {actor.role} may not read liaison lists")
    return where
