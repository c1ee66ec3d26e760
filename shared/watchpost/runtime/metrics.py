"""`GET /metrics`: what an operator watches, in the Prometheus text format (prometheus_client).

Counted as it happens (one registry per process, labelled by service): commands and reads by name and outcome
(`ok`, the error code, `internal`) and their latency, rate-limit refusals, messages a consumer set aside (forged:
dead-lettered; parked; not an event: dead-lettered), the vault's operations (intake: seal, open, erase,
rotate). Measured when
scraped, for this service: the log head, the relay's confirmed position and its lag, each consumer's position,
its source's head as last heard, its lag and its refused events, and the age of the last signed checkpoint.

This module holds the counters (imported by whatever counts); the scrape itself, answered like `/health` by the web
server's own green thread with a deadline on its database reads, is `watchpost.runtime.health.metrics`.
Docs: docs/operations.md, "Metrics and alerts".
"""

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry()

COMMANDS = Counter(
    "watchpost_commands",
    "Commands and reads handled, by name and outcome (ok, an error code)",
    ["service", "name", "outcome"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "watchpost_request_seconds",
    "Time to answer a command or read over HTTP, by name",
    ["service", "name"],
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
RATE_LIMITED = Counter(
    "watchpost_rate_limit_refusals",
    "Anonymous requests refused with 429, by route",
    ["service", "name"],
    registry=REGISTRY,
)
SET_ASIDE = Counter(
    "watchpost_consumer_messages_set_aside",
    "Messages a consumer did not apply, by source and why: forged (dead-lettered), parked, "
    "dead-lettered (not an event)",
    ["service", "source", "why"],
    registry=REGISTRY,
)
VAULT = Counter(
    "watchpost_vault_operations",
    "Reporter vault operations done (intake): seal, open, erase, rotate",
    ["service", "operation"],
    registry=REGISTRY,
)


def request_done(service, name, outcome, seconds=None):
    COMMANDS.labels(service, name, outcome).inc()
    if seconds is not None:
        LATENCY.labels(service, name).observe(seconds)
    if outcome == "rate_limited":
        RATE_LIMITED.labels(service, name).inc()
