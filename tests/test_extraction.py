"""Every format a bureau sends reads as the same letter: the seed's fields from its PDF, its
scans, its .doc and .wps, its OFD; and what cannot be read is refused quickly, with a reason."""

import io
import time
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from proposals.extraction import extract
from proposals.parsing import ParsedReply, Rejection, parse_reply
from tests.formats import (
    image_file,
    ofd_file,
    office_file,
    printed,
    requires,
    scanned_pages,
)

SEED = Path(__file__).resolve().parent.parent / "fixtures/replies/000_ee2ad97ee7362e9f.txt"
LETTER = printed(SEED.read_text(encoding="utf-8"))
EXPECTED = parse_reply(LETTER.encode()).to_json()
EXPECTED.pop("extractor")
EXPECTED.pop("ocr_confidence")


def fields_read(data: bytes) -> tuple[ParsedReply, float]:
    """The parsed letter and the share of the seed's fields it reads as the text file does."""
    reply = parse_reply(data)
    assert isinstance(reply, ParsedReply), reply
    read = reply.to_json()
    same = sum(read[name] == value for name, value in EXPECTED.items())
    return reply, same / len(EXPECTED)


@pytest.fixture(scope="module")
def printed_pdf(tmp_path_factory) -> bytes:
    return office_file(LETTER, "pdf", tmp_path_factory.mktemp("pdf"))


@pytest.fixture(scope="module")
def scans(printed_pdf, tmp_path_factory) -> list[Image.Image]:
    return scanned_pages(printed_pdf, tmp_path_factory.mktemp("scan"))


def test_the_seed_letter_is_a_reply_with_every_field_read():
    assert EXPECTED["proposal_number"] == 252 and EXPECTED["reply_date"] and EXPECTED["contacts"]


@requires("soffice")
def test_a_pdf_is_read_from_its_text_layer_with_every_field(printed_pdf):
    reply, share = fields_read(printed_pdf)
    assert (reply.extractor, reply.ocr_confidence, share) == ("pdf", None, 1.0)
    # The margin's line breaks are gone: the body's first paragraph is one line again.
    assert "鼓励企业加大科技研发投入力度，设立“焦作市企业改革创新奖”，对高新技术企业" in reply.text


@requires("soffice")
@pytest.mark.parametrize("target", ["doc", "rtf", "odt"])
def test_old_word_rtf_and_opendocument_letters_are_converted_by_libreoffice(target, tmp_path):
    reply, share = fields_read(office_file(LETTER, target, tmp_path))
    assert (reply.extractor, share) == ("office", 1.0)


@requires("soffice")
def test_a_wps_letter_is_read_like_a_doc(tmp_path):
    # WPS Office saves .wps in Word's binary format (an OLE compound file). LibreOffice cannot
    # write .wps, so the test's file is those bytes; the reader goes by content, not by name.
    data = office_file(LETTER, "doc", tmp_path)
    assert data.startswith(b"\xd0\xcf\x11\xe0")
    reply, share = fields_read(data)
    assert (reply.extractor, share) == ("office", 1.0)


def test_an_ofd_is_read_from_its_xml_in_reading_order():
    reply, share = fields_read(ofd_file(LETTER))
    assert (reply.extractor, share) == ("ofd", 1.0)
    assert "- 1 -" not in reply.text


@requires("soffice", "pdftoppm")
@pytest.mark.parametrize("image_format", ["TIFF", "PDF"])
def test_a_scanned_letter_is_read_by_ocr_with_its_confidence(scans, image_format):
    reply, share = fields_read(image_file(scans, image_format))
    assert reply.extractor == "ocr"
    assert share >= 0.95, reply.to_json()
    assert 80 <= reply.ocr_confidence <= 100


@requires("soffice", "pdftoppm")
def test_a_photographed_first_page_gives_the_header_fields(scans):
    reply = parse_reply(image_file(scans[:1], "JPEG"))
    assert isinstance(reply, ParsedReply), reply
    assert (reply.extractor, reply.proposal_number, reply.signer) == ("ocr", 252, "付希强")


@requires("soffice")
def test_an_office_file_libreoffice_cannot_read_is_refused_with_a_reason():
    result = extract(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    assert isinstance(result, Rejection)
    assert "LibreOffice 无法" in result.reason


def test_a_missing_converter_names_the_debian_package_to_install(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    result = extract(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    assert isinstance(result, Rejection)
    assert "apt-get install libreoffice-writer-nogui" in result.reason


def _pdf(*objects: bytes) -> bytes:
    out, offsets = b"%PDF-1.7\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + (
        b"xref\n0 %d\n0000000000 65535 f \n%strailer\n<< /Size %d /Root 1 0 R >>\n"
        b"startxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table, len(objects) + 1, len(out))
    )


def _inflating_stream(size: int) -> bytes:
    import zlib

    packer = zlib.compressobj(9)
    packed = b"".join(packer.compress(bytes(1 << 20)) for _ in range(size >> 20)) + packer.flush()
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(packed), packed)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _png_declaring(width: int, height: int) -> bytes:
    import struct
    import zlib

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + header
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(header))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
    )


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10) for i in range(9)
    )
    + b"]><r>&j;</r>"
)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(
            _pdf(CATALOG, PAGES, PAGE, _inflating_stream(1 << 30)), "没有文字", id="pdf bomb"
        ),
        pytest.param(
            _pdf(
                CATALOG,
                b"<< /Type /Pages /Kids [%s] /Count 5000 >>"
                % b" ".join(b"3 0 R" for _ in range(5000)),
                PAGE,
            ),
            "超过 30 页",
            id="pdf of 5,000 pages",
        ),
        pytest.param(_png_declaring(100_000, 100_000), "图片", id="image bomb"),
        pytest.param(
            _zip({"OFD.xml": LAUGHS, "Doc_0/Document.xml": b"<a/>"}), "OFD", id="ofd entity bomb"
        ),
        pytest.param(
            _zip({"OFD.xml": bytes(200 << 20)}), "超过 30 MB", id="ofd that unpacks to 200 MB"
        ),
        pytest.param(b"%PDF-1.4 binary", "损坏的 PDF", id="damaged pdf"),
        pytest.param(b"PK\x03\x04" + bytes(100), "损坏的压缩文件", id="damaged zip"),
    ],
)
def test_a_hostile_file_is_refused_within_a_second(data, reason):
    started = time.perf_counter()
    result = extract(data)
    assert time.perf_counter() - started < 1
    assert isinstance(result, Rejection), result
    assert reason in result.reason


@requires("soffice", "pdftoppm")
def test_an_imported_scan_records_how_it_was_read_and_asks_a_clerk_to_check_it(scans, clerk):
    from django.urls import reverse

    from proposals.access import SYSTEM
    from proposals.importing import LetterImporter
    from proposals.models import Reply

    outcome = LetterImporter(actor=SYSTEM).import_letter(
        name="扫描件.tif", data=image_file(scans, "TIFF")
    )
    assert outcome.status == "imported", outcome
    reply = Reply.objects.get()
    assert reply.extractor == "ocr" and 80 <= reply.ocr_confidence <= 100
    assert reply.needs_review and "图像识别" in reply.review_note
    page = clerk.get(reverse("admin:proposals_reply_change", args=[reply.pk]))
    assert "图像文字识别（OCR）" in page.content.decode()
    assert f"{reply.ocr_confidence}" in page.content.decode()


def test_an_imported_ofd_records_its_extractor(db):
    from proposals.access import SYSTEM
    from proposals.importing import LetterImporter
    from proposals.models import Reply

    LetterImporter(actor=SYSTEM).import_letter(name="答复.ofd", data=ofd_file(LETTER))
    assert Reply.objects.values_list("extractor", "ocr_confidence").get() == ("ofd", None)
