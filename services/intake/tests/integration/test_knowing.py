"""Who may know of a clue (知情范围) and 回避, tried over HTTP against the running intake by the people the rules keep
out: the accused's own community secretary, another street, a street below the accused's rank, a handler who
stepped aside, an informant fishing for others' reports. Each is answered exactly as for a clue that does not exist.
"""

import pytest
from intake_it_helpers import COMMUNITY, OTHER, STREET

pytestmark = pytest.mark.integration
MISSING = "00000000-0000-4000-8000-000000000000"
CLUE_READS = ("/clues/{}", "/clues/{}/history", "/clues/{}/attachments")


def same_as_missing(client, path, clue_id, method="GET", body=None):
    """The answer for `clue_id` equals the answer for an id that does not exist, byte for byte apart from the id
    (404; or the role's own 403, which names no record)."""
    got = client.request(method, path.format(clue_id), json=body)
    missing = client.request(method, path.format(MISSING), json=body)
    assert got.status_code == missing.status_code and got.status_code in (403, 404), (path, got.text)
    assert got.content.replace(clue_id.encode(), b"<id>") == missing.content.replace(MISSING.encode(), b"<id>")
    assert got.headers["Content-Type"] == missing.headers["Content-Type"]
    return got.json()


def test_the_accused_communitys_secretary_learns_nothing(intake):
    about_them = intake.submit()["clue_id"]  # about a cadre of lijinggang
    secretary = intake.as_("community_secretary", "cs-lijinggang")
    listed = secretary.get("/clues")
    assert listed.status_code == 200 and listed.json()["items"] == [] and listed.json()["total"] == 0
    assert secretary.get("/clues", params={"community": COMMUNITY}).json()["total"] == 0
    for path in CLUE_READS:
        body = same_as_missing(secretary, path, about_them)
        assert COMMUNITY not in str(body) and STREET not in str(body)
    counts = secretary.get("/counts").json()
    assert counts["clues_received"] is None and counts["opinions_collected"] == 0  # no count narrows to a clue
    # what they submit themself about another community they may follow; about their own, never
    own = intake.submit(secretary, community=OTHER, summary="秘书反映的他处问题")["clue_id"]
    also_theirs = intake.submit(secretary, summary="秘书反映的本社区问题")["clue_id"]
    assert [c["clue_id"] for c in secretary.get("/clues").json()["items"]] == [own]
    assert secretary.get(f"/clues/{own}").status_code == 200
    same_as_missing(secretary, "/clues/{}", also_theirs)
    assert intake.as_("community_secretary", "cs-other", community=OTHER).get("/clues").json()["total"] == 0


def test_an_informant_sees_only_their_own_report_through_its_receipt(intake):
    mine = intake.submit(intake.as_("informant", "informant-a"))
    theirs = intake.submit(intake.as_("informant", "informant-b"), summary="另一信息员的报告")
    me = intake.as_("informant", "informant-a")
    for path in ("/clues/{}", "/clues/{}/history"):  # not even their own by id: no id reveals more
        refused, missing = me.get(path.format(theirs["clue_id"])), me.get(path.format(MISSING))
        assert refused.status_code == missing.status_code == 403
        assert refused.content == missing.content  # the role's refusal names no record
    assert me.get("/clues").status_code == 403
    receipt = intake.receipt(mine["receipt_code"], me)
    assert receipt.status_code == 200 and set(receipt.json()) == {
        "kind",
        "status",
        "received_on",
        "updated_on",
        "feedback",
    }


def test_another_street_gets_the_same_404_as_a_missing_id(intake):
    clue_id = intake.submit()["clue_id"]
    intake.on(clue_id, "screen", {"outcome": "accepted", "reason": "受理"})
    elsewhere = intake.as_("street_commission", "sc-liucheng", street="liucheng")
    for path in CLUE_READS:
        body = same_as_missing(elsewhere, path, clue_id)
        assert STREET not in body["message"] and COMMUNITY not in body["message"]
    same_as_missing(elsewhere, "/clues/{}/register", clue_id, "POST", {"ledger_no": "L-9"})
    same_as_missing(elsewhere, "/clues/{}/declare-conflict", clue_id, "POST", {"reason": "试探"})
    assert elsewhere.get("/clues").json()["total"] == 0
    assert elsewhere.get("/clues", params={"street": STREET}).json()["items"] == []
    assert elsewhere.get("/counts").json()["clues_received"] is None


def test_a_handler_who_declared_a_conflict_can_neither_read_nor_act(intake):
    clue_id = intake.submit()["clue_id"]
    other = intake.submit(summary="另一线索", item="C04.01")["clue_id"]
    intake.on(clue_id, "screen", {"outcome": "accepted", "reason": "受理"})
    refused = intake.as_("street_commission", "sc-1").post(f"/clues/{clue_id}/declare-conflict", {})
    assert refused.status_code == 422 and "reason" in refused.json()["details"]["fields"]
    declared = intake.on(clue_id, "declare-conflict", {"reason": "与被反映人系近亲属"}, who="sc-1")
    assert declared["events"][0]["type"] == "clue.conflict_declared"
    recused = intake.as_("street_commission", "sc-1")
    for path in CLUE_READS:
        same_as_missing(recused, path, clue_id)
    for command, body in (
        ("register", {"ledger_no": "WJ-1"}),
        ("declare-conflict", {"reason": "再次"}),
        ("objection", {"reason": "x"}),
    ):
        same_as_missing(recused, "/clues/{}/" + command, clue_id, "POST", body)
    assert [c["clue_id"] for c in recused.get("/clues").json()["items"]] == [other]
    assert recused.get("/clues").json()["total"] == 1
    colleague = intake.as_("street_commission", "sc-2")  # the clue goes on without them
    intake.on(clue_id, "register", {"ledger_no": "WJ-1"}, who="sc-2")
    history = colleague.get(f"/clues/{clue_id}/history").json()["events"]
    declared_event = next(e for e in history if e["type"] == "clue.conflict_declared")
    assert declared_event["payload"]["declared_by"] == "sc-1" and declared_event["payload"]["reason"]
    assert colleague.get("/clues").json()["total"] == 2


def test_a_clue_above_the_streets_level_is_invisible_to_the_street(intake):
    higher = intake.submit(accused={"name": "赵六", "post": "街道党工委委员", "rank": "street_committee"})["clue_id"]
    street = intake.as_("street_commission")
    assert street.get("/clues").json()["total"] == 0
    for path in CLUE_READS:
        same_as_missing(street, path, higher)
    same_as_missing(street, "/clues/{}/screen", higher, "POST", {"outcome": "accepted", "reason": "r"})
    district = intake.as_("district_commission")
    assert district.get(f"/clues/{higher}").json()["level"] == "district_commission"
    intake.on(higher, "screen", {"outcome": "accepted", "reason": "受理"}, role="district_commission", who="dc-1")
    assert intake.as_("auditor").get(f"/clues/{higher}").status_code == 200


def test_an_opinion_or_inspection_out_of_scope_answers_as_missing(intake):
    opinion = {"kind": "problem", "channel": "wechat", "community": OTHER, "street": "liucheng", "summary": "路灯坏了"}
    opinion_id = intake.client.post("/opinions", opinion).json()["opinion_id"]
    secretary = intake.as_("community_secretary")
    for path, body in (("/opinions/{}", None), ("/opinions/{}/assign", {"department": "城管"})):
        got = secretary.request("POST" if body else "GET", path.format(opinion_id), json=body)
        missing = secretary.request("POST" if body else "GET", path.format(MISSING), json=body)
        assert got.status_code == missing.status_code == 404
        assert got.content.replace(opinion_id.encode(), b"<id>") == missing.content.replace(MISSING.encode(), b"<id>")
