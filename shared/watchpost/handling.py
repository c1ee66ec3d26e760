"""The one way a command is carried out: load the stream, fold it, decide, append with the version read.

Pure of I/O itself: it is handed the store. A repeated command id returns the first result without deciding again.
"""


def execute(store, stream_id, fold, decide, ctx):
    """`fold(events) -> state`; `decide(state) -> [Change]`. Returns the recorded events (or the first result)."""
    if ctx.command_id:
        earlier = store.recorded(ctx.command_id)
        if earlier is not None:
            return earlier
    events = store.load(stream_id)
    changes = decide(fold(events))
    if not changes:
        return []
    return store.append(stream_id, len(events), changes, actor=ctx.actor.as_event_field(),
                        correlation_id=ctx.correlation_id, causation_id=ctx.causation_id,
                        command_id=ctx.command_id, occurred_at=ctx.now)
