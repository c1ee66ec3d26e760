"""Year end: requirement.met / requirement.shortfall per cadre in office, exactly once; pro rata; closed years."""

import pytest
from training_support import appointed, at, attend, district, held_session, secretary, system

from watchpost.errors import Forbidden, IllegalTransition, Invalid

from training import commands
from training.consumers import on_person_appointed, on_person_dismissed

HOURS = {"community_secretary": 4, "supervisor": 2}
NEW_YEAR = at(2027, 1, 1)


def close(store, year=2026, now=NEW_YEAR, **kw):
    return commands.close_year(store, system(now=now, **kw), year=year, yearly_hours=HOURS)


def test_met_and_shortfall_with_hours_and_requirement(store):
    a, b = held_session(store, date="2026-03-01", hours=2), held_session(store, date="2026-12-31", hours=2)
    attend(store, a, "P1"), attend(store, b, "P1")
    attend(store, a, "P2", community="C2"), attend(store, b, "P2", status="excused", community="C2")
    events = {e.payload["person_id"]: e for e in close(store)}
    assert events["P1"].type == "requirement.met" and events["P2"].type == "requirement.shortfall"
    assert events["P1"].stream_id == "record-P1-2026"
    assert {k: events["P2"].payload[k] for k in ("hours", "required", "sessions", "year")} == {
        "hours": 2.0,
        "required": 4.0,
        "sessions": 1,
        "year": 2026,
    }
    assert store.doc("training_records", "P1:2026")["outcome"] == "met"
    part = store.doc("training_participation_street", "S1:2026")
    assert (part["met"], part["shortfall"]) == (1, 1)


def test_the_verdict_is_given_exactly_once(store):
    attend(store, held_session(store), "P1")
    assert len(close(store)) == 1
    assert close(store) == []
    assert close(store, now=at(2027, 2, 1)) == []
    assert len([e for e in store.replay() if e.type.startswith("requirement.")]) == 1


def test_a_retried_close_returns_the_first_result(store):
    attend(store, held_session(store), "P1")
    first = close(store, command_id="close-2026")
    assert close(store, command_id="close-2026") == first


def test_the_year_cannot_be_closed_before_it_ends(store):
    with pytest.raises(Invalid, match=r"year 2026 has not ended: close_year\(2026\) is allowed from 2027-01-01"):
        close(store, now=at(2026, 12, 31))
    with pytest.raises(Invalid, match="whole year"):
        commands.close_year(store, system(now=NEW_YEAR), year="2026")
    with pytest.raises(Forbidden):
        commands.close_year(store, secretary(now=NEW_YEAR), year=2026)


def test_dec_31_counts_for_its_year_and_jan_1_for_the_next(store):
    dec, jan = held_session(store, date="2026-12-31", hours=4), held_session(store, date="2027-01-01", hours=4)
    attend(store, dec, "P1"), attend(store, jan, "P2")
    assert {e.payload["person_id"]: e.type for e in close(store)} == {"P1": "requirement.met"}
    assert {e.payload["person_id"]: e.type for e in close(store, 2027, now=at(2028, 1, 1))} == {"P2": "requirement.met"}


def test_an_enrolled_cadre_who_attended_nothing_falls_short(store):
    on_person_appointed(store, system(), appointed("P5", on="2025-06-01"))
    [e] = close(store)
    assert (e.type, e.payload["hours"], e.payload["required"], e.payload["sessions"]) == (
        "requirement.shortfall",
        0.0,
        4.0,
        0,
    )


def test_a_cadre_appointed_during_the_year_owes_hours_pro_rata(store):
    on_person_appointed(store, system(), appointed("P5", on="2026-10-15"))
    [e] = close(store)
    assert e.payload["required"] == 1.0


def test_cadres_dismissed_during_the_year_or_appointed_after_it_are_not_assessed(store):
    on_person_appointed(store, system(), appointed("P5", on="2026-01-01"))
    on_person_dismissed(
        store, system(), {"person_id": "P5", "street": "S1", "community": "C1", "dismissed_on": "2026-12-31"}
    )
    on_person_appointed(store, system(), appointed("P6", on="2027-01-01"))
    assert close(store) == []


def test_a_role_without_a_requirement_is_not_assessed(store):
    attend(store, held_session(store), "P1", role="informant")
    assert close(store) == []


def test_a_closed_year_takes_no_more_attendance_or_corrections(store):
    sid = held_session(store, date="2026-12-31", hours=4)
    attend(store, sid, "P1")
    close(store)
    with pytest.raises(IllegalTransition, match="year 2026 closed as met'; allowed: none"):
        commands.correct_attendance(
            store, district(now=NEW_YEAR), session_id=sid, person_id="P1", status="absent", reason="x"
        )
    on_person_appointed(store, system(), appointed("P2", on="2025-01-01"))
    close(store)
    with pytest.raises(IllegalTransition, match="closed as shortfall"):
        attend(store, sid, "P2")
