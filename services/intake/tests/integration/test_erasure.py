"""Erasure (crypto-shredding) and master-key rotation, as an adversary would check them: after erasure the
reporter's name and phone are in no table of intake's schema and no published event, and nothing the master key
opens gives them back; after rotation the old master key opens nothing."""

import base64
import os

import psycopg2
import pytest
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap
from intake_it_helpers import NAME, PHONE

from watchpost.errors import NotFound

from intake.vault import decrypt

pytestmark = pytest.mark.integration
SECRETS = (NAME, PHONE)


def _every_row(config):
    """Every row of every table of the service's schema, as text (bytea as hex, so search the hex too)."""
    with psycopg2.connect(config["DATABASE_URL"]) as conn, conn.cursor() as cur:
        cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (config["DB_SCHEMA"],))
        tables = [t for (t,) in cur.fetchall()]
        rows = []
        for table in tables:
            cur.execute(f'SELECT t::text FROM "{config["DB_SCHEMA"]}"."{table}" t')
            rows += [r for (r,) in cur.fetchall()]
    return tables, rows


def _leaks(texts):
    needles = [s for secret in SECRETS for s in (secret, secret.encode().hex())]
    return [(t[:120], n) for t in texts for n in needles if n in t]


def _concluded_named_clue(intake):
    clue = intake.submit(reporter={"name": NAME, "phone": PHONE})
    clue_id = clue["clue_id"]
    intake.drive(clue_id)
    intake.on(clue_id, "record-reply", {"summary": "已说明"})
    intake.on(clue_id, "conclude", {"outcome": "closed_cleared"})
    return clue_id


def test_erasure_leaves_the_identity_nowhere(intake, intake_config, event_queue):
    queue = event_queue()
    clue_id = _concluded_named_clue(intake)
    district = intake.as_("district_commission", "dc-1")
    erase = f"/clues/{clue_id}/erase"

    early = district.post(erase, {"basis": "retention_expired", "reason": "保存期满"})
    assert early.status_code == 409 and early.json()["details"]["why"] == "retention_running", early.text
    pending = district.post(erase, {"basis": "reporter_request", "reason": "举报人申请"})
    assert pending.json()["details"]["why"] == "feedback_pending", pending.text
    intake.on(clue_id, "feedback", {"feedback": "经核查不属实"})
    refused = intake.as_("street_commission").post(erase, {"basis": "reporter_request", "reason": "x"})
    assert refused.status_code == 403, refused.text

    _, before = _every_row(intake_config)
    assert not _leaks(before)  # sealed from the start: only ciphertext in the schema
    received = intake.store.load(f"clue-{clue_id}")[0]
    reporter_ref, content_ref = received.payload["reporter_ref"], received.payload["content_ref"]
    assert intake.vault.open(reporter_ref)["name"] == NAME

    done = district.post(erase, {"basis": "reporter_request", "reason": "举报人申请删除身份信息"})
    assert done.status_code == 200, done.text
    assert [e["type"] for e in done.json()["events"]] == ["clue.erased"]
    again = district.post(erase, {"basis": "reporter_request", "reason": "再次"})
    assert again.status_code == 200 and again.json()["events"] == []

    for ref in (reporter_ref, content_ref, received.actor["id"].removeprefix("sealed:")):
        with pytest.raises(NotFound):
            intake.vault.open(ref)
    revealed = district.post(f"/clues/{clue_id}/reveal-reporter", {"reason": "再看"})
    assert revealed.status_code == 409, revealed.text

    # the adversary holds the database, the master key and every published event
    tables, rows = _every_row(intake_config)
    assert {"vault_records", "vault_keys", "events"} <= set(tables)
    assert not _leaks(rows)
    master = intake.vault._master
    with psycopg2.connect(intake_config["DATABASE_URL"]) as conn, conn.cursor() as cur:
        cur.execute(
            f'SELECT r.ref, k.wrapped_key, r.blob FROM "{intake_config["DB_SCHEMA"]}".vault_records r '
            f'LEFT JOIN "{intake_config["DB_SCHEMA"]}".vault_keys k USING (ref)'
        )
        opened = [decrypt(aes_key_unwrap(master, bytes(k)), bytes(b), ref) for ref, k, b in cur.fetchall() if k]
    assert not _leaks([str(record) for record in opened])
    events = list(intake.store.replay())
    bodies = queue.drain(until=lambda got: len(got) >= len(events))
    assert "clue.erased" in [b["body"]["type"] for b in bodies]
    assert not _leaks([b["raw"] if isinstance(b["raw"], str) else b["raw"].decode() for b in bodies])


@pytest.fixture
def next_key(monkeypatch):
    key = os.urandom(32)
    monkeypatch.setenv("WATCHPOST_MASTER_KEY_NEXT", base64.b64encode(key).decode())
    return key


def test_rotation_rewraps_every_live_key_and_the_old_key_opens_nothing(next_key, request, intake_config):
    intake = request.getfixturevalue("intake")
    old = intake.vault._master
    clue_id = intake.submit(reporter={"name": NAME, "phone": PHONE})["clue_id"]
    ref = intake.store.load(f"clue-{clue_id}")[0].payload["reporter_ref"]
    district = intake.as_("district_commission", "dc-1")
    assert intake.as_("street_commission").post("/vault/rotate-master-key", {"reason": "x"}).status_code == 403

    rotated = district.post("/vault/rotate-master-key", {"reason": "年度轮换"})
    assert rotated.status_code == 200, rotated.text
    assert [e["type"] for e in rotated.json()["events"]] == ["vault.master_key_rotated"]
    recorded = intake.store.load("vault-master-key")[0].payload
    assert recorded["records"] == 3 and recorded["key_id"] not in (base64.b64encode(next_key).decode(), next_key.hex())
    assert intake.vault.open(ref)["name"] == NAME  # live records still open, under the new key
    with psycopg2.connect(intake_config["DATABASE_URL"]) as conn, conn.cursor() as cur:
        cur.execute(
            f'SELECT wrapped_key FROM "{intake_config["DB_SCHEMA"]}".vault_keys UNION ALL '
            f'SELECT wrapped_key FROM "{intake_config["DB_SCHEMA"]}".attachment_keys'
        )
        wrapped = [bytes(w) for (w,) in cur.fetchall()]
    assert wrapped
    for w in wrapped:
        with pytest.raises(InvalidUnwrap):
            aes_key_unwrap(old, w)
        aes_key_unwrap(next_key, w)
    again = district.post("/vault/rotate-master-key", {"reason": "再次"})
    assert again.status_code == 409 and again.json()["details"]["setting"] == "WATCHPOST_MASTER_KEY_NEXT"
