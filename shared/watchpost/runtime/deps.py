"""Dependency providers: the composition root of every service. Nothing connects at import time."""

import gc
import os

import eventlet
import structlog
from nameko.dependency_providers import Config
from nameko.extensions import DependencyProvider

from watchpost import config, keys, logs
from watchpost.eventlog.migrate import as_login, login_problems, migrate, role_of
from watchpost.eventlog.postgres import PostgresEventStore
from watchpost.eventlog.relay import ConfirmingPublisher, Relay


class DatabaseRefused(Exception):
    """A service may not run on the database login it was given (production)."""


def database_login(cfg, service):
    """(the URL the service logs in with, its schema). Production: <SERVICE>_DATABASE_URL, the service's own role,
    migrated beforehand by `watchpost-migrate`. Development: that, or else the role `watchpost_<schema>` on
    WATCHPOST_DATABASE_URL's server (nameko's DATABASE_URL), with no password."""
    schema = cfg.get("DB_SCHEMA") or service
    own = config.service_database_url(service)
    if own is None and not config.development():
        raise DatabaseRefused(
            f"{service} refuses to start: {service.upper()}_DATABASE_URL is missing (the login of "
            f'its own role {role_of(schema)}; docs/operations.md, "Deploying")'
        )
    return own or as_login(cfg.get("DATABASE_URL") or config.database_url(), role_of(schema)), schema


class EventLog(DependencyProvider):
    """Checks the service's keys (watchpost.keys: the mode is logged; outside development a missing, development
    or short key stops the start, naming the variable), opens its event store as the service's own login role, and
    runs the outbox relay beside it. In development it migrates the schema first; in production that is
    `watchpost-migrate`'s job, and a superuser login or an unmigrated schema stops the start."""

    def __init__(self, projections=(), migrations=(), relay=True):
        self.projections, self.migrations, self.relay_enabled = list(projections), list(migrations), relay
        self.store = self.relay = self._relaying = None

    def setup(self):
        logs.configure_structlog()
        keys.check(  # before any I/O
            self.container.service_name,
            structlog.get_logger("watchpost.keys"),
            amqp_uri=self.container.config.get("AMQP_URI"),
        )
        cfg = self.container.config
        url, schema = database_login(cfg, self.container.service_name)
        if config.development():
            migrate(
                cfg.get("DATABASE_URL") or config.database_url(),
                schema,
                *self.migrations,
                login_url=url,
                audit_url=config.audit_database_url(),
            )
        elif found := login_problems(url, schema):
            raise DatabaseRefused(f"{self.container.service_name} refuses to start: " + "; ".join(found))
        self.store = PostgresEventStore(
            url, schema, self.projections, pool_size=int(cfg.get("DB_POOL") or config.db_pool_size())
        )

    def start(self):
        # What setup allocated (modules, schemas, reference data) lives as long as the process: freeze it out of
        # the collector, or every full collection walks it again (~50 ms stalls under load, 4 ms after).
        gc.freeze()
        if self.relay_enabled:
            publisher = ConfirmingPublisher(self.container.config["AMQP_URI"], self.container.service_name)
            self.relay = Relay(self.store, publisher)
            self._relaying = self.container.spawn_managed_thread(self.relay.run, identifier="watchpost.relay")

    def stop(self):
        """Let the relay finish the batch in hand, then close every database connection."""
        if self.relay is not None:
            self.relay.stop()
            with eventlet.Timeout(10, False):
                self._relaying.wait()
        if self.store is not None:
            self.store.close()

    def kill(self):
        if self._relaying is not None:
            self._relaying.kill()
        if self.store is not None:
            self.store.close()

    def get_dependency(self, worker_ctx):
        return self.store


class LogContext(DependencyProvider):
    """Binds the nameko call id and the correlation id into every log line a worker writes."""

    def worker_setup(self, worker_ctx):
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            call_id=worker_ctx.call_id, correlation_id=worker_ctx.data.get("correlation_id") or worker_ctx.call_id
        )

    def worker_teardown(self, worker_ctx):
        structlog.contextvars.clear_contextvars()


class Settings(DependencyProvider):
    """A service's settings, read once, when the service starts, by `read(os.environ)` (a bad value stops it there).
    Declared as the service's `settings`, they reach its commands, timers and consumers as `ctx.extra["settings"]`."""

    def __init__(self, read):
        self.read = read

    def setup(self):
        self.settings = self.read(os.environ)

    def get_dependency(self, worker_ctx):
        return self.settings


class WatchpostService:
    """What every Watchpost service has besides its own routes: configuration and log context."""

    config = Config()
    log_context = LogContext()

    def context_extra(self):
        """What a service hands its commands, timers and consumers through `ctx.extra`: its settings, if it has any."""
        return {"settings": getattr(self, "settings", None)}
