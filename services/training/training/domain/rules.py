"""The training system's rules as data: kinds, roles, yearly hours, the onboarding programme, periods.

Defaults only: a deployment passes its own `yearly_hours` and `programme` (from its settings) to the commands.
"""

from datetime import date, datetime

from watchpost.contracts.training import KINDS, STATUSES  # noqa: F401 (the published words)
from watchpost.contracts.training import ROLES as CADRE_ROLES  # noqa: F401 (the published words)
from watchpost.errors import Invalid

# Yearly required hours per cadre role (年度学时). A role missing here is not assessed at year end.
DEFAULT_YEARLY_HOURS = {
    "informant": 8,
    "supervisor": 8,
    "community_secretary": 24,
    "street_commission_member": 24,
}

# Onboarding programme per role: items a new cadre must attend; an item matches a session by kind and/or topic.
_CORE = [
    {"item": "new_cadre_forum", "kind": "new_cadre_forum", "topic": None},
    {"item": "monthly_lecture", "kind": "monthly_lecture", "topic": None},
]
DEFAULT_PROGRAMME = {
    "informant": _CORE,
    "supervisor": _CORE,
    "community_secretary": _CORE + [{"item": "power_list", "kind": None, "topic": "小微权力清单"}],
    "street_commission_member": _CORE + [{"item": "power_list", "kind": None, "topic": "小微权力清单"}],
}


def as_date(value, field):
    """A date from a `date` or an ISO string; Invalid naming the field otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Invalid(f"{field} must be an ISO date such as 2026-03-02, not {value!r}", fields={field: value}) from None


def as_hours(value, field="hours"):
    """Hours of training: more than 0 and at most 24, kept to two decimals."""
    try:
        hours = round(float(value), 2)
    except (TypeError, ValueError):
        hours = None
    if hours is None or isinstance(value, bool) or not 0 < hours <= 24:
        raise Invalid(f"{field} must be a number of hours above 0 and at most 24, not {value!r}", fields={field: value})
    return hours


def periods(day):
    """The month, quarter and year a date falls in: {'month': '2026-03', 'quarter': '2026-Q1', 'year': 2026}."""
    return {
        "month": f"{day.year}-{day.month:02d}",
        "quarter": f"{day.year}-Q{(day.month - 1) // 3 + 1}",
        "year": day.year,
    }


def period_filter(period):
    """The projection filter for a period written as 2026, 2026-03 or 2026-Q1."""
    text = str(period)
    if len(text) == 4 and text.isdigit():
        return {"year": int(text)}
    if len(text) == 7 and text[:4].isdigit() and text[4] == "-":
        if text[5] == "Q" and text[6] in "1234":
            return {"quarter": text}
        if text[5:].isdigit() and 1 <= int(text[5:]) <= 12:
            return {"month": text}
    raise Invalid(
        f"period must be a year (2026), a month (2026-03) or a quarter (2026-Q1), not {text!r}", fields={"period": text}
    )


def required_hours(role, year, appointed_on=None, yearly_hours=None):
    """Hours `role` must reach in `year`, pro rata by month for a cadre appointed during it; None: not assessed."""
    table = DEFAULT_YEARLY_HOURS if yearly_hours is None else yearly_hours
    if role not in table:
        return None
    full = float(table[role])
    if appointed_on is None or appointed_on.year < year:
        return full
    if appointed_on.year > year:
        return None
    return round(full * (13 - appointed_on.month) / 12, 2)


def matches(item, kind, topic):
    """Whether a session of `kind` on `topic` satisfies a programme item (every criterion the item names)."""
    if not item.get("kind") and not item.get("topic"):
        return False
    if item.get("kind") and item["kind"] != kind:
        return False
    return not item.get("topic") or item["topic"] in (topic or "")
