"""Group commit on its own: batching, per-request results, failures, and no writer left leading for the others."""

import threading
import time

import pytest

from watchpost.eventlog.group_commit import GroupCommit


def test_concurrent_writers_share_flushes_and_each_gets_its_own_result():
    batches = []

    def flush(requests, release):
        batches.append(list(requests))
        time.sleep(0.002)  # a transaction takes a while: others queue meanwhile
        return [r * 10 if r % 7 else ValueError(f"refused {r}") for r in requests]

    committer, results, errors = GroupCommit(flush), {}, {}

    def writer(w):
        for i in range(20):
            r = w * 100 + i
            try:
                results[r] = committer.submit(r)
            except ValueError as exc:
                errors[r] = str(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(1, 9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    submitted = {w * 100 + i for w in range(1, 9) for i in range(20)}
    assert set(results) | set(errors) == submitted and not set(results) & set(errors)
    assert all(results[r] == r * 10 for r in results)
    assert all(errors[r] == f"refused {r}" and r % 7 == 0 for r in errors)  # refused alone, others unharmed
    assert sorted(r for b in batches for r in b) == sorted(submitted)  # each request flushed once
    assert len(batches) < len(submitted) / 3  # and mostly together


def test_a_failing_flush_fails_every_request_in_it_and_the_next_batch_goes_on():
    calls = []

    def flush(requests, release):
        calls.append(requests)
        if len(calls) == 1:
            raise ConnectionError("database went away")
        return list(requests)

    committer = GroupCommit(flush)
    with pytest.raises(ConnectionError):
        committer.submit("first")
    assert committer.submit("second") == "second"


def test_a_released_batch_lets_the_next_one_start_before_it_is_answered_but_no_more_than_depth():
    """A flush that releases the lead once its batch is sealed: the next batch is flushed while it is still in
    flight, at most `depth` of them at once, and every request still gets its own result."""
    in_flight, most = [0], [0]
    lock = threading.Lock()

    def flush(requests, release):
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        release()
        time.sleep(0.003)  # the database commits meanwhile
        with lock:
            in_flight[0] -= 1
        return [r * 2 for r in requests]

    committer = GroupCommit(flush, max_weight=2, depth=2)
    results = {}

    def writer(w):
        for i in range(10):
            results[(w, i)] = committer.submit(w * 100 + i)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {(w, i): (w * 100 + i) * 2 for w in range(6) for i in range(10)}
    assert 2 <= most[0] <= 3  # overlapping, and bounded: two released batches in flight plus the one leading
