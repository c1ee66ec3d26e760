"""Real sample files for the attachment tests, built byte by byte: a JPEG with an Exif GPS block (and XMP, ICC,
a comment, a JFIF thumbnail and a motion-photo trailer), a PNG with text chunks and eXIf, a PDF with an author
and XMP (via pypdf). Plus independent checkers: JPEG markers, PNG CRCs and pixels, PDF metadata."""

import io
import struct
import zlib

NAME = "易会容测试"
LATITUDE = ((30, 1), (41, 1), (2472, 100))  # 30°41'24.72" N, Wenjiang
LONGITUDE = ((103, 1), (50, 1), (1388, 100))  # 103°50'13.88" E
GPS_BYTES = b"".join(struct.pack(">II", *r) for r in LATITUDE)  # what must vanish
XMP = (
    '<?xpacket begin=""?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:exif="http://ns.adobe.com/exif/1.0/">'
    f"<dc:creator>{NAME}</dc:creator><exif:GPSLatitude>30,41.412N</exif:GPSLatitude>"
    '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
).encode()


# -- JPEG ----------------------------------------------------------------------------------------------------------
def segment(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def exif_gps():
    """APP1 payload: Exif header + big-endian TIFF, IFD0 -> GPS IFD with latitude and longitude."""

    def entry(tag, kind, count, value):
        return struct.pack(">HHI", tag, kind, count) + value

    gps_ifd, data_at = 26, 26 + 2 + 4 * 12 + 4
    ifd0 = struct.pack(">H", 1) + entry(0x8825, 4, 1, struct.pack(">I", gps_ifd)) + struct.pack(">I", 0)
    gps = (
        struct.pack(">H", 4)
        + entry(1, 2, 2, b"N\0\0\0")
        + entry(2, 5, 3, struct.pack(">I", data_at))
        + entry(3, 2, 2, b"E\0\0\0")
        + entry(4, 5, 3, struct.pack(">I", data_at + 24))
        + struct.pack(">I", 0)
    )
    rationals = b"".join(struct.pack(">II", *r) for r in LATITUDE + LONGITUDE)
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + ifd0 + gps + rationals
    assert len(b"MM\x00\x2a") + 4 + len(ifd0) == gps_ifd
    return b"Exif\x00\x00" + tiff


JFIF = b"JFIF\x00\x01\x01\x01\x00\x48\x00\x48"  # v1.1, dpi, 72 x 72
QUANT = segment(0xDB, b"\x00" + bytes([1] * 64))
FRAME = segment(0xC0, b"\x08\x00\x08\x00\x08\x01\x01\x11\x00")  # 8x8, one grey component
HUFFMAN = segment(
    0xC4,
    b"\x00"
    + b"\x01"
    + b"\x00" * 15
    + b"\x00"  # DC table 0: one code, category 0
    + b"\x10"
    + b"\x01"
    + b"\x00" * 15
    + b"\x00",
)  # AC table 0: one code, EOB
SCAN = segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x3f"  # DC 0, EOB: a flat grey block
SOI, EOI = b"\xff\xd8", b"\xff\xd9"


def clean_jpeg():
    """The smallest picture: what stripping must leave of `gps_jpeg()`."""
    return SOI + segment(0xE0, JFIF + b"\x00\x00") + QUANT + FRAME + HUFFMAN + SCAN + EOI


def gps_jpeg():
    thumbnail = JFIF + b"\x01\x01" + b"\x10\x20\x30"  # a 1x1 RGB thumbnail
    return (
        SOI
        + segment(0xE0, thumbnail)
        + segment(0xE1, exif_gps())
        + segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP)
        + segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + b"Canon EOS device" + bytes(20))
        + segment(0xED, b"Photoshop 3.0\x008BIM" + NAME.encode())
        + segment(0xFE, f"shot by {NAME}".encode())
        + QUANT
        + FRAME
        + HUFFMAN
        + SCAN
        + EOI
        + b"MotionPhoto_Data"
        + NAME.encode()
    )


def jpeg_markers(data):
    """Every marker of a JPEG in order (independent walk); asserts the lengths and the SOI ... EOI frame."""
    assert data[:2] == SOI, "no SOI"
    markers, i = ["D8"], 2
    while True:
        assert data[i] == 0xFF, f"no marker at {i}"
        marker = data[i + 1]
        markers.append(f"{marker:02X}")
        if marker == 0xD9:
            assert i + 2 == len(data), "bytes after EOI"
            return markers
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        i += 2 + length
        if marker == 0xDA:
            while not (data[i] == 0xFF and data[i + 1] not in (0x00, *range(0xD0, 0xD8))):
                i += 1


# -- PNG -----------------------------------------------------------------------------------------------------------
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(*extra_before_idat, after=b""):
    """A 2x1 8-bit grey PNG with the given chunks before IDAT."""
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 1, 8, 0, 0, 0, 0))
        + chunk(b"gAMA", struct.pack(">I", 45455))
        + b"".join(extra_before_idat)
        + chunk(b"IDAT", zlib.compress(b"\x00\x40\xc0"))
        + chunk(b"IEND", b"")
        + after
    )


def tagged_png():
    return png(
        chunk(b"tEXt", b"Author\x00Yi Huirong, GPS 30.6901N 103.8372E"),
        chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"Location: Yongquan")),
        chunk(b"iTXt", b"Author\x00\x00\x00\x00\x00" + NAME.encode()),
        chunk(b"eXIf", exif_gps()[6:]),
        chunk(b"tIME", struct.pack(">HBBBBB", 2026, 3, 2, 9, 0, 0)),
        chunk(b"prVt", b"device serial 12345"),
        after=b"trailing " + NAME.encode(),
    )


def png_pixels(data):
    """(chunk types, decoded scanlines): checks every CRC and inflates IDAT, as a viewer would."""
    i, kinds, idat = 8, [], b""
    while i < len(data):
        (length,) = struct.unpack(">I", data[i : i + 4])
        kind, body = data[i + 4 : i + 8], data[i + 8 : i + 8 + length]
        assert struct.unpack(">I", data[i + 8 + length : i + 12 + length])[0] == zlib.crc32(kind + body), kind
        kinds.append(kind.decode())
        idat += body if kind == b"IDAT" else b""
        i += 12 + length
    return kinds, zlib.decompress(idat)


# -- PDF -----------------------------------------------------------------------------------------------------------
def authored_pdf():
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(200, 100)
    writer.add_metadata({"/Author": NAME, "/Title": "举报材料", "/Creator": "Scanner by Zhang San"})
    for holder in (writer._root_object, page):
        xmp = DecodedStreamObject()
        xmp.set_data(XMP)
        xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
        holder[NameObject("/Metadata")] = writer._add_object(xmp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_metadata(data):
    """(Info dict or None, document XMP or None, page count) as pypdf reads them."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return reader.metadata, reader.root_object.get("/Metadata"), len(reader.pages)


def pdf_of(*bodies, root_extra=b"", trailer_extra=b"", pages=0):
    """A PDF written byte by byte: catalog 1 (with `root_extra`), page tree 2 (whose pages are the first `pages`
    of `bodies`), then `bodies` from 3."""
    kids = b" ".join(b"%d 0 R" % (n + 3) for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + root_extra + b" >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        *bodies,
    ]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer_extra, xref)
    return bytes(out)


def nested_pdf(depth=300_000):
    """An array nested `depth` deep: a recursive parser runs out of stack or memory."""
    return pdf_of(b"[" * depth + b"]" * depth, root_extra=b"/Deep 3 0 R")


def object_stream_bomb(mib=1024):
    """Object 3 lives in object stream 4, whose FlateDecode data inflates to `mib` MiB of spaces."""
    packer = zlib.compressobj(9)
    head = b"3 0 "
    body = (
        packer.compress(head + b"<< /X 1 >>")
        + b"".join(packer.compress(b" " * 2**20) for _ in range(mib))
        + packer.flush()
    )
    out, offsets = bytearray(b"%PDF-1.7\n"), {}
    for n, obj in (
        (1, b"<< /Type /Catalog /Pages 2 0 R /Bomb 3 0 R >>"),
        (2, b"<< /Type /Pages /Kids [] /Count 0 >>"),
        (
            4,
            b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (len(head), len(body))
            + body
            + b"\nendstream",
        ),
    ):
        offsets[n] = len(out)
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    offsets[5] = len(out)
    rows = b"\x00\x00\x00\x00\x00\xff\xff" + b"".join(
        b"\x01" + offsets[n].to_bytes(4, "big") + b"\x00\x00" for n in (1, 2)
    )
    rows += b"\x02" + (4).to_bytes(4, "big") + b"\x00\x00"
    rows += b"".join(b"\x01" + offsets[n].to_bytes(4, "big") + b"\x00\x00" for n in (4, 5))
    out += (
        b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(rows)
        + rows
        + b"\nendstream\nendobj\n"
    )
    return bytes(out + b"startxref\n%d\n%%%%EOF\n" % offsets[5])


def loaded_pdf():
    """One page carrying what must go: an annotation with an author and a date, a file attachment annotation, an
    embedded file in the name tree, document JavaScript and an open action, XMP on the page and on an image, a
    trailer /ID. Every one of them carries NAME (or, for the ID, a marker)."""
    who = NAME.encode("utf-16-be").hex().encode()
    xmp = b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n" % len(XMP) + XMP + b"\nendstream"
    embedded = b"<< /Type /EmbeddedFile /Length 13 >>\nstream\nsecret of " + b"Zha\nendstream"
    return pdf_of(
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Metadata 4 0 R /Annots [5 0 R 6 0 R] "
        b"/Resources << /XObject << /Im1 9 0 R >> >> /AA << /O << /S /JavaScript /JS (app.alert\\(1\\)) >> >> >>",
        xmp,
        b"<< /Type /Annot /Subtype /Text /Rect [0 0 10 10] /T <FEFF" + who + b"> /M (D:20260302090000) "
        b"/CreationDate (D:20260302090000) /NM (annot-by-author) /Contents (see page) >>",
        b"<< /Type /Annot /Subtype /FileAttachment /Rect [10 10 20 20] /FS 7 0 R /T <FEFF" + who + b"> >>",
        b"<< /Type /Filespec /F (evidence-of-author.txt) /EF << /F 8 0 R >> >>",
        embedded,
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Metadata 4 0 R /Length 1 >>\nstream\n\x80\nendstream",
        pages=1,
        root_extra=b"/Metadata 4 0 R /OpenAction << /S /JavaScript /JS (app.alert\\(2\\)) >> "
        b"/Names << /JavaScript << /Names [(doc) << /S /JavaScript /JS (app.alert\\(3\\)) >>] >> "
        b"/EmbeddedFiles << /Names [(evidence-of-author.txt) 7 0 R] >> >>",
        trailer_extra=b"/ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]",
    )


def iccp_png():
    """A PNG with an ICC profile whose description names a person (iCCP) and text chunks."""
    profile = zlib.compress(b"desc " + NAME.encode() + b" Canon EOS device")
    return png(chunk(b"iCCP", b"Yi Huirong profile\x00\x00" + profile), chunk(b"tEXt", b"Author\x00Yi Huirong"))
