"""Scoring (计分): a pure function from facts and a rulebook to a community's scorecard for a period.

Per indicator: value = the units of the facts that count (one per subject, as of the cut-off); the rate is
points_above when value >= baseline, else points_below; every fact earns units × rate, the baseline row takes
baseline × rate off, and the cap row trims the sum to ±cap. So score = sum of the rows, and every point is a row.
"""

from decimal import Decimal

from assessment.domain import periods
from assessment.domain.facts import effective
from assessment.domain.rulebook import INDICATORS, as_decimal


def out(number):
    """A Decimal as JSON: int when whole, else float (exact: rulebook numbers have at most two decimals)."""
    return int(number) if number == number.to_integral_value() else float(number)


def _indicator(rule, subjects, months, through):
    units = rule.get("units") or {}
    rows = []
    for history in subjects.values():
        fact, replaced = effective(history, through)
        if fact is not None:
            rows.append((fact, as_decimal(units.get(fact["rule"], fact["units"])), [f["event_id"] for f in replaced]))
    rows.sort(key=lambda row: (row[0]["source"], row[0]["position"], row[0]["rule"]))
    value, baseline = sum((u for _, u, _ in rows), Decimal(0)), as_decimal(rule["baseline"]) * months
    rate = as_decimal(rule["points_above"]) if value >= baseline else as_decimal(rule["points_below"])
    raw, cap = (value - baseline) * rate, as_decimal(rule["cap"])
    score = max(-cap, min(cap, raw))
    weighted = score * as_decimal(rule["weight"])
    contributions = [
        {
            "source": f["source"],
            "event_id": f["event_id"],
            "position": f["position"],
            "type": f["type"],
            "rule": f["rule"],
            "units": out(u),
            "points": out(u * rate),
            "replaced": replaced,
        }
        for f, u, replaced in rows
    ]
    return weighted, {
        "title": INDICATORS[rule["indicator"]],
        "metric": rule["metric"],
        "value": out(value),
        "baseline": out(baseline),
        "rate": out(rate),
        "baseline_points": out(-baseline * rate),
        "cap_points": out(score - raw),
        "score": out(score),
        "weight": out(as_decimal(rule["weight"])),
        "weighted": out(weighted),
        "contributions": contributions,
    }


def score(facts, rulebook, community, period, through=None, street=None):
    """The scorecard of `community` for `period` from merged `facts` ({metric: {subject: history}})."""
    months = len(periods.months(period))
    total, indicators, weak = as_decimal(rulebook["base"]), {}, []
    for rule in rulebook["indicators"]:
        weighted, block = _indicator(rule, facts.get(rule["metric"], {}), months, through)
        total += weighted
        indicators[rule["indicator"]] = block
        if rule.get("warn_below") is not None and as_decimal(block["score"]) < as_decimal(rule["warn_below"]):
            weak.append({"indicator": rule["indicator"], "score": block["score"], "warn_below": rule["warn_below"]})
    threshold = as_decimal(rulebook["warning_threshold"])
    return {
        "community": community,
        "street": street,
        "period": period,
        "rulebook_version": rulebook["version"],
        "base": out(as_decimal(rulebook["base"])),
        "total": out(total),
        "warning_threshold": out(threshold),
        "below_threshold": total < threshold,
        "indicators_below": weak,
        "through": dict(sorted(through.items())) if through is not None else None,
        "indicators": indicators,
    }


def needs_warning(card):
    return card["below_threshold"] or bool(card["indicators_below"])


def rank(cards):
    """[{rank, community, street, total}] highest total first; equal totals share a rank (1, 2, 2, 4)."""
    ordered = sorted(cards, key=lambda c: (-as_decimal(c["total"]), c["community"]))
    rows = []
    for i, card in enumerate(ordered):
        same = rows and as_decimal(rows[-1]["total"]) == as_decimal(card["total"])
        rows.append(
            {
                "rank": rows[-1]["rank"] if same else i + 1,
                "community": card["community"],
                "street": card["street"],
                "total": card["total"],
            }
        )
    return rows
