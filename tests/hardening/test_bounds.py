"""The requests the fuzzer found answered with a 500 (issue 23), and the nonsense a source must refuse at the door:
each is a 422 that names the field and says what is allowed, and a refused command writes nothing."""

from datetime import timedelta

import pytest
from hardening_support import COMMUNITY, STREET, headers_for

from watchpost.fields import FIRST_YEAR, LAST_YEAR, MAX_OFFSET, RECORDS_BEGIN, district_today

pytestmark = pytest.mark.integration
HUGE = "158160897056039344655266573308657664"


def refused(answer, field):
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert field in (body["details"].get("fields") or {}) or body["details"].get("field") == field, body
    return body["message"]


def test_liaison_reads_bound_periods_and_pages(start):
    api = start("liaison").client.as_("district_commission")
    assert "2020 to 2099" in refused(api.get("/compliance?limit=100&period=0000-01&community=0"), "period")
    refused(api.get("/compliance/C01/9999-Q4"), "period")
    refused(api.get(f"/pairings?offset={HUGE}"), "offset")
    refused(api.get(f"/people?offset={MAX_OFFSET + 1}"), "offset")
    assert api.get(f"/pairings?offset={MAX_OFFSET}").status_code == 200


def test_intake_refuses_nonsense_at_the_door(start):
    running = start("intake")
    api = running.client.as_("district_commission")
    refused(api.get(f"/clues?offset={HUGE}"), "offset")
    refused(api.get("/opinions?offset=-1"), "offset")
    head = running.store.head()
    inspection = {
        "community": COMMUNITY,
        "street": STREET,
        "held_on": "2026-03-02",
        "subject": "三务公开",
        "scope": "村务",
    }
    assert str(RECORDS_BEGIN) in refused(api.post("/inspections", {**inspection, "held_on": "0276-07-28"}), "held_on")
    tomorrow = (district_today() + timedelta(days=1)).isoformat()
    assert "future" in refused(api.post("/inspections", {**inspection, "held_on": tomorrow}), "held_on")
    refused(api.post("/inspections", {**inspection, "community": "kÃ"}), "community")
    refused(api.post("/inspections", {**inspection, "street": "S" * 65}), "street")
    assert running.store.head() == head
    assert api.post("/inspections", {**inspection, "held_on": district_today().isoformat()}).status_code == 201


def test_training_and_assessment_bound_years_and_periods(start):
    training = start("training").client.as_("district_commission")
    refused(training.get(f"/records/P1/{LAST_YEAR + 1}"), "year")
    refused(training.get(f"/participation/streets/{STREET}/{FIRST_YEAR - 1}"), "year")
    refused(training.get("/sessions?period=0000"), "period")
    refused(training.get(f"/sessions?period=2026&offset={HUGE}"), "offset")
    assessment = start("assessment").client.as_("district_commission")
    refused(assessment.get("/rankings/0000-Q1"), "period")
    refused(assessment.get(f"/scorecards/{COMMUNITY}/10000-01"), "period")


def test_catch_up_bounds_its_position(start):
    running = start("liaison")
    answer = running.client.get(f"/events?after={HUGE}", headers=headers_for("auditor"))
    refused(answer, "after")
    refused(running.client.get("/events?limit=0", headers=headers_for("auditor")), "limit")
    for odd in ("1.5", "--5", "٣", "9" * 5000):
        refused(running.client.get(f"/events?after={odd}", headers=headers_for("auditor")), "after")
