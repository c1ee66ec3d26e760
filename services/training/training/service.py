"""The training service's nameko entrypoints: routes to handlers, nothing else (see watchpost.runtime)."""
from nameko.extensions import DependencyProvider

from watchpost.runtime import EventLog, WatchpostService, expose, route_makers

from training import handlers, settings, timers
from training.access import ALLOWED
from training.consumers import CONSUMERS
from training.projections import PROJECTIONS
from training.schemas import SCHEMAS


post, get = route_makers(SCHEMAS)


ROUTES = [
    post("/sessions", handlers.schedule_session, 201),
    post("/sessions/<session_id>/reschedule", handlers.reschedule_session),
    post("/sessions/<session_id>/cancel", handlers.cancel_session),
    post("/sessions/<session_id>/hold", handlers.hold_session),
    post("/sessions/<session_id>/attendance", handlers.record_attendance, 201),
    post("/sessions/<session_id>/attendance/<person_id>/correct", handlers.correct_attendance),
    post("/onboarding", handlers.enrol_cadre, 201, extras=("programme",)),
    post("/onboarding/<person_id>/withdraw", handlers.withdraw_cadre),
    post("/year-end", handlers.close_year, extras=("yearly_hours",)),
    get("/sessions", handlers.sessions_by_period),
    get("/sessions/<session_id>", handlers.get_session),
    get("/records/<person_id>/<year>", handlers.person_record),
    get("/onboarding/<person_id>", handlers.onboarding_status),
    get("/participation/communities/<community>/<year>", handlers.community_participation),
    get("/participation/streets/<street>/<year>", handlers.street_participation),
]


class TrainingSettings(DependencyProvider):
    """TRAINING_YEARLY_HOURS and TRAINING_PROGRAMME, checked when the service starts: a bad value stops it there."""

    def setup(self):
        self.settings = settings.current()

    def get_dependency(self, worker_ctx):
        return self.settings


@expose(ROUTES, ALLOWED, ticks=[timers.close_previous_year], consumes=CONSUMERS)
class TrainingService(WatchpostService):
    """教育培训: sessions, attendance, yearly hours (年度学时) and the onboarding of new cadres."""
    name = "training"
    store = EventLog(projections=PROJECTIONS)
    training_settings = TrainingSettings()

    @property
    def programme(self):
        return self.training_settings.programme

    @property
    def yearly_hours(self):
        return self.training_settings.yearly_hours
