"""The liaison service's nameko entrypoints: routes to handlers, nothing else (see watchpost.runtime)."""
import os

from watchpost.runtime import EventLog, WatchpostService, expose, route_makers

from liaison import handlers, loader, reads, timers
from liaison.access import ALLOWED
from liaison.projections import ALL
from liaison.schemas import READS, REQUESTS
from liaison.domain.periods import Settings


post, get = route_makers({**REQUESTS, **READS})


ROUTES = [
    post("/streets", handlers.register_street, 201),
    post("/communities", handlers.register_community, 201),
    post("/stations", handlers.register_station, 201),
    post("/groups", handlers.register_group, 201),
    post("/centres", handlers.register_centre, 201),
    post("/platforms", handlers.register_platform, 201),
    post("/directory", loader.load_directory),
    post("/people", handlers.appoint_person, 201),
    post("/people/<person_id>/reassign", handlers.reassign_person),
    post("/people/<person_id>/dismiss", handlers.dismiss_person),
    post("/pairings", handlers.establish_pairing, 201),
    post("/pairings/<pairing_id>/end", handlers.end_pairing),
    post("/pairings/<pairing_id>/contacts", handlers.record_contact, 201),
    post("/feedback", handlers.submit_feedback, 201),
    post("/major-problems", handlers.report_major_problem, 201),
    post("/reports", handlers.submit_report, 201),
    get("/directory", reads.get_directory),
    get("/people", reads.list_people),
    get("/people/<person_id>", reads.get_person),
    get("/groups/<group_id>/coverage", reads.who_covers),
    get("/pairings", reads.list_pairings),
    get("/pairings/<pairing_id>", reads.get_pairing),
    get("/compliance", reads.list_compliance),
    get("/compliance/<community>/<period>", reads.get_compliance),
]


@expose(ROUTES, ALLOWED, ticks=[timers.tick])
class LiaisonService(WatchpostService):
    """监察联络站 directory, personnel, 包片联系 pairings and the 月反馈季报告 cadence."""
    name = "liaison"
    store = EventLog(projections=ALL)

    def context_extra(self):
        return {"liaison_settings": Settings.from_mapping(os.environ)}
