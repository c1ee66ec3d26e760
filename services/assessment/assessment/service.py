"""The assessment service's nameko entrypoints: routes to handlers, nothing else (see watchpost.runtime).

Every event of intake, liaison and training is folded into assessment's projections inside the consumer's
transaction (`project_all`); on start the district's rulebook v1 is published if no rulebook exists yet.
"""
from functools import partial

import eventlet
import structlog
from nameko.extensions import DependencyProvider

from watchpost.domain import SYSTEM, Context, utcnow
from watchpost.errors import Unavailable
from watchpost.runtime import EventLog, WatchpostService, expose, route_makers

from assessment import cadres, handlers, rebuild, timers
from assessment.access import ALLOWED
from assessment.projections import ALL
from assessment.schemas import SCHEMAS

log = structlog.get_logger("assessment.service")


post, get = route_makers(SCHEMAS)


ROUTES = [
    post("/rulebooks", handlers.publish_rulebook, 201),
    post("/periods/<period>/close", handlers.close_period),
    post("/periods/<period>/adjustments", handlers.record_adjustments),
    post("/periods/<period>/rescore", handlers.rescore_period),
    post("/periods/<period>/warnings", handlers.raise_warnings),
    post("/rebuild", rebuild.check_rebuild, extras=("source_logs",)),
    get("/scorecards/<community>/<period>", handlers.scorecard),
    get("/scorecards/<community>/<period>/<indicator>", handlers.explain),
    get("/rankings/<period>", handlers.ranking),
    get("/cadres/<person_id>/scorecards/<period>", cadres.cadre_scorecard),
    get("/communities/<community>/cadres/<period>", cadres.cadre_ranking),
    get("/rulebooks", handlers.rulebooks),
    get("/rulebooks/<version>", handlers.rulebook),
]


class FirstRun(DependencyProvider):
    """On start, publish the default rulebook v1 as the system if none is published (retrying while the database
    is unreachable)."""

    def start(self):
        self.container.spawn_managed_thread(self._publish, identifier="assessment.first_run")

    def _publish(self):
        store = next(d for d in self.container.dependencies if isinstance(d, EventLog)).store
        while True:
            try:
                published = timers.publish_default_rulebook(
                    store, Context(actor=SYSTEM, now=utcnow(), correlation_id="first-run"))
                if published:
                    log.info("default rulebook published", version=published[0].payload["version"])
                return
            except Unavailable:
                eventlet.sleep(2.0)


@expose(ROUTES, ALLOWED, ticks=[timers.tick], project_all=True,
        consumes={"intake": {}, "liaison": {}, "training": {}})
class AssessmentService(WatchpostService):
    """考评办法: the seven indicators, scorecards per community and per cadre, rankings and warnings (反向倒逼), each
    point traced to the log."""
    name = "assessment"
    store = EventLog(projections=ALL)
    first_run = FirstRun()

    @property
    def source_logs(self):
        """{source: fetch(after, limit)} over the consumers' catch-up connection, for the rebuild check."""
        return {s: partial(self.consuming.client.fetch, s) for s in handlers.SOURCES}
