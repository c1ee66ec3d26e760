"""Rebuild (重放核对): assessment from the source logs, from position 0, compared with the live scorecards.

The three source logs are read through their catch-up (`fetch(after, limit) -> [Event]`, e.g. RPC
`<source>.events_after`), each up to the position the live store has consumed, and their hash chains verified;
assessment's own log is read from the store. Everything is folded afresh with `watchpost.eventlog.projections.fold`
and every scorecard (each known community, each month, quarter and year with facts or a period document; each
cadre, each month, quarter and year of those) is read from the fold and from the live documents, the same way.
Identical means identical to the point.
"""

import copy

from watchpost.domain import Actor, Context
from watchpost.errors import NotFound, Unavailable, WatchpostError
from watchpost.eventlog.model import ChainBroken, verify_chain
from watchpost.eventlog.ports import ReadModels
from watchpost.eventlog.projections import fold, matches

from assessment import reads
from assessment.access import require
from assessment.consumers import SOURCES
from assessment.domain import periods
from assessment.projections import PROJECTIONS

PAGE = 500
CHECKER = Actor(id="assessment-rebuild", role="auditor")


class Folded(ReadModels):
    """The reads' view of a rebuild: documents folded afresh, read like the store's (in key order, filtered by
    JSON containment). The tables no longer change, so each is sorted once and indexed on demand by the first
    plain field a filter names: reading every scorecard of a district-year scanned and sorted whole tables
    for each of them (half the rebuild's time)."""

    def __init__(self, tables, through):
        self.tables, self.through = tables, through
        self._indexes = {}

    def doc(self, projection, key):
        return copy.deepcopy(self.tables[projection].get(key))

    def _candidates(self, projection, where):
        """The documents that can match `where`, in key order."""
        field = next((k for k, v in (where or {}).items() if isinstance(v, (str, int, bool))), None)
        index = self._indexes.get((projection, field))
        if index is None:
            ordered = [d for _, d in sorted(self.tables[projection].items())]
            index = {None: ordered} if field is None else {}
            for d in ordered if field is not None else ():
                value = d.get(field)
                if isinstance(value, (str, int, bool)):
                    index.setdefault((type(value), value), []).append(d)
            self._indexes[(projection, field)] = index
        return index.get(None) if field is None else index.get((type(where[field]), where[field]), [])

    def docs(self, projection, where=None, limit=100, offset=0):
        found = [d for d in self._candidates(projection, where) if matches(d, where)]
        return copy.deepcopy(found[offset : offset + limit])

    def count(self, projection, where=None):
        return sum(1 for d in self._candidates(projection, where) if matches(d, where))

    def consumed_position(self, source):
        return self.through.get(source, 0)


def read_log(source, fetch, until, page=PAGE):
    """`source`'s events 1..`until` through `fetch`, their chain verified; Unavailable when the log is shorter."""
    events = []
    while len(events) < until:
        batch = fetch(len(events), min(page, until - len(events)))
        if not batch:
            break
        events.extend(batch)
    if len(events) < until:
        raise Unavailable(
            f"{source}'s log ends at {len(events)} but assessment has consumed up to {until}",
            source=source,
            found=len(events),
            consumed=until,
        )
    try:
        verify_chain(events)
    except ChainBroken as broken:
        raise Unavailable(
            f"{source}'s log does not verify at {broken.position}: {broken.reason}",
            source=source,
            position=broken.position,
        ) from None
    return events


def fold_logs(own, logs, through):
    """The rebuilt read view: every source event (in source order) and assessment's own events."""
    return Folded(fold(PROJECTIONS, [e for s in SOURCES for e in logs.get(s, ())] + list(own)), through)


def scorecards(view):
    """{(community, period): scorecard or the refusal's code} for every community and period the view knows."""
    ctx = Context(actor=CHECKER, now=None, correlation_id="rebuild")
    communities = sorted(d["community"] for d in view.all_docs("assessment_communities"))
    found = set()
    for doc in view.all_docs("assessment_facts"):
        found.update(p for p in (doc["period"], doc["quarter"], doc["year"]) if p)
    found.update(d["period"] for d in view.all_docs("assessment_periods"))
    cards = {}
    for period in sorted(found, key=lambda p: (periods.months(p)[0], len(periods.months(p)))):
        for community in communities:
            try:
                cards[(community, period)] = reads.scorecard(view, ctx, community=community, period=period)
            except WatchpostError as refused:  # e.g. no rulebook in force: the same refusal on both sides
                cards[(community, period)] = refused.code
    return cards


def cadre_scorecards(view):
    """{(person_id, period): cadre scorecard or the refusal's code} for every cadre and every period the view knows."""
    ctx = Context(actor=CHECKER, now=None, correlation_id="rebuild")
    docs = view.all_docs("assessment_cadre_facts")
    found = set()
    for doc in docs:
        found.update(p for p in (doc["period"], doc["quarter"], doc["year"]) if p)
    found.update(d["period"] for d in view.all_docs("assessment_periods"))
    cards = {}
    for person in sorted({d["person_id"] for d in docs}):
        for period in sorted(found, key=lambda p: (periods.months(p)[0], len(periods.months(p)))):
            try:
                cards[(person, period)] = reads.cadre_scorecard(view, ctx, person_id=person, period=period)
            except WatchpostError as refused:
                cards[(person, period)] = refused.code
    return cards


def compare(live, rebuilt, who="community"):
    """[{community (or `who`), period, live_total, rebuilt_total, indicators}] where the two scorecards differ."""
    differences = []
    for key in sorted(set(live) | set(rebuilt)):
        a, b = live.get(key), rebuilt.get(key)
        if a == b:
            continue
        totals = [c.get("total") if isinstance(c, dict) else c for c in (a, b)]
        indicators = (
            sorted(
                k
                for k in (a or {}).get("indicators", {})
                if isinstance(b, dict) and a["indicators"][k] != b.get("indicators", {}).get(k)
            )
            if isinstance(a, dict)
            else []
        )
        differences.append(
            {
                who: key[0],
                "period": key[1],
                "live_total": totals[0],
                "rebuilt_total": totals[1],
                "indicators": indicators,
            }
        )
    return differences


def rebuild(store, sources, attempts=3):
    """Rebuild from `sources` ({source: fetch(after, limit)}) and compare with `store`'s live scorecards.

    Assessment's own log is read first, then the consumed positions, so every cut-off a closed period records is
    within what is replayed. If the store consumes more while the check runs, it is repeated (up to `attempts`).
    """
    for _ in range(attempts):
        own = list(store.replay())
        through = {s: store.consumed_position(s) for s in SOURCES}
        logs = {s: read_log(s, sources[s], through[s]) for s in SOURCES}
        view = fold_logs(own, logs, through)
        live, rebuilt = scorecards(store), scorecards(view)
        live_cadres, rebuilt_cadres = cadre_scorecards(store), cadre_scorecards(view)
        settled = through == {s: store.consumed_position(s) for s in SOURCES}
        if settled:
            break
    differences = compare(live, rebuilt)
    cadre_differences = compare(live_cadres, rebuilt_cadres, who="person_id")
    return {
        "identical": not differences and not cadre_differences and settled,
        "settled": settled,
        "through": through,
        "own_events": len(own),
        "compared": len(live),
        "differences": differences,
        "compared_cadres": len(live_cadres),
        "cadre_differences": cadre_differences,
        "view": view,
    }


def check_rebuild(store, ctx, source_logs):
    """The audit act: rebuild from the sources' catch-up and report whether the live scorecards are identical."""
    require("check_rebuild", ctx.actor)
    missing = [s for s in SOURCES if s not in source_logs]
    if missing:
        raise NotFound(f"no catch-up for {', '.join(missing)}; rebuild needs {', '.join(SOURCES)}")
    report = rebuild(store, source_logs)
    report.pop("view")
    return report
