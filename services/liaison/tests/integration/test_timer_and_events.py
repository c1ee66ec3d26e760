"""The due/late/missed clock run by the container's own timer entrypoint, and the events the relay publishes to
`liaison.events`, read from a plain AMQP queue bound with `#`."""

import pytest

pytestmark = pytest.mark.integration


def keyed(seen, *keys):
    """The (routing key, body) pairs seen whose key is one of `keys`."""
    return [(key, body) for key, body, _ in seen if key in keys]


def test_feedback_due_soon_missed_and_late_across_a_month_end(small, clock, tick, published):
    clock.set(2026, 2, 28)  # January's feedback was due on 5 February
    tick()
    clock.set(2026, 3, 2)  # February's is due on 5 March: due soon
    tick()
    informant = small.as_("informant", "INF1", community="C1")
    assert informant.post("/feedback", {"person_id": "INF1", "period": "2026-02"}).status_code == 201
    clock.set(2026, 3, 6)
    tick()
    tick()  # a second tick says nothing again
    clock.set(2026, 3, 9)
    late = small.as_("supervisor", "SUP1", community="C1").post("/feedback", {"person_id": "SUP1", "period": "2026-02"})
    assert late.status_code == 201

    def done(seen):
        return any(k == "feedback.submitted" and b["payload"]["person_id"] == "SUP1" for k, b, _ in seen)

    seen = published.until(done)
    reminders = {
        (k, b["payload"]["person_id"], b["payload"]["period"])
        for k, b in keyed(seen, "feedback.due_soon", "feedback.missed")
    }
    assert reminders == {("feedback.missed", p, "2026-01") for p in ("INF1", "SUP1", "SUP3")} | {
        ("feedback.due_soon", p, "2026-02") for p in ("INF1", "SUP1", "SUP3")
    } | {("feedback.missed", p, "2026-02") for p in ("SUP1", "SUP3")}
    assert len(keyed(seen, "feedback.missed")) == 5 and len(keyed(seen, "feedback.due_soon")) == 3
    submitted = {b["payload"]["person_id"]: b["payload"] for k, b in keyed(seen, "feedback.submitted")}
    assert submitted["INF1"]["on_time"] is True
    assert submitted["SUP1"]["on_time"] is False and submitted["SUP1"]["days_late"] == 4

    secretary = small.as_("community_secretary", "SEC1", community="C1")
    february = secretary.get("/compliance/C1/2026-02").json()
    assert {p: e["status"] for p, e in february["feedback"].items()} == {"INF1": "submitted", "SUP1": "late"}
    assert secretary.get("/compliance/C1/2026-01").json()["counts"] == {"missed": 2}
    assert small.as_("district_commission").get("/people/SUP3").json()["feedback"]["2026-02"]["status"] == "missed"


def test_quarter_report_due_soon_and_missed_across_a_year_end(small, clock, tick, published):
    clock.set(2026, 1, 8)  # 2025-Q4 reports are due on 10 January
    tick()
    secretary = small.as_("community_secretary", "SEC1", community="C1")
    assert secretary.post("/reports", {"community": "C1", "period": "2025-Q4"}).status_code == 201
    clock.set(2026, 1, 11)
    tick()
    seen = published.until(lambda s: any(k == "report.missed" for k, _, _ in s))
    reports = {
        (k, b["payload"]["station_id"]) for k, b in keyed(seen, "report.due_soon", "report.missed", "report.submitted")
    }
    assert reports == {
        ("report.due_soon", "STN-C1"),
        ("report.due_soon", "STN-C3"),
        ("report.submitted", "STN-C1"),
        ("report.missed", "STN-C3"),
    }
    missed_months = {b["payload"]["period"] for k, b in keyed(seen, "feedback.missed")}
    assert missed_months == {"2025-11", "2025-12"}
    admin = small.as_("district_commission")
    assert admin.get("/compliance/C3/2025-Q4").json()["report"]["status"] == "missed"
    assert admin.get("/compliance/C1/2025-Q4").json()["report"]["status"] == "submitted"


def test_a_silent_pairing_lapses_once(small, clock, tick, published):
    clock.set(2026, 3, 2)  # M1-C1 was established on 1 January: 60 days without contact
    tick()
    tick()
    seen = published.until(lambda s: any(k == "pairing.contact_lapsed" for k, _, _ in s))
    [(_, lapsed)] = keyed(seen, "pairing.contact_lapsed")
    assert lapsed["payload"]["pairing_id"] == "M1-C1" and lapsed["payload"]["since"] == "2026-01-01"
    assert small.as_("district_commission").get("/pairings/M1-C1").json()["lapsed_since"] == "2026-01-01"


def test_every_event_is_published_with_its_type_as_routing_key(api, published):
    admin = api.as_("district_commission")
    made = admin.post("/streets", {"street_id": "S1", "name": "柳城街道"}, headers={"X-Correlation-Id": "corr-1"})
    [event] = made.json()["events"]
    [(key, body, message)] = published.until(lambda s: len(s) >= 1)
    assert key == "street.registered" == body["type"] == message.properties["type"]
    assert body["event_id"] == event["event_id"] == message.properties["message_id"]
    assert body["payload"] == {"street_id": "S1", "street": "S1", "name": "柳城街道", "kind": "street"}
    assert body["correlation_id"] == "corr-1" and body["position"] == event["position"]
    assert message.headers["watchpost.service"] == "liaison" and message.content_type == "application/json"


def test_a_major_problem_is_published_for_intake_at_the_release(small, clock, tick, published):
    informant = small.as_("informant", "INF1", community="C1")
    informant.post(
        "/feedback",
        {
            "person_id": "INF1",
            "period": "2026-02",
            "major_problem": True,
            "problem_summary": "资金使用未经集体研究",
            "category": "三资管理",
        },
    )
    small.as_("supervisor", "SUP1", community="C1").post("/feedback", {"person_id": "SUP1", "period": "2026-02"})
    clock.set(2026, 3, 3)
    tick()
    seen = published.until(lambda s: any(k == "feedback.major_problem_flagged" for k, _, _ in s))
    [(_, flagged)] = keyed(seen, "feedback.major_problem_flagged")
    assert flagged["payload"]["summary"] == "资金使用未经集体研究" and flagged["payload"]["category"] == "三资管理"
    # C1 and S1 have one informant and one supervisor: the street only
    assert (flagged["payload"]["street"], flagged["payload"]["community"], flagged["payload"]["role"]) == (
        "S1",
        None,
        None,
    )
    assert flagged["schema_version"] == 3 and flagged["stream_id"] == flagged["payload"]["flag_id"]
    keys = [k for k, _, _ in seen]
    assert keys.index("feedback.submitted") < keys.index("feedback.major_problem_flagged")


def test_no_published_event_links_a_flag_to_the_person_who_flagged_it(small, clock, tick, published):
    """举报人保护: whoever flags a major problem is a reporter. A flag is held with the feedback and released by the
    timer the next day, as the service, in a batch: nothing liaison publishes (payload, stream id, actor, time,
    position, correlation id) names the flagger or joins their feedback to the flag."""
    informant = small.as_("informant", "INF1", community="C1")
    supervisor = small.as_("supervisor", "SUP1", community="C1")
    body = {"person_id": "INF1", "period": "2026-02", "major_problem": True, "problem_summary": "资金使用未经集体研究"}
    fed = informant.post("/feedback", body, headers={"Idempotency-Key": "k-1"})
    assert fed.status_code == 201, fed.text
    assert [e["type"] for e in fed.json()["events"]] == ["feedback.submitted"]
    retried = informant.post("/feedback", body, headers={"Idempotency-Key": "k-1"})
    assert [e["event_id"] for e in retried.json()["events"]] == [e["event_id"] for e in fed.json()["events"]]
    held = supervisor.post("/major-problems", {"person_id": "SUP1", "summary": "低保评定不公"})
    assert held.status_code == 202 and held.json()["events"] == [], held.text
    assert supervisor.post("/feedback", {"person_id": "SUP1", "period": "2026-02"}).status_code == 201
    published.until(lambda s: len(keyed(s, "feedback.submitted")) == 2)
    tick()  # 17:00 on the 2nd in Chengdu: nothing released
    clock.set(2026, 3, 3)
    tick()  # released at 03:00 on the 3rd
    seen = published.until(lambda s: len(keyed(s, "feedback.major_problem_flagged")) >= 2)
    flags = [body for _, body in keyed(seen, "feedback.major_problem_flagged")]
    assert len({b["payload"]["flag_id"] for b in flags}) == 2  # the retry made no second flag
    flaggers = ("INF1", "信息员甲", "SUP1", "监督员乙")
    for flag in flags:
        assert not [who for who in flaggers if who in str(flag)], flag
        assert flag["actor"] == {"id": "watchpost", "role": "system"} and flag["causation_id"] is None
        assert flag["occurred_at"].startswith("2026-03-02T19:00:00") and flag["payload"]["released_on"] == "2026-03-03"
        # C1 (and S1) have one informant and one supervisor: neither the community nor the role is published
        assert (flag["payload"]["street"], flag["payload"]["community"], flag["payload"]["role"]) == ("S1", None, None)
    assert flags[0]["correlation_id"] == flags[1]["correlation_id"]
    submitted = {b["position"] for _, b in keyed(seen, "feedback.submitted")}
    assert not {f["position"] - 1 for f in flags} & submitted  # never right after a feedback
    traces = {v for b in flags for v in (b["payload"]["flag_id"], b["payload"]["summary"], b["correlation_id"])}
    for _, body, _ in seen:  # an event that names a flagger says nothing of any flag
        if any(who in str(body) for who in flaggers):
            assert not [t for t in traces if t in str(body)], body
    # the people read knows nothing of the flags; a withheld community counts none
    assert "flags" not in str(small.as_("district_commission").get("/people/INF1").json())
    assert small.as_("district_commission").get("/compliance/C1/2026-03").json()["flags"] == 0


@pytest.fixture
def feedback_due_on_the_10th(monkeypatch):
    """The settings are read once, when the service starts: set them before."""
    monkeypatch.setenv("LIAISON_FEEDBACK_DUE_DAY", "10")  # February's feedback is due on 10 March, not 5


def test_the_timer_uses_the_districts_settings_like_the_http_entrypoints(
    feedback_due_on_the_10th, small, clock, tick, published
):
    clock.set(2026, 3, 8)  # by default it would be missed by now
    tick()
    small.as_("district_commission").post("/streets", {"street_id": "S3", "name": "marker"})
    seen = published.until(
        lambda s: any(k == "street.registered" and b["payload"]["street_id"] == "S3" for k, b, _ in s)
    )
    reminders = {
        (k, b["payload"]["period"], b["payload"]["due_on"])
        for k, b in keyed(seen, "feedback.due_soon", "feedback.missed")
    }
    assert reminders == {("feedback.missed", "2026-01", "2026-02-10"), ("feedback.due_soon", "2026-02", "2026-03-10")}
    assert small.as_("district_commission").get("/compliance/C1/2026-02").json()["due_on"] == "2026-03-10"
