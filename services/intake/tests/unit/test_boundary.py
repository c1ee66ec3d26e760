"""The boundary: request schemas, the access table, scoped reads, and the contract covering every event."""

from types import SimpleNamespace

import pytest
from marshmallow import ValidationError

from watchpost.contracts import check, published
from watchpost.domain import Actor
from watchpost.errors import Forbidden, Invalid

from intake import access, reads, timers
from intake.commands import attachments, clues, inspections, opinions
from intake.commands import vault as vault_commands
from intake.schemas import SCHEMAS

handlers = SimpleNamespace(
    **{
        name: fn
        for module in (clues, attachments, inspections, opinions, timers, vault_commands)
        for name, fn in vars(module).items()
    }
)


def test_every_command_and_read_has_a_schema_a_role_set_and_a_function():
    assert set(SCHEMAS) == set(access.ALLOWED)
    for name in access.ALLOWED:
        assert callable(getattr(handlers, name, None) or getattr(reads, name, None)), name


def test_unknown_fields_are_refused_and_enums_checked():
    good = {
        "community": "c",
        "street": "s",
        "channel": "wechat",
        "summary": "x",
        "category": "C01",
        "accused": {"post": "主任", "rank": "community_cadre"},
    }
    assert SCHEMAS["receive_clue"]().load(good)["reporter"] is None
    with pytest.raises(ValidationError) as caught:
        SCHEMAS["receive_clue"]().load({**good, "admin": True})
    assert "admin" in caught.value.messages
    with pytest.raises(ValidationError, match="Must be one of"):
        SCHEMAS["receive_clue"]().load({**good, "channel": "pigeon"})
    with pytest.raises(ValidationError):
        SCHEMAS["receive_clue"]().load({**good, "accused": {"post": "p", "rank": "king"}})
    with pytest.raises(ValidationError):
        SCHEMAS["receive_clue"]().load({**good, "summary": "x" * 201})
    with pytest.raises(ValidationError):
        SCHEMAS["receive_clue"]().load({**good, "reporter": {"name": "n", "phone": "call me"}})
    with pytest.raises(ValidationError):
        SCHEMAS["conclude_clue"]().load({"clue_id": "c", "outcome": "closed_cleared", "measure": "fine"})
    assert SCHEMAS["list_clues"]().load({})["limit"] == 50


@pytest.mark.parametrize(
    "name, role, allowed",
    [
        ("receive_clue", "citizen", True),
        ("lookup_receipt", "citizen", True),
        ("get_clue", "citizen", False),
        ("approve_disposal", "community_secretary", False),
        ("approve_disposal", "street_commission", True),
        ("reveal_reporter", "street_commission", False),
        ("tick", "system", True),
        ("counts", "subscriber", True),
        ("list_clues", "informant", False),
        ("no_such_command", "district_commission", False),
    ],
)
def test_access_table(name, role, allowed):
    actor = Actor("a", role)
    if allowed:
        access.require(name, actor)
    else:
        with pytest.raises(Forbidden):
            access.require(name, actor)


def test_list_reads_are_scoped(world):
    world.submit()
    world.submit(community="fenghuang", street="liucheng", summary="他处线索")
    world.submit(
        world.ctx("community_secretary", who="cs-1"),
        community="fenghuang",
        street="liucheng",
        summary="秘书提交的他处线索",
    )
    world.submit(world.ctx("community_secretary", who="cs-1"), summary="秘书提交的本社区线索")
    secretary = world.ctx("community_secretary", who="cs-1")  # of lijinggang
    mine = reads.list_clues(world.store, secretary)  # their own submission, not about their community
    assert [c["summary"] for c in mine["items"]] == ["秘书提交的他处线索"] and mine["total"] == 1
    assert reads.list_clues(world.store, secretary, community="lijinggang")["items"] == []
    assert reads.list_clues(world.store, world.ctx("community_secretary", who="cs-2"))["total"] == 0
    street = world.ctx("street_commission", street="liucheng")
    assert reads.list_clues(world.store, street)["total"] == 2
    assert reads.list_clues(world.store, street, street="yongquan") == {
        "items": [],
        "total": 0,
        "limit": 50,
        "offset": 0,
    }
    district = world.ctx("district_commission")
    page = reads.list_clues(world.store, district, status="received", limit=1)
    assert page["total"] == 4 and len(page["items"]) == 1 and page["limit"] == 1
    assert reads.list_clues(world.store, world.ctx("citizen"))["total"] == 0  # knows of no clue
    with pytest.raises(Invalid, match="its street too"):
        reads.counts(world.store, district, community="lijinggang")


def test_the_contract_knows_every_type_and_refuses_a_leaky_payload(world):
    event = world.submit()[0]
    assert "clue.received" in published("intake")
    with pytest.raises(ValueError, match="does not match"):
        check("intake", "clue.received", {**event.payload, "reporter": {"name": "x"}})
    with pytest.raises(ValueError, match="does not publish"):
        check("intake", "clue.vanished", {})
