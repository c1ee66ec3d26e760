"""Attachments (证据材料) as bytes: the type told by the bytes themselves, the size limit, and metadata stripped.

Pure (no I/O): `prepare(declared_type, data_base64, max_bytes)` decodes, checks and strips, or raises `Invalid`
naming the field. Only JPEG, PNG and PDF are accepted, recognised by their magic numbers; the declared type must
agree. What is removed:
- JPEG: every APP1-APP15 segment (Exif and XMP, where a phone writes GPS; ICC, MPF, maker data) except APP14
  Adobe (colour transform, needed to decode), COM comments, the JFIF thumbnail, and anything after EOI (motion
  photos append a video there). APP0 JFIF is kept, without its thumbnail.
- PNG: every chunk but IHDR, PLTE, IDAT, IEND and the colour chunks tRNS, gAMA, cHRM, sRGB, sBIT, pHYs
  (iCCP, whose profile names a device or a person, tEXt, zTXt, iTXt, eXIf, tIME and private chunks go); anything
  after IEND goes; each CRC is checked.
- PDF: rewritten by pypdf without the Info dictionary, the trailer /ID, XMP (/Metadata) and /PieceInfo on every
  object, annotation authors and dates (/T, /M, /CreationDate, /NM, rich text /RC), embedded and attached files
  (/EmbeddedFiles, /EF, /AF, file attachment annotations), JavaScript and automatic actions (/JavaScript,
  /OpenAction, /AA, /JS), and every object no longer referenced (earlier revisions included). The service parses
  PDFs only in a child process with a time and memory limit (`intake.pdf_sandbox`).
"""

import base64
import binascii
import hashlib
import io
import struct
import zlib
from dataclasses import dataclass

from watchpost.errors import Invalid

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
TYPES = (JPEG, PNG, PDF)
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAGIC = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG), (b"%PDF-", PDF))
PLAIN = {JPEG: "a JPEG image", PNG: "a PNG image", PDF: "a PDF document"}


@dataclass(frozen=True)
class Prepared:
    content_type: str
    body: bytes  # the stripped bytes: what is stored and downloaded
    size: int
    sha256: str


def detect(data):
    """The type the bytes are, by their magic number; None for anything else."""
    return next((kind for magic, kind in MAGIC if data.startswith(magic)), None)


def decode(data_base64):
    try:
        return base64.b64decode(data_base64, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid("data must be the file's bytes in base64 (RFC 4648, no line breaks)", field="data") from None


def prepare(declared_type, data_base64, max_bytes=DEFAULT_MAX_BYTES, strip_pdf_with=None):
    """Decode, check size and type, strip metadata: the `Prepared` attachment, or `Invalid` naming the field.
    `strip_pdf_with` replaces the in-process PDF stripper (the service passes `pdf_sandbox.Sandbox.strip`)."""
    data = decode(data_base64)
    if not data:
        raise Invalid("data is empty: attach a JPEG, PNG or PDF file", field="data")
    if len(data) > max_bytes:
        raise Invalid(
            f"the file is {len(data)} bytes; the limit is {max_bytes} bytes",
            field="data",
            size=len(data),
            limit=max_bytes,
        )
    kind = detect(data)
    if kind is None:
        raise Invalid(
            f"the file is not a JPEG, PNG or PDF (by its first bytes); allowed: {', '.join(TYPES)}",
            field="data",
            allowed=list(TYPES),
        )
    if declared_type != kind:
        raise Invalid(
            f"content_type says {declared_type} but the bytes are {PLAIN[kind]} ({kind})",
            field="content_type",
            detected=kind,
        )
    body = (strip_pdf_with or strip_pdf)(data) if kind == PDF else STRIP[kind](data)
    return Prepared(kind, body, len(body), hashlib.sha256(body).hexdigest())


# -- JPEG ----------------------------------------------------------------------------------------------------------
def _bad_jpeg(why):
    return Invalid(f"data is not a well-formed JPEG: {why}", field="data")


def _jfif_without_thumbnail(payload):
    """APP0 JFIF keeps version, density units and density; the thumbnail (a copy of the picture) goes."""
    return b"JFIF\x00" + payload[5:12] + b"\x00\x00"


def _kept_segment(marker, payload):
    """The segment's payload to keep, or None to drop it."""
    if marker == 0xE0:
        return _jfif_without_thumbnail(payload) if payload.startswith(b"JFIF\x00") and len(payload) >= 14 else None
    if marker == 0xEE:
        return payload if payload.startswith(b"Adobe") else None
    if 0xE1 <= marker <= 0xEF or marker == 0xFE:
        return None
    return payload


def _scan_end(data, i):
    """Index of the first marker after entropy-coded data starting at i (skipping stuffed 00 and RSTn)."""
    while True:
        i = data.find(b"\xff", i)
        if i < 0 or i + 1 >= len(data):
            raise _bad_jpeg("the image data is cut short (no end-of-image marker)")
        follower = data[i + 1]
        if follower == 0x00 or 0xD0 <= follower <= 0xD7 or follower == 0xFF:
            i += 1 if follower == 0xFF else 2
            continue
        return i


def strip_jpeg(data):
    """The JPEG rebuilt from its segments without metadata; ends at the first EOI."""
    if not data.startswith(b"\xff\xd8"):
        raise _bad_jpeg("it does not start with SOI")
    out, i, scanned = [b"\xff\xd8"], 2, False
    while True:
        if i >= len(data) or data[i] != 0xFF:
            raise _bad_jpeg(f"expected a marker at byte {i}")
        while i < len(data) and data[i] == 0xFF:
            i += 1  # fill bytes before a marker
        if i >= len(data):
            raise _bad_jpeg("the file ends inside a marker")
        marker, i = data[i], i + 1
        if marker == 0xD9:
            if not scanned:
                raise _bad_jpeg("it ends before any image data")
            out.append(b"\xff\xd9")
            return b"".join(out)
        if marker in (0xD8, 0x00) or 0xD0 <= marker <= 0xD7 or marker == 0x01:
            raise _bad_jpeg(f"unexpected marker FF{marker:02X} at byte {i - 2}")
        if i + 2 > len(data):
            raise _bad_jpeg("a segment length is cut short")
        (length,) = struct.unpack(">H", data[i : i + 2])
        if length < 2 or i + length > len(data):
            raise _bad_jpeg(f"segment FF{marker:02X} has a bad length")
        payload, i = data[i + 2 : i + length], i + length
        kept = _kept_segment(marker, payload)
        if kept is not None:
            out.append(bytes([0xFF, marker]) + struct.pack(">H", len(kept) + 2) + kept)
        if marker == 0xDA:  # start of scan: copy the entropy-coded data
            end = _scan_end(data, i)
            out.append(data[i:end])
            i, scanned = end, True


# -- PNG -----------------------------------------------------------------------------------------------------------
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEPT = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"pHYs"}


def _bad_png(why):
    return Invalid(f"data is not a well-formed PNG: {why}", field="data")


def png_chunks(data):
    """[(type, chunk bytes with length and CRC)] up to IEND; refuses a bad CRC or a cut-short chunk."""
    if not data.startswith(PNG_SIGNATURE):
        raise _bad_png("it does not start with the PNG signature")
    chunks, i = [], len(PNG_SIGNATURE)
    while True:
        if i + 12 > len(data):
            raise _bad_png("it ends before IEND")
        length, kind = struct.unpack(">I4s", data[i : i + 8])
        end = i + 12 + length
        if end > len(data) or not kind.isalpha():
            raise _bad_png(f"a chunk at byte {i} is cut short or misnamed")
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(data[i + 4 : end - 4]) != crc:
            raise _bad_png(f"chunk {kind.decode('ascii')} fails its CRC")
        chunks.append((kind, data[i:end]))
        i = end
        if kind == b"IEND":
            return chunks


def strip_png(data):
    chunks = png_chunks(data)
    kinds = [k for k, _ in chunks]
    if kinds[0] != b"IHDR" or b"IDAT" not in kinds:
        raise _bad_png("it needs IHDR first and at least one IDAT")
    unknown = sorted({k.decode("ascii") for k in kinds if k[:1].isupper() and k not in PNG_KEPT})
    if unknown:
        raise _bad_png(f"unknown critical chunks {', '.join(unknown)}")
    return PNG_SIGNATURE + b"".join(raw for kind, raw in chunks if kind in PNG_KEPT)


# -- PDF -----------------------------------------------------------------------------------------------------------
PDF_DROPPED = ("/Metadata", "/PieceInfo", "/AA", "/OpenAction", "/EmbeddedFiles", "/JavaScript", "/EF", "/AF", "/JS")
ANNOTATION_DROPPED = ("/T", "/M", "/CreationDate", "/NM", "/RC", "/FS")
ACTIONS_DROPPED = ("/JavaScript", "/Launch", "/ImportData", "/SubmitForm")


def _scrub(obj):
    """Remove what names a person, carries a file or runs code from a dictionary of the document and from every
    dictionary written inside it (indirect objects are scrubbed on their own)."""
    from pypdf.generic import ArrayObject, DictionaryObject

    if isinstance(obj, ArrayObject):
        for item in obj:
            _scrub(item)
    if not isinstance(obj, DictionaryObject):
        return
    for key in PDF_DROPPED:
        obj.pop(key, None)
    if obj.get("/Type") == "/Annot" or "/Subtype" in obj and "/Rect" in obj:
        for key in ANNOTATION_DROPPED:
            obj.pop(key, None)
    if obj.get("/S") in ACTIONS_DROPPED:
        obj.pop("/S", None)
    for value in obj.values():
        _scrub(value)


def strip_pdf(data):
    """The document rewritten without metadata, authors, files and scripts; encrypted PDFs are refused."""
    from pypdf import PdfReader, PdfWriter  # imported here: only PDFs need it

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise Invalid("the PDF is encrypted; attach it without a password", field="data")
        writer = PdfWriter(clone_from=reader)
        for obj in list(writer._objects):
            _scrub(obj)
        writer.metadata = None
        writer._ID = None
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        out = io.BytesIO()
        writer.write(out)
    except (Invalid, MemoryError, RecursionError):
        raise
    except Exception:  # noqa: BLE001 - any parser failure on untrusted bytes is the file's fault
        raise Invalid("data is not a PDF that can be read", field="data") from None
    return out.getvalue()


STRIP = {JPEG: strip_jpeg, PNG: strip_png, PDF: strip_pdf}
