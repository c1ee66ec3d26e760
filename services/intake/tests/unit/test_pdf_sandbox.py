"""Hostile attachments: PDFs are parsed in a child process with a time and a memory limit (`intake.pdf_sandbox`),
and stripping leaves no annotation author, embedded file, script, XMP, trailer /ID, or PNG iCCP / text chunk."""

import io
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from watchpost.errors import Invalid

from intake import attachments as a
from intake.pdf_sandbox import Sandbox

sys.path.insert(0, str(Path(__file__).parents[1]))
import attachment_samples as s  # noqa: E402

GONE = [
    b"/JavaScript",
    b"/JS",
    b"/OpenAction",
    b"/AA",
    b"/EmbeddedFile",
    b"/EF",
    b"/FS",
    b"/Metadata",
    b"/ID",
    b"/T ",
    b"/M ",
    b"/CreationDate",
    b"/NM",
    b"annot-by-author",
    b"evidence-of-author",
    b"secret of",
    b"app.alert",
    b"xmpmeta",
    b"00112233445566778899",
    s.NAME.encode("utf-16-be").hex().upper().encode(),
]


def test_the_loaded_pdf_carries_each_thing_that_must_go():
    original = s.loaded_pdf()
    reader = PdfReader(io.BytesIO(original))
    assert reader.trailer["/ID"] and reader.root_object["/Names"]["/EmbeddedFiles"]
    assert [annot.get_object()["/T"] for annot in reader.pages[0]["/Annots"]] == [s.NAME, s.NAME]
    assert [marker for marker in GONE if marker.lower() in original.lower()] != []


def test_stripping_in_the_sandbox_removes_authors_files_scripts_xmp_and_the_id():
    stripped = Sandbox().strip(s.loaded_pdf())
    assert [marker for marker in GONE if marker in stripped] == []
    reader = PdfReader(io.BytesIO(stripped))
    assert len(reader.pages) == 1 and len(reader.pages[0]["/Annots"]) == 2  # the annotations stay, anonymous
    assert "/ID" not in reader.trailer


@pytest.mark.parametrize("hostile", [s.nested_pdf, s.object_stream_bomb], ids=["deep nesting", "inflation bomb"])
def test_a_hostile_pdf_is_a_clear_422_from_the_child(hostile):
    with pytest.raises(Invalid) as refused:
        Sandbox(memory_mib=256).strip(hostile())
    assert refused.value.status == 422 and refused.value.details["field"] == "data"
    assert "PDF" in refused.value.message


def test_an_encrypted_pdf_is_named_as_such_by_the_child():
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(s.authored_pdf())))
    writer.encrypt("pw")
    locked = io.BytesIO()
    writer.write(locked)
    with pytest.raises(Invalid, match="encrypted"):
        Sandbox().strip(locked.getvalue())


def test_png_loses_its_icc_profile_and_text():
    stripped = a.strip_png(s.iccp_png())
    kinds, pixels = s.png_pixels(stripped)
    assert kinds == ["IHDR", "gAMA", "IDAT", "IEND"] and pixels == b"\x00\x40\xc0"
    assert b"Yi Huirong" not in stripped and s.NAME.encode() not in stripped
