"""Each refusal class over HTTP (401, 403 by role, 404 for the missing and the out of scope alike, 409 illegal and
conflict, 422), never a 500."""

import eventlet
import pytest

from watchpost.runtime import EventLog

pytestmark = pytest.mark.integration


def refused(response, status, error):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error and body["message"], body
    return body


def test_no_token_is_401_on_commands_and_reads(small):
    for method, path in [
        ("GET", "/people"),
        ("GET", "/compliance/C1/2026-02"),
        ("POST", "/feedback"),
        ("GET", "/directory"),
    ]:
        body = refused(small.request(method, path), 401, "unauthenticated")
        assert "bearer" in body["message"]


def test_a_role_not_allowed_is_403_naming_the_allowed(small):
    informant = small.as_("informant", "INF1", community="C1")
    body = refused(informant.get("/people"), 403, "forbidden")
    assert "informant" in body["message"] and "district_commission" in body["details"]["allowed"]
    refused(informant.post("/streets", {"street_id": "S9", "name": "x"}), 403, "forbidden")
    refused(small.as_("auditor").post("/reports", {"community": "C1", "period": "2026-Q1"}), 403, "forbidden")


def same_as_missing(client, path, key, missing_key, method="GET", body=None):
    """Out of the caller's area answers exactly as missing: same status and bytes, apart from the id."""
    got = client.request(method, path.format(key), json=body)
    missing = client.request(method, path.format(missing_key), json=body)
    assert got.status_code == missing.status_code == 404, got.text
    assert got.content.replace(key.encode(), b"<id>") == missing.content.replace(missing_key.encode(), b"<id>")
    assert "S1" not in got.text and "S2" not in got.text  # no street named: nothing tells where it lives


def test_out_of_scope_answers_exactly_as_missing(small):
    secretary = small.as_("community_secretary", "SEC1", community="C1")
    assert secretary.get("/compliance/C1/2026-02").status_code == 200
    same_as_missing(secretary, "/compliance/{}/2026-02", "C3", "C9")
    refused(secretary.get("/compliance", params={"period": "2026-02", "community": "C3"}), 403, "forbidden")
    mine = secretary.get("/compliance", params={"period": "2026-02"}).json()
    assert [s["community"] for s in mine["stations"]] == ["C1"]

    town = small.as_("street_commission", street="S2")
    assert town.get("/pairings/M2-C3").status_code == 200
    same_as_missing(town, "/pairings/{}", "M1-C1", "M9-C1")
    same_as_missing(town, "/pairings/{}/end", "M1-C1", "M9-C1", "POST", {})
    refused(town.get("/pairings", params={"street": "S1"}), 403, "forbidden")
    assert [p["pairing_id"] for p in town.get("/pairings").json()["pairings"]] == ["M2-C3"]
    same_as_missing(town, "/groups/{}/coverage", "C1-G1", "C1-G9")
    same_as_missing(small.as_("supervisor", "SUP3", community="C3"), "/people/{}", "INF1", "NOPE")


def test_acting_for_someone_else_is_403(small):
    informant = small.as_("informant", "INF1", community="C1")
    body = refused(informant.post("/feedback", {"person_id": "SUP1", "period": "2026-02"}), 403, "forbidden")
    assert "SUP1" in body["message"]


def test_unknown_things_are_404(small):
    admin = small.as_("district_commission")
    for path in ("/people/NOPE", "/groups/NOPE/coverage", "/pairings/NOPE-C1", "/compliance/NOPE/2026-02"):
        body = refused(admin.get(path), 404, "not_found")
        assert "NOPE" in body["message"]
    refused(admin.post("/people/NOPE/dismiss", {}), 404, "not_found")
    refused(admin.post("/groups", {"community": "NOPE", "group_id": "G9", "name": "x"}), 404, "not_found")
    refused(admin.get("/directory", params={"street": "S9"}), 404, "not_found")


def test_illegal_transitions_are_409(small):
    admin, informant = small.as_("district_commission"), small.as_("informant", "INF1", community="C1")
    assert admin.post("/people/SUP1/dismiss", {"reason": "x"}).status_code == 200
    body = refused(admin.post("/people/SUP1/dismiss", {}), 409, "illegal_transition")
    assert body["details"]["state"] == "dismissed"
    assert informant.post("/feedback", {"person_id": "INF1", "period": "2026-02"}).status_code == 201
    body = refused(informant.post("/feedback", {"person_id": "INF1", "period": "2026-02"}), 409, "illegal_transition")
    assert body["details"]["allowed"] == ["report_major_problem"]
    assert admin.post("/pairings/M1-C1/end", {}).status_code == 200
    refused(
        admin.post("/pairings/M1-C1/contacts", {"kind": "guidance", "held_on": "2026-03-01"}), 409, "illegal_transition"
    )


def test_two_writers_of_one_stream_at_once_the_second_is_409_conflict(small, container):
    """Both requests read the pairing at the same version (the store is made to pause after that read)."""
    store = next(e for e in container.extensions if isinstance(e, EventLog)).store
    load = store.load

    def slow_load(stream_id):
        events = load(stream_id)
        if stream_id == "pairing-M1-C1":
            eventlet.sleep(0.3)
        return events

    store.load = slow_load
    street = small.as_("street_commission", street="S1")
    body = {"kind": "guidance", "held_on": "2026-03-01"}
    both = [eventlet.spawn(street.post, "/pairings/M1-C1/contacts", body) for _ in range(2)]
    statuses = sorted(r.status_code for r in (g.wait() for g in both))
    assert statuses == [201, 409]
    loser = next(r for r in (g.wait() for g in both) if r.status_code == 409)
    assert loser.json()["error"] == "conflict" and "reload and retry" in loser.json()["message"]
    store.load = load
    assert len(street.get("/pairings/M1-C1").json()["contacts"]) == 1


ADMIN = ("district_commission", None)


@pytest.mark.parametrize(
    "method, path, body, field, caller",
    [
        ("GET", "/people?limit=abc", None, "limit", ADMIN),
        ("GET", "/people?limit=0", None, "limit", ADMIN),
        ("GET", "/people?colour=red", None, "colour", ADMIN),
        ("GET", "/people?role=mayor", None, "role", ADMIN),
        ("GET", "/pairings?status=lost", None, "status", ADMIN),
        ("GET", "/pairings?offset=-1", None, "offset", ADMIN),
        ("GET", "/compliance", None, "period", ADMIN),
        ("GET", "/compliance?period=2026/02", None, "period", ADMIN),
        ("GET", "/compliance/C1/2026-13", None, "period", ADMIN),
        ("GET", "/directory?street=S1&depth=2", None, "depth", ADMIN),
        ("POST", "/feedback", {"person_id": "INF1", "period": "2026-13"}, "period", ("informant", "INF1")),
        ("POST", "/reports", {"community": "C1", "period": "2026-03"}, "period", ("community_secretary", "SEC1")),
        ("POST", "/pairings/M1-C1/contacts", {"kind": "party", "held_on": "2026-03-01"}, "kind", ADMIN),
        ("POST", "/people/INF1/reassign", {"groups": []}, "groups", ADMIN),
        ("POST", "/streets", {"street_id": "S1", "name": "x", "colour": "red"}, "colour", ADMIN),
        ("POST", "/directory", {"streets": []}, "directory_id", ADMIN),
    ],
)
def test_bad_fields_are_422_naming_them(small, method, path, body, field, caller):
    role, who = caller
    response = small.as_(role, who, community="C1").request(method, path, json=body)
    assert refused(response, 422, "invalid")["details"]["fields"].get(field), response.text


def test_domain_rules_are_422_too(small):
    admin = small.as_("district_commission")
    broken = {
        "directory_id": "bad",
        "streets": [],
        "communities": [
            {"community_id": "C9", "street": "S9", "name": "x", "station": {"station_id": "STN-C9", "name": "x"}}
        ],
    }
    body = refused(admin.post("/directory", broken), 422, "invalid")
    assert "S9" in body["message"] and "nothing was loaded" in body["message"]
    body = refused(admin.post("/streets", {"street_id": "S1", "name": "别的名字"}), 422, "invalid")
    assert "name" in body["details"]["fields"]
    future = small.as_("informant", "INF1", community="C1").post(
        "/feedback", {"person_id": "INF1", "period": "2026-04"}
    )
    assert "has not begun" in refused(future, 422, "invalid")["message"]
