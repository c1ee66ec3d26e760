"""知情范围 as a table and 回避 as a command, on the pure functions: who knows of a clue, and that a clue outside the
circle (or one stepped aside from) answers as a missing one, for reads and commands alike."""

import pytest

from watchpost.domain import Actor
from watchpost.errors import Invalid, NotFound

from intake import knowing, reads

CLUE = {
    "community": "lijinggang",
    "street": "yongquan",
    "level": "street_commission",
    "submitted_by": None,
    "recused": [],
}


@pytest.mark.parametrize(
    "actor, doc, knows",
    [
        (Actor("dc", "district_commission"), {**CLUE, "level": "upper_level"}, True),
        (Actor("au", "auditor"), CLUE, True),
        (Actor("sc", "street_commission", street="yongquan"), CLUE, True),
        (Actor("sc", "street_commission", street="liucheng"), CLUE, False),  # another street
        (Actor("sc", "street_commission", street="yongquan"), {**CLUE, "level": "district_commission"}, False),
        (Actor("sc", "street_commission", street="yongquan"), {**CLUE, "recused": ["sc"]}, False),  # 回避
        (Actor("cs", "community_secretary", community="lijinggang"), CLUE, False),  # about their community
        (Actor("cs", "community_secretary", community="lijinggang"), {**CLUE, "submitted_by": "cs"}, False),
        (Actor("cs", "community_secretary", community="fenghuang"), {**CLUE, "submitted_by": "cs"}, True),
        (Actor("cs", "community_secretary", community="fenghuang"), CLUE, False),  # not theirs
        (Actor("inf", "informant", community="lijinggang"), CLUE, False),
        (Actor("sub", "subscriber"), CLUE, False),
    ],
)
def test_the_table_decides_who_knows(actor, doc, knows):
    assert knowing.knows(actor, doc) is knows


def test_a_handler_who_declared_a_conflict_can_neither_read_nor_act(world):
    cid = world.submit().id
    other = world.submit(summary="另一线索", item="C04.01").id
    with pytest.raises(Invalid, match="reason"):
        world.run("declare_conflict", clue_id=cid, reason="  ", who="sc-1")
    (declared,) = world.run("declare_conflict", clue_id=cid, reason="与被反映人系近亲属", who="sc-1")
    assert declared.type == "clue.conflict_declared" and declared.payload["declared_by"] == "sc-1"
    me = world.ctx(who="sc-1")
    for read in (reads.get_clue, reads.clue_history, reads.list_attachments):
        with pytest.raises(NotFound, match=f"^no clue {cid}$"):
            read(world.store, me, clue_id=cid)
    for command, fields in (
        ("screen_clue", {"outcome": "accepted", "reason": "r"}),
        ("declare_conflict", {"reason": "again"}),
    ):
        with pytest.raises(NotFound, match=f"^no clue {cid}$"):
            world.run(command, clue_id=cid, who="sc-1", **fields)
    assert [c["clue_id"] for c in reads.list_clues(world.store, me)["items"]] == [other]
    assert reads.list_clues(world.store, me)["total"] == 1
    world.run("screen_clue", clue_id=cid, outcome="accepted", reason="r", who="sc-2")  # a colleague goes on
    assert reads.list_clues(world.store, world.ctx(who="sc-2"))["total"] == 2
