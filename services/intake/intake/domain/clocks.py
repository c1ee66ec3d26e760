"""Statutory clocks (法定时限): when each step is due, which clocks an event opens or closes, when to alert.

Due dates are computed when a step is decided and written into the event, so projections stay pure.
"""

from datetime import date, timedelta, timezone

from intake.reference.calendar import add_months, add_working_days, next_working_day

CHINA = timezone(timedelta(hours=8))
DUE_SOON_WORKING_DAYS = 3


def local_date(now):
    """The date in Chengdu (UTC+8) at the instant `now`: statutory days are Chinese calendar days."""
    return now.astimezone(CHINA).date()


def disposal_due(start):
    """The disposal opinion: within one month (a limit ending on a day off moves to the next working day)."""
    return next_working_day(add_months(start, 1))


def forwarding_due(start):
    """Passing a clue to the level or organ that has jurisdiction: within 5 working days."""
    return add_working_days(start, 5)


def fifteen_working_days(start):
    """Acceptance notice, reply to a 函询, result feedback to a real-name reporter: 15 working days each."""
    return add_working_days(start, 15)


def report_due(start):
    """The report on a talk or inquiry: within one month of the approval."""
    return next_working_day(add_months(start, 1))


def iso(day):
    return day.isoformat() if day else None


def parse(text):
    return date.fromisoformat(text) if text else None


_OPENS = {
    "clue.received": ("disposal", "forwarding", "acceptance_notice"),
    "clue.disposal_approved": ("reply", "report"),
    "clue.concluded": ("feedback",),
    "clue.resumed": ("disposal",),
    "clue.objection_raised": ("disposal",),
}
_CLOSES = {
    "clue.screened": ("forwarding",),
    "clue.disposal_approved": ("disposal",),
    "clue.reply_received": ("reply",),
    "clue.concluded": ("disposal", "reply", "report"),
    "clue.acceptance_notified": ("acceptance_notice",),
    "clue.feedback_given": ("feedback",),
    "rectification.reported": ("rectification",),
    "finding.escalated": ("rectification",),
}


def clock_changes(event_type, payload):
    """(opened {clock: due_on iso}, closed {clock}) for one event; the one rule fold and projections share."""
    opened = {c: payload[f"{c}_due_on"] for c in _OPENS.get(event_type, ()) if payload.get(f"{c}_due_on")}
    closed = set(_CLOSES.get(event_type, ()))
    if event_type == "clue.screened" and payload["outcome"] != "accepted":
        closed |= {"disposal", "acceptance_notice"}
    if event_type == "rectification.ordered":
        opened["rectification"] = payload["deadline"]
    return opened, closed


def alert_due(due_on, today, sent):
    """'overdue', 'due_soon' or None: what a timer should emit now for a clock due `due_on`, given `sent` alerts."""
    if today > due_on:
        return None if "overdue" in sent else "overdue"
    if sent or add_working_days(today, DUE_SOON_WORKING_DAYS) < due_on:
        return None
    return "due_soon"
