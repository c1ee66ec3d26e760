"""The operator's side of refused events, on every consuming service.

- `GET /consumers` (district_commission, auditor): each source's position, head as last heard, and the refused
  events not re-applied since ({position, event_id, type, error, message}).
- `POST /consumers/<source>/reapply` (district_commission), body `{"positions": [..]}` or `{}` for all: after a
  fix is deployed, reads each refused event again from the source's catch-up and applies it again (without moving
  the consumer's position). Each attempt is recorded as `consumer.event_reapplied` {source, event_id, position,
  type, outcome: "applied" | "refused again", error, message} in the stream `consumer-<source>`; the answer lists
  the outcomes.
"""

from watchpost import auth
from watchpost.errors import Forbidden, Invalid, NotFound, Unauthenticated, WatchpostError
from watchpost.eventlog.consumer import outstanding
from watchpost.runtime.web import json_response

READERS, OPERATORS = ("district_commission", "auditor"), ("district_commission",)


def _check(request, allowed, audience):
    actor = auth.actor_from_header(request.headers.get("Authorization"), audience=audience)
    if actor is None:
        raise Unauthenticated("this endpoint needs a bearer token (Authorization: Bearer <token>)")
    if actor.role not in allowed:
        raise Forbidden(f"this is for {', '.join(allowed)}; not for {actor.role}", allowed=list(allowed))


def consumers(store, consuming):
    return {
        source: {
            "position": store.consumed_position(source),
            "head": consuming.client.heads.get(source),
            "refused": list(outstanding(store, source).values()),
        }
        for source in consuming.sources
    }


def reapply(store, consuming, source, positions=None):
    if source not in consuming.sources:
        raise NotFound(
            f"this service does not consume {source!r}; it consumes: {', '.join(consuming.sources)}", source=source
        )
    refused = outstanding(store, source)
    wanted = sorted(refused) if positions is None else positions
    unknown = [p for p in wanted if p not in refused]
    if unknown:
        raise Invalid(
            f"positions {unknown} of {source} are not refused; refused: {sorted(refused)}",
            fields={"positions": unknown},
        )
    consumer, results = consuming.consumer(source), []
    for position in wanted:
        event = next(iter(consuming.client.fetch(source, position - 1, 1)), None)
        if event is None or event.position != position or event.event_id != refused[position]["event_id"]:
            results.append({"position": position, "outcome": "not served by the source"})
            continue
        results.append({"position": position, "event_id": event.event_id, "outcome": consumer.reapply(event)})
    return {"source": source, "reapplied": results}


def http_consumers(self, request):
    try:
        _check(request, READERS, self.name)
        return json_response(200, consumers(self.store, self.consuming))
    except WatchpostError as refused:
        return json_response(refused.status, refused.body())


def http_reapply(self, request, source):
    try:
        _check(request, OPERATORS, self.name)
        body = request.get_json(silent=True) or {}
        positions = body.get("positions") if isinstance(body, dict) else None
        if positions is not None and not (
            isinstance(positions, list)
            and all(isinstance(p, int) and not isinstance(p, bool) and p > 0 for p in positions)
        ):
            raise Invalid("positions must be a list of positive whole numbers", fields={"positions": "not a list"})
        return json_response(200, reapply(self.store, self.consuming, source, positions))
    except WatchpostError as refused:
        return json_response(refused.status, refused.body())
