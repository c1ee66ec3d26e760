"""The suite's one authorisation rule, applied once per command whatever the entrypoint (HTTP, RPC, timer,
consumer): first the role, from the service's own table (`<service>.access.ALLOWED`, checked at the boundary);
then the scope, with `covers`, against the record as stored (the stream or document the command acts on), never
against the street or community a caller writes in the body.

Timers and consumers act as the service itself (`watchpost.domain.SYSTEM`, role `system`), which no token can
carry (`watchpost.auth`).
"""

EVERYWHERE = frozenset({"district_commission", "auditor", "system"})


def covers(actor, *, street=None, community=None):
    """Whether a record stored under `street` and `community` is within `actor`'s scope: the district commission,
    auditors and the service itself everywhere; a street commission in its street; a community secretary in their
    community; nobody else anywhere (a service that shows more, e.g. liaison's cadres their own community, says
    so where it does). A record with no street (or community) is covered only from everywhere."""
    if actor.role in EVERYWHERE:
        return True
    if actor.role == "street_commission":
        return street is not None and street == actor.street
    if actor.role == "community_secretary":
        return community is not None and community == actor.community
    return False
