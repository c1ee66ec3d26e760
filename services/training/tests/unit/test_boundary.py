"""The boundary: request schemas (unknown fields raise), the access table, and the published contract."""

import inspect
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from marshmallow import ValidationError

from watchpost.contracts import check, published

import training.domain as domain
from training import commands, reads
from training.access import ALLOWED
from training.schemas import SCHEMAS

handlers = SimpleNamespace(**{**vars(commands), **vars(reads)})

VALID = {
    "schedule_session": {
        "kind": "monthly_lecture",
        "topic": "每月讲坛",
        "date": "2026-03-02",
        "hours": 2,
        "organiser": "区纪委",
        "audience": {"roles": ["supervisor"], "communities": ["C1"]},
    },
    "reschedule_session": {"session_id": "s", "date": "2026-03-09"},
    "cancel_session": {"session_id": "s", "reason": "冲突"},
    "hold_session": {"session_id": "s"},
    "record_attendance": {
        "session_id": "s",
        "person_id": "P1",
        "role": "supervisor",
        "street": "S1",
        "status": "present",
    },
    "correct_attendance": {"session_id": "s", "person_id": "P1", "status": "absent", "reason": "漏记"},
    "enrol_cadre": {"person_id": "P1", "role": "supervisor", "street": "S1", "appointed_on": "2026-01-01"},
    "withdraw_cadre": {"person_id": "P1", "dismissed_on": "2026-06-30"},
    "close_year": {"year": 2026},
    "get_session": {"session_id": "s"},
    "sessions_by_period": {"period": "2026-Q1"},
    "person_record": {"person_id": "P1", "year": 2026},
    "onboarding_status": {"person_id": "P1"},
    "community_participation": {"community": "C1", "year": 2026},
    "street_participation": {"street": "S1", "year": 2026},
}


def test_every_command_and_read_has_a_schema_and_an_access_entry():
    assert set(SCHEMAS) == set(ALLOWED) == set(VALID)
    for name in SCHEMAS:
        assert callable(getattr(handlers, name))


@pytest.mark.parametrize("name", sorted(VALID))
def test_schemas_load_a_valid_request_into_the_handlers_keywords(name):
    loaded = SCHEMAS[name]().load(VALID[name])
    params = inspect.signature(getattr(handlers, name)).parameters
    assert set(loaded) <= set(params)


@pytest.mark.parametrize("name", sorted(VALID))
def test_unknown_fields_raise(name):
    with pytest.raises(ValidationError) as info:
        SCHEMAS[name]().load({**VALID[name], "surprise": 1})
    assert "surprise" in info.value.messages


@pytest.mark.parametrize(
    "name, bad",
    [
        ("schedule_session", {"hours": 0}),
        ("schedule_session", {"kind": "party"}),
        ("schedule_session", {"audience": {"roles": ["x"]}}),
        ("schedule_session", {"audience": {"villages": []}}),
        ("record_attendance", {"status": "late"}),
        ("close_year", {"year": "2026"}),
        ("sessions_by_period", {"period": "2026-Q5"}),
    ],
)
def test_schemas_refuse_bad_values(name, bad):
    with pytest.raises(ValidationError):
        SCHEMAS[name]().load({**VALID[name], **bad})


def test_the_contract_names_every_event_type_the_domain_can_emit():
    source = "".join(p.read_text() for p in Path(domain.__file__).parent.glob("*.py"))
    emitted = set(re.findall(r'Change\(\s*"([a-z_.]+)"', source))
    emitted |= {"requirement.met", "requirement.shortfall"}  # chosen by name in record.close
    assert emitted == set(published("training"))


def test_the_contract_refuses_a_payload_with_missing_or_extra_fields():
    good = {"person_id": "P1", "street": "S1", "community": None, "completed_on": "2026-03-02"}
    check("training", "onboarding.completed", good, 1)
    with pytest.raises(ValueError, match="does not match its contract"):
        check("training", "onboarding.completed", {**good, "name": "张三"})
    with pytest.raises(ValueError, match="does not match its contract"):
        check("training", "onboarding.completed", {k: v for k, v in good.items() if k != "street"})
