"""intake over HTTP: every route, every refusal class, scoped reads, receipts, retries, the vault in PostgreSQL."""

from datetime import date, timedelta

import pytest
from intake_it_helpers import CLUE, COMMUNITY, NAME, OTHER, PHONE, STREET

from watchpost.runtime.openapi import openapi_path

from intake.service import ROUTES

pytestmark = pytest.mark.integration
REPORTER = {"name": NAME, "phone": PHONE}


def test_health_and_openapi_name_every_route(intake):
    health = intake.client.get("/health")
    assert health.status_code == 200 and health.json()["checks"] == {"database": "ok", "broker": "ok"}
    paths = intake.client.get("/openapi.json").json()["paths"]
    for route in ROUTES:
        assert route.method.lower() in paths[openapi_path(route.path)], route.path
    assert "/clues/{clue_id}/propose-disposal" in paths and "/receipts/lookup" in paths


def test_talk_inquiry_from_receipt_to_objection(intake):
    first = intake.submit(reporter=REPORTER)
    clue_id, code = first["clue_id"], first["receipt_code"]
    assert first["id"] == clue_id and len(code.replace("-", "")) == 20
    assert first["events"][0]["type"] == "clue.received"
    intake.on(clue_id, "screen", {"outcome": "accepted", "reason": "属于受理范围"})
    intake.on(clue_id, "notify-acceptance")
    intake.on(clue_id, "register", {"ledger_no": "WJ-2026-001"})
    intake.on(clue_id, "review", {"participants": ["sc-1", "sc-2"], "conclusion": "拟谈话函询"})
    intake.on(clue_id, "propose-disposal", {"disposal": "talk_inquiry", "reason": "情节轻微"})
    intake.on(clue_id, "reject-disposal", {"reason": "再议"}, who="sc-2")
    intake.on(clue_id, "propose-disposal", {"disposal": "talk_inquiry", "reason": "情节轻微"})
    approved = intake.on(clue_id, "approve-disposal", who="sc-2")
    assert approved["events"][0]["type"] == "clue.disposal_approved"
    intake.on(clue_id, "record-reply", {"summary": "已说明情况"})
    intake.on(clue_id, "conclude", {"outcome": "closed_light_handling", "measure": "reminder"})
    intake.on(clue_id, "feedback", {"feedback": "已对相关人员提醒谈话"})
    receipt = intake.receipt(code)
    assert receipt.status_code == 200
    assert receipt.json()["status"] == "concluded" and receipt.json()["feedback"][0]["text"] == "已对相关人员提醒谈话"
    intake.on(clue_id, "objection", {"reason": "处理过轻"})
    assert intake.as_("district_commission").get(f"/clues/{clue_id}").json()["status"] == "registered"

    revealed = intake.on(clue_id, "reveal-reporter", {"reason": "核实举报人身份以便反馈"}, role="district_commission")
    assert revealed["reporter"] == REPORTER and revealed["events"][0]["type"] == "clue.reporter_revealed"
    history = intake.as_("street_commission").get(f"/clues/{clue_id}/history").json()["events"]
    assert [e["type"] for e in history][:3] == ["clue.received", "clue.screened", "clue.acceptance_notified"]
    assert all("reporter_ref" not in e["payload"] for e in history)


def test_verification_suspension_and_resume(intake):
    verified = intake.submit()["clue_id"]
    intake.drive(verified, disposal="preliminary_verification")
    intake.on(verified, "plan-verification", {"plan": "调阅账目", "team": ["sc-1", "sc-3"]})
    intake.on(verified, "report-verification", {"summary": "查无实据", "signed_by": ["sc-1", "sc-3"]})
    intake.on(verified, "conclude", {"outcome": "closed_cleared"})
    suspended = intake.submit(summary="另一线索", item="C04.01")["clue_id"]
    intake.drive(suspended, disposal="suspended")
    assert intake.as_("street_commission").get(f"/clues/{suspended}").json()["status"] == "suspended"
    intake.on(suspended, "resume", {"reason": "新的情况"})
    assert intake.as_("street_commission").get(f"/clues/{suspended}").json()["status"] == "registered"


def test_lists_filter_and_page(intake):
    for n in range(3):
        intake.submit(summary=f"线索{n}", accused={"name": f"人{n}", "post": "会计", "rank": "community_staff"})
    intake.submit(community=OTHER, summary="他处线索")
    district = intake.as_("district_commission")
    page = district.get("/clues", params={"community": COMMUNITY, "limit": "2", "offset": "1"}).json()
    assert page["total"] == 3 and len(page["items"]) == 2 and page["limit"] == 2 and page["offset"] == 1
    assert district.get("/clues", params={"status": "received", "overdue": "false"}).json()["total"] == 4
    assert all("reporter_ref" not in c for c in page["items"])
    counts = district.get("/counts").json()
    assert counts["scope"] == "district" and counts["clues_received"] == 4


def test_opinion_routes(intake):
    opened = intake.client.post(
        "/opinions",
        {"kind": "problem", "channel": "meeting", "community": COMMUNITY, "street": STREET, "summary": "路灯不亮"},
    )
    assert opened.status_code == 201, opened.text
    opinion_id, code = opened.json()["opinion_id"], opened.json()["receipt_code"]
    secretary = intake.as_("community_secretary")
    for command, body in (
        ("assign", {"department": "社区物业"}),
        ("resolve", {"resolution": "已修复"}),
        ("feedback", {"feedback": "已回访"}),
        ("close", {}),
    ):
        answer = secretary.post(f"/opinions/{opinion_id}/{command}", body)
        assert answer.status_code == 200, answer.text
    assert secretary.get(f"/opinions/{opinion_id}").json()["status"] == "closed"
    assert secretary.get("/opinions", params={"kind": "problem"}).json()["total"] == 1
    assert intake.receipt(code).json()["kind"] == "opinion"
    assert intake.as_("district_commission").get("/counts").json()["problems_resolved"] == 1


def test_inspection_routes_and_escalation(intake):
    commission = intake.as_("street_commission")
    recorded = commission.post(
        "/inspections",
        {
            "community": COMMUNITY,
            "street": STREET,
            "held_on": date.today().isoformat(),
            "subject": "三务公开检查",
            "scope": "三务公开",
        },
    )
    assert recorded.status_code == 201, recorded.text
    inspection = recorded.json()["events"][0]["stream_id"].removeprefix("inspection-")
    for summary in ("公开栏未更新", "2021年预算方案不完整"):
        found = commission.post(f"/inspections/{inspection}/findings", {"summary": summary, "category": "C01"})
        assert found.status_code == 201, found.text
    findings = commission.get(f"/inspections/{inspection}").json()["findings"]
    fixed, escalated = sorted(findings, key=lambda f: findings[f]["summary"] != "公开栏未更新")
    base = f"/inspections/{inspection}/findings/{fixed}/rectification"
    deadline = (date.today() + timedelta(days=30)).isoformat()
    assert commission.post(base, {"deadline": deadline, "responsible": "社区书记"}).status_code == 200
    assert commission.post(base + "/report", {"summary": "已更新"}).status_code == 200
    assert commission.post(base + "/verify", {}).status_code == 200
    answer = commission.post(
        f"/inspections/{inspection}/findings/{escalated}/escalate",
        {"accused": {"post": "社区会计", "rank": "community_staff"}},
    )
    assert answer.status_code == 201, answer.text
    assert [e["type"] for e in answer.json()["events"]] == ["finding.escalated", "clue.received"]
    clue_id = answer.json()["events"][1]["stream_id"].removeprefix("clue-")
    assert commission.get(f"/clues/{clue_id}").json()["channel"] == "inspection"
    assert commission.get("/inspections").json()["total"] == 1
    counts = intake.as_("district_commission").get("/counts", params={"street": STREET}).json()
    assert counts["inspections_held"] == 1 and counts["rectifications_verified"] == 1


# -- refusals --------------------------------------------------------------------------------------------------


def test_401_without_or_with_a_bad_token(intake):
    clue_id = intake.submit()["clue_id"]
    assert intake.client.get(f"/clues/{clue_id}").status_code == 401
    forged = intake.client.get("/clues", headers={"Authorization": "Bearer not-a-token"})
    assert forged.status_code == 401 and forged.json()["error"] == "unauthenticated"
    assert intake.client.post(f"/clues/{clue_id}/screen", {"outcome": "accepted", "reason": "x"}).status_code == 401


def test_403_for_the_wrong_role_and_the_wrong_scope(intake):
    clue_id = intake.submit()["clue_id"]
    listing = intake.as_("informant").get("/clues")
    assert listing.status_code == 403 and "district_commission" in listing.json()["message"]
    secretary = intake.as_("community_secretary")
    assert secretary.post(f"/clues/{clue_id}/screen", {"outcome": "accepted", "reason": "x"}).status_code == 403
    reveal = intake.as_("street_commission").post(f"/clues/{clue_id}/reveal-reporter", {"reason": "x"})
    assert reveal.status_code == 403
    intake.on(clue_id, "screen", {"outcome": "accepted", "reason": "ok"})
    intake.on(clue_id, "register", {"ledger_no": "L1"})
    intake.on(clue_id, "review", {"participants": ["sc-1", "sc-2"], "conclusion": "c"})
    intake.on(clue_id, "propose-disposal", {"disposal": "closed", "reason": "r"})
    own = intake.on(clue_id, "approve-disposal", who="sc-1", status=403)
    assert "书记一个人说了不算" in own["message"]


def test_404_for_what_does_not_exist(intake):
    commission = intake.as_("street_commission")
    missing = commission.get("/clues/no-such-clue")
    assert missing.status_code == 404 and "no-such-clue" in missing.json()["message"]
    assert commission.post("/clues/no-such-clue/register", {"ledger_no": "L"}).status_code == 404
    assert commission.get("/opinions/nope").status_code == 404
    assert commission.get("/inspections/nope").status_code == 404
    unknown = intake.receipt("0000-0000-0000-0000-0000")
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"


def test_409_names_the_state_and_the_allowed_commands(intake):
    clue_id = intake.submit()["clue_id"]
    refused = intake.on(clue_id, "register", {"ledger_no": "L1"}, status=409)
    assert refused["error"] == "illegal_transition"
    assert refused["details"]["state"] == "received" and refused["details"]["allowed"] == ["screen_clue"]
    assert "received" in refused["message"] and "screen_clue" in refused["message"]


def test_422_and_400_name_the_fields(intake):
    informant = intake.as_("informant")
    bad = informant.post("/clues", {**CLUE, "channel": "pigeon", "colour": "red"})
    assert bad.status_code == 422 and {"channel", "colour"} <= set(bad.json()["details"]["fields"])
    wrong_item = informant.post("/clues", {**CLUE, "item": "C01.01"})
    assert wrong_item.status_code == 422 and "C04" in wrong_item.json()["message"]
    district = intake.as_("district_commission")
    assert district.get("/clues", params={"limit": "many"}).status_code == 422
    unknown_query = district.get("/clues", params={"sort": "name"})
    assert unknown_query.status_code == 422 and "sort" in unknown_query.json()["details"]["fields"]
    assert intake.receipt("short").status_code == 422
    not_json = informant.request("POST", "/clues", data=b"{nope", headers={"Content-Type": "application/json"})
    assert not_json.status_code == 400
    clue_id = intake.submit()["clue_id"]
    assert intake.on(clue_id, "screen", {"outcome": "accepted"}, status=422)["details"]["fields"] == {
        "reason": ["Missing data for required field."]
    }


# -- receipts, retries, the vault -------------------------------------------------------------------------------


def test_an_anonymous_citizen_submits_and_follows_with_the_receipt_only(intake):
    answer = intake.client.post("/clues", {**CLUE, "channel": "citizen_platform"})
    assert answer.status_code == 201, answer.text
    code = answer.json()["receipt_code"]
    receipt = intake.receipt(code.lower().replace("-", " ")).json()
    assert set(receipt) == {"kind", "status", "received_on", "updated_on", "feedback"}
    assert intake.client.get(f"/clues/{answer.json()['clue_id']}").status_code == 401
    assert intake.client.get("/counts").status_code == 401


def test_a_retry_with_the_same_idempotency_key_keeps_the_receipt_code(intake):
    informant = intake.as_("informant")
    key = {"Idempotency-Key": "retry-0001"}
    first = informant.post("/clues", {**CLUE, "reporter": REPORTER}, headers=dict(key)).json()
    again = informant.post("/clues", {**CLUE, "reporter": REPORTER}, headers=dict(key)).json()
    assert again["clue_id"] == first["clue_id"] and again["receipt_code"] == first["receipt_code"]
    assert again["events"] == first["events"]
    assert intake.receipt(first["receipt_code"]).status_code == 200
    assert intake.as_("district_commission").get("/clues").json()["total"] == 1
    reused = informant.post("/clues", {**CLUE, "summary": "别的内容"}, headers=dict(key))
    assert reused.status_code == 409 and reused.json()["error"] == "idempotency_key_reused"  # nobody's code
    assert intake.as_("district_commission").get("/clues").json()["total"] == 1
    opinion = {"kind": "opinion", "channel": "wechat", "community": COMMUNITY, "street": STREET, "summary": "建议"}
    once = intake.client.post("/opinions", opinion, headers={"Idempotency-Key": "op-1"}).json()
    twice = intake.client.post("/opinions", opinion, headers={"Idempotency-Key": "op-1"}).json()
    assert once["receipt_code"] == twice["receipt_code"] and once["opinion_id"] == twice["opinion_id"]


def test_the_vault_keeps_ciphertext_and_erasure_destroys_the_key(intake):
    clue_id = intake.submit(reporter=REPORTER)["clue_id"]
    received = intake.store.load(f"clue-{clue_id}")[0].payload
    ref, content = received["reporter_ref"], received["content_ref"]
    blob = intake.vault.ciphertext(ref)
    assert NAME.encode() not in blob and PHONE.encode() not in blob
    assert intake.vault.open(ref) == REPORTER
    intake.on(clue_id, "screen", {"outcome": "forwarded_up", "reason": "区管干部", "transferred_to": "区纪委"})
    assert intake.vault.is_erased(content) and not intake.vault.is_erased(ref)
    intake.vault.erase(ref)
    refused = intake.on(clue_id, "reveal-reporter", {"reason": "核实"}, role="district_commission", status=404)
    assert NAME not in str(refused) and refused["error"] == "not_found"
