"""Catch-up: a service's history from a position, for subscribers and auditors (HTTP and RPC), and the
client side a consumer uses to fill a gap (`SourceClient`)."""

import re
import threading
import time

import structlog
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy

from watchpost import auth
from watchpost.errors import Forbidden, Invalid, Unauthenticated, Unavailable, WatchpostError
from watchpost.eventlog.model import event_from_json, event_to_json
from watchpost.fields import MAX_POSITION
from watchpost.runtime.web import json_response

log = structlog.get_logger("watchpost.catchup")
READERS = ("subscriber", "auditor", "system")
MAX_LIMIT = 1000


def page(store, after, limit):
    wrong = {
        name: [f"must be {low} to {high}"]
        for name, value, low, high in (("after", after, 0, MAX_POSITION), ("limit", limit, 1, MAX_LIMIT))
        if not low <= value <= high
    }
    if wrong:
        raise Invalid(
            "the request has invalid fields: " + "; ".join(f"{name} ({text[0]})" for name, text in wrong.items()),
            fields=wrong,
        )
    events = store.read_after(after, limit)
    head, _ = store.head()
    return {
        "events": [event_to_json(e) for e in events],
        "next_after": events[-1].position if events else after,
        "head": head,
    }


def _whole(request, name, default):
    text = request.args.get(name, str(default))
    if not re.fullmatch(r"-?[0-9]+", text):
        raise Invalid(
            f"the request has invalid fields: {name} (must be a whole number)",
            fields={name: ["must be a whole number"]},
        )
    if len(text) > 40:  # out of any range page() allows, and beyond what int() parses cheaply
        return -1 if text.startswith("-") else MAX_POSITION + 1
    return int(text)


def _check(actor):
    if actor is None:
        raise Unauthenticated("catch-up needs a bearer token of a subscriber or an auditor")
    if actor.role not in READERS:
        raise Forbidden(f"catch-up is for {', '.join(READERS)}; not for {actor.role}", allowed=list(READERS))


def http_events(self, request):
    try:
        _check(auth.actor_from_header(request.headers.get("Authorization"), audience=self.name))
        return json_response(200, page(self.store, _whole(request, "after", 0), _whole(request, "limit", 100)))
    except WatchpostError as refused:
        return json_response(refused.status, refused.body())


def rpc_events_after(self, after=0, limit=100, token=None):
    _check(auth.actor_from_token(token, audience=self.name) if token else None)
    return page(self.store, after, limit)


def fetch(nameko_config, source, after, limit):
    """Read `source`'s events after `after` over RPC, as a system subscriber: one connection per call, for a
    one-off reader (the rebuild check). Consumers use their service's `SourceClient`."""
    token = auth.catchup_token(source)
    with ClusterRpcProxy(nameko_config) as cluster:
        result = getattr(cluster, source).events_after(after=after, limit=limit, token=token)
    return [event_from_json(e) for e in result["events"]]


class SourceClient:
    """The consuming service's one RPC connection to its sources' catch-up (`events_after`).

    Calls go one at a time (the standalone proxy is single-threaded), each with `timeout` seconds. After a failure
    a source is not asked again for a back-off that doubles from 0.5 s up to `max_backoff`: calls in between raise
    `Unavailable` at once, so consumers waiting on a source that is down neither hammer it nor pile up. A call
    that failed closes the connection; the next opens a new one. `heads` keeps each source's head as last heard.
    """

    def __init__(self, nameko_config, timeout=5.0, max_backoff=30.0):
        self.config, self.timeout, self.max_backoff = nameko_config, timeout, max_backoff
        self.heads, self._backoff, self._proxy, self._cluster, self._tokens = {}, {}, None, None, {}
        self._lock = threading.Lock()

    def _connected(self):
        if self._cluster is None:
            self._proxy = ClusterRpcProxy(self.config, timeout=self.timeout)
            self._cluster = self._proxy.start()
        return self._cluster

    def token(self, source):
        """A catch-up token for `source` (its own audience), renewed before its five minutes run out."""
        token, until = self._tokens.get(source, (None, 0))
        if time.monotonic() > until:
            token = auth.catchup_token(source)
            self._tokens[source] = token, time.monotonic() + auth.CATCHUP_TTL * 0.8
        return token

    def page(self, source, after, limit):
        """`events_after` of `source`: {events, next_after, head}."""
        delay, retry_at = self._backoff.get(source, (0.0, 0.0))
        if time.monotonic() < retry_at:
            raise Unavailable(
                f"{source}'s catch-up failed; not asked again for {retry_at - time.monotonic():.1f} s", source=source
            )
        with self._lock:
            try:
                rpc = getattr(self._connected(), source)
                result = rpc.events_after(after=after, limit=limit, token=self.token(source))
            except RemoteError:
                raise  # the source answered: a refusal, not an outage
            except Exception as exc:  # noqa: BLE001 - timeout, unknown service, lost connection: back off
                self.close()
                delay = min(max(delay * 2, 0.5), self.max_backoff)
                self._backoff[source] = delay, time.monotonic() + delay
                log.warning("catch-up failed", source=source, error=type(exc).__name__, retry_in=delay)
                raise Unavailable(
                    f"{source}'s catch-up did not answer ({type(exc).__name__}); retrying in {delay:.1f} s",
                    source=source,
                ) from None
        self._backoff.pop(source, None)
        self.heads[source] = result["head"]
        return result

    def fetch(self, source, after, limit):
        return [event_from_json(e) for e in self.page(source, after, limit)["events"]]

    def head(self, source, at_least=None):
        """`source`'s head as last heard, asked again when unknown or below `at_least`."""
        known = self.heads.get(source)
        if known is None or (at_least is not None and at_least > known):
            known = self.page(source, max((at_least or 1) - 1, 0), 1)["head"]
        return known

    def close(self):
        proxy, self._proxy, self._cluster = self._proxy, None, None
        if proxy is not None:
            try:
                proxy.stop()
            except Exception:  # noqa: BLE001 - the connection is gone either way
                pass
