"""assessment's reads: a community's scorecard, an indicator explained, rankings and rulebooks, read under the
rulebook of the period (frozen when the period is closed); and per-cadre scorecards (干部个人考评): a cadre's
scorecard and the ranking of a community's cadres.

A cadre's scorecard is read like a community's: under the period's rulebook and, when the period is closed, as of
its cut-off, late facts beside it as pending and the recorded adjustments that counted the cadre's events.

Who reads whom: the cadre themself (an informant or supervisor whose token's `sub` is the person id), the
secretary of a community the cadre's facts count in, the commission of such a community's street, the district and
the auditor. A community's ranking is for its secretary, its street's commission, the district and the auditor.
"""

from watchpost.errors import Forbidden, Invalid

from assessment._common import (
    check_scope,
    known_communities,
    merged_facts,
    period_view,
    rulebook_by_version,
    rulebook_in_force,
    scorecards,
    street_of,
    unknown_cadre,
    unknown_community,
)
from assessment.access import require
from assessment.domain import facts, periods
from assessment.domain.cadres import rank_cadres, score_cadre, where_counted
from assessment.domain.metrics import terms
from assessment.domain.rulebook import INDICATORS
from assessment.domain.scoring import rank, score


def scorecard(store, ctx, community, period):
    """The community's scorecard; a closed period's is frozen, with recorded and pending adjustments beside it."""
    require("scorecard", ctx.actor)
    check_scope(store, ctx, community=community)
    doc, rulebook, through = period_view(store, period)
    merged = merged_facts(store, period, community).get(community, {})
    if not merged and store.doc("assessment_communities", community) is None:
        raise unknown_community(community)
    card = score(merged, rulebook, community, period, through, street_of(store, community))
    closed = bool(doc and doc["status"] == "closed")
    card["status"] = "closed" if closed else "open"
    card["adjustments"] = [a for a in (doc or {}).get("adjustments", []) if a["community"] == community]
    card["pending_adjustments"] = facts.late(merged, through) if closed else []
    return card


def explain(store, ctx, community, period, indicator):
    """One indicator of a scorecard: its rule, the terms of its metric and every contributing event."""
    if indicator not in INDICATORS:
        raise Invalid(f"indicator {indicator!r} is not one of {sorted(INDICATORS)}", fields={"indicator": "unknown"})
    require("explain", ctx.actor)
    card = scorecard(store, ctx, community, period)
    doc, rulebook, _ = period_view(store, period)
    rule = next(r for r in rulebook["indicators"] if r["indicator"] == indicator)
    block = card["indicators"][indicator]
    return {
        "community": community,
        "street": card["street"],
        "period": period,
        "status": card["status"],
        "indicator": indicator,
        "rulebook_version": rulebook["version"],
        "rule": rule,
        "through": card["through"],
        "terms": [{**t, "units": rule["units"].get(t["rule"], t["units"])} for t in terms(rule["metric"])],
        **block,
        "pending": [f for f in card["pending_adjustments"] if f["metric"] == rule["metric"]],
    }


def ranking(store, ctx, period, scope="district", street=None):
    """Communities by total within a street or the district; a closed period ranks its frozen scorecards."""
    require("ranking", ctx.actor)
    if scope not in ("street", "district") or (scope == "street") != bool(street):
        raise Invalid("scope must be 'district', or 'street' with a street", fields={"scope": scope, "street": street})
    if ctx.actor.role == "street_commission" and scope != "street":
        raise Forbidden(f"a street commission ranks only within its own street {ctx.actor.street}")
    check_scope(store, ctx, street=street)
    doc, rulebook, through = period_view(store, period)
    closed = bool(doc and doc["status"] == "closed")
    known = (
        [s["community"] for s in doc["closed"]["scorecards"]] + [a["community"] for a in doc["adjustments"]]
        if closed
        else known_communities(store)
    )
    cards = scorecards(
        store,
        rulebook,
        period,
        through,
        known,
        merged=None if not closed else {c: m for c, m in merged_facts(store, period).items() if c in known},
    )
    if street:
        cards = [c for c in cards if c["street"] == street]
    return {
        "period": period,
        "scope": scope,
        "street": street,
        "status": "closed" if closed else "open",
        "rulebook_version": rulebook["version"],
        "rows": rank(cards),
    }


def rulebook(store, ctx, version=None, period=None):
    """A published rulebook by version, or the one in force in a period."""
    require("rulebook", ctx.actor)
    if (version is None) == (period is None):
        raise Invalid("name either a version or a period", fields={"version": version, "period": period})
    return rulebook_by_version(store, version) if version else rulebook_in_force(store, period)


def rulebooks(store, ctx):
    """{rulebooks: [...]} every published rulebook, in publication order."""
    require("rulebooks", ctx.actor)
    return {"rulebooks": sorted(store.all_docs("assessment_rulebooks"), key=lambda r: r["published_position"])}


# -- cadres (干部个人考评) ---------------------------------------------------------------------------------
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


def _cadre_scope(store, ctx, person_id, places):
    actor, communities = ctx.actor, {p["community"] for p in places}
    streets = {street_of(store, p["community"]) or p["street"] for p in places}
    if actor.role in SELF and actor.id != person_id:
        raise Forbidden(f"a cadre ({actor.role}) reads only their own scorecard, {actor.id}, not {person_id}'s")
    if (actor.role == "community_secretary" and actor.community not in communities) or (
        actor.role == "street_commission" and actor.street not in streets
    ):
        raise unknown_cadre(person_id)  # as if unknown: a refusal never tells where a cadre counts


def _card(store, person_id, period, docs, view):
    doc, rulebook, through = view
    places, latest = where_counted(docs)
    merged = facts.merge(docs)
    community = latest["community"] if latest else None
    street = (street_of(store, community) or latest["street"]) if latest else None
    card = score_cadre(
        person_id,
        merged,
        rulebook,
        period,
        through,
        community,
        street,
        [{**p, "street": street_of(store, p["community"]) or p["street"]} for p in places],
    )
    closed = bool(doc and doc["status"] == "closed")
    mine = {f["event_id"] for subjects in merged.values() for history in subjects.values() for f in history}
    card["status"] = "closed" if closed else "open"
    card["adjustments"] = [
        a for a in (doc or {}).get("adjustments", []) if any(e["event_id"] in mine for e in a["events"])
    ]
    card["pending_adjustments"] = facts.late(merged, through) if closed else []
    return card


def cadre_scorecard(store, ctx, person_id, period):
    """The cadre's scorecard for `period`, every point traced to the source event that earned it."""
    require("cadre_scorecard", ctx.actor)
    periods.kind(period)
    if ctx.actor.role in SELF:
        _cadre_scope(store, ctx, person_id, [])
    everything = store.all_docs("assessment_cadre_facts", {"person_id": person_id})
    if not everything:
        raise unknown_cadre(person_id)
    docs = [d for d in everything if periods.contains(period, d["period"])]
    _cadre_scope(store, ctx, person_id, where_counted(docs or everything)[0])
    return _card(store, person_id, period, docs, period_view(store, period))


def cadre_ranking(store, ctx, community, period):
    """The cadres counted in `community` in `period`, by the total of their own scorecard."""
    require("cadre_ranking", ctx.actor)
    check_scope(store, ctx, community=community)
    periods.kind(period)
    if store.doc("assessment_communities", community) is None:
        raise unknown_community(community)
    view = period_view(store, period)
    people = sorted(_docs(store, period, community=community))
    cards = [_card(store, p, period, _docs(store, period, person_id=p).get(p, []), view) for p in people]
    doc, rulebook, _ = view
    return {
        "community": community,
        "street": street_of(store, community),
        "period": period,
        "status": "closed" if doc and doc["status"] == "closed" else "open",
        "rulebook_version": rulebook["version"],
        "rows": rank_cadres(cards),
    }
