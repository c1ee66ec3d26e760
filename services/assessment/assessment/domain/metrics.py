"""The metrics a rulebook can name: which foreign events count, for how many units, under which rule (指标口径).

A metric is a tuple of `Term`s. A term matches one event type (and payload values), gives it signed units and names
the thing counted (its subject): a later event on the same subject replaces the earlier one, so a missed feedback
that is later filed late counts once, as filed. Each event type is dated by one payload field (or, without it, by
when it occurred in Chengdu time): that date decides the month, quarter or year the event counts for.
"""

from dataclasses import dataclass

SOURCES = {
    **dict.fromkeys(("clue", "opinion", "inspection", "rectification", "finding"), "intake"),
    **dict.fromkeys(
        ("person", "pairing", "feedback", "report", "directory", "street", "community", "station", "group"), "liaison"
    ),
    **dict.fromkeys(("session", "attendance", "onboarding", "requirement"), "training"),
}

# payload field that dates each event type: `period` (month or quarter), `year`, or an ISO date field.
DATED_BY = {
    "feedback.submitted": "period",
    "feedback.missed": "period",
    "feedback.major_problem_flagged": "period",
    "report.submitted": "period",
    "report.missed": "period",
    "requirement.met": "year",
    "requirement.shortfall": "year",
    "attendance.recorded": "held_on",
    "attendance.corrected": "held_on",
    "inspection.recorded": "held_on",
    "pairing.contact_recorded": "held_on",
}


def source_of(event_type):
    """The service that publishes `event_type` (intake, liaison, training), or None for assessment's own."""
    return SOURCES.get(event_type.split(".", 1)[0])


@dataclass(frozen=True)
class Term:
    name: str
    type: str
    units: int
    when: tuple = ()  # ((payload field, (allowed values, ...)), ...)
    subject: tuple = ()  # (label, payload fields...): the thing counted; () means the event itself


def _t(name, type, units, when=None, subject=()):
    return Term(
        name, type, units, tuple((k, v if isinstance(v, tuple) else (v,)) for k, v in (when or {}).items()), subject
    )


_ATTENDANCE = tuple(
    _t(
        f"{status}{'_corrected' if kind == 'attendance.corrected' else ''}",
        kind,
        units,
        {"status": status},
        ("attendance", "session_id", "person_id"),
    )
    for kind in ("attendance.recorded", "attendance.corrected")
    for status, units in (("present", 1), ("absent", -1), ("excused", 0))
)

METRICS = {
    "petitions_handled_on_time": (
        _t("clue_acceptance_notified", "clue.acceptance_notified", 1, None, ("clue-notice", "clue_id")),
        _t("clue_acceptance_notice_overdue", "clue.overdue", -1, {"clock": "acceptance_notice"}),
        _t("clue_feedback_on_time", "clue.feedback_given", 1, {"on_time": True}, ("clue-feedback", "clue_id")),
        _t("clue_feedback_late", "clue.feedback_given", -1, {"on_time": False}, ("clue-feedback", "clue_id")),
        _t("clue_feedback_overdue", "clue.overdue", -1, {"clock": "feedback"}, ("clue-feedback", "clue_id")),
        _t("opinion_resolved", "opinion.resolved", 1, None, ("opinion-resolved", "opinion_id")),
        _t("opinion_feedback_given", "opinion.feedback_given", 1, None, ("opinion-feedback", "opinion_id")),
    ),
    "clues_registered_without_overdue": (
        _t("clue_registered", "clue.registered", 1, None, ("clue-registered", "clue_id")),
        _t("clue_disposal_approved", "clue.disposal_approved", 1, None, ("clue-disposal", "clue_id")),
        _t("clue_disposal_overdue", "clue.overdue", -1, {"clock": "disposal"}),
        _t("clue_forwarding_overdue", "clue.overdue", -1, {"clock": "forwarding"}),
    ),
    "reviews_concluded_within_limit": (
        _t("clue_concluded_within_limit", "clue.concluded", 1, {"within_limit": True}, ("clue-concluded", "clue_id")),
        _t("clue_concluded_late", "clue.concluded", -1, {"within_limit": False}, ("clue-concluded", "clue_id")),
        _t("clue_reply_overdue", "clue.overdue", -1, {"clock": "reply"}),
        _t("clue_report_overdue", "clue.overdue", -1, {"clock": "report"}),
    ),
    "inspections_and_rectifications": (
        _t("inspection_held", "inspection.recorded", 1, None, ("inspection", "inspection_id")),
        _t(
            "rectification_verified_on_time",
            "rectification.verified",
            1,
            {"on_time": True},
            ("rectification", "finding_id"),
        ),
        _t(
            "rectification_verified_late",
            "rectification.verified",
            -1,
            {"on_time": False},
            ("rectification", "finding_id"),
        ),
        _t("rectification_overdue", "rectification.overdue", -1, None, ("rectification", "finding_id")),
    ),
    "training_attendance": _ATTENDANCE,
    "feedback_and_reports_on_time": (
        _t("feedback_on_time", "feedback.submitted", 1, {"on_time": True}, ("feedback", "person_id", "period")),
        _t("feedback_late", "feedback.submitted", 0, {"on_time": False}, ("feedback", "person_id", "period")),
        _t("feedback_missed", "feedback.missed", -1, None, ("feedback", "person_id", "period")),
        _t("major_problem_flagged", "feedback.major_problem_flagged", 1, None, ("major-problem", "flag_id")),
        _t("report_on_time", "report.submitted", 3, {"on_time": True}, ("report", "station_id", "period")),
        _t("report_late", "report.submitted", 0, {"on_time": False}, ("report", "station_id", "period")),
        _t("report_missed", "report.missed", -3, None, ("report", "station_id", "period")),
    ),
    "team_hours_onboarding_contacts": (
        _t("yearly_hours_met", "requirement.met", 2, None, ("requirement", "person_id", "year")),
        _t("yearly_hours_shortfall", "requirement.shortfall", -2, None, ("requirement", "person_id", "year")),
        _t("onboarding_completed", "onboarding.completed", 2, None, ("onboarding", "person_id")),
        _t("pairing_contact_recorded", "pairing.contact_recorded", 1),
        _t("pairing_contact_lapsed", "pairing.contact_lapsed", -1, None, ("lapse", "pairing_id", "since")),
    ),
}

TERMS_BY_TYPE = {}
for _metric, _terms in METRICS.items():
    for _term in _terms:
        TERMS_BY_TYPE.setdefault(_term.type, []).append((_metric, _term))


def terms(metric):
    """The terms of `metric` as plain data, for explanations and rulebook validation."""
    return [
        {
            "rule": t.name,
            "type": t.type,
            "units": t.units,
            "when": {k: list(v) for k, v in t.when},
            "subject": list(t.subject),
        }
        for t in METRICS[metric]
    ]


# the rules that count a thing of one person (their subject names `person_id`): they can score a cadre (干部个人)
PER_PERSON = {
    (_metric, _term.name) for _metric, _terms in METRICS.items() for _term in _terms if "person_id" in _term.subject[1:]
}


def per_person(metric, rule):
    """Whether `rule` of `metric` counts one person's doing (a feedback, their hours, their attendance)."""
    return (metric, rule) in PER_PERSON


def person_rules(metric):
    """The names of `metric`'s rules that count per person, in the metric's order."""
    return [t.name for t in METRICS.get(metric, ()) if per_person(metric, t.name)]
