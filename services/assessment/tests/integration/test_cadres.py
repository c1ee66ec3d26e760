"""Per-cadre scorecards over HTTP, against the real RabbitMQ and PostgreSQL: the cadre themself, their secretary,
their street, the district and the auditor read them; everyone else is refused, naming why."""

import pytest

pytestmark = pytest.mark.integration


def test_cadre_scorecards_and_rankings_with_scoped_reads(world, simple_rulebook):
    admin = world.client.as_("district_commission")
    assert admin.post("/rulebooks", simple_rulebook()).status_code == 201
    liaison, training = world.logs["liaison"], world.logs["training"]
    on_time = liaison.emit(
        "feedback.submitted",
        person_id="p1",
        period="2026-03",
        submitted_on="2026-03-31",
        on_time=True,
        community="C1",
        street="S1",
    )
    world.publish(
        "liaison",
        [
            on_time,
            liaison.emit(
                "feedback.missed", person_id="p2", period="2026-03", due_on="2026-03-31", community="C1", street="S1"
            ),
            liaison.emit(
                "feedback.submitted",
                person_id="p3",
                period="2026-03",
                submitted_on="2026-03-31",
                on_time=True,
                community="C3",
                street="S2",
            ),
        ],
    )
    world.publish(
        "training",
        [
            training.emit(
                "requirement.shortfall",
                person_id="p1",
                year=2026,
                hours=10,
                required=24,
                role="informant",
                sessions=2,
                community="C1",
                street="S1",
            )
        ],
    )
    world.wait_consumed(liaison=3, training=1)

    himself = world.client.as_("informant", sub="p1", street="S1", community="C1")
    card = himself.get("/cadres/p1/scorecards/2026-03")
    assert card.status_code == 200, card.text
    card = card.json()
    assert card["person_id"] == "p1" and card["total"] == 101 and card["status"] == "open"
    [row] = card["indicators"]["information_reporting"]["contributions"]
    assert (row["source"], row["position"], row["event_id"]) == ("liaison", 1, on_time.event_id)
    assert himself.get("/cadres/p1/scorecards/2026").json()["indicators"]["team_building"]["value"] == -2

    other = himself.get("/cadres/p2/scorecards/2026-03")
    assert other.status_code == 403 and "not p2's" in other.json()["message"]
    secretary = world.client.as_("community_secretary", street="S1", community="C1")
    assert secretary.get("/cadres/p2/scorecards/2026-03").json()["total"] == 99
    elsewhere, missing = secretary.get("/cadres/p3/scorecards/2026-03"), secretary.get("/cadres/p9/scorecards/2026-03")
    assert elsewhere.status_code == missing.status_code == 404  # as if unknown: byte for byte
    assert elsewhere.content.replace(b"p3", b"<id>") == missing.content.replace(b"p9", b"<id>")
    street = world.client.as_("street_commission", street="S2").get("/cadres/p1/scorecards/2026-03")
    assert street.status_code == 404 and "S1" not in street.text and "C1" not in street.text
    refused = world.client.as_("subscriber").get("/cadres/p1/scorecards/2026-03")
    assert refused.status_code == 403 and "informant" in refused.json()["details"]["allowed"]
    unknown = world.client.as_("auditor").get("/cadres/p9/scorecards/2026-03")
    assert unknown.status_code == 404 and "cadre 'p9' is not known" in unknown.json()["message"]
    bad = world.client.as_("auditor").get("/cadres/p1/scorecards/March")
    assert bad.status_code == 422 and "period" in bad.json()["details"]["fields"]

    ranked = secretary.get("/communities/C1/cadres/2026-03").json()
    assert [(r["rank"], r["person_id"], r["total"]) for r in ranked["rows"]] == [(1, "p1", 101), (2, "p2", 99)]
    assert secretary.get("/communities/C3/cadres/2026-03").status_code == 404
    assert himself.get("/communities/C1/cadres/2026-03").status_code == 403
    assert world.client.as_("auditor").get("/communities/C9/cadres/2026-03").status_code == 404
    assert (
        world.client.as_("street_commission", street="S2")
        .get("/communities/C3/cadres/2026-03")
        .json()["rows"][0]["person_id"]
        == "p3"
    )

    report = world.client.as_("auditor").post("/rebuild").json()
    assert report["identical"] and report["cadre_differences"] == [] and report["compared_cadres"] == 3 * 3
