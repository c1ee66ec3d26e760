"""Key rotation, as docs/reliability.md describes it.

JWT (WATCHPOST_JWT_KEYS, comma-separated): put the new key first and keep the old one after it; tokens signed with
the old key verify during the overlap, new ones are signed with the new key; drop the old key and its tokens are
refused. Intake's master key (WATCHPOST_MASTER_KEY): every reporter key is re-wrapped under the new master key in
one transaction; the service restarted with the new key reads every live record, and the old key reads none.
"""

import base64
import os

import pytest
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap

from watchpost.auth import issue

from intake.dependencies import Vault
from intake.pgvault import PostgresVault, pooled

pytestmark = pytest.mark.integration
OLD, NEW = "old-signing-key-" + "o" * 32, "new-signing-key-" + "n" * 32
CLUE = {
    "channel": "informant",
    "summary": "社区项目资金未经集体研究",
    "community": "lijinggang",
    "street": "yongquan",
    "category": "C04",
    "item": "C04.02",
    "accused": {"name": "张三", "post": "社区主任", "rank": "community_cadre"},
}
REPORTER = {"name": "易会容测试", "phone": "13800138000"}


def status(running, token, path="/people"):
    return running.client.request("GET", path, headers={"Authorization": f"Bearer {token}"}).status_code


def test_jwt_keys_rotate_with_an_overlap(start, monkeypatch):
    monkeypatch.setenv("WATCHPOST_JWT_KEYS", OLD)
    liaison = start("liaison")
    old_token = issue("auditor", "a-1")
    assert status(liaison, old_token) == 200

    monkeypatch.setenv("WATCHPOST_JWT_KEYS", f"{NEW},{OLD}")  # overlap: new signs, both verify
    new_token = issue("auditor", "a-2")
    assert issue("auditor", "a-2", keys=[OLD]) != new_token
    assert status(liaison, old_token) == 200 and status(liaison, new_token) == 200

    monkeypatch.setenv("WATCHPOST_JWT_KEYS", NEW)  # the old key retired
    refused = liaison.client.request("GET", "/people", headers={"Authorization": f"Bearer {old_token}"})
    assert refused.status_code == 401 and "signature does not verify" in refused.json()["message"]
    assert OLD not in refused.text and old_token not in refused.text
    assert status(liaison, new_token) == 200


def test_expired_and_forged_tokens_are_refused(start):
    liaison = start("liaison")
    expired = issue("auditor", "a-1", ttl=1, now=1_000_000)
    answer = liaison.client.request("GET", "/people", headers={"Authorization": f"Bearer {expired}"})
    assert answer.status_code == 401 and "expired" in answer.json()["message"]
    forged = issue("district_commission", "x", keys=["someone-elses-key-" + "x" * 32])
    assert status(liaison, forged) == 401
    header, payload, _ = issue("auditor", "a-1").split(".")
    assert status(liaison, f"{header}.{payload}.") == 401  # signature stripped
    none_alg = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    assert status(liaison, f"{none_alg}.{payload}.") == 401  # alg=none


def test_intake_master_key_rotation(container_factory, service_config, client_for, monkeypatch):
    from intake.service import IntakeService

    old_key, new_key = os.urandom(32), os.urandom(32)
    monkeypatch.setenv("WATCHPOST_MASTER_KEY", base64.b64encode(old_key).decode())
    config = service_config(DB_POOL=6)
    first = container_factory(IntakeService, config)
    first.start()
    client = client_for(first)
    informant = client.as_("informant", street="yongquan")
    clue = informant.post("/clues", {**CLUE, "reporter": REPORTER})
    assert clue.status_code == 201, clue.text
    clue_id = clue.json()["clue_id"]
    vault = next(e for e in first.extensions if isinstance(e, Vault))
    vault.vault.rotate_master(new_key)  # re-wrap every live key, one transaction
    first.stop()

    monkeypatch.setenv("WATCHPOST_MASTER_KEY", base64.b64encode(new_key).decode())
    second = container_factory(IntakeService, {**config, "WEB_SERVER_ADDRESS": _another_port()})
    second.start()
    district = client_for(second).as_("district_commission")
    revealed = district.post(f"/clues/{clue_id}/reveal-reporter", {"reason": "核实举报人身份以便反馈"})
    assert revealed.status_code == 200, revealed.text
    assert revealed.json()["reporter"] == REPORTER

    stale = PostgresVault(pooled(next(e for e in second.extensions if isinstance(e, Vault)).pool), old_key)
    ref = _a_reporter_ref(second)
    with pytest.raises(InvalidUnwrap):
        stale.open(ref)


def _another_port():
    from watchpost.testing import free_port

    return f"127.0.0.1:{free_port()}"


def _a_reporter_ref(container):
    from hardening_support import store_of

    store = store_of(container)
    received = next(e for e in store.read_after(0) if e.type == "clue.received")
    return received.payload["reporter_ref"]
