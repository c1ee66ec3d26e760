"""Attachments over HTTP against the real service: each type uploaded and downloaded without its metadata, the
422s (type, mismatch, size at the real body limit), scope 403s, the reporter's receipt-code path, and the event on
the wire and in the log without a file name."""

import base64
import logging
import os
import signal
import sys
from pathlib import Path

import eventlet
import pytest
from intake_it_helpers import CLUE, OTHER

from watchpost.contracts import check
from watchpost.testing import wait_for

sys.path.insert(0, str(Path(__file__).parents[1]))
import attachment_samples as s  # noqa: E402

pytestmark = pytest.mark.integration
FILENAME = f"{s.NAME}的举报照片.jpg"
B64 = lambda data: base64.b64encode(data).decode()  # noqa: E731
SAMPLES = [("image/jpeg", s.gps_jpeg), ("image/png", s.tagged_png), ("application/pdf", s.authored_pdf)]


def upload(client, clue_id, data, content_type="image/jpeg", filename=FILENAME, **extra):
    return client.post(
        f"/clues/{clue_id}/attachments",
        {"filename": filename, "content_type": content_type, "data": B64(data), **extra},
    )


def refused(answer, status, field=None):
    assert answer.status_code == status, answer.text
    body = answer.json()
    if field:
        assert field in str(body["details"]), body
    assert s.NAME not in answer.text
    return body


def test_each_type_is_stored_stripped_and_announced_without_its_name(intake, event_queue, caplog):
    caplog.set_level(logging.DEBUG)
    queue = event_queue("clue.attachment_added")
    clue_id = intake.submit()["clue_id"]
    commission = intake.as_("street_commission")
    ids = {}
    for content_type, make in SAMPLES:
        answer = commission.post(
            f"/clues/{clue_id}/attachments", {"filename": FILENAME, "content_type": content_type, "data": B64(make())}
        )
        assert answer.status_code == 201, answer.text
        body = answer.json()
        assert body["content_type"] == content_type and [e["type"] for e in body["events"]] == ["clue.attachment_added"]
        ids[content_type] = body["attachment_id"]

    listed = intake.as_("auditor").get(f"/clues/{clue_id}/attachments").json()["items"]
    assert [i["content_type"] for i in listed] == [t for t, _ in SAMPLES]
    assert all("filename" not in i and i["added_by_role"] == "street_commission" for i in listed)

    got = {t: commission.get(f"/clues/{clue_id}/attachments/{ids[t]}").json() for t, _ in SAMPLES}
    files = {t: base64.b64decode(g["data"]) for t, g in got.items()}
    assert all(g["filename"] == FILENAME and g["size"] == len(files[t]) for t, g in got.items())
    assert files["image/jpeg"] == s.clean_jpeg() and s.jpeg_markers(files["image/jpeg"])[-1] == "D9"
    assert s.png_pixels(files["image/png"]) == (["IHDR", "gAMA", "IDAT", "IEND"], b"\x00\x40\xc0")
    assert s.pdf_metadata(files["application/pdf"]) == (None, None, 1)
    for content_type, data in files.items():
        for gone in (s.GPS_BYTES, b"Exif", b"xmpmeta", b"tEXt", b"/Author", s.NAME.encode(), b"Yi Huirong"):
            assert gone not in data, gone
        assert data not in intake.vault.file_ciphertext(ids[content_type])  # sealed at rest

    bodies = queue.drain(until=lambda got: len(got) >= 3)
    assert len(bodies) == 3
    for message in bodies:
        payload = message["body"]["payload"]
        check("intake", "clue.attachment_added", payload, message["body"]["schema_version"])
        assert set(payload) == {"clue_id", "community", "street", "attachment_id", "content_type", "size", "sha256"}
        raw = message["raw"].decode() if isinstance(message["raw"], bytes) else message["raw"]
        assert s.NAME not in raw and "filename" not in raw and "举报照片" not in raw
    stored = [e for e in intake.store.load(f"clue-{clue_id}") if e.type == "clue.attachment_added"]
    assert len(stored) == 3 and all(s.NAME not in str(e.payload) and "filename" not in e.payload for e in stored)
    assert s.NAME not in caplog.text
    history = commission.get(f"/clues/{clue_id}/history").json()["events"]
    assert [e["type"] for e in history].count("clue.attachment_added") == 3


def test_type_and_size_refusals_name_the_field(intake, monkeypatch):
    clue_id = intake.submit()["clue_id"]
    commission = intake.as_("street_commission")
    refused(upload(commission, clue_id, s.gps_jpeg(), "image/png"), 422, "content_type")
    refused(upload(commission, clue_id, s.gps_jpeg(), "image/gif"), 422, "content_type")
    refused(upload(commission, clue_id, b"GIF89a\x01\x00\x01\x00"), 422, "data")
    refused(upload(commission, clue_id, s.clean_jpeg()[:30]), 422, "data")
    refused(
        commission.post(
            f"/clues/{clue_id}/attachments", {"filename": "a.jpg", "content_type": "image/jpeg", "data": "%%%"}
        ),
        422,
        "data",
    )
    refused(
        commission.post(f"/clues/{clue_id}/attachments", {"content_type": "image/jpeg", "data": "AA=="}),
        422,
        "filename",
    )


@pytest.fixture
def limit_of_100_bytes(monkeypatch):
    """INTAKE_ATTACHMENT_MAX_BYTES is read once, when the service starts: set it before."""
    monkeypatch.setenv("INTAKE_ATTACHMENT_MAX_BYTES", "100")


def test_the_size_refusal_names_the_field_and_the_limit(limit_of_100_bytes, intake):
    clue_id = intake.submit()["clue_id"]
    commission = intake.as_("street_commission")
    body = refused(upload(commission, clue_id, s.gps_jpeg()), 422, "data")
    assert body["details"]["limit"] == 100 and body["details"]["size"] == len(s.gps_jpeg())


def test_a_file_of_the_default_limit_fits_the_body_limit_and_one_byte_more_is_refused(intake, monkeypatch):
    monkeypatch.delenv("INTAKE_ATTACHMENT_MAX_BYTES", raising=False)
    clue_id = intake.submit()["clue_id"]
    commission = intake.as_("street_commission")
    limit, head = 5 * 1024 * 1024, s.clean_jpeg()[: -len(s.SCAN) - 2]
    filler, room = [], limit - len(s.clean_jpeg())  # comments (COM) make up the size; all are stripped
    while room > 2 * 60004:
        filler.append(s.segment(0xFE, b"c" * 60000))
        room -= 60004
    filler += [s.segment(0xFE, b"c" * (room // 2 - 4)), s.segment(0xFE, b"c" * (room - room // 2 - 4))]
    big = head + b"".join(filler) + s.SCAN + s.EOI
    assert len(big) == limit
    answer = upload(commission, clue_id, big)
    assert answer.status_code == 201, answer.text[:300]
    assert answer.json()["size"] == len(s.clean_jpeg())
    body = refused(upload(commission, clue_id, big + b"\x00"), 422, "data")
    assert body["details"]["size"] == limit + 1


def test_scope_and_roles(intake):
    clue_id = intake.submit()["clue_id"]
    jpeg = s.gps_jpeg()
    refused(upload(intake.as_("street_commission", street=OTHER), clue_id, jpeg), 404)
    refused(upload(intake.as_("community_secretary"), clue_id, jpeg), 403)
    attachment_id = upload(intake.as_("district_commission"), clue_id, jpeg).json()["attachment_id"]
    refused(intake.as_("street_commission", street=OTHER).get(f"/clues/{clue_id}/attachments"), 404)
    refused(intake.as_("community_secretary").get(f"/clues/{clue_id}/attachments"), 403)
    refused(intake.as_("auditor").get(f"/clues/{clue_id}/attachments/{attachment_id}"), 403)
    refused(intake.as_("street_commission", street=OTHER).get(f"/clues/{clue_id}/attachments/{attachment_id}"), 404)
    refused(intake.as_("street_commission").get(f"/clues/{clue_id}/attachments/no-such-file"), 404)
    refused(upload(intake.as_("street_commission"), "no-such-clue", jpeg), 404)


def test_an_anonymous_reporter_attaches_with_the_receipt_code_before_screening(intake):
    submitted = intake.client.post("/clues", CLUE)
    assert submitted.status_code == 201, submitted.text
    clue_id, code = submitted.json()["clue_id"], submitted.json()["receipt_code"]
    refused(upload(intake.client, clue_id, s.gps_jpeg()), 403, "receipt_code")
    assert refused(upload(intake.client, clue_id, s.gps_jpeg(), receipt_code="0" * 20), 404)["message"] == (
        f"no clue {clue_id}"
    )  # a wrong code: as if no such clue
    answer = upload(intake.client, clue_id, s.gps_jpeg(), receipt_code=code)
    assert answer.status_code == 201, answer.text
    [event] = [e for e in intake.store.load(f"clue-{clue_id}") if e.type == "clue.attachment_added"]
    assert event.actor["id"].startswith("sealed:") and event.actor["role"] == "reporter"
    intake.on(clue_id, "screen", {"outcome": "accepted", "reason": "受理"})
    refused(upload(intake.client, clue_id, s.gps_jpeg(), receipt_code=code), 409)


def _pdf_children():
    """Pids of this process's children parsing a PDF (the service runs in the test's process)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            stat, cmdline = (proc / "stat").read_text(), (proc / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if b"intake.pdf_sandbox" in cmdline and int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid():
            found.append(int(proc.name))
    return found


def test_while_a_hostile_pdf_is_parsed_the_service_answers_others(intake):
    clue_id = intake.submit()["clue_id"]
    commission = intake.as_("street_commission")
    bomb = eventlet.spawn(upload, commission, clue_id, s.nested_pdf(), "application/pdf")
    [child] = wait_for(_pdf_children, what="the child parsing the PDF")
    os.kill(child, signal.SIGSTOP)  # the child is stuck for as long as the test likes
    try:
        assert commission.get(f"/clues/{clue_id}").status_code == 200
        assert upload(commission, clue_id, s.clean_jpeg()).status_code == 201
        assert not bomb.dead
    finally:
        os.kill(child, signal.SIGCONT)
    refused(bomb.wait(), 422, "data")
    assert [e.payload["content_type"] for e in intake.store.load(f"clue-{clue_id}")[1:]] == ["image/jpeg"]
