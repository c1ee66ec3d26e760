"""The liaison service's nameko entrypoints: routes to commands and reads, nothing else (see watchpost.runtime)."""

import pathlib

from watchpost.runtime import EventLog, Settings, WatchpostService, expose, route_makers

from liaison import reads, timers
from liaison.access import ALLOWED
from liaison.commands import cadence, directory, loading, pairings, personnel
from liaison.projections import PROJECTIONS
from liaison.schemas import READS, REQUESTS
from liaison.settings import from_mapping as read_settings

SCHEMAS = {**REQUESTS, **READS}
MIGRATIONS = pathlib.Path(__file__).parent / "migrations"

post, get = route_makers(SCHEMAS)


ROUTES = [
    post("/streets", directory.register_street, 201),
    post("/communities", directory.register_community, 201),
    post("/stations", directory.register_station, 201),
    post("/groups", directory.register_group, 201),
    post("/centres", directory.register_centre, 201),
    post("/platforms", directory.register_platform, 201),
    post("/directory", loading.load_directory),
    post("/people", personnel.appoint_person, 201),
    post("/people/<person_id>/reassign", personnel.reassign_person),
    post("/people/<person_id>/dismiss", personnel.dismiss_person),
    post("/pairings", pairings.establish_pairing, 201),
    post("/pairings/<pairing_id>/end", pairings.end_pairing),
    post("/pairings/<pairing_id>/contacts", pairings.record_contact, 201),
    post("/feedback", cadence.submit_feedback, 201),
    post("/major-problems", cadence.report_major_problem, 202),  # held: recorded at the next daily release
    post("/reports", cadence.submit_report, 201),
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
    store = EventLog(projections=PROJECTIONS, migrations=[MIGRATIONS])
    settings = Settings(read_settings)
