"""Watchpost's pytest plugin: fixtures shared by every service's tests (registered as the `watchpost` plugin)."""
import uuid
from datetime import datetime, timezone

import pytest

from watchpost.domain import Actor, Context


def make_ctx(role="district_commission", actor_id=None, now=None, street=None, community=None, command_id=None):
    """A command context for tests: who acts, when."""
    return Context(
        actor=Actor(id=actor_id or f"{role}-1", role=role, street=street, community=community),
        now=now or datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc),
        correlation_id=str(uuid.uuid4()), command_id=command_id)


@pytest.fixture
def ctx_factory():
    return make_ctx


# -- real PostgreSQL -------------------------------------------------------------------------------------------
import os  # noqa: E402

import psycopg2  # noqa: E402

TEST_DATABASE_URL = os.environ.get("WATCHPOST_TEST_DATABASE_URL",
                                   "postgresql://postgres@127.0.0.1:5432/watchpost_test")


def drop_schema(url, schema):
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        cur.execute(f'DROP ROLE IF EXISTS "watchpost_{schema}"')
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
    """A PostgreSQL event store in a fresh schema: `pg_store(projections=(), *migration_dirs)`."""
    from watchpost.eventlog.postgres import PostgresEventStore
    stores = []

    def make(projections=(), *migration_dirs, **kwargs):
        url, schema = pg_schema(*migration_dirs)
        store = PostgresEventStore(url, schema, projections=projections, **kwargs)
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()
