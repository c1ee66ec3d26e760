"""A major problem (重大问题) an informant or supervisor flags: held, then released by the timer as its own event.

Whoever flags is, for that flag, a reporter (举报人保护). Publishing the flag with the feedback that raised it would
name them (same time to the microsecond, the next log position), so a flag is first *held* (`hold`: not an event,
a row of liaison's own, naming no person) and recorded only at the daily release (`release`), by the timer acting as
the service, in a shuffled batch with one correlation id for the batch, the release day as its only time, and a
place no narrower than a crowd: when fewer than `DISCLOSURE["min_crowd"]` active people of the flagger's role
work in the community, the community is withheld (the street is published); when even the street has fewer, the
role is withheld too. Stream `flag-<uuid4>`, chosen by the caller, so the domain stays pure.
"""

from watchpost.domain import Change
from watchpost.errors import IllegalTransition

from liaison.domain.cadence import watcher
from liaison.domain.common import check_name
from liaison.domain.periods import month_of

FLAGGED = "feedback.major_problem_flagged"
VERSION = 3

# The threshold is policy, kept as data with its reason (docs/reliability.md, "An informant cannot be traced").
DISCLOSURE = {
    "min_crowd": 3,
    "reason": "a place published with a flag must hold at least this many active people who could have raised it: "
    "with one informant in a community, 'informant of community C' is a name; with two, the other one "
    "knows; from three on, no member of the group can tell who it was from the event alone",
}


def fold(events):
    return {"flagged": any(e.type == FLAGGED for e in events)}


def hold(person, summary, category=None):
    """What is kept of a flag until its release: the place and role of `person` (an active informant or
    supervisor, 发现重大问题及时上报), the text and the category; never the person."""
    who = watcher(person)
    return {
        "street": who["street"],
        "community": who["community"],
        "role": who["role"],
        "summary": check_name(summary, "summary"),
        "category": category,
    }


def place(held, crowd):
    """(street, community or None, role or None): the narrowest place whose crowd is large enough.

    `crowd(role, street=…, community=…)` counts the active people of `role` (None: informants and supervisors) there.
    """
    least = DISCLOSURE["min_crowd"]
    street, community, role = held["street"], held["community"], held["role"]
    if crowd(role, street=street, community=community) >= least:
        return street, community, role
    if crowd(role, street=street, community=None) >= least:
        return street, None, role
    return street, None, None


def release(state, flag_id, held, crowd, today):
    """Record a held flag at its release on `today`: the release day and month are its only time."""
    if state["flagged"]:
        raise IllegalTransition("release_flag", "flagged", [])
    street, community, role = place(held, crowd)
    return [
        Change(
            FLAGGED,
            {
                "flag_id": flag_id,
                "street": street,
                "community": community,
                "role": role,
                "period": month_of(today),
                "summary": held["summary"],
                "category": held["category"],
                "released_on": today.isoformat(),
            },
            VERSION,
        )
    ]
