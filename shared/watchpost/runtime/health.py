"""`GET /health` and `GET /health/ready` (readiness): whether the database and the broker are reachable, and how each
consumer stands; `GET /health/live` (liveness): the process answers, nothing else is asked. None needs a token, and
none tells anything sensitive: no address, URI, user, key or event data; only states, positions and counts.

The broker is probed over one connection per service, kept open between probes (opened again only when it was
lost), never a new connection per probe: a probe every few seconds from each orchestrator must not churn the
broker's connections.

Answered by the web server's own green thread, not by a nameko worker, so it answers within a second whatever the
workers (consumers among them) are doing; each check has its own deadline. 503 names what is down. A consumer
that needs an operator does not make the service unavailable: the status is `degraded` (HTTP 200) and `attention`
says which source and why: behind its source by more than WATCHPOST_CONSUMER_MAX_BEHIND events, refused events
not re-applied since, or messages parked (in `<service>.parked`) or dead-lettered (in `<service>.dead-letter`).
"""

import threading
import time

import amqp
import eventlet
import structlog
from nameko.web.handlers import HttpRequestHandler
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from werkzeug.wrappers import Response

from watchpost import config
from watchpost.audit.checkpoint import STREAM as CHECKPOINT_STREAM
from watchpost.eventlog.consumer import outstanding
from watchpost.eventlog.relay import _connection_params
from watchpost.runtime.metrics import REGISTRY
from watchpost.runtime.web import json_response

DATABASE_SECONDS, BROKER_SECONDS, METRICS_SECONDS = 0.5, 0.4, 1.0
metrics_log = structlog.get_logger("watchpost.metrics")


class Direct(HttpRequestHandler):
    """An HTTP entrypoint answered without a worker: `/health`, `/health/ready`, `/health/live`, `/metrics`."""

    def __init__(self, method, url, answer=None, **kwargs):
        super().__init__(method, url, **kwargs)
        self.answer = answer or respond

    def handle_request(self, request):
        return self.answer(self.container)


def alive(container):
    return json_response(200, {"service": container.service_name, "status": "alive"})


def _store(container):
    from watchpost.runtime.deps import EventLog

    return next(d for d in container.dependencies if isinstance(d, EventLog)).store


class _BrokerProbe:
    """One broker connection per AMQP URI, kept between probes. A kept connection that fails (the broker restarted)
    is dropped and the probe tried once on a new one, so a restart is not reported as an outage."""

    def __init__(self):
        self._connections, self._lock = {}, threading.Lock()

    def queue_depths(self, amqp_uri, queues):
        with self._lock:
            kept = self._connections.pop(amqp_uri, None)
            if kept is not None:
                try:
                    depths = _depths(kept, queues)
                    self._connections[amqp_uri] = kept
                    return depths
                except Exception:  # noqa: BLE001 - lost since the last probe: once more, on a new connection
                    _drop(kept)
            conn = amqp.Connection(**_connection_params(amqp_uri), connect_timeout=BROKER_SECONDS)
            try:
                conn.connect()
                depths = _depths(conn, queues)
            except BaseException:
                _drop(conn)
                raise
            self._connections[amqp_uri] = conn
            return depths


def _depths(conn, queues):
    depths = {}
    for name in queues:
        channel = conn.channel()
        try:
            depths[name] = channel.queue_declare(name, passive=True).message_count
        except amqp.exceptions.NotFound:  # the broker closed the channel with it
            depths[name] = 0
            continue
        channel.close()
    return depths


def _drop(conn):
    try:
        conn.collect()
    except Exception:  # noqa: BLE001 - gone either way
        pass


BROKER = _BrokerProbe()


def _consumers(store, consuming):
    """{source: {position, head, behind, refused, parked}}: head and behind as last heard from the source."""
    found = {}
    for source in consuming.sources:
        position, head = store.consumed_position(source), consuming.client.heads.get(source)
        found[source] = {
            "position": position,
            "head": head,
            "behind": None if head is None else max(head - position, 0),
            "refused": len(outstanding(store, source)),
            "parked": consuming.parked[source],
        }
    return found


def _attention(consumers, depths, service):
    limit, said = config.consumer_max_behind(), []
    for source, c in consumers.items():
        if c["head"] is not None and c["head"] < c["position"]:
            said.append(
                f"{source}: the source's log ends at {c['head']}, before this consumer's position "
                f"{c['position']} (restored from an older backup? see docs/operations.md)"
            )
        if c["behind"] is not None and c["behind"] > limit:
            said.append(f"{source}: consumer is {c['behind']} events behind (more than {limit})")
        if c["refused"]:
            said.append(f"{source}: {c['refused']} refused events (GET /consumers; POST /consumers/{source}/reapply)")
        if c["parked"]:
            said.append(f"{source}: {c['parked']} messages parked since start (queue {service}.parked)")
    said += [f"{queue}: {n} messages wait for an operator" for queue, n in depths.items() if n]
    return said


def respond(container):
    from watchpost.runtime.consuming import consuming_of

    service, store, consuming = container.service_name, _store(container), consuming_of(container)
    checks, body, consumers, depths = {}, {"service": service, "mode": config.mode()}, {}, {}
    try:
        with eventlet.Timeout(DATABASE_SECONDS):
            body["log_head"] = store.head()[0]
            if consuming is not None:
                consumers = _consumers(store, consuming)
        checks["database"] = "ok"
    except eventlet.Timeout:
        checks["database"] = f"down: no answer within {DATABASE_SECONDS} s"
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        checks["database"] = f"down: {type(exc).__name__}"
    try:
        with eventlet.Timeout(BROKER_SECONDS * 2):
            depths = BROKER.queue_depths(
                container.config["AMQP_URI"],
                [f"{service}.parked", f"{service}.dead-letter"] if consuming is not None else [],
            )
        checks["broker"] = "ok"
    except (Exception, eventlet.Timeout) as exc:  # noqa: BLE001
        checks["broker"] = f"down: {type(exc).__name__}"
    down = [name for name, state in checks.items() if state != "ok"]
    attention = _attention(consumers, depths, service)
    body.update(status="unavailable" if down else "degraded" if attention else "ok", checks=checks, down=down)
    if consuming is not None:
        body.update(consumers=consumers, queues=depths, attention=attention)
    return json_response(200 if not down else 503, body)


class _Measured:
    """The gauges of one service, read from its store and its consumers when scraped."""

    def __init__(self, container):
        self.container = container

    def collect(self):
        from watchpost.runtime.consuming import consuming_of

        service, store, consuming = self.container.service_name, _store(self.container), consuming_of(self.container)
        gauges = {
            name: GaugeMetricFamily(f"watchpost_{name}", text, labels=labels)
            for name, text, labels in [
                ("log_head", "Position of the last event in the service's log", ["service"]),
                ("relay_confirmed", "Position up to which the broker confirmed the relay's publishes", ["service"]),
                ("relay_lag", "Events committed but not yet confirmed by the broker (head - confirmed)", ["service"]),
                ("checkpoint_age_seconds", "Seconds since the last signed checkpoint (absent: none yet)", ["service"]),
                ("consumer_position", "Position applied from each source", ["service", "source"]),
                ("consumer_source_head", "Each source's head as last heard", ["service", "source"]),
                (
                    "consumer_lag",
                    "Events of each source not yet applied (source head - position)",
                    ["service", "source"],
                ),
                ("consumer_refused", "Events of each source refused and not re-applied since", ["service", "source"]),
                ("up", "1 when the service answered this scrape's database reads in time", ["service"]),
            ]
        }
        try:
            with eventlet.Timeout(METRICS_SECONDS):
                head = store.head()[0]
                confirmed = store.relay_position(f"{service}.events")
                gauges["log_head"].add_metric([service], head)
                gauges["relay_confirmed"].add_metric([service], confirmed)
                gauges["relay_lag"].add_metric([service], max(head - confirmed, 0))
                signed = store.load(CHECKPOINT_STREAM)
                if signed:
                    age = time.time() - signed[-1].recorded_at.timestamp()
                    gauges["checkpoint_age_seconds"].add_metric([service], max(age, 0.0))
                for source in consuming.sources if consuming is not None else ():
                    position, source_head = store.consumed_position(source), consuming.client.heads.get(source)
                    gauges["consumer_position"].add_metric([service, source], position)
                    if source_head is not None:
                        gauges["consumer_source_head"].add_metric([service, source], source_head)
                        gauges["consumer_lag"].add_metric([service, source], max(source_head - position, 0))
                    gauges["consumer_refused"].add_metric([service, source], len(outstanding(store, source)))
            gauges["up"].add_metric([service], 1)
        except (Exception, eventlet.Timeout) as exc:  # noqa: BLE001 - a scrape says so, it does not fail
            metrics_log.warning("metrics incomplete", error=type(exc).__name__)
            gauges["up"].add_metric([service], 0)
        return list(gauges.values())


def metrics(container):
    """`GET /metrics`: the process's counters (watchpost.runtime.metrics) and this service's gauges, measured now."""
    measured = CollectorRegistry()
    measured.register(_Measured(container))
    return Response(
        generate_latest(REGISTRY) + generate_latest(measured), status=200, headers={"Content-Type": CONTENT_TYPE_LATEST}
    )
