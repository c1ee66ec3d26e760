"""Load benchmark of the command path over HTTP, against nameko's own ceiling and a naive baseline, in one run.

    .venv/bin/python benchmarks/load.py [--seconds 8] [--burst-seconds 15] [--connections 32] [--communities 20]

Starts, each as its own `nameko run` process on a fresh database and RabbitMQ vhost (removed afterwards):
  - liaison (the real service), loaded with `communities` of the sample directory; the command is a monthly
    feedback (`POST /feedback`, the district-year's most frequent command: ~15,000 of its ~50,000 events), each to
    its own stream, by the informant or supervisor themself;
  - `Ceiling` below: a nameko `@http` POST endpoint returning a constant (nameko's own ceiling);
  - `Naive` below: a nameko `@http` POST doing INSERT+COMMIT then an `EventDispatcher` publish per request.
The load generator is this process: eventlet green threads, one keep-alive HTTP connection each. A subscriber
(its own exclusive queue bound with `#` to the service's `<svc>.events` exchange) records when each event arrives;
latency is from the moment a request was due to be sent to the moment its event (matched by the event_id in the
response) is on the subscriber's queue.

Measured: each target at full speed (closed loop, `connections` in flight, `seconds` long): requests/s, and for
liaison request-to-subscriber p50/p99; then liaison under a sustained burst (open loop, requests due at a fixed
rate of half the measured maximum, for `burst-seconds`): p50/p99 request-to-subscriber latency. Prints the ratios
the issue sets as targets. The generator shares the machine's cores with the services: see docs/benchmarks.md.
"""

import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import gc  # noqa: E402
import http.client as httpclient  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import pathlib  # noqa: E402
import queue  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import amqp  # noqa: E402
import psycopg2  # noqa: E402
import requests  # noqa: E402
from nameko.events import EventDispatcher  # noqa: E402
from nameko.extensions import DependencyProvider  # noqa: E402
from nameko.web.handlers import http  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
NAMEKO = pathlib.Path(sys.executable).parent / "nameko"
PG = "postgresql://postgres@127.0.0.1:5432"
RABBIT_API = "http://127.0.0.1:15672/api"


# -- the two reference services (run by `nameko run load:Ceiling` / `load:Naive` from this folder) ------------------
class Ceiling:
    name = "bench_ceiling"

    @http("POST", "/ping")
    def ping(self, request):
        return 200, '{"ok": true}'


class Connections(DependencyProvider):
    """One psycopg2 connection per concurrent worker, kept in a queue (green under nameko's monkey-patching)."""

    def setup(self):
        self.dsn, self.idle = self.container.config["DATABASE_URL"], queue.LifoQueue()
        with contextlib.closing(psycopg2.connect(self.dsn)) as conn, conn.cursor() as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS naive_events (id bigserial PRIMARY KEY, request_id text, "
                "data jsonb, recorded_at timestamptz DEFAULT now())"
            )
            conn.commit()

    def get_dependency(self, worker_ctx):
        return self

    @contextlib.contextmanager
    def connection(self):
        try:
            conn = self.idle.get_nowait()
        except queue.Empty:
            conn = psycopg2.connect(self.dsn)
        try:
            yield conn
        finally:
            self.idle.put(conn)


class Naive:
    name = "bench_naive"
    db = Connections()
    dispatch = EventDispatcher()

    @http("POST", "/naive")
    def naive(self, request):
        body = json.loads(request.get_data())
        with self.db.connection() as conn, conn.cursor() as cur:
            cur.execute(
                "INSERT INTO naive_events (request_id, data) VALUES (%s, %s) RETURNING id",
                (body["request_id"], json.dumps(body)),
            )
            (row_id,) = cur.fetchone()
            conn.commit()
        self.dispatch("happened", {"request_id": body["request_id"], "id": row_id})
        return 200, json.dumps({"id": row_id})


# -- the environment: a database, a vhost, ports, processes --------------------------------------------------------
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Bench:
    def __init__(self, max_workers):
        tag = uuid.uuid4().hex[:8]
        self.vhost, self.db = f"load-{tag}", f"watchpost_load_{tag}"
        self.amqp_uri = f"amqp://guest:guest@127.0.0.1:5672/{self.vhost}"
        self.url = f"{PG}/{self.db}"
        self.max_workers, self.procs, self.tmp = max_workers, [], tempfile.TemporaryDirectory(prefix="wp-load-")
        requests.put(f"{RABBIT_API}/vhosts/{self.vhost}", auth=("guest", "guest")).raise_for_status()
        requests.put(
            f"{RABBIT_API}/permissions/{self.vhost}/guest",
            auth=("guest", "guest"),
            json={"configure": ".*", "write": ".*", "read": ".*"},
        ).raise_for_status()
        with contextlib.closing(psycopg2.connect(f"{PG}/postgres")) as conn:
            conn.autocommit = True
            conn.cursor().execute(f'CREATE DATABASE "{self.db}"')

    def env(self, **extra):
        return {
            **os.environ,
            "WATCHPOST_AMQP_URI": self.amqp_uri,
            "WATCHPOST_DATABASE_URL": self.url,
            "WATCHPOST_MAX_WORKERS": str(self.max_workers),
            "WATCHPOST_DB_POOL": str(self.max_workers + 2),
            "WATCHPOST_TIMER_SECONDS": "3600",
            "WATCHPOST_CHECKPOINT_SECONDS": "3600",
            "WATCHPOST_LOG_LEVEL": "WARNING",
            **extra,
        }

    def start(self, args, env, cwd, ready):
        log = open(pathlib.Path(self.tmp.name) / f"{len(self.procs)}.log", "wb")
        proc = subprocess.Popen(
            [str(NAMEKO), "run", *args],
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.procs.append(proc)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"{args} exited while starting: {log.name}")
            with contextlib.suppress(OSError, requests.RequestException):
                if ready():
                    return proc
            time.sleep(0.3)
        raise SystemExit(f"{args} did not become ready in 60 s: {log.name}")

    def reference(self, cls, path):
        port = free_port()
        config = pathlib.Path(self.tmp.name) / f"{cls}.yml"
        config.write_text(
            f"AMQP_URI: {self.amqp_uri}\nWEB_SERVER_ADDRESS: 127.0.0.1:{port}\n"
            f"DATABASE_URL: {self.url}\nmax_workers: {self.max_workers}\nserializer: json\n"
        )
        self.start(
            ["--config", str(config), f"load:{cls}"],
            self.env(),
            HERE,
            lambda: (
                requests.post(f"http://127.0.0.1:{port}{path}", json={"request_id": "ready"}, timeout=2).status_code
                == 200
            ),
        )
        return port

    def liaison(self):
        port = free_port()
        self.start(
            ["--config", str(ROOT / "services/liaison/config.yml"), "liaison.service"],
            self.env(LIAISON_PORT=str(port), LIAISON_BIND="127.0.0.1"),
            ROOT,
            lambda: requests.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200,
        )
        return port

    def close(self):
        for proc in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 15)
        for proc in self.procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait()
        requests.delete(f"{RABBIT_API}/vhosts/{self.vhost}", auth=("guest", "guest"))
        with contextlib.closing(psycopg2.connect(f"{PG}/postgres")) as conn:
            conn.autocommit = True
            conn.cursor().execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
        self.tmp.cleanup()


# -- the subscriber and the load generator ---------------------------------------------------------------------------
class Subscriber:
    """An exclusive queue bound with `#` to `exchange`; `arrived[key] = perf_counter()` for every message."""

    def __init__(self, vhost, exchange, key):
        self.arrived, self.key, self.running = {}, key, True
        self.conn = amqp.Connection(host="127.0.0.1:5672", userid="guest", password="guest", virtual_host=vhost)
        self.conn.connect()
        channel = self.conn.channel()
        channel.exchange_declare(exchange, "topic", durable=True, auto_delete=False)
        name, _, _ = channel.queue_declare("", exclusive=True)
        channel.queue_bind(name, exchange, "#")
        channel.basic_consume(name, callback=self._on_message, no_ack=True)
        self.thread = eventlet.spawn(self._loop)

    def _on_message(self, message):
        self.arrived[self.key(message)] = time.perf_counter()

    def _loop(self):
        while self.running:
            with contextlib.suppress(socket.timeout):
                self.conn.drain_events(timeout=0.2)

    def close(self):
        self.running = False
        self.thread.wait()
        with contextlib.suppress(Exception):
            self.conn.close()


class Target:
    """Where the load goes: `next_request()` -> (path, body bytes, headers); `key_of(response body)` -> the key of
    the event to wait for on the subscriber's queue (None: not awaited)."""

    def __init__(self, port, requests_, key_of=lambda body: None):
        self.port, self._requests, self.key_of = port, iter(requests_), key_of

    def next_request(self):
        return next(self._requests)


def send(conn, path, body, headers):
    conn.request("POST", path, body=body, headers={"Content-Type": "application/json", **headers})
    answer = conn.getresponse()
    return answer.status, answer.read()


def run(target, connections, seconds=None, rate=None, total=None):
    """Closed loop (`connections` in flight for `seconds`) or open loop (`total` requests due at `rate` per second,
    at most `connections` in flight). Returns ([(due, done, status, key)], wall seconds)."""
    results, pool = [], eventlet.queue.LightQueue()
    for _ in range(connections):
        pool.put(httpclient.HTTPConnection("127.0.0.1", target.port, timeout=60))
    gc.collect()
    gc.disable()  # the generator is the measuring instrument: its own collections must not show as latency

    def one(due):
        conn = pool.get()
        try:
            path, body, headers = target.next_request()
            status, reply = send(conn, path, body, headers)
            results.append((due, time.perf_counter(), status, target.key_of(reply) if status < 300 else None))
        except StopIteration:
            return False
        except (OSError, httpclient.HTTPException):
            conn.close()
            conn = httpclient.HTTPConnection("127.0.0.1", target.port, timeout=60)
            results.append((due, time.perf_counter(), 599, None))
        finally:
            pool.put(conn)
        return True

    started = time.perf_counter()
    if rate is None:
        stop = started + seconds

        def loop():
            while time.perf_counter() < stop and one(time.perf_counter()):
                pass

        workers = [eventlet.spawn(loop) for _ in range(connections)]
        for w in workers:
            w.wait()
    else:
        green = eventlet.GreenPool(connections * 4)
        for i in range(total):
            due = started + i / rate
            eventlet.sleep(max(0.0, due - time.perf_counter()))
            green.spawn(one, due)
        green.waitall()
    gc.enable()
    return results, time.perf_counter() - started


def latencies(results, subscriber, wait=10.0):
    """Request-to-subscriber seconds for each accepted request, waiting up to `wait` s for stragglers."""
    keys = [key for *_, key in results if key]
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and not all(k in subscriber.arrived for k in keys):
        eventlet.sleep(0.05)
    found = [subscriber.arrived[key] - due for due, _, _, key in results if key in subscriber.arrived]
    return sorted(found), len(keys) - len(found)


def pct(values, q):
    return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else float("nan")


def cpu_seconds(pid):
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def profiler(pid, seconds, out):
    spy = pathlib.Path(sys.executable).parent / "py-spy"
    return subprocess.Popen(
        [
            str(spy),
            "record",
            "-p",
            str(pid),
            "-d",
            str(max(1, int(seconds))),
            "-r",
            "250",
            "--nonblocking",
            "-f",
            "raw",
            "-o",
            out,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


# -- the liaison workload ------------------------------------------------------------------------------------------
def load_directory(port, communities):
    from watchpost import auth

    directory = json.loads((ROOT / "services/liaison/liaison/sample/directory.json").read_text(encoding="utf-8"))
    keep = {c["community_id"] for c in directory["communities"][:communities]}
    streets = {c["street"] for c in directory["communities"] if c["community_id"] in keep}
    data = {
        **directory,
        "directory_id": f"load-{communities}",
        "centres": [],
        "platforms": [],
        "pairings": [],
        "streets": [s for s in directory["streets"] if s["street_id"] in streets],
        "communities": [c for c in directory["communities"] if c["community_id"] in keep],
        "people": [p for p in directory["people"] if p.get("community") in keep],
    }
    token = auth.issue("district_commission", "load-bench", ttl=3600)
    answer = requests.post(
        f"http://127.0.0.1:{port}/directory", json=data, timeout=600, headers={"Authorization": f"Bearer {token}"}
    )
    answer.raise_for_status()
    return [p for p in data["people"] if p["role"] in ("informant", "supervisor")]


def feedback_requests(people, first_year=2022):
    """Monthly feedback of each person for every month from their appointment, one stream each (never repeats)."""
    from watchpost import auth

    tokens = {
        p["person_id"]: {"Authorization": "Bearer " + auth.issue(p["role"], p["person_id"], ttl=3600)} for p in people
    }
    months = [
        f"{y}-{m:02d}"
        for y in range(first_year, 2027)
        for m in range(1, 13)
        if f"{y}-{m:02d}" >= "2022-03" and f"{y}-{m:02d}" <= "2026-10"
    ]
    for month in reversed(months):
        for p in people:
            yield (
                "/feedback",
                json.dumps({"person_id": p["person_id"], "period": month, "summary": "本月监督情况正常"}).encode(),
                tokens[p["person_id"]],
            )


def first_event_id(body):
    return json.loads(body)["events"][0]["event_id"]


def naive_requests():
    while True:
        rid = uuid.uuid4().hex
        yield ("/naive", json.dumps({"request_id": rid, "summary": "本月监督情况正常"}).encode(), {})


def ceiling_requests():
    body = json.dumps({"request_id": "x", "summary": "本月监督情况正常"}).encode()
    while True:
        yield ("/ping", body, {})


# -- the run -------------------------------------------------------------------------------------------------------
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each full-speed run")
    parser.add_argument("--burst-seconds", type=float, default=15.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--communities", type=int, default=20, help="of the sample directory, for liaison")
    parser.add_argument(
        "--max-workers",
        type=int,
        default=int(os.environ.get("WATCHPOST_MAX_WORKERS", 10)),
        help="nameko max_workers of every service (the same for all three)",
    )
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="py-spy the liaison process during the full-speed run "
        "and write its collapsed stacks here (py-spy is in the venv)",
    )
    args = parser.parse_args(argv)
    bench = Bench(args.max_workers)
    fig = {"connections": args.connections, "max_workers": args.max_workers}
    try:
        ceiling = Target(bench.reference("Ceiling", "/ping"), ceiling_requests())
        results, wall = run(ceiling, args.connections, seconds=args.seconds)
        fig["ceiling_rps"] = sum(1 for r in results if r[2] == 200) / wall
        print(f"nameko ceiling (@http constant):        {fig['ceiling_rps']:>8,.0f} req/s", flush=True)

        naive_port = bench.reference("Naive", "/naive")
        sub = Subscriber(bench.vhost, "bench_naive.events", lambda m: json.loads(m.body)["request_id"])
        naive = Target(naive_port, naive_requests())
        results, wall = run(naive, args.connections, seconds=args.seconds)
        fig["naive_rps"] = sum(1 for r in results if r[2] == 200) / wall
        sub.close()
        print(f"naive INSERT+COMMIT+publish:            {fig['naive_rps']:>8,.0f} req/s", flush=True)

        port = bench.liaison()
        t = time.perf_counter()
        people = load_directory(port, args.communities)
        print(
            f"liaison: {len(people)} informants and supervisors loaded in {time.perf_counter() - t:.1f} s", flush=True
        )
        feedback = Target(port, feedback_requests(people), first_event_id)
        sub = Subscriber(bench.vhost, "liaison.events", lambda m: m.properties.get("message_id"))
        spy = profiler(bench.procs[-1].pid, args.seconds, args.profile) if args.profile else None
        cpu = cpu_seconds(bench.procs[-1].pid)
        results, wall = run(feedback, args.connections, seconds=args.seconds)
        cpu = cpu_seconds(bench.procs[-1].pid) - cpu
        ok = [r for r in results if r[2] < 300]
        fig["command_rps"] = len(ok) / wall
        fig["command_refused"] = len(results) - len(ok)
        fig["command_cpu_ms"] = cpu / max(1, len(ok)) * 1000
        if spy is not None:
            spy.wait()
        lat, missing = latencies(ok, sub)
        fig.update(full_p50_ms=pct(lat, 0.5), full_p99_ms=pct(lat, 0.99), full_missing=missing)
        print(
            f"watchpost command path (POST /feedback): {fig['command_rps']:>8,.0f} commands/s, request-to-subscriber "
            f"p50 {fig['full_p50_ms']:.1f} ms p99 {fig['full_p99_ms']:.1f} ms ({len(ok)} commands, "
            f"{args.connections} connections, {fig['command_refused']} refused, {missing} events not seen; "
            f"{fig['command_cpu_ms']:.2f} ms of the service's CPU per command)",
            flush=True,
        )
        rate = max(1.0, fig["command_rps"] / 2)
        results, wall = run(feedback, args.connections, rate=rate, total=int(rate * args.burst_seconds))
        ok = [r for r in results if r[2] < 300]
        lat, missing = latencies(ok, sub)
        sub.close()
        fig.update(
            burst_rate=rate,
            burst_done_rps=len(ok) / wall,
            burst_p50_ms=pct(lat, 0.5),
            burst_p99_ms=pct(lat, 0.99),
            burst_max_ms=pct(lat, 1.0),
            burst_missing=missing,
        )
        print(
            f"sustained burst at {rate:,.0f}/s for {args.burst_seconds:.0f} s: request-to-subscriber p50 "
            f"{fig['burst_p50_ms']:.1f} ms, p99 {fig['burst_p99_ms']:.1f} ms, max {fig['burst_max_ms']:.1f} ms "
            f"({len(ok)} commands, {missing} events not seen)",
            flush=True,
        )
    finally:
        bench.close()
    report(fig)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(fig, indent=2))
    return fig


def report(fig):
    print()
    print(f"{'ratio':<58}{'got':>8}{'target':>9}")
    rows = [
        ("command path / nameko ceiling", fig["command_rps"] / fig["ceiling_rps"], ">= 0.5", 0.5),
        ("command path / naive INSERT+COMMIT+publish", fig["command_rps"] / fig["naive_rps"], ">= 4", 4),
    ]
    for label, got, text, target in rows:
        print(f"{label:<58}{got:>8.2f}{text:>9}  {'ok' if got >= target else 'BELOW'}")
    p99 = fig["burst_p99_ms"]
    print(
        f"{'p99 request-to-subscriber at half the max rate, ms':<58}{p99:>8.1f}{'< 50':>9}  "
        f"{'ok' if p99 < 50 else 'ABOVE'}"
    )


if __name__ == "__main__":
    main()
