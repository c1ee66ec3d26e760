"""Old events stay readable: a log holding version-1 events of a type now at version 2 (and 3) is replayed through
its upcasters and today's fold, projection and contract; the log itself is untouched and its chain still holds."""

import pytest
from marshmallow import RAISE, Schema, fields

from watchpost.domain import Change
from watchpost.eventlog.memory import MemoryEventStore
from watchpost.eventlog.model import verify_chain
from watchpost.eventlog.projections import Projection, fold
from watchpost.eventlog.upcasting import REGISTRY, MissingUpcaster, Upcasters, current_versions

ACTOR = {"id": "u1", "role": "system"}


class SessionHeldV2(Schema):
    """Today's shape: `minutes` (an integer) instead of v1's `hours`, and a `venue`, null when not known."""

    class Meta:
        unknown = RAISE

    session_id = fields.String(required=True)
    minutes = fields.Integer(required=True, strict=True)
    venue = fields.String(required=True, allow_none=True)


def upcasters(current=2):
    found = Upcasters(current={"demo.session_held": current})

    @found.register("demo.session_held", 1)
    def hours_to_minutes(payload):
        hours = payload.pop("hours")
        return {**payload, "minutes": round(hours * 60), "venue": None}

    @found.register("demo.session_held", 2)
    def venue_to_place(payload):
        venue = payload.pop("venue")
        return {**payload, "place": venue or "unknown"}

    return found


class Minutes(Projection):
    """Today's read model: minutes per session, written against v2 only."""

    name = "minutes"

    def __init__(self, read):
        self.read = read

    def keys(self, event):
        return [event.payload["session_id"]] if event.type == "demo.session_held" else []

    def apply(self, doc, event):
        payload = self.read(event).payload
        return {"session_id": payload["session_id"], "minutes": (doc or {}).get("minutes", 0) + payload["minutes"]}


@pytest.fixture
def log():
    """Two sessions recorded by last year's code (v1, hours) and one by today's (v2, minutes)."""
    store = MemoryEventStore()
    for n, (stream, version, payload) in enumerate(
        [
            ("session-a", 1, {"session_id": "a", "hours": 1.5}),
            ("session-b", 1, {"session_id": "b", "hours": 2}),
            ("session-a", 2, {"session_id": "a", "minutes": 30, "venue": "区纪委三楼"}),
        ]
    ):
        expected = len(store.load(stream))
        store.append(
            stream,
            expected,
            [Change("demo.session_held", payload, schema_version=version)],
            actor=ACTOR,
            correlation_id=f"c{n}",
        )
    return store


def test_version_one_events_are_read_at_version_two(log):
    read = upcasters()
    events = read.upcast_all(log.read_after(0, 10))
    assert [e.schema_version for e in events] == [2, 2, 2]
    for event in events:
        SessionHeldV2().load(event.payload)  # today's contract accepts every one of them
    assert [e.payload["minutes"] for e in events] == [90, 120, 30]
    assert events[2] is log.read_after(2, 1)[0]  # a current event is passed through as it is


def test_a_projection_written_for_today_rebuilds_from_the_old_log(log):
    docs = fold([Minutes(upcasters().upcast)], log.read_after(0, 10))["minutes"]
    assert docs == {"a": {"session_id": "a", "minutes": 120}, "b": {"session_id": "b", "minutes": 120}}


def test_upcasters_run_in_order_up_to_the_current_version(log):
    read = upcasters(current=3)
    events = read.upcast_all(log.read_after(0, 10))
    assert [(e.schema_version, e.payload.get("place")) for e in events] == [
        (3, "unknown"),
        (3, "unknown"),
        (3, "区纪委三楼"),
    ]
    assert "venue" not in events[0].payload and events[0].payload["minutes"] == 90


def test_the_log_is_never_rewritten(log):
    before = log.read_after(0, 10)
    upcasters().upcast_all(before)
    after = log.read_after(0, 10)
    assert after == before and after[0].payload == {"session_id": "a", "hours": 1.5}
    assert verify_chain(after)[0] == 3  # stored versions keep their hashes


def test_a_missing_upcaster_is_named():
    read = Upcasters(current={"demo.session_held": 2})
    [event] = MemoryEventStore().append(
        "session-a", 0, [Change("demo.session_held", {"hours": 1})], actor=ACTOR, correlation_id="c"
    )
    with pytest.raises(MissingUpcaster, match=r"\('demo.session_held', 1\)"):
        read.upcast(event)
    assert read.gaps() == ["demo.session_held v1 -> v2"]


def test_an_event_newer_than_the_code_is_refused_not_misread():
    read = Upcasters(current={"demo.session_held": 1})
    [event] = MemoryEventStore().append(
        "session-a", 0, [Change("demo.session_held", {"minutes": 1}, 2)], actor=ACTOR, correlation_id="c"
    )
    with pytest.raises(MissingUpcaster, match="knows v1 at most"):
        read.upcast(event)


def test_every_published_type_above_version_one_has_its_upcasters():
    assert REGISTRY.gaps() == [], "register the missing upcasters in the contract modules' UPCASTERS"
    versions = current_versions()
    for type_, from_version in REGISTRY.fns:
        assert type_ in versions and from_version < versions[type_], f"stray upcaster {type_} v{from_version}"
