"""Rate limits on what anyone may call without a token (anonymous submission, receipt lookup): a token bucket per
client address and route, so receipt codes cannot be guessed by brute force and a flood of anonymous reports
cannot drown the intake office.

A bucket holds up to WATCHPOST_ANON_BURST requests (default 10) and refills at WATCHPOST_ANON_RATE requests per
minute (default 30). An empty bucket refuses with 429 `rate_limited` and a `Retry-After` header. The limits are read
on every request (cheap). Buckets live in the process, one set per service and listening address; full (idle)
buckets are forgotten once there are more than MAX_BUCKETS.
"""
import math
import threading
import time

from watchpost import config
from watchpost.errors import RateLimited

MAX_BUCKETS = 10_000          # beyond this, full (idle) buckets are forgotten


def limits():
    """(requests per second, burst) from the environment; a bad value falls back to the default."""
    try:
        per_minute = float(config.env("WATCHPOST_ANON_RATE", "30"))
        burst = int(config.env("WATCHPOST_ANON_BURST", "10"))
    except ValueError:
        per_minute, burst = 30.0, 10
    return max(per_minute, 0.001) / 60.0, max(burst, 1)


class Limiter:
    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._buckets = {}            # key -> (tokens, last refill time)
        self._lock = threading.Lock()

    def take(self, key, rate, burst):
        """Take one token from `key`'s bucket, or raise `RateLimited` saying when to come back."""
        now = self._clock()
        with self._lock:
            tokens, then = self._buckets.get(key, (float(burst), now))
            tokens = min(float(burst), tokens + (now - then) * rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                wait = math.ceil((1.0 - tokens) / rate)
                raise RateLimited(f"too many requests without a token from this address; try again in {wait} s",
                                  retry_after=wait, limit_per_minute=round(rate * 60, 3), burst=burst)
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


def check(service, route, request):
    """Called by `web.handle` for a request whose actor is anonymous."""
    rate, burst = limits()
    listening = (getattr(service, "config", None) or {}).get("WEB_SERVER_ADDRESS")
    LIMITER.take((getattr(service, "name", ""), listening, route.name, request.remote_addr), rate, burst)
