"""Helpers for intake's integration tests: the running service with workflow helpers, a plain AMQP queue."""

import time
import uuid

from kombu import Connection, Exchange, Queue

from watchpost.runtime import EventLog

from intake.dependencies import Vault

STREET, COMMUNITY, OTHER = "yongquan", "lijinggang", "fenghuang"
NAME, PHONE = "易会容测试", "13800138000"
CLUE = {
    "channel": "informant",
    "summary": "社区项目资金未经集体研究",
    "community": COMMUNITY,
    "street": STREET,
    "category": "C04",
    "item": "C04.02",
    "details": "栋情邻里项目资金使用未上会",
    "accused": {"name": "张三", "post": "社区主任", "rank": "community_cadre"},
}


class Intake:
    """The running service: `client` (no token), `as_(role, ...)`, its store and vault, and workflow helpers."""

    def __init__(self, container, client):
        self.container, self.client = container, client
        self.store = next(e for e in container.extensions if isinstance(e, EventLog)).store
        self.vault = next(e for e in container.extensions if isinstance(e, Vault)).vault

    def as_(self, role, sub=None, street=None, community=None):
        if role in ("street_commission", "community_secretary", "informant", "supervisor") and street is None:
            street = STREET
        if role == "community_secretary" and community is None:
            community = COMMUNITY
        return self.client.as_(role, sub, street, community)

    def receipt(self, code, client=None):
        """Look a receipt up as its holder does: the code in the body, never in the path."""
        return (client or self.client).post("/receipts/lookup", {"receipt_code": code})

    def submit(self, client=None, **fields):
        answer = (client or self.as_("informant")).post("/clues", {**CLUE, **fields})
        assert answer.status_code == 201, answer.text
        return answer.json()

    def on(self, clue_id, command, body=None, who="sc-1", role="street_commission", status=200):
        answer = self.as_(role, who).post(f"/clues/{clue_id}/{command}", body or {})
        assert answer.status_code == status, answer.text
        return answer.json()

    def drive(self, clue_id, disposal="talk_inquiry"):
        """received -> accepted -> registered -> reviewed -> proposed (sc-1) -> approved (sc-2)."""
        self.on(clue_id, "screen", {"outcome": "accepted", "reason": "属于受理范围"})
        self.on(clue_id, "register", {"ledger_no": "WJ-2026-001"})
        self.on(clue_id, "review", {"participants": ["sc-1", "sc-2"], "conclusion": "拟处置"})
        self.on(clue_id, "propose-disposal", {"disposal": disposal, "reason": "情节轻微"})
        self.on(clue_id, "approve-disposal", who="sc-2")


class EventQueue:
    """A plain AMQP consumer: its own durable queue bound to `intake.events`, read with kombu."""

    def __init__(self, amqp_uri, pattern="#"):
        self.conn = Connection(amqp_uri)
        exchange = Exchange("intake.events", type="topic", durable=True)
        self.queue = Queue(f"test-{uuid.uuid4().hex[:8]}", exchange, routing_key=pattern, durable=True)
        self.queue(self.conn.default_channel).declare()
        self.bodies = []

    def drain(self, until=lambda bodies: False, timeout=10.0):
        """Collect message bodies (acked) until `until(bodies)` or the timeout; returns all collected so far."""
        deadline = time.monotonic() + timeout
        bound = self.queue(self.conn.default_channel)
        while time.monotonic() < deadline:
            message = bound.get(accept=["json"])
            if message is None:
                if until(self.bodies):
                    return self.bodies
                time.sleep(0.05)
                continue
            assert message.content_type == "application/json"
            self.bodies.append(
                {"routing_key": message.delivery_info["routing_key"], "raw": message.body, "body": message.payload}
            )
            message.ack()
        return self.bodies

    def close(self):
        self.conn.release()
