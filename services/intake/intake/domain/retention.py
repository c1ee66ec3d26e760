"""How long a reporter's identity and a clue's sealed content are kept (保存期限), and when they may be erased.

The rule is data: `RETENTION` names its period and where it comes from. Neither DESIGN.md nor the seed article
states a period; the figure is the district commission's own decision (see docs/operations.md, "Erasure"), to be
replaced here, with its source, when the commission adopts another.
"""

from datetime import date

from watchpost.domain import Change
from watchpost.errors import Invalid, WatchpostError

from intake.domain.clue import SCREENED_AWAY

RETENTION = {
    "years_after_closing": 5,
    "source": "district commission's retention decision for closed clue files (no period in DESIGN.md or seed)",
}
BASES = ("retention_expired", "reporter_request")
CLOSED = ("concluded", *SCREENED_AWAY)


class NotErasable(WatchpostError):
    """The rules do not allow erasing this clue yet; `details.why` says which rule and `details` until when."""

    status, code = 409, "not_erasable"

    def __init__(self, why, message, **details):
        super().__init__(message, why=why, **details)


def erasable_from(closed_on, rule=RETENTION):
    """The first day a clue closed on `closed_on` may be erased under `rule`."""
    years = rule["years_after_closing"]
    try:
        return closed_on.replace(year=closed_on.year + years)
    except ValueError:  # 29 February
        return date(closed_on.year + years, 3, 1)


def erase(clue, today, *, basis, reason, rule=RETENTION):
    """Crypto-shred a closed clue's reporter identity and sealed content: once the retention period has run, or
    at the reporter's request once the clue is closed and the reporter has had the result (feedback given).
    The event names no reporter; it says what was erased, on what basis, and why."""
    if not str(reason or "").strip():
        raise Invalid("erasing needs a reason, which is recorded", field="reason")
    if basis not in BASES:
        raise Invalid(f"basis {basis!r} is unknown; allowed: {', '.join(BASES)}", field="basis")
    if clue.erased:
        raise NotErasable("already_erased", f"clue {clue.clue_id} was erased already")
    if clue.status not in CLOSED or clue.closed_on is None:
        raise NotErasable(
            "not_closed",
            f"clue {clue.clue_id} is {clue.status}; only a closed clue ({', '.join(CLOSED)}) is erased",
            status=clue.status,
        )
    if basis == "retention_expired":
        until = erasable_from(date.fromisoformat(clue.closed_on), rule)
        if today < until:
            raise NotErasable(
                "retention_running",
                f"clue {clue.clue_id} is kept until {until.isoformat()} "
                f"({rule['years_after_closing']} years after closing; {rule['source']})",
                erasable_from=until.isoformat(),
            )
    elif clue.real_name and not clue.fed_back:
        raise NotErasable(
            "feedback_pending",
            f"clue {clue.clue_id}: the reporter has not had the result yet; "
            "erase at their request after feedback is given",
        )
    return [
        Change(
            "clue.erased",
            {
                **clue.where(),
                "basis": basis,
                "reason": reason,
                "erased_on": today.isoformat(),
                "retention_years": rule["years_after_closing"],
            },
        )
    ]
