"""Consuming other services' events at the nameko edge: the event handler, the parking and dead-letter queues, the
back-off, the stop signal and the watcher (see watchpost.eventlog.consumer for what happens to one event).

- A message that is not an event (`Poison`) is rejected: RabbitMQ moves it through the `watchpost.dead-letter`
  exchange to `<service>.dead-letter`, kept for an operator.
- A message that is not what its source sealed (`Forged`: its hash does not cover its content, it is out of chain
  with the last event applied, its position is out of bounds) is never applied: it is published to
  `<service>.dead-letter` with the reason in its headers (`x-watchpost-reason`, `x-watchpost-source`), logged as an
  error (`alert=consumer.forged`), counted, and the consumer fetches the genuine events through catch-up at once.
- A message whose position lies beyond what its source can serve (`Parked`: a source restored from an older
  backup, a forged message) is published to the durable queue `<service>.parked` with the reason in its headers
  (`x-watchpost-reason`, `x-watchpost-source`), logged as an error and counted in /health; never retried.
- Parked and forged messages reach their queues through the direct exchange `watchpost.set-aside` (routing key =
  the queue's name), never the default exchange: a service's broker user needs no right to publish to any queue
  by name (deploy/rabbitmq/definitions.json).
- A transient failure (database down, source unavailable) puts the message back after a back-off that doubles from
  0.5 s to 30 s per source and is reset by the next success: never a hot loop.
- A stop request (`make down`) wakes every back-off at once: the message goes back to the queue and the worker ends.
- A message beyond the source's head as last heard is checked against the source (one RPC answers for every
  message up to the head it returns; a source that cannot be asked is trusted, its relay sent the message); a gap
  is filled from the source; the watcher logs an alert when a source's head falls below its consumer's position.
- Every WATCHPOST_CONSUMER_WATCH_SECONDS (nameko config `CONSUMER_WATCH_SECONDS`; 0: never), and at start, a
  watcher catches each consumer up with its source through the catch-up RPC (one connection,
  `catchup.SourceClient`): consumers resume after a restart or a restore without waiting for a
  new message, and /health learns how far behind each is.
"""

import collections
import threading

import structlog
from amqp.exceptions import NotFound
from kombu import Connection, Exchange, Queue
from kombu.pools import producers
from nameko.events import EventHandler
from nameko.extensions import DependencyProvider

from watchpost import config
from watchpost.eventlog.consumer import Consumer, Forged, Parked
from watchpost.runtime import metrics
from watchpost.runtime.catchup import SourceClient
from watchpost.runtime.queues import queue_arguments

log = structlog.get_logger("watchpost.consumer")
DEAD_LETTER_EXCHANGE, SET_ASIDE_EXCHANGE = "watchpost.dead-letter", "watchpost.set-aside"
MAX_BACKOFF = 30.0


class Poison(Exception):
    """The message is not an event this consumer can ever apply."""


def declare_dead_letter(nameko_config, service):
    exchange, aside = Exchange(DEAD_LETTER_EXCHANGE, "topic", durable=True), set_aside_exchange()
    arguments = queue_arguments(nameko_config)
    with Connection(nameko_config["AMQP_URI"]) as conn:
        exchange(conn).declare()
        aside(conn).declare()
        queue = Queue(f"{service}.dead-letter", exchange, routing_key="#", durable=True, queue_arguments=arguments)
        queue(conn).declare()
        queue(conn).bind_to(aside, routing_key=f"{service}.dead-letter")
        parking_queue(service, arguments)(conn).declare()


def exchange_exists(amqp_uri, name):
    """Whether the exchange `name` exists (a passive declaration: no right to configure it is needed)."""
    with Connection(amqp_uri) as conn:
        channel = conn.channel()
        try:
            channel.exchange_declare(name, "topic", passive=True)
            return True
        except NotFound:
            return False
        finally:
            if channel.is_open:
                channel.close()


def set_aside_exchange():
    return Exchange(SET_ASIDE_EXCHANGE, "direct", durable=True)


def parking_queue(service, arguments=None):
    return Queue(
        f"{service}.parked",
        set_aside_exchange(),
        routing_key=f"{service}.parked",
        durable=True,
        queue_arguments=arguments,
    )


def set_aside(amqp_uri, queue, message, source, reason):
    """Publish `message` as it came to the queue `queue` (`<service>.parked` or `.dead-letter`), with the reason;
    confirmed by the broker."""
    conn = Connection(amqp_uri, transport_options={"confirm_publish": True})
    with producers[conn].acquire(block=True, timeout=5) as producer:
        producer.publish(
            message.body,
            exchange=SET_ASIDE_EXCHANGE,
            routing_key=queue,
            content_type=message.content_type,
            content_encoding=message.content_encoding,
            delivery_mode=2,
            retry=False,
            headers={"x-watchpost-reason": reason[:1000], "x-watchpost-source": source},
        )


class Stopping(Exception):
    """The service is stopping: a delivered message is put back, not applied."""


class Consuming(DependencyProvider):
    """A consuming service's shared state: `sources` {source: {event type: fn(tx, ctx, event)}}."""

    def __init__(self, sources, project_all=False):
        self.sources, self.project_all = dict(sources), project_all
        self.client = self.store = self._watcher = None
        self.parked, self.forged = collections.Counter(), collections.Counter()
        self._backoff = {}
        self.stopping = threading.Event()

    def setup(self):
        from watchpost.runtime.deps import EventLog

        self.eventlog = next(d for d in self.container.dependencies if isinstance(d, EventLog))
        self.client = SourceClient(self.container.config, max_backoff=MAX_BACKOFF)

    def start(self):
        self.watch_seconds = float(self.container.config.get("CONSUMER_WATCH_SECONDS", config.consumer_watch_seconds()))
        if self.watch_seconds > 0:
            self._watcher = self.container.spawn_managed_thread(self._watch, identifier="watchpost.consumer.watch")

    def stop(self):
        self.stopping.set()
        if self._watcher is not None:
            self._watcher.kill()
        self.client.close()

    kill = stop

    def get_dependency(self, worker_ctx):
        return self

    def consumer(self, source, extra=None):
        return Consumer(
            self.eventlog.store,
            source,
            self.sources[source],
            self.project_all,
            extra=extra,
            fetch=self.client.fetch,
            source_head=lambda at_least: self._head(source, at_least),
            sleep=self.stopping.wait,
        )

    def _head(self, source, at_least):
        """The source's head if it may be below `at_least` (one RPC answers for every message up to the head it
        returns); None when it cannot be asked: the message is trusted, its source's relay sent it."""
        try:
            return self.client.head(source, at_least)
        except Exception as exc:  # noqa: BLE001
            log.info("source head unknown: message trusted", source=source, error=type(exc).__name__)
            return None

    def receive(self, source, event, extra):
        """Apply a delivered event; raises `Parked`, or a transient error after its back-off."""
        if self.stopping.is_set():
            raise Stopping("the service is stopping: the message goes back to the queue")
        try:
            self.consumer(source, extra).receive(event)
        except Forged as forged:
            self.forged[source] += 1
            metrics.SET_ASIDE.labels(self.container.service_name, source, "forged").inc()
            log.error(
                "message forged: dead-lettered",
                source=source,
                position=forged.position,
                reason=forged.why,
                alert="consumer.forged",
            )
            self._catch_up(source)
            raise
        except Parked as parked:
            self.parked[source] += 1
            metrics.SET_ASIDE.labels(self.container.service_name, source, "parked").inc()
            log.error(
                "message parked",
                source=source,
                position=event.position,
                type=event.type,
                reason=str(parked),
                alert="consumer.parked",
            )
            raise
        except Exception as exc:  # noqa: BLE001 - whatever failed may pass: the message waits, then comes again
            delay = self._backoff[source] = min(max(self._backoff.get(source, 0.0) * 2, 0.5), MAX_BACKOFF)
            log.warning(
                "consumer paused", source=source, position=event.position, error=type(exc).__name__, retry_in=delay
            )
            self.stopping.wait(delay)
            raise
        self._backoff.pop(source, None)

    def _catch_up(self, source):
        """Fetch the genuine events from the source now (a forged message took the place of one)."""
        try:
            self.consumer(source).catch_up()
        except Exception as exc:  # noqa: BLE001 - the watcher or the next message tries again
            log.info("consumer catch-up postponed", source=source, error=type(exc).__name__)

    def _watch(self):
        delay = 0.0
        while not self.stopping.wait(delay):
            delay = self.watch_seconds
            for source in self.sources:
                try:
                    self.consumer(source).catch_up()
                    position, head = self.eventlog.store.consumed_position(source), self.client.heads.get(source)
                    if head is not None and head < position:
                        log.error(
                            "source is behind its consumer",
                            source=source,
                            head=head,
                            position=position,
                            alert="consumer.source_behind",
                        )
                except Exception as exc:  # noqa: BLE001 - the next round tries again
                    log.info("consumer catch-up postponed", source=source, error=type(exc).__name__)


def consuming_of(container):
    return next((d for d in container.dependencies if isinstance(d, Consuming)), None)


class DeadLetteringEventHandler(EventHandler):
    def setup(self):
        super().setup()
        declare_dead_letter(self.container.config, self.container.service_name)
        if exchange_exists(self.container.config["AMQP_URI"], self.queue.exchange.name):
            self.queue.exchange.passive = True  # the source's: bound to, never declared (no right to configure it)
        self.queue.queue_arguments = queue_arguments(
            self.container.config, **{"x-dead-letter-exchange": DEAD_LETTER_EXCHANGE}
        )

    def stop(self):
        """A stop request first wakes every worker waiting on a back-off or a gap, then stops consuming."""
        consuming = consuming_of(self.container)
        if consuming is not None:
            consuming.stopping.set()
        super().stop()

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is not None and issubclass(exc_info[0], (Parked, Forged)):
            refused, service = exc_info[1], self.container.service_name
            queue = f"{service}.parked" if isinstance(refused, Parked) else f"{service}.dead-letter"
            try:
                set_aside(self.container.config["AMQP_URI"], queue, message, refused.source, str(refused))
            except Exception as exc:  # noqa: BLE001 - not set aside: back to the queue, nothing lost
                log.error("setting aside failed", source=refused.source, queue=queue, error=type(exc).__name__)
                return super().handle_message_processed(message, result, exc_info)
            return self.queue_consumer.ack_message(message)
        if exc_info is not None and issubclass(exc_info[0], Poison):
            metrics.SET_ASIDE.labels(self.container.service_name, self.source_service, "dead-lettered").inc()
            if message.channel.connection:
                message.reject(requeue=False)
            return
        super().handle_message_processed(message, result, exc_info)


dead_lettering_event_handler = DeadLetteringEventHandler.decorator
