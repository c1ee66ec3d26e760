"""Watchpost's pytest plugin: fixtures shared by every service's tests (registered as the `watchpost` plugin).

Tests run in development mode (WATCHPOST_ENV=development, the built-in development keys); a test of production
mode sets the variable itself (monkeypatch), and every process a test starts inherits the mode.

`watchpost.testing.proxy.TcpProxy` takes the broker or the database away from a running service (fault tests).
The unit tier (`make unit`: pytest-socket's `--disable-socket`) runs with no network, and with no database: the
plugin then makes every `psycopg2.connect` fail, naming the marker the test is missing.
"""

import os
import uuid
from datetime import datetime, timezone

import pytest

from watchpost.domain import Actor, Context
from watchpost.handling import request_digest


def make_ctx(role="district_commission", actor_id=None, now=None, street=None, community=None, command_id=None):
    """A command context for tests: who acts, when; with a `command_id`, as a caller's request (the entrypoint's
    digest of who asks, `watchpost.handling`), so that a repeat by the same caller is answered its first result."""
    actor = Actor(id=actor_id or f"{role}-1", role=role, street=street, community=community)
    return Context(
        actor=actor,
        now=now or datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc),
        correlation_id=str(uuid.uuid4()),
        command_id=command_id,
        request=request_digest(actor, None, {}) if command_id else None,
    )


class NoDatabase(RuntimeError):
    """Raised by `psycopg2.connect` in the unit tier."""


def pytest_configure(config):
    """Development mode for every test run; and in the unit tier (sockets disabled by pytest-socket), no database
    either: libpq's sockets are not Python's, so pytest-socket alone would let a test reach PostgreSQL."""
    os.environ["WATCHPOST_ENV"] = "development"
    if config.pluginmanager.hasplugin("socket") and config.getoption("disable_socket", default=False):
        import psycopg2

        def refused(*args, **kwargs):
            raise NoDatabase("a unit test tried to connect to PostgreSQL: mark it `integration` (pytest.ini)")

        psycopg2.connect = refused


# -- real PostgreSQL -------------------------------------------------------------------------------------------

import psycopg2  # noqa: E402

TEST_DATABASE_URL = os.environ.get("WATCHPOST_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/watchpost_test")


def drop_schema(url, schema):
    from watchpost.eventlog.migrate import drop

    drop(url, schema)


def drop_database(name):
    """Drop a throwaway database made on the test server (an end-to-end suite's), sessions and all."""
    conn = psycopg2.connect(TEST_DATABASE_URL.rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


@pytest.fixture
def pg_schema():
    """Make fresh, migrated schemas: `pg_schema(*service_migration_dirs) -> (url, schema)`; dropped afterwards."""
    from watchpost.eventlog.migrate import migrate

    made = []

    def make(*migration_dirs, prefix="t"):
        schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
        migrate(TEST_DATABASE_URL, schema, *migration_dirs)
        made.append(schema)
        return TEST_DATABASE_URL, schema

    yield make
    for schema in made:
        drop_schema(TEST_DATABASE_URL, schema)


@pytest.fixture
def pg_store(pg_schema):
    """A PostgreSQL event store in a fresh schema, logged in as its service role (as a service's is):
    `pg_store(projections=(), *migration_dirs)`."""
    from watchpost.eventlog.migrate import as_login, role_of
    from watchpost.eventlog.postgres import PostgresEventStore

    stores = []

    def make(projections=(), *migration_dirs, **kwargs):
        url, schema = pg_schema(*migration_dirs)
        store = PostgresEventStore(as_login(url, role_of(schema)), schema, projections=projections, **kwargs)
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()


# -- nameko services against the real broker and database ------------------------------------------------------
import socket  # noqa: E402

import requests  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def service_config(rabbit_config):
    """nameko config for one service under test: a throwaway vhost (nameko's `rabbit_config`), a fresh schema
    in the test database, a free HTTP port. `service_config()` makes one; each call a new schema and port."""
    schemas = []

    def make(**extra):
        schema = f"svc_{uuid.uuid4().hex[:10]}"
        schemas.append(schema)
        return {
            **rabbit_config,
            "DATABASE_URL": TEST_DATABASE_URL,
            "DB_SCHEMA": schema,
            "DB_POOL": 12,
            "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}",
            "serializer": "json",
            **extra,
        }

    yield make
    for schema in schemas:
        drop_schema(TEST_DATABASE_URL, schema)


class Client:
    """A small HTTP client for a running service: `client.as_(role, ...)` sets the bearer token."""

    def __init__(self, base_url, token=None, audience=None):
        """`audience`: the service's name, put in the tokens `as_` makes (default: WATCHPOST_JWT_AUDIENCE)."""
        self.base_url, self.token, self.audience = base_url.rstrip("/"), token, audience
        self.session = requests.Session()

    def as_(self, role, sub=None, street=None, community=None):
        from watchpost.auth import issue

        token = issue(role, sub or f"{role}-1", street, community, audience=[self.audience] if self.audience else None)
        return Client(self.base_url, token, self.audience)

    def request(self, method, path, **kwargs):
        headers = kwargs.pop("headers", {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return self.session.request(method, self.base_url + path, headers=headers, timeout=30, **kwargs)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.request("POST", path, json=json if json is not None else {}, **kw)


@pytest.fixture
def client_for():
    """`client_for(container) -> Client` for a started nameko container (its WEB_SERVER_ADDRESS)."""

    def make(container):
        return Client(f"http://{container.config['WEB_SERVER_ADDRESS']}", audience=container.service_name)

    return make


# -- waiting for what happens elsewhere, and playing a source service's relay -------------------------------------
import time  # noqa: E402


def eventually(check, timeout=30.0, every=0.05):
    """`check()`'s first truthy value within `timeout` seconds, else its last (falsy) one."""
    deadline = time.monotonic() + timeout
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(every)
    return result


def wait_for(check, timeout=30.0, what="condition"):
    """As `eventually`, but failing the test, naming `what`, when it does not come."""
    value = eventually(check, timeout)
    if not value:
        raise AssertionError(f"timed out waiting for {what}; last value {value!r}")
    return value


SENTINEL = "test.sentinel"


def sentinel_after(event):
    """A sealed sentinel event of the same source, next after `event` in position and chain (for `settle`)."""
    from watchpost.eventlog.model import seal

    now = datetime.now(timezone.utc)
    return seal(
        event.hash,
        type=SENTINEL,
        payload={},
        schema_version=1,
        stream_id="sentinel",
        stream_version=1,
        position=event.position + 1,
        occurred_at=now,
        recorded_at=now,
        actor={"id": "test", "role": "system"},
        correlation_id="sentinel",
        causation_id=None,
    )


def settle(publish, sentinel, recorded, what="the sentinel"):
    """Instead of sleeping to "let late duplicates land": publish `sentinel` (a new event of the source, next in
    its positions, of a type the consumer ignores) after the messages a test must see the end of, then wait until
    the consumer's recorded position for that source (`recorded()`) reaches it. A queue is delivered in order and
    positions are applied in order, so everything published before the sentinel has reached the consumer."""
    publish([sentinel])
    return wait_for(lambda: recorded() >= sentinel.position, what=f"{what} at position {sentinel.position}")


def publish_as_relay(amqp_uri, source, events):
    """Publish sealed events to `<source>.events` with the relay's own publisher: the same messages, confirmed."""
    from watchpost.eventlog.relay import ConfirmingPublisher

    publisher = ConfirmingPublisher(amqp_uri, source)
    try:
        publisher.publish(events)
    finally:
        publisher.close()


# -- events a contract admits (hypothesis) ----------------------------------------------------------------------
def contract_payloads(schema):
    """A hypothesis strategy of payloads `schema` (a marshmallow schema class of watchpost.contracts) loads: every
    required field, each optional one or not, any value its type and validators admit (dates from year 1 to 9999,
    any text, the edges of ranges; whole numbers within 64 bits, as the log's canonical JSON holds them)."""
    from hypothesis import strategies as st

    instance = schema()
    required = {n: _field_values(f) for n, f in instance.fields.items() if f.required}
    optional = {n: _field_values(f) for n, f in instance.fields.items() if not f.required}
    return st.fixed_dictionaries(required, optional=optional).filter(lambda p: not instance.validate(p))


def _field_values(field):
    from hypothesis import strategies as st
    from marshmallow import fields, validate

    rules = {type(v): v for v in getattr(field, "validators", [])}
    if validate.OneOf in rules:
        values = st.sampled_from(list(rules[validate.OneOf].choices))
    elif validate.Regexp in rules:
        values = st.from_regex(rules[validate.Regexp].regex, fullmatch=True)
    elif isinstance(field, fields.Nested):
        values = contract_payloads(type(field.schema))
        values = st.lists(values, max_size=3) if field.many else values
    elif isinstance(field, fields.List):
        length = rules.get(validate.Length)
        values = st.lists(_field_values(field.inner), min_size=(length.min or 0) if length else 0, max_size=4)
    elif isinstance(field, fields.Dict):
        keys = _field_values(field.key_field) if field.key_field else st.text(max_size=8)
        values = st.dictionaries(
            keys, _field_values(field.value_field) if field.value_field else st.integers(), max_size=3
        )
    elif isinstance(field, fields.Boolean):
        values = st.booleans()
    elif isinstance(field, (fields.Date, fields.DateTime)):
        values = st.dates().map(lambda d: d.isoformat())
    elif isinstance(field, (fields.Integer, fields.Float, fields.Number)):
        bounds = rules.get(validate.Range)
        low, high = (bounds.min, bounds.max) if bounds else (None, None)
        values = (
            st.integers(-(2**63) if low is None else low, 2**63 - 1 if high is None else high)
            if isinstance(field, fields.Integer)
            else st.floats(low, high, allow_nan=False, allow_infinity=False)
        )
    else:
        length = rules.get(validate.Length)
        values = st.text(min_size=(length.min or 0) if length else 0, max_size=(length.max or 20) if length else 20)
    return st.one_of(st.none(), values) if field.allow_none else values
