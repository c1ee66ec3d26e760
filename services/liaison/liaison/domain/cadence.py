"""The cadence (月反馈季报告): each informant's and supervisor's monthly feedback (月反馈, stream
`feedback-<person>-<period>`) and each station's quarterly report (季报告, stream `report-<station>-<period>`).
Submitted on time, late, or missed. A major problem (重大问题) flagged with a feedback is not part of it: it is its
own aggregate (domain.flags), so that nothing published links the person to the flag.
"""

from watchpost.domain import Change
from watchpost.errors import IllegalTransition, Invalid

from liaison.domain import periods
from liaison.domain.personnel import WATCHERS


def fold(events):
    state = {"submitted_on": None, "due_soon": False, "missed": False}
    for e in events:
        if e.type in ("feedback.submitted", "report.submitted"):
            state["submitted_on"] = e.payload["submitted_on"]
        elif e.type.endswith(".due_soon"):
            state["due_soon"] = True
        elif e.type.endswith(".missed"):
            state["missed"] = True
    return state


SUBMITTED_VERSION = 2  # v2: without v1's `major_problem`


def feedback_id(person_id, period):
    return f"{person_id}-{period}"


def report_id(station_id, period):
    return f"{station_id}-{period}"


def watcher(person):
    """The payload fields naming who owes a feedback; refuses anyone but an active informant or supervisor."""
    if person.get("status") != "active" or person.get("role") not in WATCHERS:
        raise Invalid(
            f"{person.get('person_id')} is not an active informant or supervisor; only they give monthly feedback",
            field="person_id",
        )
    return {k: person[k] for k in ("person_id", "role", "station_id", "street", "community")}


def station_of(community_state):
    station = community_state["station"]
    if station is None:
        raise Invalid("the community has no liaison station; only stations give quarterly reports", field="community")
    return station


def owes(period, since):
    """A period is owed if it ends on or after `since` (the appointment, or the station's opening)."""
    return periods.bounds(period)[1].isoformat() >= since


def _open(period, since, today, settings, command):
    when = periods.clock(period, today, settings)
    if when == "future":
        raise Invalid(
            f"period {period} has not begun; {command} is possible from {periods.bounds(period)[0].isoformat()}",
            field="period",
        )
    if not owes(period, since):
        raise Invalid(
            f"period {period} ended before {since}, when the duty began; nothing is owed for it", field="period"
        )
    due = periods.due_on(period, settings)
    late = max(0, (today - due).days)
    return {"submitted_on": today.isoformat(), "due_on": due.isoformat(), "on_time": late == 0, "days_late": late}


def submit_feedback(state, person, period, today, settings, summary="", major_problem=False, problem_summary=None):
    """The month's feedback; a major problem flagged with it (checked here) is recorded apart, by domain.flags."""
    periods.require_kind(period, "month")
    who = watcher(person)
    if state["submitted_on"]:
        raise IllegalTransition("submit_feedback", "submitted", ["report_major_problem"])
    timing = _open(period, person["appointed_on"], today, settings, "submit_feedback")
    if major_problem and not problem_summary:
        raise Invalid(
            "a feedback flagging a major problem must describe it in problem_summary", field="problem_summary"
        )
    return [
        Change(
            "feedback.submitted",
            {
                "feedback_id": feedback_id(who["person_id"], period),
                **who,
                "period": period,
                **timing,
                "summary": summary or "",
            },
            SUBMITTED_VERSION,
        )
    ]


def submit_report(state, community_state, period, today, settings, summary=""):
    periods.require_kind(period, "quarter")
    station = station_of(community_state)
    if state["submitted_on"]:
        raise IllegalTransition("submit_report", "submitted", [])
    timing = _open(period, station["opened_on"], today, settings, "submit_report")
    return [
        Change(
            "report.submitted",
            {
                "report_id": report_id(station["station_id"], period),
                **_station_fields(station),
                "period": period,
                **timing,
                "summary": summary or "",
            },
        )
    ]


def _station_fields(station):
    return {k: station[k] for k in ("station_id", "street", "community")}


def reminder(state, kind, subject, period, today, settings):
    """`<kind>.due_soon` or `<kind>.missed` (kind: feedback | report), each at most once per period.

    `subject` is a person (feedback) or a station (report), as the projections hold them.
    """
    if kind == "feedback":
        who, since, ident = watcher(subject), subject["appointed_on"], feedback_id(subject["person_id"], period)
    else:
        who, since, ident = _station_fields(subject), subject["opened_on"], report_id(subject["station_id"], period)
    when = periods.clock(period, today, settings)
    if state["submitted_on"] or not owes(period, since) or when not in ("due_soon", "overdue"):
        return []
    event, flag = ("missed", "missed") if when == "overdue" else ("due_soon", "due_soon")
    if state[flag]:
        return []
    return [
        Change(
            f"{kind}.{event}",
            {f"{kind}_id": ident, **who, "period": period, "due_on": periods.due_on(period, settings).isoformat()},
        )
    ]
