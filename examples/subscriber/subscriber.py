"""A Watchpost subscriber in plain kombu (no nameko): its own durable queue, bound to chosen event types across
services; catches up over HTTP `GET /events` from its last position, then follows live; handles every event exactly
once per service, in position order; verifies signed checkpoints. Positions and what was handled live in SQLite.

    python subscriber.py --amqp amqp://gov12345:***@rabbitmq:5672/ --queue gov-12345 --db gov-12345.sqlite \\
        --source liaison=http://liaison:8002 --source intake=http://intake:8001 \\
        --bind 'liaison:feedback.*' --bind 'intake:clue.concluded' --token "$WATCHPOST_TOKEN"

See README.md beside this file. Needs: kombu; and `cryptography` (or the `watchpost` package) to verify checkpoints.
"""

import argparse
import base64
import json
import logging
import os
import sqlite3
import sys
import threading
import urllib.request

import kombu

log = logging.getLogger("subscriber")
CHECKPOINT = "checkpoint.signed"


# -- what "a position" means: one per service, dense in that service's log ------------------------------------------
class Positions:
    """The subscriber's state, in one SQLite file: how far each service's log has been read, every event handled
    (unique by service and position: the dedupe key), the checkpoint verdicts and the pinned checkpoint keys."""

    SCHEMA = """
    CREATE TABLE IF NOT EXISTS positions (service TEXT PRIMARY KEY, position INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS handled (seq INTEGER PRIMARY KEY AUTOINCREMENT, service TEXT NOT NULL,
        position INTEGER NOT NULL, type TEXT NOT NULL, event_id TEXT NOT NULL, via TEXT NOT NULL,
        body TEXT NOT NULL, UNIQUE (service, position));
    CREATE TABLE IF NOT EXISTS checkpoints (service TEXT NOT NULL, position INTEGER NOT NULL, size INTEGER NOT NULL,
        root TEXT NOT NULL, key_id TEXT NOT NULL, verdict TEXT NOT NULL, PRIMARY KEY (service, position));
    CREATE TABLE IF NOT EXISTS keys (service TEXT PRIMARY KEY, public_key TEXT NOT NULL, key_id TEXT NOT NULL);
    """

    def __init__(self, path):
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(self.SCHEMA)

    def last(self, service):
        row = self.db.execute("SELECT position FROM positions WHERE service = ?", (service,)).fetchone()
        return row[0] if row else 0

    def transaction(self):
        return _Transaction(self.db)

    def advance(self, service, position):
        self.db.execute(
            "INSERT INTO positions VALUES (?, ?) ON CONFLICT (service) DO UPDATE SET position = "
            "MAX(position, excluded.position)",
            (service, position),
        )

    def record(self, service, event, via):
        self.db.execute(
            "INSERT INTO handled (service, position, type, event_id, via, body) VALUES (?, ?, ?, ?, ?, ?)",
            (service, event["position"], event["type"], event["event_id"], via, json.dumps(event)),
        )

    def pinned_key(self, service):
        return self.db.execute("SELECT public_key FROM keys WHERE service = ?", (service,)).fetchone()

    def pin_key(self, service, public_key, key_id):
        self.db.execute("INSERT OR IGNORE INTO keys VALUES (?, ?, ?)", (service, public_key, key_id))

    def close(self):
        self.db.close()


class _Transaction:
    def __init__(self, db):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind, exc, tb):
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


# -- checkpoints ------------------------------------------------------------------------------------------------------
def _development():
    """A checkpoint signed with Watchpost's public development key (key_id `dev-...`) is believed only on a
    development machine (WATCHPOST_ENV=development)."""
    return os.environ.get("WATCHPOST_ENV") == "development"


def verify_checkpoint(checkpoint, trusted_key=None):
    """None when the checkpoint's Ed25519 signature holds (and, if given, it is signed by `trusted_key`, base64);
    otherwise what is wrong. Uses watchpost.audit when installed, else the same rule with `cryptography`.
    HOOK: replace this function to verify with your own PKI (an HSM, a key registry)."""
    try:
        from watchpost.audit.checkpoint import check_signature
    except ImportError:
        return _verify_with_cryptography(checkpoint, trusted_key)
    return check_signature(checkpoint, [trusted_key] if trusted_key else None, _development())


SIGNED_FIELDS = ("service", "size", "root", "signed_at", "key_id")
DOMAIN = b"watchpost-checkpoint/v1\n"


def _verify_with_cryptography(checkpoint, trusted_key):
    """The rule (see watchpost.audit.checkpoint): Ed25519 over DOMAIN + sorted, compact JSON of SIGNED_FIELDS."""
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        return "not verified: install `cryptography` (or watchpost) to verify checkpoint signatures"
    if str(checkpoint.get("key_id")).startswith("dev-") and not _development():
        return f"signed with the development key {checkpoint.get('key_id')}, which anyone can sign with: untrusted"
    if trusted_key and checkpoint.get("public_key") != trusted_key:
        return f"signed by key {checkpoint.get('key_id')}, which is not the trusted key"
    signed = {k: checkpoint[k] for k in SIGNED_FIELDS if k in checkpoint}
    text = json.dumps(signed, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(checkpoint["public_key"])).verify(
            base64.b64decode(checkpoint["signature"]), DOMAIN + text
        )
    except InvalidSignature:
        return "the Ed25519 signature does not verify"
    except (KeyError, ValueError, TypeError) as exc:
        return f"the checkpoint is malformed: {exc}"
    return None


# -- routing keys -------------------------------------------------------------------------------------------------
def topic_matches(pattern, key):
    """AMQP topic matching: `*` is one word, `#` zero or more (used to filter catch-up like the broker filters)."""

    def match(p, k):
        if not p:
            return not k
        if p[0] == "#":
            return any(match(p[1:], k[i:]) for i in range(len(k) + 1))
        return bool(k) and p[0] in ("*", k[0]) and match(p[1:], k[1:])

    return match(pattern.split("."), key.split("."))


class UnknownVersion(Exception):
    """An event in a schema version newer than this subscriber reads."""


# -- the subscriber -----------------------------------------------------------------------------------------------
class Subscriber:
    """`sources`: {service: base URL of its HTTP API}; `bindings`: [(service, routing key pattern)];
    `handle(service, event)` runs once per event, inside the SQLite transaction that records it: if it raises,
    nothing is recorded, the message is not acknowledged, and the subscriber stops (run it under a supervisor).
    `trusted_keys`: {service: base64 public key}; missing ones are fetched from `GET /checkpoints/key` once and
    pinned in the database (trust on first use). `known_versions`: {type: the highest schema_version you read}; an
    event above it stops the subscriber (the message stays queued) instead of being misread."""

    def __init__(
        self,
        amqp_uri,
        sources,
        bindings,
        queue,
        db_path,
        token,
        handle=None,
        trusted_keys=None,
        prefetch=100,
        page=500,
        verify_checkpoints=True,
        known_versions=None,
    ):
        self.known_versions = dict(known_versions or {})
        self.amqp_uri, self.sources, self.queue_name, self.token = amqp_uri, dict(sources), queue, token
        self.patterns = {}
        for service, pattern in bindings:
            if service not in self.sources:
                raise ValueError(f"binding {service}:{pattern} names no source; sources: {', '.join(self.sources)}")
            self.patterns.setdefault(service, []).append(pattern)
        if verify_checkpoints:
            for service in self.sources:
                self.patterns.setdefault(service, []).append(CHECKPOINT)
        self.handle = handle or (
            lambda service, event: print(
                json.dumps(
                    {"service": service, "position": event["position"], "type": event["type"]}, ensure_ascii=False
                )
            )
        )
        self.positions = Positions(db_path)
        self.trusted_keys, self.verify_checkpoints = dict(trusted_keys or {}), verify_checkpoints
        self.prefetch, self.page = prefetch, page

    def wanted(self, service, type_):
        return any(topic_matches(p, type_) for p in self.patterns.get(service, ()))

    # one event, exactly once: the dedupe rule
    def accept(self, service, event, via):
        """Handle `event` unless this service's log was read past it already. Returns True if it was new.
        Per service the relay publishes in position order and catch-up reads in position order, so anything at or
        below the recorded position is a duplicate (a redelivery, a relay retry, or an event catch-up already had)."""
        with self.positions.transaction():
            if event["position"] <= self.positions.last(service):
                return False
            if self.wanted(service, event["type"]):
                if event["schema_version"] > self.known_versions.get(event["type"], event["schema_version"]):
                    raise UnknownVersion(
                        f"{service} {event['type']} at position {event['position']} is "
                        f"schema_version {event['schema_version']}; this subscriber reads up to "
                        f"{self.known_versions[event['type']]}: add a reader (docs/subscribers.md)"
                    )
                if event["type"] == CHECKPOINT and self.verify_checkpoints:
                    self.check(service, event)
                self.handle(service, event)
                self.positions.record(service, event, via)
            self.positions.advance(service, event["position"])
            return True

    def check(self, service, event):
        checkpoint = event["payload"]
        trusted = self.trusted_key(service)
        problem = verify_checkpoint(checkpoint, trusted)
        if problem is None and checkpoint.get("service") != service:
            problem = f"a checkpoint of {checkpoint.get('service')!r} arrived on {service}.events"
        if problem is None and not checkpoint["size"] < event["position"]:
            problem = f"a checkpoint at position {event['position']} cannot cover {checkpoint['size']} events"
        verdict = problem or (
            "ok (development key: proves nothing)" if checkpoint["key_id"].startswith("dev-") else "ok"
        )
        if problem:
            log.error("checkpoint of %s at %s FAILED: %s", service, event["position"], problem)
        self.positions.db.execute(
            "INSERT OR REPLACE INTO checkpoints VALUES (?, ?, ?, ?, ?, ?)",
            (
                service,
                event["position"],
                checkpoint.get("size", -1),
                checkpoint.get("root", ""),
                checkpoint.get("key_id", ""),
                verdict,
            ),
        )

    def trusted_key(self, service):
        if service in self.trusted_keys:
            return self.trusted_keys[service]
        pinned = self.positions.pinned_key(service)
        if pinned:
            return pinned[0]
        try:
            key = self._get(service, "/checkpoints/key")
        except OSError as exc:
            log.warning("no checkpoint key for %s yet (%s); verifying the signature only", service, exc)
            return None
        self.positions.pin_key(service, key["public_key"], key["key_id"])
        return key["public_key"]

    # catch-up over HTTP
    def _get(self, service, path):
        request = urllib.request.Request(
            self.sources[service].rstrip("/") + path, headers={"Authorization": f"Bearer {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def catch_up(self, service):
        """Read `service`'s log after our position until its end; returns how many events were new."""
        new = 0
        while True:
            after = self.positions.last(service)
            page = self._get(service, f"/events?after={after}&limit={self.page}")
            if not page["events"]:
                return new
            for event in page["events"]:
                new += self.accept(service, event, "catch-up")

    # live
    def queue(self):
        bindings = [
            kombu.binding(
                kombu.Exchange(f"{service}.events", "topic", durable=True, auto_delete=False), routing_key=pattern
            )
            for service, patterns in self.patterns.items()
            for pattern in patterns
        ]
        return kombu.Queue(self.queue_name, bindings=bindings, durable=True, auto_delete=False)

    def on_message(self, message):
        headers = message.headers or {}
        service = headers.get("watchpost.service") or message.delivery_info["exchange"].rsplit(".events", 1)[0]
        if service not in self.sources:
            log.warning("message from %s, which is not a source; dropped", service)
        else:
            self.accept(service, json.loads(message.body), "live")
        message.ack()

    def run(self, stop=None, ready=None):
        """Bind first, then catch up, then follow live until `stop` (a threading.Event) is set. Binding before
        catch-up is what leaves no gap: whatever the relay publishes from then on waits in our queue, and anything
        catch-up already handled is dropped as a duplicate when it arrives there."""
        stop = stop or threading.Event()
        with kombu.Connection(self.amqp_uri, heartbeat=30) as connection:
            channel = connection.channel()
            queue = self.queue()(channel)
            queue.declare()
            for service in self.sources:
                log.info("catch-up %s from %s: %s new", service, self.positions.last(service), self.catch_up(service))
            with kombu.Consumer(channel, queues=[queue], on_message=self.on_message, prefetch_count=self.prefetch):
                if ready is not None:
                    ready.set()
                while not stop.is_set():
                    try:
                        connection.drain_events(timeout=0.5)
                    except TimeoutError:
                        connection.heartbeat_check()

    def close(self):
        self.positions.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--amqp", default=os.environ.get("WATCHPOST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672//"))
    parser.add_argument("--source", action="append", required=True, metavar="SERVICE=URL")
    parser.add_argument(
        "--bind",
        action="append",
        required=True,
        metavar="SERVICE:PATTERN",
        help="routing key pattern on SERVICE.events, e.g. 'intake:clue.*'",
    )
    parser.add_argument("--queue", required=True, help="your queue's name (durable; keep it stable)")
    parser.add_argument("--db", required=True, help="SQLite file with your positions")
    parser.add_argument("--token", default=os.environ.get("WATCHPOST_TOKEN"), help="a subscriber bearer token")
    parser.add_argument("--trust", action="append", default=[], metavar="SERVICE=BASE64KEY")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    subscriber = Subscriber(
        args.amqp,
        dict(s.split("=", 1) for s in args.source),
        [tuple(b.split(":", 1)) for b in args.bind],
        args.queue,
        args.db,
        args.token,
        trusted_keys=dict(t.split("=", 1) for t in args.trust),
    )
    try:
        subscriber.run()
    except KeyboardInterrupt:
        pass
    finally:
        subscriber.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
