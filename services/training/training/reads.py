"""Training's reads: plain dicts from the projections, each checked against the reader's scope.

A community secretary sees its community, a street commission its street; the district and auditors see all; an
informant or supervisor sees their own record and onboarding only.
"""

from watchpost.errors import Invalid, NotFound

from training.access import covers, require, require_cover, sees_session
from training.domain.rules import KINDS, period_filter


def _self_or_cover(ctx, doc, what, missing):
    """An informant or supervisor reads their own; others what they cover; anything else answers `missing`."""
    if ctx.actor.id == doc["person_id"] and ctx.actor.role in ("informant", "supervisor"):
        return
    if ctx.actor.role in ("informant", "supervisor"):
        raise missing
    require_cover(ctx, doc["street"], doc["community"], f"the {what} of {doc['person_id']}", hidden=missing)


def _year(year):
    try:
        return int(year)
    except (TypeError, ValueError):
        raise Invalid(f"year must be a whole year such as 2026, not {year!r}", fields={"year": year}) from None


def get_session(store, ctx, session_id):
    require("get_session", ctx.actor)
    doc = store.doc("training_sessions", session_id)
    if doc is None or not sees_session(ctx.actor, doc["audience"]):
        raise NotFound(f"session {session_id} does not exist", session_id=session_id)
    return doc


def sessions_by_period(store, ctx, period, kind=None, status=None, limit=500, offset=0):
    """Sessions whose date (held_on once held) falls in `period` (2026, 2026-03 or 2026-Q1), that the reader sees."""
    require("sessions_by_period", ctx.actor)
    where = period_filter(period)
    if kind is not None:
        if kind not in KINDS:
            raise Invalid(f"kind {kind!r} is unknown; allowed: {', '.join(KINDS)}", fields={"kind": kind})
        where["kind"] = kind
    if status is not None:
        where["status"] = status
    found = [d for d in store.all_docs("training_sessions", where) if sees_session(ctx.actor, d["audience"])]
    found.sort(key=lambda d: (d["held_on"] or d["date"], d["session_id"]))
    return {"period": str(period), "count": len(found), "sessions": found[offset : offset + limit]}


def person_record(store, ctx, person_id, year):
    """A cadre's training record for a year; zero hours if training knows the cadre but they attended nothing."""
    require("person_record", ctx.actor)
    year = _year(year)
    doc = store.doc("training_records", f"{person_id}:{year}")
    missing = NotFound(f"no training record of {person_id} for {year}", person_id=person_id, year=year)
    if doc is None:
        cadre = store.doc("training_cadres", person_id)
        if cadre is None:
            raise missing
        doc = {
            "person_id": person_id,
            "year": year,
            "role": cadre["role"],
            "street": cadre["street"],
            "community": cadre["community"],
            "hours": 0.0,
            "present": 0,
            "absent": 0,
            "excused": 0,
            "sessions": {},
            "outcome": None,
            "required": None,
        }
    _self_or_cover(ctx, doc, "training record", missing)
    return doc


def onboarding_status(store, ctx, person_id):
    require("onboarding_status", ctx.actor)
    doc = store.doc("training_cadres", person_id)
    missing = NotFound(f"{person_id} is not enrolled in onboarding", person_id=person_id)
    if doc is None:
        raise missing
    _self_or_cover(ctx, doc, "onboarding", missing)
    return doc


def _participation(store, ctx, scope, key, year):
    year = _year(year)
    doc = store.doc(f"training_participation_{scope}", f"{key}:{year}")
    if doc is None or not covers(ctx.actor, street=doc["street"], community=doc["community"]):
        raise NotFound(f"no attendance recorded in {scope} {key} for {year}", **{scope: key, "year": year})
    return doc


def community_participation(store, ctx, community, year):
    require("community_participation", ctx.actor)
    return _participation(store, ctx, "community", community, year)


def street_participation(store, ctx, street, year):
    require("street_participation", ctx.actor)
    return _participation(store, ctx, "street", street, year)
