"""The HTTP boundary every service shares: parse, authenticate, authorise, call the handler, map errors.

A route names a handler or read function `fn(store, ctx, **fields)`; its request schema; its status; and what
the service adds to the call (e.g. intake's reporter vault). Bodies are JSON; errors are
`{"error", "message", "details"}`; nothing unexpected ever reaches the client as a stack trace.
"""

import re
import time
import uuid
from dataclasses import dataclass, field

import orjson
import structlog
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from watchpost import auth
from watchpost.domain import Actor, Answer, Context, Event, utcnow
from watchpost.errors import BadRequest, Forbidden, Invalid, RateLimited, Unauthenticated, WatchpostError
from watchpost.handling import request_digest
from watchpost.runtime import metrics, ratelimit

log = structlog.get_logger("watchpost.http")
MAX_BODY = 8_000_000  # base64 of a 5 MiB attachment (intake) plus headroom
KEY = re.compile(r"[\x21-\x7e]{1,200}")  # an Idempotency-Key: 1 to 200 printable ASCII characters, no space
CALLER = "caller:"  # the namespace of HTTP and RPC keys; consumers' keys (`<source>:<event id>`) live outside it


def route_makers(schemas):
    """`post, get = route_makers(SCHEMAS)`: Route factories that take each handler's schema by its name, so a
    service's route table is one line per route (and a route without a schema fails at start-up)."""

    def post(path, fn, status=200, extras=(), **path_fields):
        return Route("POST", path, fn, schemas[fn.__name__], status, tuple(extras), path_fields=path_fields)

    def get(path, fn, extras=(), **path_fields):
        return Route("GET", path, fn, schemas[fn.__name__], extras=tuple(extras), path_fields=path_fields)

    return post, get


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # werkzeug syntax: /clues/<clue_id>
    fn: object  # fn(store, ctx, **fields)
    schema: type | None = None  # marshmallow schema for body (POST) or query (GET) plus path arguments
    status: int = 200
    extras: tuple = ()  # names of service attributes passed to fn as keyword arguments
    summary: str = ""
    path_fields: dict = field(default_factory=dict)  # path argument -> field name, when they differ

    @property
    def name(self):
        return self.fn.__name__


def json_response(status, body, headers=None):
    return Response(
        orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS), status=status, mimetype="application/json", headers=headers
    )


def authenticate(request, allowed, audience=None):
    """The actor of the request's token, which must be for `audience` (the service's name)."""
    actor = auth.actor_from_header(request.headers.get("Authorization"), audience=audience)
    if actor is None:
        if "citizen" in allowed:
            return Actor(id="anonymous", role="citizen")
        raise Unauthenticated("this endpoint needs a bearer token (Authorization: Bearer <token>)")
    return actor


def authorise(name, actor, allowed):
    if actor.role not in allowed:
        raise Forbidden(f"{name} is for {', '.join(sorted(allowed))}; not for {actor.role}", allowed=sorted(allowed))


def command_context(actor, route, fields, key, named="Idempotency-Key", **rest):
    """The context of one HTTP or RPC call: the caller's key, checked and put in the callers' namespace, and the
    digest of who asks for what, which the key is logged with (`watchpost.handling`)."""
    if key is not None and (not isinstance(key, str) or not KEY.fullmatch(key)):
        raise Invalid(
            f"{named} must be 1 to 200 printable ASCII characters with no space (e.g. a UUID)",
            fields={named: ["1 to 200 characters from ! to ~ (ASCII 33-126)"]},
        )
    return Context(
        actor=actor,
        now=utcnow(),
        command_id=f"{CALLER}{key}" if key is not None else None,
        request=request_digest(actor, route.name, fields),
        **rest,
    )


def read_fields(request, route, path):
    """An HTTP request's fields: the JSON body (POST) or the query string (GET), then `load_fields`."""
    if request.method in ("POST", "PUT", "PATCH"):
        if request.content_length and request.content_length > MAX_BODY:
            raise BadRequest(f"the body is larger than {MAX_BODY} bytes")
        raw = request.get_data(cache=False)
        try:
            data = orjson.loads(raw) if raw.strip() else {}
        except orjson.JSONDecodeError as exc:
            raise BadRequest(f"the body is not valid JSON: {exc.msg} at position {exc.pos}") from None
        if not isinstance(data, dict):
            raise BadRequest("the body must be a JSON object")
    else:
        data = {k: v for k, v in request.args.items()}
    return load_fields(route, data, path)


def load_fields(route, data, path=None):
    """Path arguments added, NUL refused, then the route's schema (422 naming each wrong field). HTTP and RPC."""
    if not isinstance(data, dict):
        raise BadRequest("the fields must be a JSON object")
    data = dict(data)
    for arg, value in (path or {}).items():
        data[route.path_fields.get(arg, arg)] = value
    refuse_nul(data)
    if route.schema is None:
        return data
    try:
        return _instance(route.schema).load(data)
    except ValidationError as exc:
        raise Invalid(
            "the request has invalid fields: "
            + "; ".join(
                _what_is_wrong(name, text) for name, text in sorted(exc.messages.items(), key=lambda kv: str(kv[0]))
            ),
            fields=exc.messages,
        ) from None


def _what_is_wrong(name, messages):
    """`period (must be a month like 2026-03 ...)`: the field and, where it is one line, what is allowed."""
    first = messages[0] if isinstance(messages, list) and messages else None
    return f"{name} ({first.rstrip('.')})" if isinstance(first, str) else str(name)


def _has_nul(value):
    """Iterative (a body may nest as deep as the JSON parser allows)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def refuse_nul(data):
    """PostgreSQL cannot store the NUL character (U+0000) in text or jsonb: refuse it here, naming the fields,
    rather than fail in the database."""
    bad = sorted(str(k).replace("\x00", "\\u0000") for k, v in data.items() if _has_nul(k) or _has_nul(v))
    if bad:
        raise Invalid(
            f"the request has invalid fields: {', '.join(bad)} (the NUL character \\u0000 is not allowed)",
            fields={k: ["must not contain the NUL character (\\u0000)"] for k in bad},
        )


_SCHEMAS = {}


def _instance(schema):
    """One instance per schema class: marshmallow schemas are reusable, and building one costs more than a load."""
    if schema not in _SCHEMAS:
        _SCHEMAS[schema] = schema()
    return _SCHEMAS[schema]


def render(result, command=True):
    """A command's events become `{events: [...]}`, plus the fields of an `Answer` (e.g. an id and a receipt code);
    a read's result is returned as it is."""
    if isinstance(result, Answer):
        result, body = result.events, result.shown()
    elif command and isinstance(result, list) and (not result or isinstance(result[0], Event)):
        body = {}
    else:
        return result
    body["events"] = [
        {
            "event_id": e.event_id,
            "type": e.type,
            "stream_id": e.stream_id,
            "stream_version": e.stream_version,
            "position": e.position,
        }
        for e in result
    ]
    return body


def call(service, route, ctx, fields):
    extras = {name: getattr(service, name) for name in route.extras}
    return route.fn(service.store, ctx, **fields, **extras)


def handle(service, route, allowed, request, path):
    """The whole life of one HTTP request."""
    started = time.monotonic()
    correlation_id = (request.headers.get("X-Correlation-Id") or str(uuid.uuid4()))[:100]
    structlog.contextvars.bind_contextvars(correlation_id=correlation_id, route=route.name)
    role, headers = None, {"X-Correlation-Id": correlation_id}
    try:
        actor = authenticate(request, allowed.get(route.name, ()), getattr(service, "name", None))
        role = actor.role
        authorise(route.name, actor, allowed.get(route.name, ()))
        ratelimit.check(service, route, request, actor, allowed.get(route.name, ()))
        fields = read_fields(request, route, path)
        ctx = command_context(
            actor,
            route,
            fields,
            request.headers.get("Idempotency-Key"),
            correlation_id=correlation_id,
            extra=service.context_extra(),
        )
        status, body = route.status, render(call(service, route, ctx, fields), command=route.method != "GET")
    except WatchpostError as refused:
        status, body = refused.status, refused.body()
        if isinstance(refused, RateLimited):
            headers["Retry-After"] = str(refused.details["retry_after"])
    except Exception:  # noqa: BLE001 - logged with its trace; the client gets no internals
        log.exception("unexpected error", method=request.method, path=route.path)
        status, body = (
            500,
            {
                "error": "internal",
                "message": f"an unexpected error occurred; it was logged under correlation id {correlation_id}",
                "details": {},
            },
        )
    seconds = time.monotonic() - started
    metrics.request_done(getattr(service, "name", ""), route.name, "ok" if status < 400 else body["error"], seconds)
    log.info("request", method=request.method, path=route.path, status=status, role=role, ms=round(seconds * 1000, 1))
    return json_response(status, body, headers)
