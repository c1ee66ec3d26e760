"""Which roles may call each liaison command and read (ALLOWED); the commands and reads add the scope checks."""

from watchpost.errors import Forbidden

ADMIN = {"district_commission", "system"}
STREET_ADMIN = ADMIN | {"street_commission"}
MANAGERS = STREET_ADMIN | {"community_secretary"}
WATCHERS = {"informant", "supervisor"}
READERS = {"district_commission", "street_commission", "community_secretary", "auditor", "system"}

ALLOWED = {
    # commands
    "register_street": ADMIN,
    "register_community": ADMIN,
    "register_station": STREET_ADMIN,
    "register_group": STREET_ADMIN,
    "register_centre": STREET_ADMIN,
    "register_platform": STREET_ADMIN,
    "load_directory": ADMIN,
    "appoint_person": MANAGERS,
    "reassign_person": MANAGERS,
    "dismiss_person": MANAGERS,
    "establish_pairing": STREET_ADMIN,
    "end_pairing": STREET_ADMIN,
    "record_contact": MANAGERS,
    "submit_feedback": WATCHERS,
    "report_major_problem": WATCHERS,
    "submit_report": {"community_secretary"},
    "tick": {"system"},
    # reads
    "get_directory": READERS | WATCHERS,
    "get_person": READERS | WATCHERS,
    "list_people": READERS,
    "who_covers": READERS | WATCHERS,
    "list_pairings": READERS,
    "get_pairing": READERS,
    "get_compliance": READERS,
    "list_compliance": READERS,
}


def require(name, actor):
    allowed = ALLOWED[name]
    if actor.role not in allowed:
        raise Forbidden(
            f"a {actor.role} may not {name}; allowed: {', '.join(sorted(allowed))}", action=name, role=actor.role
        )
