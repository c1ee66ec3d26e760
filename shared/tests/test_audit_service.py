"""A real service (the toy service in a nameko container, real RabbitMQ and PostgreSQL): its checkpoint routes, then
the auditor's tool on its log."""

import json

import pytest

from watchpost.audit.cli import main
from watchpost.testing import TEST_DATABASE_URL

pytestmark = pytest.mark.integration


@pytest.fixture
def toy(container_factory, service_config, client_for):
    from toy_service import ToyService

    config = service_config()
    container = container_factory(ToyService, config)
    container.start()
    return client_for(container), config["DB_SCHEMA"]


def test_sign_on_demand_over_http_then_verify_and_prove(toy, capsys):
    api, schema = toy
    street = api.as_("district_commission").post("/clues", {"clue_id": "K1", "summary": "柳城街道"})
    assert street.status_code == 201, street.text
    assert api.as_("informant").post("/checkpoints").status_code == 403
    signed = api.as_("auditor").post("/checkpoints")
    assert signed.status_code == 201, signed.text
    body = signed.json()
    assert body["checkpoint"]["service"] == "toy" and body["position"] == body["checkpoint"]["size"] + 1
    key = api.get("/checkpoints/key").json()
    assert key["public_key"] == body["checkpoint"]["public_key"]
    args = ["--database-url", TEST_DATABASE_URL]
    assert main([*args, "verify", "--service", "toy", "--schema", schema]) == 1  # signed with the dev key
    assert "development key" in capsys.readouterr().out
    assert main([*args, "verify", "--service", "toy", "--schema", schema, "--development"]) == 0
    assert "1 checkpoint(s) verified" in capsys.readouterr().out
    first = street.json()["events"][0]["event_id"]
    assert main([*args, "prove", first, "--service", "toy", "--schema", schema, "--development"]) == 0
    assert json.loads(capsys.readouterr().out)["verified"]
    assert main([*args, "replay", "--service", "toy", "--schema", schema]) == 0
    assert "0 difference(s)" in capsys.readouterr().out
