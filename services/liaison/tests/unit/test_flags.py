"""Major problems flagged (举报人保护): held with the feedback, released by the timer apart from it, naming no one."""

import copy
import re

import pytest
from liaison_helpers import SMALL, as_person, at, ctx, system

from watchpost.errors import Invalid
from watchpost.testing import make_ctx

from liaison import timers
from liaison.commands import cadence, loading
from liaison.domain import flags
from liaison.domain.periods import Settings

FLAGGED = "feedback.major_problem_flagged"


def crowded():
    """SMALL plus two more informants in C1 and one more supervisor in C3 (S2 has two supervisors, no more)."""
    directory = copy.deepcopy(SMALL)
    directory["people"] += [
        {
            "person_id": f"INF{n}",
            "name": f"信息员{n}",
            "role": "informant",
            "community": "C1",
            "groups": ["C1-G1"],
            "appointed_on": "2025-01-01",
        }
        for n in (7, 8)
    ]
    directory["people"].append(
        {
            "person_id": "SUP4",
            "name": "监督员丁",
            "role": "supervisor",
            "community": "C3",
            "groups": ["C3-G1"],
            "appointed_on": "2025-01-01",
        }
    )
    return directory


@pytest.fixture
def district(store):
    loading.load_directory(store, ctx(), crowded())
    return store


def released(store):
    return [e for e in store.replay() if e.type == FLAGGED]


def test_flags_are_released_by_the_timer_in_a_batch_as_the_service(district):
    cadence.submit_feedback(
        district,
        as_person("INF1", "informant", now=at(2026, 3, 2)),
        "INF1",
        "2026-02",
        major_problem=True,
        problem_summary="低保公示不齐全",
        category="三务公开",
    )
    cadence.report_major_problem(
        district, as_person("SUP3", "supervisor", "C3", now=at(2026, 3, 2, 10)), "SUP3", "项目资金未经集体研究"
    )
    cadence.submit_feedback(district, as_person("INF7", "informant", now=at(2026, 3, 2, 10)), "INF7", "2026-02")
    assert timers.release_flags(district, system(now=at(2026, 3, 2, 11))) == []  # 19:00 in Chengdu: not yet
    batch = timers.release_flags(district, system(now=at(2026, 3, 3)))
    assert len(batch) == 2 and timers.release_flags(district, system(now=at(2026, 3, 3, 10))) == []
    by_street = {e.payload["street"]: e for e in batch}
    assert by_street["S1"].payload == {
        "flag_id": by_street["S1"].stream_id,
        "street": "S1",
        "community": "C1",
        "role": "informant",
        "period": "2026-03",
        "summary": "低保公示不齐全",
        "category": "三务公开",
        "released_on": "2026-03-03",
    }
    # two supervisors in C3, two in S2: neither the community nor the role is published
    assert {k: by_street["S2"].payload[k] for k in ("community", "role")} == {"community": None, "role": None}
    for e in batch:
        assert re.fullmatch(r"flag-[0-9a-f-]{36}", e.stream_id) and e.schema_version == flags.VERSION
        assert e.actor == {"id": "watchpost", "role": "system"} and e.causation_id is None
        assert e.correlation_id == batch[0].correlation_id and e.correlation_id.startswith("flags-released-")
        assert e.occurred_at.minute == 0 and e.occurred_at.second == 0 and e.occurred_at.microsecond == 0
    assert [e.position for e in batch] == list(range(batch[0].position, batch[0].position + 2))
    assert district.doc("compliance", "C1/2026-03")["flags"] == 1
    assert "flags" not in district.doc("people", "INF1")["feedback"]["2026-02"]


def test_a_flag_is_never_released_right_after_its_feedback(district):
    [fed] = cadence.submit_feedback(
        district,
        as_person("INF1", "informant", now=at(2026, 3, 2)),
        "INF1",
        "2026-02",
        major_problem=True,
        problem_summary="低保公示不齐全",
    )
    assert district.head()[0] == fed.position
    assert timers.release_flags(district, system(now=at(2026, 3, 3))) == []  # it would be adjacent
    cadence.submit_feedback(district, as_person("INF7", "informant", now=at(2026, 3, 3)), "INF7", "2026-02")
    [flag] = timers.release_flags(district, system(now=at(2026, 3, 3, 1)))
    assert flag.position > fed.position + 1


def test_a_flag_held_after_the_cutoff_waits_a_day(district):
    settings = Settings(flag_release_hour=3, flag_hold_hours=6)
    late = as_person("INF1", "informant", now=at(2026, 3, 2, 14))  # 22:00 in Chengdu
    late.extra["settings"] = settings
    cadence.submit_feedback(district, late, "INF1", "2026-02", major_problem=True, problem_summary="资金未经公示")
    cadence.submit_feedback(district, as_person("INF7", "informant", now=at(2026, 3, 2, 15)), "INF7", "2026-02")
    tick = system(now=at(2026, 3, 3))
    tick.extra["settings"] = settings
    assert timers.release_flags(district, tick) == []
    tick = system(now=at(2026, 3, 4))
    tick.extra["settings"] = settings
    assert [e.payload["released_on"] for e in timers.release_flags(district, tick)] == ["2026-03-04"]


def test_the_crowd_threshold_is_data_with_its_reason():
    assert flags.DISCLOSURE["min_crowd"] >= 2 and "name" in flags.DISCLOSURE["reason"]
    held = {"street": "S1", "community": "C1", "role": "informant"}
    sizes = {("informant", "C1"): 1, ("informant", None): 3}
    assert flags.place(held, lambda r, street, community: sizes.get((r, community), 0)) == ("S1", None, "informant")


def test_a_retried_feedback_holds_its_flag_once(district, monkeypatch):
    def person(command_id):
        return make_ctx(role="informant", actor_id="INF1", community="C1", now=at(2026, 3, 2), command_id=command_id)

    def crash(*args, **kwargs):
        raise RuntimeError("the service stopped after the feedback was decided")

    body = dict(period="2026-02", major_problem=True, problem_summary="资金未经公示")
    with monkeypatch.context() as patched:
        patched.setattr(cadence.flags, "hold", crash)
        with pytest.raises(RuntimeError):
            cadence.submit_feedback(district, person("k1"), "INF1", **body)
    first = cadence.submit_feedback(district, person("k1"), "INF1", **body)
    again = cadence.submit_feedback(district, person("k1"), "INF1", **body)
    assert [e.event_id for e in again] == [e.event_id for e in first]
    cadence.submit_feedback(district, as_person("INF7", "informant", now=at(2026, 3, 2)), "INF7", "2026-02")
    assert len(timers.release_flags(district, system(now=at(2026, 3, 3)))) == 1
    cadence.submit_feedback(district, person("k1"), "INF1", **body)  # a retry after the release
    assert len(timers.release_flags(district, system(now=at(2026, 3, 4)))) == 0


def test_refusals(district):
    with pytest.raises(Invalid, match="summary"):
        cadence.report_major_problem(district, as_person("INF1", "informant"), "INF1", "")
