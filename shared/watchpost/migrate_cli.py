"""`watchpost-migrate <service>`: the migrate step of a deployment, run before the service starts (compose's
`<service>-migrate`, Kubernetes' `<service>-migrate` Job, the first step of `make up`).

It logs in as the owner (WATCHPOST_DATABASE_URL), creates the database and the service's schema if missing, applies
the event log's and the service's migrations, and lets the service's role log in with the password in the service's
own URL (<SERVICE>_DATABASE_URL) and the auditor's with WATCHPOST_AUDIT_DATABASE_URL. In development
(WATCHPOST_ENV=development) a missing login URL means the owner's server with no password (trust).

`watchpost-migrate --make-logins DIR --server HOST:PORT/DATABASE` writes those logins, one file each (mode 0600, for
compose or Kubernetes secrets: set NAME_FILE=path), with fresh passwords; and `postgres_password`, the owner's.
"""

import argparse
import importlib
import pathlib
import secrets
import sys

import psycopg2

from watchpost import config
from watchpost.eventlog.migrate import AUDITOR, LoginRefused, as_login, migrate, role_of


class MigrateRefused(Exception):
    """The migrate step may not run with what it was given."""


def service_migrations(service):
    """The service's own migration folders, as its EventLog provider declares them."""
    from watchpost.runtime.deps import EventLog

    module = importlib.import_module(f"{service}.service")
    for cls in vars(module).values():
        if isinstance(cls, type) and getattr(cls, "name", None) == service:
            return [d for p in vars(cls).values() if isinstance(p, EventLog) for d in p.migrations]
    raise MigrateRefused(f"{service}.service declares no service named {service!r}")


def logins(service, schema, owner_url):
    """(the service's login URL, the auditor's), from the environment; development fills in what is missing."""
    own, audit = config.service_database_url(service), config.audit_database_url()
    if own is None and not config.development():
        raise MigrateRefused(
            f"{service.upper()}_DATABASE_URL is missing: it names the login {role_of(schema)} the "
            'service uses, and its password (docs/operations.md, "Deploying")'
        )
    return own or as_login(owner_url, role_of(schema)), audit or as_login(owner_url, AUDITOR)


def run(service, schema=None):
    schema = schema or service
    owner_url = config.database_url()
    login_url, audit_url = logins(service, schema, owner_url)
    migrate(owner_url, schema, *service_migrations(service), login_url=login_url, audit_url=audit_url)


def make_logins(folder, server, owner="postgres"):
    """{file name: content} written to `folder`: the owner's password and URL, each service's and the auditor's URL."""

    def url(user, password):
        return f"postgresql://{user}:{password}@{server}"

    owner_password = secrets.token_urlsafe(24)
    files = {
        "postgres_password": owner_password,
        "watchpost_database_url": url(owner, owner_password),
        "watchpost_audit_database_url": url(AUDITOR, secrets.token_urlsafe(24)),
        **{f"{s}_database_url": url(role_of(s), secrets.token_urlsafe(24)) for s in config.SERVICES},
    }
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.touch(mode=0o600)
        path.chmod(0o600)
        path.write_text(content + "\n")
    return files


def main(argv=None):
    parser = argparse.ArgumentParser(prog="watchpost-migrate", description=__doc__.split("\n\n")[0])
    parser.add_argument("service", nargs="?", choices=config.SERVICES)
    parser.add_argument("--schema", help="default: the service's name (DB_SCHEMA)")
    parser.add_argument("--make-logins", metavar="DIR", help="write the database logins as files instead")
    parser.add_argument("--server", default="postgres:5432/watchpost", help="HOST:PORT/DATABASE of --make-logins")
    args = parser.parse_args(argv)
    if args.make_logins:
        for name in make_logins(args.make_logins, args.server):
            print(f"{pathlib.Path(args.make_logins) / name}  ->  {name.upper()}_FILE")
        return 0
    if args.service is None:
        parser.error("name the service to migrate, or give --make-logins DIR")
    try:
        run(args.service, args.schema)
    except (MigrateRefused, LoginRefused) as exc:
        sys.exit(f"watchpost-migrate {args.service}: {exc}")
    except psycopg2.Error as exc:
        sys.exit(f"watchpost-migrate {args.service}: the database refused: {str(exc).strip()}")
    print(
        f"watchpost-migrate {args.service}: schema {args.schema or args.service} is up to date; "
        f"{role_of(args.schema or args.service)} and {AUDITOR} may log in"
    )
    return 0
