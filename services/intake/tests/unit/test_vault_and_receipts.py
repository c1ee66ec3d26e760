"""举报人保护: per-reporter AES-GCM keys wrapped by a master key, erasure by key destruction; receipt codes."""

import pytest
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap
from hypothesis import given
from hypothesis import strategies as st

from watchpost.errors import Invalid, NotFound

from intake import reads, receipts
from intake.vault import MemoryVault

NAME, PHONE = "易会容测试", "13800138000"


def test_seal_open_and_erase():
    vault = MemoryVault()
    ref = vault.protect({"name": NAME, "phone": PHONE})
    assert vault.open(ref) == {"name": NAME, "phone": PHONE}
    blob = vault.ciphertext(ref)
    assert NAME.encode() not in blob and PHONE.encode() not in blob
    vault.erase(ref)
    assert vault.is_erased(ref)
    with pytest.raises(NotFound) as caught:
        vault.open(ref)
    assert NAME not in caught.value.message and PHONE not in str(caught.value.details)


def test_each_reporter_has_their_own_key_and_refs_are_opaque():
    vault = MemoryVault()
    a, b = vault.protect({"name": NAME, "phone": PHONE}), vault.protect({"name": NAME, "phone": PHONE})
    assert a != b and vault.ciphertext(a) != vault.ciphertext(b)
    vault.erase(a)
    assert vault.open(b)["name"] == NAME
    assert NAME not in a and PHONE not in a


def test_a_vault_with_another_master_key_cannot_unwrap():
    vault = MemoryVault()
    ref = vault.protect({"name": NAME})
    thief = MemoryVault()
    thief._wrapped, thief._blobs = dict(vault._wrapped), dict(vault._blobs)
    with pytest.raises(InvalidUnwrap):
        thief.open(ref)


def test_master_key_rotation_keeps_records_readable():
    vault = MemoryVault()
    ref = vault.protect({"name": NAME, "phone": PHONE})
    vault.rotate_master(b"k" * 32)
    assert vault.open(ref)["phone"] == PHONE


def test_protect_needs_a_name_and_says_so_without_echoing_input():
    with pytest.raises(Invalid, match="reporter needs a name") as caught:
        MemoryVault().protect({"name": " ", "phone": PHONE})
    assert PHONE not in caught.value.message


@given(st.dictionaries(st.text(max_size=10), st.text(max_size=30), max_size=4))
def test_any_record_round_trips(record):
    vault = MemoryVault(b"m" * 32)
    assert vault.open(vault.seal(record, kind="content")) == record


def test_receipt_codes_are_high_entropy_and_forgiving_to_type():
    codes = {receipts.new_code() for _ in range(200)}
    assert len(codes) == 200
    code = next(iter(codes))
    assert len(code) == 24 and code.count("-") == 4
    assert receipts.receipt_hash(code.lower().replace("-", " ")) == receipts.receipt_hash(code)
    assert receipts.receipt_hash(code.replace("1", "I").replace("0", "O")) == receipts.receipt_hash(code)
    with pytest.raises(Invalid, match="20 letters"):
        receipts.normalise("short")


def test_receipt_lookup_shows_status_and_feedback_only(world):
    submitted = world.submit(reporter=None)
    code = submitted.receipt_code
    assert submitted[0].payload["receipt_hash"] == receipts.receipt_hash(code)
    assert code not in str([e.payload for e in world.events()])
    citizen = world.ctx("citizen")
    seen = reads.lookup_receipt(world.store, citizen, receipt_code=code)
    assert seen == {
        "kind": "clue",
        "status": "received",
        "received_on": "2026-03-02",
        "updated_on": "2026-03-02",
        "feedback": [],
    }
    world.drive(submitted.id, "accepted")
    assert reads.lookup_receipt(world.store, citizen, receipt_code=code)["status"] == "being_handled"
    world.drive(submitted.id, "approved", disposal="closed")
    world.run("give_feedback", clue_id=submitted.id, feedback="经核查，已予以了结")
    seen = reads.lookup_receipt(world.store, citizen, receipt_code=code)
    assert seen["status"] == "concluded"
    assert seen["feedback"] == [{"given_on": "2026-03-02", "text": "经核查，已予以了结"}]
    assert set(seen) == {"kind", "status", "received_on", "updated_on", "feedback"}


def test_unknown_receipt_code_is_not_found(world):
    with pytest.raises(NotFound, match="no report has this receipt code"):
        reads.lookup_receipt(world.store, world.ctx("citizen"), receipt_code=receipts.new_code())


def test_a_repeated_submission_command_returns_the_first_result_and_erases_its_own_seals(world):
    ctx = world.ctx("informant", command_id="cmd-1")
    first = world.submit(ctx=ctx)
    again = world.submit(ctx=ctx)
    assert [e.event_id for e in again] == [e.event_id for e in first]
    assert again.receipt_code is None and first.receipt_code
    assert len(world.vault._wrapped) == 3  # submitter, reporter, content of the first submission only
