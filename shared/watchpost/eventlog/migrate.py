"""Create the database if missing, the service's schema, and apply its versioned SQL migrations (yoyo).

Idempotent and recorded (yoyo's tables live in the service's schema); safe when several services start at once.
"""
import pathlib
import urllib.parse

import psycopg2
import psycopg2.errors
from psycopg2 import sql
from yoyo import get_backend, read_migrations

EVENT_LOG_MIGRATIONS = pathlib.Path(__file__).parent / "migrations"


def ensure_database(url):
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    conn = psycopg2.connect(admin, connect_timeout=5)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cur.fetchone() is None:
                try:
                    cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                except (psycopg2.errors.DuplicateDatabase, psycopg2.errors.UniqueViolation):
                    pass  # another service created it a moment ago
    finally:
        conn.close()


def ensure_schema(url, schema):
    conn = psycopg2.connect(url, connect_timeout=5)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            try:
                cur.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
            except psycopg2.errors.UniqueViolation:
                pass
    finally:
        conn.close()


def migrate(url, schema, *service_migration_dirs):
    """Bring `schema` in the database at `url` up to date: the event log's migrations, then the service's own."""
    ensure_database(url)
    ensure_schema(url, schema)
    sep = "&" if "?" in url else "?"
    backend = get_backend(f"{url}{sep}schema={schema}")
    migrations = read_migrations(str(EVENT_LOG_MIGRATIONS), *map(str, service_migration_dirs))
    with backend.lock():
        backend.apply_migrations(backend.to_apply(migrations))
    backend.connection.close()


def drop(url, schema):
    """The inverse of `migrate`: the schema and everything in it, and the service role made for it."""
    conn = psycopg2.connect(url, connect_timeout=5)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
            cur.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(f"watchpost_{schema}")))
    finally:
        conn.close()
