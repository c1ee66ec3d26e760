"""`watchpost-audit verify` against what a PostgreSQL superuser can do with the triggers switched off."""

import base64
import json

import psycopg2
import psycopg2.extras
import pytest

from watchpost.audit.checkpoint import DEV_SEED, load_signing_key, published_key, sign_checkpoint
from watchpost.audit.cli import main
from watchpost.domain import Change
from watchpost.eventlog.model import GENESIS, canonical, hashed_fields, seal
from watchpost.testing import TEST_DATABASE_URL, make_ctx

pytestmark = pytest.mark.integration
ACTOR = {"id": "u1", "role": "district_commission"}
KEY = load_signing_key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
TRUSTED = ["--trusted-key", published_key(KEY)["public_key"]]


@pytest.fixture
def log(pg_store):
    """intake-like log in a throwaway schema: 8 events, a checkpoint over 1..8 at 9, two more events (10, 11)."""
    store = pg_store()
    for i in range(1, 9):
        store.append(f"thing-{i % 3}", None, [Change("thing.happened", {"v": i})], actor=ACTOR, correlation_id="c")
    sign_checkpoint(store, make_ctx(), KEY, service="intake")
    for i in (10, 11):
        store.append("thing-x", None, [Change("thing.happened", {"v": i})], actor=ACTOR, correlation_id="c")
    return store


def audit(capsys, store, *argv):
    """`watchpost-audit` on the log; `verify` trusts KEY unless the test names its own trust."""
    trust = TRUSTED if argv[0] == "verify" and not {"--trusted-key", "--trusted-keys"} & set(argv) else []
    code = main(
        [
            "--database-url",
            TEST_DATABASE_URL,
            *argv[:1],
            "--service",
            "intake",
            "--schema",
            store.schema,
            *argv[1:],
            *trust,
        ]
    )
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def tamper(store, *statements):
    conn = psycopg2.connect(TEST_DATABASE_URL)
    with conn, conn.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
        cur.execute(f'SET search_path TO "{store.schema}"')
        for statement in statements:
            cur.execute(*statement) if isinstance(statement, tuple) else cur.execute(statement)
    conn.close()


def save_checkpoint(capsys, store, tmp_path):
    path = tmp_path / "outside.json"
    assert audit(capsys, store, "checkpoint", "--out", str(path))[0] == 0
    return path


def rows(events):
    return [
        (
            e.position,
            e.event_id,
            e.type,
            e.stream_id,
            e.stream_version,
            e.recorded_at,
            canonical(hashed_fields(e)).decode(),
            e.prev_hash,
            e.hash,
        )
        for e in events
    ]


INSERT = (
    "INSERT INTO events (position, event_id, type, stream_id, stream_version, recorded_at, data, prev_hash, "
    "hash) VALUES %s"
)


def test_an_intact_log_verifies(capsys, log):
    code, out = audit(capsys, log, "verify")
    assert code == 0, out
    assert "intact: 11 events" in out and "1 checkpoint(s) verified" in out


def test_an_edited_payload_is_found(capsys, log):
    tamper(log, "UPDATE events SET data = replace(data, '\"v\":3', '\"v\":300') WHERE position = 3")
    code, out = audit(capsys, log, "verify")
    assert code == 1 and "intake: BROKEN at position 3" in out and "hash does not match" in out


def test_a_deleted_row_is_found(capsys, log):
    tamper(log, "DELETE FROM events WHERE position = 5")
    code, out = audit(capsys, log, "verify")
    assert code == 1 and "BROKEN at position 5: position 5 is missing" in out


def test_two_swapped_rows_are_found(capsys, log):
    tamper(
        log,
        "UPDATE events SET position = -1 WHERE position = 3",
        "UPDATE events SET position = 3 WHERE position = 4",
        "UPDATE events SET position = 4 WHERE position = -1",
    )
    code, out = audit(capsys, log, "verify")
    assert code == 1 and "BROKEN at position 3: column position is 3 but the hashed data says 4" in out


def test_undecodable_data_is_found(capsys, log):
    tamper(log, "UPDATE events SET data = 'x' WHERE position = 3")
    code, out = audit(capsys, log, "verify")
    assert code == 1 and "position 3: the row's data cannot be decoded" in out


def test_a_truncated_tail_is_found_against_a_checkpoint(capsys, log, tmp_path):
    outside = save_checkpoint(capsys, log, tmp_path)
    [(hash6,)] = _query(log, "SELECT hash FROM events WHERE position = 6")
    tamper(log, "DELETE FROM events WHERE position > 6", ("UPDATE log_head SET position = 6, hash = %s", (hash6,)))
    code, out = audit(capsys, log, "verify")
    assert code == 0, "the chain alone cannot tell a cut tail when the head was moved too"
    code, out = audit(capsys, log, "verify", "--checkpoint", str(outside))
    assert code == 1 and "BROKEN at position 7" in out and "tail truncated" in out and "1..8" in out


def test_a_truncated_tail_with_the_head_left_is_found(capsys, log):
    tamper(log, "DELETE FROM events WHERE position > 9")
    code, out = audit(capsys, log, "verify")
    assert code == 1 and "log_head says position 11 but the log ends at 9" in out


def test_a_row_inserted_in_the_middle_is_found(capsys, log):
    before = log.read_after(0, 2)[-1]
    forged = seal(
        before.hash,
        type="thing.happened",
        payload={"v": 99},
        schema_version=1,
        stream_id="thing-z",
        stream_version=1,
        position=3,
        occurred_at=before.occurred_at,
        recorded_at=before.recorded_at,
        actor=ACTOR,
        correlation_id="c",
        causation_id=None,
    )
    tamper(
        log,
        "UPDATE events SET position = position + 1000 WHERE position >= 3",
        "UPDATE events SET position = position - 999 WHERE position >= 1003",
        (INSERT.replace("%s", "(%s, %s, %s, %s, %s, %s, %s, %s, %s)"), rows([forged])[0]),
    )
    code, out = audit(capsys, log, "verify")
    assert code == 1 and "BROKEN at position 4: column position is 4 but the hashed data says 3" in out


def test_a_rewritten_and_rechained_log_is_found_by_an_outside_checkpoint(capsys, log, tmp_path):
    outside = save_checkpoint(capsys, log, tmp_path)
    events = [e for e in log.read_after(0, 100) if e.stream_id != "checkpoint-log"]  # the rewriter drops them
    prev, rewritten = GENESIS, []
    for position, e in enumerate(events, 1):
        payload = {"v": 42} if position == 2 else e.payload
        e = seal(prev, **{**_fields(e), "payload": payload, "position": position})
        rewritten.append(e)
        prev = e.hash
    tamper(
        log,
        "DELETE FROM events",
        lambda_insert(rewritten),
        ("UPDATE log_head SET position = %s, hash = %s", (len(rewritten), prev)),
    )
    code, out = audit(capsys, log, "verify")
    assert code == 0, out  # the chain was recomputed: it holds
    code, out = audit(capsys, log, "verify", "--checkpoint", str(outside))
    assert code == 1 and "does not match the log" in out and "rewritten within positions 1..8" in out
    assert json.loads(outside.read_text())["size"] == 8


def test_a_forged_checkpoint_in_the_log_is_found(capsys, log):
    tamper(log, "UPDATE events SET data = replace(data, '\"size\":8', '\"size\":7') WHERE position = 9")
    code, out = audit(capsys, log, "verify")
    assert code == 1 and "position 9" in out


def test_an_untrusted_signer_is_refused(capsys, log):
    code, out = audit(capsys, log, "verify", "--trusted-key", "AAAA")
    assert code == 1 and "not among the trusted keys" in out


def _fields(e):
    names = (
        "type",
        "payload",
        "schema_version",
        "stream_id",
        "stream_version",
        "position",
        "occurred_at",
        "recorded_at",
        "actor",
        "correlation_id",
        "causation_id",
        "event_id",
    )
    return {n: getattr(e, n) for n in names}


def lambda_insert(events):
    return (
        "INSERT INTO events (position, event_id, type, stream_id, stream_version, recorded_at, data, prev_hash, "
        "hash) SELECT * FROM unnest(%s::bigint[], %s::uuid[], %s::text[], %s::text[], %s::int[], "
        "%s::timestamptz[], %s::text[], %s::text[], %s::text[])",
        tuple(map(list, zip(*rows(events), strict=True))),
    )


def _query(store, text):
    conn = psycopg2.connect(TEST_DATABASE_URL)
    with conn, conn.cursor() as cur:
        cur.execute(f'SET search_path TO "{store.schema}"')
        cur.execute(text)
        found = cur.fetchall()
    conn.close()
    return found


def test_a_checkpoint_is_never_believed_on_its_own_key_alone(capsys, log, tmp_path):
    """An attacker who rewrites the log re-signs with a key of their own: it is inside the checkpoint, and it
    verifies against itself. Only keys the auditor trusts count."""
    code, out = audit(capsys, log, "verify", "--trusted-keys", str(tmp_path / "none"))
    assert code == 2 and "not a readable file of trusted keys" in out
    empty = tmp_path / "empty"
    empty.write_text("# no keys yet\n")
    code, out = audit(capsys, log, "verify", "--trusted-keys", str(empty))
    assert code == 1 and "no key is trusted" in out and "--trusted-key" in out
    wrong_service = tmp_path / "trusted"
    wrong_service.write_text(f"liaison {published_key(KEY)['public_key']}\n")
    code, out = audit(capsys, log, "verify", "--trusted-keys", str(wrong_service))
    assert code == 1 and "trusted for liaison, not for intake" in out
    wrong_service.write_text(f"# from watchpost-keys\nintake {published_key(KEY)['public_key']}\n")
    code, out = audit(capsys, log, "verify", "--trusted-keys", str(wrong_service))
    assert code == 0, out


def test_a_checkpoint_signed_with_the_development_key_is_untrusted_unless_told(capsys, pg_store):
    store = pg_store()
    store.append("thing-1", None, [Change("thing.happened", {"v": 1})], actor=ACTOR, correlation_id="c")
    sign_checkpoint(store, make_ctx(), load_signing_key(base64.b64encode(DEV_SEED).decode()), service="intake")
    code, out = audit(capsys, store, "verify")
    assert code == 1 and "development key dev-" in out and "anyone can sign with: untrusted" in out
    code, out = audit(
        capsys,
        store,
        "verify",
        "--trusted-key",
        published_key(load_signing_key(base64.b64encode(DEV_SEED).decode()))["public_key"],
    )
    assert code == 1 and "untrusted" in out  # trusting it by name is not enough either
    code, out = audit(capsys, store, "verify", "--development")
    assert code == 0 and "1 checkpoint(s) verified" in out
