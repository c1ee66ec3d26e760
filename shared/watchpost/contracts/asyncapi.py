"""docs/asyncapi.yaml (AsyncAPI 3.0), generated from the published contracts: one channel per exchange and routing
key (`<service>.events`, key = event type), the AMQP headers the relay sets, the payload schema and an example.

`python -m watchpost.contracts.asyncapi [PATH]` writes it (`--check` exits 1 when the file has drifted).
`example_payload(schema)` makes the deterministic sample the examples and the minimal-feeds test use.
"""

import argparse
import re
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path

import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from marshmallow import fields, validate

from watchpost.audit.checkpoint import DEV_SEED, TYPE, make_checkpoint
from watchpost.audit.merkle import Frontier, leaf_hash
from watchpost.contracts import SERVICES, checkpoints, consumers, published
from watchpost.eventlog.model import GENESIS, event_to_json, seal

VERSION = "0.1.0"
DOC = Path(__file__).resolve().parents[3] / "docs" / "asyncapi.yaml"
HEADERS = {
    "type": "object",
    "required": ["watchpost.service", "watchpost.position", "watchpost.stream_id", "watchpost.schema_version"],
    "properties": {
        "watchpost.service": {"type": "string", "description": "the publishing service (also the exchange prefix)"},
        "watchpost.position": {
            "type": "integer",
            "minimum": 1,
            "description": "the event's position in its service's log: dense, 1, 2, 3, ...",
        },
        "watchpost.stream_id": {"type": "string", "description": "the aggregate stream, e.g. `clue-<uuid>`"},
        "watchpost.schema_version": {
            "type": "integer",
            "minimum": 1,
            "description": "the payload's schema version as stored; see docs/subscribers.md",
        },
        "nameko.correlation_id": {"type": "string", "description": "the correlation id, for nameko consumers"},
    },
}
STRING_EXAMPLES = {  # by field name; anything else gets `<field> (example)`
    "community": "C01",
    "street": "S01",
    "station_id": "STN-C01",
    "group_id": "C01-G1",
    "person_id": "P0001",
    "member_id": "M0001",
    "reporter_ref": "rref-7f3a9c2e",
    "summary": "集体资产出租收入去向不明",
    "name": "光华社区",
    "category": "C02",
    "item": "C02.02",
    "key_id": "dev-3f2a9b1c0d4e5f60",
    "public_key": "MCowBQYDK2VwAyEA0000000000000000000000000000000000000000=",
    "signature": "c2lnbmF0dXJlLWV4YW1wbGU=",
    "signed_at": "2026-03-31T16:00:00.000000Z",
    "closed_at": "2026-04-01T01:00:00.000000Z",
    "service": "intake",
    "version": "2026.1",
    "rulebook_version": "2026.1",
    "previous_version": "2025.1",
    "topic": "党风廉政建设专题学习",
    "organiser": "区纪委监委宣传部",
}
PATTERN_EXAMPLES = {  # the Regexp validators the contracts use, by pattern
    r"^\d{4}-(0[1-9]|1[0-2])$": "2026-03",
    r"^\d{4}-Q[1-4]$": "2026-Q1",
    r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$": "2026-03",
    r"^[0-9a-f]{64}$": "9f" * 32,
}
AT = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def contracts():
    """[(service, type, version, schema class)] in a fixed order: services, then each contract's own order;
    every service also publishes `checkpoint.signed`, and a consuming one `consumer.*`."""
    found = []
    for service in SERVICES:
        own = consumers.EVENTS if service in consumers.CONSUMING else {}
        for type_, (version, schema) in {**published(service), **checkpoints.EVENTS, **own}.items():
            found.append((service, type_, version, schema))
    return found


# -- marshmallow -> JSON Schema ----------------------------------------------------------------------------------
def json_schema(schema):
    schema = schema() if isinstance(schema, type) else schema
    props = {name: field_schema(f) for name, f in schema.fields.items()}
    required = [name for name, f in schema.fields.items() if f.required]
    out = {"type": "object", "additionalProperties": False, "properties": props}
    if required:
        out["required"] = required
    return out


def field_schema(field):
    if isinstance(field, fields.Nested):
        out = json_schema(field.schema)
    elif isinstance(field, fields.List):
        out = {"type": "array", "items": field_schema(field.inner)}
    elif isinstance(field, fields.Dict):
        out = {"type": "object", "additionalProperties": field_schema(field.value_field) if field.value_field else {}}
        if field.key_field is not None:
            out["propertyNames"] = field_schema(field.key_field)
    elif isinstance(field, fields.Date):
        out = {"type": "string", "format": "date"}
    elif isinstance(field, fields.Boolean):
        out = {"type": "boolean"}
    elif isinstance(field, fields.Integer):
        out = {"type": "integer"}
    elif isinstance(field, fields.Number):
        out = {"type": "number"}
    elif isinstance(field, fields.String):
        out = {"type": "string"}
    else:
        raise TypeError(f"no JSON Schema for {type(field).__name__}; extend watchpost.contracts.asyncapi")
    for rule in field.validators:
        if isinstance(rule, validate.OneOf):
            out["enum"] = list(rule.choices)
        elif isinstance(rule, validate.Regexp):
            out["pattern"] = rule.regex.pattern
        elif isinstance(rule, validate.Range):
            out.update({k: v for k, v in (("minimum", rule.min), ("maximum", rule.max)) if v is not None})
        elif isinstance(rule, validate.Length):
            key = "Items" if out["type"] == "array" else "Length"
            out.update({k + key: v for k, v in (("min", rule.min), ("max", rule.max)) if v is not None})
    if field.allow_none:
        out = {"oneOf": [out, {"type": "null"}]}
    return out


# -- examples ----------------------------------------------------------------------------------------------------
def example_payload(schema):
    schema = schema() if isinstance(schema, type) else schema
    return {name: example_value(name, f) for name, f in schema.fields.items()}


def example_value(name, field):
    rules = {type(r): r for r in field.validators}
    if validate.OneOf in rules:
        return list(rules[validate.OneOf].choices)[0]
    if validate.Regexp in rules:
        pattern = rules[validate.Regexp].regex.pattern
        if pattern not in PATTERN_EXAMPLES:
            raise KeyError(f"{name}: no example for pattern {pattern!r}; add it to PATTERN_EXAMPLES")
        return PATTERN_EXAMPLES[pattern]
    if isinstance(field, fields.Nested):
        return example_payload(field.schema)
    if isinstance(field, fields.List):
        return [example_value(re.sub(r"ies$", "y", name).rstrip("s"), field.inner)]
    if isinstance(field, fields.Dict):
        key = example_value(name, field.key_field) if field.key_field is not None else "key"
        return {key: example_value(name, field.value_field) if field.value_field else "value"}
    if isinstance(field, fields.Date):
        return "2026-03-02"
    if isinstance(field, fields.Boolean):
        return True
    if isinstance(field, (fields.Integer, fields.Number)):
        low = rules[validate.Range].min if validate.Range in rules and rules[validate.Range].min else 0
        value = max(low, 2026 if name == "year" else 2)
        return value if isinstance(field, fields.Integer) else float(value)
    if name in STRING_EXAMPLES:
        return STRING_EXAMPLES[name]
    if name.endswith("_id") or name.endswith("_ref"):
        return f"{name.rsplit('_', 1)[0]}-0001"
    if name.endswith("hash") or name == "digest":
        return "5e" * 32
    return f"{name} (example)"


def example_checkpoint(service):
    """A real checkpoint over one event, signed with the development key (verifies; proves nothing)."""
    frontier = Frontier()
    frontier.append(leaf_hash("5e" * 32))
    return make_checkpoint(Ed25519PrivateKey.from_private_bytes(DEV_SEED), service, frontier, AT)


def example_event(service, type_, version, schema):
    """The whole message body (the event envelope) as the relay would publish it, with a real chain hash."""
    payload = example_checkpoint(service) if type_ == TYPE else example_payload(schema)
    stream = {"checkpoint.signed": "checkpoint-log"}.get(type_, f"{type_.split('.')[0]}-0001")
    first = type_ != TYPE  # a checkpoint lands after the event it covers
    event = seal(
        GENESIS if first else "5e" * 32,
        type=type_,
        payload=payload,
        schema_version=version,
        stream_id=stream,
        stream_version=1,
        position=1 if first else 2,
        occurred_at=AT,
        recorded_at=AT,
        actor={"id": f"{service}-example", "role": "system"},
        correlation_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"watchpost:{service}:{type_}:correlation")),
        causation_id=None,
        event_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"watchpost:{service}:{type_}")),
    )
    return event_to_json(event)


def _text():
    return {"type": "string"}


ENVELOPE = {
    "type": "object",
    "required": [
        "event_id",
        "type",
        "schema_version",
        "stream_id",
        "stream_version",
        "position",
        "occurred_at",
        "recorded_at",
        "actor",
        "correlation_id",
        "causation_id",
        "payload",
        "prev_hash",
        "hash",
    ],
    "properties": {
        "event_id": {"type": "string", "format": "uuid"},
        "type": _text(),
        "schema_version": {"type": "integer", "minimum": 1},
        "stream_id": _text(),
        "stream_version": {"type": "integer", "minimum": 1},
        "position": {"type": "integer", "minimum": 1, "description": "dense per service: dedupe and order by it"},
        "occurred_at": {"type": "string", "format": "date-time"},
        "recorded_at": {"type": "string", "format": "date-time"},
        "actor": {"type": "object", "properties": {"id": _text(), "role": _text()}},
        "correlation_id": _text(),
        "causation_id": {"oneOf": [_text(), {"type": "null"}]},
        "payload": {"type": "object"},
        "prev_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "hash": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$",
            "description": "sha256(prev_hash + canonical JSON of every other field but prev_hash)",
        },
    },
}


def envelope(type_, version, payload_ref):
    """The body of one message type: the envelope, with its type, schema version and payload pinned."""
    return {
        "allOf": [
            {"$ref": "#/components/schemas/Envelope"},
            {
                "type": "object",
                "properties": {
                    "type": {"const": type_},
                    "schema_version": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": version,
                        "description": f"{version} today; an older stored version reads through its upcasters",
                    },
                    "payload": payload_ref,
                },
            },
        ]
    }


# -- the document ------------------------------------------------------------------------------------------------
def document():
    channels, operations, messages, schemas = {}, {}, {}, {"Headers": HEADERS, "Envelope": ENVELOPE}
    for service, type_, version, schema in contracts():
        key = f"{service}.{type_}"
        body = example_event(service, type_, version, schema)
        headers = {
            "watchpost.service": service,
            "watchpost.position": body["position"],
            "watchpost.stream_id": body["stream_id"],
            "watchpost.schema_version": version,
            "nameko.correlation_id": body["correlation_id"],
        }
        schemas[key] = json_schema(schema)
        messages[key] = {
            "name": type_,
            "title": f"{service}: {type_} (schema_version {version})",
            "summary": (schema.__doc__ or f"{type_}, published by {service}").strip().split("\n")[0],
            "contentType": "application/json",
            "headers": {"$ref": "#/components/schemas/Headers"},
            "payload": envelope(type_, version, {"$ref": f"#/components/schemas/{key}"}),
            "correlationId": {"location": "$message.payload#/correlation_id"},
            "bindings": {"amqp": {"contentEncoding": "utf-8", "messageType": type_, "bindingVersion": "0.3.0"}},
            "examples": [{"name": f"{type_} example", "headers": headers, "payload": body}],
        }
        channels[key] = {
            "address": type_,
            "title": f"{service}.events / {type_}",
            "messages": {type_: {"$ref": f"#/components/messages/{key}"}},
            "bindings": {
                "amqp": {
                    "is": "routingKey",
                    "bindingVersion": "0.3.0",
                    "exchange": {
                        "name": f"{service}.events",
                        "type": "topic",
                        "durable": True,
                        "autoDelete": False,
                        "vhost": "/",
                    },
                }
            },
        }
        operations[f"publish.{key}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{key}"},
            "summary": f"{service} publishes {type_} once recorded (at least once; dedupe by service and position)",
            "messages": [{"$ref": f"#/channels/{key}/messages/{type_}"}],
            "bindings": {"amqp": {"deliveryMode": 2, "bindingVersion": "0.3.0"}},
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Watchpost events (监督哨)",
            "version": VERSION,
            "description": (
                "Every event each Watchpost service records, published in position order to the topic exchange "
                "`<service>.events` with the event type as routing key. The body is the whole event (envelope and "
                "payload, hash-chained); catch-up over HTTP `GET /events?after=POS&limit=N` returns the same JSON. "
                "Generated from watchpost.contracts by watchpost.contracts.asyncapi; do not edit by hand. "
                "See docs/subscribers.md and examples/subscriber/."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "district": {
                "host": "rabbitmq:5672",
                "protocol": "amqp",
                "protocolVersion": "0.9.1",
                "description": "the district's RabbitMQ; subscribers get their own vhost user",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }


def render():
    return yaml.safe_dump(document(), allow_unicode=True, sort_keys=False, width=120)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="watchpost-asyncapi", description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", default=str(DOC))
    parser.add_argument("--check", action="store_true", help="exit 1 if the file differs from the contracts")
    args = parser.parse_args(argv)
    text, path = render(), Path(args.path)
    if args.check:
        same = path.exists() and path.read_text(encoding="utf-8") == text
        print(f"{path}: {'up to date' if same else 'DRIFTED: run watchpost-asyncapi to regenerate'}")
        return 0 if same else 1
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path} ({len(contracts())} channels)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
