"""The `eventsourcing` library (PostgreSQL) on the same database: one-event command, save of 100 pending events,
read+fold of the whole notification log; the save of 100 also from 4 threads at once, as Watchpost's 100-event
appends are measured from 1 and 4 writers. Run in its own process, without eventlet; prints one JSON object."""

import json
import os
import statistics
import sys
import threading
import time
import uuid

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event


class Counter(Aggregate):
    @event("Created")
    def __init__(self):
        self.n = 0

    @event("Incremented")
    def inc(self, v):
        self.n += v


def app_for(schema):
    os.environ.update(
        PERSISTENCE_MODULE="eventsourcing.postgres",
        POSTGRES_DBNAME="watchpost_bench",
        POSTGRES_HOST="127.0.0.1",
        POSTGRES_PORT="5432",
        POSTGRES_USER="postgres",
        POSTGRES_PASSWORD="",
        POSTGRES_SCHEMA=schema,
        CREATE_TABLE="y",
    )
    return Application()


def timed(fn, n):
    started = time.perf_counter()
    fn()
    return n / (time.perf_counter() - started)


def main(scale, reps):
    schema = "es_" + uuid.uuid4().hex[:8]
    import psycopg

    with psycopg.connect("dbname=watchpost_bench host=127.0.0.1 user=postgres", autocommit=True) as c:
        c.execute(f"CREATE SCHEMA {schema}")
    app = app_for(schema)
    commands, batches, replay_events = (
        max(50, int(2000 * scale)),
        max(5, int(200 * scale)),
        max(1000, int(1_000_000 * scale)),
    )
    one, hundred, hundred_w4, fold = [], [], [], []

    def save_hundreds(batches):
        for _ in range(batches):
            agg = Counter()
            for i in range(99):
                agg.inc(i)
            app.save(agg)

    def from_threads(writers, batches):
        threads = [threading.Thread(target=save_hundreds, args=(batches,)) for _ in range(writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    for _ in range(reps):
        one.append(timed(lambda: [app.save(Counter()) for _ in range(commands)], commands))
        hundred.append(timed(lambda: save_hundreds(batches), batches * 100))
        hundred_w4.append(timed(lambda: from_threads(4, max(2, batches // 4)), 4 * max(2, batches // 4) * 100))
    while app.recorder.max_notification_id() < replay_events:
        agg = Counter()
        for i in range(999):
            agg.inc(i)
        app.save(agg)
    total = app.recorder.max_notification_id()
    for _ in range(reps):

        def read_fold():
            counts, start = {}, 1
            while True:
                page = app.recorder.select_notifications(start, 10_000)
                if not page:
                    return
                for n in page:
                    e = app.mapper.to_domain_event(n)
                    counts[type(e).__name__] = counts.get(type(e).__name__, 0) + 1
                start = page[-1].id + 1

        fold.append(timed(read_fold, total))
    with psycopg.connect("dbname=watchpost_bench host=127.0.0.1 user=postgres", autocommit=True) as c:
        c.execute(f"DROP SCHEMA {schema} CASCADE")
    print(
        json.dumps(
            {
                "es_one_event_command": statistics.median(one),
                "es_save_100": statistics.median(hundred),
                "es_save_100_w4": statistics.median(hundred_w4),
                "es_read_fold": statistics.median(fold),
            }
        )
    )


if __name__ == "__main__":
    main(float(sys.argv[1]), int(sys.argv[2]))
