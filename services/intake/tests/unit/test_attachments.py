"""Attachments: type by magic number, the size limit, metadata stripped from real JPEG, PNG and PDF files (and
the result still well formed); the domain rules for who may attach when; sealing in the vault."""

import base64
import hashlib
import struct
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from watchpost.errors import Conflict, Forbidden, Invalid, NotFound

from intake import attachments as a
from intake import reads, receipts
from intake.commands import attachments as commands
from intake.vault import MemoryVault

sys.path.insert(0, str(Path(__file__).parents[1]))
import attachment_samples as s  # noqa: E402

B64 = lambda data: base64.b64encode(data).decode()  # noqa: E731
METADATA_MARKERS = [m for m in range(0xE1, 0xF0) if m != 0xEE] + [0xFE]


# -- type and size -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "data, kind",
    [
        (s.clean_jpeg(), a.JPEG),
        (s.png(), a.PNG),
        (b"%PDF-1.7\n", a.PDF),
        (b"GIF89a", None),
        (b"", None),
        (b"\xff\xd8", None),
    ],
)
def test_the_type_is_told_by_the_magic_number(data, kind):
    assert a.detect(data) == kind


def test_a_declared_type_the_bytes_contradict_is_refused_naming_content_type():
    with pytest.raises(Invalid) as caught:
        a.prepare(a.PNG, B64(s.gps_jpeg()))
    assert caught.value.details["field"] == "content_type" and caught.value.details["detected"] == a.JPEG
    assert "image/png" in caught.value.message and "image/jpeg" in caught.value.message


@pytest.mark.parametrize("data", [b"GIF89a\x01\x00\x01\x00", b"PK\x03\x04zip", b"<svg/>", b"MZ\x90\x00"])
def test_other_types_are_refused_naming_data_and_the_allowed_types(data):
    with pytest.raises(Invalid) as caught:
        a.prepare(a.JPEG, B64(data))
    assert caught.value.details == {"field": "data", "allowed": list(a.TYPES)}


def test_not_base64_and_empty_are_refused():
    for bad in ("not base64!", "aGVsbG8=\n", ""):
        with pytest.raises(Invalid) as caught:
            a.prepare(a.JPEG, bad)
        assert caught.value.details["field"] == "data"


@given(limit=st.integers(min_value=1, max_value=len(s.clean_jpeg()) - 1))
def test_anything_over_the_limit_is_refused_with_size_and_limit(limit):
    data = s.clean_jpeg()
    with pytest.raises(Invalid) as caught:
        a.prepare(a.JPEG, B64(data), max_bytes=limit)
    assert caught.value.details == {"field": "data", "size": len(data), "limit": limit}
    assert a.prepare(a.JPEG, B64(data), max_bytes=len(data)).size == len(data)


def test_prepared_carries_the_stripped_bytes_size_and_digest():
    prepared = a.prepare(a.JPEG, B64(s.gps_jpeg()))
    assert prepared.body == s.clean_jpeg()
    assert (prepared.size, prepared.sha256) == (len(prepared.body), hashlib.sha256(prepared.body).hexdigest())


# -- JPEG ----------------------------------------------------------------------------------------------------------
def test_jpeg_loses_exif_gps_xmp_icc_iptc_comment_thumbnail_and_trailer():
    original = s.gps_jpeg()
    assert s.GPS_BYTES in original and s.NAME.encode() in original
    stripped = a.strip_jpeg(original)
    for gone in (
        s.GPS_BYTES,
        b"Exif",
        b"xmpmeta",
        b"GPSLatitude",
        b"ICC_PROFILE",
        b"Photoshop",
        b"Canon",
        s.NAME.encode(),
        b"MotionPhoto",
        b"\x10\x20\x30",
    ):
        assert gone not in stripped, gone
    assert s.jpeg_markers(stripped) == ["D8", "E0", "DB", "C0", "C4", "DA", "D9"]
    assert stripped == s.clean_jpeg()


def test_jpeg_keeps_adobe_app14_and_the_scan_with_stuffed_bytes_and_restarts():
    adobe = s.segment(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01")
    scan = s.segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x12\xff\x00\x34\xff\xd0\x56\xff\xff\xd1\x78"
    data = s.SOI + adobe + s.segment(0xDD, b"\x00\x01") + s.QUANT + s.FRAME + s.HUFFMAN + scan + s.EOI
    assert a.strip_jpeg(data) == data


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(METADATA_MARKERS + [0xE0, 0xEE]),
            st.binary(max_size=300),
            st.integers(min_value=0, max_value=4),
        ),
        max_size=8,
    )
)
def test_any_metadata_segments_anywhere_before_the_scan_are_all_removed(inserted):
    parts = [s.segment(0xE0, s.JFIF + b"\x00\x00"), s.QUANT, s.FRAME, s.HUFFMAN]
    for marker, payload, where in inserted:
        assume(not payload.startswith((b"JFIF", b"Adobe")))
        parts.insert(1 + where % len(parts), s.segment(marker, payload))
    assert a.strip_jpeg(s.SOI + b"".join(parts) + s.SCAN + s.EOI) == s.clean_jpeg()


@pytest.mark.parametrize(
    "broken",
    [s.clean_jpeg()[:-2], s.clean_jpeg()[:20], b"\xff\xd8\xff\xd9", b"\xff\xd8\xff\xe1\xff\xff", b"\xff\xd8\x00\x00"],
)
def test_a_broken_jpeg_is_refused_naming_data(broken):
    with pytest.raises(Invalid) as caught:
        a.strip_jpeg(broken)
    assert caught.value.details["field"] == "data" and "JPEG" in caught.value.message


# -- PNG -----------------------------------------------------------------------------------------------------------
def test_png_loses_text_exif_time_and_private_chunks_and_keeps_valid_crcs_and_pixels():
    original = s.tagged_png()
    stripped = a.strip_png(original)
    for gone in (
        b"tEXt",
        b"zTXt",
        b"iTXt",
        b"eXIf",
        b"tIME",
        b"prVt",
        b"Yi Huirong",
        s.NAME.encode(),
        s.GPS_BYTES,
        b"trailing",
    ):
        assert gone not in stripped, gone
    kinds, pixels = s.png_pixels(stripped)
    assert kinds == ["IHDR", "gAMA", "IDAT", "IEND"] and pixels == b"\x00\x40\xc0"
    assert stripped == s.png()


@settings(max_examples=60)
@given(st.lists(st.tuples(st.from_regex(r"\A[a-z][a-zA-Z][A-Z][a-zA-Z]\Z"), st.binary(max_size=200)), max_size=6))
def test_any_ancillary_chunk_that_is_not_for_display_goes(extra):
    assume(all(kind.encode() not in a.PNG_KEPT for kind, _ in extra))
    data = s.png(*(s.chunk(kind.encode(), body) for kind, body in extra))
    assert a.strip_png(data) == s.png() == a.strip_png(a.strip_png(data))


def test_png_colour_chunks_are_kept_but_not_an_icc_profile():
    colour = [s.chunk(b"sRGB", b"\x00"), s.chunk(b"pHYs", struct.pack(">IIB", 2835, 2835, 1))]
    iccp = s.chunk(b"iCCP", b"icc\x00\x00" + b"x\x9c\x03\x00\x00\x00\x00\x01")
    assert a.strip_png(s.png(*colour, iccp)) == s.png(*colour)


def test_a_png_with_a_bad_crc_or_cut_short_is_refused():
    good = s.png()
    bad_crc = good[:-5] + bytes([good[-5] ^ 1]) + good[-4:]
    for broken in (bad_crc, good[:-12], good[:8], s.png(s.chunk(b"ABCD", b"x"))):
        with pytest.raises(Invalid) as caught:
            a.strip_png(broken)
        assert caught.value.details["field"] == "data" and "PNG" in caught.value.message


# -- PDF -----------------------------------------------------------------------------------------------------------
def test_pdf_loses_its_info_dictionary_and_xmp_and_still_reads():
    original = s.authored_pdf()
    info, xmp, pages = s.pdf_metadata(original)
    assert info["/Author"] == s.NAME and xmp is not None and pages == 1
    stripped = a.strip_pdf(original)
    assert s.pdf_metadata(stripped) == (None, None, 1)
    for gone in (
        b"/Author",
        b"/Creator",
        b"/Title",
        b"xmpmeta",
        b"GPSLatitude",
        s.NAME.encode("utf-16-be"),
        s.NAME.encode(),
    ):
        assert gone not in stripped, gone
    import io

    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(stripped)).pages[0]
    assert "/Metadata" not in page and [float(v) for v in page.mediabox] == [0, 0, 200, 100]


def test_an_unreadable_or_encrypted_pdf_is_refused():
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(s.authored_pdf())))
    writer.encrypt("secret")
    locked = io.BytesIO()
    writer.write(locked)
    for broken, words in ((b"%PDF-1.4\nnothing here", "can be read"), (locked.getvalue(), "encrypted")):
        with pytest.raises(Invalid) as caught:
            a.strip_pdf(broken)
        assert caught.value.details["field"] == "data" and words in caught.value.message


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"%PDF-"]), st.binary(max_size=400))
def test_garbage_behind_a_magic_number_is_refused_as_invalid_never_a_crash(magic, tail):
    try:
        a.prepare(a.detect(magic), B64(magic + tail))
    except Invalid as refused:
        assert refused.details["field"] == "data"


# -- who may attach, and the sealed files --------------------------------------------------------------------------
def attach(world, clue_id, role="street_commission", data=None, kind=a.JPEG, **extra):
    ctx = world.ctx(role)
    return commands.add_attachment(
        world.store,
        ctx,
        vault=world.vault,
        clue_id=clue_id,
        filename=f"C:\\照片\\{s.NAME}.jpg",
        content_type=kind,
        data=B64(data or s.gps_jpeg()),
        **extra,
    )


def test_a_commission_attaches_a_file_sealed_without_its_name_in_the_event(world, clue):
    result = attach(world, clue)
    [event] = result
    assert event.type == "clue.attachment_added" and event.payload["size"] == len(s.clean_jpeg())
    assert s.NAME not in str(event.payload) and result.attachment_id == event.payload["attachment_id"]
    record, body = world.vault.open_file(result.attachment_id, clue)
    assert record["filename"] == f"{s.NAME}.jpg" and body == s.clean_jpeg()
    assert s.clean_jpeg() not in world.vault.file_ciphertext(result.attachment_id)
    doc = world.store.doc("clues", clue)
    assert doc["attachments"][0]["sha256"] == hashlib.sha256(body).hexdigest()
    assert doc["history"][-1]["event"] == "clue.attachment_added"
    listed = reads.list_attachments(world.store, world.ctx("auditor"), clue_id=clue)["items"]
    assert [i["attachment_id"] for i in listed] == [result.attachment_id] and "filename" not in listed[0]
    got = reads.get_attachment(
        world.store, world.ctx(), vault=world.vault, clue_id=clue, attachment_id=result.attachment_id
    )
    assert base64.b64decode(got["data"]) == s.clean_jpeg() and got["filename"] == f"{s.NAME}.jpg"


def test_a_reporter_attaches_only_with_the_clues_receipt_code_and_before_screening(world):
    submitted = world.submit()
    code = submitted.receipt_code
    with pytest.raises(Forbidden, match="receipt code"):
        attach(world, submitted.id, role="citizen")
    with pytest.raises(NotFound, match=f"^no clue {submitted.id}$"):  # a wrong code: as if no such clue
        attach(world, submitted.id, role="citizen", receipt_code=receipts.new_code())
    [event] = attach(world, submitted.id, role="citizen", receipt_code=code, data=s.tagged_png(), kind=a.PNG)
    assert event.actor["id"].startswith("sealed:")  # the reporter is a vault reference
    world.run("screen_clue", clue_id=submitted.id, outcome="accepted", reason="受理")
    with pytest.raises(Conflict, match="until the clue is screened"):
        attach(world, submitted.id, role="informant", receipt_code=code)
    attach(world, submitted.id)  # the commission still can


def test_scope_unknown_clue_limit_and_forwarded_stub(world, clue):
    with pytest.raises(NotFound, match=f"^no clue {clue}$"):
        commands.add_attachment(
            world.store,
            world.ctx("street_commission", street="elsewhere"),
            vault=world.vault,
            clue_id=clue,
            filename="a.jpg",
            content_type=a.JPEG,
            data=B64(s.clean_jpeg()),
        )
    with pytest.raises(NotFound):
        attach(world, "no-such-clue")
    for _ in range(20):
        attach(world, clue, data=s.clean_jpeg())
    with pytest.raises(Conflict, match="at most 20"):
        attach(world, clue)
    assert len(world.vault._file_keys) == 20  # the refused file was not kept


def test_forwarding_a_clue_up_erases_its_attachments(world):
    clue_id = world.submit(accused={"name": "李四", "post": "街道工委书记", "rank": "street_committee"}).id
    kept = attach(world, clue_id, role="district_commission").attachment_id
    world.run(
        "screen_clue",
        clue_id=clue_id,
        outcome="forwarded_up",
        reason="上级管辖",
        transferred_to="区纪委",
        role="district_commission",
    )
    with pytest.raises(NotFound):
        world.vault.open_file(kept, clue_id)
    with pytest.raises(Conflict, match="stub"):
        attach(world, clue_id, role="district_commission")
    assert reads.list_attachments(world.store, world.ctx("district_commission"), clue_id=clue_id)["items"] == []


def test_a_retried_attachment_keeps_one_file_and_the_first_answer(world, clue):
    ctx = world.ctx(command_id="attach-1")
    first, again = (
        commands.add_attachment(
            world.store,
            ctx,
            vault=world.vault,
            clue_id=clue,
            filename="a.png",
            content_type=a.PNG,
            data=B64(s.tagged_png()),
        )
        for _ in range(2)
    )
    assert first.attachment_id == again.attachment_id and len(world.vault._file_keys) == 1


def test_a_file_opens_only_under_its_own_clue_and_survives_master_rotation():
    vault = MemoryVault()
    vault.keep_file("att-1", "clue-1", {"filename": "x.png"}, b"bytes")
    with pytest.raises(NotFound):
        vault.open_file("att-1", "clue-2")
    vault.rotate_master(MemoryVault()._master)
    assert vault.open_file("att-1", "clue-1") == ({"filename": "x.png"}, b"bytes")
    vault.erase_files("clue-1")
    with pytest.raises(NotFound):
        vault.open_file("att-1", "clue-1")
