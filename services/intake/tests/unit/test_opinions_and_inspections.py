"""民情 (opinions, problems) and 监督检查 (inspections, findings, rectifications); the seed's counts."""

from datetime import date

import pytest

from watchpost.errors import IllegalTransition, Invalid, NotFound

from intake import reads

WHERE = {"community": "lijinggang", "street": "yongquan"}


def opinion(world, kind="problem", **kw):
    return world.run(
        "receive_opinion",
        role="supervisor",
        kind=kind,
        channel="meeting",
        summary="香瑞湖小区非机动车停放安全问题",
        **WHERE,
        **kw,
    )


def test_problem_path_and_counts(world):
    oid = opinion(world).id
    world.run("assign_opinion", opinion_id=oid, department="街道城管办", role="community_secretary")
    world.run("resolve_opinion", opinion_id=oid, resolution="已划定停放区", role="community_secretary")
    world.run("give_opinion_feedback", opinion_id=oid, feedback="已整改", role="community_secretary")
    world.run("close_opinion", opinion_id=oid, role="community_secretary")
    doc = world.store.doc("opinions", oid)
    assert doc["status"] == "closed" and doc["department"] == "街道城管办"
    opinion(world, kind="opinion")
    got = reads.counts(world.store, world.ctx("district_commission"))
    assert got["problems_resolved"] == 1 and got["opinions_collected"] == 1 and got["problems_collected"] == 1


def test_opinion_refusals(world):
    oid = opinion(world).id
    with pytest.raises(IllegalTransition) as caught:
        world.run("resolve_opinion", opinion_id=oid, resolution="r")
    assert caught.value.details == {"command": "resolve_opinion", "state": "received", "allowed": ["assign_opinion"]}
    with pytest.raises(IllegalTransition, match="allowed: give_opinion_feedback"):
        world.run("assign_opinion", opinion_id=oid, department="d")
        world.run("resolve_opinion", opinion_id=oid, resolution="r")
        world.run("close_opinion", opinion_id=oid)
    with pytest.raises(NotFound):
        world.run("close_opinion", opinion_id="missing")
    with pytest.raises(Invalid, match="kind"):
        opinion(world, kind="complaint")


def test_inspection_finding_rectification_path(world):
    ins = world.run(
        "record_inspection",
        held_on=date(2026, 3, 2),
        subject="三务公开专项检查",
        scope="三务公开",
        category="C01",
        inspectors=["吴波"],
        role="community_secretary",
        **WHERE,
    )[0].payload["inspection_id"]
    fid = world.run(
        "record_finding", inspection_id=ins, summary="惠民政策文件公示不齐全", category="C01", item="C01.04"
    )[0].payload["finding_id"]
    with pytest.raises(IllegalTransition, match="allowed: escalate_finding, order_rectification"):
        world.run("verify_rectification", inspection_id=ins, finding_id=fid)
    with pytest.raises(Invalid, match="deadline must be after today"):
        world.run("order_rectification", inspection_id=ins, finding_id=fid, deadline="2026-03-02", responsible="r")
    world.run("order_rectification", inspection_id=ins, finding_id=fid, deadline="2026-03-31", responsible="居委会")
    world.run("report_rectification", inspection_id=ins, finding_id=fid, summary="已补充公示")
    (verified,) = world.run("verify_rectification", inspection_id=ins, finding_id=fid)
    assert verified.payload["on_time"] is True
    f = world.store.doc("inspections", ins)["findings"][fid]
    assert f["status"] == "rectification_verified" and f["responsible"] == "居委会"
    got = reads.counts(world.store, world.ctx("community_secretary"))
    assert (got["inspections_held"], got["findings_recorded"], got["rectifications_verified"]) == (1, 1, 1)
    assert got["scope"] == "community:yongquan/lijinggang"
    with pytest.raises(NotFound):
        world.run("report_rectification", inspection_id=ins, finding_id="nope", summary="s")


def test_a_finding_becomes_a_clue(world):
    ins = world.run("record_inspection", held_on="2026-03-02", subject="三资检查", scope="三资管理", **WHERE)[
        0
    ].payload["inspection_id"]
    fid = world.run("record_finding", inspection_id=ins, summary="用餐接待超标准", category="C08", item="C08.01")[
        0
    ].payload["finding_id"]
    events = world.run(
        "escalate_finding",
        inspection_id=ins,
        finding_id=fid,
        accused={"name": "某某", "post": "社区书记", "rank": "community_leader"},
    )
    assert [e.type for e in events] == ["finding.escalated", "clue.received"]
    clue = events[1].payload
    assert clue["channel"] == "inspection" and clue["source"] == {"inspection_id": ins, "finding_id": fid}
    assert clue["clue_id"] == events[0].payload["clue_id"] and events[1].causation_id == events[0].event_id
    assert world.store.doc("clues", clue["clue_id"])["summary"] == "用餐接待超标准"
    with pytest.raises(IllegalTransition):
        world.run("order_rectification", inspection_id=ins, finding_id=fid, deadline="2026-04-01", responsible="r")


def test_record_inspection_twice_and_finding_without_inspection(world):
    with pytest.raises(NotFound):
        world.run("record_finding", inspection_id="nope", summary="s", category="C01")
    world.run("record_inspection", inspection_id="i1", held_on="2026-03-02", subject="s", scope="x", **WHERE)
    with pytest.raises(IllegalTransition):
        world.run("record_inspection", inspection_id="i1", held_on="2026-03-02", subject="s", scope="x", **WHERE)
