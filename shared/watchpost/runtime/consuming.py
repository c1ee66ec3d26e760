"""The event handler every consumer uses: nameko's reliable, durable handler, plus a dead-letter queue.

A message that can never be applied (not an event: a `Poison`) is rejected and RabbitMQ moves it to the
`watchpost.dead-letter` exchange, whose queue `<service>.dead-letter` keeps it for an operator: not dropped
silently, not retried forever. A transient failure (database down) is requeued.
"""
from kombu import Connection, Exchange, Queue
from nameko.events import EventHandler

DEAD_LETTER_EXCHANGE = "watchpost.dead-letter"


class Poison(Exception):
    """The message is not an event this consumer can ever apply."""


def declare_dead_letter(amqp_uri, service):
    exchange = Exchange(DEAD_LETTER_EXCHANGE, "topic", durable=True)
    with Connection(amqp_uri) as conn:
        exchange(conn).declare()
        Queue(f"{service}.dead-letter", exchange, routing_key="#", durable=True)(conn).declare()


class DeadLetteringEventHandler(EventHandler):
    def setup(self):
        super().setup()
        declare_dead_letter(self.container.config["AMQP_URI"], self.container.service_name)
        self.queue.queue_arguments = {"x-dead-letter-exchange": DEAD_LETTER_EXCHANGE}

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is not None and issubclass(exc_info[0], Poison):
            if message.channel.connection:
                message.reject(requeue=False)
            return
        super().handle_message_processed(message, result, exc_info)


dead_lettering_event_handler = DeadLetteringEventHandler.decorator
