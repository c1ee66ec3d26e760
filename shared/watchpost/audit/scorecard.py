"""A scorecard as it stood at a time (考评 as of), from the logs alone, with assessment's own code.

Assessment's own log (rulebooks, period closes, adjustments, rescorings, warnings) and its three source logs are
each read up to the last event recorded at or before the time (a log is appended in time order, so that is a
prefix), a source never beyond the position assessment has consumed by now (what it has not consumed yet it had not
consumed then either). Each chain is verified, the events are folded with `assessment.rebuild.fold_logs` (its
projections, sources first, then its own log) and the card is `assessment.reads.scorecard`, so nothing of the
scoring is re-implemented here. Needs the assessment package installed (as `replay` does).
"""
import contextlib
import importlib
from itertools import takewhile

from watchpost.domain import Actor, Context
from watchpost.errors import Invalid, NotFound, WatchpostError
from watchpost.eventlog.model import ChainBroken, iso, verify_chain
from watchpost.audit.source import AuditError, opened

AUDITOR = Actor(id="watchpost-audit", role="auditor")


def _assessment():
    try:
        return importlib.import_module("assessment.reads"), importlib.import_module("assessment.rebuild")
    except ImportError as exc:
        raise AuditError(f"cannot import assessment ({exc}); install the assessment package") from None


def recorded_by(events, moment):
    """The events recorded at or before `moment`: the log's prefix up to the first one recorded later."""
    return list(takewhile(lambda e: e.recorded_at <= moment, events))


def _own_log(source):
    events = list(source.events())
    try:
        verify_chain(events)
    except ChainBroken as broken:
        raise AuditError(f"{source.service}'s log does not verify at {broken.position}: {broken.reason} "
                         "(run `watchpost-audit verify`)") from None
    return events


def _source_log(rebuild, url, name, schema, consumed):
    """`name`'s events 1..consumed, read and chain-verified by `assessment.rebuild.read_log`."""
    if not consumed:
        return []
    with opened(url, name, schema) as other:
        def fetch(after, limit):
            with contextlib.closing(other.events(after, after + limit)) as page:
                return list(page)
        try:
            return rebuild.read_log(name, fetch, consumed)
        except WatchpostError as exc:
            raise AuditError(f"{exc.message} (run `watchpost-audit verify --service {name}`)") from None


def _contributing(card, view, period):
    sources = {}
    for block in card["indicators"].values():
        for row in block["contributions"]:
            sources.setdefault(row["source"], set()).update([row["event_id"], *row["replaced"]])
    rulebook = view.doc("assessment_rulebooks", card["rulebook_version"]) or {}
    own = ([rulebook["event_id"]] if rulebook.get("event_id") else []) + \
        (view.doc("assessment_periods", period) or {}).get("event_ids", [])
    return {"assessment": own, **{s: sorted(ids) for s, ids in sorted(sources.items())},
            "pending": [f["event_id"] for f in card.get("pending_adjustments", [])]}


def scorecard_as_of(source, url, community, period, moment, source_schemas=None):
    """{community, period, as_of, logs, scorecard, contributing} or, when there was no scorecard yet, the
    refusal assessment would have given then (`scorecard` None, `refused` {code, message})."""
    handlers, rebuild = _assessment()
    consumed = dict(source.query("SELECT source, position FROM consumer_positions"))
    full = {name: _source_log(rebuild, url, name, (source_schemas or {}).get(name, name), consumed.get(name, 0))
            for name in rebuild.SOURCES}
    own_full = _own_log(source)
    own, logs = recorded_by(own_full, moment), {name: recorded_by(events, moment) for name, events in full.items()}
    through = {name: len(events) for name, events in logs.items()}
    view = rebuild.fold_logs(own, logs, through)
    ctx = Context(actor=AUDITOR, now=moment, correlation_id="watchpost-audit as-of")
    report = {"community": community, "period": period, "as_of": iso(moment),
              "logs": {"assessment": {"events": len(own), "of": len(own_full)},
                       **{n: {"events": through[n], "consumed_now": consumed.get(n, 0)} for n in rebuild.SOURCES}}}
    try:
        card = handlers.scorecard(view, ctx, community=community, period=period)
    except Invalid as exc:
        raise AuditError(exc.message) from None
    except NotFound as exc:
        now_view = rebuild.fold_logs(own_full, full, {n: len(e) for n, e in full.items()})
        if now_view.doc("assessment_communities", community) is None and not any(
                d["community"] == community for d in now_view.docs("assessment_facts", limit=10**9)):
            raise AuditError(f"community {community!r} is not known to assessment's logs at all") from None
        return {**report, "scorecard": None, "refused": {"code": exc.code, "message": exc.message}}
    return {**report, "scorecard": card, "contributing": _contributing(card, view, period)}
