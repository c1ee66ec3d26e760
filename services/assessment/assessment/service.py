"""The assessment service's nameko entrypoints: routes to commands and reads, nothing else (see watchpost.runtime).

Every event of intake, liaison and training is folded into assessment's projections inside the consumer's
transaction (`project_all`); on start the district's rulebook v1 is published if no rulebook exists yet
(`timers.FirstRun`).
"""

from functools import partial

from watchpost.runtime import EventLog, WatchpostService, expose, route_makers

from assessment import commands, reads, rebuild, timers
from assessment.access import ALLOWED
from assessment.consumers import CONSUMERS, SOURCES
from assessment.projections import PROJECTIONS
from assessment.schemas import SCHEMAS

post, get = route_makers(SCHEMAS)


ROUTES = [
    post("/rulebooks", commands.publish_rulebook, 201),
    post("/periods/<period>/close", commands.close_period),
    post("/periods/<period>/adjustments", commands.record_adjustments),
    post("/periods/<period>/rescore", commands.rescore_period),
    post("/periods/<period>/warnings", commands.raise_warnings),
    post("/rebuild", rebuild.check_rebuild, extras=("source_logs",)),
    get("/scorecards/<community>/<period>", reads.scorecard),
    get("/scorecards/<community>/<period>/<indicator>", reads.explain),
    get("/rankings/<period>", reads.ranking),
    get("/cadres/<person_id>/scorecards/<period>", reads.cadre_scorecard),
    get("/communities/<community>/cadres/<period>", reads.cadre_ranking),
    get("/rulebooks", reads.rulebooks),
    get("/rulebooks/<version>", reads.rulebook),
]


@expose(ROUTES, ALLOWED, ticks=[timers.tick], project_all=True, consumes=CONSUMERS)
class AssessmentService(WatchpostService):
    """考评办法: the seven indicators, scorecards per community and per cadre, rankings and warnings (反向倒逼), each
    point traced to the log."""

    name = "assessment"
    store = EventLog(projections=PROJECTIONS)
    first_run = timers.FirstRun()

    @property
    def source_logs(self):
        """{source: fetch(after, limit)} over the consumers' catch-up connection, for the rebuild check."""
        return {s: partial(self.consuming.client.fetch, s) for s in SOURCES}
