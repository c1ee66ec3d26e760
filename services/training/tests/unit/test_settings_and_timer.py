"""Deployment settings from the environment (TRAINING_YEARLY_HOURS, TRAINING_PROGRAMME) and the year-end timer."""

import json
from dataclasses import replace

import pytest
from training_support import appointed, at, attend, held_session, system

from watchpost.errors import Invalid

from training import settings, timers
from training.consumers import on_person_appointed
from training.domain.rules import DEFAULT_PROGRAMME, DEFAULT_YEARLY_HOURS


def test_absent_or_blank_variables_keep_the_defaults():
    for env in ({}, {"TRAINING_YEARLY_HOURS": "", "TRAINING_PROGRAMME": ""}):
        found = settings.from_mapping(env)
        assert found.yearly_hours == DEFAULT_YEARLY_HOURS and found.programme == DEFAULT_PROGRAMME


def test_json_settings_are_read_and_normalised():
    found = settings.from_mapping(
        {
            "TRAINING_YEARLY_HOURS": json.dumps({"informant": 6, "community_secretary": 30.5}),
            "TRAINING_PROGRAMME": json.dumps({"informant": [{"item": "forum", "kind": "new_cadre_forum"}]}),
        }
    )
    assert found.yearly_hours == {"informant": 6, "community_secretary": 30.5}
    assert found.programme == {"informant": [{"item": "forum", "kind": "new_cadre_forum", "topic": None}]}


@pytest.mark.parametrize(
    "name, raw, says",
    [
        ("TRAINING_YEARLY_HOURS", "{nope", "must be JSON"),
        ("TRAINING_YEARLY_HOURS", "[8]", "JSON object keyed by role"),
        ("TRAINING_YEARLY_HOURS", '{"mayor": 8}', "unknown roles ['mayor']"),
        ("TRAINING_YEARLY_HOURS", '{"informant": -1}', "0 or more"),
        ("TRAINING_YEARLY_HOURS", '{"informant": true}', "0 or more"),
        ("TRAINING_PROGRAMME", '{"informant": {"item": "x"}}', "list of items"),
        ("TRAINING_PROGRAMME", '{"informant": [{"kind": "other"}]}', "non-empty item name"),
        ("TRAINING_PROGRAMME", '{"informant": [{"item": "x", "kind": "party"}]}', "kind 'party' is unknown"),
        ("TRAINING_PROGRAMME", '{"informant": [{"item": "x"}]}', "needs a kind or a topic"),
        ("TRAINING_PROGRAMME", '{"informant": [{"item": "x", "kind": "other", "when": 1}]}', "item, kind and topic"),
    ],
)
def test_a_bad_setting_is_refused_naming_the_variable(name, raw, says):
    with pytest.raises(Invalid, match=None) as refused:
        settings.from_mapping({name: raw})
    assert says in refused.value.message and name in refused.value.message


def test_the_timer_waits_for_the_year_to_end_then_settles_it_once(store):
    attend(store, held_session(store, date="2026-05-04", hours=8), "P1", role="informant")
    on_person_appointed(store, system(), appointed("P2", on="2026-02-01"))
    assert timers.close_previous_year(store, system(now=at(2026, 12, 31))) == []  # closes 2025: nobody
    settled = timers.close_previous_year(store, system(now=at(2027, 1, 1)))
    assert sorted(e.type for e in settled) == ["requirement.met", "requirement.shortfall"]
    assert timers.close_previous_year(store, system(now=at(2027, 1, 1))) == []


def test_the_timer_settles_a_cadre_whose_appointment_arrived_after_the_close(store, monkeypatch):
    on_person_appointed(store, system(), appointed("P2", on="2026-02-01"))
    assert len(timers.close_previous_year(store, system(now=at(2027, 1, 1)))) == 1
    scans = []
    monkeypatch.setattr(timers, "close_year", lambda *a, **kw: scans.append(1) or [])
    timers.close_previous_year(store, system(now=at(2027, 1, 1)))
    assert scans == []  # nothing changed: no scan
    monkeypatch.undo()
    on_person_appointed(store, system(now=at(2027, 1, 2)), appointed("P3", on="2026-12-20"))
    [late] = timers.close_previous_year(store, system(now=at(2027, 1, 2)))
    assert (late.type, late.payload["person_id"], late.payload["required"]) == ("requirement.shortfall", "P3", 2.0)


def test_the_timer_uses_the_configured_yearly_hours(store):
    configured = settings.from_mapping({"TRAINING_YEARLY_HOURS": json.dumps({"community_secretary": 2})})
    on_person_appointed(store, system(), appointed("P2", on="2025-02-01"))
    attend(store, held_session(store, date="2026-05-04", hours=2), "P2")
    [e] = timers.close_previous_year(store, replace(system(now=at(2027, 1, 1)), extra={"settings": configured}))
    assert (e.type, e.payload["required"]) == ("requirement.met", 2.0)
