"""Pairings (包片联系): established, contacts recorded, ended, re-established; refusals and scope."""

import pytest
from liaison_helpers import ctx

from watchpost.errors import Forbidden, IllegalTransition, Invalid, NotFound

from liaison.commands import pairings


def test_establish_record_contacts_and_end(small):
    street = ctx("street_commission", street="S1")
    [e] = pairings.establish_pairing(small, street, "M1", "C1", established_on="2026-01-05")
    assert e.payload == {
        "pairing_id": "M1-C1",
        "member_id": "M1",
        "street": "S1",
        "community": "C1",
        "established_on": "2026-01-05",
    }
    [c1] = pairings.record_contact(
        small, street, "M1-C1", "exchange_report", "2026-02-10", participants=["M1", "SEC1"], notes="交流汇报"
    )
    secretary = ctx("community_secretary", community="C1")
    [c2] = pairings.record_contact(small, secretary, "M1-C1", "duty_talk", "2026-01-20")
    assert (c1.payload["contact_no"], c2.payload["contact_no"]) == (1, 2)
    doc = small.doc("pairings", "M1-C1")
    assert doc["last_contact_on"] == "2026-02-10" and [c["kind"] for c in doc["contacts"]] == [
        "exchange_report",
        "duty_talk",
    ]
    [end] = pairings.end_pairing(small, street, "M1-C1", reason="换届")
    assert end.payload["ended_on"] == "2026-03-02" and small.doc("pairings", "M1-C1")["status"] == "ended"
    pairings.establish_pairing(small, street, "M1", "C1")
    doc = small.doc("pairings", "M1-C1")
    assert doc["status"] == "active" and len(doc["terms"]) == 2 and len(doc["contacts"]) == 2


@pytest.mark.parametrize(
    "member, community, error, message",
    [
        ("SUP1", "C1", Invalid, "not an active street commission member"),
        ("NOBODY", "C1", Invalid, "not an active street commission member"),
        ("M1", "C3", Invalid, "pairings stay within a street"),
        ("M1", "C9", NotFound, "community 'C9'"),
    ],
)
def test_establish_refusals(small, member, community, error, message):
    with pytest.raises(error, match=message):
        pairings.establish_pairing(small, ctx(), member, community)


def test_a_pairing_is_established_once_and_contacts_need_an_active_pairing(small):
    pairings.establish_pairing(small, ctx(), "M1", "C1", established_on="2026-01-05")
    with pytest.raises(IllegalTransition, match="allowed: end_pairing, record_contact"):
        pairings.establish_pairing(small, ctx(), "M1", "C1")
    with pytest.raises(Invalid, match="allowed: duty_talk, exchange_report, guidance, heart_to_heart"):
        pairings.record_contact(small, ctx(), "M1-C1", "dinner", "2026-02-01")
    with pytest.raises(Invalid, match="before the pairing began on 2026-01-05"):
        pairings.record_contact(small, ctx(), "M1-C1", "guidance", "2026-01-04")
    with pytest.raises(Invalid, match="after today"):
        pairings.record_contact(small, ctx(), "M1-C1", "guidance", "2026-03-03")
    pairings.end_pairing(small, ctx(), "M1-C1")
    with pytest.raises(IllegalTransition, match="while the state is 'ended'; allowed: establish_pairing"):
        pairings.record_contact(small, ctx(), "M1-C1", "guidance", "2026-02-01")
    with pytest.raises(NotFound, match="pairing 'M1-C2' does not exist"):
        pairings.end_pairing(small, ctx(), "M1-C2")


def test_pairing_scope(small):
    pairings.establish_pairing(small, ctx(), "M2", "C3")
    with pytest.raises(NotFound, match="^pairing .M2-C3. does not exist$"):
        pairings.record_contact(small, ctx("street_commission", street="S1"), "M2-C3", "guidance", "2026-03-01")
    with pytest.raises(NotFound, match="^pairing .M2-C3. does not exist$"):
        pairings.record_contact(small, ctx("community_secretary", community="C1"), "M2-C3", "guidance", "2026-03-01")
    with pytest.raises(Forbidden, match="may not end_pairing"):
        pairings.end_pairing(small, ctx("community_secretary", community="C3"), "M2-C3")
    with pytest.raises(NotFound, match="^community .C3. is not in the directory; register it first$"):
        pairings.establish_pairing(small, ctx("street_commission", street="S1"), "M2", "C3")
