"""Reading a log as an auditor: a stream's history, its state as of a time, inclusion and consistency proofs."""

from datetime import datetime, time, timezone

from watchpost.audit import merkle
from watchpost.audit.checkpoint import well_signed
from watchpost.audit.source import AuditError
from watchpost.eventlog.model import iso


def describe(event):
    """An event as the auditor reads it: where, when, who, what (payloads carry no reporter identity)."""
    return {
        "position": event.position,
        "stream_version": event.stream_version,
        "type": event.type,
        "occurred_at": iso(event.occurred_at),
        "recorded_at": iso(event.recorded_at),
        "actor": event.actor,
        "event_id": event.event_id,
        "correlation_id": event.correlation_id,
        "causation_id": event.causation_id,
        "payload": event.payload,
        "hash": event.hash,
    }


def history(source, stream_id):
    return [describe(e) for e in source.stream(stream_id)]


def parse_time(text):
    """ISO date or date-time; a date means the end of that day (UTC); no zone means UTC."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise AuditError(f"{text!r} is not an ISO date or time (e.g. 2026-03-31 or 2026-03-31T18:00:00Z)") from None
    if len(text) == 10:
        moment = datetime.combine(moment.date(), time.max)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def fold_generic(events):
    """A stream's state without its service's code: each payload merged over the last, and what happened."""
    state = {}
    for event in events:
        state.update(event.payload)
    return state


def as_of(source, stream_id, moment):
    """The stream as the log knew it at `moment`: events recorded up to then, folded generically."""
    known = [e for e in source.stream(stream_id) if e.recorded_at <= moment]
    return {
        "stream_id": stream_id,
        "as_of": iso(moment),
        "version": len(known),
        "last_type": known[-1].type if known else None,
        "state": fold_generic(known),
        "events": [describe(e) for e in known],
    }


def latest_checkpoint(source, size_at_least=0):
    good = [e for e in source.checkpoints() if e.payload.get("size", 0) >= size_at_least and well_signed(e.payload)]
    return good[-1] if good else None


def prove(source, event_id):
    """An inclusion proof of the event in the tree of the latest checkpoint covering it, checked before it is shown."""
    event = source.by_event_id(event_id)
    if event is None:
        raise AuditError(f"{source.service}: no event {event_id}")
    checkpoint = latest_checkpoint(source, event.position)
    if checkpoint is None:
        raise AuditError(
            f"{source.service}: no signed checkpoint covers position {event.position} yet (sign one: POST /checkpoints)"
        )
    cp = checkpoint.payload
    leaves = [merkle.leaf_hash(h) for h in source.hashes(cp["size"])]
    proof = merkle.inclusion_proof(event.position - 1, leaves)
    ok = merkle.verify_inclusion(
        merkle.leaf_hash(event.hash), event.position - 1, cp["size"], proof, bytes.fromhex(cp["root"])
    )
    return {
        "service": source.service,
        "event_id": event.event_id,
        "position": event.position,
        "leaf_index": event.position - 1,
        "event_hash": event.hash,
        "tree_size": cp["size"],
        "root": cp["root"],
        "proof": [p.hex() for p in proof],
        "verified": ok,
        "checkpoint": {**cp, "position": checkpoint.position},
    }


def consistency(source, old, new):
    """A consistency proof between the log's trees of `old` and `new` events, with the signed roots if any."""
    leaves = [merkle.leaf_hash(h) for h in source.hashes(new)]
    if not 0 <= old <= new <= len(leaves):
        raise AuditError(f"{source.service}: need 0 <= from <= to <= {len(leaves)} (the log's size)")
    proof = merkle.consistency_proof(old, leaves[:new])
    old_root, new_root = merkle.root(leaves[:old]), merkle.root(leaves[:new])
    signed = {e.payload["size"]: e.payload for e in source.checkpoints() if well_signed(e.payload)}
    return {
        "service": source.service,
        "from": old,
        "to": new,
        "from_root": old_root.hex(),
        "to_root": new_root.hex(),
        "proof": [p.hex() for p in proof],
        "verified": merkle.verify_consistency(old, new, old_root, new_root, proof),
        "signed": {
            str(size): signed[size]["root"] == root.hex()
            for size, root in ((old, old_root), (new, new_root))
            if size in signed
        },
    }


def refusals(source):
    """[{source, position, type, event_id, error, message, outstanding}] from the log's consumer streams
    (`consumer-<source>`: consumer.event_refused, consumer.event_reapplied), in the order they were refused."""
    from watchpost.eventlog.consumer import REFUSED, fold_refusals

    streams = [
        s
        for (s,) in source.query(
            "SELECT DISTINCT stream_id FROM events WHERE stream_id LIKE 'consumer-%%' ORDER BY stream_id"
        )
    ]
    found = []
    for stream in streams:
        events = source.stream(stream)
        waiting = fold_refusals(events)
        found += [
            {
                **{k: e.payload[k] for k in ("source", "position", "type", "event_id", "error", "message")},
                "outstanding": e.payload["position"] in waiting,
            }
            for e in events
            if e.type == REFUSED
        ]
    return found
