"""Fixtures for intake's unit tests: an in-memory log with every intake projection, a vault, and a `world`
that submits and drives clues. Every event any test records is checked against the published contract."""

from datetime import date, datetime, time, timedelta, timezone

import pytest

from watchpost.contracts import check
from watchpost.eventlog.memory import MemoryEventStore
from watchpost.testing import make_ctx

from intake.commands import attachments, clues, inspections, opinions
from intake.projections import PROJECTIONS as ALL
from intake.vault import MemoryVault

STREET, COMMUNITY = "yongquan", "lijinggang"
NAME, PHONE = "易会容测试", "13800138000"
START = date(2026, 3, 2)  # a Monday


class World:
    def __init__(self):
        self.store = MemoryEventStore(projections=ALL)
        self.vault = MemoryVault()
        self.today = START

    def ctx(self, role="street_commission", who=None, day=None, street=STREET, community=None, command_id=None):
        now = datetime.combine(day or self.today, time(9, 0), tzinfo=timezone(timedelta(hours=8)))
        if role == "community_secretary" and community is None:
            community = COMMUNITY
        if role in ("district_commission", "auditor", "citizen", "system"):
            street = None
        return make_ctx(role=role, actor_id=who, now=now, street=street, community=community, command_id=command_id)

    def submit(self, ctx=None, **fields):
        base = dict(
            channel="informant",
            summary="社区项目资金未经集体研究",
            community=COMMUNITY,
            street=STREET,
            category="C04",
            item="C04.02",
            accused={"name": "张三", "post": "社区主任", "rank": "community_cadre"},
            details="栋情邻里项目资金使用未上会",
            reporter={"name": NAME, "phone": PHONE},
        )
        base.update(fields)
        return clues.receive_clue(self.store, ctx or self.ctx("informant"), vault=self.vault, **base)

    def run(self, command, role="street_commission", who=None, day=None, **fields):
        fn = next(getattr(m, command) for m in (clues, attachments, opinions, inspections) if hasattr(m, command))
        if command in ("screen_clue", "reveal_reporter", "receive_opinion", "escalate_finding"):
            fields.setdefault("vault", self.vault)
        return fn(self.store, self.ctx(role, who, day), **fields)

    def drive(self, clue_id, to, disposal="talk_inquiry", role="street_commission"):
        steps = [
            ("accepted", "screen_clue", {"outcome": "accepted", "reason": "属于受理范围"}),
            ("registered", "register_clue", {"ledger_no": "WJ-2026-001"}),
            ("reviewed", "review_clue", {"participants": ["sc-1", "sc-2", "sc-3"], "conclusion": "拟谈话函询"}),
            ("disposal_proposed", "propose_disposal", {"disposal": disposal, "reason": "情节轻微", "who": "sc-1"}),
            ("approved", "approve_disposal", {"who": "sc-2"}),
        ]
        done = ["received", "accepted", "registered", "reviewed", "disposal_proposed"].index(self.status(clue_id))
        for state, command, fields in steps[done:]:
            self.run(command, role=role, clue_id=clue_id, **fields)
            if state == to:
                return

    def status(self, clue_id):
        return self.store.doc("clues", clue_id)["status"]

    def events(self):
        return list(self.store.replay())


@pytest.fixture
def world():
    w = World()
    yield w
    for event in w.store.replay():
        check("intake", event.type, event.payload, event.schema_version)
    assert w.store.rebuild_differences() == []


@pytest.fixture
def clue(world):
    return world.submit().id
