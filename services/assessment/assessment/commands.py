"""assessment's commands, `name(store, ctx, **fields) -> [Event]`: the rulebook, period close, adjustments, rescoring
and warnings (反向倒逼). The scorecards they freeze are read under the rulebook of the period (`_common`).
"""

from watchpost.domain import Change
from watchpost.errors import Conflict
from watchpost.handling import execute

from assessment._common import (
    consumed_through,
    known_communities,
    merged_facts,
    rulebook_by_version,
    rulebook_in_force,
    scorecards,
    street_of,
)
from assessment.access import require
from assessment.domain import closing, facts, periods
from assessment.domain.rulebook import validate
from assessment.domain.scoring import score


def publish_rulebook(store, ctx, **fields):
    require("publish_rulebook", ctx.actor)
    rulebook = validate(fields)

    def decide(existing):
        if existing:
            raise Conflict(
                f"rulebook {rulebook['version']} is already published; publish under a new version",
                version=rulebook["version"],
            )
        return [Change("rulebook.published", rulebook)]

    return execute(store, f"rulebook-{rulebook['version']}", list, decide, ctx)


def close_period(store, ctx, period):
    require("close_period", ctx.actor)
    periods.kind(period)
    through, rulebook = consumed_through(store), rulebook_in_force(store, period)

    def decide(state):
        cards = scorecards(store, rulebook, period, through, known_communities(store))
        return closing.close(state, period, rulebook, cards, through, ctx.now)

    return execute(store, f"period-{period}", closing.fold, decide, ctx)


def record_adjustments(store, ctx, period):
    require("record_adjustments", ctx.actor)
    periods.kind(period)
    through = consumed_through(store)

    def decide(state):
        if state["status"] != "closed":
            return closing.adjust(state, through, [])
        rulebook, merged, changed = rulebook_by_version(store, state["version"]), merged_facts(store, period), []
        for c in sorted(set(merged) | set(state["communities"])):
            late = [f for f in facts.late(merged.get(c, {}), state["through"]) if facts.known(f, through)]
            if late:
                street = state["communities"].get(c) or street_of(store, c)
                before, after = (
                    score(merged[c], rulebook, c, period, cut, street) for cut in (state["through"], through)
                )
                changed.append((before, after, late))
        return closing.adjust(state, through, changed)

    return execute(store, f"period-{period}", closing.fold, decide, ctx)


def rescore_period(store, ctx, period, version):
    """Score a closed period under another published rulebook: an explicit act, recorded as period.rescored."""
    require("rescore_period", ctx.actor)
    periods.kind(period)
    rulebook = rulebook_by_version(store, version)

    def decide(state):
        if state["status"] != "closed":
            return closing.rescore(state, period, version, [], {})
        merged = merged_facts(store, period)
        old = rulebook_by_version(store, state["version"])
        previous = {
            c["community"]: c["total"]
            for c in scorecards(store, old, period, state["through"], state["communities"], merged)
        }
        cards = scorecards(store, rulebook, period, state["through"], state["communities"], merged)
        return closing.rescore(state, period, version, cards, previous)

    return execute(store, f"period-{period}", closing.fold, decide, ctx)


def raise_warnings(store, ctx, period):
    """Warn every community below the line (反向倒逼) not yet warned under the period's rulebook."""
    require("raise_warnings", ctx.actor)
    periods.kind(period)

    def decide(state):
        if state["status"] == "closed":
            frozen = rulebook_by_version(store, state["version"])
            cards = scorecards(store, frozen, period, state["through"], state["communities"])
        else:
            cards = scorecards(store, rulebook_in_force(store, period), period, None, known_communities(store))
        return closing.warnings(state, cards)

    return execute(store, f"period-{period}", closing.fold, decide, ctx)
