"""What liaison's commands share: a stream's state, a community and its street, a person, a date or today."""

from datetime import date

from liaison import settings
from liaison.domain import directory, periods, personnel


def day_of(value, field, ctx):
    if value is None:
        return settings.today_of(ctx)
    return value if isinstance(value, date) else periods.parse_date(value, field)


def state_of(store, stream_id, fold):
    return fold(store.load(stream_id))


def community_of(store, community):
    return state_of(store, f"community-{community}", directory.fold_community)


def street_of(community_state, fallback=None):
    return community_state["community"]["street"] if community_state["community"] else fallback


def person_of(store, person_id):
    return state_of(store, f"person-{person_id}", personnel.fold_person)
