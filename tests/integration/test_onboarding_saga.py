"""The onboarding saga across two services: liaison appoints a cadre, its event reaches training over RabbitMQ,
training enrols the cadre in onboarding; attending the required sessions progresses and completes it; liaison's
dismissal withdraws them."""

from datetime import datetime, timedelta, timezone

import pytest

from watchpost.testing import eventually

from liaison.service import LiaisonService
from training.service import TrainingService

pytestmark = pytest.mark.integration

TODAY = datetime.now(timezone.utc).date()


@pytest.fixture
def services(container_factory, service_config, client_for):
    """training first (its queue exists before liaison publishes), then liaison, in the same vhost."""
    training = container_factory(TrainingService, service_config())
    training.start()
    liaison = container_factory(LiaisonService, service_config())
    liaison.start()
    return client_for(liaison), client_for(training)


def created(response):
    assert response.status_code == 201, response.text
    return response.json()


def directory(liaison):
    admin = liaison.as_("district_commission")
    created(admin.post("/streets", {"street_id": "S01", "name": "柳城街道"}))
    created(admin.post("/communities", {"community_id": "C01", "street": "S01", "name": "光华社区"}))
    created(admin.post("/stations", {"community": "C01", "station_id": "ST01", "name": "光华社区监察联络站"}))
    created(admin.post("/groups", {"community": "C01", "group_id": "G01", "name": "一组"}))
    return admin


def attend_required(training, kind, topic):
    district = training.as_("district_commission")
    session = created(
        district.post(
            "/sessions",
            {"kind": kind, "topic": topic, "date": TODAY.isoformat(), "hours": 2, "organiser": "温江区纪委监委"},
        )
    )["session_id"]
    assert district.post(f"/sessions/{session}/hold", {}).status_code == 200
    return [
        e["type"]
        for e in created(
            district.post(
                f"/sessions/{session}/attendance",
                {"person_id": "P01", "role": "informant", "street": "S01", "community": "C01", "status": "present"},
            )
        )["events"]
    ]


def test_a_cadre_appointed_in_liaison_is_onboarded_by_training(services):
    liaison, training = services
    admin = directory(liaison)
    created(
        admin.post(
            "/people",
            {
                "person_id": "P01",
                "name": "李明",
                "role": "informant",
                "street": "S01",
                "community": "C01",
                "groups": ["G01"],
                "appointed_on": (TODAY - timedelta(days=1)).isoformat(),
            },
        )
    )
    cadre = training.as_("informant", sub="P01")
    assert eventually(lambda: cadre.get("/onboarding/P01").status_code == 200), "training never enrolled P01"
    status = cadre.get("/onboarding/P01").json()
    assert status["status"] == "enrolled" and status["street"] == "S01" and status["community"] == "C01"
    assert status["remaining"] == ["new_cadre_forum", "monthly_lecture"]

    assert attend_required(training, "new_cadre_forum", "新任干部论坛") == [
        "attendance.recorded",
        "onboarding.progressed",
    ]
    status = cadre.get("/onboarding/P01").json()
    assert status["remaining"] == ["monthly_lecture"] and "new_cadre_forum" in status["done"]

    assert attend_required(training, "monthly_lecture", "每月讲坛") == [
        "attendance.recorded",
        "onboarding.progressed",
        "onboarding.completed",
    ]
    status = cadre.get("/onboarding/P01").json()
    assert status["status"] == "completed" and status["remaining"] == []
    record = cadre.get(f"/records/P01/{TODAY.year}").json()
    assert record["hours"] == 4 and record["present"] == 2

    assert admin.post("/people/P01/dismiss", {"reason": "调任"}).status_code == 200
    assert eventually(lambda: cadre.get("/onboarding/P01").json()["status"] == "withdrawn")
