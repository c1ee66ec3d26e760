"""The adversary (issue 16, "An informant cannot be traced through what is published"): a subscriber holding every
event liaison and intake ever published (catch-up, as role `subscriber`) and liaison's directory tries to name the
author of each major-problem flag, of each clue made from a flag, and of each named clue, and the accused of each
clue, by every link a published event could offer. It names no one.

Real services: liaison and intake in nameko containers on the real PostgreSQL and RabbitMQ, a sample district where
C2 and C3 have one informant each (and S2 only two watchers)."""

import hashlib
import re
import sys
from datetime import datetime, timedelta, timezone

import pytest
from nameko.testing.services import entrypoint_hook

import watchpost.runtime.expose  # noqa: F401  (the module; the package re-exports its function of that name)
from watchpost.runtime import web
from watchpost.testing import eventually

from intake.service import IntakeService
from liaison.service import LiaisonService

pytestmark = pytest.mark.integration

DAY1 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # 17:00 in Chengdu; flags are released at 03:00 next day
TICK = "tick_timers_tick"


def station(cid):
    return {"station_id": f"STN-{cid}", "name": f"{cid}监察联络站", "opened_on": "2025-01-01"}


def person(pid, name, role, community):
    return {
        "person_id": pid,
        "name": name,
        "role": role,
        "community": community,
        "appointed_on": "2025-01-01",
        **({"groups": [f"{community}-G1"]} if role in ("informant", "supervisor") else {}),
    }


DISTRICT = {
    "directory_id": "adversary",
    "streets": [{"street_id": "S1", "name": "柳城街道"}, {"street_id": "S2", "name": "万春镇", "kind": "town"}],
    "communities": [
        {
            "community_id": c,
            "street": s,
            "name": f"{c}社区",
            "station": station(c),
            "groups": [{"group_id": f"{c}-G1", "name": "一组"}],
        }
        for c, s in (("C1", "S1"), ("C2", "S1"), ("C3", "S2"))
    ],
    "centres": [],
    "platforms": [],
    "people": [
        person("A1", "信息员甲", "informant", "C1"),
        person("A2", "信息员乙", "informant", "C1"),
        person("A3", "信息员丙", "informant", "C1"),
        person("SA", "监督员甲", "supervisor", "C1"),
        person("B1", "信息员丁", "informant", "C2"),
        person("SB", "监督员乙", "supervisor", "C2"),
        person("D1", "信息员戊", "informant", "C3"),
        person("SD", "监督员丙", "supervisor", "C3"),
        person("SEC1", "吴书记", "community_secretary", "C1"),
        person("SEC3", "易书记", "community_secretary", "C3"),
    ],
    "pairings": [],
}
STREET = {"C1": "S1", "C2": "S1", "C3": "S2"}
ACCUSED = {"name": "吴书记", "post": "书记", "rank": "community_leader"}


class Clock:
    def __init__(self):
        self.now = DAY1

    def __call__(self):
        return self.now

    def step(self, minutes=1):
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def clock(monkeypatch):
    found = Clock()
    monkeypatch.setattr(web, "utcnow", found)
    monkeypatch.setattr(sys.modules["watchpost.runtime.expose"], "utcnow", found)
    return found


@pytest.fixture
def district(container_factory, service_config, client_for, clock):
    intake = container_factory(IntakeService, service_config())
    intake.start()
    liaison = container_factory(LiaisonService, service_config())
    liaison.start()
    loaded = client_for(liaison).as_("district_commission").post("/directory", DISTRICT)
    assert loaded.status_code == 200, loaded.text
    return liaison, client_for(liaison), client_for(intake)


def everything(client):
    """Every event the service published, as a subscriber reads it through catch-up."""
    reader, after, found = client.as_("subscriber"), 0, []
    while True:
        page = reader.get(f"/events?after={after}&limit=1000")
        assert page.status_code == 200, page.text
        events = page.json()["events"]
        if not events:
            return found
        found += events
        after = events[-1]["position"]


def act(clock, client, path, body, status=201):
    clock.step()
    answer = client.post(path, body)
    assert answer.status_code == status, answer.text
    return answer.json()


def test_no_one_is_named_by_what_is_published(district, clock):
    container, liaison, intake = district
    people = {p["person_id"]: p for p in DISTRICT["people"]}

    def as_watcher(pid):
        p = people[pid]
        return liaison.as_(p["role"], pid, STREET[p["community"]], p["community"])

    def feedback(pid, flag=None):
        body = {
            "person_id": pid,
            "period": "2026-02",
            **({"major_problem": True, "problem_summary": flag} if flag else {}),
        }
        return act(clock, as_watcher(pid), "/feedback", body)

    authors = {}  # summary -> author: the truth the adversary must not find
    feedback("A1", "集体资产出租收入去向不明")
    authors["集体资产出租收入去向不明"] = "A1"
    feedback("A2")
    feedback("B1", "低保评定优亲厚友")
    authors["低保评定优亲厚友"] = "B1"
    act(clock, as_watcher("SB"), "/major-problems", {"person_id": "SB", "summary": "工程项目未经招标"}, 202)
    authors["工程项目未经招标"] = "SB"
    feedback("D1", "土地流转资金被截留")
    authors["土地流转资金被截留"] = "D1"
    feedback("SA")
    feedback("SD")

    named = {}  # summary -> who submitted the named clue
    for who, role, community, channel, summary in (
        ("D1", "informant", "C3", "wechat", "村账目不公开"),
        ("CIT9", "citizen", "C1", "visit", "书记收受红包"),
        ("A3", "informant", "C1", "informant", "书记收受红包，再次反映"),
        ("D1", "informant", "C3", "informant", "村务公开栏长期未更新"),
    ):  # C3's only informant, by its channel
        clock.step()
        submitter = intake.as_(role, who, STREET[community], community)
        answer = submitter.post(
            "/clues",
            {
                "channel": channel,
                "summary": summary,
                "community": community,
                "street": STREET[community],
                "category": "C01",
                "accused": ACCUSED if community == "C1" else {**ACCUSED, "name": "易书记"},
                "reporter": {"name": people.get(who, {}).get("name", "居民王五"), "phone": "13800000000"},
            },
        )
        assert answer.status_code == 201, answer.text
        named[summary] = who

    clock.now = DAY1 + timedelta(days=1)  # 17:00 on the 3rd: the 03:00 release has passed
    with entrypoint_hook(container, TICK) as tick:
        tick()
    assert eventually(
        lambda: sum(e["type"] == "clue.received" for e in everything(intake)) == len(named) + len(authors)
    )

    published = [("liaison", e) for e in everything(liaison)] + [("intake", e) for e in everything(intake)]
    directory = liaison.as_("district_commission").get("/people?limit=100").json()
    known = {p["person_id"]: p for p in directory["items"]} if "items" in directory else people
    names = {pid: people[pid]["name"] for pid in people}
    flags = [e for s, e in published if e["type"] == "feedback.major_problem_flagged"]
    assert sorted(e["payload"]["summary"] for e in flags) == sorted(authors)
    clues = [e for s, e in published if e["type"] == "clue.received"]

    def naming(event):
        """The people an event names outright: an id as a whole word anywhere in it (not inside a random vault
        reference such as `con_…hD1Yw…`), or a name anywhere."""
        text = str(event)
        return {
            pid for pid in people if re.search(rf"(?<![A-Za-z0-9]){pid}(?![A-Za-z0-9])", text) or names[pid] in text
        }

    by_position = {(s, e["position"]): e for s, e in published}
    correlated = {}
    for _, e in published:
        for pid in naming(e):
            for link in (e["correlation_id"], e["causation_id"], e["event_id"]):
                if link:
                    correlated.setdefault(link, set()).add(pid)

    def suspects(service, event):
        """Every attack; each returns the candidate authors it could narrow to (empty: it learnt nothing)."""
        at = datetime.fromisoformat(event["occurred_at"])
        near = {
            pid
            for s, e in published
            if e is not event and abs(datetime.fromisoformat(e["occurred_at"]) - at) < timedelta(seconds=1)
            for pid in naming(e)
        }
        before = by_position.get((service, event["position"] - 1))
        p = event["payload"]
        role = p.get("role") or (p.get("channel") if p.get("channel") in ("informant", "supervisor") else None)
        role = role or (event["actor"]["role"] if event["actor"]["role"] in ("informant", "supervisor") else None)
        place = (
            {
                pid
                for pid, q in known.items()
                if q.get("status", "active") == "active"
                and (role is None or q["role"] == role)
                and q["role"] in ("informant", "supervisor", "citizen")
                and (p.get("community") in (None, p["street"]) or q["community"] == p["community"])
                and STREET[q["community"]] == p["street"]
            }
            if p.get("street")
            else set()
        )
        return {
            "named outright": naming(event),
            "actor": {event["actor"]["id"]} & set(people),
            "correlation or causation": set().union(
                *(correlated.get(x, set()) for x in (event["correlation_id"], event["causation_id"]) if x)
            ),
            "time proximity": near,
            "position adjacency": naming(before) if before else set(),
            "role and place": place,
        }

    attacked = [(s, e, authors[e["payload"]["summary"]]) for s, e in published if e in flags]
    attacked += [("intake", e, authors[e["payload"]["summary"]]) for e in clues if e["payload"]["summary"] in authors]
    attacked += [("intake", e, named[e["payload"]["summary"]]) for e in clues if e["payload"]["summary"] in named]
    assert len(attacked) == 2 * len(authors) + len(named)
    for service, event, author in attacked:
        for attack, found in suspects(service, event).items():
            assert found != {author}, f"{attack} names {author} as the author of {event['type']} {event['payload']}"
        assert len(suspects(service, event)["role and place"]) >= 2, event

    # the accused: a dictionary of every cadre (community, post, name) hashed as accused_key once was
    dictionary = {
        hashlib.sha256(f"{c}|{post}|{n}".encode()).hexdigest(): n
        for c in STREET
        for post in ("书记", "主任")
        for n in ("吴书记", "易书记")
    }
    keys = [e["payload"]["accused_key"] for e in clues]
    assert not [k for k in keys if k in dictionary]
    assert not [e for e in clues if "吴书记" in str(e) or "易书记" in str(e)]
    # yet intake still links the repeat report about the same accused (keyed alike)
    first, again = (
        next(e for e in clues if e["payload"]["summary"] == s) for s in ("书记收受红包", "书记收受红包，再次反映")
    )
    assert again["payload"]["repeat_candidate"] == first["payload"]["clue_id"]
