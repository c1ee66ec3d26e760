"""Catch-up: a service's history from a position, for subscribers and auditors (HTTP and RPC), and the
client side a consumer uses to fill a gap."""
import re

from nameko.standalone.rpc import ClusterRpcProxy

from watchpost import auth
from watchpost.errors import Forbidden, Invalid, Unauthenticated, WatchpostError
from watchpost.eventlog.model import event_from_json, event_to_json
from watchpost.fields import MAX_POSITION
from watchpost.runtime.web import json_response

READERS = ("subscriber", "auditor", "system")
MAX_LIMIT = 1000


def page(store, after, limit):
    wrong = {name: [f"must be {low} to {high}"] for name, value, low, high in (
        ("after", after, 0, MAX_POSITION), ("limit", limit, 1, MAX_LIMIT)) if not low <= value <= high}
    if wrong:
        raise Invalid("the request has invalid fields: " + "; ".join(
            f"{name} ({text[0]})" for name, text in wrong.items()), fields=wrong)
    events = store.read_after(after, limit)
    head, _ = store.head()
    return {"events": [event_to_json(e) for e in events],
            "next_after": events[-1].position if events else after, "head": head}


def _whole(request, name, default):
    text = request.args.get(name, str(default))
    if not re.fullmatch(r"-?[0-9]+", text):
        raise Invalid(f"the request has invalid fields: {name} (must be a whole number)",
                      fields={name: ["must be a whole number"]})
    if len(text) > 40:   # out of any range page() allows, and beyond what int() parses cheaply
        return -1 if text.startswith("-") else MAX_POSITION + 1
    return int(text)


def _check(actor):
    if actor is None:
        raise Unauthenticated("catch-up needs a bearer token of a subscriber or an auditor")
    if actor.role not in READERS:
        raise Forbidden(f"catch-up is for {', '.join(READERS)}; not for {actor.role}", allowed=list(READERS))


def http_events(self, request):
    try:
        _check(auth.actor_from_header(request.headers.get("Authorization")))
        return json_response(200, page(self.store, _whole(request, "after", 0), _whole(request, "limit", 100)))
    except WatchpostError as refused:
        return json_response(refused.status, refused.body())


def rpc_events_after(self, after=0, limit=100, token=None):
    _check(auth.actor_from_token(token) if token else None)
    return page(self.store, after, limit)


def fetch(nameko_config, source, after, limit):
    """Read `source`'s events after `after` over RPC, as a system subscriber."""
    token = auth.issue("subscriber", "watchpost-consumer", ttl=300)
    with ClusterRpcProxy(nameko_config) as cluster:
        result = getattr(cluster, source).events_after(after=after, limit=limit, token=token)
    return [event_from_json(e) for e in result["events"]]
