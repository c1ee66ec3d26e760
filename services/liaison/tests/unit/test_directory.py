"""Directory commands: registration, idempotent repeats, conflicting repeats, refusals and scope."""

import pytest
from liaison_helpers import ctx

from watchpost.errors import Forbidden, Invalid, NotFound

from liaison.commands import directory


def test_register_a_street_and_community_with_station_groups_and_venues(store):
    c = ctx()
    assert [e.type for e in directory.register_street(store, c, "S1", "柳城街道")] == ["street.registered"]
    assert directory.register_community(store, c, "C1", "S1", "鱼凫路社区")[0].payload == {
        "community_id": "C1",
        "community": "C1",
        "street": "S1",
        "name": "鱼凫路社区",
        "kind": "community",
    }
    station = directory.register_station(store, c, "C1", "STN-C1", "鱼凫路社区监察联络站")[0].payload
    assert station["opened_on"] == "2026-03-02" and station["street"] == "S1"
    assert directory.register_group(store, c, "C1", "C1-G1", "第一居民小组")[0].payload["street"] == "S1"
    assert directory.register_centre(store, c, "NC1", "S1", "睦邻议事厅", community="C1")[0].type == "centre.registered"
    assert directory.register_platform(store, c, "CP1", "S1", "棕榈会客厅")[0].payload["community"] is None
    street = store.doc("streets", "S1")
    assert street["communities"] == ["C1"] and street["centres"]["NC1"] == {"name": "睦邻议事厅", "community": "C1"}
    community = store.doc("communities", "C1")
    assert community["station"]["station_id"] == "STN-C1" and "C1-G1" in community["groups"]


def test_repeating_a_registration_writes_nothing(small):
    assert directory.register_street(small, ctx(), "S1", "柳城街道") == []
    assert directory.register_community(small, ctx(), "C1", "S1", "鱼凫路社区") == []
    assert directory.register_group(small, ctx(), "C1", "C1-G1", "第一居民小组") == []
    assert (
        directory.register_station(small, ctx(), "C1", "STN-C1", "鱼凫路社区监察联络站", opened_on="2026-01-01") == []
    )


def test_repeating_with_other_fields_is_refused_naming_them(small):
    with pytest.raises(Invalid, match="already registered with other name") as err:
        directory.register_street(small, ctx(), "S1", "公平街道")
    assert err.value.details["fields"]["name"] == {"registered": "柳城街道", "given": "公平街道"}
    with pytest.raises(Invalid, match="other street"):
        directory.register_community(small, ctx(), "C1", "S2", "鱼凫路社区")
    with pytest.raises(Invalid, match="station_id"):
        directory.register_station(small, ctx(), "C1", "STN-OTHER", "鱼凫路社区监察联络站")


def test_refusals_name_what_is_missing_or_wrong(store):
    with pytest.raises(NotFound, match="street 'S9' is not in the directory"):
        directory.register_community(store, ctx(), "C1", "S9", "x")
    with pytest.raises(NotFound, match="community 'C9'"):
        directory.register_group(store, ctx(), "C9", "G", "x")
    with pytest.raises(Invalid, match="allowed: street, town"):
        directory.register_street(store, ctx(), "S1", "x", kind="district")
    with pytest.raises(Invalid, match="letters, digits"):
        directory.register_street(store, ctx(), "S 1", "x")
    with pytest.raises(Invalid, match="1 to 200 characters"):
        directory.register_street(store, ctx(), "S1", "  ")


def test_group_kind_and_venue_community_in_street(small):
    with pytest.raises(Invalid, match="allowed: compound, residential_group"):
        directory.register_group(small, ctx(), "C1", "C1-G9", "x", kind="building")
    with pytest.raises(Invalid, match="community C3 is in street S2, not S1"):
        directory.register_centre(small, ctx(), "NC9", "S1", "x", community="C3")


def test_scope_of_directory_commands(small):
    own = ctx("street_commission", street="S1")
    assert directory.register_group(small, own, "C1", "C1-G9", "第九居民小组")[0].type == "group.registered"
    with pytest.raises(NotFound, match="^community .C3. is not in the directory; register it first$"):
        directory.register_group(small, own, "C3", "C3-G9", "x")
    with pytest.raises(Forbidden, match="may not register_street; allowed: district_commission, system"):
        directory.register_street(small, own, "S7", "x")
    with pytest.raises(Forbidden, match="may not register_group"):
        directory.register_group(small, ctx("community_secretary", community="C1"), "C1", "C1-G8", "x")
    with pytest.raises(NotFound, match="^street .S2. is not in the directory; register it first$"):
        directory.register_platform(small, own, "CP9", "S2", "x")


def test_a_repeated_command_id_returns_the_first_result(store):
    first = directory.register_street(store, ctx(command_id="cmd-1"), "S1", "柳城街道")
    again = directory.register_street(store, ctx(command_id="cmd-1"), "S1", "柳城街道")
    assert [e.event_id for e in again] == [e.event_id for e in first]
