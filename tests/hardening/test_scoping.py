"""Data scoping: a community secretary reads and acts only in their community, a street commission only in its
street, whatever id they put in the URL; a refusal is 403 naming the scope, and writes nothing."""
from datetime import date

import pytest

pytestmark = pytest.mark.integration
HERE = {"street": "yongquan", "community": "lijinggang"}
NEIGHBOUR = {"street": "yongquan", "community": "fenghuang"}       # same street, another community
ELSEWHERE = {"street": "liucheng", "community": "guanghua"}        # another street
CLUE = {"channel": "informant", "summary": "社区项目资金未经集体研究", "category": "C04", "item": "C04.02",
        "details": "项目资金使用未上会", "accused": {"name": "张三", "post": "社区主任", "rank": "community_cadre"}}


def as_(client, role, where=HERE, sub=None):
    return client.as_(role, sub or f"{role}-{where['community']}", where["street"], where["community"])


def made(answer):
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


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
    opinion = made(district.post("/opinions", {"kind": "problem", "channel": "meeting", "summary": "路灯不亮",
                                                **NEIGHBOUR}))["opinion_id"]
    inspection = made(district.post("/inspections", {**NEIGHBOUR, "held_on": date.today().isoformat(),
                                                     "subject": "三务公开检查", "scope": "三务公开"}))
    inspection = inspection["events"][0]["stream_id"].removeprefix("inspection-")
    mine = made(district.post("/clues", {**CLUE, **HERE}))["clue_id"]
    before = intake.store.head()

    secretary = as_(intake.client, "community_secretary")
    for path in (f"/clues/{clue}", f"/clues/{clue}/history", f"/opinions/{opinion}", f"/inspections/{inspection}"):
        refused(secretary.get(path), intake, before, "fenghuang", "community")
    refused(secretary.get("/clues", params={"community": NEIGHBOUR["community"]}), intake, before, "community")
    listed = made(secretary.get("/clues"))
    assert [c["clue_id"] for c in listed["items"]] == [mine] and listed["total"] == 1
    assert made(secretary.get(f"/clues/{mine}"))["clue_id"] == mine
    refused(secretary.post(f"/opinions/{opinion}/assign", {"department": "物业"}), intake, before, "community")
    refused(secretary.post(f"/inspections/{inspection}/findings", {"summary": "x", "category": "C01"}),
            intake, before, "community")

    other_street = as_(intake.client, "street_commission", ELSEWHERE)
    refused(other_street.get(f"/clues/{clue}"), intake, before, "street")
    refused(other_street.post(f"/clues/{clue}/screen", {"outcome": "accepted", "reason": "x"}),
            intake, before, "street")
    refused(other_street.get("/clues", params={"street": HERE["street"]}), intake, before, "street")
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
        made(admin.post("/stations", {"community": community, "station_id": f"ST{community}",
                                      "name": f"{community}监察联络站"}))
        made(admin.post("/groups", {"community": community, "group_id": f"G{community}", "name": "一组"}))
    for person, street, community in (("P1", "S01", "C01"), ("P2", "S01", "C02"), ("P3", "S02", "C03")):
        made(admin.post("/people", {"person_id": person, "name": f"人{person}", "role": "informant",
                                    "street": street, "community": community, "groups": [f"G{community}"]}))
    before = liaison.store.head()
    secretary = liaison.client.as_("community_secretary", "sec-1", "S01", "C01")
    refused(secretary.get("/people/P2"), liaison, before, "community")
    refused(secretary.get("/people", params={"community": "C02"}), liaison, before, "community")
    assert [p["person_id"] for p in made(secretary.get("/people"))["people"]] == ["P1"]
    refused(secretary.post("/people/P2/dismiss", {"reason": "调离"}), liaison, before, "community")
    street = liaison.client.as_("street_commission", "sc-2", "S02")
    refused(street.get("/people/P1"), liaison, before, "street")
    assert [p["person_id"] for p in made(street.get("/people"))["people"]] == ["P3"]
    informant = liaison.client.as_("informant", "P1", "S01", "C01")
    assert made(informant.get("/people/P1"))["person_id"] == "P1"          # their own record
    refused(informant.get("/people/P2"), liaison, before, "community")


def test_training_figures_are_read_only_in_scope(start):
    training = start("training")
    district = training.client.as_("district_commission")
    today = date.today()
    session = made(district.post("/sessions", {"kind": "monthly_lecture", "topic": "小微权力清单",
                                               "date": today.isoformat(), "hours": 2, "organiser": "区纪委监委"}))
    session = session["session_id"]
    made(district.post(f"/sessions/{session}/hold", {}))
    for person, street, community in (("P1", "S01", "C01"), ("P2", "S01", "C02"), ("P3", "S02", "C03")):
        made(district.post(f"/sessions/{session}/attendance", {"person_id": person, "role": "informant",
                                                               "street": street, "community": community,
                                                               "status": "present"}))
    before = training.store.head()
    secretary = training.client.as_("community_secretary", "sec-1", "S01", "C01")
    year = today.year
    refused(secretary.get(f"/participation/communities/C02/{year}"), training, before, "scope")
    refused(secretary.get(f"/participation/streets/S02/{year}"), training, before, "scope")
    refused(secretary.get(f"/records/P2/{year}"), training, before, "scope")
    assert made(secretary.get(f"/participation/communities/C01/{year}"))
    street = training.client.as_("street_commission", "sc-1", "S01")
    refused(street.get(f"/participation/communities/C03/{year}"), training, before, "scope")
    assert made(street.get(f"/records/P2/{year}"))
