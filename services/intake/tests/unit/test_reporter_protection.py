"""举报人保护 end to end: a named reporter's name and phone appear in no event, no projection doc, no error."""

import json
from datetime import date

import pytest

from watchpost.errors import IllegalTransition, Invalid, NotFound, WatchpostError
from watchpost.eventlog.model import event_to_json

from intake import reads, timers
from intake.commands import clues as h

NAME, PHONE = "易会容测试", "13800138000"


def everything_visible(world, errors):
    events = json.dumps([event_to_json(e) for e in world.store.replay()], ensure_ascii=False)
    docs = json.dumps(
        {p.name: world.store.docs(p.name, limit=10_000) for p in world.store.projections}, ensure_ascii=False
    )
    return events + docs + json.dumps(errors, ensure_ascii=False)


def test_full_workflow_leaks_neither_name_nor_phone(world):
    errors = []

    def attempt(fn, *args, **kw):
        try:
            return fn(*args, **kw)
        except WatchpostError as exc:
            errors.append(exc.body())

    submitted = world.submit(reporter={"name": NAME, "phone": PHONE})
    cid = submitted.id
    opinion = world.run(
        "receive_opinion",
        kind="problem",
        channel="citizen_platform",
        summary="路灯不亮",
        community="lijinggang",
        street="yongquan",
        reporter={"name": NAME, "phone": PHONE},
        role="citizen",
    ).id
    for day in (date(2026, 3, 4), date(2026, 3, 10)):
        timers.tick(world.store, world.ctx("system", day=day))
    world.drive(cid, "disposal_proposed")
    attempt(world.run, "approve_disposal", clue_id=cid, who="sc-1")  # same person
    attempt(world.run, "conclude_clue", clue_id=cid, outcome="closed_cleared")  # wrong state
    attempt(h.screen_clue, world.store, world.ctx(street="elsewhere"), clue_id=cid, outcome="accepted", reason="r")
    attempt(world.submit, reporter={"name": "", "phone": PHONE})
    world.run("approve_disposal", clue_id=cid, who="sc-2")
    world.run("notify_acceptance", clue_id=cid)
    world.run("record_reply", clue_id=cid, summary="已说明")
    world.run("conclude_clue", clue_id=cid, outcome="closed_light_handling", measure="criticism_education")
    world.run("give_feedback", clue_id=cid, feedback="已批评教育")
    world.run("raise_objection", clue_id=cid, reason="不服处理结果")
    revealed = world.run(
        "reveal_reporter", clue_id=cid, reason="核实举报人身份以便回访", role="district_commission", who="dc-1"
    )
    for command in ("assign_opinion", "resolve_opinion", "give_opinion_feedback"):
        field = {"assign_opinion": "department", "resolve_opinion": "resolution", "give_opinion_feedback": "feedback"}[
            command
        ]
        world.run(command, opinion_id=opinion, **{field: "处理"})
    attempt(reads.lookup_receipt, world.store, world.ctx("citizen"), receipt_code="0000-0000-0000-0000-0000")
    reads_seen = [
        reads.get_clue(world.store, world.ctx(), clue_id=cid),
        reads.clue_history(world.store, world.ctx(), clue_id=cid),
        reads.lookup_receipt(world.store, world.ctx("citizen"), receipt_code=submitted.receipt_code),
    ]
    assert len(errors) == 5
    assert revealed.reporter == {"name": NAME, "phone": PHONE}  # only to the one caller, with a reason logged
    assert revealed[0].payload["reason"] and revealed[0].payload["revealed_to"] == "dc-1"
    visible = everything_visible(world, errors) + json.dumps(reads_seen, ensure_ascii=False, default=str)
    assert NAME not in visible and PHONE not in visible
    assert "易会容" not in visible and "138001" not in visible
    assert "informant-1" not in visible and "citizen-1" not in visible  # the submitting reporter's own id
    assert submitted[0].actor["id"].startswith("sealed:")
    assert submitted[0].actor["role"] == "reporter"  # not its role: "informant of C1" can be a name


def test_reveal_needs_a_reason_and_a_real_name_reporter(world):
    anonymous = world.submit(reporter=None).id
    with pytest.raises(IllegalTransition, match="reveal_reporter"):
        world.run("reveal_reporter", clue_id=anonymous, reason="r", role="district_commission")
    with pytest.raises(Invalid, match="needs a reason"):
        world.run("reveal_reporter", clue_id=anonymous, reason=" ", role="district_commission")


def test_reveal_after_erasure_finds_nothing(world):
    submitted = world.submit()
    world.vault.erase(submitted[0].payload["reporter_ref"])
    with pytest.raises(NotFound) as caught:
        world.run("reveal_reporter", clue_id=submitted.id, reason="回访", role="district_commission")
    assert NAME not in caught.value.message


def test_reads_never_show_vault_references(world):
    cid = world.submit().id
    doc = reads.get_clue(world.store, world.ctx(), clue_id=cid)
    history = reads.clue_history(world.store, world.ctx(), clue_id=cid)
    text = json.dumps([doc, history], ensure_ascii=False)
    assert "reporter_ref" not in text and "content_ref" not in text and "receipt_hash" not in text
    assert "rep_" not in text and "con_" not in text
    with pytest.raises(NotFound):
        reads.get_clue(world.store, world.ctx("community_secretary", community="fenghuang"), clue_id=cid)
