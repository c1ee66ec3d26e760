"""Rate limits on the routes anyone may call without a token (anonymous submission, receipt lookup), for every
caller of them, over HTTP and RPC: a token bucket per route and caller, so receipt codes cannot be guessed by brute
force and a flood of reports cannot drown the intake office.

Who the caller is: a signed-in caller is their token's subject (role and id), wherever they call from. Anyone else
is their address: the connection's peer, or, when that peer is a trusted reverse proxy (WATCHPOST_TRUSTED_PROXIES,
comma-separated addresses or networks), the right-most address in `X-Forwarded-For` that is not itself a trusted
proxy. A header from any other peer is ignored, so it cannot be spoofed. An anonymous RPC caller (inside the
broker's trust boundary, no address) shares one bucket per route.

Limits: anonymous callers WATCHPOST_ANON_BURST at once (default 10), refilled at WATCHPOST_ANON_RATE a minute
(default 30); signed-in callers WATCHPOST_USER_BURST (default 60) and WATCHPOST_USER_RATE (default 120). An empty
bucket refuses with 429 `rate_limited` and a `Retry-After`. Buckets live in the service's schema (`rate_buckets`,
one atomic upsert per request, the database's clock), so every process of a service shares them; a store without
SQL (unit tests) keeps them in the process.
"""

import ipaddress
import math
import random
import threading
import time

import psycopg2

from watchpost import config
from watchpost.errors import RateLimited, Unavailable

MAX_BUCKETS = 10_000  # in-process buckets: beyond this, full (idle) ones are forgotten
ANON, USER = (
    ("WATCHPOST_ANON_RATE", 30.0, "WATCHPOST_ANON_BURST", 10),
    ("WATCHPOST_USER_RATE", 120.0, "WATCHPOST_USER_BURST", 60),
)
TAKE = """
INSERT INTO rate_buckets AS b (key, tokens, at, allowed) VALUES (%(key)s, %(burst)s - 1, clock_timestamp(), true)
ON CONFLICT (key) DO UPDATE SET
    allowed = LEAST(%(burst)s, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM clock_timestamp() - b.at)) * %(rate)s) >= 1,
    tokens = LEAST(%(burst)s, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM clock_timestamp() - b.at)) * %(rate)s)
             - CASE WHEN LEAST(%(burst)s, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM clock_timestamp() - b.at))
                                          * %(rate)s) >= 1 THEN 1 ELSE 0 END,
    at = GREATEST(b.at, clock_timestamp())
RETURNING allowed, tokens
"""
FORGET = "DELETE FROM rate_buckets WHERE at < clock_timestamp() - interval '1 hour'"


def limits(kind=ANON):
    """(requests per second, burst) from the environment; a bad value falls back to the default."""
    rate_name, rate_default, burst_name, burst_default = kind
    try:
        per_minute = float(config.env(rate_name, str(rate_default)))
        burst = int(config.env(burst_name, str(burst_default)))
    except ValueError:
        per_minute, burst = rate_default, burst_default
    return max(per_minute, 0.001) / 60.0, max(burst, 1)


def trusted_proxies():
    """The networks of WATCHPOST_TRUSTED_PROXIES; an entry that is not an address or network is ignored."""
    found = []
    for text in config.env("WATCHPOST_TRUSTED_PROXIES", "").split(","):
        try:
            found.append(ipaddress.ip_network(text.strip(), strict=False))
        except ValueError:
            continue
    return found


def _is_trusted(address, proxies):
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_address(peer, forwarded_for, proxies=None):
    """The client's address: `peer`, unless it is a trusted proxy; then the right-most untrusted address of
    X-Forwarded-For (a client can prepend anything, but not what the trusted proxies appended)."""
    proxies = trusted_proxies() if proxies is None else proxies
    if not peer or not _is_trusted(peer, proxies) or not forwarded_for:
        return peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if not _is_trusted(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a malformed hop: the proxy's own address, shared by all such callers
    return peer


def _refused(rate, burst, tokens):
    wait = max(1, math.ceil((1.0 - tokens) / rate))
    return RateLimited(
        f"too many requests from this caller; try again in {wait} s",
        retry_after=wait,
        limit_per_minute=round(rate * 60, 3),
        burst=burst,
    )


class Limiter:
    """In-process buckets (a store without SQL)."""

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._buckets = {}  # key -> (tokens, last refill time)
        self._lock = threading.Lock()

    def take(self, key, rate, burst):
        """Take one token from `key`'s bucket, or raise `RateLimited` saying when to come back."""
        now = self._clock()
        with self._lock:
            tokens, then = self._buckets.get(key, (float(burst), now))
            tokens = min(float(burst), tokens + (now - then) * rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                raise _refused(rate, burst, tokens)
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > MAX_BUCKETS:
                self._forget_full(now, rate, burst)

    def _forget_full(self, now, rate, burst):
        for key, (tokens, then) in list(self._buckets.items()):
            if tokens + (now - then) * rate >= burst:
                del self._buckets[key]

    def reset(self):
        with self._lock:
            self._buckets.clear()


LIMITER = Limiter()


def take_shared(pool, key, rate, burst):
    """Take one token from `key`'s bucket in the service's `rate_buckets` (every process shares it)."""
    try:
        with pool.connection() as conn, conn.cursor() as cur:
            cur.execute(TAKE, {"key": key, "rate": rate, "burst": float(burst)})
            allowed, tokens = cur.fetchone()
            if random.random() < 0.001:
                cur.execute(FORGET)
            if not conn.autocommit:
                conn.commit()
    except (psycopg2.OperationalError, psycopg2.InterfaceError) as exc:
        raise Unavailable(
            "the database is unreachable; nothing was done, try again", reason=type(exc).__name__
        ) from None
    if not allowed:
        raise _refused(rate, burst, tokens)


def is_limited(allowed_roles):
    """A route is limited when anyone may call it without a token (the anonymous caller is a `citizen`)."""
    return "citizen" in allowed_roles


def take(service, route_name, actor, address=None):
    """Charge the caller of a limited route: by subject when signed in, else by address."""
    if actor.id == "anonymous":
        who, kind = f"addr:{address or 'rpc'}", ANON
    else:
        who, kind = f"sub:{actor.role}:{actor.id}", USER
    rate, burst = limits(kind)
    key = f"{route_name}|{who}"
    pool = getattr(getattr(service, "store", None), "pool", None)
    if pool is None:
        LIMITER.take((getattr(service, "name", ""), key), rate, burst)
    else:
        take_shared(pool, key, rate, burst)


def check(service, route, request, actor, allowed_roles):
    """Called by `web.handle` once the caller is known and authorised."""
    if is_limited(allowed_roles):
        take(service, route.name, actor, client_address(request.remote_addr, request.headers.get("X-Forwarded-For")))
