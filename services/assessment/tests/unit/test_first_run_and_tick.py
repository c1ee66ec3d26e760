"""The system's own acts: rulebook v1 on a first run, and the adjustments a closed period is owed on each tick."""

from datetime import datetime, timezone

import pytest

from watchpost.errors import Forbidden
from watchpost.testing import make_ctx

from assessment import commands, reads, timers

SYSTEM = make_ctx("system", now=datetime(2026, 4, 3, tzinfo=timezone.utc))
C1 = {"community": "C1", "street": "S1"}


def test_a_first_run_publishes_rulebook_v1_once(store, district):
    [event] = timers.publish_default_rulebook(store, SYSTEM)
    assert event.type == "rulebook.published" and event.payload["version"] == "v1"
    assert event.actor["role"] == "system"
    assert timers.publish_default_rulebook(store, SYSTEM) == []
    assert [r["version"] for r in reads.rulebooks(store, district)["rulebooks"]] == ["v1"]


def test_no_default_once_the_district_has_published(store, publish):
    publish()
    assert timers.publish_default_rulebook(store, SYSTEM) == []


def test_only_the_system_publishes_the_default(store):
    with pytest.raises(Forbidden, match="publish_default_rulebook is for system; not for district_commission"):
        timers.publish_default_rulebook(store, make_ctx("district_commission"))


def test_a_tick_records_late_facts_of_closed_periods(store, logs, publish, feed, district):
    publish()
    logs["intake"].emit("opinion.resolved", opinion_id="o1", **C1)
    feed()
    commands.close_period(store, district, period="2026-03")
    assert timers.tick(store, SYSTEM) == []
    logs["intake"].emit("opinion.resolved", opinion_id="o2", **C1)
    feed()
    [adjusted] = timers.tick(store, SYSTEM)
    assert adjusted.type == "scorecard.adjusted" and adjusted.payload["total_after"] == 102
    assert timers.tick(store, SYSTEM) == []
