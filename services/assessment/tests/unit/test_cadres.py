"""Per-cadre scorecards (干部个人考评): a person's feedback, hours, onboarding and attendance, from the same facts and
the same rulebook as the community's, every point traced to its event; scoped reads; a community's cadre ranking;
the optional `cadres` section of the rulebook; frozen when the period closes; equal after a rebuild."""

from datetime import datetime, timezone

import pytest

from watchpost.contracts import check
from watchpost.errors import Forbidden, Invalid, NotFound
from watchpost.eventlog.memory import MemoryEventStore
from watchpost.testing import make_ctx

from assessment import commands, reads
from assessment.domain.cadres import cadre_rulebook
from assessment.domain.rulebook import default, validate
from assessment.projections import PROJECTIONS as ALL
from assessment.rebuild import cadre_scorecards, compare, fold_logs, rebuild
from assessment.schemas import SCHEMAS

C1 = {"community": "C1", "street": "S1"}
C2 = {"community": "C2", "street": "S1"}
C3 = {"community": "C3", "street": "S2"}
APRIL = datetime(2026, 4, 3, tzinfo=timezone.utc)
AUDITOR = make_ctx("auditor")


def feedback(log, person, on_time=True, period="2026-03", here=C1, **kw):
    return log.emit(
        "feedback.submitted", person_id=person, period=period, submitted_on="2026-03-31", on_time=on_time, **here, **kw
    )


def missed(log, person, period="2026-03", here=C1):
    return log.emit("feedback.missed", person_id=person, period=period, due_on="2026-03-31", **here)


def attended(log, person, status="present", session="s1", here=C1):
    return log.emit(
        "attendance.recorded",
        session_id=session,
        person_id=person,
        status=status,
        hours=2,
        held_on="2026-03-12",
        **here,
    )


def card(store, person, period="2026-03", ctx=AUDITOR):
    return reads.cadre_scorecard(store, ctx, person_id=person, period=period)


def rows_add_up(block):
    assert sum(c["points"] for c in block["contributions"]) + block["baseline_points"] + block[
        "cap_points"
    ] == pytest.approx(block["score"], abs=1e-9)


@pytest.fixture
def v1(store, district):
    commands.publish_rulebook(store, district, **default())


def test_feedback_on_time_late_and_missed_each_count_for_their_person(store, logs, feed, publish):
    publish()  # every number 1, baseline 0: a cadre's score == value
    li = logs["liaison"]
    on_time = feedback(li, "p1")
    missed(li, "p2")
    late = feedback(li, "p2", on_time=False)  # filed late: replaces the miss, counts 0
    gone = missed(li, "p3")
    li.emit("report.submitted", station_id="st1", period="2026-Q1", submitted_on="2026-04-02", on_time=True, **C1)
    li.emit(
        "feedback.major_problem_flagged",
        version=2,
        flag_id="flag-a",
        period="2026-03",
        role="informant",
        summary="x",
        category=None,
        flagged_on="2026-03-04",
        **C1,
    )
    feed()
    one, two, three = (card(store, p)["indicators"]["information_reporting"] for p in ("p1", "p2", "p3"))
    assert (one["value"], two["value"], three["value"]) == (1, 0, -1)
    assert one["contributions"] == [
        {
            "source": "liaison",
            "event_id": on_time.event_id,
            "position": 1,
            "type": "feedback.submitted",
            "rule": "feedback_on_time",
            "units": 1,
            "points": 1,
            "replaced": [],
        }
    ]
    [filed] = two["contributions"]
    assert filed["event_id"] == late.event_id and filed["rule"] == "feedback_late" and len(filed["replaced"]) == 1
    assert [c["event_id"] for c in three["contributions"]] == [gone.event_id]
    for block in (one, two, three):
        rows_add_up(block)
    # the station's report and the (anonymous) major-problem flag count for the community, for no person
    assert card(store, "p1", "2026-Q1")["indicators"]["information_reporting"]["value"] == 1
    community = reads.scorecard(store, AUDITOR, community="C1", period="2026-Q1")
    assert community["indicators"]["information_reporting"]["value"] == 4  # 1 + 0 - 1 + flag 1 + report 3


def test_hours_met_or_short_count_in_the_year_and_onboarding_in_its_month(store, logs, feed, publish):
    publish()
    t = logs["training"]
    met = t.emit(
        "requirement.met", person_id="p1", year=2026, hours=30, required=24, role="informant", sessions=9, **C1
    )
    short = t.emit(
        "requirement.shortfall", person_id="p2", year=2026, hours=10, required=24, role="supervisor", sessions=3, **C1
    )
    onboarded = t.emit("onboarding.completed", person_id="p2", completed_on="2026-03-09", **C1)
    feed()
    assert card(store, "p1")["indicators"]["team_building"]["value"] == 0  # the year's verdict, not March's
    year = {p: card(store, p, "2026")["indicators"]["team_building"] for p in ("p1", "p2")}
    assert (year["p1"]["value"], year["p2"]["value"]) == (2, 0)  # p2: -2 short, +2 onboarded
    assert {c["event_id"]: c["points"] for c in year["p2"]["contributions"]} == {
        short.event_id: -2,
        onboarded.event_id: 2,
    }
    assert [c["event_id"] for c in year["p1"]["contributions"]] == [met.event_id]
    assert card(store, "p2")["indicators"]["team_building"]["value"] == 2  # onboarding counts in March


def test_attendance_counts_per_person_and_a_correction_replaces(store, logs, feed, publish):
    publish()
    t = logs["training"]
    attended(t, "p1")
    attended(t, "p1", session="s2")
    attended(t, "p2", status="absent")
    fixed = t.emit(
        "attendance.corrected",
        session_id="s1",
        person_id="p2",
        status="excused",
        hours=2,
        held_on="2026-03-12",
        previous_status="absent",
        previous_hours=2,
        reason="sick",
        **C1,
    )
    feed()
    assert card(store, "p1")["indicators"]["publicity_education"]["value"] == 2
    [row] = card(store, "p2")["indicators"]["publicity_education"]["contributions"]
    assert row["event_id"] == fixed.event_id and row["points"] == 0 and len(row["replaced"]) == 1


def test_under_v1_cadres_are_scored_by_the_default_section(store, logs, feed, v1):
    li, t = logs["liaison"], logs["training"]
    feedback(li, "p1")
    missed(li, "p2")
    attended(t, "p1")
    attended(t, "p2", status="absent")
    feed()
    one, two = card(store, "p1"), card(store, "p2")
    assert one["cadre_section"] == "default" and one["rulebook_version"] == "v1"
    assert list(one["indicators"]) == ["publicity_education", "information_reporting", "team_building"]
    info = two["indicators"]["information_reporting"]
    assert (info["baseline"], info["rate"], info["score"]) == (0, 0.5, -0.5)  # v1's rates, no baseline
    assert one["indicators"]["information_reporting"]["score"] == 0.1
    assert one["total"] == 100.35 and two["total"] == 98.5  # 100 + 0.1 + 0.25; 100 - 0.5 - 1
    assert (one["community"], one["street"], one["communities"]) == ("C1", "S1", [{"community": "C1", "street": "S1"}])


def test_a_cadres_section_chooses_indicators_and_numbers_and_is_validated():
    rulebook = default()
    assert "cadres" not in rulebook  # v1 is unchanged, and still its contract
    check("assessment", "rulebook.published", rulebook, 1)
    section = {
        "base": 60,
        "indicators": [
            {"indicator": "information_reporting", "baseline": 1, "points_below": 10, "units": {"feedback_late": -1}}
        ],
    }
    valid = validate({**rulebook, "cadres": section})
    assert SCHEMAS["publish_rulebook"]().load({**rulebook, "cadres": section})["cadres"]["base"] == 60
    rules = cadre_rulebook(valid)
    [info] = rules["indicators"]
    assert (rules["base"], rules["warning_threshold"], rules["section"]) == (60, 90, "rulebook")
    assert (info["baseline"], info["points_above"], info["points_below"], info["cap"]) == (1, 0.1, 10, 10)
    assert info["units"] == {"feedback_late": -1}

    def refused(section):
        with pytest.raises(Invalid) as raised:
            validate({**default(), "cadres": section})
        return raised.value.details["fields"]

    assert (
        "cannot score a cadre"
        in refused({"indicators": [{"indicator": "petition_handling"}]})["cadres.indicators[0].indicator"]
    )
    assert (
        "is not a per-person rule"
        in refused({"indicators": [{"indicator": "information_reporting", "units": {"report_on_time": 5}}]})[
            "cadres.indicators[0].units.report_on_time"
        ]
    )
    assert (
        "repeated ['team_building']"
        in refused({"indicators": [{"indicator": "team_building"}] * 2})["cadres.indicators"]
    )
    assert (
        "unknown fields ['metric']"
        in refused({"indicators": [{"indicator": "team_building", "metric": "training_attendance"}]})[
            "cadres.indicators[0]"
        ]
    )
    assert (
        "more than two decimals"
        in refused({"indicators": [{"indicator": "team_building", "cap": 0.125}]})["cadres.indicators[0].cap"]
    )
    assert "non-empty list" in refused({"indicators": []})["cadres.indicators"]
    assert "unknown fields ['bonus']" in refused({"indicators": [{"indicator": "team_building"}], "bonus": 1})["cadres"]


def test_a_published_section_scores_cadres_by_its_own_numbers(logs, district):
    # its own store: rulebook.published's contract (watchpost.contracts.assessment) does not yet name `cadres`
    store = MemoryEventStore(projections=ALL)
    commands.publish_rulebook(
        store,
        district,
        **{
            **default(),
            "cadres": {
                "warning_threshold": 99,
                "indicators": [{"indicator": "information_reporting", "points_below": 3}],
            },
        },
    )
    missed(logs["liaison"], "p1")
    for event in logs["liaison"].events:
        store.consume("liaison", event.position, lambda tx, e=event: tx.project(e))
    scored = card(store, "p1")
    assert scored["cadre_section"] == "rulebook" and list(scored["indicators"]) == ["information_reporting"]
    assert (scored["total"], scored["below_threshold"]) == (97, True)


@pytest.fixture
def people(store, logs, feed, publish):
    """p1 and p2 in C1, p3 in C2 (street S1), p4 in C3 (street S2); p5 moves from C1 to C2 in March."""
    publish()
    li, t = logs["liaison"], logs["training"]
    feedback(li, "p1")
    attended(t, "p1")
    feedback(li, "p2")
    missed(li, "p3", here=C2)
    feedback(li, "p4", here=C3)
    feedback(li, "p5", period="2026-02")
    attended(t, "p5", here=C2)
    logs["intake"].emit("opinion.resolved", opinion_id="o1", **C3)
    feed()


def test_scoped_reads_of_a_cadre(store, people):
    himself = make_ctx("informant", actor_id="p1", street="S1", community="C1")
    assert card(store, "p1", ctx=himself)["total"] == 102
    with pytest.raises(Forbidden, match="reads only their own scorecard, p1, not p2's"):
        card(store, "p2", ctx=himself)
    assert card(store, "p3", ctx=make_ctx("supervisor", actor_id="p3"))["total"] == 99
    secretary = make_ctx("community_secretary", street="S1", community="C1")
    assert card(store, "p2", ctx=secretary)["person_id"] == "p2"
    with pytest.raises(NotFound, match="^cadre 'p3' is not known"):  # not "counts in C2": as if unknown
        card(store, "p3", ctx=secretary)
    street = make_ctx("street_commission", street="S1")
    assert card(store, "p3", ctx=street)["community"] == "C2"
    with pytest.raises(NotFound, match="^cadre 'p4' is not known"):
        card(store, "p4", ctx=street)
    with pytest.raises(Forbidden, match="cadre_scorecard is for"):
        card(store, "p1", ctx=make_ctx("subscriber"))
    with pytest.raises(NotFound, match="cadre 'p9' is not known"):
        card(store, "p9")
    empty = card(store, "p4", "2026-01")  # known, nothing in January: an empty card, not a 404
    assert empty["total"] == 100 and empty["communities"] == [] and empty["community"] is None


def test_a_cadre_who_moved_reads_where_they_count_latest(store, people):
    march, quarter = card(store, "p5"), card(store, "p5", "2026-Q1")
    assert march["community"] == "C2" and quarter["community"] == "C2"
    assert [c["community"] for c in quarter["communities"]] == ["C1", "C2"]
    assert quarter["indicators"]["information_reporting"]["value"] == 1 and march["total"] == 101
    old = make_ctx("community_secretary", community="C1")
    assert card(store, "p5", "2026-02", ctx=old)["total"] == 101
    with pytest.raises(NotFound):
        card(store, "p5", "2026-03", ctx=old)  # in March p5 counts in C2 only


def test_cadres_ranked_within_their_community(store, people):
    secretary = make_ctx("community_secretary", street="S1", community="C1")
    ranked = reads.cadre_ranking(store, secretary, community="C1", period="2026-Q1")
    assert [(r["rank"], r["person_id"], r["total"]) for r in ranked["rows"]] == [
        (1, "p1", 102),
        (1, "p5", 102),
        (3, "p2", 101),
    ]
    assert ranked["street"] == "S1" and ranked["status"] == "open" and ranked["rulebook_version"] == "t1"
    assert [r["person_id"] for r in reads.cadre_ranking(store, AUDITOR, community="C1", period="2026-03")["rows"]] == [
        "p1",
        "p2",
    ]
    with pytest.raises(NotFound, match="^community .C2. is not known"):
        reads.cadre_ranking(store, secretary, community="C2", period="2026-03")
    with pytest.raises(NotFound, match="^community .* is not known"):
        reads.cadre_ranking(store, make_ctx("street_commission", street="S1"), community="C3", period="2026-03")
    with pytest.raises(Forbidden, match="cadre_ranking is for"):
        reads.cadre_ranking(store, make_ctx("informant", actor_id="p1"), community="C1", period="2026-03")
    with pytest.raises(NotFound, match="community 'C9' is not known"):
        reads.cadre_ranking(store, AUDITOR, community="C9", period="2026-03")
    assert reads.cadre_ranking(store, AUDITOR, community="C3", period="2026-01")["rows"] == []


def test_a_closed_period_freezes_cadre_cards_and_late_facts_wait_as_adjustments(store, logs, feed, publish, district):
    publish()
    li = logs["liaison"]
    missed(li, "p1")
    feed()
    commands.close_period(store, district, period="2026-03")
    late = feedback(li, "p1", on_time=False, at=APRIL)
    feed()
    frozen = card(store, "p1")
    assert frozen["status"] == "closed" and frozen["total"] == 99
    assert [p["event_id"] for p in frozen["pending_adjustments"]] == [late.event_id]
    [adjusted] = commands.record_adjustments(store, district, period="2026-03")
    after = card(store, "p1")
    assert after["total"] == 100 and after["pending_adjustments"] == []
    assert [a["event_id"] for a in after["adjustments"]] == [adjusted.event_id]


def test_rebuild_compares_cadre_scorecards_too(store, logs, people):
    def fetcher(events):
        return lambda after, limit: events[after : after + limit]

    sources = {s: fetcher(log.events) for s, log in logs.items()}
    report = rebuild(store, sources)
    assert report["identical"] and report["cadre_differences"] == []
    assert report["compared_cadres"] == 5 * 4  # p1..p5 × 2026-02, 2026-03, 2026-Q1, 2026
    # not vacuous: a rebuild that misses p1's attendance differs for p1, in publicity_education only
    dropped = next(e for e in logs["training"].events if e.payload["person_id"] == "p1")
    short = {
        **{s: log.events for s, log in logs.items()},
        "training": [e for e in logs["training"].events if e is not dropped],
    }
    missed_one = compare(
        cadre_scorecards(store),
        cadre_scorecards(fold_logs(list(store.replay()), short, report["through"])),
        who="person_id",
    )
    assert {d["person_id"] for d in missed_one} == {"p1"}
    assert {d["period"] for d in missed_one} == {"2026-03", "2026-Q1", "2026"}
    assert all(d["indicators"] == ["publicity_education"] for d in missed_one)
