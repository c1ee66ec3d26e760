"""Read functions over the projections, each scoped: a street commission sees its street, a community secretary
(and an informant or supervisor) its community; the district and auditors see everything.
"""

from watchpost.errors import NotFound

from liaison import access, settings
from liaison.domain import cadence, periods
from liaison.domain.personnel import WATCHERS
from liaison.domain.scope import require, scoped_filter


def _missing(what, key):
    """The answer for a record that does not exist, and for one outside the caller's area (scope.require)."""
    return NotFound(f"{what} {key!r} is not known", key=key)


def _doc(store, projection, key, what):
    doc = store.doc(projection, key)
    if doc is None:
        raise _missing(what, key)
    return doc


def get_directory(store, ctx, street=None):
    """{"streets": [street doc + "communities": [community docs]]}, narrowed to the caller's scope."""
    access.require("get_directory", ctx.actor)
    where = scoped_filter(ctx.actor, street)
    streets = [where["street"]] if "street" in where else [d["street_id"] for d in store.docs("streets", limit=10**4)]
    if "community" in where:
        streets = [_doc(store, "communities", where["community"], "community")["street"]]
    result = []
    for street_id in streets:
        doc = dict(_doc(store, "streets", street_id, "street"))
        ids = [c for c in doc["communities"] if where.get("community") in (None, c)]
        doc["communities"] = [store.doc("communities", c) for c in ids]
        result.append(doc)
    return {"streets": result}


def get_person(store, ctx, person_id):
    access.require("get_person", ctx.actor)
    doc = _doc(store, "people", person_id, "person")
    if ctx.actor.id != person_id:
        require(ctx.actor, doc["street"], doc["community"], _missing("person", person_id))
    return doc


def list_people(store, ctx, street=None, community=None, role=None, status=None, limit=100, offset=0):
    access.require("list_people", ctx.actor)
    where = scoped_filter(ctx.actor, street, community)
    where.update({k: v for k, v in (("role", role), ("status", status)) if v is not None})
    return {
        "people": store.docs("people", where=where, limit=limit, offset=offset),
        "total": store.count("people", where=where),
    }


def who_covers(store, ctx, group_id):
    """The group and the informants and supervisors (active, with names) who cover it."""
    access.require("who_covers", ctx.actor)
    doc = _doc(store, "coverage", group_id, "residential group")
    require(ctx.actor, doc["street"], doc["community"], _missing("residential group", group_id))
    named = {}
    for role in ("informants", "supervisors"):
        named[role] = [{"person_id": p, "name": store.doc("people", p)["name"]} for p in doc[role]]
    return {**doc, **named}


def list_pairings(store, ctx, street=None, community=None, status=None, limit=100, offset=0):
    access.require("list_pairings", ctx.actor)
    where = scoped_filter(ctx.actor, street, community)
    if status is not None:
        where["status"] = status
    return {
        "pairings": store.docs("pairings", where=where, limit=limit, offset=offset),
        "total": store.count("pairings", where=where),
    }


def get_pairing(store, ctx, pairing_id):
    access.require("get_pairing", ctx.actor)
    doc = _doc(store, "pairings", pairing_id, "pairing")
    require(ctx.actor, doc["street"], doc["community"], _missing("pairing", pairing_id))
    return doc


def get_compliance(store, ctx, community, period):
    """A station's cadence for a month (each active informant's and supervisor's feedback) or a quarter (the
    report), as of today: submitted | late | missed | due_soon, recorded or (before the timer ran) by the clock,
    else pending. `flags` counts the major problems flagged in the community that month; who flagged is not known
    here (a flag names no one)."""
    access.require("get_compliance", ctx.actor)
    found = _doc(store, "communities", community, "community")
    require(ctx.actor, found["street"], community, _missing("community", community))
    when = periods.clock(period, settings.today_of(ctx), settings.of(ctx))
    unrecorded = {"overdue": "missed", "due_soon": "due_soon"}.get(when, "pending")
    doc = store.doc("compliance", f"{community}/{period}") or {}
    station = found["station"] or {}
    base = {
        "community": community,
        "street": found["street"],
        "station_id": station.get("station_id"),
        "period": period,
        "kind": periods.kind(period),
        "due_on": periods.due_on(period, settings.of(ctx)).isoformat(),
        "clock": when,
    }
    if base["kind"] == "quarter":
        owed = bool(station) and cadence.owes(period, station["opened_on"])
        report = doc.get("report") or ({"status": unrecorded} if owed else {"status": "not_owed"})
        return {**base, "report": report}
    feedback = {p: {"status": unrecorded, **entry} for p, entry in doc.get("feedback", {}).items()}
    for person in store.docs("people", where={"community": community, "status": "active"}, limit=10**4):
        if (
            person["role"] in WATCHERS
            and person["person_id"] not in feedback
            and cadence.owes(period, person["appointed_on"])
        ):
            feedback[person["person_id"]] = {"role": person["role"], "status": unrecorded}
    tally = {}
    for entry in feedback.values():
        tally[entry["status"]] = tally.get(entry["status"], 0) + 1
    return {**base, "feedback": feedback, "counts": tally, "flags": doc.get("flags", 0)}


def list_compliance(store, ctx, period, street=None, community=None, limit=100, offset=0):
    """Compliance of every station in scope for one period (see get_compliance)."""
    access.require("list_compliance", ctx.actor)
    periods.kind(period)
    where = scoped_filter(ctx.actor, street, community)
    if "community" in where:
        where = {"community_id": where.pop("community"), **where}
    docs = store.docs("communities", where=where, limit=limit, offset=offset)
    return {
        "stations": [get_compliance(store, ctx, d["community_id"], period) for d in docs],
        "total": store.count("communities", where=where),
    }
