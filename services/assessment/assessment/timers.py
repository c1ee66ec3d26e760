"""What assessment does by itself, as the system: the first-run rulebook and the adjustments closed periods are owed.

- `publish_default_rulebook`: on a first run (no rulebook published at all) the district's rulebook v1, shipped as
  data, is published as `rulebook.published` by the system, so scoring works from day one; the district may then
  publish v2 and later versions. Once any rulebook exists it does nothing, so it is safe on every start.
- `tick`: for every closed period, records the late facts consumed since its cut-off as `scorecard.adjusted`
  (反向倒逼 warnings follow where an adjusted total falls below the line). Nothing is recorded when nothing is late.
"""
from dataclasses import replace

from watchpost.domain import Change
from watchpost.errors import Conflict
from watchpost.handling import execute

from assessment import handlers
from assessment.domain.rulebook import default


def publish_default_rulebook(store, ctx):
    """Publish rulebook v1 when no rulebook has been published; [] otherwise (also when another instance won)."""
    handlers.authorise(ctx, "publish_default_rulebook")
    if store.count("assessment_rulebooks"):
        return []
    rulebook = default()
    try:
        return execute(store, f"rulebook-{rulebook['version']}", list,
                       lambda existing: [] if existing else [Change("rulebook.published", rulebook)], ctx)
    except Conflict:
        return []   # another instance published it between our read and our append


def tick(store, ctx):
    """Record the adjustments every closed period is owed; returns the events recorded."""
    recorded = []
    for doc in store.all_docs("assessment_periods", {"status": "closed"}):
        sub = replace(ctx, command_id=f"{ctx.command_id}:{doc['period']}" if ctx.command_id else None)
        recorded.extend(handlers.record_adjustments(store, sub, period=doc["period"]))
    return recorded
