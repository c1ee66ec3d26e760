"""Every `watchpost-audit` subcommand through main(argv), against real PostgreSQL: output and exit status."""

import json
import sys
import types
from datetime import datetime, timedelta, timezone

import psycopg2
import pytest
import toy_service

from watchpost.audit import merkle
from watchpost.audit.checkpoint import load_signing_key, published_key, sign_checkpoint
from watchpost.audit.cli import main
from watchpost.audit.replay import load_projections
from watchpost.audit.source import AuditError
from watchpost.domain import Change
from watchpost.eventlog.projections import Projection
from watchpost.testing import TEST_DATABASE_URL, make_ctx

pytestmark = pytest.mark.integration
ACTOR = {"id": "sec-7", "role": "community_secretary"}
KEY = load_signing_key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
TRUSTED = ["--trusted-key", published_key(KEY)["public_key"]]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


class Tally(Projection):
    name = "tally"

    def keys(self, event):
        return [event.stream_id] if event.type.startswith("thing.") else []

    def apply(self, doc, event):
        return {"n": (doc or {"n": 0})["n"] + 1, "last": event.payload.get("v")}


sys.modules["audit_cli_test_projections"] = types.SimpleNamespace(ALL=[Tally()])


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        self.now += timedelta(hours=1)
        return self.now


@pytest.fixture
def store(pg_store):
    s = pg_store(projections=[Tally()], clock=Clock())
    for i in range(1, 7):
        s.append(
            "thing-a" if i % 2 else "thing-b",
            None,
            [Change("thing.happened", {"v": i, "step": f"s{i}"})],
            actor=ACTOR,
            correlation_id="c",
        )
    sign_checkpoint(s, make_ctx(), KEY, service="liaison")
    return s


def run(capsys, *argv):
    """`watchpost-audit`; `verify` and `prove` trust KEY."""
    code = main(["--database-url", TEST_DATABASE_URL, *argv, *(TRUSTED if argv[0] in ("verify", "prove") else [])])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def svc(store, service="liaison"):
    return ["--service", service, "--schema", store.schema]


def test_prove_prints_a_verified_inclusion_proof(capsys, store):
    event = store.load("thing-b")[1]
    code, out, _ = run(capsys, "prove", event.event_id, *svc(store))
    doc = json.loads(out)
    assert code == 0 and doc["verified"] and doc["position"] == event.position and doc["tree_size"] == 6
    assert merkle.verify_inclusion(
        merkle.leaf_hash(event.hash),
        doc["leaf_index"],
        6,
        [bytes.fromhex(p) for p in doc["proof"]],
        bytes.fromhex(doc["checkpoint"]["root"]),
    )
    assert run(capsys, "prove", "00000000-0000-0000-0000-000000000000", *svc(store))[0] == 2
    code, _, err = run(capsys, "prove", "not-an-event-id", *svc(store))
    assert code == 2 and "no event not-an-event-id" in err
    assert run(capsys, "prove", event.event_id.upper(), *svc(store))[0] == 0  # a uuid, however it is spelled
    store.append("thing-c", None, [Change("thing.happened", {"v": 0})], actor=ACTOR, correlation_id="c")
    code, _, err = run(capsys, "prove", store.load("thing-c")[0].event_id, *svc(store))
    assert code == 2 and "no signed checkpoint covers position 8" in err


def test_consistency_between_two_sizes(capsys, store):
    code, out, _ = run(capsys, "consistency", "--from", "3", "--to", "6", *svc(store))
    doc = json.loads(out)
    assert code == 0 and doc["verified"] and doc["signed"] == {"6": True} and doc["proof"]
    assert run(capsys, "consistency", "--from", "5", "--to", "99", *svc(store))[0] == 2


def test_history_lists_a_stream_with_actors_and_times(capsys, store):
    code, out, _ = run(capsys, "history", "thing-b", *svc(store))
    assert code == 0 and "thing-b: 3 event(s)" in out
    assert out.count("thing.happened  by sec-7 (community_secretary)") == 3 and '"step": "s4"' in out
    assert run(capsys, "history", "thing-nope", *svc(store))[0] == 2


def test_as_of_folds_the_events_recorded_by_then(capsys, store):
    # recorded at T0+1h, +2h, ...: by T0+4h30 the log held positions 1..4, of which thing-b has 2 and 4
    code, out, _ = run(capsys, "as-of", "2026-03-02T13:30:00Z", *svc(store), "--stream", "thing-b")
    doc = json.loads(out)
    assert code == 0 and doc["version"] == 2 and doc["state"] == {"v": 4, "step": "s4"}
    assert [e["position"] for e in doc["events"]] == [2, 4]
    assert json.loads(run(capsys, "as-of", "2026-03-01", *svc(store), "--stream", "thing-b")[1])["version"] == 0
    assert run(capsys, "as-of", "yesterday", *svc(store), "--stream", "thing-b")[0] == 2


def test_export_round_trip_and_a_tampered_export_is_rejected(capsys, store, tmp_path):
    out_dir = tmp_path / "export"
    code, out, _ = run(capsys, "export", *svc(store), "--out", str(out_dir))
    assert code == 0 and "exported 7 events (1..7)" in out
    manifest = json.loads((out_dir / "manifest.json").read_text())
    assert manifest["count"] == 7 and manifest["first_hash"] == store.read_after(0, 1)[0].hash
    assert manifest["checkpoints"] == [6] and manifest["root"]
    code, out, _ = run(capsys, "verify", "--export", str(out_dir))
    assert code == 0 and "intact: 7 events" in out and "1 checkpoint(s)" in out
    part = tmp_path / "part"
    assert run(capsys, "export", *svc(store), "--from", "3", "--to", "5", "--out", str(part))[0] == 0
    assert run(capsys, "verify", "--export", str(part))[0] == 0
    lines = (out_dir / "events.jsonl").read_text().splitlines()
    lines[2] = lines[2].replace('"v":3', '"v":33')
    (out_dir / "events.jsonl").write_text("\n".join(lines) + "\n")
    code, out, _ = run(capsys, "verify", "--export", str(out_dir))
    assert code == 1 and "BROKEN at position 3: hash does not match" in out
    del lines[2]
    (out_dir / "events.jsonl").write_text("\n".join(lines) + "\n")
    code, out, _ = run(capsys, "verify", "--export", str(out_dir))
    assert code == 1 and "position 3 is missing" in out
    assert run(capsys, "verify", "--export", str(tmp_path / "nothing"))[0] == 2


def test_replay_compares_the_fold_with_the_live_documents(capsys, store):
    code, out, _ = run(capsys, "replay", *svc(store), "--projections", "audit_cli_test_projections")
    assert code == 0 and "replayed 7 events over 1 projections; 2 live documents; 0 difference(s)" in out
    conn = psycopg2.connect(TEST_DATABASE_URL)
    with conn, conn.cursor() as cur:
        cur.execute(f'SET search_path TO "{store.schema}"')
        cur.execute("""UPDATE projection_docs SET doc = '{"n": 9, "last": 5}' WHERE key = 'thing-a'""")
        cur.execute("""INSERT INTO projection_docs VALUES ('tally', 'thing-ghost', '{"n": 1}')""")
    conn.close()
    code, out, _ = run(capsys, "replay", *svc(store), "--projections", "audit_cli_test_projections")
    assert code == 1 and "DIFFERENCE tally thing-a: differs in n" in out
    assert "DIFFERENCE tally thing-ghost: live document the log does not produce" in out


def test_replay_finds_the_projections_a_service_declares():
    assert load_projections("toy") == list(toy_service.PROJECTIONS)
    assert load_projections("toy", "audit_cli_test_projections")  # a module's ALL
    with pytest.raises(AuditError, match="declares no PROJECTIONS"):
        load_projections("no-such-service")


def test_checkpoint_and_verify_without_a_checkpoint_and_usage_errors(capsys, store, tmp_path):
    code, out, _ = run(capsys, "checkpoint", *svc(store))
    assert code == 0 and json.loads(out)["size"] == 6
    code, out, _ = run(capsys, "verify", *svc(store), "--checkpoint", str(tmp_path / "missing.json"))
    assert code == 2
    code, _, err = run(capsys, "verify", "--service", "intake", "--schema", "no_such_schema_here")
    assert code == 2 and "no schema 'no_such_schema_here'" in err
    with pytest.raises(SystemExit) as usage:
        main(["as-of", "2026-01-01"])
    assert usage.value.code == 2


def clue(store, n, received_on, *steps):
    where = {"clue_id": f"c{n}", "community": "c-1", "street": "s-1"}
    changes = [Change("clue.received", {**where, "received_on": received_on})]
    for kind, outcome in steps:
        changes.append(Change(kind, {**where, "outcome": outcome} if outcome else where))
    store.append(f"clue-{n}", 0, changes, actor=ACTOR, correlation_id="c")


def test_completeness_lists_terminal_and_open_clues(capsys, pg_store):
    intake = pg_store()
    clue(intake, 1, "2026-03-03", ("clue.screened", "accepted"), ("clue.concluded", "closed_cleared"))
    clue(intake, 2, "2026-03-10", ("clue.screened", "out_of_scope"))
    clue(intake, 3, "2026-03-20", ("clue.screened", "accepted"))
    clue(
        intake,
        4,
        "2026-03-25",
        ("clue.screened", "accepted"),
        ("clue.concluded", "case_filed"),
        ("clue.objection_raised", None),
    )
    clue(intake, 5, "2026-04-02", ("clue.screened", "duplicate_retained"))
    args = ["completeness", "--period", "2026-03", "--schema", intake.schema, "--today", "2026-04-30", "--intake-only"]
    code, out, _ = run(capsys, *args)
    assert code == 0 and "(2026-03): 4" in out and "reached a terminal state: 2" in out
    assert "concluded: closed_cleared: 1" in out and "screened: out_of_scope: 1" in out
    assert "clue-3  received 2026-03-20  age 41 days  (screened accepted)" in out and "objection raised" in out
    report = json.loads(run(capsys, *args, "--json")[1])
    assert [c["clue_id"] for c in report["open"]] == ["c3", "c4"]
    assert json.loads(
        run(capsys, "completeness", "--period", "2026-Q2", "--schema", intake.schema, "--intake-only", "--json")[1]
    )["terminal"] == {"screened: duplicate_retained": 1}
    intake.append(
        "clue-9",
        0,
        [Change("clue.concluded", {"clue_id": "c9", "outcome": "closed_cleared"})],
        actor=ACTOR,
        correlation_id="c",
    )
    code, out, _ = run(capsys, *args)
    assert code == 1 and "ANOMALY clue-9: clue.concluded" in out
    assert run(capsys, "completeness", "--period", "2026-13", "--schema", intake.schema, "--intake-only")[0] == 2


def test_the_auditor_reads_only(store):
    from watchpost.audit.source import Source

    source = Source(TEST_DATABASE_URL, store.schema, "liaison")
    try:
        assert source.query("SELECT current_user")[0][0] == "watchpost_auditor"
        with pytest.raises(psycopg2.Error):
            source.query("DELETE FROM projection_docs")
    finally:
        source.close()
