"""Scoped reads: a community secretary reads their community, a street commission its street."""

import pytest

from watchpost.domain import ROLES
from watchpost.errors import Forbidden, NotFound
from watchpost.testing import make_ctx

from assessment import commands, reads
from assessment.access import ALLOWED
from assessment.schemas import SCHEMAS


@pytest.fixture
def world(store, logs, publish, feed):
    publish()
    for c, s in (("C1", "S1"), ("C2", "S1"), ("C3", "S2")):
        logs["intake"].emit("opinion.resolved", opinion_id=f"o-{c}", community=c, street=s)
    feed()


def test_the_access_table_names_every_request_and_only_known_roles():
    assert set(ALLOWED) == set(SCHEMAS)
    assert all(roles <= set(ROLES) for roles in ALLOWED.values())


def test_community_secretary_reads_only_their_community(store, world):
    secretary = make_ctx("community_secretary", street="S1", community="C1")
    assert reads.scorecard(store, secretary, community="C1", period="2026-03")["total"] == 101
    assert reads.explain(store, secretary, community="C1", period="2026-03", indicator="petition_handling")
    with pytest.raises(NotFound, match="^community 'C2' is not known: no source event has named it$"):
        reads.scorecard(store, secretary, community="C2", period="2026-03")
    with pytest.raises(Forbidden, match="ranking is for"):
        reads.ranking(store, secretary, period="2026-03")


def test_street_commission_reads_only_its_street(store, world):
    street = make_ctx("street_commission", street="S1")
    assert reads.scorecard(store, street, community="C2", period="2026-03")["street"] == "S1"
    with pytest.raises(NotFound, match="^community 'C3' is not known"):  # not "in S2": as if unknown
        reads.scorecard(store, street, community="C3", period="2026-03")
    assert len(reads.ranking(store, street, period="2026-03", scope="street", street="S1")["rows"]) == 2
    with pytest.raises(Forbidden):
        reads.ranking(store, street, period="2026-03")
    with pytest.raises(Forbidden):
        reads.ranking(store, street, period="2026-03", scope="street", street="S2")


def test_commands_are_for_the_district(store, world):
    for role in ("community_secretary", "street_commission", "auditor"):
        with pytest.raises(Forbidden):
            commands.close_period(store, make_ctx(role), period="2026-03")
    assert commands.raise_warnings(store, make_ctx("system"), period="2026-03") == []


def test_unknown_community_and_indicator(store, world, district):
    from watchpost.errors import Invalid, NotFound

    with pytest.raises(NotFound, match="community 'C9' is not known"):
        reads.scorecard(store, district, community="C9", period="2026-03")
    with pytest.raises(Invalid, match="indicator 'speed' is not one of"):
        reads.explain(store, district, community="C1", period="2026-03", indicator="speed")


def test_explain_names_the_rule_the_terms_and_the_events(store, world, district):
    why = reads.explain(store, district, community="C1", period="2026-03", indicator="petition_handling")
    assert why["title"] == "信访办理" and why["rule"]["metric"] == "petitions_handled_on_time"
    assert "opinion_resolved" in {t["rule"] for t in why["terms"]}
    assert [(c["source"], c["position"], c["rule"], c["points"]) for c in why["contributions"]] == [
        ("intake", 1, "opinion_resolved", 1)
    ]
