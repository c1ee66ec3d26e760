"""Per-cadre scorecards (干部个人考评): the same facts and the same rulebook, read per person where that makes sense.

A fact counts for a cadre when its rule names a person (`metrics.per_person`): an informant's or supervisor's monthly
feedback on time, late or missed (信息报送), a cadre's yearly hours met or short and onboarding completed (队伍建设),
their attendance (宣传教育). Facts that name no one (a major-problem flag, a station's quarterly report, a pairing's
contact) stay with the community only.

The indicators that score a cadre, and their numbers, come from the rulebook's optional `cadres` section; a
rulebook without one (v1) scores cadres by `DEFAULT_SECTION`. Each cadre indicator takes the community rule's
numbers except where the section gives its own, with two exceptions: `baseline` defaults to 0 (a community's
baseline counts many people's facts; a cadre is held to none unless the section says so) and `warn_below` to none.
"""

from assessment.domain.metrics import person_rules
from assessment.domain.rulebook import as_decimal
from assessment.domain.scoring import score

DEFAULT_SECTION = {
    "base": None,
    "warning_threshold": None,
    "indicators": [
        {"indicator": i, "units": {}} for i in ("publicity_education", "information_reporting", "team_building")
    ],
}


def cadre_rulebook(rulebook):
    """The rulebook a cadre is scored under: the section's indicators, each its community rule overridden."""
    section = rulebook.get("cadres") or DEFAULT_SECTION
    rules = {r["indicator"]: r for r in rulebook["indicators"]}
    indicators = []
    for item in section["indicators"]:
        rule = rules[item["indicator"]]
        if not person_rules(rule["metric"]):
            continue  # only reachable by the default section: an explicit one is validated against this
        own = {k: v for k, v in item.items() if k not in ("indicator", "units")}
        indicators.append(
            {
                **rule,
                "baseline": 0,
                "warn_below": None,
                **own,
                "units": {**rule.get("units", {}), **item.get("units", {})},
            }
        )
    return {
        "version": rulebook["version"],
        "indicators": indicators,
        "base": rulebook["base"] if section.get("base") is None else section["base"],
        "warning_threshold": rulebook["warning_threshold"]
        if section.get("warning_threshold") is None
        else section["warning_threshold"],
        "section": "rulebook" if rulebook.get("cadres") else "default",
    }


def where_counted(docs):
    """[{community, street}] a cadre's facts documents count in, and the latest of them (by the home period's first
    month, then the community): where the cadre is read as belonging."""
    seen = sorted({(d["community"], d.get("street")) for d in docs})
    latest = max(docs, key=lambda d: (d["first_month"], d["community"]), default=None)
    return [{"community": c, "street": s} for c, s in seen], latest


def score_cadre(person_id, facts, rulebook, period, through=None, community=None, street=None, communities=()):
    """The cadre's scorecard for `period` from their merged `facts`, under `rulebook` (a community rulebook)."""
    rules = cadre_rulebook(rulebook)
    card = score(facts, rules, community, period, through, street)
    return {"person_id": person_id, **card, "communities": list(communities), "cadre_section": rules["section"]}


def rank_cadres(cards):
    """[{rank, person_id, community, total, below_threshold}] highest total first; equal totals share a rank."""
    ordered = sorted(cards, key=lambda c: (-as_decimal(c["total"]), c["person_id"]))
    rows = []
    for i, card in enumerate(ordered):
        same = rows and as_decimal(rows[-1]["total"]) == as_decimal(card["total"])
        rows.append(
            {
                "rank": rows[-1]["rank"] if same else i + 1,
                "person_id": card["person_id"],
                "community": card["community"],
                "total": card["total"],
                "below_threshold": card["below_threshold"],
            }
        )
    return rows
