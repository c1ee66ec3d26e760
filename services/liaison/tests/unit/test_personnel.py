"""Personnel: appointed, reassigned, dismissed; reporting lines; coverage; refusals and who may do what."""

import pytest
from liaison_helpers import ctx

from watchpost.errors import Forbidden, IllegalTransition, Invalid, NotFound

from liaison.commands import directory, personnel


def test_appointment_records_post_groups_and_reporting_line(small):
    informant = small.doc("people", "INF1")
    assert informant["reports_to"] == {"role": "street_commission", "street": "S1", "community": None}
    assert informant["station_id"] == "STN-C1" and informant["groups"] == ["C1-G1", "C1-G2"]
    assert small.doc("people", "SUP1")["reports_to"] == {
        "role": "community_secretary",
        "street": "S1",
        "community": "C1",
    }
    assert small.doc("people", "M1")["reports_to"]["role"] == "district_commission"
    assert small.doc("communities", "C1")["station"]["head"] == "SEC1"
    assert small.doc("coverage", "C1-G1")["informants"] == ["INF1"]
    assert small.doc("coverage", "C1-G1")["supervisors"] == ["SUP1"]


def test_a_supervisor_is_appointed_by_the_community_secretary(small):
    sec = ctx("community_secretary", community="C1", actor_id="SEC1")
    [e] = personnel.appoint_person(small, sec, "SUP2", "监督员丁", "supervisor", community="C1", groups=["C1-G3"])
    assert e.payload["appointed_on"] == "2026-03-02"
    assert small.doc("coverage", "C1-G3")["supervisors"] == ["SUP2"]
    with pytest.raises(Forbidden, match="may not appoint, reassign or dismiss people in the role informant"):
        personnel.appoint_person(small, sec, "INF9", "x", "informant", community="C1", groups=["C1-G3"])
    with pytest.raises(Forbidden, match="acts only in community C1"):
        personnel.appoint_person(small, sec, "SUP9", "x", "supervisor", community="C2", groups=["C2-G1"])


def test_street_commission_appoints_in_its_street_only(small):
    street = ctx("street_commission", street="S1")
    assert personnel.appoint_person(small, street, "INF2", "x", "informant", community="C2", groups=["C2-G1"])
    with pytest.raises(Forbidden, match="acts only in street S1"):
        personnel.appoint_person(small, street, "INF3", "x", "informant", community="C3", groups=["C3-G1"])
    with pytest.raises(Forbidden, match="allowed: district_commission, system"):
        personnel.appoint_person(small, street, "M9", "x", "street_commission_member", street="S1")
    with pytest.raises(Forbidden, match="may not appoint_person"):
        personnel.appoint_person(
            small, ctx("informant", community="C1"), "SUP9", "x", "supervisor", community="C1", groups=["C1-G1"]
        )


@pytest.mark.parametrize(
    "fields, error, message",
    [
        (dict(role="informant", community="C1", groups=[]), Invalid, "at least one residential group"),
        (dict(role="informant", community="C1", groups=["C2-G1"]), Invalid, "not residential groups of community C1"),
        (dict(role="informant", groups=["C1-G1"]), Invalid, "must be given a community"),
        (dict(role="informant", community="C9", groups=["C1-G1"]), NotFound, "community 'C9'"),
        (dict(role="supervisor", community="C1", street="S2", groups=["C1-G1"]), Invalid, "in street S1, not S2"),
        (
            dict(role="community_secretary", community="C1", groups=["C1-G1"]),
            Invalid,
            "only informants and supervisors",
        ),
        (dict(role="street_commission_member", street="S1", community="C1"), Invalid, "belongs to a street"),
        (dict(role="street_commission_member"), Invalid, "must be given a street"),
        (dict(role="street_commission_member", street="S9"), NotFound, "street 'S9'"),
        (dict(role="chief", community="C1"), Invalid, "allowed: community_secretary, informant"),
        (dict(role="informant", community="C1", groups=["C1-G1"], appointed_on="2026-03-03"), Invalid, "after today"),
        (dict(role="informant", community="C1", groups=["C1-G1"], appointed_on="3/3/2026"), Invalid, "ISO date"),
    ],
)
def test_appointment_refusals(small, fields, error, message):
    with pytest.raises(error, match=message):
        personnel.appoint_person(small, ctx(), "NEW1", "新人", **fields)


def test_appointment_needs_a_station(small):
    directory.register_community(small, ctx(), "C5", "S1", "新社区")
    directory.register_group(small, ctx(), "C5", "C5-G1", "一组")
    with pytest.raises(Invalid, match="no liaison station yet"):
        personnel.appoint_person(small, ctx(), "INF5", "x", "informant", community="C5", groups=["C5-G1"])


def test_reappointing_the_same_is_a_no_op_and_other_fields_are_refused(small):
    assert (
        personnel.appoint_person(small, ctx(), "SUP1", "监督员乙", "supervisor", community="C1", groups=["C1-G1"]) == []
    )
    with pytest.raises(Invalid, match="already registered with other groups"):
        personnel.appoint_person(small, ctx(), "SUP1", "监督员乙", "supervisor", community="C1", groups=["C1-G2"])


def test_reassignment_moves_coverage_and_keeps_history(small):
    [e] = personnel.reassign_person(small, ctx(), "INF1", groups=["C1-G3"])
    assert e.payload["previous"]["groups"] == ["C1-G1", "C1-G2"]
    assert small.doc("coverage", "C1-G1")["informants"] == [] and small.doc("coverage", "C1-G3")["informants"] == [
        "INF1"
    ]
    [moved] = personnel.reassign_person(small, ctx(), "INF1", groups=["C2-G1"], community="C2")
    assert moved.payload["station_id"] == "STN-C2" and small.doc("people", "INF1")["community"] == "C2"
    assert [x["event"] for x in small.doc("people", "INF1")["history"]] == [
        "person.appointed",
        "person.reassigned",
        "person.reassigned",
    ]
    assert personnel.reassign_person(small, ctx(), "INF1", groups=["C2-G1"]) == []


def test_reassignment_refusals(small):
    with pytest.raises(Invalid, match="only informants and supervisors are reassigned"):
        personnel.reassign_person(small, ctx(), "SEC1", groups=["C1-G1"])
    with pytest.raises(NotFound, match="has not been appointed"):
        personnel.reassign_person(small, ctx(), "NOBODY", groups=["C1-G1"])
    with pytest.raises(Invalid, match="before the appointment"):
        personnel.reassign_person(small, ctx(), "SUP1", groups=["C1-G2"], reassigned_on="2024-12-31")
    with pytest.raises(Forbidden, match="acts only in community C1"):
        personnel.reassign_person(
            small, ctx("community_secretary", community="C1"), "SUP1", groups=["C2-G1"], community="C2"
        )


def test_dismissal_ends_coverage_headship_and_further_changes(small):
    [e] = personnel.dismiss_person(small, ctx(), "SUP1", reason="moved away")
    assert e.payload["groups"] == ["C1-G1"] and e.payload["reason"] == "moved away"
    assert small.doc("coverage", "C1-G1")["supervisors"] == []
    assert small.doc("people", "SUP1")["status"] == "dismissed"
    personnel.dismiss_person(small, ctx(), "SEC1")
    assert small.doc("communities", "C1")["station"]["head"] is None
    with pytest.raises(IllegalTransition, match="dismiss_person is not allowed while the state is 'dismissed'"):
        personnel.dismiss_person(small, ctx(), "SUP1")
    with pytest.raises(IllegalTransition, match="appoint_person"):
        personnel.appoint_person(small, ctx(), "SUP1", "监督员乙", "supervisor", community="C1", groups=["C1-G1"])
