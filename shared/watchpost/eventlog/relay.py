"""The outbox relay: the log is the outbox. Publishes every event in position order to `<service>.events`
(topic exchange, routing key = event type) with publisher confirms kept in flight, and records how far the broker
has confirmed. At-least-once: after a crash or a broker outage it resumes from the last confirmed position.

Plain Python (threads or green threads); the nameko dependency runs `Relay.run` in a managed thread.
"""

import logging
import threading
import time

import amqp
import orjson

from watchpost.eventlog.model import event_to_json

log = logging.getLogger("watchpost.relay")


def message_for(service, event):
    body = event_to_json(event)
    return amqp.Message(
        orjson.dumps(body),
        content_type="application/json",
        content_encoding="utf-8",
        delivery_mode=2,
        message_id=event.event_id,
        correlation_id=event.correlation_id,
        type=event.type,
        timestamp=int(event.recorded_at.timestamp()),
        application_headers={
            "watchpost.service": service,
            "watchpost.position": event.position,
            "watchpost.stream_id": event.stream_id,
            "watchpost.schema_version": event.schema_version,
            # nameko reads `nameko.*` headers into the worker's context: the correlation id follows the event
            "nameko.correlation_id": event.correlation_id,
        },
    )


class ConfirmingPublisher:
    """One AMQP connection and channel in confirm mode; `publish(events)` returns once the broker confirmed all."""

    def __init__(self, amqp_uri, service, confirm_timeout=10.0):
        self.service, self.exchange = service, f"{service}.events"
        self._params = _connection_params(amqp_uri)
        self._timeout = confirm_timeout
        self._conn = self._channel = None

    def _open(self):
        conn = amqp.Connection(**self._params, connect_timeout=5)
        conn.connect()
        channel = conn.channel()
        channel.exchange_declare(self.exchange, "topic", durable=True, auto_delete=False)
        channel.confirm_select()
        self._acked, self._nacked = 0, False
        channel.events["basic_ack"].add(self._on_ack)
        channel.events["basic_nack"].add(self._on_nack)
        self._conn, self._channel, self._tag = conn, channel, 0

    def _on_ack(self, tag, multiple):
        self._acked = max(self._acked, tag)

    def _on_nack(self, tag, multiple):
        self._nacked = True

    def publish(self, events):
        if self._channel is None:
            self._open()
        try:
            for event in events:
                self._channel.basic_publish(message_for(self.service, event), self.exchange, event.type)
                self._tag += 1
            deadline = time.monotonic() + self._timeout
            while self._acked < self._tag:
                if self._nacked:
                    raise ConnectionError("the broker refused (nacked) a message; will publish again")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("the broker did not confirm in time; will publish again")
                self._conn.drain_events(timeout=remaining)
        except BaseException:
            self.close()
            raise

    def close(self):
        conn, self._conn, self._channel = self._conn, None, None
        if conn is not None:
            try:
                conn.collect()
            except Exception:  # noqa: BLE001 - the connection is being dropped anyway
                pass


def _connection_params(uri):
    from kombu.utils.url import parse_url

    parts = parse_url(uri)
    vhost = parts.get("virtual_host") or "/"
    return {
        "host": f"{parts.get('hostname') or '127.0.0.1'}:{parts.get('port') or 5672}",
        "userid": parts.get("userid") or "guest",
        "password": parts.get("password") or "guest",
        "virtual_host": vhost,
    }


class Relay:
    """Follows the store and publishes. Progress lives in the store's `relay_progress` table.

    Events this process commits are handed to the relay by the store (`store.listeners`), so it publishes them
    without reading them back; whatever it was not handed (another process's appends, anything after a failure)
    it reads from the log. Progress is saved when the relay catches up, and at most `save_every` seconds apart
    while it is busy: a restart publishes again what was confirmed since (at-least-once; consumers skip what
    they have applied)."""

    def __init__(self, store, publisher, batch=500, idle_wait=0.5, retry_wait=1.0, lease_check=5.0, save_every=1.0):
        self.store, self.publisher, self.lease_check = store, publisher, lease_check
        self.batch, self.idle_wait, self.retry_wait, self.save_every = batch, idle_wait, retry_wait, save_every
        self._position = self._saved = None
        self._save_due = 0.0
        self._handed, self._leased = {}, False  # position -> event this process committed, while it relays
        self._wake = threading.Event()
        self._stopped = threading.Event()
        store.listeners.append(self._committed)

    def _committed(self, events):
        if self._leased and len(self._handed) < 20 * self.batch:  # far behind: the log has them anyway
            published = self._position or 0
            for event in events:
                if event.position > published:
                    self._handed[event.position] = event
        self._wake.set()

    def _pending(self):
        """The next events after `_position`, in order: those handed over if they follow on, else from the log."""
        events, handed, position = [], self._handed, self._position + 1
        while position in handed and len(events) < self.batch:
            events.append(handed.pop(position))
            position += 1
        if events:
            return events
        events = self.store.read_after(self._position, self.batch)
        if events and handed:
            last = events[-1].position
            self._handed = {p: e for p, e in handed.items() if p > last}
        return events

    def run_once(self):
        """Publish what is pending (up to one batch); return how many were published."""
        try:
            if self._position is None:  # at start, and after any failure: what the database says was confirmed
                self._position = self._saved = self.store.relay_position(self.publisher.exchange)
                self._handed.clear()
            events = self._pending()
            if events:
                self.publisher.publish(events)
                self._position = events[-1].position
            if self._position > self._saved and (not events or time.monotonic() >= self._save_due):
                self.store.save_relay_position(self.publisher.exchange, self._position)
                self._saved, self._save_due = self._position, time.monotonic() + self.save_every
        except BaseException:
            self._position = None
            raise
        return len(events)

    def run(self):
        lease, next_check = None, 0.0
        try:
            while not self._stopped.is_set():
                try:
                    if lease is not None and time.monotonic() >= next_check:
                        next_check = time.monotonic() + self.lease_check
                        lease = lease if self.store.lease_alive(lease) else None  # gone with a database restart
                    if lease is None or lease.closed:
                        self._leased = False
                        lease = self.store.relay_lease()
                        if lease is None:  # another instance of this service relays; stand by
                            self._stopped.wait(self.retry_wait * 5)
                            continue
                        self._position, self._leased = None, True
                    if self.run_once() == self.batch:
                        continue
                except Exception as exc:  # noqa: BLE001 - broker or database down: wait, resume from progress
                    log.warning("relay paused: %s: %s", type(exc).__name__, exc)
                    self._stopped.wait(self.retry_wait)
                    continue
                self._wake.wait(self.idle_wait)
                self._wake.clear()
        finally:
            self._leased = False
            self.publisher.close()
            if lease is not None:
                lease.close()

    def stop(self):
        """Ask `run` to finish after the batch in hand; it closes the publisher itself."""
        self._stopped.set()
        self._wake.set()
