"""Idempotency keys are no replay channel: each attack of issue 16 performed over HTTP against the running intake
(nameko, the real PostgreSQL and RabbitMQ), as the hostile caller would. A key belongs to its caller and its
request; any other use is 409 `idempotency_key_reused` with nothing written, nothing revealed, nothing erased."""

import base64
import sys
from pathlib import Path

import pytest
from intake_it_helpers import CLUE, NAME, OTHER, PHONE

from watchpost.testing import eventually, sentinel_after, settle

from intake.consumers import clue_id_for

sys.path.insert(0, str(Path(__file__).parents[1]))
import attachment_samples as samples  # noqa: E402
from test_events import liaison_event, publish  # noqa: E402

pytestmark = pytest.mark.integration
REPORTER = {"name": NAME, "phone": PHONE}


def accused(name):
    return {"accused": {**CLUE["accused"], "name": name}}  # a clue of its own, not a repeat of another


def reused(answer):
    assert answer.status_code == 409, answer.text
    assert answer.json()["error"] == "idempotency_key_reused"
    assert NAME not in answer.text and PHONE not in answer.text
    return answer


def rows(intake, table):
    with intake.vault._cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {table}")
        return cur.fetchone()[0]


def vault_rows(intake):
    return {t: rows(intake, t) for t in ("vault_records", "vault_keys", "attachment_files", "attachment_keys")}


def types(intake, clue_id):
    return [e.type for e in intake.store.load(f"clue-{clue_id}")]


def test_a_district_commissioner_reusing_an_old_key_reads_no_reporter(intake):
    victim = intake.submit(reporter=REPORTER)["clue_id"]
    other = intake.submit(**accused("李四"))["clue_id"]
    district = intake.as_("district_commission", "dc-9")
    # someone else's key, and the commissioner's own key from another command
    screen = {"outcome": "accepted", "reason": "受理"}
    assert (
        intake.as_("street_commission", "sc-1")
        .post(f"/clues/{other}/screen", screen, headers={"Idempotency-Key": "sc1-screen-1"})
        .ok
    )
    assert district.post(
        f"/clues/{intake.submit(**accused('王五'))['clue_id']}/screen", screen, headers={"Idempotency-Key": "dc9-own-1"}
    ).ok
    for key in ("sc1-screen-1", "dc9-own-1"):
        reused(district.post(f"/clues/{victim}/reveal-reporter", {"reason": "核实"}, headers={"Idempotency-Key": key}))
    assert "clue.reporter_revealed" not in types(intake, victim)
    # the same commissioner repeating one request of their own gets its first answer, recorded once
    first = district.post(f"/clues/{victim}/reveal-reporter", {"reason": "核实"}, headers={"Idempotency-Key": "r-1"})
    again = district.post(f"/clues/{victim}/reveal-reporter", {"reason": "核实"}, headers={"Idempotency-Key": "r-1"})
    assert first.json() == again.json() and first.json()["reporter"] == REPORTER
    assert types(intake, victim).count("clue.reporter_revealed") == 1
    reused(
        district.post(f"/clues/{victim}/reveal-reporter", {"reason": "另一个理由"}, headers={"Idempotency-Key": "r-1"})
    )


def test_a_commission_of_another_street_cannot_erase_a_clue_by_replaying_a_key(intake):
    x = intake.submit(reporter=REPORTER)["clue_id"]
    home = intake.as_("street_commission", "sc-1")
    attached = home.post(
        f"/clues/{x}/attachments",
        {"filename": "a.jpg", "content_type": "image/jpeg", "data": base64.b64encode(samples.gps_jpeg()).decode()},
    )
    assert attached.status_code == 201, attached.text
    y = intake.submit(**accused("李四"))["clue_id"]
    home.post(
        f"/clues/{y}/screen",
        {"outcome": "forwarded_up", "reason": "区管干部", "transferred_to": "区纪委"},
        headers={"Idempotency-Key": "home-forward-y"},
    )
    intruder = intake.as_("street_commission", "sc-x", street=OTHER)
    own = intake.submit(street=OTHER, community="other-community")["clue_id"]
    intruder.post(
        f"/clues/{own}/screen",
        {"outcome": "forwarded_up", "reason": "区管干部", "transferred_to": "区纪委"},
        headers={"Idempotency-Key": "intruder-own"},
    )
    before = vault_rows(intake)
    forward = {"outcome": "forwarded_up", "reason": "区管干部", "transferred_to": "区纪委"}
    for key in ("home-forward-y", "intruder-own"):
        reused(intruder.post(f"/clues/{x}/screen", forward, headers={"Idempotency-Key": key}))
    fresh = intruder.post(f"/clues/{x}/screen", forward, headers={"Idempotency-Key": "intruder-fresh"})
    assert fresh.status_code in (403, 404), fresh.text  # out of scope: refused, however it is worded
    content = intake.store.load(f"clue-{x}")[0].payload["content_ref"]
    assert not intake.vault.is_erased(content) and intake.vault.open(content)["details"]
    got = home.get(f"/clues/{x}/attachments/{attached.json()['attachment_id']}")
    assert got.status_code == 200 and got.json()["data"]
    assert types(intake, x) == ["clue.received", "clue.attachment_added"] and vault_rows(intake) == before


def test_a_refused_submission_leaves_nothing_sealed_and_no_orphaned_file(intake):
    informant = intake.as_("informant", "inf-1")
    informant.post("/clues", CLUE, headers={"Idempotency-Key": "inf-1"})
    clue_id = intake.submit()["clue_id"]
    before = vault_rows(intake)
    # another reporter's submission under a taken key: the reporter's identity would be sealed before the append
    reused(
        intake.as_("informant", "inf-2").post(
            "/clues", {**CLUE, "reporter": REPORTER}, headers={"Idempotency-Key": "inf-1"}
        )
    )
    # an attachment under a taken key: the file would be stored before the append
    reused(
        intake.as_("street_commission").post(
            f"/clues/{clue_id}/attachments",
            {"filename": "a.jpg", "content_type": "image/jpeg", "data": base64.b64encode(samples.gps_jpeg()).decode()},
            headers={"Idempotency-Key": "inf-1"},
        )
    )
    # an attachment the domain refuses (a screened clue takes none from a reporter)
    refused = intake.client.post(
        f"/clues/{clue_id}/attachments",
        {
            "filename": "a.jpg",
            "content_type": "image/jpeg",
            "data": base64.b64encode(samples.gps_jpeg()).decode(),
            "receipt_code": "0000-0000-0000-0000",
        },
    )
    assert refused.status_code in (403, 404, 409, 422), refused.text
    assert vault_rows(intake) == before


def test_an_anonymous_caller_claiming_a_consumers_key_cannot_stop_the_major_problem_clue(intake, intake_config):
    flag = liaison_event(1)
    anonymous = intake.client.post(
        "/clues", {**CLUE, "channel": "citizen_platform"}, headers={"Idempotency-Key": f"liaison:{flag.event_id}"}
    )
    assert anonymous.status_code == 201, anonymous.text
    publish(intake_config["AMQP_URI"], flag)
    clue_id = clue_id_for(intake.vault, flag.payload["flag_id"])
    assert eventually(lambda: types(intake, clue_id) == ["clue.received"])
    sentinel = sentinel_after(flag)
    settle(
        lambda events: publish(intake_config["AMQP_URI"], *events),
        sentinel,
        lambda: intake.store.consumed_position("liaison"),
        what="liaison's sentinel",
    )
    assert intake.as_("district_commission").get("/clues").json()["total"] == 2


@pytest.mark.parametrize("key", ["k" * 201, "has space", "中文键", "tab\tkey"])
def test_an_over_long_or_odd_key_is_422_naming_the_header(intake, key):
    answer = intake.as_("informant").post("/clues", CLUE, headers={"Idempotency-Key": key.encode("utf-8")})
    assert answer.status_code == 422, answer.text
    assert "Idempotency-Key" in answer.json()["details"]["fields"]
    assert intake.as_("district_commission").get("/clues").json()["total"] == 0
