"""The event log's benchmark, against its baselines in the same run (issue 3; results in docs/benchmarks.md).

    .venv/bin/python benchmarks/run.py [--scale 1.0] [--reps 3]

Measures, medians of `reps` repetitions, events per second: Watchpost's store (one-event appends at 1, 4 and 16
concurrent writers, 100-event appends from 1 and 4 writers, replay+fold, verify) and, on the same PostgreSQL, raw
psycopg2 (INSERT+COMMIT per event at 1 and 4 writers, execute_values 100 per transaction, named-cursor read
undecoded) and the `eventsourcing` library (in its own process; its save of 100 also from 4 threads). Prints every
figure and the ratios the issue sets as targets.
`--scale 0.002` is the smoke run the test suite makes (figures meaningless at that size).
"""

import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import json  # noqa: E402
import pathlib  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import psycopg2  # noqa: E402
import psycopg2.extras  # noqa: E402

from watchpost.domain import Change  # noqa: E402
from watchpost.eventlog.migrate import drop as migrate_drop  # noqa: E402
from watchpost.eventlog.migrate import ensure_database, migrate  # noqa: E402
from watchpost.eventlog.postgres import PostgresEventStore  # noqa: E402

URL = "postgresql://postgres@127.0.0.1:5432/watchpost_bench"
ACTOR = {"id": "bench", "role": "system"}
HERE = pathlib.Path(__file__).parent


def fresh_schema():
    schema = "b_" + uuid.uuid4().hex[:8]
    migrate(URL, schema)
    return schema


def drop(schema):
    migrate_drop(URL, schema)


def concurrently(writers, per_writer, work):
    """Events/s for `writers` green threads each calling `work(writer, i)` `per_writer` times."""
    pool = eventlet.GreenPool(writers)
    started = time.perf_counter()
    for w in range(writers):
        pool.spawn(lambda w=w: [work(w, i) for i in range(per_writer)])
    pool.waitall()
    return time.perf_counter() - started


def store_appends(store, writers, per_writer, size=1):
    tag = uuid.uuid4().hex[:6]
    seconds = concurrently(
        writers,
        per_writer,
        lambda w, i: store.append(
            f"bench-{tag}-{w}",
            i * size,
            [Change("bench.happened", {"i": i, "w": w, "text": "三务公开"})] * size,
            actor=ACTOR,
            correlation_id="bench",
        ),
    )
    return writers * per_writer * size / seconds


def raw_insert_commit(schema, writers, per_writer):
    conns = [psycopg2.connect(URL) for _ in range(writers)]
    for c in conns:
        with c.cursor() as cur:
            cur.execute(f"CREATE TABLE IF NOT EXISTS {schema}.raw (id bigserial PRIMARY KEY, data text)")
        c.commit()

    def work(w, i):
        with conns[w].cursor() as cur:
            cur.execute(f"INSERT INTO {schema}.raw (data) VALUES (%s)", (f'{{"i": {i}}}',))
        conns[w].commit()

    seconds = concurrently(writers, per_writer, work)
    for c in conns:
        c.close()
    return writers * per_writer / seconds


def raw_execute_values(schema, batches):
    conn = psycopg2.connect(URL)
    with conn.cursor() as cur:
        cur.execute(f"CREATE TABLE IF NOT EXISTS {schema}.raw (id bigserial PRIMARY KEY, data text)")
    conn.commit()
    started = time.perf_counter()
    for _ in range(batches):
        with conn.cursor() as cur:
            psycopg2.extras.execute_values(
                cur, f"INSERT INTO {schema}.raw (data) VALUES %s", [(f'{{"i": {i}}}',) for i in range(100)]
            )
        conn.commit()
    conn.close()
    return batches * 100 / (time.perf_counter() - started)


def fill(store, n):
    """Append n events in 100-event batches from 4 writers (the replay corpus)."""
    batches = max(1, n // 100)
    store_appends(store, 4, max(1, batches // 4), size=100)
    return store.head()[0]


def replay_fold(store):
    started = time.perf_counter()
    counts, n = {}, 0
    for event in store.replay():
        counts[event.type] = counts.get(event.type, 0) + 1
        n += 1
    return n / (time.perf_counter() - started)


def raw_read(schema):
    conn = psycopg2.connect(URL)
    started = time.perf_counter()
    n = 0
    with conn.cursor(name="raw_read") as cur:
        cur.itersize = 5000
        cur.execute(f"SELECT data, prev_hash, hash FROM {schema}.events ORDER BY position")
        for _ in cur:
            n += 1
    conn.close()
    return n / (time.perf_counter() - started)


def verify(store):
    started = time.perf_counter()
    count = store.verify()
    return count / (time.perf_counter() - started)


def median_of(reps, fn):
    return statistics.median(fn() for _ in range(reps))


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    s, reps = args.scale, args.reps
    ensure_database(URL)
    schema = fresh_schema()
    replay_schema = fresh_schema()
    store = PostgresEventStore(URL, schema, pool_size=20)
    corpus = PostgresEventStore(URL, replay_schema, pool_size=8)
    n = lambda base: max(4, int(base * s))  # noqa: E731
    fig = {}
    try:
        fig["store_one_event_w1"] = median_of(reps, lambda: store_appends(store, 1, n(1500)))
        fig["store_one_event_w4"] = median_of(reps, lambda: store_appends(store, 4, n(1000)))
        fig["store_one_event_w16"] = median_of(reps, lambda: store_appends(store, 16, n(500)))
        fig["store_batch_100"] = median_of(reps, lambda: store_appends(store, 1, n(200), size=100))
        fig["store_batch_100_w4"] = median_of(reps, lambda: store_appends(store, 4, n(50), size=100))
        fig["raw_insert_commit_w1"] = median_of(reps, lambda: raw_insert_commit(schema, 1, n(1500)))
        fig["raw_insert_commit_w4"] = median_of(reps, lambda: raw_insert_commit(schema, 4, n(1000)))
        fig["raw_execute_values_100"] = median_of(reps, lambda: raw_execute_values(schema, n(300)))
        fig["replay_events"] = fill(corpus, max(1000, int(1_000_000 * s)))
        fig["store_replay_fold"] = median_of(reps, lambda: replay_fold(corpus))
        fig["raw_read_undecoded"] = median_of(reps, lambda: raw_read(replay_schema))
        fig["store_verify"] = median_of(reps, lambda: verify(corpus))
    finally:
        store.close()
        corpus.close()
        drop(schema)
        drop(replay_schema)
    es = subprocess.run(
        [sys.executable, str(HERE / "es_baseline.py"), str(s), str(reps)], capture_output=True, text=True
    )
    if es.returncode == 0:
        fig.update(json.loads(es.stdout.strip().splitlines()[-1]))
    else:
        print(
            "eventsourcing baseline not run (pip install -r benchmarks/requirements.txt):",
            es.stderr.strip().splitlines()[-1:] or es.returncode,
        )
    report(fig)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(fig, indent=2))
    return fig


TARGETS = [
    (
        "one-event appends, 16 writers / eventsourcing one-event command",
        "store_one_event_w16",
        "es_one_event_command",
        10,
    ),
    (
        "one-event appends, 16 writers / raw INSERT+COMMIT, 4 writers",
        "store_one_event_w16",
        "raw_insert_commit_w4",
        1.5,
    ),
    ("100-event appends / eventsourcing save of 100, 1 writer each", "store_batch_100", "es_save_100", 2.5),
    ("100-event appends / eventsourcing save of 100, 4 writers each", "store_batch_100_w4", "es_save_100_w4", 2.5),
    ("replay+fold / eventsourcing read+fold", "store_replay_fold", "es_read_fold", 6),
    ("replay+fold / raw undecoded read", "store_replay_fold", "raw_read_undecoded", 0.7),
]


def report(fig):
    print(f"{'measure':<32}{'events/s':>14}")
    for key, value in fig.items():
        print(f"{key:<32}{value:>14,.0f}")
    print()
    print(f"{'ratio':<68}{'got':>7}{'target':>8}")
    for label, a, b, target in TARGETS:
        if a in fig and b in fig:
            got = fig[a] / fig[b]
            print(f"{label:<68}{got:>7.2f}{target:>8.1f}  {'ok' if got >= target else 'BELOW'}")
    if "store_verify" in fig:
        print(f"{'verify, events/s (target 80,000)':<68}{fig['store_verify']:>7,.0f}")


if __name__ == "__main__":
    main()
