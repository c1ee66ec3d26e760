"""What assessment does with other services' events: it folds every event of intake, liaison and training into its
projections (`projections.PROJECTIONS`, inside the consumer's transaction: `expose(project_all=True)`); no event
of theirs runs a command, so each source maps no event type to a function.
"""

SOURCES = ("intake", "liaison", "training")

# source service -> event type -> fn(tx, ctx, event), as `expose(consumes=...)` takes it
CONSUMERS = {source: {} for source in SOURCES}
