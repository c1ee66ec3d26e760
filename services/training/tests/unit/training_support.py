"""Builders for training's unit tests: an in-memory log with training's projections, contexts, sessions.

`contract_checked` validates every event in a store against the published contract and the projection rebuild.
"""

from datetime import datetime, timezone

from watchpost.contracts import check
from watchpost.eventlog.memory import MemoryEventStore
from watchpost.testing import make_ctx

from training import commands
from training.projections import PROJECTIONS

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def at(year, month, day):
    return datetime(year, month, day, 9, 0, tzinfo=timezone.utc)


def district(now=NOW, **kw):
    return make_ctx("district_commission", now=now, **kw)


def street(street_id="S1", now=NOW, **kw):
    return make_ctx("street_commission", street=street_id, now=now, **kw)


def secretary(community="C1", street_id="S1", now=NOW, **kw):
    return make_ctx("community_secretary", street=street_id, community=community, now=now, **kw)


def system(now=NOW, **kw):
    return make_ctx("system", now=now, **kw)


def contract_checked(store):
    for e in store.replay():
        check("training", e.type, e.payload, e.schema_version)
    assert store.rebuild_differences() == []


def new_store():
    return MemoryEventStore(projections=PROJECTIONS)


def held_session(
    store, date="2026-02-20", hours=2.0, kind="monthly_lecture", topic="每月讲坛: 小微权力清单", audience=None, ctx=None
):
    """Schedule and hold a session; returns its id."""
    ctx = ctx or district(now=max(NOW, at(*map(int, date.split("-")))))
    sid = commands.schedule_session(
        store, ctx, kind=kind, topic=topic, date=date, hours=hours, organiser="温江区纪委监委", audience=audience
    )[0].payload["session_id"]
    commands.hold_session(store, ctx, session_id=sid)
    return sid


def attend(
    store, sid, person="P1", status="present", role="community_secretary", street_id="S1", community="C1", ctx=None
):
    return commands.record_attendance(
        store,
        ctx or district(now=at(2027, 6, 1)),
        session_id=sid,
        person_id=person,
        role=role,
        street=street_id,
        community=community,
        status=status,
    )


def appointed(person="P1", role="community_secretary", street_id="S1", community="C1", on="2026-01-10"):
    return {
        "person_id": person,
        "name": "张三",
        "role": role,
        "street": street_id,
        "community": community,
        "groups": [],
        "appointed_on": on,
    }
