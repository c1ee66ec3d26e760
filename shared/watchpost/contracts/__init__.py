"""Published event contracts: every event type a service publishes, with its schema version and marshmallow schema.

Each module `watchpost.contracts.<service>` defines `EVENTS = {type: (schema_version, SchemaClass)}`. Consumers
know a producer only by these; AsyncAPI and the subscriber docs are generated from them.
"""

import importlib

from marshmallow import ValidationError

SERVICES = ("intake", "liaison", "training", "assessment")


def published(service):
    return importlib.import_module(f"watchpost.contracts.{service}").EVENTS


def check(service, type, payload, schema_version=None):
    """Raise ValueError naming the problem if `payload` is not a valid published `type` of `service`."""
    events = published(service)
    if type not in events:
        raise ValueError(f"{service} does not publish {type!r}; it publishes: {', '.join(sorted(events))}")
    version, schema = events[type]
    if schema_version is not None and schema_version != version:
        raise ValueError(f"{type} is at schema_version {version}, not {schema_version}")
    try:
        schema().load(payload)
    except ValidationError as exc:
        raise ValueError(f"{type} payload does not match its contract: {exc.messages}") from None
