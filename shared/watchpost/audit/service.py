"""What every service gets from the audit package (installed by `watchpost.runtime.expose`):

- `POST /checkpoints` (district_commission, auditor): sign a checkpoint now; 201 with the checkpoint.
- `GET /checkpoints/key` (anyone): the public key checkpoints are verified with.
- a timer every WATCHPOST_CHECKPOINT_SECONDS signing a checkpoint when the log grew since the last one.
"""

import structlog
from marshmallow import RAISE, Schema
from nameko.timer import timer
from nameko.web.handlers import http

from watchpost import config
from watchpost.audit.checkpoint import load_signing_key, published_key, sign_checkpoint
from watchpost.domain import SYSTEM, Context, utcnow
from watchpost.errors import WatchpostError
from watchpost.runtime.web import Route, handle, json_response

log = structlog.get_logger("watchpost.audit")
SIGNERS = ("district_commission", "auditor")


class NoFields(Schema):
    class Meta:
        unknown = RAISE


def sign_checkpoint_now(store, ctx, name):
    [event] = sign_checkpoint(store, ctx, load_signing_key(service=name), service=name)
    return {"checkpoint": event.payload, "event_id": event.event_id, "position": event.position}


ROUTE = Route(
    "POST",
    "/checkpoints",
    sign_checkpoint_now,
    NoFields,
    201,
    extras=("name",),
    summary="sign a checkpoint of the log now",
)
ALLOWED = {ROUTE.name: SIGNERS}


def post_checkpoint(self, request):
    return handle(self, ROUTE, ALLOWED, request, {})


def get_key(self, request):
    return json_response(200, published_key(load_signing_key(service=self.name)))


def checkpoint_tick(self):
    ctx = Context(actor=SYSTEM, now=utcnow(), correlation_id="timer-checkpoint")
    try:
        sign_checkpoint(self.store, ctx, load_signing_key(service=self.name), service=self.name, only_if_new=True)
    except WatchpostError as exc:
        log.warning("checkpoint refused", error=exc.code, message=exc.message)


def install(cls):
    """Add the checkpoint routes and timer to a service class."""
    cls.post_checkpoint = http("POST", "/checkpoints")(post_checkpoint)
    cls.get_checkpoint_key = http("GET", "/checkpoints/key")(get_key)
    cls.checkpoint_tick = timer(interval=config.checkpoint_seconds())(checkpoint_tick)
    return cls
