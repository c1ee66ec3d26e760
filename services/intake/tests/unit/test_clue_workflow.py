"""Every transition of a clue (问题线索) and every refusal, with the state and allowed commands named."""

import pytest

from watchpost.errors import IllegalTransition, Invalid, NotFound

from intake.commands import clues as h

STREET, COMMUNITY = "yongquan", "lijinggang"


def types(events):
    return [e.type for e in events]


def test_receive_records_the_clue_with_its_clocks(world):
    result = world.submit()
    (event,) = result
    p = event.payload
    assert event.type == "clue.received" and event.stream_id == f"clue-{result.id}"
    assert p["real_name"] is True and p["reporter_ref"] and result.receipt_code
    assert p["received_on"] == "2026-03-02"
    assert p["disposal_due_on"] == "2026-04-02"  # one month
    assert p["forwarding_due_on"] == "2026-03-09"  # 5 working days, over a weekend
    assert p["acceptance_notice_due_on"] == "2026-03-23"  # 15 working days
    assert world.status(result.id) == "received"


def test_full_talk_inquiry_path(world, clue):
    world.drive(clue, "approved")
    assert world.status(clue) == "talk_inquiry"
    approved = world.store.load(f"clue-{clue}")[-1].payload
    assert approved["reply_due_on"] == "2026-03-23" and approved["report_due_on"] == "2026-04-02"
    world.run("record_reply", clue_id=clue, summary="已书面说明")
    assert world.status(clue) == "replied"
    (done,) = world.run("conclude_clue", clue_id=clue, outcome="closed_light_handling", measure="reminder")
    assert done.payload["within_limit"] is True and done.payload["feedback_due_on"] == "2026-03-23"
    world.run("notify_acceptance", clue_id=clue)
    (fb,) = world.run("give_feedback", clue_id=clue, feedback="已对相关人员提醒谈话")
    assert fb.payload["on_time"] is True
    assert world.status(clue) == "concluded"


def test_preliminary_verification_needs_a_team_and_every_signature(world, clue):
    world.drive(clue, "approved", disposal="preliminary_verification")
    assert world.status(clue) == "verifying"
    with pytest.raises(Invalid, match="at least 2"):
        world.run("plan_verification", clue_id=clue, plan="调取账目", team=["a"])
    world.run("plan_verification", clue_id=clue, plan="调取账目", team=["a", "b", "c"])
    with pytest.raises(Invalid, match="missing: c"):
        world.run("report_verification", clue_id=clue, summary="核实报告", signed_by=["a", "b"])
    world.run("report_verification", clue_id=clue, summary="核实报告", signed_by=["a", "b", "c"])
    world.run("conclude_clue", clue_id=clue, outcome="case_filed")
    assert world.store.doc("clues", clue)["outcome"] == "case_filed"


def test_suspended_then_resumed_goes_back_to_analysis(world, clue):
    world.drive(clue, "disposal_proposed", disposal="suspended")
    events = world.run("approve_disposal", clue_id=clue, who="sc-2")
    assert types(events) == ["clue.disposal_approved", "clue.suspended"]
    assert world.status(clue) == "suspended"
    (resumed,) = world.run("resume_clue", clue_id=clue, reason="新线索", day=world.today.replace(day=20))
    assert resumed.payload["disposal_due_on"] == "2026-04-20"
    assert world.status(clue) == "registered"


def test_closed_disposal_concludes_at_once(world, clue):
    world.drive(clue, "disposal_proposed", disposal="closed")
    events = world.run("approve_disposal", clue_id=clue, who="sc-2")
    assert types(events) == ["clue.disposal_approved", "clue.concluded"]
    assert events[1].payload["outcome"] == "closed_cleared"


def test_rejected_proposal_returns_to_review(world, clue):
    world.drive(clue, "disposal_proposed")
    world.run("reject_disposal", clue_id=clue, who="sc-2", reason="证据不足以判断")
    assert world.status(clue) == "reviewed"
    assert world.store.doc("clues", clue)["proposal"] is None


def test_objection_reopens_a_concluded_clue(world, clue):
    world.drive(clue, "approved")
    world.run("record_reply", clue_id=clue, summary="说明")
    world.run("conclude_clue", clue_id=clue, outcome="closed_cleared")
    world.run("give_feedback", clue_id=clue, feedback="经核查不属实")
    world.run("raise_objection", clue_id=clue, reason="举报人不服")
    assert world.status(clue) == "registered"
    assert "disposal" in world.store.doc("clues", clue)["due"]


def test_out_of_scope_is_transferred_and_ends_here(world, clue):
    world.run("screen_clue", clue_id=clue, outcome="out_of_scope", reason="分办", transferred_to="区信访局")
    assert world.status(clue) == "out_of_scope"
    assert world.store.doc("clues", clue)["transferred_to"] == "区信访局"
    with pytest.raises(IllegalTransition):
        world.run("register_clue", clue_id=clue, ledger_no="X")


def test_forwarded_up_keeps_a_stub_and_erases_the_content(world, clue):
    content_ref = world.store.load(f"clue-{clue}")[0].payload["content_ref"]
    assert world.vault.open(content_ref)["details"]
    world.run("screen_clue", clue_id=clue, outcome="forwarded_up", reason="上级管辖", transferred_to="成都市纪委监委")
    doc = world.store.doc("clues", clue)
    assert doc["stub"] is True and doc["summary"] is None and doc["accused"] is None and doc["item"] is None
    assert world.vault.is_erased(content_ref)
    with pytest.raises(NotFound):
        world.vault.open(content_ref)


@pytest.mark.parametrize(
    "command, fields",
    [
        ("register_clue", {"ledger_no": "X"}),
        ("review_clue", {"participants": ["a", "b"], "conclusion": "c"}),
        ("propose_disposal", {"disposal": "closed", "reason": "r"}),
        ("approve_disposal", {}),
        ("record_reply", {"summary": "s"}),
        ("conclude_clue", {"outcome": "closed_cleared"}),
        ("resume_clue", {"reason": "r"}),
        ("give_feedback", {"feedback": "f"}),
        ("raise_objection", {"reason": "r"}),
        ("notify_acceptance", {}),
    ],
)
def test_illegal_transitions_name_the_state_and_what_is_allowed(world, clue, command, fields):
    with pytest.raises(IllegalTransition) as caught:
        world.run(command, clue_id=clue, **fields)
    assert caught.value.details["state"] == "received"
    assert caught.value.details["allowed"] == ["reveal_reporter", "screen_clue"]
    assert "'received'" in caught.value.message and "screen_clue" in caught.value.message
    assert caught.value.status == 409


def test_screening_refusals(world, clue):
    with pytest.raises(Invalid, match="allowed: accepted"):
        world.run("screen_clue", clue_id=clue, outcome="lost", reason="r")
    with pytest.raises(Invalid, match="repeat_of"):
        world.run("screen_clue", clue_id=clue, outcome="duplicate_retained", reason="r")
    with pytest.raises(Invalid, match="transferred_to"):
        world.run("screen_clue", clue_id=clue, outcome="out_of_scope", reason="r")
    with pytest.raises(Invalid, match="same accused"):
        world.run("screen_clue", clue_id=clue, outcome="duplicate_retained", reason="r", repeat_of="x")
    other = world.submit(accused={"name": "王五", "post": "会计", "rank": "community_staff"}).id
    with pytest.raises(Invalid, match="same accused"):
        world.run("screen_clue", clue_id=clue, outcome="duplicate_retained", reason="r", repeat_of=other)


def test_a_clue_about_the_district_committee_must_be_forwarded_up(world):
    cid = world.submit(accused={"name": "李四", "post": "区委委员", "rank": "district_committee"}).id
    with pytest.raises(Invalid, match="allowed outcome: forwarded_up"):
        world.run("screen_clue", clue_id=cid, outcome="accepted", reason="r", role="district_commission")


def test_review_needs_two_participants_and_conclusion_needs_a_known_measure(world, clue):
    world.drive(clue, "registered")
    with pytest.raises(Invalid, match="at least 2"):
        world.run("review_clue", clue_id=clue, participants=["a", "a"], conclusion="c")
    world.run("review_clue", clue_id=clue, participants=["a", "b"], conclusion="c")
    world.run("propose_disposal", clue_id=clue, disposal="talk_inquiry", reason="r", who="sc-1")
    world.run("approve_disposal", clue_id=clue, who="sc-2")
    world.run("record_reply", clue_id=clue, summary="s")
    with pytest.raises(Invalid, match="needs one"):
        world.run("conclude_clue", clue_id=clue, outcome="closed_light_handling")
    with pytest.raises(Invalid, match="measure"):
        world.run("conclude_clue", clue_id=clue, outcome="closed_cleared", measure="reminder")
    with pytest.raises(Invalid, match="allowed: reminder"):
        world.run("conclude_clue", clue_id=clue, outcome="closed_light_handling", measure="fine")
    with pytest.raises(Invalid, match="allowed: closed_cleared"):
        world.run("conclude_clue", clue_id=clue, outcome="vanished")


def test_unknown_clue_and_bad_input_on_receipt(world):
    with pytest.raises(NotFound):
        world.run("register_clue", clue_id="nope", ledger_no="X")
    with pytest.raises(Invalid, match="catalogue"):
        world.submit(category="C04", item="C01.01")
    with pytest.raises(Invalid, match="channel"):
        world.submit(channel="pigeon")
    with pytest.raises(Invalid, match="rank"):
        world.submit(accused={"post": "p", "rank": "emperor"})
    assert world.events() == []


def test_acceptance_notice_only_for_real_name_reporters(world):
    anonymous = world.submit(reporter=None).id
    world.drive(anonymous, "accepted")
    with pytest.raises(IllegalTransition) as caught:
        world.run("notify_acceptance", clue_id=anonymous)
    assert "notify_acceptance" not in caught.value.details["allowed"]
    named = world.submit(summary="另一事项", item="C04.01").id
    world.drive(named, "accepted")
    (notice,) = world.run("notify_acceptance", clue_id=named)
    assert notice.payload["on_time"] is True
    with pytest.raises(IllegalTransition):
        world.run("notify_acceptance", clue_id=named)


def test_scope_refuses_another_street_and_another_community(world, clue):
    with pytest.raises(NotFound, match=f"^no clue {clue}$"):
        h.screen_clue(world.store, world.ctx(street="other-street"), clue_id=clue, outcome="accepted", reason="r")
    with pytest.raises(NotFound, match=f"^no clue {clue}$"):
        h.screen_clue(
            world.store,
            world.ctx("community_secretary", community="fenghuang"),
            clue_id=clue,
            outcome="accepted",
            reason="r",
        )
    world.run("screen_clue", clue_id=clue, outcome="accepted", reason="r", role="district_commission")
    assert world.status(clue) == "accepted"
    assert (world.store.doc("clues", clue)["community"], world.store.doc("clues", clue)["street"]) == (
        COMMUNITY,
        STREET,
    )
