"""The year-end clock: once a year has ended, `close_year` settles it (requirement.met / shortfall, once each).

`close_year` is idempotent, so the tick may run it any number of times. To spare a scan of the whole roster every
tick, it remembers per store a fingerprint of what may need settling (how many cadres, withdrawn cadres and records
of the year) after a close that nothing else interleaved with, and scans again only once that changes: a late
appointment or attendance that arrives after the new year is still settled at the next tick.
"""

import weakref

from training.commands import close_year

_settled = weakref.WeakKeyDictionary()  # store -> fingerprint after its last uninterrupted close


def _fingerprint(store, year):
    return (
        year,
        store.count("training_cadres"),
        store.count("training_cadres", {"status": "withdrawn"}),
        store.count("training_records", {"year": year}),
    )


def close_previous_year(store, ctx):
    """Settle the year before `ctx.now`'s; returns the events emitted."""
    year = ctx.now.year - 1
    if _settled.get(store) == _fingerprint(store, year):
        return []
    before, _ = store.head()
    events = close_year(store, ctx, year=year)
    after, _ = store.head()
    if after - before == len(events):  # only our own events were appended meanwhile
        _settled[store] = _fingerprint(store, year)
    return events
