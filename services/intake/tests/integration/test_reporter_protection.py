"""举报人保护 end to end: a full workflow with a named reporter, then every published event body, every log line
(at DEBUG, nameko's and kombu's included) and every error body is searched for the reporter's name and phone.

The loggers are set as the service's config.yml sets them (werkzeug's access line, which carries the raw path, is
kept at WARNING there); the test's own HTTP client (urllib3) is not the service and is left out.
"""

import json
import logging
from pathlib import Path

import pytest
import yaml
from intake_it_helpers import CLUE, NAME, PHONE

from watchpost.logs import json_formatter

pytestmark = pytest.mark.integration
SECRETS = (NAME, PHONE, PHONE[-8:])
CONFIG = Path(__file__).parents[2] / "config.yml"
CLIENT_SIDE = ("urllib3", "requests")


class Lines(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(json_formatter())
        self.lines = []

    def emit(self, record):
        if not record.name.startswith(CLIENT_SIDE):
            self.lines.append(self.format(record))


@pytest.fixture
def log_lines(caplog):
    handler, root = Lines(), logging.getLogger()
    configured = yaml.safe_load(CONFIG.read_text())["LOGGING"]["loggers"]
    levels = {name: logging.getLogger(name).level for name in [""] + list(configured)}
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    for name, spec in configured.items():
        logging.getLogger(name).setLevel(spec["level"])
    yield handler.lines, caplog
    root.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def leaks(text):
    return [s for s in SECRETS if s in text]


def test_a_named_reporter_never_reaches_an_event_a_log_line_or_an_error(intake, event_queue, log_lines):
    lines, caplog = log_lines
    queue = event_queue()
    reporter = {"name": NAME, "phone": PHONE}
    errors = []

    def refused(response, status):
        assert response.status_code == status, response.text
        errors.append(response.text)
        errors.append(json.dumps(response.json(), ensure_ascii=False))

    informant = intake.as_("informant", sub="informant-7")
    # refusals that carry the reporter's identity in the request
    refused(informant.post("/clues", {**CLUE, "reporter": {"name": NAME, "phone": PHONE + "x"}}), 422)
    refused(informant.post("/clues", {**CLUE, "reporter": {"name": NAME * 20, "phone": PHONE}}), 422)
    refused(informant.post("/clues", {**CLUE, "reporter": {"name": NAME, "phone": PHONE, "id_card": NAME}}), 422)
    refused(informant.post("/clues", {**CLUE, "channel": NAME, "reporter": reporter}), 422)
    refused(intake.receipt(PHONE), 422)
    refused(informant.post("/clues", {**CLUE, "reporter": reporter, "category": "C99"}), 422)

    submitted = informant.post("/clues", {**CLUE, "reporter": reporter}, headers={"Idempotency-Key": "k-1"}).json()
    clue_id, code = submitted["clue_id"], submitted["receipt_code"]
    intake.on(clue_id, "screen", {"outcome": "accepted", "reason": "受理"})
    intake.on(clue_id, "notify-acceptance")
    refused(intake.as_("street_commission").post(f"/clues/{clue_id}/approve-disposal", {}), 409)
    intake.on(clue_id, "register", {"ledger_no": "WJ-1"})
    intake.on(clue_id, "review", {"participants": ["sc-1", "sc-2"], "conclusion": "拟谈话函询"})
    intake.on(clue_id, "propose-disposal", {"disposal": "talk_inquiry", "reason": "情节轻微"})
    refused(intake.as_("street_commission", "sc-1").post(f"/clues/{clue_id}/approve-disposal", {}), 403)
    intake.on(clue_id, "approve-disposal", who="sc-2")
    intake.on(clue_id, "record-reply", {"summary": "已说明"})
    intake.on(clue_id, "conclude", {"outcome": "closed_light_handling", "measure": "criticism_education"})
    intake.on(clue_id, "feedback", {"feedback": "已批评教育"})
    intake.on(clue_id, "objection", {"reason": "不服"})
    refused(intake.as_("community_secretary", community="fenghuang").get(f"/clues/{clue_id}"), 404)
    refused(intake.as_("street_commission").post(f"/clues/{clue_id}/reveal-reporter", {"reason": "x"}), 403)
    revealed = intake.on(clue_id, "reveal-reporter", {"reason": "反馈需要"}, role="district_commission")
    assert revealed["reporter"]["name"] == NAME  # the one deliberate, recorded disclosure
    intake.vault.erase(intake.store.load(f"clue-{clue_id}")[0].payload["reporter_ref"])
    refused(intake.as_("district_commission").post(f"/clues/{clue_id}/reveal-reporter", {"reason": "再看"}), 404)
    reads = [
        intake.as_("district_commission").get(path).text
        for path in (f"/clues/{clue_id}", f"/clues/{clue_id}/history", "/clues")
    ]
    reads.append(intake.receipt(code).text)

    types = [e.type for e in intake.store.replay()]
    messages = queue.drain(until=lambda got: len(got) >= len(types))
    assert [m["body"]["type"] for m in messages] == types and "clue.reporter_revealed" in types
    assert len(lines) > 20 and any('"request"' in line for line in lines)
    assert len(errors) == 2 * 11
    for where, texts in (
        (
            "event",
            [m["raw"] if isinstance(m["raw"], str) else m["raw"].decode() for m in messages]
            + [json.dumps(m["body"], ensure_ascii=False) for m in messages],
        ),
        ("log line", lines + [r.getMessage() for r in caplog.records if not r.name.startswith(CLIENT_SIDE)]),
        ("error body", errors),
        ("read", reads),
    ):
        found = [(text[:200], leaks(text)) for text in texts if leaks(text)]
        assert not found, f"the reporter's identity is in a {where}: {found}"


def test_the_receipt_code_never_travels_in_a_path(intake, log_lines):
    lines, _ = log_lines
    code = intake.submit()["receipt_code"]
    old = intake.client.get(f"/receipts/{code}")
    assert old.status_code == 410 and old.json()["error"] == "gone"
    assert old.json()["details"] == {"method": "POST", "path": "/receipts/lookup"} and code not in old.text
    assert intake.receipt(code).status_code == 200
    logged = "\n".join(lines)  # the service's log (the client's own is not ours)
    assert "/receipts/" in logged and code not in logged and code.replace("-", "") not in logged
    api = intake.client.get("/openapi.json").json()
    assert api["paths"]["/receipts/lookup"]["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Receipt"
    }
    assert "receipt_code" in api["components"]["schemas"]["Receipt"]["properties"]
