"""docs/asyncapi.yaml is what the contracts say, today: drift fails. Every published type of every service is in it,
on its exchange and routing key, with the relay's headers, its payload schema and an example that the contract
accepts."""

import pytest
import yaml

from watchpost.contracts import SERVICES, asyncapi, checkpoints, consumers, published
from watchpost.eventlog.model import chain_hash, event_from_json, hashed_fields
from watchpost.eventlog.relay import message_for

DOC = yaml.safe_load(asyncapi.DOC.read_text(encoding="utf-8"))
EVERY = [
    (s, t, v, schema)
    for s in SERVICES
    for t, (v, schema) in {
        **published(s),
        **checkpoints.EVENTS,
        **(consumers.EVENTS if s in consumers.CONSUMING else {}),
    }.items()
]


def test_the_committed_document_is_the_generated_one():
    assert asyncapi.DOC.read_text(encoding="utf-8") == asyncapi.render(), (
        "docs/asyncapi.yaml has drifted from watchpost.contracts: run "
        "`.venv/bin/python -m watchpost.contracts.asyncapi` and commit the result"
    )


def test_it_is_asyncapi_3_with_a_channel_operation_and_message_per_published_type():
    assert DOC["asyncapi"] == "3.0.0"
    assert len(DOC["channels"]) == len(EVERY) == len(DOC["operations"]) == len(DOC["components"]["messages"])


@pytest.mark.parametrize("service,type_,version,schema", EVERY, ids=[f"{s}:{t}" for s, t, _, _ in EVERY])
def test_every_published_type_is_documented(service, type_, version, schema):
    key = f"{service}.{type_}"
    channel = DOC["channels"][key]
    assert channel["address"] == type_
    assert channel["bindings"]["amqp"]["exchange"]["name"] == f"{service}.events"
    assert channel["bindings"]["amqp"]["exchange"]["type"] == "topic"
    assert DOC["operations"][f"publish.{key}"]["channel"] == {"$ref": f"#/channels/{key}"}

    message = DOC["components"]["messages"][key]
    assert message["headers"] == {"$ref": "#/components/schemas/Headers"}
    pinned = message["payload"]["allOf"][1]["properties"]
    assert pinned["type"] == {"const": type_} and pinned["schema_version"]["maximum"] == version
    assert pinned["payload"] == {"$ref": f"#/components/schemas/{key}"}
    properties = DOC["components"]["schemas"][key]["properties"]
    assert set(properties) == set(schema().fields), "the payload schema lists every contract field"

    [example] = message["examples"]
    body = example["payload"]
    schema().load(body["payload"])  # the example payload passes the contract
    assert (body["type"], body["schema_version"]) == (type_, version)
    assert body["hash"] == chain_hash(body["prev_hash"], hashed_fields(event_from_json(body)))
    assert set(DOC["components"]["schemas"]["Envelope"]["required"]) == set(body)
    assert set(DOC["components"]["schemas"]["Headers"]["required"]) <= set(example["headers"])


def test_the_documented_headers_are_the_ones_the_relay_sets():
    service, type_, version, schema = EVERY[0]
    body = DOC["components"]["messages"][f"{service}.{type_}"]["examples"][0]["payload"]
    sent = message_for(service, event_from_json(body))
    assert set(sent.application_headers) == set(asyncapi.HEADERS["properties"])
    assert sent.properties["type"] == type_


def test_the_checkpoint_example_is_really_signed():
    from watchpost.audit.checkpoint import check_signature

    body = DOC["components"]["messages"]["liaison.checkpoint.signed"]["examples"][0]["payload"]
    assert check_signature(body["payload"], development=True) is None
    assert body["payload"]["key_id"].startswith("dev-"), "the example is signed with the development key only"
