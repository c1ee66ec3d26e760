"""The queues a service declares: durable, and RabbitMQ quorum queues (replicated over the cluster's nodes) when
WATCHPOST_BROKER_CLUSTER=true (nameko config `BROKER_CLUSTER`). Classic mirrored queues are gone from RabbitMQ 4.

Quorum queues are durable, never exclusive or auto-delete: that is how nameko declares a service's RPC queue
(`rpc-<service>`) and the event handler queues of `watchpost.runtime.consuming` (reliable delivery), and how the
dead-letter and parked queues are declared. The reply queues of RPC callers stay classic: they are one caller's,
exclusive or expiring, and live no longer than it. A queue's type cannot change once declared: switching the setting
on an existing broker needs the service's queues deleted first (docs/operations.md, "Beyond one machine").
"""

from nameko import rpc as nameko_rpc

from watchpost import config

TRUE = ("1", "true", "yes", "on")


def cluster(nameko_config):
    """Whether the broker is a cluster: the nameko config's BROKER_CLUSTER, else WATCHPOST_BROKER_CLUSTER."""
    value = nameko_config.get("BROKER_CLUSTER")
    if value is None:
        value = config.env("WATCHPOST_BROKER_CLUSTER", "false")
    return str(value).strip().lower() in TRUE


def queue_arguments(nameko_config, **others):
    """The arguments of a durable queue the service declares: `others`, plus the quorum type on a cluster."""
    return {**others, "x-queue-type": "quorum"} if cluster(nameko_config) else dict(others)


class RpcConsumer(nameko_rpc.RpcConsumer):
    """nameko's RPC consumer, its queue `rpc-<service>` a quorum queue on a cluster."""

    def setup(self):
        super().setup()
        self.queue.queue_arguments = queue_arguments(self.container.config)


class Rpc(nameko_rpc.Rpc):
    rpc_consumer = RpcConsumer()


rpc = Rpc.decorator
