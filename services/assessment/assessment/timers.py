"""What assessment does by itself, as the system: the first-run rulebook and the adjustments closed periods are owed.

- `publish_default_rulebook`: on a first run (no rulebook published at all) the district's rulebook v1, shipped as
  data, is published as `rulebook.published` by the system, so scoring works from day one; the district may then
  publish v2 and later versions. Once any rulebook exists it does nothing, so it is safe on every start.
- `FirstRun`: the dependency provider that runs `publish_default_rulebook` when the service starts.
- `tick`: for every closed period, records the late facts consumed since its cut-off as `scorecard.adjusted`
  (反向倒逼 warnings follow where an adjusted total falls below the line). Nothing is recorded when nothing is late.
"""

from dataclasses import replace

import eventlet
import structlog
from nameko.extensions import DependencyProvider

from watchpost.domain import SYSTEM, Change, Context, utcnow
from watchpost.errors import Conflict, Unavailable
from watchpost.handling import execute
from watchpost.runtime import EventLog

from assessment.access import require
from assessment.commands import record_adjustments
from assessment.domain.rulebook import default

log = structlog.get_logger("assessment.timers")


def publish_default_rulebook(store, ctx):
    """Publish rulebook v1 when no rulebook has been published; [] otherwise (also when another instance won)."""
    require("publish_default_rulebook", ctx.actor)
    if store.count("assessment_rulebooks"):
        return []
    rulebook = default()
    try:
        return execute(
            store,
            f"rulebook-{rulebook['version']}",
            list,
            lambda existing: [] if existing else [Change("rulebook.published", rulebook)],
            ctx,
        )
    except Conflict:
        return []  # another instance published it between our read and our append


def tick(store, ctx):
    """Record the adjustments every closed period is owed; returns the events recorded."""
    recorded = []
    for doc in store.all_docs("assessment_periods", {"status": "closed"}):
        sub = replace(ctx, command_id=f"{ctx.command_id}:{doc['period']}" if ctx.command_id else None)
        recorded.extend(record_adjustments(store, sub, period=doc["period"]))
    return recorded


class FirstRun(DependencyProvider):
    """On start, publish the default rulebook v1 as the system if none is published (retrying while the database
    is unreachable)."""

    def start(self):
        self.container.spawn_managed_thread(self._publish, identifier="assessment.first_run")

    def _publish(self):
        store = next(d for d in self.container.dependencies if isinstance(d, EventLog)).store
        while True:
            try:
                published = publish_default_rulebook(
                    store, Context(actor=SYSTEM, now=utcnow(), correlation_id="first-run")
                )
                if published:
                    log.info("default rulebook published", version=published[0].payload["version"])
                return
            except Unavailable:
                eventlet.sleep(2.0)
