"""`@expose(...)`: turns a service's table of routes, timers and consumed sources into nameko entrypoints.

Every service gets the same built-ins: `GET /health`, `GET /openapi.json`, `GET /events` (catch-up), and the RPC
methods `command`, `read` and `events_after`; a service that consumes others' events also `GET /consumers` and
`POST /consumers/<source>/reapply` (watchpost.runtime.reapplying); `GET /health/ready`, `GET /health/live` and
`GET /metrics` (watchpost.runtime.metrics), answered without a worker as `/health` is; and from
`watchpost.audit.service`, `POST /checkpoints`, `GET /checkpoints/key` and a checkpoint timer
(WATCHPOST_CHECKPOINT_SECONDS).
"""

import uuid

import structlog
from nameko.timer import timer
from nameko.web.handlers import http

from watchpost import auth, config
from watchpost.audit import service as audit_service
from watchpost.domain import SYSTEM, Actor, Context, utcnow
from watchpost.errors import NotFound, WatchpostError
from watchpost.eventlog.model import event_from_json
from watchpost.runtime import catchup, health, metrics, openapi, ratelimit, reapplying
from watchpost.runtime.consuming import Consuming, Poison, dead_lettering_event_handler
from watchpost.runtime.queues import rpc
from watchpost.runtime.web import authorise, call, command_context, handle, json_response, load_fields, render

log = structlog.get_logger("watchpost.service")


def expose(routes, allowed, ticks=(), consumes=None, project_all=False):
    """`consumes`: {source service: {event type: fn(tx, ctx, event)}}; `project_all` folds every consumed event
    into the service's projections too."""
    by_name = {route.name: route for route in routes}

    def decorate(cls):
        for route in routes:
            setattr(cls, route.name, http(route.method, route.path)(_entry(route, allowed)))
        cls.health = health.Direct.decorator("GET", "/health")(lambda self, request: None)
        cls.health_ready = health.Direct.decorator("GET", "/health/ready")(lambda self, request: None)
        cls.health_live = health.Direct.decorator("GET", "/health/live", answer=health.alive)(
            lambda self, request: None
        )
        cls.metrics = health.Direct.decorator("GET", "/metrics", answer=health.metrics)(lambda self, request: None)
        cls.openapi = http("GET", "/openapi.json")(
            lambda self, request: json_response(200, openapi.document(self.name, routes, allowed))
        )
        cls.events = http("GET", "/events")(catchup.http_events)
        cls.events_after = rpc(catchup.rpc_events_after)
        cls.command = rpc(_rpc_entry(by_name, allowed))
        audit_service.install(cls)
        for tick in ticks:
            setattr(
                cls,
                f"tick_{tick.__module__.split('.')[-1]}_{tick.__name__}",
                timer(interval=config.timer_seconds())(_tick_entry(tick)),
            )
        if consumes:
            cls.consuming = Consuming(consumes, project_all)
            cls.consumers = http("GET", "/consumers")(reapplying.http_consumers)
            cls.reapply = http("POST", "/consumers/<source>/reapply")(reapplying.http_reapply)
        for source in consumes or {}:
            setattr(
                cls,
                f"consume_{source}",
                dead_lettering_event_handler(source, "#", requeue_on_error=True)(_consumer_entry(source)),
            )
        return cls

    return decorate


def _entry(route, allowed):
    def entry(self, request, **path):
        return handle(self, route, allowed, request, path)

    entry.__name__ = route.name
    return entry


def _rpc_entry(by_name, allowed):
    def command(self, name, fields=None, token=None, command_id=None, correlation_id=None):
        """Run a command or read by name, as over HTTP; refusals are raised as the same error classes."""
        route = by_name.get(name)
        if route is None:
            raise NotFound(f"no command or read named {name!r}; there are: {', '.join(sorted(by_name))}")
        outcome = "internal"
        try:
            actor = auth.actor_from_token(token, audience=self.name) if token else None
            if actor is None:
                actor = Actor(id="anonymous", role="citizen")
            authorise(name, actor, allowed.get(name, ()))
            if ratelimit.is_limited(allowed.get(name, ())):
                ratelimit.take(self, name, actor)
            loaded = load_fields(route, fields or {})
            ctx = command_context(
                actor,
                route,
                loaded,
                command_id,
                named="command_id",
                correlation_id=correlation_id or str(uuid.uuid4()),
                extra=self.context_extra(),
            )
            answer = render(call(self, route, ctx, loaded), command=route.method != "GET")
            outcome = "ok"
            return answer
        except WatchpostError as refused:
            outcome = refused.code
            raise
        finally:
            metrics.request_done(self.name, name, outcome)

    return command


def _tick_entry(tick):
    def run_tick(self):
        ctx = Context(actor=SYSTEM, now=utcnow(), correlation_id=f"timer-{tick.__name__}", extra=self.context_extra())
        try:
            tick(self.store, ctx)
        except WatchpostError as exc:
            log.warning("timer refused", timer=tick.__name__, error=exc.code, message=exc.message)

    return run_tick


def _consumer_entry(source):
    def consume(self, body):
        try:
            event = event_from_json(body)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            log.error("not an event: dead-lettered", source=source, error=type(exc).__name__)
            raise Poison(f"a message from {source} is not an event: {type(exc).__name__}") from None
        self.consuming.receive(source, event, self.context_extra())

    consume.__name__ = f"consume_{source}"
    return consume
