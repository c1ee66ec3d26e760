"""Minimal feeds: no published event type of any service carries a reporter's identity. Every contract's fields (at
any depth) and its sample payload (the one docs/asyncapi.yaml shows) are checked: no name, phone, contact or
reporter field, except the opaque `reporter_ref`. Runs without services: it reads the contracts."""

import re

import pytest
from marshmallow import fields

from watchpost.contracts import SERVICES, checkpoints, published
from watchpost.contracts.asyncapi import example_payload

EVERY = [
    (s, t, schema)
    for s in (*SERVICES, "checkpoints")
    for t, (_, schema) in (checkpoints.EVENTS if s == "checkpoints" else published(s)).items()
]
IDENTITY = re.compile(
    r"(^|_)(phone|mobile|tel|telephone|email|wechat|id_card|id_number|address|contact|contacts|"
    r"reporter\w*|informer\w*|whistleblower\w*)$"
)
ALLOWED = {"reporter_ref"}  # the opaque reference into intake's vault; nothing outside intake can resolve it
# `name` is a person's or a place's name. It is allowed only where it names a place, a body or a post of the public
# directory (the street, community, station, group, centre, platform and the appointed cadres of liaison's 公示
# directory) -- never in a clue, an opinion or anything a reporter said.
NAMED = {
    ("liaison", t)
    for t in (
        "street.registered",
        "community.registered",
        "station.registered",
        "group.registered",
        "centre.registered",
        "platform.registered",
        "person.appointed",
    )
}
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
# Events that are someone's report: whoever reported is a reporter, so the event names no person at all -- not even
# by an id a subscriber could join to the public directory (person.appointed carries the name).
REPORTS = {("liaison", "feedback.major_problem_flagged")}
PERSON_ID = re.compile(r"(^|_)(person|member|feedback|actor)_id$|^person$")  # a feedback id is `<person>-<period>`


def field_names(schema, path=""):
    """Every field name of a schema, nested ones too, with the path to it."""
    for name, field in (schema() if isinstance(schema, type) else schema).fields.items():
        yield name, f"{path}{name}"
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested):
            yield from field_names(inner.schema, f"{path}{name}.")
        if isinstance(inner, fields.Dict) and isinstance(inner.value_field, fields.Nested):
            yield from field_names(inner.value_field.schema, f"{path}{name}.*.")


def keys(value, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k, f"{path}{k}"
            yield from keys(v, f"{path}{k}.")
    elif isinstance(value, list):
        for item in value:
            yield from keys(item, f"{path}[].")


def identity_fields(service, type_, names):
    return [
        path
        for name, path in names
        if name not in ALLOWED and (IDENTITY.search(name) or (name == "name" and (service, type_) not in NAMED))
    ]


@pytest.mark.parametrize("service,type_,schema", EVERY, ids=[f"{s}:{t}" for s, t, _ in EVERY])
def test_no_contract_has_a_reporter_identity_field(service, type_, schema):
    found = identity_fields(service, type_, field_names(schema))
    assert not found, (
        f"{service} {type_} publishes {found}: a subscriber may not see who reported; "
        f"publish the opaque reporter_ref only"
    )


@pytest.mark.parametrize("service,type_,schema", EVERY, ids=[f"{s}:{t}" for s, t, _ in EVERY])
def test_no_sample_payload_carries_a_reporter_identity(service, type_, schema):
    sample = example_payload(schema)
    schema().load(sample)
    assert not identity_fields(service, type_, keys(sample))
    assert not PHONE.search(str(sample)), f"{type_}'s sample holds something like a mobile number"


@pytest.mark.parametrize("service,type_", sorted(REPORTS), ids=[f"{s}:{t}" for s, t in sorted(REPORTS)])
def test_a_report_names_no_person(service, type_):
    _, schema = published(service)[type_]
    found = [path for name, path in field_names(schema) if PERSON_ID.search(name)]
    assert not found, f"{service} {type_} is a report but publishes {found}: it would link the reporter to it"
    assert not [path for name, path in keys(example_payload(schema)) if PERSON_ID.search(name)]


def test_the_checks_catch_a_leak():
    from marshmallow import Schema

    class Leaky(Schema):
        clue_id, reporter_name = fields.Str(), fields.Str()
        accused = fields.Nested(type("Who", (Schema,), {"name": fields.Str(), "contact": fields.Str()}))

    found = identity_fields("intake", "clue.received", field_names(Leaky))
    assert found == ["reporter_name", "accused.name", "accused.contact"]
    assert identity_fields("liaison", "pairing.contact_recorded", [("contact_no", "contact_no")]) == []
    assert identity_fields("intake", "clue.received", [("reporter_ref", "reporter_ref")]) == []
    assert [n for n in ("person_id", "feedback_id", "member_id", "flag_id", "station_id") if PERSON_ID.search(n)] == [
        "person_id",
        "feedback_id",
        "member_id",
    ]
