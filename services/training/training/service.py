"""The training service's nameko entrypoints: routes to commands and reads, nothing else (see watchpost.runtime)."""

from watchpost.runtime import EventLog, Settings, WatchpostService, expose, route_makers

from training import commands, reads, timers
from training.access import ALLOWED
from training.consumers import CONSUMERS
from training.projections import PROJECTIONS
from training.schemas import SCHEMAS
from training.settings import from_mapping as read_settings

post, get = route_makers(SCHEMAS)


ROUTES = [
    post("/sessions", commands.schedule_session, 201),
    post("/sessions/<session_id>/reschedule", commands.reschedule_session),
    post("/sessions/<session_id>/cancel", commands.cancel_session),
    post("/sessions/<session_id>/hold", commands.hold_session),
    post("/sessions/<session_id>/attendance", commands.record_attendance, 201),
    post("/sessions/<session_id>/attendance/<person_id>/correct", commands.correct_attendance),
    post("/onboarding", commands.enrol_cadre, 201),
    post("/onboarding/<person_id>/withdraw", commands.withdraw_cadre),
    post("/year-end", commands.close_year),
    get("/sessions", reads.sessions_by_period),
    get("/sessions/<session_id>", reads.get_session),
    get("/records/<person_id>/<year>", reads.person_record),
    get("/onboarding/<person_id>", reads.onboarding_status),
    get("/participation/communities/<community>/<year>", reads.community_participation),
    get("/participation/streets/<street>/<year>", reads.street_participation),
]


@expose(ROUTES, ALLOWED, ticks=[timers.close_previous_year], consumes=CONSUMERS)
class TrainingService(WatchpostService):
    """教育培训: sessions, attendance, yearly hours (年度学时) and the onboarding of new cadres."""

    name = "training"
    store = EventLog(projections=PROJECTIONS)
    settings = Settings(read_settings)
