"""`GET /metrics`: what an operator watches, in the Prometheus text format (prometheus_client).

Counted as it happens (one registry per process, labelled by service): commands and reads by name and outcome
(`ok`, the error code, `internal`) and their latency, rate-limit refusals, messages a consumer set aside (forged:
dead-lettered; parked; not an event: dead-lettered), the reporter vault's operations (intake). Measured when
scraped, for this service: the log head, the relay's confirmed position and its lag, each consumer's position,
its source's head as last heard, its lag and its refused events, and the age of the last signed checkpoint.

Answered like `/health`, by the web server's own green thread, not a worker; each database read has a deadline.
Docs: docs/operations.md, "Metrics and alerts".
"""
import time

import eventlet
import structlog
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from werkzeug.wrappers import Response

from watchpost.audit.checkpoint import STREAM as CHECKPOINT_STREAM

log = structlog.get_logger("watchpost.metrics")
REGISTRY = CollectorRegistry()
SCRAPE_SECONDS = 1.0

COMMANDS = Counter("watchpost_commands", "Commands and reads handled, by name and outcome (ok, an error code)",
                   ["service", "name", "outcome"], registry=REGISTRY)
LATENCY = Histogram("watchpost_request_seconds", "Time to answer a command or read over HTTP, by name",
                    ["service", "name"], registry=REGISTRY,
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
RATE_LIMITED = Counter("watchpost_rate_limit_refusals", "Anonymous requests refused with 429, by route",
                       ["service", "name"], registry=REGISTRY)
SET_ASIDE = Counter("watchpost_consumer_messages_set_aside",
                    "Messages a consumer did not apply, by source and why: forged (dead-lettered), parked, "
                    "dead-lettered (not an event)", ["service", "source", "why"], registry=REGISTRY)
VAULT = Counter("watchpost_vault_operations", "Reporter vault operations (intake), by operation and outcome",
                ["service", "operation", "outcome"], registry=REGISTRY)


def request_done(service, name, outcome, seconds=None):
    COMMANDS.labels(service, name, outcome).inc()
    if seconds is not None:
        LATENCY.labels(service, name).observe(seconds)
    if outcome == "rate_limited":
        RATE_LIMITED.labels(service, name).inc()


class CountedVault:
    """A reporter vault whose `seal`, `open` and `erase` are counted (the rest passes through)."""
    COUNTED = ("seal", "open", "erase")

    def __init__(self, vault, service):
        self._vault, self._service = vault, service

    def __getattr__(self, name):
        attribute = getattr(self._vault, name)
        if name not in self.COUNTED:
            return attribute

        def counted(*args, **kwargs):
            try:
                result = attribute(*args, **kwargs)
            except Exception:
                VAULT.labels(self._service, name, "failed").inc()
                raise
            VAULT.labels(self._service, name, "ok").inc()
            return result
        return counted


class _Measured:
    """The gauges of one service, read from its store and its consumers when scraped."""

    def __init__(self, container):
        self.container = container

    def collect(self):
        from watchpost.eventlog.consumer import outstanding
        from watchpost.runtime.consuming import consuming_of
        from watchpost.runtime.health import _store
        service, store, consuming = self.container.service_name, _store(self.container), consuming_of(self.container)
        gauges = {name: GaugeMetricFamily(f"watchpost_{name}", text, labels=labels) for name, text, labels in [
            ("log_head", "Position of the last event in the service's log", ["service"]),
            ("relay_confirmed", "Position up to which the broker confirmed the relay's publishes", ["service"]),
            ("relay_lag", "Events committed but not yet confirmed by the broker (head - confirmed)", ["service"]),
            ("checkpoint_age_seconds", "Seconds since the last signed checkpoint (absent: none yet)", ["service"]),
            ("consumer_position", "Position applied from each source", ["service", "source"]),
            ("consumer_source_head", "Each source's head as last heard", ["service", "source"]),
            ("consumer_lag", "Events of each source not yet applied (source head - position)", ["service", "source"]),
            ("consumer_refused", "Events of each source refused and not re-applied since", ["service", "source"]),
            ("up", "1 when the service answered this scrape's database reads in time", ["service"])]}
        try:
            with eventlet.Timeout(SCRAPE_SECONDS):
                head = store.head()[0]
                confirmed = store.relay_position(f"{service}.events")
                gauges["log_head"].add_metric([service], head)
                gauges["relay_confirmed"].add_metric([service], confirmed)
                gauges["relay_lag"].add_metric([service], max(head - confirmed, 0))
                signed = store.load(CHECKPOINT_STREAM)
                if signed:
                    age = time.time() - signed[-1].recorded_at.timestamp()
                    gauges["checkpoint_age_seconds"].add_metric([service], max(age, 0.0))
                for source in (consuming.sources if consuming is not None else ()):
                    position, source_head = store.consumed_position(source), consuming.client.heads.get(source)
                    gauges["consumer_position"].add_metric([service, source], position)
                    if source_head is not None:
                        gauges["consumer_source_head"].add_metric([service, source], source_head)
                        gauges["consumer_lag"].add_metric([service, source], max(source_head - position, 0))
                    gauges["consumer_refused"].add_metric([service, source], len(outstanding(store, source)))
            gauges["up"].add_metric([service], 1)
        except (Exception, eventlet.Timeout) as exc:  # noqa: BLE001 - a scrape says so, it does not fail
            log.warning("metrics incomplete", error=type(exc).__name__)
            gauges["up"].add_metric([service], 0)
        return list(gauges.values())


def respond(container):
    measured = CollectorRegistry()
    measured.register(_Measured(container))
    return Response(generate_latest(REGISTRY) + generate_latest(measured), status=200,
                    headers={"Content-Type": CONTENT_TYPE_LATEST})
