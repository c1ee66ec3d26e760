"""Reads: a person's record, sessions by period, participation; each scoped to the reader."""

import pytest
from training_support import appointed, attend, district, held_session, secretary, street, system

from watchpost.errors import Forbidden, Invalid, NotFound
from watchpost.testing import make_ctx

from training import reads
from training.consumers import on_person_appointed


@pytest.fixture
def filled(store):
    open_ = held_session(store, date="2026-02-20", hours=2)
    s2 = held_session(store, date="2026-05-05", kind="campaign", topic="铸铁军", audience={"streets": ["S2"]})
    attend(store, open_, "P1"), attend(store, open_, "P2", status="absent")
    attend(store, open_, "P3", street_id="S2", community="C3"), attend(store, s2, "P3", street_id="S2", community="C3")
    on_person_appointed(store, system(), appointed("P4", community="C1"))
    return store, open_, s2


def test_person_record_is_scoped(filled):
    store, *_ = filled
    assert reads.person_record(store, secretary("C1"), person_id="P1", year=2026)["hours"] == 2.0
    assert reads.person_record(store, street("S2"), person_id="P3", year="2026")["present"] == 2
    with pytest.raises(NotFound, match="^no training record of P3 for 2026$"):  # as if there were none
        reads.person_record(store, secretary("C1"), person_id="P3", year=2026)
    with pytest.raises(NotFound, match="^no training record of P3 for 2026$"):
        reads.person_record(store, street("S1"), person_id="P3", year=2026)
    assert reads.person_record(store, make_ctx("supervisor", actor_id="P1"), person_id="P1", year=2026)
    with pytest.raises(NotFound, match="^no training record of P2 for 2026$"):
        reads.person_record(store, make_ctx("supervisor", actor_id="P1"), person_id="P2", year=2026)


def test_a_known_cadre_without_attendance_has_an_empty_record_an_unknown_one_none(filled):
    store, *_ = filled
    doc = reads.person_record(store, district(), person_id="P4", year=2026)
    assert (doc["hours"], doc["sessions"], doc["community"]) == (0.0, {}, "C1")
    with pytest.raises(NotFound, match="no training record of P9 for 2026"):
        reads.person_record(store, district(), person_id="P9", year=2026)
    with pytest.raises(Invalid, match="whole year"):
        reads.person_record(store, district(), person_id="P1", year="last")


def test_sessions_by_period_month_quarter_year_and_scope(filled):
    store, open_, s2 = filled
    ids = lambda r: [d["session_id"] for d in r["sessions"]]  # noqa: E731
    assert ids(reads.sessions_by_period(store, district(), period="2026")) == [open_, s2]
    assert ids(reads.sessions_by_period(store, district(), period="2026-Q2")) == [s2]
    assert ids(reads.sessions_by_period(store, district(), period="2026-02")) == [open_]
    assert ids(reads.sessions_by_period(store, district(), period="2026", kind="campaign")) == [s2]
    assert ids(reads.sessions_by_period(store, street("S1"), period="2026")) == [open_]
    assert ids(reads.sessions_by_period(store, secretary("C3", "S2"), period="2026")) == [open_, s2]
    with pytest.raises(Invalid, match="period must be a year"):
        reads.sessions_by_period(store, district(), period="2026-13")
    with pytest.raises(NotFound, match="^session .* does not exist$"):  # as if there were none
        reads.get_session(store, street("S1"), session_id=s2)
    assert reads.get_session(store, street("S2"), session_id=s2)["status"] == "held"


def test_participation_per_community_and_street(filled):
    store, *_ = filled
    c1 = reads.community_participation(store, secretary("C1"), community="C1", year=2026)
    assert (c1["recorded"], c1["present"], c1["absent"], c1["rate"], c1["hours"]) == (2, 1, 1, 0.5, 2.0)
    s2 = reads.street_participation(store, street("S2"), street="S2", year=2026)
    assert (s2["recorded"], s2["rate"], s2["months"]["2026-05"]["present"]) == (2, 1.0, 1)
    with pytest.raises(NotFound, match="^no attendance recorded in community C3 for 2026$"):
        reads.community_participation(store, secretary("C1"), community="C3", year=2026)
    with pytest.raises(NotFound, match="^no attendance recorded in street S1 for 2026$"):
        reads.street_participation(store, secretary("C1"), street="S1", year=2026)
    with pytest.raises(NotFound):
        reads.street_participation(store, district(), street="S1", year=2025)


def test_onboarding_status_is_scoped(filled):
    store, *_ = filled
    assert reads.onboarding_status(store, secretary("C1"), person_id="P4")["status"] == "enrolled"
    with pytest.raises(NotFound, match="^P4 is not enrolled in onboarding$"):
        reads.onboarding_status(store, street("S2"), person_id="P4")
    with pytest.raises(Forbidden, match="not open to the role citizen"):
        reads.onboarding_status(store, make_ctx("citizen"), person_id="P4")
