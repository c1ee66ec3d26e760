"""The rebuild check: source logs read from position 0 through a catch-up, chains verified, scorecards compared."""

import pytest

from watchpost.errors import Forbidden, Unavailable
from watchpost.eventlog.model import event_from_json, event_to_json
from watchpost.testing import make_ctx

from assessment import commands
from assessment.rebuild import check_rebuild, read_log, rebuild

C1 = {"community": "C1", "street": "S1"}


def fetcher(events):
    return lambda after, limit: events[after : after + limit]


@pytest.fixture
def scored(store, logs, publish, feed, district):
    publish()
    for n in range(7):
        logs["intake"].emit("opinion.resolved", opinion_id=f"o{n}", **C1)
    logs["liaison"].emit(
        "feedback.submitted", person_id="p1", period="2026-03", submitted_on="2026-04-01", on_time=True, **C1
    )
    feed()
    commands.close_period(store, district, period="2026-03")
    logs["intake"].emit("opinion.resolved", opinion_id="late", **C1)  # consumed later: pending on the closed card
    feed()
    return {s: fetcher(log.events) for s, log in logs.items()}


def test_a_rebuild_from_the_sources_equals_the_live_scorecards(store, scored):
    report = rebuild(store, scored)
    assert report["identical"] and report["through"] == {"intake": 8, "liaison": 1, "training": 0}
    assert report["compared"] == 3  # C1 in 2026-03, 2026-Q1 and 2026
    assert check_rebuild(store, make_ctx("auditor"), scored)["identical"]
    with pytest.raises(Forbidden):
        check_rebuild(store, make_ctx("street_commission", street="S1"), scored)


def test_a_log_is_read_in_pages_and_must_reach_what_was_consumed(logs, scored):
    events = logs["intake"].events
    assert read_log("intake", fetcher(events), 8, page=3) == events
    with pytest.raises(Unavailable, match="intake's log ends at 5 but assessment has consumed up to 8"):
        read_log("intake", fetcher(events[:5]), 8)
    tampered = event_from_json({**event_to_json(events[3]), "payload": {**events[3].payload, "community": "C2"}})
    forged = [*events[:3], tampered, *events[4:]]
    with pytest.raises(Unavailable, match="does not verify at 4"):
        read_log("intake", fetcher(forged), 8)


def test_the_folded_view_reads_like_the_store_in_key_order_with_containment_filters():
    """Its per-field index must find exactly what a scan in key order finds, pages included."""
    from watchpost.eventlog.projections import matches

    from assessment.rebuild import Folded

    docs = {
        f"k{i:03d}": {
            "community": f"C{i % 4}",
            "period": f"2026-{i % 3 + 1:02d}",
            "n": i % 2,
            "flag": bool(i % 2),
            "tags": [f"t{i % 5}"],
            "scope": {"street": f"S{i % 2}"},
        }
        for i in range(60)
    }
    view = Folded({"facts": docs}, {})
    ordered = [docs[k] for k in sorted(docs)]
    for where in (
        None,
        {},
        {"community": "C1"},
        {"community": "C2", "period": "2026-03"},
        {"n": 1},
        {"flag": True},
        {"n": True},
        {"tags": ["t3"]},
        {"scope": {"street": "S0"}, "period": "2026-01"},
        {"community": "nowhere"},
    ):
        expected = [d for d in ordered if matches(d, where)]
        if where and any(isinstance(v, bool) for v in where.values()):  # as in PostgreSQL's @>, true is not 1
            expected = [d for d in expected if all(type(d[k]) is type(v) for k, v in where.items())]
        assert view.count("facts", where) == len(expected), where
        assert view.docs("facts", where, limit=1000) == expected, where
        assert view.docs("facts", where, limit=4, offset=3) == expected[3:7], where
