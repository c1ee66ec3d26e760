"""A scorecard as it stood at a time (考评 as of), from the logs alone, with the scoring service's own code.

The service declaring `SCORECARDS` (assessment; see watchpost.audit.plugins) has its own log (rulebooks, period
closes, adjustments, rescorings, warnings) and source logs; each is read up to the last event recorded at or before
the time (a log is appended in time order, so that is a prefix), a source never beyond the position the service
has consumed by now (what it has not consumed yet it had not consumed then either). Each chain is verified, the
events are folded with the declared `fold_logs` (its projections, sources first, then its own log) and the card is
the declared `scorecard`, so nothing of the scoring is re-implemented here. Needs that service's package installed.
"""

import contextlib
from itertools import takewhile

from watchpost.audit.source import AuditError, opened
from watchpost.domain import Actor, Context
from watchpost.errors import Invalid, NotFound, WatchpostError
from watchpost.eventlog.model import ChainBroken, iso, verify_chain

AUDITOR = Actor(id="watchpost-audit", role="auditor")


def recorded_by(events, moment):
    """The events recorded at or before `moment`: the log's prefix up to the first one recorded later."""
    return list(takewhile(lambda e: e.recorded_at <= moment, events))


def _own_log(source):
    events = list(source.events())
    try:
        verify_chain(events)
    except ChainBroken as broken:
        raise AuditError(
            f"{source.service}'s log does not verify at {broken.position}: {broken.reason} "
            "(run `watchpost-audit verify`)"
        ) from None
    return events


def _source_log(cards, url, name, schema, consumed):
    """`name`'s events 1..consumed, read and chain-verified by the declared `read_log`."""
    if not consumed:
        return []
    with opened(url, name, schema) as other:

        def fetch(after, limit):
            with contextlib.closing(other.events(after, after + limit)) as page:
                return list(page)

        try:
            return cards.read_log(name, fetch, consumed)
        except WatchpostError as exc:
            raise AuditError(f"{exc.message} (run `watchpost-audit verify --service {name}`)") from None


def scorecard_as_of(source, url, community, period, moment, cards, source_schemas=None):
    """{community, period, as_of, logs, scorecard, contributing} or, when there was no scorecard yet, the
    refusal the service would have given then (`scorecard` None, `refused` {code, message}). `cards`: the
    service's `Scorecards`; `source`: its log."""
    consumed = dict(source.query("SELECT source, position FROM consumer_positions"))
    full = {
        name: _source_log(cards, url, name, (source_schemas or {}).get(name, name), consumed.get(name, 0))
        for name in cards.sources
    }
    own_full = _own_log(source)
    own, logs = recorded_by(own_full, moment), {name: recorded_by(events, moment) for name, events in full.items()}
    through = {name: len(events) for name, events in logs.items()}
    view = cards.fold_logs(own, logs, through)
    ctx = Context(actor=AUDITOR, now=moment, correlation_id="watchpost-audit as-of")
    report = {
        "community": community,
        "period": period,
        "as_of": iso(moment),
        "logs": {
            source.service: {"events": len(own), "of": len(own_full)},
            **{n: {"events": through[n], "consumed_now": consumed.get(n, 0)} for n in cards.sources},
        },
    }
    try:
        card = cards.scorecard(view, ctx, community=community, period=period)
    except Invalid as exc:
        raise AuditError(exc.message) from None
    except NotFound as exc:
        now_view = cards.fold_logs(own_full, full, {n: len(e) for n, e in full.items()})
        if not cards.knows_community(now_view, community):
            raise AuditError(f"community {community!r} is not known to {source.service}'s logs at all") from None
        return {**report, "scorecard": None, "refused": {"code": exc.code, "message": exc.message}}
    return {**report, "scorecard": card, "contributing": cards.contributing(card, view, period)}
