"""Read models of liaison, one JSON document per key, folded purely from the log.

streets      street_id        the street, its centres, platforms and community ids
communities  community_id     the community, its station (head, quarterly reports) and residential groups
people       person_id        a person's post, groups, reporting line, history and monthly feedback record
                              (never the major problems they flagged: a flag names no one)
coverage     group_id         who covers a residential group: informant and supervisor ids
pairings     pairing_id       a pairing, its status and its contact log
compliance   community/period a station's monthly feedback (per person) or quarterly report, as recorded, and
                              how many major problems were flagged there (per community and month only)
"""

from copy import deepcopy

from watchpost.eventlog import Projection

PERSON_FIELDS = (
    "person_id",
    "name",
    "role",
    "street",
    "community",
    "station_id",
    "groups",
    "appointed_on",
    "reports_to",
)
TIMING = ("submitted_on", "due_on", "on_time", "days_late")
FLAGGED = "feedback.major_problem_flagged"


def _status(event):
    """The cadence status an event sets: due_soon | missed | submitted | late."""
    kind = event.type.split(".")[1]
    if kind == "submitted":
        return "submitted" if event.payload["on_time"] else "late"
    return kind


def _record(entry, event):
    """Fold a cadence event into `{status, due_on, ...}`; a submission outranks a reminder that comes after."""
    entry = dict(entry or {})
    entry["due_on"] = event.payload["due_on"]
    if entry.get("status") not in ("submitted", "late"):
        entry["status"] = _status(event)
    if event.type.endswith(".submitted"):
        entry.update({k: event.payload[k] for k in TIMING})
    return entry


class Streets(Projection):
    name = "streets"

    def keys(self, event):
        types = ("street.registered", "centre.registered", "platform.registered", "community.registered")
        return [event.payload["street"]] if event.type in types else []

    def apply(self, doc, event):
        p, doc = event.payload, deepcopy(doc) or {"centres": {}, "platforms": {}, "communities": []}
        if event.type == "street.registered":
            doc.update(street_id=p["street_id"], name=p["name"], kind=p["kind"])
        elif event.type == "community.registered":
            doc["communities"] = sorted(set(doc["communities"]) | {p["community_id"]})
        else:
            what = event.type.split(".")[0]
            doc[what + "s"][p[what + "_id"]] = {"name": p["name"], "community": p["community"]}
        return doc


class Communities(Projection):
    name = "communities"

    def keys(self, event):
        p = event.payload
        if event.type in (
            "community.registered",
            "station.registered",
            "group.registered",
            "report.submitted",
            "report.due_soon",
            "report.missed",
        ):
            return [p["community"]]
        if event.type.startswith("person.") and p["role"] == "community_secretary":
            return [p["community"]]
        return []

    def apply(self, doc, event):
        p, doc = event.payload, deepcopy(doc) or {"station": None, "groups": {}}
        if event.type == "community.registered":
            doc.update(community_id=p["community_id"], name=p["name"], kind=p["kind"], street=p["street"])
        elif event.type == "station.registered":
            doc["station"] = {
                "station_id": p["station_id"],
                "name": p["name"],
                "opened_on": p["opened_on"],
                "head": (doc["station"] or {}).get("head"),
                "reports": {},
            }
        elif event.type == "group.registered":
            doc["groups"][p["group_id"]] = {"name": p["name"], "kind": p["kind"]}
        elif event.type == "person.appointed":
            doc["station"]["head"] = p["person_id"]
        elif event.type == "person.dismissed" and doc["station"]["head"] == p["person_id"]:
            doc["station"]["head"] = None
        elif event.type.startswith("report."):
            reports = doc["station"]["reports"]
            reports[p["period"]] = _record(reports.get(p["period"]), event)
        return doc


class People(Projection):
    name = "people"

    def keys(self, event):
        if event.type == FLAGGED:
            return []
        return [event.payload["person_id"]] if event.type.split(".")[0] in ("person", "feedback") else []

    def apply(self, doc, event):
        p, doc = event.payload, deepcopy(doc)
        if event.type == "person.appointed":
            doc = {
                **{k: p[k] for k in PERSON_FIELDS},
                "status": "active",
                "dismissed_on": None,
                "history": [],
                "feedback": {},
            }
        elif event.type == "person.reassigned":
            doc.update({k: p[k] for k in ("street", "community", "station_id", "groups", "reports_to")})
        elif event.type == "person.dismissed":
            doc.update(status="dismissed", dismissed_on=p["dismissed_on"])
        else:
            doc["feedback"][p["period"]] = _record(doc["feedback"].get(p["period"]), event)
            return doc
        on = next(v for k, v in p.items() if k.endswith("_on"))
        doc["history"].append(
            {
                "event": event.type,
                "on": on,
                "street": p["street"],
                "community": p["community"],
                "groups": p["groups"],
                "event_id": event.event_id,
            }
        )
        return doc


class Coverage(Projection):
    name = "coverage"

    def keys(self, event):
        p = event.payload
        if event.type == "group.registered":
            return [p["group_id"]]
        if event.type.startswith("person.") and p["role"] in ("informant", "supervisor"):
            return sorted(set(p["groups"]) | set(p.get("previous", {}).get("groups", [])))
        return []

    def apply(self, doc, event):
        p, doc = event.payload, deepcopy(doc) or {"informants": [], "supervisors": []}
        if event.type == "group.registered":
            doc.update({k: p[k] for k in ("group_id", "name", "kind", "street", "community")})
            return doc
        role = p["role"] + "s"
        staying = event.type != "person.dismissed" and doc.get("group_id") in p["groups"]
        people = set(doc[role]) - {p["person_id"]} | ({p["person_id"]} if staying else set())
        doc[role] = sorted(people)
        return doc


class Pairings(Projection):
    name = "pairings"

    def keys(self, event):
        return [event.payload["pairing_id"]] if event.type.startswith("pairing.") else []

    def apply(self, doc, event):
        p, doc = event.payload, deepcopy(doc)
        if event.type == "pairing.established":
            doc = {
                **(doc or {"contacts": [], "terms": []}),
                **{k: p[k] for k in ("pairing_id", "member_id", "street", "community", "established_on")},
                "status": "active",
                "ended_on": None,
                "last_contact_on": None,
                "lapsed_since": None,
            }
            doc["terms"].append({"established_on": p["established_on"], "ended_on": None})
        elif event.type == "pairing.ended":
            doc.update(status="ended", ended_on=p["ended_on"])
            doc["terms"][-1]["ended_on"] = p["ended_on"]
        elif event.type == "pairing.contact_recorded":
            doc["contacts"].append({k: p[k] for k in ("contact_no", "kind", "held_on", "participants", "notes")})
            doc["last_contact_on"] = max(doc["last_contact_on"] or "", p["held_on"])
        elif event.type == "pairing.contact_lapsed":
            doc["lapsed_since"] = p["since"]
        return doc


class Compliance(Projection):
    name = "compliance"

    def keys(self, event):
        if event.type == FLAGGED and not event.payload["community"]:
            return []  # a flag whose community is withheld counts nowhere: counting it would name the place
        if event.type.split(".")[0] in ("feedback", "report"):
            return [f"{event.payload['community']}/{event.payload['period']}"]
        return []

    def apply(self, doc, event):
        p, doc = event.payload, deepcopy(doc)
        month = event.type.startswith("feedback.")
        if doc is None:
            doc = {k: p.get(k) for k in ("community", "street", "station_id", "period")}
            doc.update({"kind": "month", "feedback": {}, "flags": 0} if month else {"kind": "quarter", "report": {}})
        if event.type == FLAGGED:  # counted per community and month: a flag names no one
            doc["flags"] = doc.get("flags", 0) + 1
        elif month:
            doc["station_id"] = doc["station_id"] or p["station_id"]
            entry = _record(doc["feedback"].get(p["person_id"]), event)
            doc["feedback"][p["person_id"]] = {**entry, "role": p["role"]}
        else:
            doc["report"] = _record(doc["report"], event)
        return doc


PROJECTIONS = (Streets(), Communities(), People(), Coverage(), Pairings(), Compliance())
