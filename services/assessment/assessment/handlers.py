"""Assessment's commands and reads, `name(store, ctx, **fields)`: the rulebook, period close, adjustments,
rescoring, warnings (反向倒逼), and scorecards, rankings and explanations read under the rulebook of the period.
"""
from watchpost.domain import Change
from watchpost.errors import Conflict, Forbidden, Invalid, NotFound
from watchpost.handling import execute

from assessment.access import ALLOWED
from assessment.domain import facts as F
from assessment.domain import period as P
from assessment.domain import periods
from assessment.domain.metrics import terms
from assessment.domain.rulebook import INDICATORS, in_force, validate
from assessment.domain.scoring import rank, score

SOURCES = ("intake", "liaison", "training")


def authorise(ctx, name):
    if ctx.actor.role not in ALLOWED[name]:
        raise Forbidden(f"{name} is for {', '.join(sorted(ALLOWED[name]))}; not for {ctx.actor.role}",
                        role=ctx.actor.role, allowed=sorted(ALLOWED[name]))


def _rulebook(store, version):
    doc = store.doc("assessment_rulebooks", version)
    if doc is None:
        known = sorted(d["version"] for d in store.all_docs("assessment_rulebooks"))
        raise NotFound(f"no rulebook {version!r} is published; published: {', '.join(known) or 'none'}",
                       version=version, published=known)
    return doc


def _in_force(store, period):
    found = in_force(store.all_docs("assessment_rulebooks"), period)
    if found is None:
        raise NotFound(f"no rulebook is in force in {period}; publish one effective from "
                       f"{periods.months(period)[0]} or earlier", period=period)
    return found


def _facts(store, period, community=None):
    """{community: merged facts} for `period`, from the documents of its months, quarters and year."""
    where = {{"month": "period", "quarter": "quarter", "year": "year"}[periods.kind(period)]: period}
    if community is not None:
        where["community"] = community
    docs = {}
    for doc in store.all_docs("assessment_facts", where):
        if periods.contains(period, doc["period"]):
            docs.setdefault(doc["community"], []).append(doc)
    return {c: F.merge(d) for c, d in docs.items()}


def _street(store, community):
    doc = store.doc("assessment_communities", community)
    return doc["street"] if doc else None


def _cards(store, rulebook, period, through, communities=(), merged=None):
    merged = _facts(store, period) if merged is None else merged
    everyone = set(communities) | set(merged)
    return [score(merged.get(c, {}), rulebook, c, period, through, _street(store, c)) for c in sorted(everyone)]


def _through(store):
    return {s: store.consumed_position(s) for s in SOURCES}


# -- commands ------------------------------------------------------------------------------------------------
def publish_rulebook(store, ctx, **fields):
    authorise(ctx, "publish_rulebook")
    rulebook = validate(fields)

    def decide(existing):
        if existing:
            raise Conflict(f"rulebook {rulebook['version']} is already published; publish under a new version",
                           version=rulebook["version"])
        return [Change("rulebook.published", rulebook)]
    return execute(store, f"rulebook-{rulebook['version']}", list, decide, ctx)


def close_period(store, ctx, period):
    authorise(ctx, "close_period")
    periods.kind(period)
    through, rulebook = _through(store), _in_force(store, period)
    return execute(store, f"period-{period}", P.fold, lambda state: P.close(
        state, period, rulebook, _cards(store, rulebook, period, through, _known(store)), through, ctx.now), ctx)


def _known(store):
    return [d["community"] for d in store.all_docs("assessment_communities")]


def record_adjustments(store, ctx, period):
    authorise(ctx, "record_adjustments")
    periods.kind(period)
    through = _through(store)

    def decide(state):
        if state["status"] != "closed":
            return P.adjust(state, through, [])
        rulebook, merged, changed = _rulebook(store, state["version"]), _facts(store, period), []
        for c in sorted(set(merged) | set(state["communities"])):
            late = [f for f in F.late(merged.get(c, {}), state["through"]) if F.known(f, through)]
            if late:
                street = state["communities"].get(c) or _street(store, c)
                before, after = (score(merged[c], rulebook, c, period, cut, street)
                                 for cut in (state["through"], through))
                changed.append((before, after, late))
        return P.adjust(state, through, changed)
    return execute(store, f"period-{period}", P.fold, decide, ctx)


def rescore_period(store, ctx, period, version):
    """Score a closed period under another published rulebook: an explicit act, recorded as period.rescored."""
    authorise(ctx, "rescore_period")
    periods.kind(period)
    rulebook = _rulebook(store, version)

    def decide(state):
        if state["status"] != "closed":
            return P.rescore(state, period, version, [], {})
        merged = _facts(store, period)
        old = _rulebook(store, state["version"])
        previous = {c["community"]: c["total"]
                    for c in _cards(store, old, period, state["through"], state["communities"], merged)}
        cards = _cards(store, rulebook, period, state["through"], state["communities"], merged)
        return P.rescore(state, period, version, cards, previous)
    return execute(store, f"period-{period}", P.fold, decide, ctx)


def raise_warnings(store, ctx, period):
    """Warn every community below the line (反向倒逼) not yet warned under the period's rulebook."""
    authorise(ctx, "raise_warnings")
    periods.kind(period)

    def decide(state):
        if state["status"] == "closed":
            cards = _cards(store, _rulebook(store, state["version"]), period, state["through"], state["communities"])
        else:
            cards = _cards(store, _in_force(store, period), period, None, _known(store))
        return P.warnings(state, cards)
    return execute(store, f"period-{period}", P.fold, decide, ctx)


# -- reads ---------------------------------------------------------------------------------------------------
def _scope(store, ctx, community=None, street=None):
    actor = ctx.actor
    if actor.role == "community_secretary" and community != actor.community:
        raise Forbidden(f"a community secretary reads only their own community {actor.community}, not {community}")
    if actor.role == "street_commission":
        street = street or _street(store, community)
        if street != actor.street:
            raise Forbidden(f"a street commission reads only its own street {actor.street}, not {street}")


def _view(store, period):
    """(period document or None, rulebook, cut-off) a period is read under: frozen when closed, live when open."""
    periods.kind(period)
    doc = store.doc("assessment_periods", period)
    if doc and doc["status"] == "closed":
        return doc, _rulebook(store, doc["rulebook_version"]), doc["through"]
    return doc, _in_force(store, period), None


def scorecard(store, ctx, community, period):
    """The community's scorecard; a closed period's is frozen, with recorded and pending adjustments beside it."""
    authorise(ctx, "scorecard")
    _scope(store, ctx, community=community)
    doc, rulebook, through = _view(store, period)
    merged = _facts(store, period, community).get(community, {})
    if not merged and store.doc("assessment_communities", community) is None:
        raise NotFound(f"community {community!r} is not known: no source event has named it", community=community)
    card = score(merged, rulebook, community, period, through, _street(store, community))
    closed = bool(doc and doc["status"] == "closed")
    card["status"] = "closed" if closed else "open"
    card["adjustments"] = [a for a in (doc or {}).get("adjustments", []) if a["community"] == community]
    card["pending_adjustments"] = F.late(merged, through) if closed else []
    return card


def explain(store, ctx, community, period, indicator):
    """One indicator of a scorecard: its rule, the terms of its metric and every contributing event."""
    if indicator not in INDICATORS:
        raise Invalid(f"indicator {indicator!r} is not one of {sorted(INDICATORS)}", fields={"indicator": "unknown"})
    authorise(ctx, "explain")
    card = scorecard(store, ctx, community, period)
    doc, rulebook, _ = _view(store, period)
    rule = next(r for r in rulebook["indicators"] if r["indicator"] == indicator)
    block = card["indicators"][indicator]
    return {"community": community, "street": card["street"], "period": period, "status": card["status"],
            "indicator": indicator, "rulebook_version": rulebook["version"], "rule": rule, "through": card["through"],
            "terms": [{**t, "units": rule["units"].get(t["rule"], t["units"])} for t in terms(rule["metric"])],
            **block, "pending": [f for f in card["pending_adjustments"] if f["metric"] == rule["metric"]]}


def ranking(store, ctx, period, scope="district", street=None):
    """Communities by total within a street or the district; a closed period ranks its frozen scorecards."""
    authorise(ctx, "ranking")
    if scope not in ("street", "district") or (scope == "street") != bool(street):
        raise Invalid("scope must be 'district', or 'street' with a street", fields={"scope": scope, "street": street})
    if ctx.actor.role == "street_commission" and scope != "street":
        raise Forbidden(f"a street commission ranks only within its own street {ctx.actor.street}")
    _scope(store, ctx, street=street)
    doc, rulebook, through = _view(store, period)
    closed = bool(doc and doc["status"] == "closed")
    known = ([s["community"] for s in doc["closed"]["scorecards"]] + [a["community"] for a in doc["adjustments"]]
             if closed else _known(store))
    cards = _cards(store, rulebook, period, through, known, merged=None if not closed else {
        c: m for c, m in _facts(store, period).items() if c in known})
    if street:
        cards = [c for c in cards if c["street"] == street]
    return {"period": period, "scope": scope, "street": street, "status": "closed" if closed else "open",
            "rulebook_version": rulebook["version"], "rows": rank(cards)}


def rulebook(store, ctx, version=None, period=None):
    """A published rulebook by version, or the one in force in a period."""
    authorise(ctx, "rulebook")
    if (version is None) == (period is None):
        raise Invalid("name either a version or a period", fields={"version": version, "period": period})
    return _rulebook(store, version) if version else _in_force(store, period)


def rulebooks(store, ctx):
    """{rulebooks: [...]} every published rulebook, in publication order."""
    authorise(ctx, "rulebooks")
    return {"rulebooks": sorted(store.all_docs("assessment_rulebooks"), key=lambda r: r["published_position"])}
