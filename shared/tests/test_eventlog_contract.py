"""One contract for the event log, run against every backend it has: in memory and PostgreSQL."""

import threading
import time
import uuid

import pytest

from watchpost.domain import Change
from watchpost.errors import Conflict, Invalid
from watchpost.eventlog.batch import Gap
from watchpost.eventlog.memory import MemoryEventStore
from watchpost.eventlog.model import GENESIS, new_event_id, verify_chain
from watchpost.eventlog.projections import Projection

ACTOR = {"id": "u1", "role": "district_commission"}


class Tally(Projection):
    """Counts events per stream; deletes the doc on `thing.forgotten`."""

    name = "tally"

    def keys(self, event):
        return [event.stream_id] if event.type.startswith("thing.") else []

    def apply(self, doc, event):
        if event.type == "thing.forgotten":
            return None
        doc = dict(doc or {"stream": event.stream_id, "n": 0})
        doc["n"] += 1
        doc["last"] = event.payload.get("v")
        return doc


@pytest.fixture(params=["memory", pytest.param("postgres", marks=pytest.mark.integration)])
def store(request):
    if request.param == "memory":
        return MemoryEventStore(projections=[Tally()])
    return request.getfixturevalue("pg_store")(projections=[Tally()])


def append(store, stream, expected, *values, command_id=None):
    changes = [Change("thing.happened", {"v": v}) for v in values]
    return store.append(stream, expected, changes, actor=ACTOR, correlation_id="c1", command_id=command_id)


def test_append_assigns_positions_versions_and_chains_hashes(store):
    first = append(store, "thing-a", 0, 1, 2)
    second = append(store, "thing-b", 0, 3)
    assert [e.position for e in first + second] == [1, 2, 3]
    assert [e.stream_version for e in first] == [1, 2]
    assert first[0].prev_hash == GENESIS and second[0].prev_hash == first[1].hash
    assert verify_chain(store.read_after(0)) == (3, second[0].hash)
    assert store.head() == (3, second[0].hash)


def test_events_round_trip_exactly(store):
    payload = {"text": "三务公开 notices missing \u0000 \U0001f600", "n": 10**15, "nested": {"a": [1, None, True]}}
    [written] = store.append("thing-x", 0, [Change("thing.happened", payload)], actor=ACTOR, correlation_id="c")
    [loaded] = store.load("thing-x")
    assert loaded == written
    assert verify_chain([loaded]) == (1, written.hash)


def test_stale_expected_version_conflicts_and_writes_nothing(store):
    append(store, "thing-a", 0, 1)
    with pytest.raises(Conflict) as refused:
        append(store, "thing-a", 0, 2)
    assert refused.value.details == {"stream_id": "thing-a", "expected_version": 0, "actual_version": 1}
    assert [e.payload["v"] for e in store.load("thing-a")] == [1]
    assert store.head()[0] == 1


def test_expected_version_none_appends_without_check(store):
    append(store, "thing-a", 0, 1)
    append(store, "thing-a", None, 2)
    assert len(store.load("thing-a")) == 2


def test_repeated_command_id_returns_first_result_and_writes_nothing(store):
    first = append(store, "thing-a", 0, 1, 2, command_id="cmd-1")
    again = append(store, "thing-a", 2, 9, command_id="cmd-1")
    assert again == first
    assert store.recorded("cmd-1") == first
    assert store.recorded("cmd-unknown") is None
    assert store.head()[0] == 2


def test_bad_request_is_refused_before_writing(store):
    with pytest.raises(Invalid):
        store.append("thing-a", 0, [Change("undotted", {})], actor=ACTOR, correlation_id="c")
    assert store.head()[0] == 0


def test_projections_follow_the_log_and_rebuild_equal(store):
    append(store, "thing-a", 0, 1, 2)
    append(store, "thing-b", 0, 3)
    assert store.doc("tally", "thing-a") == {"stream": "thing-a", "n": 2, "last": 2}
    assert store.docs("tally", where={"n": 1}) == [{"stream": "thing-b", "n": 1, "last": 3}]
    assert store.count("tally") == 2
    store.append("thing-b", 1, [Change("thing.forgotten", {})], actor=ACTOR, correlation_id="c")
    assert store.doc("tally", "thing-b") is None


def test_all_docs_pages_through_every_matching_document_in_key_order(store):
    for i in (4, 0, 6, 2, 5, 1, 3):
        append(store, f"thing-{i}", 0, *[i % 2] * (1 + i % 2))
    every = store.all_docs("tally", page=3)
    assert [d["stream"] for d in every] == [f"thing-{i}" for i in range(7)]
    assert every == store.docs("tally", limit=100)
    assert [d["stream"] for d in store.all_docs("tally", where={"n": 2}, page=1)] == ["thing-1", "thing-3", "thing-5"]
    assert store.all_docs("tally", where={"n": 9}) == []


def test_consumer_applies_each_position_once_and_refuses_gaps(store):
    applied = []

    def apply(tx):
        applied.append(1)
        tx.append("thing-c", None, [Change("thing.happened", {"v": len(applied)})], actor=ACTOR, correlation_id="c")

    assert store.consume("liaison", 1, apply) is True
    assert store.consume("liaison", 1, apply) is False
    with pytest.raises(Gap) as gap:
        store.consume("liaison", 3, apply)
    assert (gap.value.last, gap.value.position) == (1, 3)
    assert store.consumed_position("liaison") == 1
    assert len(applied) == 1 and len(store.load("thing-c")) == 1


def test_concurrent_writers_and_a_follower_see_one_gap_free_order(store):
    """8 writers, one follower reading `position > last`: the follower's sequence equals the log exactly."""
    writers, per_writer = 8, 25
    seen, done = [], threading.Event()

    def write(w):
        for i in range(per_writer):
            append(store, f"thing-w{w}", i, i)

    def follow():
        last = 0
        while True:
            finished = done.is_set()
            page = store.read_after(last, 50)
            seen.extend(page)
            if page:
                last = page[-1].position
            elif finished:
                return
            else:
                time.sleep(0.001)  # let the writers run (green threads under eventlet yield only on I/O)

    follower = threading.Thread(target=follow)
    follower.start()
    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    follower.join()
    log = store.read_after(0, 10_000)
    assert [e.position for e in seen] == list(range(1, writers * per_writer + 1))
    assert [e.event_id for e in seen] == [e.event_id for e in log]
    verify_chain(log)


def test_consumers_of_two_sources_fold_into_one_document_without_losing_updates(store):
    """Two sources' consumers folding into the same document at once: no update is lost."""
    from watchpost.domain import utcnow
    from watchpost.eventlog.model import seal

    def foreign(position):
        return seal(
            "0" * 64,
            type="thing.happened",
            payload={"v": position},
            schema_version=1,
            stream_id="thing-shared",
            stream_version=position,
            position=position,
            occurred_at=utcnow(),
            recorded_at=utcnow(),
            actor=ACTOR,
            correlation_id="c",
            causation_id=None,
        )

    def consume_all(source):
        for position in range(1, 31):
            event = foreign(position)
            store.consume(source, position, lambda tx, e=event: tx.project(e))

    threads = [threading.Thread(target=consume_all, args=(source,)) for source in ("intake", "training")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.doc("tally", "thing-shared")["n"] == 60


def test_batches_round_trip_exactly_whatever_the_characters(store):
    """Tabs, newlines, backslashes, quotes and an injection attempt in ids and payloads stay byte for byte."""
    tricky = "tab\there\nnew line\r\\back\\slash \\N \"quote\" 'apostrophe' 三务公开 \U0001f600"
    changes = [Change("thing.happened", {"i": i, "text": tricky * (i % 3)}) for i in range(40)]
    written = store.append(
        "thing-\t\\weird'); DROP TABLE events; --\nstream", 0, changes, actor=ACTOR, correlation_id="c\t1"
    )
    assert store.load("thing-\t\\weird'); DROP TABLE events; --\nstream") == written
    assert verify_chain(store.read_after(0)) == (40, written[-1].hash)


def test_replay_streams_the_whole_log_exactly_and_verify_walks_it(store):
    for i in range(5):
        append(store, f"thing-{i}", 0, i, i + 1)
    assert list(store.replay()) == store.read_after(0, 100)
    assert list(store.replay(after=7)) == store.read_after(7, 100)
    if hasattr(store, "verify"):
        assert store.verify() == 10


@pytest.mark.integration
def test_replay_fetches_pages_ahead_and_a_reader_that_stops_early_gives_the_connection_back(pg_store):
    store = pg_store(pool_size=2)
    store.pool.timeout = 2
    for i in range(30):
        append(store, f"thing-{i}", 0, i)
    assert [e.position for e in store.replay(page_size=7)] == list(range(1, 31))
    assert list(store.replay(after=28, page_size=1)) == store.read_after(28)
    for _ in range(5):  # a pool of two would run dry if an abandoned replay kept its connection
        replay = store.replay(page_size=3)
        assert next(replay).position == 1
        replay.close()
    assert store.head()[0] == 30 and store.verify() == 30


def test_event_ids_are_random_version_4_uuids_in_their_text_form():
    ids = {new_event_id() for _ in range(2000)}
    assert len(ids) == 2000
    for text in ids:
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant, str(parsed)) == (4, uuid.RFC_4122, text)
