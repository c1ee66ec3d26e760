"""Test helpers of liaison's unit tests: a small directory, contexts at given instants."""

from datetime import datetime, timezone

from watchpost.testing import make_ctx

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # 17:00 in Chengdu

SMALL = {
    "directory_id": "test",
    "streets": [{"street_id": "S1", "name": "柳城街道"}, {"street_id": "S2", "name": "万春镇", "kind": "town"}],
    "communities": [
        {
            "community_id": "C1",
            "street": "S1",
            "name": "鱼凫路社区",
            "station": {"station_id": "STN-C1", "name": "鱼凫路社区监察联络站", "opened_on": "2025-01-01"},
            "groups": [
                {"group_id": "C1-G1", "name": "第一居民小组"},
                {"group_id": "C1-G2", "name": "第二居民小组"},
                {"group_id": "C1-G3", "name": "香瑞湖小区", "kind": "compound"},
            ],
        },
        {
            "community_id": "C2",
            "street": "S1",
            "name": "凤凰社区",
            "station": {"station_id": "STN-C2", "name": "凤凰社区监察联络站", "opened_on": "2025-01-01"},
            "groups": [{"group_id": "C2-G1", "name": "第一居民小组"}],
        },
        {
            "community_id": "C3",
            "street": "S2",
            "name": "清泉村",
            "kind": "village",
            "station": {"station_id": "STN-C3", "name": "清泉村监察联络站", "opened_on": "2025-01-01"},
            "groups": [{"group_id": "C3-G1", "name": "一组"}],
        },
    ],
    "centres": [{"centre_id": "NC1", "street": "S1", "name": "睦邻议事厅", "community": "C1"}],
    "platforms": [{"platform_id": "CP1", "street": "S2", "name": "棕榈会客厅"}],
    "people": [
        {
            "person_id": "SEC1",
            "name": "吴书记",
            "role": "community_secretary",
            "community": "C1",
            "appointed_on": "2025-01-01",
        },
        {
            "person_id": "SEC3",
            "name": "易书记",
            "role": "community_secretary",
            "community": "C3",
            "appointed_on": "2025-01-01",
        },
        {
            "person_id": "INF1",
            "name": "信息员甲",
            "role": "informant",
            "community": "C1",
            "groups": ["C1-G1", "C1-G2"],
            "appointed_on": "2025-01-01",
        },
        {
            "person_id": "SUP1",
            "name": "监督员乙",
            "role": "supervisor",
            "community": "C1",
            "groups": ["C1-G1"],
            "appointed_on": "2025-01-01",
        },
        {
            "person_id": "SUP3",
            "name": "监督员丙",
            "role": "supervisor",
            "community": "C3",
            "groups": ["C3-G1"],
            "appointed_on": "2025-01-01",
        },
        {
            "person_id": "M1",
            "name": "街道纪工委书记",
            "role": "street_commission_member",
            "street": "S1",
            "appointed_on": "2025-01-01",
        },
        {
            "person_id": "M2",
            "name": "镇纪委委员",
            "role": "street_commission_member",
            "street": "S2",
            "appointed_on": "2025-01-01",
        },
    ],
    "pairings": [],
}


def at(year, month, day, hour=9):
    """A UTC instant that is the given day in Chengdu (before 16:00 UTC)."""
    return datetime(year, month, day, hour, tzinfo=timezone.utc)


def ctx(role="district_commission", now=NOW, **kw):
    return make_ctx(role=role, now=now, **kw)


def as_person(person_id, role, community="C1", now=NOW):
    return make_ctx(role=role, actor_id=person_id, community=community, now=now)


def system(now=NOW, **kw):
    return make_ctx(role="system", now=now, **kw)
