"""Redelivery, replay and reordering change nothing: projections are idempotent by event id."""

from assessment import reads
from assessment.projections import Facts

C = {"community": "C1", "street": "S1"}


def test_an_event_projected_twice_counts_once(store, logs, publish, district):
    publish()
    events = [
        logs["intake"].emit("opinion.resolved", opinion_id="o1", **C),
        logs["intake"].emit(
            "inspection.recorded", inspection_id="n1", held_on="2026-03-02", subject="s", scope="x", **C
        ),
    ]
    for event in events + events:
        store.project(event)  # bypassing the consumer's position check on purpose
    card = reads.scorecard(store, district, community="C1", period="2026-03")
    assert card["indicators"]["petition_handling"]["value"] == 1
    assert card["indicators"]["supervision_inspection"]["value"] == 1


def test_the_consumer_applies_a_redelivered_event_once(store, logs):
    event = logs["training"].emit("onboarding.completed", person_id="p1", **C)
    assert store.consume("training", 1, lambda tx: tx.project(event)) is True
    assert store.consume("training", 1, lambda tx: tx.project(event)) is False


def test_a_subject_history_is_in_position_order_whatever_the_arrival_order(logs):
    li = logs["liaison"]
    missed = li.emit("feedback.missed", person_id="p1", period="2026-03", due_on="2026-03-31", **C)
    filed = li.emit(
        "feedback.submitted", person_id="p1", period="2026-03", submitted_on="2026-04-02", on_time=False, **C
    )
    facts = Facts()
    in_order = facts.apply(facts.apply(None, missed), filed)
    reversed_ = facts.apply(facts.apply(None, filed), missed)
    assert in_order == reversed_
    assert facts.apply(in_order, missed) is in_order
