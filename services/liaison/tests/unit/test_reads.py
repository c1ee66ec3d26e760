"""Reads, scoped: a community secretary sees its community, a street commission its street."""

import pytest
from liaison_helpers import as_person, at, ctx, system

from watchpost.errors import Forbidden, Invalid, NotFound

from liaison import reads as r
from liaison import timers
from liaison.commands import cadence, pairings
from liaison.schemas import READS, load

STREET1 = ctx("street_commission", street="S1")
SEC1 = ctx("community_secretary", community="C1", actor_id="SEC1")


def test_directory_whole_and_scoped(small):
    whole = r.get_directory(small, ctx())
    assert [s["street_id"] for s in whole["streets"]] == ["S1", "S2"]
    assert [c["community_id"] for c in whole["streets"][0]["communities"]] == ["C1", "C2"]
    assert [s["street_id"] for s in r.get_directory(small, STREET1)["streets"]] == ["S1"]
    mine = r.get_directory(small, SEC1)["streets"]
    assert [c["community_id"] for s in mine for c in s["communities"]] == ["C1"]
    with pytest.raises(Forbidden, match="acts only in street S1"):
        r.get_directory(small, STREET1, street="S2")
    with pytest.raises(Forbidden, match="may not get_directory"):
        r.get_directory(small, ctx("citizen"))


def test_people_reads(small):
    assert r.get_person(small, SEC1, "SUP1")["name"] == "监督员乙"
    assert r.get_person(small, as_person("INF1", "informant"), "INF1")["role"] == "informant"
    with pytest.raises(NotFound, match="^person .SUP3. is not known$"):
        r.get_person(small, SEC1, "SUP3")
    with pytest.raises(NotFound, match="person 'X' is not known"):
        r.get_person(small, ctx(), "X")
    listed = r.list_people(small, STREET1, role="supervisor")
    assert [p["person_id"] for p in listed["people"]] == ["SUP1"] and listed["total"] == 1
    assert r.list_people(small, ctx(), role="supervisor")["total"] == 2
    assert {p["person_id"] for p in r.list_people(small, SEC1)["people"]} == {"SEC1", "INF1", "SUP1"}
    with pytest.raises(Forbidden):
        r.list_people(small, SEC1, community="C3")
    with pytest.raises(Invalid) as refused:  # pages are bounded at the boundary (watchpost.fields)
        load(READS["list_people"], {"limit": "0"})
    assert "less than or equal to 500" in str(refused.value.details["fields"]["limit"])


def test_who_covers_a_group(small):
    covered = r.who_covers(small, as_person("SUP1", "supervisor"), "C1-G1")
    assert covered["informants"] == [{"person_id": "INF1", "name": "信息员甲"}]
    assert covered["supervisors"] == [{"person_id": "SUP1", "name": "监督员乙"}]
    with pytest.raises(NotFound, match="^residential group .C3-G1. is not known$"):
        r.who_covers(small, STREET1, "C3-G1")
    with pytest.raises(NotFound):
        r.who_covers(small, ctx(), "nope")


def test_pairings_with_contact_log(small):
    pairings.establish_pairing(small, ctx(), "M1", "C1", established_on="2026-01-01")
    pairings.establish_pairing(small, ctx(), "M2", "C3", established_on="2026-01-01")
    pairings.record_contact(small, ctx(), "M1-C1", "duty_talk", "2026-02-01", notes="谈话述责")
    assert [p["pairing_id"] for p in r.list_pairings(small, STREET1)["pairings"]] == ["M1-C1"]
    assert r.list_pairings(small, ctx(), status="active")["total"] == 2
    assert r.get_pairing(small, SEC1, "M1-C1")["contacts"][0]["notes"] == "谈话述责"
    with pytest.raises(NotFound, match="^pairing .M2-C3. is not known$"):
        r.get_pairing(small, STREET1, "M2-C3")


def test_compliance_per_station_and_period(small):
    cadence.submit_feedback(small, as_person("INF1", "informant", now=at(2026, 3, 3)), "INF1", "2026-02")
    before = r.get_compliance(small, ctx(now=at(2026, 3, 4)), "C1", "2026-02")
    assert before["feedback"]["INF1"]["status"] == "submitted" and before["feedback"]["SUP1"]["status"] == "due_soon"
    after = r.get_compliance(small, ctx("community_secretary", community="C1", now=at(2026, 3, 9)), "C1", "2026-02")
    assert after["counts"] == {"submitted": 1, "missed": 1} and after["station_id"] == "STN-C1"
    quarter = r.get_compliance(small, ctx(now=at(2026, 4, 11)), "C3", "2026-Q1")
    assert quarter["report"] == {"status": "missed"} and quarter["due_on"] == "2026-04-10"
    listed = r.list_compliance(small, STREET1, "2026-02")
    assert [s["community"] for s in listed["stations"]] == ["C1", "C2"] and listed["total"] == 2
    assert [s["community"] for s in r.list_compliance(small, SEC1, "2026-02")["stations"]] == ["C1"]
    with pytest.raises(NotFound, match="^community .C3. is not known$"):
        r.get_compliance(small, STREET1, "C3", "2026-Q1")
    with pytest.raises(Invalid, match="period"):
        r.list_compliance(small, ctx(), "2026/02")


def test_compliance_never_counts_a_flag_of_a_community_too_small_to_hide_its_author(small):
    cadence.report_major_problem(small, as_person("INF1", "informant", now=at(2026, 3, 3)), "INF1", "资金未经公示")
    cadence.submit_feedback(small, as_person("SUP1", "supervisor", now=at(2026, 3, 3)), "SUP1", "2026-02")
    [flag] = timers.release_flags(small, system(now=at(2026, 3, 4)))
    assert flag.payload["community"] is None  # C1 has one informant: its count would name them
    month = r.get_compliance(small, ctx(now=at(2026, 3, 4)), "C1", "2026-03")
    assert month["feedback"]["INF1"] == {"role": "informant", "status": "pending"}  # the flag names no one
    assert month["flags"] == 0 and month["counts"] == {"pending": 2}
    assert "flags" not in str(r.get_person(small, ctx(), "INF1"))
