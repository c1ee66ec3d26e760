"""A toy service of the shared library's own tests, so the library is tested without any of the four services: a
tiny clue tracker (a clue is received, screened, concluded; an objection opens it again) with its pure domain, a
projection, routes, a nameko service class, and its declaration for `watchpost-audit` (see watchpost.audit.plugins).
"""

from marshmallow import RAISE, Schema, fields

from watchpost.audit.plugins import Completeness
from watchpost.domain import Change
from watchpost.errors import Conflict
from watchpost.eventlog.projections import Projection
from watchpost.handling import execute
from watchpost.runtime import EventLog, WatchpostService, expose, route_makers

NAME = "toy"


# -- domain: pure ------------------------------------------------------------------------------------------------
def fold(events):
    return {"status": events[-1].type.removeprefix("clue.") if events else None}


def decide_receive(state, clue_id, summary):
    if state["status"] is not None:
        raise Conflict(f"clue {clue_id} is already {state['status']}", clue_id=clue_id)
    return [Change("clue.received", {"clue_id": clue_id, "summary": summary})]


# -- projections -------------------------------------------------------------------------------------------------
class Clues(Projection):
    name = "toy_clues"

    def keys(self, event):
        return [event.stream_id] if event.type.startswith("clue.") else []

    def apply(self, doc, event):
        return {**(doc or {}), "stream_id": event.stream_id, "status": event.type.removeprefix("clue.")}


PROJECTIONS = (Clues(),)


# -- commands and routes -----------------------------------------------------------------------------------------
def receive_clue(store, ctx, clue_id, summary):
    return execute(store, f"clue-{clue_id}", fold, lambda state: decide_receive(state, clue_id, summary), ctx)


class ReceiveClue(Schema):
    class Meta:
        unknown = RAISE

    clue_id = fields.String(required=True)
    summary = fields.String(required=True)


post, get = route_makers({"receive_clue": ReceiveClue})
ROUTES = [post("/clues", receive_clue, 201)]
ALLOWED = {"receive_clue": ("district_commission",)}


@expose(ROUTES, ALLOWED)
class ToyService(WatchpostService):
    """The toy service."""

    name = NAME
    store = EventLog(projections=PROJECTIONS)


# -- what the auditor's tool knows of it (a real service: `<service>/audit.py`, entry point `watchpost.audit`) ----
class Audit:
    PROJECTIONS = PROJECTIONS
    COMPLETENESS = Completeness(
        received="clue.received",
        screened="clue.screened",
        concluded="clue.concluded",
        reopened="clue.objection_raised",
        terminal_screenings=("out_of_scope", "forwarded_up", "duplicate_retained"),
        id_field="clue_id",
        noun="clues",
    )
