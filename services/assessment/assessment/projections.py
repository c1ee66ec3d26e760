"""Assessment's read models (考评台账): facts over the source services' events, and its own rulebooks and periods.

- `assessment_facts`, key `<community>|<home period>`: {community, period, quarter, year, facts: {metric: {subject:
  [{subject, rule, units, source, event_id, position, type}]}}} from intake, liaison and training events.
- `assessment_cadre_facts`, key `<person_id>|<community>|<home period>`: the same, for the facts whose rule names a
  person (`metrics.per_person`), plus person_id, street and first_month: a cadre's own facts (干部个人考评).
- `assessment_communities`, key `<community>`: {community, street, streets: {source: street}}.
- `assessment_rulebooks`, key `<version>`: the published rulebook plus published_position, published_at, event_id.
- `assessment_periods`, key `<period>`: {period, status, rulebook_version, through, closed_at, event_ids,
  adjustments: [...], rescorings: [...], warnings: [...]}.

Each apply is pure and idempotent by event id, so redelivery, replay and a rebuild give the same documents.
"""

from watchpost.eventlog import Projection
from watchpost.eventlog.model import iso

from assessment.domain import facts as F
from assessment.domain import periods
from assessment.domain.metrics import per_person, source_of

OWN = ("rulebook.published", "period.closed", "scorecard.adjusted", "period.rescored", "score.warning_raised")
_STREET_PREFERENCE = ("liaison", "intake", "training")  # the directory's owner first, whatever the arrival order


class Facts(Projection):
    name = "assessment_facts"

    def keys(self, event):
        community = event.payload.get("community")  # null on a flag whose community liaison withholds
        return [f"{community}|{F.home_period(event)}"] if community and F.facts_of(event) else []

    def apply(self, doc, event):
        doc = doc or F.new_doc(event.payload["community"], F.home_period(event))
        for metric, fact in F.facts_of(event):
            doc = F.add(doc, metric, fact)
        return doc


def _personal(event):
    """[(metric, fact)] of `event` that count for the person it names; [] when it names no one."""
    person = (event.payload or {}).get("person_id")
    if not isinstance(person, str) or not person:
        return []
    return [(m, f) for m, f in F.facts_of(event) if per_person(m, f["rule"])]


class CadreFacts(Projection):
    name = "assessment_cadre_facts"

    def keys(self, event):
        p = event.payload or {}
        return [f"{p['person_id']}|{p['community']}|{F.home_period(event)}"] if _personal(event) else []

    def apply(self, doc, event):
        p, period = event.payload, F.home_period(event)
        doc = doc or {
            **F.new_doc(p["community"], period),
            "person_id": p["person_id"],
            "street": p.get("street"),
            "first_month": periods.months(period)[0],
        }
        for metric, fact in _personal(event):
            doc = F.add(doc, metric, fact)
        return doc


class Communities(Projection):
    name = "assessment_communities"

    def keys(self, event):
        p = event.payload or {}
        source = source_of(event.type)
        community = p.get("community") or (p.get("community_id") if event.type == "community.registered" else None)
        return [community] if source and isinstance(community, str) and community and p.get("street") else []

    def apply(self, doc, event):
        p = event.payload
        community = p.get("community") or p.get("community_id")
        streets = {**(doc or {}).get("streets", {}), source_of(event.type): p["street"]}
        street = next(streets[s] for s in _STREET_PREFERENCE if s in streets)
        return {"community": community, "street": street, "streets": streets}


class Rulebooks(Projection):
    name = "assessment_rulebooks"

    def keys(self, event):
        return [event.payload["version"]] if event.type == "rulebook.published" else []

    def apply(self, doc, event):
        if doc is not None:
            return doc
        return {
            **event.payload,
            "published_position": event.position,
            "published_at": iso(event.occurred_at),
            "event_id": event.event_id,
            "published_by": event.actor,
        }


class Periods(Projection):
    name = "assessment_periods"

    def keys(self, event):
        return [event.payload["period"]] if event.type in OWN[1:] else []

    def apply(self, doc, event):
        p = event.payload
        doc = doc or {
            "period": p["period"],
            "status": "open",
            "rulebook_version": None,
            "through": None,
            "closed_at": None,
            "event_ids": [],
            "adjustments": [],
            "rescorings": [],
            "warnings": [],
        }
        if event.event_id in doc["event_ids"]:
            return doc
        doc = {**doc, "event_ids": [*doc["event_ids"], event.event_id]}
        ref = {"event_id": event.event_id, "position": event.position}
        if event.type == "period.closed":
            return {
                **doc,
                "status": "closed",
                "rulebook_version": p["rulebook_version"],
                "through": p["through"],
                "closed_at": p["closed_at"],
                "closed": {**ref, "scorecards": p["scorecards"]},
            }
        if event.type == "scorecard.adjusted":
            through = {s: max(n, (doc["through"] or {}).get(s, 0)) for s, n in p["through"].items()}
            return {**doc, "through": through, "adjustments": [*doc["adjustments"], {**ref, **p}]}
        if event.type == "period.rescored":
            return {**doc, "rulebook_version": p["rulebook_version"], "rescorings": [*doc["rescorings"], {**ref, **p}]}
        return {**doc, "warnings": [*doc["warnings"], {**ref, **p}]}


PROJECTIONS = [Facts(), CadreFacts(), Communities(), Rulebooks(), Periods()]
