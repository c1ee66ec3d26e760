"""liaison as a nameko service against the real RabbitMQ and PostgreSQL."""

import pytest

from liaison.service import LiaisonService

pytestmark = pytest.mark.integration


@pytest.fixture
def liaison(container_factory, service_config, client_for):
    container = container_factory(LiaisonService, service_config())
    container.start()
    return client_for(container)


def test_health_and_openapi(liaison):
    health = liaison.get("/health")
    assert health.status_code == 200 and health.json()["checks"] == {"database": "ok", "broker": "ok"}
    paths = liaison.get("/openapi.json").json()["paths"]
    assert "/people/{person_id}/dismiss" in paths and "post" in paths["/streets"]


def test_command_needs_a_token_and_the_right_role(liaison):
    assert liaison.post("/streets", {"street_id": "S01", "name": "柳城街道"}).status_code == 401
    assert liaison.as_("informant").post("/streets", {"street_id": "S01", "name": "x"}).status_code == 403
    created = liaison.as_("district_commission").post("/streets", {"street_id": "S01", "name": "柳城街道"})
    assert created.status_code == 201 and created.json()["events"][0]["type"] == "street.registered"


def test_bad_input_is_refused_with_the_field_named(liaison):
    admin = liaison.as_("district_commission")
    not_json = admin.request("POST", "/streets", data=b"{nope", headers={"Content-Type": "application/json"})
    assert not_json.status_code == 400 and not_json.json()["error"] == "bad_request"
    unknown = admin.post("/streets", {"street_id": "S01", "name": "x", "colour": "red"})
    assert unknown.status_code == 422 and "colour" in unknown.json()["details"]["fields"]
