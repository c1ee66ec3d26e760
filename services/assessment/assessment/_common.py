"""What assessment's commands, reads, timers and rebuild share: the rulebook of a version or in
force in a period, the facts merged for a period, scorecards, the consumed positions, and the reader's scope.
"""

from watchpost.errors import Forbidden, NotFound

from assessment.consumers import SOURCES
from assessment.domain import facts, periods
from assessment.domain.rulebook import in_force
from assessment.domain.scoring import score


def rulebook_by_version(store, version):
    doc = store.doc("assessment_rulebooks", version)
    if doc is None:
        known = sorted(d["version"] for d in store.all_docs("assessment_rulebooks"))
        raise NotFound(
            f"no rulebook {version!r} is published; published: {', '.join(known) or 'none'}",
            version=version,
            published=known,
        )
    return doc


def rulebook_in_force(store, period):
    found = in_force(store.all_docs("assessment_rulebooks"), period)
    if found is None:
        raise NotFound(
            f"no rulebook is in force in {period}; publish one effective from {periods.months(period)[0]} or earlier",
            period=period,
        )
    return found


def merged_facts(store, period, community=None):
    """{community: merged facts} for `period`, from the documents of its months, quarters and year."""
    where = {{"month": "period", "quarter": "quarter", "year": "year"}[periods.kind(period)]: period}
    if community is not None:
        where["community"] = community
    docs = {}
    for doc in store.all_docs("assessment_facts", where):
        if periods.contains(period, doc["period"]):
            docs.setdefault(doc["community"], []).append(doc)
    return {c: facts.merge(d) for c, d in docs.items()}


def street_of(store, community):
    doc = store.doc("assessment_communities", community)
    return doc["street"] if doc else None


def scorecards(store, rulebook, period, through, communities=(), merged=None):
    merged = merged_facts(store, period) if merged is None else merged
    everyone = set(communities) | set(merged)
    return [score(merged.get(c, {}), rulebook, c, period, through, street_of(store, c)) for c in sorted(everyone)]


def consumed_through(store):
    return {s: store.consumed_position(s) for s in SOURCES}


def known_communities(store):
    return [d["community"] for d in store.all_docs("assessment_communities")]


def unknown_community(community):
    """The answer for a community no source event has named, and for one outside the caller's scope."""
    return NotFound(f"community {community!r} is not known: no source event has named it", community=community)


def unknown_cadre(person_id):
    """The answer for a cadre no source event has counted for, and for one outside the caller's scope."""
    return NotFound(f"cadre {person_id!r} is not known: no source event has counted for them", person_id=person_id)


def check_scope(store, ctx, community=None, street=None):
    """A community outside the caller's scope answers as an unknown one (a refusal never tells where it lives); a
    street the caller named outside their own is refused."""
    actor = ctx.actor
    if community is not None and (
        (actor.role == "community_secretary" and community != actor.community)
        or (actor.role == "street_commission" and street_of(store, community) != actor.street)
    ):
        raise unknown_community(community)
    if actor.role == "street_commission" and street is not None and street != actor.street:
        raise Forbidden(f"a street commission reads only its own street {actor.street}, not {street}")


def period_view(store, period):
    """(period document or None, rulebook, cut-off) a period is read under: frozen when closed, live when open."""
    periods.kind(period)
    doc = store.doc("assessment_periods", period)
    if doc and doc["status"] == "closed":
        return doc, rulebook_by_version(store, doc["rulebook_version"]), doc["through"]
    return doc, rulebook_in_force(store, period), None
