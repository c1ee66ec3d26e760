"""The rulebook as data: validation with clear errors, versions, effective periods; periods and their spans."""

from datetime import datetime, timezone

import pytest

from watchpost.errors import Conflict, Forbidden, Invalid, NotFound
from watchpost.testing import make_ctx

from assessment import commands, reads
from assessment.domain import periods
from assessment.domain.rulebook import default, in_force, validate
from assessment.schemas import SCHEMAS


def test_periods():
    assert periods.months("2026-Q2") == ["2026-04", "2026-05", "2026-06"]
    assert len(periods.months("2026")) == 12 and periods.months("2026-03") == ["2026-03"]
    assert periods.contains("2026", "2026-Q3") and periods.contains("2026-Q1", "2026-02")
    assert not periods.contains("2026-Q1", "2026") and not periods.contains("2026-03", "2026-Q1")
    assert periods.bounds("2026-12")[1].isoformat() == "2027-01-01"
    assert periods.has_ended("2026-Q1", datetime(2026, 3, 31, 16, 0, tzinfo=timezone.utc))  # 00:00 Chengdu
    for bad in ("2026-13", "2026-Q5", "26", "2026/03", None):
        with pytest.raises(Invalid, match="a quarter like 2026-Q1"):
            periods.kind(bad)


def test_the_default_rulebook_is_valid_and_names_all_seven_indicators():
    rulebook = default()
    assert rulebook["version"] == "v1" and len(rulebook["indicators"]) == 7
    assert SCHEMAS["publish_rulebook"]().load(rulebook)


@pytest.mark.parametrize(
    "change, field, says",
    [
        (lambda r: r["indicators"].pop(), "indicators", "missing ['team_building']"),
        (lambda r: r["indicators"][0].update(metric="speed"), "indicators[0].metric", "is not one of"),
        (lambda r: r["indicators"][1].update(cap=0.125), "indicators[1].cap", "more than two decimals"),
        (lambda r: r["indicators"][1].update(weight=-1), "indicators[1].weight", "must be 0 or more"),
        (lambda r: r["indicators"][2].update(units={"nope": 1}), "indicators[2].units.nope", "is not a rule of"),
        (lambda r: r.update(effective_until="2025-12"), "effective_until", "not be before effective_from"),
        (lambda r: r.update(version="v 1"), "version", "letters, digits"),
        (lambda r: r.update(bonus=1), "rulebook", "unknown fields ['bonus']"),
        (lambda r: r.update(base="100"), "base", "must be a number, not str"),
    ],
)
def test_invalid_rulebooks_name_what_is_wrong(change, field, says):
    rulebook = default()
    change(rulebook)
    with pytest.raises(Invalid) as raised:
        validate(rulebook)
    assert says in raised.value.details["fields"][field]


def test_the_rulebook_in_force_follows_effective_periods():
    books = [
        {"version": "v1", "effective_from": "2026-01", "effective_until": None, "published_position": 1},
        {"version": "v2", "effective_from": "2026-04", "effective_until": "2026-06", "published_position": 2},
        {"version": "v1b", "effective_from": "2026-01", "effective_until": None, "published_position": 3},
    ]
    assert in_force(books, "2026-03")["version"] == "v1b"  # same start: the later published
    assert in_force(books, "2026-Q2")["version"] == "v2"
    assert in_force(books, "2026-07")["version"] == "v1b"
    assert in_force(books, "2025-12") is None


def test_publish_is_for_the_district_once_per_version(store, district, kit):
    [event] = commands.publish_rulebook(store, district, **default())
    assert event.type == "rulebook.published" and event.stream_id == "rulebook-v1"
    with pytest.raises(Conflict, match="v1 is already published"):
        commands.publish_rulebook(store, district, **default())
    with pytest.raises(Forbidden, match="publish_rulebook is for district_commission; not for street_commission"):
        commands.publish_rulebook(store, make_ctx("street_commission", street="S1"), **default())
    assert reads.rulebook(store, district, period="2026-05")["version"] == "v1"
    assert [r["version"] for r in reads.rulebooks(store, district)["rulebooks"]] == ["v1"]


def test_no_rulebook_in_force_is_a_clear_not_found(store, district):
    with pytest.raises(NotFound, match="no rulebook is in force in 2026-03"):
        reads.scorecard(store, district, community="C1", period="2026-03")


def test_a_new_version_applies_to_open_periods_it_covers(store, district, publish, kit, logs, feed):
    logs["liaison"].emit("community.registered", community="C1", street="S1")
    feed()
    publish(kit.simple_rulebook("t1"))
    publish(kit.simple_rulebook("t2", effective_from="2026-04", base=80))
    read = lambda period: reads.scorecard(store, district, community="C1", period=period)  # noqa: E731
    assert (read("2026-03")["rulebook_version"], read("2026-04")["rulebook_version"]) == ("t1", "t2")
    assert read("2026-05")["total"] == 80


def test_request_schemas_refuse_unknown_fields():
    from marshmallow import ValidationError

    with pytest.raises(ValidationError, match="Unknown field"):
        SCHEMAS["scorecard"]().load({"community": "C1", "period": "2026-03", "as_of": "now"})
    with pytest.raises(ValidationError, match="quarter like 2026-Q1"):
        SCHEMAS["close_period"]().load({"period": "March"})
