"""Every liaison route once over HTTP, on its happy path (refusals: test_refusals.py)."""

import pytest

pytestmark = pytest.mark.integration


def types(response):
    return [e["type"] for e in response.json()["events"]]


def test_directory_commands_and_reads(api):
    admin, street = api.as_("district_commission"), api.as_("street_commission", street="S1")
    assert types(admin.post("/streets", {"street_id": "S1", "name": "柳城街道"})) == ["street.registered"]
    made = admin.post("/communities", {"community_id": "C1", "street": "S1", "name": "鱼凫路社区"})
    assert made.status_code == 201 and types(made) == ["community.registered"]
    for path, body, kind in [
        (
            "/stations",
            {"community": "C1", "station_id": "STN-C1", "name": "联络站", "opened_on": "2026-01-01"},
            "station.registered",
        ),
        ("/groups", {"community": "C1", "group_id": "C1-G1", "name": "第一居民小组"}, "group.registered"),
        (
            "/centres",
            {"centre_id": "NC1", "street": "S1", "name": "睦邻议事厅", "community": "C1"},
            "centre.registered",
        ),
        ("/platforms", {"platform_id": "CP1", "street": "S1", "name": "棕榈会客厅"}, "platform.registered"),
    ]:
        done = street.post(path, body)
        assert (done.status_code, types(done)) == (201, [kind]), done.text
    directory = street.get("/directory").json()["streets"]
    assert [s["street_id"] for s in directory] == ["S1"]
    assert [c["community_id"] for c in directory[0]["communities"]] == ["C1"]
    assert directory[0]["communities"][0]["station"]["station_id"] == "STN-C1"
    assert admin.get("/directory", params={"street": "S1"}).json()["streets"][0]["name"] == "柳城街道"


def test_directory_file_loads_once(api, directory):
    admin = api.as_("district_commission")
    first = admin.post("/directory", directory)
    assert first.status_code == 200 and types(first)[-1] == "directory.loaded"
    assert admin.post("/directory", directory).json() == {"events": []}


def test_people_commands_and_reads(small):
    secretary = small.as_("community_secretary", "SEC1", community="C1")
    appointed = secretary.post(
        "/people",
        {"person_id": "SUP2", "name": "监督员丁", "role": "supervisor", "community": "C1", "groups": ["C1-G2"]},
    )
    assert appointed.status_code == 201 and types(appointed) == ["person.appointed"]
    moved = secretary.post("/people/SUP2/reassign", {"groups": ["C1-G1"]})
    assert (moved.status_code, types(moved)) == (200, ["person.reassigned"])
    coverage = secretary.get("/groups/C1-G1/coverage").json()
    assert {p["person_id"] for p in coverage["supervisors"]} == {"SUP1", "SUP2"}
    assert coverage["informants"] == [{"person_id": "INF1", "name": "信息员甲"}]
    listed = secretary.get("/people", params={"role": "supervisor", "limit": "10"}).json()
    assert listed["total"] == 2 and {p["person_id"] for p in listed["people"]} == {"SUP1", "SUP2"}
    dismissed = secretary.post("/people/SUP2/dismiss", {"reason": "调离"})
    assert (dismissed.status_code, types(dismissed)) == (200, ["person.dismissed"])
    person = small.as_("supervisor", "SUP2", community="C1").get("/people/SUP2").json()
    assert person["status"] == "dismissed" and person["person_id"] == "SUP2"


def test_pairing_commands_and_reads(small):
    street = small.as_("street_commission", street="S1")
    admin = small.as_("district_commission")
    admin.post("/communities", {"community_id": "C2", "street": "S1", "name": "凤凰社区"})
    made = street.post("/pairings", {"member_id": "M1", "community": "C2", "established_on": "2026-02-01"})
    assert made.status_code == 201 and types(made) == ["pairing.established"]
    contact = street.post(
        "/pairings/M1-C2/contacts",
        {"kind": "duty_talk", "held_on": "2026-03-01", "participants": ["M1"], "notes": "谈话述责"},
    )
    assert contact.status_code == 201 and types(contact) == ["pairing.contact_recorded"]
    pairing = street.get("/pairings/M1-C2").json()
    assert pairing["last_contact_on"] == "2026-03-01" and [c["kind"] for c in pairing["contacts"]] == ["duty_talk"]
    listed = street.get("/pairings", params={"status": "active"}).json()
    assert {p["pairing_id"] for p in listed["pairings"]} == {"M1-C1", "M1-C2"} and listed["total"] == 2
    ended = street.post("/pairings/M1-C2/end", {"reason": "调整联系对象"})
    assert (ended.status_code, types(ended)) == (200, ["pairing.ended"])
    assert street.get("/pairings/M1-C2").json()["status"] == "ended"


def test_cadence_commands_and_reads(small):
    informant = small.as_("informant", "INF1", community="C1")
    fed = informant.post("/feedback", {"person_id": "INF1", "period": "2026-02", "summary": "本月无异常"})
    assert fed.status_code == 201 and types(fed) == ["feedback.submitted"]
    flagged = informant.post(
        "/major-problems", {"person_id": "INF1", "summary": "集体资金使用未经公示", "category": "三资管理"}
    )
    assert flagged.status_code == 202 and types(flagged) == []  # held until the timer's daily release
    secretary = small.as_("community_secretary", "SEC1", community="C1")
    reported = secretary.post("/reports", {"community": "C1", "period": "2026-Q1", "summary": "一季度工作"})
    assert reported.status_code == 201 and types(reported) == ["report.submitted"]
    month = secretary.get("/compliance/C1/2026-02").json()
    assert month["feedback"]["INF1"]["status"] == "submitted" and month["feedback"]["SUP1"]["status"] == "due_soon"
    assert month["due_on"] == "2026-03-05" and month["clock"] == "due_soon"
    quarter = secretary.get("/compliance/C1/2026-Q1").json()
    assert quarter["report"]["status"] == "submitted" and quarter["kind"] == "quarter"
    listed = small.as_("district_commission").get("/compliance", params={"period": "2026-03"}).json()
    assert listed["total"] == 2 and [s["community"] for s in listed["stations"]] == ["C1", "C3"]
    assert listed["stations"][0]["flags"] == 0 and listed["stations"][0]["clock"] == "open"  # not released yet


def test_openapi_documents_the_read_queries(api):
    paths = api.get("/openapi.json").json()["paths"]
    assert {p["name"] for p in paths["/people"]["get"]["parameters"]} == {
        "street",
        "community",
        "role",
        "status",
        "limit",
        "offset",
    }
    assert [(p["in"], p["name"]) for p in paths["/compliance/{community}/{period}"]["get"]["parameters"]] == [
        ("path", "community"),
        ("path", "period"),
    ]
