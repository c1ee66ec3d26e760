"""The one way a command is carried out: load the stream, fold it, decide, append with the version read.

Pure of I/O itself: it is handed the store. A command id belongs to its caller and its command: it is logged with
a claim, the digest of who asked (actor and scope), what (command name and fields: `Context.request`, set by the
entrypoint) and on which stream. A repeat with the same claim returns the first result without deciding again;
any other use of the id is refused (`IdempotencyKeyReused`, 409) before anything is decided or written.
"""

import hashlib
import json
from dataclasses import asdict


def _digest(value):
    def plain(item):  # bytes (an attachment's data) by their digest; dates and the like as text
        return hashlib.sha256(item).hexdigest() if isinstance(item, bytes | bytearray) else str(item)

    return hashlib.sha256(json.dumps(value, sort_keys=True, default=plain, ensure_ascii=False).encode()).hexdigest()


def request_digest(actor, command, fields):
    """Who asks for what: the actor with their scope, the command's name and its loaded fields."""
    return _digest([asdict(actor), command, fields])


def claim(ctx, stream_id):
    """The claim a command id is logged with. For an HTTP or RPC call, the request's digest (its fields name the
    target; computed from what the entrypoint saw, so a submitter sealed anew or a new id made on each attempt still
    repeats). For a timer or a consumer, which act as the service itself: the actor and the stream."""
    return _digest(["request", ctx.request] if ctx.request else [asdict(ctx.actor), stream_id])


def execute(store, stream_id, fold, decide, ctx):
    """`fold(events) -> state`; `decide(state) -> [Change]`. Returns the recorded events (or the first result)."""
    owned = claim(ctx, stream_id) if ctx.command_id else None
    if ctx.command_id:
        earlier = store.recorded(ctx.command_id, owned)
        if earlier is not None:
            return earlier
    events = store.load(stream_id)
    changes = decide(fold(events))
    if not changes:
        return []
    return store.append(
        stream_id,
        len(events),
        changes,
        actor=ctx.actor.as_event_field(),
        correlation_id=ctx.correlation_id,
        causation_id=ctx.causation_id,
        command_id=ctx.command_id,
        occurred_at=ctx.now,
        claim=owned,
    )
