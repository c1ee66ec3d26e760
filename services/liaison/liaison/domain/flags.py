"""A major problem (重大问题) an informant or supervisor flags: its own aggregate, stream `flag-<uuid4>`.

Whoever flags is, for that flag, a reporter (举报人保护): the event names no person, station or feedback, only
the opaque flag id, the place, the period and the flagger's role (intake's channel). The id is chosen by the
caller (the handler), so the domain stays pure.
"""
from watchpost.domain import Change
from watchpost.errors import IllegalTransition

from liaison.domain.cadence import watcher
from liaison.domain.common import check_name

FLAGGED = "feedback.major_problem_flagged"
VERSION = 2


def fold(events):
    return {"flagged": any(e.type == FLAGGED for e in events)}


def flag(state, person, flag_id, period, today, summary, category=None):
    """Flag a major problem at once (发现重大问题及时上报); `person` must be an active informant or supervisor."""
    who = watcher(person)
    if state["flagged"]:
        raise IllegalTransition("report_major_problem", "flagged", [])
    return [Change(FLAGGED, {"flag_id": flag_id, "street": who["street"], "community": who["community"],
                             "role": who["role"], "period": period, "summary": check_name(summary, "summary"),
                             "category": category, "flagged_on": today.isoformat()}, VERSION)]
