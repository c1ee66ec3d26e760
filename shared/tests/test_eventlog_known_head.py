"""Appends on a known head (one round trip, migrations/0003) must decide exactly as the long way does, also when
another process writes in between."""

import pytest

from watchpost.domain import Change
from watchpost.errors import Conflict
from watchpost.eventlog.model import verify_chain
from watchpost.eventlog.postgres import PostgresEventStore, writing

pytestmark = pytest.mark.integration
ACTOR = {"id": "u1", "role": "district_commission"}


def append(store, stream, expected, value, command_id=None):
    return store.append(
        stream,
        expected,
        [Change("thing.happened", {"v": value})],
        actor=ACTOR,
        correlation_id="c",
        command_id=command_id,
    )


@pytest.fixture
def preludes(monkeypatch):
    """Counts the appends that took the long way."""
    calls = []
    real = writing._prelude

    def counted(cur, requests):
        calls.append(len(requests))
        return real(cur, requests)

    monkeypatch.setattr(writing, "_prelude", counted)
    return calls


def test_a_lone_writer_stops_asking_for_the_head_and_still_refuses_what_it_must(pg_store, preludes):
    store = pg_store()
    for i in range(5):
        append(store, f"thing-{i}", 0, i)
    assert len(preludes) == 2  # the first two learn that nobody else writes here
    with pytest.raises(Conflict) as stale:
        append(store, "thing-1", 0, 99)
    assert stale.value.details["actual_version"] == 1
    first = append(store, "thing-9", 0, 9, command_id="cmd-9")
    assert append(store, "thing-9", 0, 9, command_id="cmd-9") == first  # a redelivered command: first result
    assert store.load("thing-9") == first
    assert verify_chain(store.read_after(0)) == (6, store.head()[1])


def test_two_processes_writing_in_turn_stay_chained_and_gap_free(pg_store, preludes):
    one = pg_store()
    other = PostgresEventStore(one.pool.dsn, one.schema)
    try:
        for i in range(6):
            append(one, "thing-a", i, i)
            append(one, "thing-a-2", i, i)
            append(other, "thing-b", i, i)  # moves the head under `one`'s guess
        with pytest.raises(Conflict):
            append(other, "thing-a", 0, 0)
        events = one.read_after(0, 100)
        assert [e.position for e in events] == list(range(1, 19))
        assert verify_chain(events) == (18, one.head()[1])
        assert [e.stream_version for e in one.load("thing-a")] == list(range(1, 7))
    finally:
        other.close()


def test_an_append_without_an_expected_version_takes_the_long_way(pg_store, preludes):
    store = pg_store()
    for i in range(3):
        append(store, "thing-a", i, i)
    before = len(preludes)
    append(store, "thing-a", None, 3)
    assert len(preludes) == before + 1
    assert [e.stream_version for e in store.load("thing-a")] == [1, 2, 3, 4]


def test_batches_sealed_while_the_one_before_commits_stay_gap_free_and_a_refusal_costs_only_its_own(pg_store):
    """Four writers of 100-event appends: batches are sealed on the head of the batch still committing (the lead
    is handed on early). One writer's stale version fails its batch's check, and the batch chained on it fails
    too; both go the long way: that request alone is refused, nothing is lost or doubled."""
    import eventlet

    store = pg_store()
    refused = []

    def writer(w):
        for i in range(6):
            expected = i * 100 if (w, i) != (2, 3) else 0  # writer 2's fourth append is stale
            try:
                store.append(
                    f"thing-{w}",
                    expected,
                    [Change("thing.happened", {"w": w, "i": i})] * 100,
                    actor=ACTOR,
                    correlation_id="c",
                )
            except Conflict:
                refused.append((w, i))
                return

    pool = eventlet.GreenPool(4)
    for w in range(4):
        pool.spawn(writer, w)
    pool.waitall()
    assert refused == [(2, 3)]
    events = store.read_after(0, 10_000)
    assert [e.position for e in events] == list(range(1, 2101))
    assert verify_chain(events) == (2100, store.head()[1])
    for w, appended in ((0, 6), (1, 6), (2, 3), (3, 6)):
        assert [e.stream_version for e in store.load(f"thing-{w}")] == list(range(1, appended * 100 + 1))
