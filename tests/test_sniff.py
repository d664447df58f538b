"""Sniffing: what a file is comes from its bytes, never from its name."""

from __future__ import annotations

import io
import unicodedata
import zipfile

import olefile
import pytest
from PIL import Image

from tests import docx_factory as f
from worker.errors import CorruptFile, EmptyFile, EncryptedFile, NotADocument, UnsupportedFormat
from worker.sniff import decode_text, sniff

TONES = "\u0300\u0301\u0303\u0309\u0323"
VIETNAMESE = "Kính gửi: Ủy ban nhân dân huyện Điện Biên Đông\nV/v tổng hợp số liệu năm 2024.\n"


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    return f.to_bytes(f.plan_document())


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (8, 8), 255).save(buffer, "PNG")
    return buffer.getvalue()


def test_docx(docx_bytes):
    assert sniff(docx_bytes).kind == "docx"


@pytest.mark.parametrize(("folder", "part"), [("xl/", "workbook.xml"), ("ppt/", "presentation.xml")])
def test_other_ooxml_members_are_refused(folder, part):
    data = f.zip_bytes({"[Content_Types].xml": b"<Types/>", folder + part: b"<x/>"})
    with pytest.raises(UnsupportedFormat):
        sniff(data)


def test_odt_by_mimetype_and_ods_refused():
    odt = f.zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"},
                      compression=zipfile.ZIP_STORED)
    ods = f.zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"},
                      compression=zipfile.ZIP_STORED)
    assert sniff(odt).kind == "odt"
    with pytest.raises(UnsupportedFormat):
        sniff(ods)


def test_plain_and_nested_zip_are_not_documents():
    with pytest.raises(NotADocument, match="not a Word"):
        sniff(f.zip_bytes({"ghi-chu.txt": b"xin chao"}))
    inner = f.zip_bytes({"a.txt": b"x"})
    with pytest.raises(NotADocument, match="nested"):
        sniff(f.zip_bytes({"inner.zip": inner}))


def test_truncated_zip_is_corrupt(docx_bytes):
    with pytest.raises(CorruptFile):
        sniff(docx_bytes[: len(docx_bytes) // 2])


@pytest.mark.skipif(not f.soffice_available(), reason="LibreOffice is needed to make a .doc")
def test_ole2_word_vs_spreadsheet_vs_locked(docx_bytes, tmp_path):
    doc = f.convert(docx_bytes, "doc")
    assert sniff(doc).kind == "doc"
    with pytest.raises(UnsupportedFormat, match="Excel"):
        sniff(f.rename_ole_stream(doc, "WordDocument", "Workbook"))
    locked = tmp_path / "locked.doc"
    locked.write_bytes(doc)
    with olefile.OleFileIO(str(locked), write_mode=True) as ole:
        fib = bytearray(ole.openstream("WordDocument").read())
        fib[11] |= 0x01  # fEncrypted is bit 8 of the flags word at offset 10
        ole.write_stream("WordDocument", bytes(fib))
    with pytest.raises(EncryptedFile):
        sniff(locked.read_bytes())


def test_rtf_pdf_image():
    assert sniff(b"{\\rtf1\\ansi Kinh gui}").kind == "rtf"
    assert sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj").kind == "pdf"
    sniffed = sniff(png_bytes())
    assert (sniffed.kind, sniffed.media_type) == ("image", "image/png")


@pytest.mark.parametrize("head", [b"MZ\x90\x00\x03\x00\x00\x00", b"\x7fELF\x02\x01\x01\x00", b"#!/bin/sh\n"])
def test_programs_are_refused(head):
    with pytest.raises(NotADocument):
        sniff(head + bytes(range(256)) * 4)


def test_empty_and_blank():
    for data in (b"", b"  \r\n\t\x00 "):
        with pytest.raises(EmptyFile):
            sniff(data)


def test_random_binary_is_unsupported():
    with pytest.raises(UnsupportedFormat):
        sniff(bytes(range(256)) * 64)


def test_text_and_markdown():
    assert sniff(VIETNAMESE.encode()).kind == "txt"
    markdown = "# Kế hoạch\n\n| TT | Nhiệm vụ |\n|---|---|\n| 1 | Rà soát |\n"
    assert sniff(markdown.encode()).kind == "md"
    # A dash list is plain text: clerks type it everywhere.
    assert sniff("Nơi nhận:\n- Như trên;\n- Lưu: VT.\n".encode()).kind == "txt"


def windows_1258(text: str) -> bytes:
    """Encode as Vietnamese Windows does: vowels with hats precomposed, tone marks combining."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out += (base + "".join(c for c in parts if c in TONES)).encode("cp1258")
    return bytes(out)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "cp1258", "utf-8-sig"])
def test_text_encodings(encoding):
    data = windows_1258(VIETNAMESE) if encoding == "cp1258" else VIETNAMESE.encode(encoding)
    assert sniff(data).kind == "txt"
    assert unicodedata.normalize("NFC", decode_text(data)) == VIETNAMESE
