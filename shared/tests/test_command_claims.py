"""A command id belongs to its caller and its command: a repeat with the same claim gets the first result, any other
use of the id is refused with nothing written. Run against both logs, through `execute` and the store itself, and
on PostgreSQL's one-round-trip path (`append_expect`) as well as the long one."""

import datetime as dt

import pytest

from watchpost.domain import Actor, Change, Context
from watchpost.errors import Forbidden, IdempotencyKeyReused, Invalid
from watchpost.eventlog.memory import MemoryEventStore
from watchpost.handling import execute, request_digest
from watchpost.runtime.web import CALLER, Route, command_context

NOW = dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc)
ALICE = Actor("alice", "street_commission", street="S1")
MALLORY = Actor("mallory", "street_commission", street="S2")


@pytest.fixture(params=["memory", pytest.param("postgres", marks=pytest.mark.integration)])
def store(request):
    if request.param == "memory":
        return MemoryEventStore()
    return request.getfixturevalue("pg_store")()


def ctx(actor=ALICE, command="screen", fields=None, key="k-1"):
    return Context(
        actor=actor,
        now=NOW,
        correlation_id="c",
        command_id=key,
        request=request_digest(actor, command, fields or {"outcome": "kept"}),
    )


def run(store, context, stream="thing-1", decided=None):
    """A command that records one event per decision, and counts its decisions."""
    decided = decided if decided is not None else []

    def decide(state):
        decided.append(state)
        return [Change("thing.done", {"n": len(state)})]

    return execute(store, stream, list, decide, context), decided


def test_the_same_caller_repeating_the_same_request_gets_the_first_result(store):
    first, _ = run(store, ctx())
    again, decided = run(store, ctx())
    assert again == first and decided == []
    assert store.head()[0] == 1


@pytest.mark.parametrize(
    "other",
    [
        ctx(actor=MALLORY),
        ctx(actor=Actor("alice", "street_commission", street="S2")),
        ctx(command="reveal"),
        ctx(fields={"outcome": "forwarded_up"}),
    ],
    ids=["another caller", "another scope", "another command", "other fields"],
)
def test_any_other_use_of_the_key_is_refused_before_deciding(store, other):
    run(store, ctx())
    with pytest.raises(IdempotencyKeyReused) as refused:
        run(store, other)
    assert refused.value.status == 409 and refused.value.code == "idempotency_key_reused"
    assert store.head()[0] == 1


def test_a_callers_retry_that_makes_a_new_id_still_repeats(store):
    """A submission makes its new id afresh on each attempt: the request's digest, not the stream, is the claim."""
    first, _ = run(store, ctx(), stream="clue-first-attempt")
    again, decided = run(store, ctx(), stream="clue-second-attempt")
    assert again == first and decided == [] and store.load("clue-second-attempt") == []


def test_a_service_key_on_another_stream_is_refused(store):
    """A timer or a consumer (no request) claims its key for the stream it acts on."""
    service = Context(actor=Actor("watchpost", "system"), now=NOW, correlation_id="c", command_id="liaison:e1")
    run(store, service, stream="clue-1")
    with pytest.raises(IdempotencyKeyReused):
        run(store, service, stream="clue-2")
    assert store.load("clue-2") == []


def test_the_log_itself_refuses_a_racing_repeat_with_another_claim(store):
    """Two requests that both passed `recorded` before either was logged: the append decides."""
    store.append(
        "thing-1",
        0,
        [Change("thing.done", {})],
        actor={"id": "a", "role": "r"},
        correlation_id="c",
        command_id="k",
        claim="mine",
    )
    with pytest.raises(IdempotencyKeyReused):
        store.append(
            "thing-1",
            1,
            [Change("thing.done", {})],
            actor={"id": "b", "role": "r"},
            correlation_id="c",
            command_id="k",
            claim="theirs",
        )
    same = store.append(
        "thing-1",
        1,
        [Change("thing.done", {})],
        actor={"id": "a", "role": "r"},
        correlation_id="c",
        command_id="k",
        claim="mine",
    )
    assert [e.position for e in same] == [1] and store.head()[0] == 1


@pytest.mark.integration
def test_the_one_round_trip_path_refuses_another_claim_too(pg_store):
    """A process that wrote last appends on the head it knows (migration 0003); a known command id makes that
    check fail, and the long way names the refusal, with nothing written."""
    store = pg_store()
    store.append(
        "thing-0",
        0,
        [Change("thing.done", {})],
        actor={"id": "a", "role": "r"},
        correlation_id="c",
        command_id="k",
        claim="mine",
    )
    store.append("thing-1", 0, [Change("thing.done", {})], actor={"id": "a", "role": "r"}, correlation_id="c")
    assert store._known_head is not None  # the next append goes the short way first
    with pytest.raises(IdempotencyKeyReused):
        store.append(
            "thing-2",
            0,
            [Change("thing.done", {})],
            actor={"id": "b", "role": "r"},
            correlation_id="c",
            command_id="k",
            claim="theirs",
        )
    assert store.head()[0] == 2 and store.load("thing-2") == []


def test_a_refused_decision_logs_no_claim(store):
    """Scope is decided before anything is logged: the refused caller's key stays free, and nobody else's result
    was answered to them."""

    def refuse(state):
        raise Forbidden("not your street")

    with pytest.raises(Forbidden):
        execute(store, "thing-1", list, refuse, ctx(actor=MALLORY))
    assert store.recorded("k-1") is None


def test_http_and_rpc_keys_live_apart_from_consumers_keys():
    route = Route("POST", "/x", lambda: None)
    made = command_context(ALICE, route, {}, "liaison:9f1c", correlation_id="c")
    assert made.command_id == f"{CALLER}liaison:9f1c" and not made.command_id.startswith("liaison:")


@pytest.mark.parametrize("key", ["", "x" * 201, "has space", "中文", "tab\there", "nul\x00"])
def test_a_key_out_of_bounds_is_refused_naming_the_header(key):
    with pytest.raises(Invalid) as refused:
        command_context(ALICE, Route("POST", "/x", lambda: None), {}, key, correlation_id="c")
    assert refused.value.status == 422 and "Idempotency-Key" in refused.value.details["fields"]


def test_timers_and_consumers_act_as_the_service_itself():
    """Role `system` comes from no token (test_auth); it is what a timer and a consumer act as, and a consumer's
    key is `<source>:<event id>`, outside the callers' namespace."""
    from watchpost.domain import SYSTEM
    from watchpost.eventlog.consumer import context_for
    from watchpost.runtime.expose import _tick_entry

    seen = []

    def tick(store, context):
        seen.append(context)

    tick.__name__ = "tick"

    class Service:
        store = None

        def context_extra(self):
            return {}

    _tick_entry(tick)(Service())
    assert seen[0].actor == SYSTEM and seen[0].command_id is None

    class Flag:
        recorded_at, correlation_id, event_id = NOW, "c", "e-1"

    consumer = context_for("liaison", Flag())
    assert consumer.actor.role == "system" and consumer.request is None
    assert consumer.command_id == "liaison:e-1" and not consumer.command_id.startswith(CALLER)
