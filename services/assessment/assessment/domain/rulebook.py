"""The rulebook (考评细则): how facts become points, as data the district publishes with a version.

Per indicator: the metric it reads, a monthly baseline (scaled by the months in the period), points per unit
above and below the baseline, a cap on the indicator's score either way, a weight, and optionally a floor below
which the indicator alone raises a warning. Total = base + sum(weight × indicator score); a total below the
warning threshold raises a warning. All numbers have at most two decimals, so every sum is exact.

Optionally (rulebooks without it stay valid) a `cadres` section says which indicators also score each cadre
(干部个人考评) and with which numbers: {base?, warning_threshold?, indicators: [{indicator, baseline?, points_above?,
points_below?, cap?, weight?, warn_below?, units?}]}. Only indicators whose metric has rules naming a person can
score a cadre; `assessment.domain.cadres` derives the cadre rules (omitted numbers come from the community rule).
"""

import json
import re
from decimal import Decimal
from pathlib import Path

from watchpost.errors import Invalid

from assessment.domain import periods
from assessment.domain.metrics import METRICS, person_rules

INDICATORS = {
    "petition_handling": "信访办理",
    "case_management": "案件管理",
    "case_review": "案件审理",
    "supervision_inspection": "监督检查",
    "publicity_education": "宣传教育",
    "information_reporting": "信息报送",
    "team_building": "队伍建设",
}
NUMBERS = ("baseline", "points_above", "points_below", "cap", "weight")
VERSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


def as_decimal(value):
    return Decimal(str(value))


def _number(value, where, problems, minimum=Decimal(0)):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems[where] = f"must be a number, not {type(value).__name__}"
    elif as_decimal(value).as_tuple().exponent < -2:
        problems[where] = f"{value} has more than two decimals; at most two are allowed"
    elif minimum is not None and as_decimal(value) < minimum:
        problems[where] = f"{value} is below {minimum}; it must be {minimum} or more"


def _month(value, where, problems):
    try:
        assert periods.kind(value) == "month"
    except Exception:
        problems[where] = f"{value!r} must be a month like 2026-01"


def _indicator(i, entry, problems):
    at = f"indicators[{i}]"
    if not isinstance(entry, dict):
        problems[at] = "must be an object"
        return
    extra = set(entry) - {"indicator", "metric", "warn_below", "units", *NUMBERS}
    if extra:
        problems[at] = f"unknown fields {sorted(extra)}"
    if entry.get("indicator") not in INDICATORS:
        problems[f"{at}.indicator"] = f"{entry.get('indicator')!r} is not one of {sorted(INDICATORS)}"
    if entry.get("metric") not in METRICS:
        problems[f"{at}.metric"] = f"{entry.get('metric')!r} is not one of {sorted(METRICS)}"
    for name in NUMBERS:
        _number(entry.get(name), f"{at}.{name}", problems)
    if entry.get("warn_below") is not None:
        _number(entry["warn_below"], f"{at}.warn_below", problems, minimum=None)
    rules = {t.name for t in METRICS.get(entry.get("metric"), ())}
    for rule, units in (entry.get("units") or {}).items():
        if rule not in rules:
            problems[f"{at}.units.{rule}"] = f"is not a rule of metric {entry.get('metric')}: {sorted(rules)}"
        elif isinstance(units, bool) or not isinstance(units, int):
            problems[f"{at}.units.{rule}"] = "must be a whole number of units"


def _cadre_indicator(at, item, metric_of, problems):
    if not isinstance(item, dict):
        problems[at] = "must be an object naming an indicator"
        return None
    extra = set(item) - {"indicator", "warn_below", "units", *NUMBERS}
    if extra:
        problems[at] = f"unknown fields {sorted(extra)}; allowed: indicator, warn_below, units, {', '.join(NUMBERS)}"
    name, possible = item.get("indicator"), sorted(i for i, m in metric_of.items() if person_rules(m))
    if name not in INDICATORS:
        problems[f"{at}.indicator"] = f"{name!r} is not one of {sorted(INDICATORS)}"
    elif name in metric_of and not person_rules(metric_of[name]):
        problems[f"{at}.indicator"] = (
            f"{name} cannot score a cadre: no rule of its metric {metric_of[name]} "
            f"names a person; per cadre: {possible}"
        )
    for number in NUMBERS:
        if number in item:
            _number(item[number], f"{at}.{number}", problems)
    if item.get("warn_below") is not None:
        _number(item["warn_below"], f"{at}.warn_below", problems, minimum=None)
    rules = person_rules(metric_of.get(name))
    units = item.get("units") or {}
    if not isinstance(units, dict):
        problems[f"{at}.units"] = "must be an object {rule: whole number of units}"
        units = {}
    for rule, value in units.items():
        if rule not in rules:
            problems[f"{at}.units.{rule}"] = f"is not a per-person rule of {metric_of.get(name)}: {rules}"
        elif isinstance(value, bool) or not isinstance(value, int):
            problems[f"{at}.units.{rule}"] = "must be a whole number of units"
    return name


def _cadres(section, entries, problems):
    """The optional `cadres` section, checked against the rulebook's own indicators; its normal form."""
    if section is None:
        return None
    if not isinstance(section, dict):
        problems["cadres"] = "must be an object {indicators: [...], base?, warning_threshold?}"
        return None
    extra = set(section) - {"indicators", "base", "warning_threshold"}
    if extra:
        problems["cadres"] = f"unknown fields {sorted(extra)}; allowed: base, indicators, warning_threshold"
    for name in ("base", "warning_threshold"):
        if section.get(name) is not None:
            _number(section[name], f"cadres.{name}", problems)
    items = section.get("indicators")
    if not isinstance(items, list) or not items:
        problems["cadres.indicators"] = "must be a non-empty list of the indicators that score each cadre"
        return None
    metric_of = {e.get("indicator"): e.get("metric") for e in entries if isinstance(e, dict)}
    named = [_cadre_indicator(f"cadres.indicators[{i}]", item, metric_of, problems) for i, item in enumerate(items)]
    twice = sorted({str(n) for n in named if n is not None and named.count(n) > 1})
    if twice:
        problems["cadres.indicators"] = f"each indicator at most once; repeated {twice}"
    if problems:
        return None
    order = list(INDICATORS)
    return {
        "base": section.get("base"),
        "warning_threshold": section.get("warning_threshold"),
        "indicators": sorted(
            ({**item, "units": dict(item.get("units") or {})} for item in items),
            key=lambda item: order.index(item["indicator"]),
        ),
    }


def validate(data):
    """The rulebook as plain data, checked; Invalid with `details.fields` naming every problem."""
    problems = {}
    if not isinstance(data, dict):
        raise Invalid("a rulebook must be an object", fields={"rulebook": "must be an object"})
    extra = set(data) - {
        "version",
        "title",
        "effective_from",
        "effective_until",
        "base",
        "warning_threshold",
        "indicators",
        "cadres",
    }
    if extra:
        problems["rulebook"] = f"unknown fields {sorted(extra)}"
    if not isinstance(data.get("version"), str) or not VERSION_PATTERN.match(data["version"]):
        problems["version"] = "must be 1-40 letters, digits, '.', '_' or '-', e.g. v1 or 2026.2"
    if not isinstance(data.get("title"), str) or not data["title"].strip():
        problems["title"] = "must be a non-empty string"
    _month(data.get("effective_from"), "effective_from", problems)
    if data.get("effective_until") is not None:
        _month(data["effective_until"], "effective_until", problems)
        if (
            "effective_from" not in problems
            and "effective_until" not in problems
            and data["effective_until"] < data["effective_from"]
        ):
            problems["effective_until"] = f"must not be before effective_from {data['effective_from']}"
    _number(data.get("base"), "base", problems)
    _number(data.get("warning_threshold"), "warning_threshold", problems)
    entries = data.get("indicators")
    if not isinstance(entries, list):
        problems["indicators"] = f"must be a list of the 7 indicators {sorted(INDICATORS)}"
        entries = []
    for i, entry in enumerate(entries):
        _indicator(i, entry, problems)
    named = [e.get("indicator") for e in entries if isinstance(e, dict)]
    missing, twice = set(INDICATORS) - set(named), {n for n in named if named.count(n) > 1}
    if entries and (missing or twice):
        problems["indicators"] = (
            f"each of the 7 indicators exactly once; missing {sorted(missing)}, repeated {sorted(map(str, twice))}"
        )
    cadres = _cadres(data.get("cadres"), entries, problems)
    if problems:
        raise Invalid(
            f"the rulebook is not valid: {'; '.join(f'{k}: {v}' for k, v in problems.items())}", fields=problems
        )
    rulebook = {k: v for k, v in data.items() if k != "cadres"}
    if cadres is not None:  # absent stays absent: a rulebook without the section reads as it always did
        rulebook["cadres"] = cadres
    return {
        **rulebook,
        "effective_until": data.get("effective_until"),
        "indicators": sorted(
            ({**e, "warn_below": e.get("warn_below"), "units": dict(e.get("units") or {})} for e in entries),
            key=lambda e: list(INDICATORS).index(e["indicator"]),
        ),
    }


def in_force(rulebooks, period):
    """The rulebook in force in `period`'s first month: the latest effective_from, then the latest published."""
    first = periods.months(period)[0]
    covering = [
        r
        for r in rulebooks
        if r["effective_from"] <= first and (r.get("effective_until") is None or r["effective_until"] >= first)
    ]
    return max(covering, key=lambda r: (r["effective_from"], r["published_position"]), default=None)


def default():
    """The district's rulebook v1, shipped as data (rulebook_v1.json)."""
    return validate(json.loads((Path(__file__).parent / "rulebook_v1.json").read_text(encoding="utf-8")))
