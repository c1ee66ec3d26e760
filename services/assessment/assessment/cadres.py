"""Reads of per-cadre scorecards (干部个人考评): a cadre's scorecard and the ranking of a community's cadres.

A cadre's scorecard is read like a community's: under the period's rulebook and, when the period is closed, as of
its cut-off, late facts beside it as pending and the recorded adjustments that counted the cadre's events.

Who reads whom: the cadre themself (an informant or supervisor whose token's `sub` is the person id), the
secretary of a community the cadre's facts count in, the commission of such a community's street, the district and
the auditor. A community's ranking is for its secretary, its street's commission, the district and the auditor.
"""
from watchpost.errors import Forbidden, NotFound

from assessment import handlers
from assessment.domain import facts as F
from assessment.domain import periods
from assessment.domain.cadres import rank_cadres, score_cadre, where_counted

SELF = {"informant", "supervisor"}


def _docs(store, period, person_id=None, community=None):
    """{person_id: [facts documents within `period`]}, for one person or everyone counted in one community."""
    where = {{"month": "period", "quarter": "quarter", "year": "year"}[periods.kind(period)]: period}
    where.update({k: v for k, v in (("person_id", person_id), ("community", community)) if v is not None})
    found = {}
    for doc in store.all_docs("assessment_cadre_facts", where):
        if periods.contains(period, doc["period"]):
            found.setdefault(doc["person_id"], []).append(doc)
    return found


def _scope(store, ctx, person_id, places):
    actor, communities = ctx.actor, {p["community"] for p in places}
    streets = {handlers._street(store, p["community"]) or p["street"] for p in places}
    if actor.role in SELF and actor.id != person_id:
        raise Forbidden(f"a cadre ({actor.role}) reads only their own scorecard, {actor.id}, not {person_id}'s")
    if actor.role == "community_secretary" and actor.community not in communities:
        raise Forbidden(f"a community secretary reads the cadres of their own community {actor.community}; "
                        f"{person_id} counts in {', '.join(sorted(communities))}")
    if actor.role == "street_commission" and actor.street not in streets:
        raise Forbidden(f"a street commission reads the cadres of its own street {actor.street}; "
                        f"{person_id} counts in {', '.join(sorted(map(str, streets)))}")


def _card(store, person_id, period, docs, view):
    doc, rulebook, through = view
    places, latest = where_counted(docs)
    merged = F.merge(docs)
    community = latest["community"] if latest else None
    street = (handlers._street(store, community) or latest["street"]) if latest else None
    card = score_cadre(person_id, merged, rulebook, period, through, community, street,
                       [{**p, "street": handlers._street(store, p["community"]) or p["street"]} for p in places])
    closed = bool(doc and doc["status"] == "closed")
    mine = {f["event_id"] for subjects in merged.values() for history in subjects.values() for f in history}
    card["status"] = "closed" if closed else "open"
    card["adjustments"] = [a for a in (doc or {}).get("adjustments", [])
                           if any(e["event_id"] in mine for e in a["events"])]
    card["pending_adjustments"] = F.late(merged, through) if closed else []
    return card


def cadre_scorecard(store, ctx, person_id, period):
    """The cadre's scorecard for `period`, every point traced to the source event that earned it."""
    handlers.authorise(ctx, "cadre_scorecard")
    periods.kind(period)
    if ctx.actor.role in SELF:
        _scope(store, ctx, person_id, [])
    everything = store.all_docs("assessment_cadre_facts", {"person_id": person_id})
    if not everything:
        raise NotFound(f"cadre {person_id!r} is not known: no source event has counted for them", person_id=person_id)
    docs = [d for d in everything if periods.contains(period, d["period"])]
    _scope(store, ctx, person_id, where_counted(docs or everything)[0])
    return _card(store, person_id, period, docs, handlers._view(store, period))


def cadre_ranking(store, ctx, community, period):
    """The cadres counted in `community` in `period`, by the total of their own scorecard."""
    handlers.authorise(ctx, "cadre_ranking")
    handlers._scope(store, ctx, community=community)
    periods.kind(period)
    if store.doc("assessment_communities", community) is None:
        raise NotFound(f"community {community!r} is not known: no source event has named it", community=community)
    view = handlers._view(store, period)
    people = sorted(_docs(store, period, community=community))
    cards = [_card(store, p, period, _docs(store, period, person_id=p).get(p, []), view) for p in people]
    doc, rulebook, _ = view
    return {"community": community, "street": handlers._street(store, community), "period": period,
            "status": "closed" if doc and doc["status"] == "closed" else "open",
            "rulebook_version": rulebook["version"], "rows": rank_cadres(cards)}
