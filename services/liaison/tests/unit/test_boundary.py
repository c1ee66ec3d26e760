"""The boundary: request schemas refuse unknown fields, the access table covers every call, and every event type
liaison emits is published in its contract (and nothing else is)."""

from types import SimpleNamespace

import pytest
from liaison_helpers import SMALL, as_person, at, ctx, system

from watchpost.contracts import check, published

from liaison import reads as r
from liaison import timers
from liaison.access import ALLOWED
from liaison.commands import cadence, directory, loading, pairings, personnel
from liaison.schemas import REQUESTS, load

h = SimpleNamespace(
    **{
        name: fn
        for module in (directory, personnel, pairings, cadence, loading, timers)
        for name, fn in vars(module).items()
    }
)
from watchpost.errors import Invalid  # noqa: E402

EXAMPLES = {
    "register_street": {"street_id": "S1", "name": "柳城街道"},
    "register_community": {"community_id": "C1", "street": "S1", "name": "x"},
    "register_station": {"community": "C1", "station_id": "STN-C1", "name": "x", "opened_on": "2026-01-01"},
    "register_group": {"community": "C1", "group_id": "G1", "name": "x"},
    "register_centre": {"centre_id": "NC1", "street": "S1", "name": "x"},
    "register_platform": {"platform_id": "CP1", "street": "S1", "name": "x", "community": None},
    "load_directory": SMALL,
    "appoint_person": {"person_id": "P1", "name": "x", "role": "informant", "community": "C1", "groups": ["G1"]},
    "reassign_person": {"person_id": "P1", "groups": ["G2"]},
    "dismiss_person": {"person_id": "P1", "reason": "x"},
    "establish_pairing": {"member_id": "M1", "community": "C1"},
    "end_pairing": {"pairing_id": "M1-C1"},
    "record_contact": {"pairing_id": "M1-C1", "kind": "guidance", "held_on": "2026-03-01"},
    "submit_feedback": {"person_id": "P1", "period": "2026-02", "major_problem": True, "problem_summary": "x"},
    "report_major_problem": {"person_id": "P1", "summary": "x"},
    "submit_report": {"community": "C1", "period": "2026-Q1"},
    "tick": {},
}


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_every_request_schema_reads_its_example_and_refuses_unknown_fields(name):
    loaded = load(REQUESTS[name], EXAMPLES[name])
    assert set(EXAMPLES[name]) <= set(loaded)
    with pytest.raises(Invalid, match="surprise") as err:
        load(REQUESTS[name], {**EXAMPLES[name], "surprise": 1})
    assert "surprise" in err.value.details["fields"]


@pytest.mark.parametrize(
    "name, body, field",
    [
        ("submit_feedback", {"person_id": "P1", "period": "2026-13"}, "period"),
        ("submit_report", {"community": "C1", "period": "2026-03"}, "period"),
        ("record_contact", {"pairing_id": "p", "kind": "party", "held_on": "2026-03-01"}, "kind"),
        ("appoint_person", {"person_id": "P1", "name": "x", "role": "mayor"}, "role"),
        ("reassign_person", {"person_id": "P1", "groups": []}, "groups"),
        ("register_street", {"name": "x"}, "street_id"),
    ],
)
def test_request_schema_refusals_name_the_field(name, body, field):
    with pytest.raises(Invalid) as err:
        load(REQUESTS[name], body)
    assert field in err.value.details["fields"]


def test_every_command_and_read_has_an_access_entry_and_a_function():
    for name in REQUESTS:
        assert name in ALLOWED and callable(getattr(h, name))
    for name in set(ALLOWED) - set(REQUESTS):
        assert callable(getattr(r, name))


def test_every_contract_type_is_emitted_and_valid(store):
    events = list(loading.load_directory(store, ctx(now=at(2025, 12, 1)), SMALL))
    events += personnel.appoint_person(
        store, ctx(now=at(2025, 12, 1)), "SUP2", "x", "supervisor", community="C1", groups=["C1-G2"]
    )
    events += personnel.reassign_person(store, ctx(now=at(2025, 12, 1)), "SUP2", groups=["C1-G3"])
    events += personnel.dismiss_person(store, ctx(now=at(2025, 12, 1)), "SUP2")
    events += pairings.establish_pairing(store, ctx(now=at(2025, 12, 1)), "M1", "C1")
    events += pairings.establish_pairing(store, ctx(now=at(2025, 12, 1)), "M1", "C2")
    events += pairings.record_contact(store, ctx(now=at(2025, 12, 2)), "M1-C1", "exchange_report", "2025-12-02")
    events += pairings.end_pairing(store, ctx(now=at(2025, 12, 3)), "M1-C2")
    events += cadence.submit_feedback(
        store,
        as_person("SUP1", "supervisor", now=at(2026, 1, 4)),
        "SUP1",
        "2025-12",
        major_problem=True,
        problem_summary="资金使用未经集体研究",
        category="三资管理",
    )
    events += cadence.submit_report(
        store, ctx("community_secretary", community="C1", now=at(2026, 1, 4)), "C1", "2025-Q4"
    )
    for day in (at(2026, 1, 3), at(2026, 1, 8), at(2026, 1, 12), at(2026, 3, 2)):
        events += timers.tick(store, system(now=day))
    for e in events:
        check("liaison", e.type, e.payload, e.schema_version)
    assert {e.type for e in events} == set(published("liaison"))


def test_the_contract_refuses_undeclared_fields():
    with pytest.raises(ValueError, match="does not match its contract"):
        check(
            "liaison",
            "feedback.missed",
            {
                "feedback_id": "x",
                "person_id": "p",
                "role": "informant",
                "station_id": "s",
                "street": "S1",
                "community": "C1",
                "period": "2026-02",
                "due_on": "2026-03-05",
                "name": "leak",
            },
        )


def test_old_feedback_events_read_at_v2_without_their_person_link():
    from watchpost.eventlog.upcasting import REGISTRY

    who = {
        "feedback_id": "INF1-2026-02",
        "person_id": "INF1",
        "station_id": "STN-C1",
        "role": "informant",
        "street": "S1",
        "community": "C1",
        "period": "2026-02",
    }
    version, flag = REGISTRY.payload(
        "feedback.major_problem_flagged",
        1,
        {**who, "flag_id": "INF1-2026-02-1", "summary": "资金未经公示", "category": None, "flagged_on": "2026-03-02"},
    )
    check("liaison", "feedback.major_problem_flagged", flag, version)
    assert version == 3 and "INF1" not in str(flag) and flag["flag_id"].startswith("flag-")
    assert flag["released_on"] == "2026-03-02" and "flagged_on" not in flag
    assert (
        REGISTRY.payload(
            "feedback.major_problem_flagged",
            1,
            {**who, "flag_id": "INF1-2026-02-1", "summary": "x", "category": None, "flagged_on": "2026-03-02"},
        )[1]["flag_id"]
        == flag["flag_id"]
    )  # stable: the same v1 flag, the same id
    timing = {"submitted_on": "2026-03-02", "due_on": "2026-03-05", "on_time": True, "days_late": 0, "summary": ""}
    version, submitted = REGISTRY.payload("feedback.submitted", 1, {**who, **timing, "major_problem": True})
    check("liaison", "feedback.submitted", submitted, version)
    assert version == 2 and "major_problem" not in submitted
