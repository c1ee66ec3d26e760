"""The directory loader: the bundled sample, idempotent reloads, CSV tables, refusals before writing."""

import copy
import csv
import io

import pytest
from liaison_helpers import SMALL, ctx

from watchpost.errors import BadRequest, Forbidden, Invalid

from liaison.commands import loading, pairings, personnel
from liaison.commands.loading import from_tables
from liaison.sample import generate, load


def test_the_sample_is_sized_like_the_seed_and_marked(store):
    events = loading.load_directory(store, ctx(), load())
    summary = events[-1]
    assert summary.type == "directory.loaded" and summary.payload["sample"] is True
    counts = summary.payload["counts"]
    assert (
        counts["streets"],
        counts["communities"],
        counts["stations"],
        counts["centres"],
        counts["platforms"],
        counts["informants"],
        counts["supervisors"],
    ) == (9, 95, 95, 12, 16, 178, 1070)
    assert summary.payload["written"] == len(events) - 1
    assert "SAMPLE DATA" in load()["notice"]
    assert store.count("people", {"role": "informant", "status": "active"}) == 178
    assert store.count("coverage") == 1070 and store.count("pairings") == 95
    assert all(d["supervisors"] for d in store.docs("coverage", limit=2000))


def test_loading_the_same_directory_twice_writes_nothing_new(store):
    loading.load_directory(store, ctx(), load())
    head = store.head()
    assert loading.load_directory(store, ctx(), load()) == []
    assert store.head() == head


def test_a_reload_after_changes_skips_what_stands_and_adds_what_is_new(small):
    personnel.dismiss_person(small, ctx(), "SUP1")
    pairings.establish_pairing(small, ctx(), "M1", "C1")
    pairings.end_pairing(small, ctx(), "M1-C1")
    data = copy.deepcopy(SMALL)
    data["pairings"] = [{"member_id": "M1", "community": "C1"}]
    data["communities"][1]["groups"].append({"group_id": "C2-G2", "name": "第二居民小组"})
    events = loading.load_directory(small, ctx(), data)
    assert [e.type for e in events] == ["group.registered", "directory.loaded"]


def test_the_committed_sample_is_what_the_generator_makes(tmp_path):
    target = tmp_path / "directory.json"
    generate.main(target)
    import json

    assert json.loads(target.read_text(encoding="utf-8")) == load()


def test_references_are_checked_before_anything_is_written(store):
    data = copy.deepcopy(SMALL)
    data["people"].append({"person_id": "X", "name": "x", "role": "informant", "community": "C9", "groups": ["G"]})
    data["pairings"].append({"member_id": "SUP1", "community": "C1"})
    with pytest.raises(Invalid, match="2 problems; first: person X: community C9 is not in the data") as err:
        loading.load_directory(store, ctx(), data)
    assert len(err.value.details["problems"]) == 2 and store.head()[0] == 0


def test_schema_refusals(store):
    with pytest.raises(Invalid, match="streets"):
        loading.load_directory(store, ctx(), {"directory_id": "d", "streets": [{"street_id": "S1"}]})
    with pytest.raises(Invalid, match="colour"):
        loading.load_directory(store, ctx(), {"directory_id": "d", "colour": "red"})
    with pytest.raises(BadRequest, match="JSON object"):
        loading.load_directory(store, ctx(), [])
    with pytest.raises(Forbidden, match="may not load_directory"):
        loading.load_directory(store, ctx("street_commission", street="S1"), SMALL)


def rows(text):
    return list(csv.DictReader(io.StringIO(text.strip())))


def test_from_csv_tables(store):
    tables = {
        "streets": rows("street_id,name,kind\nS1,柳城街道,street"),
        "communities": rows(
            "community_id,street,name,kind,station_id,station_name,opened_on\n"
            "C1,S1,鱼凫路社区,community,STN-C1,鱼凫路社区监察联络站,2025-01-01"
        ),
        "groups": rows("group_id,community,name,kind\nC1-G1,C1,一组,residential_group\nC1-G2,C1,二组,compound"),
        "centres": rows("centre_id,street,name,community\nNC1,S1,睦邻议事厅,"),
        "people": rows(
            "person_id,name,role,street,community,groups,appointed_on\n"
            "INF1,甲,informant,,C1,C1-G1;C1-G2,2025-01-01\nM1,乙,street_commission_member,S1,,,"
        ),
        "pairings": rows("member_id,community,established_on\nM1,C1,2025-02-01"),
    }
    data = from_tables(tables, "csv-test")
    events = loading.load_directory(store, ctx(), data)
    assert events[-1].payload["counts"]["groups"] == 2
    assert store.doc("people", "INF1")["groups"] == ["C1-G1", "C1-G2"]
    assert store.doc("pairings", "M1-C1")["established_on"] == "2025-02-01"
    assert store.doc("streets", "S1")["centres"]["NC1"]["community"] is None
    assert loading.load_directory(store, ctx(), from_tables(tables, "csv-test")) == []
