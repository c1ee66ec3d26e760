"""Dependency providers: the composition root of every service. Nothing connects at import time."""
import gc
import os

import eventlet
import structlog
from nameko.dependency_providers import Config
from nameko.extensions import DependencyProvider

from watchpost import config, keys, logs
from watchpost.eventlog.migrate import migrate
from watchpost.eventlog.postgres import PostgresEventStore
from watchpost.eventlog.relay import ConfirmingPublisher, Relay


class EventLog(DependencyProvider):
    """Checks the service's keys (watchpost.keys: the mode is logged; outside development a missing, development
    or short key stops the start, naming the variable), migrates the service's schema, opens its event store, and
    runs the outbox relay beside it."""

    def __init__(self, projections=(), migrations=(), relay=True):
        self.projections, self.migrations, self.relay_enabled = list(projections), list(migrations), relay
        self.store = self.relay = self._relaying = None

    def setup(self):
        logs.configure_structlog()
        keys.check(self.container.service_name, structlog.get_logger("watchpost.keys"))   # before any I/O
        cfg = self.container.config
        url = cfg.get("DATABASE_URL") or config.database_url()
        schema = cfg.get("DB_SCHEMA") or self.container.service_name
        migrate(url, schema, *self.migrations)
        self.store = PostgresEventStore(url, schema, self.projections,
                                        pool_size=int(cfg.get("DB_POOL") or config.db_pool_size()))

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
            call_id=worker_ctx.call_id,
            correlation_id=worker_ctx.data.get("correlation_id") or worker_ctx.call_id)

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
