"""Bad input: every hostile or broken file ends in a typed, bilingual ``ReadError``, never a traceback."""

from __future__ import annotations

import contextlib
import io
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli import main
from tests import docx_factory as f
from worker.errors import CorruptFile, EmptyFile, NotADocument, ReadError, TooLarge, UnpackTooLarge
from worker.readers import read_document, read_path
from worker.readers.base import Limits

ROOT = Path(__file__).resolve().parent.parent
BIG = 4 << 20  # 4 MiB of zeros deflates to about 4 KiB: a 1000:1 ratio


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    return f.to_bytes(f.plan_document())


def bomb(docx_bytes: bytes) -> bytes:
    """A valid Word file carrying one part that expands a thousandfold."""
    return f.rezip(docx_bytes, {"word/media/padding.bin": b"\x00" * BIG})


# ------------------------------------------------------------------ each case


def test_empty_file():
    with pytest.raises(EmptyFile) as info:
        read_document(b"")
    assert info.value.vi and info.value.en and info.value.code == "empty_file"


def test_docx_named_pdf_is_read_as_docx(docx_bytes, tmp_path):
    path = tmp_path / "cong_van.pdf"
    path.write_bytes(docx_bytes)
    result = read_path(path)
    assert result.source.format == "docx"
    assert result.source.filename == "cong_van.pdf"
    assert "MỤC ĐÍCH" in result.text


def test_truncated_docx(docx_bytes):
    with pytest.raises(CorruptFile):
        read_document(docx_bytes[: len(docx_bytes) * 2 // 3])


def test_docx_without_main_part(docx_bytes):
    with pytest.raises(CorruptFile, match="main document"):
        read_document(f.rezip(docx_bytes, {"word/document.xml": None}))


def test_docx_with_broken_xml(docx_bytes):
    broken = f.zip_members(docx_bytes)["word/document.xml"][:500]
    with pytest.raises(CorruptFile):
        read_document(f.rezip(docx_bytes, {"word/document.xml": broken}))


def test_xml_entity_bomb(docx_bytes):
    entities = "".join(f'<!ENTITY e{n} "{f"&e{n - 1};" * 10}">' for n in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e0 "vanthu vanthu ">{entities}]>'
           f'<w:document xmlns:w="{f.W_NS}"><w:body><w:p><w:r><w:t>&e9;</w:t></w:r></w:p></w:body></w:document>')
    with pytest.raises(CorruptFile):
        read_document(f.rezip(docx_bytes, {"word/document.xml": xml.encode()}))


def test_zip_bomb_by_ratio(docx_bytes):
    with pytest.raises(UnpackTooLarge, match="compresses"):
        read_document(bomb(docx_bytes))


def test_zip_bomb_by_total_size(docx_bytes):
    limits = Limits(max_unzipped_bytes=len(docx_bytes))  # the parts unpack to several times the package
    with pytest.raises(TooLarge):
        read_document(docx_bytes, limits=limits)
    assert read_document(docx_bytes).text  # the same file reads under the default limits


def test_lying_zip_header_is_not_trusted():
    data = f.lying_zip("word/document.xml", b"<w:document/>" + b" " * BIG, declared=1000)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.infolist()[0].file_size == 1000
    with pytest.raises(ReadError):
        read_document(data)


def test_executable_named_pdf(tmp_path):
    path = tmp_path / "bao_cao.pdf"
    path.write_bytes(b"MZ\x90\x00\x03" + bytes(range(256)) * 8)
    with pytest.raises(NotADocument):
        read_path(path)


def test_nested_zip():
    inner = f.zip_bytes({"van_ban.docx": b"PK\x03\x04not really"})
    with pytest.raises(NotADocument, match="nested"):
        read_document(f.zip_bytes({"ho_so.zip": inner}))


def test_too_many_pages():
    document = f.new_document()
    for n in range(5):
        document.add_paragraph(f"Trang {n + 1}")
        document.add_page_break()
    data = f.to_bytes(document)
    assert read_document(data).source.pages == 5
    with pytest.raises(TooLarge):
        read_document(data, limits=Limits(max_pages=4))


def test_file_over_byte_limit(docx_bytes):
    with pytest.raises(TooLarge):
        read_document(docx_bytes, limits=Limits(max_bytes=len(docx_bytes) - 1))


# ------------------------------------------------------------------ through the CLI


def cli_cases(docx_bytes: bytes) -> dict[str, tuple[bytes, str]]:
    """file name -> (content, expected error code)."""
    return {
        "rong.docx": (b"", "empty_file"),
        "hong.docx": (docx_bytes[: len(docx_bytes) // 2], "corrupt_file"),
        "bom.docx": (bomb(docx_bytes), "too_large"),
        "chuong_trinh.pdf": (b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 4, "unsupported_format"),
        "long_nhau.zip": (f.zip_bytes({"a.zip": f.zip_bytes({"b.txt": b"x"})}), "unsupported_format"),
    }


def test_cli_reports_bilingual_errors(docx_bytes, tmp_path):
    runner = CliRunner()
    for name, (content, code) in cli_cases(docx_bytes).items():
        path = tmp_path / name
        path.write_bytes(content)
        result = runner.invoke(main, ["read", str(path)])
        assert result.exit_code == 2, (name, result.output)
        assert f"Lỗi / Error [{code}]: " in result.stderr, (name, result.stderr)
        assert " / " in result.stderr.split("]: ", 1)[1]
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_cli_process_prints_no_traceback(docx_bytes, tmp_path):
    path = tmp_path / "bom.pdf"
    path.write_bytes(bomb(docx_bytes))
    out = subprocess.run([sys.executable, "-m", "service.cli", "read", str(path)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 2
    assert out.stderr.startswith("Lỗi / Error [too_large]: ")
    assert "Traceback" not in out.stderr


# ------------------------------------------------------------------ fuzzing


def mutate_values(xml: bytes, rng: random.Random) -> bytes:
    """Well-formed XML whose attribute values are replaced at random by odd ones."""
    def swap(match: re.Match[bytes]) -> bytes:
        if rng.random() > 0.1:
            return match.group(0)
        return match.group(1) + rng.choice(ODD_VALUES) + b'"'
    return re.sub(rb'(w:(?:val|ilvl|numId|abstractNumId|styleId|type)=")[^"]*"', swap, xml)


ODD_VALUES = [b"", b"-1", b"999999999", b"abc", b"0", b"restart", b"page", b"%9%1", b"continue", b"nil"]


def test_mutated_documents_never_escape_as_other_errors(docx_bytes):
    rng = random.Random(20240402)
    members = f.zip_members(docx_bytes)
    outcomes: list[str] = []
    for _ in range(40):
        changed = {name: mutate_values(members[name], rng)
                   for name in ("word/document.xml", "word/numbering.xml", "word/styles.xml")}
        try:
            read_document(f.rezip(docx_bytes, changed))
            outcomes.append("read")
        except ReadError as exc:  # anything else fails the test
            outcomes.append(exc.code)
    assert "read" in outcomes  # the walker itself was exercised, not only the parser


def test_damaged_bytes_never_escape_as_other_errors(docx_bytes):
    rng = random.Random(7)
    for _ in range(40):
        data = bytearray(docx_bytes)
        for _ in range(10):
            data[rng.randrange(len(data))] = rng.randrange(256)
        with contextlib.suppress(ReadError):  # anything else fails the test
            read_document(bytes(data))
