"""Facts (考评事实): what a foreign event counts for, per community and period, with the event's id and position.

A facts document holds, for one community and one home period (the finest period the event is dated in: a month,
or a quarter or year for events dated only so), every metric's subjects with the history of facts on each.
Adding is idempotent by event id and keeps each history in position order, so redelivery and replay change nothing.
"""

from watchpost.domain import Event
from watchpost.errors import Invalid

from assessment.domain import periods
from assessment.domain.metrics import DATED_BY, TERMS_BY_TYPE, source_of


def home_period(event):
    """The finest period `event` counts for: its payload's period/year/date field, else when it occurred; None
    when that lies outside the years assessment scores (`periods.SCORED_YEARS`): such an event counts for nothing."""
    field = DATED_BY.get(event.type)
    value = event.payload.get(field) if field else None
    period = None
    if value is not None:
        if field in ("period", "year"):
            try:
                periods.kind(value)
                period = str(value)
            except Invalid:
                pass
        else:
            period = periods.month_of_date(value)
    period = period or periods.month_of_moment(event.occurred_at)
    return period if periods.scored(period) else None


def facts_of(event: Event):
    """[(metric, fact)] for every term `event` matches; [] for events no metric counts, without a community, or
    dated outside the years assessment scores (ignored by rule: see `periods`)."""
    source, payload = source_of(event.type), event.payload or {}
    if source is None or not payload.get("community") or home_period(event) is None:
        return []
    found = []
    for metric, term in TERMS_BY_TYPE.get(event.type, ()):
        if not all(payload.get(name) in allowed for name, allowed in term.when):
            continue
        values = [payload.get(name) for name in term.subject[1:]]
        subject = (
            ":".join([term.subject[0], *map(str, values)])
            if term.subject and None not in values
            else f"event:{event.event_id}"
        )
        found.append(
            (
                metric,
                {
                    "subject": subject,
                    "rule": term.name,
                    "units": term.units,
                    "source": source,
                    "event_id": event.event_id,
                    "position": event.position,
                    "type": event.type,
                },
            )
        )
    return found


def new_doc(community, period):
    quarter = (
        periods.quarter_of(period)
        if periods.kind(period) == "month"
        else (period if periods.kind(period) == "quarter" else None)
    )
    return {"community": community, "period": period, "quarter": quarter, "year": periods.year_of(period), "facts": {}}


def add(doc, metric, fact):
    """The document with `fact` added to its subject's history (unchanged if the event is already there)."""
    history = doc["facts"].get(metric, {}).get(fact["subject"], [])
    if any(f["event_id"] == fact["event_id"] for f in history):
        return doc
    history = sorted([*history, fact], key=lambda f: (f["source"], f["position"]))
    metrics = dict(doc["facts"])
    metrics[metric] = {**metrics.get(metric, {}), fact["subject"]: history}
    return {**doc, "facts": metrics}


def merge(docs):
    """One {metric: {subject: history}} from the documents of a period's months, quarters and year."""
    merged = {}
    for doc in sorted(docs, key=lambda d: d["period"]):
        for metric, subjects in doc["facts"].items():
            target = merged.setdefault(metric, {})
            for subject, history in subjects.items():
                target[subject] = sorted(
                    [*target.get(subject, []), *history], key=lambda f: (f["source"], f["position"])
                )
    return merged


def known(fact, through):
    """Whether `fact` was consumed by the cut-off `through` ({source: position}); None means everything."""
    return through is None or fact["position"] <= through.get(fact["source"], 0)


def effective(history, through=None):
    """(the fact that counts for a subject as of `through`, the earlier facts it replaced), or (None, [])."""
    seen = [f for f in history if known(f, through)]
    return (seen[-1], seen[:-1]) if seen else (None, [])


def late(merged, through):
    """Facts consumed after the cut-off, in (source, position) order: what a closed period has not yet counted."""
    found = [
        {**f, "metric": metric}
        for metric, subjects in merged.items()
        for history in subjects.values()
        for f in history
        if not known(f, through)
    ]
    return sorted(found, key=lambda f: (f["source"], f["position"], f["metric"], f["rule"]))
