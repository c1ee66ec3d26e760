"""What the fault tests share: proxied URIs, services run as real processes (`nameko run`, as tools/suite.py
does), a plain AMQP subscriber queue, and the checks made after recovery."""

import os
import pathlib
import signal
import subprocess
import sys
import uuid
from urllib.parse import urlsplit, urlunsplit

import orjson
import psycopg2
import requests
from kombu import Connection, Exchange, Queue

from watchpost.audit.replay import load_projections, replay
from watchpost.audit.source import Source
from watchpost.testing import TEST_DATABASE_URL, eventually, free_port

ROOT = pathlib.Path(__file__).resolve().parents[2]
NAMEKO = pathlib.Path(sys.executable).parent / "nameko"


def through(uri, proxy):
    """`uri` with its host and port replaced by the proxy's (user, password, vhost or database kept)."""
    parts = urlsplit(uri)
    auth = parts.netloc.rpartition("@")[0]
    return urlunsplit(parts._replace(netloc=f"{auth + '@' if auth else ''}127.0.0.1:{proxy.port}"))


def target_of(uri, default_port):
    parts = urlsplit(uri)
    return parts.hostname or "127.0.0.1", parts.port or default_port


# -- the database, read as the superuser ---------------------------------------------------------------------
def scalar(schema, sql, args=()):
    conn = psycopg2.connect(TEST_DATABASE_URL)
    try:
        with conn.cursor() as cur:
            cur.execute(f'SET search_path TO "{schema}"')
            cur.execute(sql, args)
            row = cur.fetchone()
            return row[0] if row else None
    finally:
        conn.close()


def head(schema):
    return scalar(schema, "SELECT position FROM log_head")


def relay_position(schema, service):
    return scalar(schema, "SELECT position FROM relay_progress WHERE exchange = %s", (f"{service}.events",)) or 0


def consumed(schema, source):
    return scalar(schema, "SELECT position FROM consumer_positions WHERE source = %s", (source,)) or 0


def rows(schema, sql, args=()):
    conn = psycopg2.connect(TEST_DATABASE_URL)
    try:
        with conn.cursor() as cur:
            cur.execute(f'SET search_path TO "{schema}"')
            cur.execute(sql, args)
            return cur.fetchall()
    finally:
        conn.close()


def verified(service, schema, source_schemas=None):
    """The log's chain verifies and every projection equals its rebuild from the log(s): (events, docs)."""
    from watchpost.eventlog.postgres import PostgresEventStore

    store = PostgresEventStore(TEST_DATABASE_URL, schema)
    try:
        count = store.verify()
    finally:
        store.close()
    source = Source(TEST_DATABASE_URL, schema, service)
    try:
        folded, docs, differences = replay(
            source, load_projections(service), TEST_DATABASE_URL, source_schemas=source_schemas
        )
    finally:
        source.close()
    assert not differences, differences[:10]
    return count, docs


# -- a subscriber's own durable queue -------------------------------------------------------------------------
class Subscriber:
    """A plain AMQP subscriber: its own durable queue bound to `<service>.events` with `#`."""

    def __init__(self, amqp_uri, service):
        self.conn = Connection(amqp_uri)
        exchange = Exchange(f"{service}.events", type="topic", durable=True)
        self.queue = Queue(f"faults-{service}-{uuid.uuid4().hex[:8]}", exchange, routing_key="#", durable=True)
        self.queue(self.conn.default_channel).declare()
        self.positions = []

    def drain(self):
        bound = self.queue(self.conn.default_channel)
        while (message := bound.get()) is not None:
            self.positions.append(orjson.loads(message.body)["position"])
            message.ack()
        return self.positions

    def has_all(self, upto):
        self.drain()
        return set(range(1, upto + 1)) <= set(self.positions)

    def close(self):
        self.conn.release()


# -- a service as a process ---------------------------------------------------------------------------------
class Process:
    """`nameko run --config <the service's config.yml, plus DB_SCHEMA> <svc>.service` with the suite's
    environment variables; `kill()` is SIGKILL to the process group, `stop()` SIGTERM."""

    def __init__(self, service, schema, amqp_uri, database_url, workdir, **env):
        self.service, self.schema, self.port = service, schema, free_port()
        text = (ROOT / "services" / service / "config.yml").read_text()
        self.config = workdir / f"{service}-{schema}.yml"
        self.config.write_text(text + f"\nDB_SCHEMA: {schema}\n")
        self.env = {
            **os.environ,
            "WATCHPOST_AMQP_URI": amqp_uri,
            "WATCHPOST_DATABASE_URL": database_url,
            f"{service.upper()}_BIND": "127.0.0.1",
            f"{service.upper()}_PORT": str(self.port),
            "WATCHPOST_LOG_LEVEL": "WARNING",
            "WATCHPOST_DB_POOL": "6",
            "WATCHPOST_MAX_WORKERS": "6",
            "INTAKE_VAULT_POOL": "2",
            **env,
        }
        self.log = workdir / f"{service}-{schema}.log"
        self.proc = None
        self.base_url = f"http://127.0.0.1:{self.port}"

    def start(self, healthy=True, timeout=30.0):
        self.proc = subprocess.Popen(
            [str(NAMEKO), "run", "--config", str(self.config), f"{self.service}.service"],
            cwd=ROOT,
            env=self.env,
            stdout=open(self.log, "ab"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        ok = eventually(
            lambda: self.proc.poll() is not None or self._health() == (200 if healthy else None), timeout, 0.2
        )
        assert ok and self.proc.poll() is None, f"{self.service} did not start; log:\n{self.tail()}"
        return self

    def _health(self):
        try:
            answer = requests.get(f"{self.base_url}/health", timeout=2)
            return answer.status_code if answer.status_code == 200 else None
        except requests.RequestException:
            return None

    def kill(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self, lines=40):
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""
