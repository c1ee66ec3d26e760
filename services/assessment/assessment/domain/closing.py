"""Closing an assessment period (考核期): the period as an aggregate: open, then closed with frozen scorecards,
then adjusted or rescored.

Stream `period-<period>`. Closing records the cut-off `through` ({source: last consumed position}) and the rulebook
version: the frozen scorecard is the score of the facts consumed by then. A later fact for a closed period is never
merged silently: it waits as a pending adjustment until `scorecard.adjusted` records it and moves the cut-off on.
"""

from watchpost.domain import Change
from watchpost.errors import IllegalTransition, Invalid

from assessment.domain import periods
from assessment.domain.scoring import needs_warning


def fold(events):
    state = {"status": "open", "version": None, "through": None, "communities": {}, "warned": set()}
    for e in events:
        p = e.payload
        if e.type == "period.closed":
            state.update(
                status="closed",
                version=p["rulebook_version"],
                through=dict(p["through"]),
                communities={c["community"]: c["street"] for c in p["scorecards"]},
            )
        elif e.type == "scorecard.adjusted":
            state["through"] = {s: max(n, state["through"].get(s, 0)) for s, n in p["through"].items()}
            state["communities"].setdefault(p["community"], p["street"])
        elif e.type == "period.rescored":
            state["version"] = p["rulebook_version"]
        elif e.type == "score.warning_raised":
            state["warned"].add((p["community"], p["rulebook_version"]))
    return state


def _summary(card):
    return {
        "community": card["community"],
        "street": card["street"],
        "total": card["total"],
        "below_threshold": card["below_threshold"],
    }


def warnings(state, cards):
    """score.warning_raised for each card below the line not yet warned under its rulebook version."""
    return [
        Change(
            "score.warning_raised",
            {
                "period": c["period"],
                "community": c["community"],
                "street": c["street"],
                "status": state["status"],
                "rulebook_version": c["rulebook_version"],
                "total": c["total"],
                "warning_threshold": c["warning_threshold"],
                "below_threshold": c["below_threshold"],
                "indicators_below": c["indicators_below"],
            },
        )
        for c in cards
        if needs_warning(c) and (c["community"], c["rulebook_version"]) not in state["warned"]
    ]


def _require_closed(state, command):
    if state["status"] != "closed":
        raise IllegalTransition(command, state["status"], {"close_period", "raise_warnings"})


def close(state, period, rulebook, cards, through, now):
    if state["status"] == "closed":
        raise IllegalTransition("close_period", "closed", {"record_adjustments", "rescore_period", "raise_warnings"})
    if not periods.has_ended(period, now):
        end = periods.bounds(period)[1]
        raise Invalid(
            f"period {period} has not ended; it can be closed from {end.isoformat()} (Chengdu time)",
            fields={"period": f"closable from {end.isoformat()}"},
        )
    closed = Change(
        "period.closed",
        {
            "period": period,
            "rulebook_version": rulebook["version"],
            "through": through,
            "closed_at": now.isoformat(),
            "scorecards": [_summary(c) for c in cards],
        },
    )
    return [closed, *warnings({**state, "status": "closed"}, cards)]


def adjust(state, through, changed):
    """`changed`: [(before card, after card, late facts)] for each community with facts past the cut-off."""
    _require_closed(state, "record_adjustments")
    adjusted = [
        Change(
            "scorecard.adjusted",
            {
                "period": after["period"],
                "community": after["community"],
                "street": after["street"],
                "rulebook_version": after["rulebook_version"],
                "through_before": state["through"],
                "through": through,
                "total_before": before["total"],
                "total_after": after["total"],
                "indicators": {
                    k: {"before": before["indicators"][k]["score"], "after": v["score"]}
                    for k, v in after["indicators"].items()
                    if v["score"] != before["indicators"][k]["score"]
                },
                "events": [
                    {k: f[k] for k in ("source", "event_id", "position", "type", "metric", "rule")} for f in late
                ],
            },
        )
        for before, after, late in changed
    ]
    return [*adjusted, *warnings(state, [after for _, after, _ in changed])]


def rescore(state, period, version, cards, previous):
    """period.rescored under `version` at the current cut-off; `previous`: {community: total} before."""
    _require_closed(state, "rescore_period")
    if version == state["version"]:
        raise Invalid(
            f"period is already scored under rulebook {version}; name another published version",
            fields={"version": f"differs from {version}"},
        )
    rescored = Change(
        "period.rescored",
        {
            "period": period,
            "rulebook_version": version,
            "previous_version": state["version"],
            "through": state["through"],
            "scorecards": [{**_summary(c), "previous_total": previous.get(c["community"])} for c in cards],
        },
    )
    return [rescored, *warnings(state, cards)]
