"""Create the database if missing, the service's schema, and apply its versioned SQL migrations (yoyo); then let
the service's role and the auditor's log in (docs/operations.md, "Deploying").

Migrations run as the owner: whoever logs in with the URL given to `migrate` (the `watchpost-migrate` step; in
development, the local superuser). The service then logs in as its own role `watchpost_<schema>`, which may append
to and read its log and write its projections, nothing more; `watchpost_auditor` may only read.
Idempotent and recorded (yoyo's tables live in the service's schema); safe when several services start at once.
"""

import pathlib
import urllib.parse

import psycopg2
import psycopg2.errors
from psycopg2 import sql
from yoyo import get_backend, read_migrations

EVENT_LOG_MIGRATIONS = pathlib.Path(__file__).parent / "migrations"
AUDITOR = "watchpost_auditor"
ROLES_LOCK = 7_170_017  # one advisory lock for role changes: roles are cluster-wide, shared by every schema


class LoginRefused(Exception):
    """A login URL that may not be used the way it is meant to (wrong role, a superuser, the owner)."""


def role_of(schema):
    """The service's role, made by the event log's first migration."""
    return f"watchpost_{schema}"


def as_login(url, user, password=None):
    """`url` with another user (and password, or none: trust or ~/.pgpass)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    user = urllib.parse.quote(user, safe="")
    cred = user + (":" + urllib.parse.quote(password, safe="") if password else "")
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{cred}@{host}"))


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


def migrate(url, schema, *service_migration_dirs, login_url=None, audit_url=None):
    """Bring `schema` in the database at `url` up to date: the event log's migrations, then the service's own; then
    let the service's role log in (with the password in `login_url`, if any) and the auditor (`audit_url`)."""
    ensure_database(url)
    ensure_schema(url, schema)
    sep = "&" if "?" in url else "?"
    backend = get_backend(f"{url}{sep}schema={schema}")
    migrations = read_migrations(str(EVENT_LOG_MIGRATIONS), *map(str, service_migration_dirs))
    with backend.lock():
        backend.apply_migrations(backend.to_apply(migrations))
    backend.connection.close()
    allow_login(url, role_of(schema), login_url)
    allow_login(url, AUDITOR, audit_url)


def allow_login(url, role, login_url=None):
    """Make `role` a login role, with the password `login_url` carries (none: the server's trust or pgpass). The URL
    must log in as that very role: not as the owner, not as a superuser."""
    parts = urllib.parse.urlsplit(login_url or "")
    user = urllib.parse.unquote(parts.username) if parts.username else role
    password = urllib.parse.unquote(parts.password) if parts.password else None
    if user != role:
        raise LoginRefused(
            f"the login URL for {role} logs in as {user!r}; it must log in as {role!r}, the role the "
            'migrations grant (docs/operations.md, "Deploying")'
        )
    conn = psycopg2.connect(url, connect_timeout=5)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (ROLES_LOCK,))
            cur.execute("SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = %s", (role,))
            can_login, superuser = cur.fetchone()
            if superuser:
                raise LoginRefused(
                    f"{role} is a superuser; a service's role must not be (ALTER ROLE {role} NOSUPERUSER)"
                )
            if not can_login:
                cur.execute(sql.SQL("ALTER ROLE {} LOGIN").format(sql.Identifier(role)))
            if password:
                cur.execute(sql.SQL("ALTER ROLE {} PASSWORD %s").format(sql.Identifier(role)), (password,))
    finally:
        conn.close()


def login_problems(url, schema):
    """Why a service may not run on the login `url` in production, or []: it must not be a superuser, and its schema
    must be migrated (`watchpost-migrate`)."""
    conn = psycopg2.connect(url, connect_timeout=5)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT current_user, current_setting('is_superuser') = 'on', "
                "to_regclass(format('%%I.events', %s::text)) IS NOT NULL",
                (schema,),
            )
            user, superuser, migrated = cur.fetchone()
    finally:
        conn.close()
    found = []
    if superuser:
        found.append(f"it logs in as {user}, a superuser: log in as {role_of(schema)}")
    if not migrated:
        found.append(f"the schema {schema} is not migrated (or {user} may not see it): run `watchpost-migrate` first")
    return found


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
