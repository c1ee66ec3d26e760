"""Data scoping: a community secretary reads and acts only in their community, a street commission only in its
street, whatever id they put in the URL. A record out of scope answers exactly as a missing one (404, the same body
byte for byte apart from the id: nothing tells where it lives, or that it exists); a place the caller names
themself outside their scope is 403 naming their own. Neither writes anything. Clues are narrower still (知情范围:
services/intake/tests/integration/test_knowing.py)."""

from datetime import date

import pytest

pytestmark = pytest.mark.integration
HERE = {"street": "yongquan", "community": "lijinggang"}
NEIGHBOUR = {"street": "yongquan", "community": "fenghuang"}  # same street, another community
ELSEWHERE = {"street": "liucheng", "community": "guanghua"}  # another street
CLUE = {
    "channel": "informant",
    "summary": "社区项目资金未经集体研究",
    "category": "C04",
    "item": "C04.02",
    "details": "项目资金使用未上会",
    "accused": {"name": "张三", "post": "社区主任", "rank": "community_cadre"},
}


def as_(client, role, where=HERE, sub=None):
    return client.as_(role, sub or f"{role}-{where['community']}", where["street"], where["community"])


def made(answer):
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def hidden(client, path, key, missing_key, running, before, method="GET", body=None):
    got = client.request(method, path.format(key), json=body)
    missing = client.request(method, path.format(missing_key), json=body)
    assert got.status_code == missing.status_code == 404, got.text
    assert got.content.replace(key.encode(), b"<id>") == missing.content.replace(missing_key.encode(), b"<id>")
    assert running.store.head() == before, "a refused request wrote to the log"


def refused(answer, running, before, *scope_words):
    assert answer.status_code == 403, answer.text
    body = answer.json()
    assert body["error"] == "forbidden" and any(w in body["message"] for w in scope_words), body
    assert running.store.head() == before, "a refused request wrote to the log"


def test_intake_records_are_read_and_acted_on_only_in_scope(start):
    intake = start("intake")
    district = intake.client.as_("district_commission")
    clue = made(district.post("/clues", {**CLUE, **NEIGHBOUR}))["clue_id"]
    far_clue = made(district.post("/clues", {**CLUE, **ELSEWHERE}))["clue_id"]
    opinion = made(
        district.post("/opinions", {"kind": "problem", "channel": "meeting", "summary": "路灯不亮", **NEIGHBOUR})
    )["opinion_id"]
    inspection = made(
        district.post(
            "/inspections",
            {**NEIGHBOUR, "held_on": date.today().isoformat(), "subject": "三务公开检查", "scope": "三务公开"},
        )
    )
    inspection = inspection["events"][0]["stream_id"].removeprefix("inspection-")
    mine = made(district.post("/clues", {**CLUE, **HERE}))["clue_id"]
    before = intake.store.head()

    secretary = as_(intake.client, "community_secretary")
    nowhere = "00000000-0000-4000-8000-000000000000"
    for path, key in (
        ("/clues/{}", clue),
        ("/clues/{}/history", clue),
        ("/opinions/{}", opinion),
        ("/inspections/{}", inspection),
    ):
        hidden(secretary, path, key, nowhere, intake, before)
    assert made(secretary.get("/clues", params={"community": NEIGHBOUR["community"]}))["total"] == 0
    assert made(secretary.get("/clues"))["total"] == 0  # not even the clue about their own community
    hidden(secretary, "/clues/{}", mine, nowhere, intake, before)
    hidden(secretary, "/opinions/{}/assign", opinion, nowhere, intake, before, "POST", {"department": "物业"})
    hidden(
        secretary,
        "/inspections/{}/findings",
        inspection,
        nowhere,
        intake,
        before,
        "POST",
        {"summary": "x", "category": "C01"},
    )

    other_street = as_(intake.client, "street_commission", ELSEWHERE)
    hidden(other_street, "/clues/{}", clue, nowhere, intake, before)
    hidden(
        other_street, "/clues/{}/screen", clue, nowhere, intake, before, "POST", {"outcome": "accepted", "reason": "x"}
    )
    assert made(other_street.get("/clues", params={"street": HERE["street"]}))["total"] == 0
    assert [c["clue_id"] for c in made(other_street.get("/clues"))["items"]] == [far_clue]
    own_street = as_(intake.client, "street_commission", HERE)
    assert made(own_street.post(f"/clues/{clue}/screen", {"outcome": "accepted", "reason": "属于受理范围"}))


def test_liaison_people_are_read_only_in_scope(start):
    liaison = start("liaison")
    admin = liaison.client.as_("district_commission")
    for street in ("S01", "S02"):
        made(admin.post("/streets", {"street_id": street, "name": f"街道{street}"}))
    for community, street in (("C01", "S01"), ("C02", "S01"), ("C03", "S02")):
        made(admin.post("/communities", {"community_id": community, "street": street, "name": f"社区{community}"}))
        made(
            admin.post(
                "/stations", {"community": community, "station_id": f"ST{community}", "name": f"{community}监察联络站"}
            )
        )
        made(admin.post("/groups", {"community": community, "group_id": f"G{community}", "name": "一组"}))
    for person, street, community in (("P1", "S01", "C01"), ("P2", "S01", "C02"), ("P3", "S02", "C03")):
        made(
            admin.post(
                "/people",
                {
                    "person_id": person,
                    "name": f"人{person}",
                    "role": "informant",
                    "street": street,
                    "community": community,
                    "groups": [f"G{community}"],
                },
            )
        )
    before = liaison.store.head()
    secretary = liaison.client.as_("community_secretary", "sec-1", "S01", "C01")
    hidden(secretary, "/people/{}", "P2", "P9", liaison, before)
    refused(secretary.get("/people", params={"community": "C02"}), liaison, before, "community")
    assert [p["person_id"] for p in made(secretary.get("/people"))["people"]] == ["P1"]
    hidden(secretary, "/people/{}/dismiss", "P2", "P9", liaison, before, "POST", {"reason": "调离"})
    street = liaison.client.as_("street_commission", "sc-2", "S02")
    hidden(street, "/people/{}", "P1", "P9", liaison, before)
    assert [p["person_id"] for p in made(street.get("/people"))["people"]] == ["P3"]
    informant = liaison.client.as_("informant", "P1", "S01", "C01")
    assert made(informant.get("/people/P1"))["person_id"] == "P1"  # their own record
    hidden(informant, "/people/{}", "P2", "P9", liaison, before)


def test_training_figures_are_read_only_in_scope(start):
    training = start("training")
    district = training.client.as_("district_commission")
    today = date.today()
    session = made(
        district.post(
            "/sessions",
            {
                "kind": "monthly_lecture",
                "topic": "小微权力清单",
                "date": today.isoformat(),
                "hours": 2,
                "organiser": "区纪委监委",
            },
        )
    )
    session = session["session_id"]
    made(district.post(f"/sessions/{session}/hold", {}))
    for person, street, community in (("P1", "S01", "C01"), ("P2", "S01", "C02"), ("P3", "S02", "C03")):
        made(
            district.post(
                f"/sessions/{session}/attendance",
                {
                    "person_id": person,
                    "role": "informant",
                    "street": street,
                    "community": community,
                    "status": "present",
                },
            )
        )
    before = training.store.head()
    secretary = training.client.as_("community_secretary", "sec-1", "S01", "C01")
    year = today.year
    hidden(secretary, f"/participation/communities/{{}}/{year}", "C02", "C09", training, before)
    hidden(secretary, f"/participation/streets/{{}}/{year}", "S02", "S09", training, before)
    hidden(secretary, f"/records/{{}}/{year}", "P2", "P9", training, before)
    assert made(secretary.get(f"/participation/communities/C01/{year}"))
    street = training.client.as_("street_commission", "sc-1", "S01")
    hidden(street, f"/participation/communities/{{}}/{year}", "C03", "C09", training, before)
    assert made(street.get(f"/records/P2/{year}"))
