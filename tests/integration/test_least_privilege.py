"""Least privilege in PostgreSQL (docs/operations.md, "Deploying"): `watchpost-migrate` makes each service's schema
as the owner; each service's own login role may append to and read its log and write its projections, and every
way of rewriting history or reaching beyond its schema is refused; the auditor's login reads and never writes."""

import uuid

import psycopg2
import psycopg2.errors
import pytest

from watchpost.eventlog.migrate import AUDITOR, LoginRefused, as_login, login_problems, role_of
from watchpost.migrate_cli import MigrateRefused, run
from watchpost.testing import TEST_DATABASE_URL, drop_schema

pytestmark = pytest.mark.integration

SERVICES = ("intake", "liaison", "training", "assessment")
OWNER = psycopg2.extensions.parse_dsn(TEST_DATABASE_URL).get("user", "postgres")


@pytest.fixture(scope="module")
def schemas(monkeypatch_module):
    """One schema per service, migrated the deployment's way (`watchpost-migrate <service> --schema ...`)."""
    monkeypatch_module.setenv("WATCHPOST_DATABASE_URL", TEST_DATABASE_URL)
    made = {s: f"lp_{s}_{uuid.uuid4().hex[:8]}" for s in SERVICES}
    try:
        for service, schema in made.items():
            run(service, schema)
        yield made
    finally:
        for schema in made.values():
            drop_schema(TEST_DATABASE_URL, schema)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def login(role, schema):
    conn = psycopg2.connect(as_login(TEST_DATABASE_URL, role), connect_timeout=5)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'SET search_path TO "{schema}"')
    return conn


def refused(conn, statement):
    """The statement fails with a privilege error (not some other error that would hide a missing check)."""
    with conn.cursor() as cur, pytest.raises(psycopg2.errors.InsufficientPrivilege):
        cur.execute(statement)


APPEND = "INSERT INTO events VALUES (1, gen_random_uuid(), 't', 's', 1, now(), '{}', repeat('0', 64), repeat('1', 64))"


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_role_appends_and_reads_and_may_do_nothing_else(schemas, service):
    schema = schemas[service]
    conn = login(role_of(schema), schema)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT current_user, current_setting('is_superuser')")
            assert cur.fetchone() == (role_of(schema), "off")
            cur.execute(APPEND)
            cur.execute("SELECT count(*) FROM events")
            assert cur.fetchone() == (1,)
            cur.execute("INSERT INTO projection_docs VALUES ('p', 'k', '{}')")
            cur.execute("UPDATE projection_docs SET doc = '{\"a\": 1}'")
            cur.execute("DELETE FROM projection_docs")
        for statement in (
            "UPDATE events SET type = 'forged'",
            "DELETE FROM events",
            "TRUNCATE events",
            "UPDATE commands SET last_position = 0",
            "DELETE FROM commands",
            "TRUNCATE commands",
            "ALTER TABLE events DISABLE TRIGGER USER",
            "DROP TABLE events",
            "SET session_replication_role = replica",
            f'SET ROLE "{OWNER}"',
            "CREATE TABLE events_copy (x int)",
        ):
            refused(conn, statement)
        for other, theirs in schemas.items():
            if other != service:
                refused(conn, f'SELECT * FROM "{theirs}".events')
                refused(conn, f'INSERT INTO "{theirs}".events SELECT * FROM events')
                refused(conn, f'SET ROLE "{role_of(theirs)}"')
        with conn.cursor() as cur:
            cur.execute("SELECT count(*), max(type) FROM events")
            assert cur.fetchone() == (1, "t"), "history changed"
    finally:
        conn.close()


def test_intake_role_cannot_rewrite_the_vault(schemas):
    schema = schemas["intake"]
    conn = login(role_of(schema), schema)
    try:
        with conn.cursor() as cur:
            cur.execute("INSERT INTO vault_records (ref, kind, blob) VALUES ('r', 'k', '\\x00')")
        refused(conn, "UPDATE vault_records SET blob = '\\x01'")
        refused(conn, "TRUNCATE vault_records")
    finally:
        conn.close()


def test_the_audit_login_reads_every_log_and_writes_none(schemas):
    for schema in schemas.values():
        conn = login(AUDITOR, schema)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT count(*) FROM events")
                cur.execute("SELECT position FROM log_head")
            for statement in (
                APPEND,
                "UPDATE log_head SET position = 7",
                "DELETE FROM events",
                "TRUNCATE events",
                "INSERT INTO projection_docs VALUES ('p', 'k', '{}')",
                "SET session_replication_role = replica",
                f'SET ROLE "{OWNER}"',
            ):
                refused(conn, statement)
        finally:
            conn.close()
    conn = login(AUDITOR, schemas["intake"])
    try:
        refused(conn, "SELECT * FROM vault_records")  # the auditor never sees the vault, sealed or not
    finally:
        conn.close()


def test_the_migrate_step_refuses_a_login_that_is_not_the_services_role(monkeypatch):
    schema = f"lp_x_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("WATCHPOST_DATABASE_URL", TEST_DATABASE_URL)
    monkeypatch.setenv("LIAISON_DATABASE_URL", TEST_DATABASE_URL)  # the owner's own login, handed to the service
    try:
        with pytest.raises(LoginRefused, match=f"must log in as 'watchpost_{schema}'"):
            run("liaison", schema)
        monkeypatch.delenv("LIAISON_DATABASE_URL")
        monkeypatch.delenv("WATCHPOST_ENV")  # production
        with pytest.raises(MigrateRefused, match="LIAISON_DATABASE_URL is missing"):
            run("liaison", schema)
    finally:
        drop_schema(TEST_DATABASE_URL, schema)


def test_a_service_in_production_refuses_a_superuser_login_and_an_unmigrated_schema(schemas):
    found = login_problems(TEST_DATABASE_URL, f"lp_none_{uuid.uuid4().hex[:8]}")
    assert len(found) == 2 and found[0].startswith(f"it logs in as {OWNER}, a superuser")
    assert "is not migrated" in found[1] and "run `watchpost-migrate` first" in found[1]
    schema = schemas["training"]
    assert login_problems(as_login(TEST_DATABASE_URL, role_of(schema)), schema) == []
