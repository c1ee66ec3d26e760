"""Sessions: scheduling, the legal transitions only, refusals that say what is allowed, scope."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from training_support import at, contract_checked, district, new_store, secretary, street

from watchpost.errors import Forbidden, IllegalTransition, Invalid, NotFound
from watchpost.testing import make_ctx

from training import commands as handlers

FIELDS = dict(
    kind="campaign", topic="抓反思 查风险 严纪律 铸铁军", date="2026-03-10", hours=3, organiser="温江区纪委监委"
)


def schedule(store, ctx=None, **over):
    return handlers.schedule_session(store, ctx or district(), **{**FIELDS, **over})


def test_schedule_records_the_session_with_a_normalised_audience(store):
    [e] = schedule(store, audience={"roles": ["supervisor", "informant", "supervisor"]})
    assert e.type == "session.scheduled" and e.stream_id == f"session-{e.payload['session_id']}"
    assert e.payload["audience"] == {"roles": ["informant", "supervisor"], "streets": [], "communities": []}
    assert e.payload["hours"] == 3.0 and e.payload["date"] == "2026-03-10"


def test_a_client_chosen_session_id_is_scheduled_once(store):
    schedule(store, session_id="11111111-1111-1111-1111-111111111111")
    with pytest.raises(IllegalTransition, match="allowed: cancel_session, hold_session, reschedule_session"):
        schedule(store, session_id="11111111-1111-1111-1111-111111111111")


@pytest.mark.parametrize(
    "over, words",
    [
        ({"kind": "party"}, "kind 'party' is unknown; allowed: campaign"),
        ({"topic": "  "}, "topic must be 1 to 200"),
        ({"organiser": ""}, "organiser must be"),
        ({"hours": 0}, "above 0 and at most 24"),
        ({"hours": 25}, "above 0 and at most 24"),
        ({"hours": "two"}, "above 0 and at most 24"),
        ({"date": "10/03/2026"}, "date must be an ISO date"),
        ({"audience": {"roles": ["mayor"]}}, r"audience.roles \['mayor'\] unknown"),
        ({"audience": {"villages": ["V1"]}}, "audience takes roles, streets and communities, not villages"),
    ],
)
def test_schedule_refuses_bad_fields(store, over, words):
    with pytest.raises(Invalid, match=words):
        schedule(store, **over)


def test_reschedule_moves_the_date_and_refuses_the_same_date(store):
    sid = schedule(store)[0].payload["session_id"]
    [e] = handlers.reschedule_session(store, district(), session_id=sid, date="2026-03-17", reason="会议冲突")
    assert e.payload == {"session_id": sid, "date": "2026-03-17", "previous_date": "2026-03-10", "reason": "会议冲突"}
    with pytest.raises(Invalid, match="already on 2026-03-17"):
        handlers.reschedule_session(store, district(), session_id=sid, date="2026-03-17")
    assert store.doc("training_sessions", sid)["month"] == "2026-03"
    assert store.doc("training_sessions", sid)["reschedules"] == 1


def test_cancel_needs_a_reason_and_is_final(store):
    sid = schedule(store)[0].payload["session_id"]
    with pytest.raises(Invalid, match="needs a reason"):
        handlers.cancel_session(store, district(), session_id=sid, reason=" ")
    handlers.cancel_session(store, district(), session_id=sid, reason="疫情防控")
    for command, fields in [
        ("reschedule_session", {"date": "2026-04-01"}),
        ("cancel_session", {"reason": "x"}),
        ("hold_session", {}),
    ]:
        with pytest.raises(IllegalTransition, match="state is 'cancelled'; allowed: none"):
            getattr(handlers, command)(store, district(), session_id=sid, **fields)


def test_hold_defaults_to_the_planned_date_and_hours_and_refuses_a_future_date(store):
    sid = schedule(store)[0].payload["session_id"]
    with pytest.raises(Invalid, match="after today"):
        handlers.hold_session(store, district(), session_id=sid)
    [e] = handlers.hold_session(store, district(now=at(2026, 3, 10)), session_id=sid)
    assert e.payload == {
        "session_id": sid,
        "held_on": "2026-03-10",
        "hours": 3.0,
        "kind": "campaign",
        "topic": FIELDS["topic"],
    }
    with pytest.raises(IllegalTransition, match="state is 'held'; allowed: correct_attendance, record_attendance"):
        handlers.hold_session(store, district(now=at(2026, 3, 10)), session_id=sid)


def test_hold_may_record_the_actual_date_and_hours(store):
    sid = schedule(store)[0].payload["session_id"]
    [e] = handlers.hold_session(store, district(), session_id=sid, held_on="2026-03-01", hours=1.5)
    assert (e.payload["held_on"], e.payload["hours"]) == ("2026-03-01", 1.5)


def test_commands_on_an_unknown_session_are_not_found(store):
    with pytest.raises(NotFound, match="session nope does not exist"):
        handlers.hold_session(store, district(), session_id="nope")


def test_roles_outside_the_access_table_are_forbidden(store):
    with pytest.raises(Forbidden, match="schedule_session is not open to the role informant"):
        schedule(store, ctx=make_ctx("informant"))


def test_a_street_commission_manages_sessions_for_its_own_street_only(store):
    with pytest.raises(Forbidden, match=r"audience.streets must be \['S1'\]"):
        schedule(store, ctx=street("S1"))
    sid = schedule(store, ctx=street("S1"), audience={"streets": ["S1"]})[0].payload["session_id"]
    with pytest.raises(NotFound, match="does not exist"):  # not its to see: as if none
        handlers.cancel_session(store, street("S2"), session_id=sid, reason="x")
    handlers.cancel_session(store, district(), session_id=sid, reason="区里统一安排")


def test_a_community_secretary_manages_sessions_for_its_own_community_only(store):
    with pytest.raises(Forbidden, match=r"audience.communities is \['C1'\]"):
        schedule(store, ctx=secretary("C1"), audience={"communities": ["C2"]})
    schedule(store, ctx=secretary("C1"), audience={"communities": ["C1"], "streets": ["S1"]})


# -- the state machine as a property: a command succeeds exactly when the model allows it -----------------------
LEGAL = {"scheduled": {"reschedule", "cancel", "hold"}, "cancelled": set(), "held": set()}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["reschedule", "cancel", "hold"]), max_size=6))
def test_only_legal_transitions_succeed(commands):
    store, ctx = new_store(), district(now=at(2026, 12, 31))
    sid = schedule(store, ctx)[0].payload["session_id"]
    state, day = "scheduled", 10
    for c in commands:
        allowed = c in LEGAL[state]
        try:
            if c == "reschedule":
                day += 1
                handlers.reschedule_session(store, ctx, session_id=sid, date=f"2026-04-{day:02d}")
            elif c == "cancel":
                handlers.cancel_session(store, ctx, session_id=sid, reason="x")
            else:
                handlers.hold_session(store, ctx, session_id=sid)
        except IllegalTransition:
            assert not allowed
        else:
            assert allowed
            state = {"reschedule": state, "cancel": "cancelled", "hold": "held"}[c]
    assert store.doc("training_sessions", sid)["status"] == state
    contract_checked(store)
