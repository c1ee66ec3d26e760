"""Escalation across two services: an informant flags a major problem (重大问题) through liaison's HTTP API; liaison
holds it and its timer releases it the next day (举报人保护); the event reaches intake over RabbitMQ and becomes a
clue there, at once, by event rather than by a call."""

import sys
from datetime import datetime, timedelta, timezone

import kombu
import orjson
import pytest
from nameko.testing.services import entrypoint_hook

import watchpost.runtime.expose  # noqa: F401  (the module; the package re-exports its function of that name)
from watchpost.testing import eventually

from intake.service import IntakeService
from liaison.service import LiaisonService

pytestmark = pytest.mark.integration

TODAY = datetime.now(timezone.utc).date()


@pytest.fixture
def published(service_config):
    """A plain AMQP queue of our own bound to `liaison.events` with `#`: everything liaison publishes."""
    with kombu.Connection(service_config()["AMQP_URI"]) as connection:
        exchange = kombu.Exchange("liaison.events", "topic", durable=True, auto_delete=False)
        queue = kombu.Queue(
            "test-escalation-liaison",
            exchange,
            routing_key="#",
            durable=False,
            auto_delete=False,
            channel=connection.channel(),
        )
        queue.declare()

        def read():
            seen = []
            while (message := queue.get(no_ack=True)) is not None:
                seen.append(orjson.loads(message.body))
            return seen

        yield read


@pytest.fixture
def services(container_factory, service_config, client_for, published):
    """intake first (its queue on liaison.events exists before liaison publishes), then liaison, in one vhost."""
    intake = container_factory(IntakeService, service_config())
    intake.start()
    liaison = container_factory(LiaisonService, service_config())
    liaison.start()
    return client_for(liaison), client_for(intake), liaison


def release(container, monkeypatch):
    """Run liaison's timer two days ahead: every flag held now is past a daily release."""
    later = datetime.now(timezone.utc) + timedelta(days=2)
    with monkeypatch.context() as patched:
        patched.setattr(sys.modules["watchpost.runtime.expose"], "utcnow", lambda: later)
        with entrypoint_hook(container, "tick_timers_tick") as tick:
            tick()


def created(response):
    assert response.status_code == 201, response.text
    return response.json()


def test_a_major_problem_flagged_in_liaison_becomes_a_clue_in_intake(services, published, monkeypatch):
    liaison, intake, container = services
    admin = liaison.as_("district_commission")
    created(admin.post("/streets", {"street_id": "S01", "name": "柳城街道"}))
    created(admin.post("/communities", {"community_id": "C01", "street": "S01", "name": "光华社区"}))
    created(admin.post("/stations", {"community": "C01", "station_id": "ST01", "name": "光华社区监察联络站"}))
    created(admin.post("/groups", {"community": "C01", "group_id": "G01", "name": "一组"}))
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
    informant = liaison.as_("informant", sub="P01", street="S01", community="C01")
    flagged = informant.post(
        "/major-problems", {"person_id": "P01", "summary": "集体资产出租收入去向不明", "category": "C02.02"}
    )
    assert flagged.status_code == 202 and flagged.json()["events"] == [], flagged.text
    created(
        admin.post(
            "/people",
            {
                "person_id": "P02",
                "name": "王芳",
                "role": "supervisor",
                "street": "S01",
                "community": "C01",
                "groups": ["G01"],
                "appointed_on": (TODAY - timedelta(days=1)).isoformat(),
            },
        )
    )
    release(container, monkeypatch)

    commission = intake.as_("street_commission", street="S01")
    assert eventually(lambda: commission.get("/clues").json()["total"] == 1), "intake never made the clue"
    clue = commission.get("/clues").json()["items"][0]
    # C01 has one informant: the flag names the street only, and so does the clue (its community is the street)
    assert (clue["community"], clue["street"], clue["channel"]) == ("S01", "S01", "feedback_escalation")
    assert (clue["category"], clue["item"], clue["status"]) == ("C02", "C02.02", "received")
    assert clue["summary"] == "集体资产出租收入去向不明"
    history = commission.get(f"/clues/{clue['clue_id']}/history").text
    assert "李明" not in history and "P01" not in history  # the informant is protected as a reporter
    secretary = intake.as_("community_secretary", street="S01", community="C01")
    assert secretary.get(f"/clues/{clue['clue_id']}").status_code == 404  # about their community: not theirs to know

    # nothing liaison published joins the flag to the informant: the flag names no one, and what names P01 (the
    # public directory's person.appointed) says nothing of the flag
    seen = []

    def arrived():
        seen.extend(published())
        return any(b["type"] == "feedback.major_problem_flagged" for b in seen)

    assert eventually(arrived), "liaison never published the flag"
    [flag] = [b for b in seen if b["type"] == "feedback.major_problem_flagged"]
    assert "李明" not in str(flag) and "P01" not in str(flag) and flag["stream_id"].startswith("flag-")
    traces = (flag["payload"]["flag_id"], flag["payload"]["summary"], flag["correlation_id"])
    assert (flag["actor"]["role"], flag["payload"]["community"], flag["payload"]["role"]) == ("system", None, None)
    naming = [b for b in seen if "P01" in str(b) or "李明" in str(b)]
    assert {b["type"] for b in naming} <= {"person.appointed", "feedback.due_soon", "feedback.missed"}  # the timer's
    assert not [t for b in naming for t in traces if t in str(b)]
