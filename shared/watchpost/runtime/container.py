"""The container `nameko run` starts a service in (`SERVICE_CONTAINER_CLS` in each service's config.yml): nameko's
own, with the broker's URI read by the `_FILE` rule of `watchpost.config.env`. nameko's config.yml substitutes
`${WATCHPOST_AMQP_URI}` only; a deployment gives the URI, which holds the service's broker password, as a file
(`WATCHPOST_AMQP_URI_FILE`, a compose or Kubernetes secret), read here before any extension connects."""

import os

from nameko.containers import ServiceContainer

from watchpost import config as settings


class Container(ServiceContainer):
    def __init__(self, service_cls, config):
        if os.environ.get("WATCHPOST_AMQP_URI_FILE"):
            config = {**config, "AMQP_URI": settings.amqp_uri()}  # WATCHPOST_AMQP_URI, when set, still wins
        super().__init__(service_cls, config)
