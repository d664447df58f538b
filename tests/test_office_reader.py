""".doc, .odt and .rtf through LibreOffice: the test's own Word file converted, and the corpus .doc."""

from __future__ import annotations

import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest

from nlp.model import ReadResult
from tests import docx_factory as f
from worker.errors import CorruptFile, ReadTimeout, ToolMissing, UnpackTooLarge
from worker.readers import read_document, read_path
from worker.readers.base import Limits, no_progress
from worker.readers.office import read_office

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not f.soffice_available(), reason="LibreOffice (soffice) is not installed"),
]

FORMATS = ("doc", "odt", "rtf")


@pytest.fixture(scope="module")
def converted() -> dict[str, bytes]:
    """The plan document as LibreOffice writes it in each legacy format."""
    source = f.to_bytes(f.plan_document())
    return {fmt: f.convert(source, fmt) for fmt in FORMATS}


def assert_offsets(result: ReadResult) -> None:
    for block in result.blocks:
        assert result.text[block.start:block.end] == block.text
        for row in block.rows or []:
            for cell in row:
                assert result.text[cell.start:cell.end] == cell.text


@pytest.mark.parametrize("fmt", FORMATS)
def test_converted_plan_keeps_structure(converted, fmt):
    result = read_document(converted[fmt], filename=f"ke_hoach.{fmt}")
    assert (result.source.format, result.source.converted_by) == (fmt, "libreoffice")
    assert_offsets(result)
    tables = [b for b in result.blocks if b.kind == "table"]
    assert [t.layout for t in tables] == [True, False, True]
    cells = {c.text: c for row in tables[1].rows for c in row}
    assert cells["Văn thư"].rowspan == 2
    assert cells["Tổng cộng: 02 nhiệm vụ"].colspan == 4
    for label in ("I. MỤC ĐÍCH, YÊU CẦU", "II. NHIỆM VỤ", "a) hồ sơ năm 2023"):
        assert label in result.text


@pytest.mark.parametrize("fmt", FORMATS)
def test_converted_plan_keeps_running_text_out_of_body(converted, fmt):
    result = read_document(converted[fmt])
    assert f.RUNNING_HEADER in result.source.running_text
    assert f.RUNNING_HEADER not in result.text


def test_progress_reports_the_conversion(converted):
    seen: list[tuple[str, int, int]] = []
    read_office(converted["odt"], progress=lambda *step: seen.append(step), limits=Limits())
    assert ("convert", 0, 1) in seen and ("convert", 1, 1) in seen
    assert seen.index(("convert", 0, 1)) < seen.index(("convert", 1, 1))


def test_missing_libreoffice_names_the_package(converted, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ToolMissing, match="libreoffice-writer"):
        read_office(converted["doc"], progress=no_progress, limits=Limits())


def test_conversion_timeout_kills_and_reports(converted):
    with pytest.raises(ReadTimeout):
        read_office(converted["doc"], progress=no_progress, limits=Limits(convert_timeout=0))


def test_concurrent_conversions_do_not_collide(converted):
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda fmt: read_document(converted[fmt]), FORMATS))
    assert [r.source.format for r in results] == list(FORMATS)
    assert all("II. NHIỆM VỤ" in r.text for r in results)


def test_odt_bomb_is_refused_before_conversion():
    odt = f.zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text",
                       "content.xml": b"<x/>", "Pictures/pad.bin": b"\x00" * (4 << 20)})
    with pytest.raises(UnpackTooLarge):
        read_office(odt, progress=no_progress, limits=Limits())


def test_unconvertible_file_is_corrupt():
    odt = f.zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text",
                       "content.xml": b"<office:document-content"}, compression=zipfile.ZIP_STORED)
    with pytest.raises(CorruptFile):
        read_office(odt, progress=no_progress, limits=Limits())


@pytest.mark.corpus
def test_corpus_doc_abbreviation_table(corpus):
    result = read_path(corpus / "real" / "nd_cp_30_2020_phuluc3_viettat_mau_vanban.doc")
    assert (result.source.format, result.source.converted_by) == ("doc", "libreoffice")
    assert_offsets(result)
    tables = [b for b in result.blocks if b.kind == "table"]
    abbreviations = next(t for t in tables if "Chữ viết tắt" in t.text)
    rows = {row[1].text: row for row in abbreviations.rows if len(row) == 3}
    assert rows["Kế hoạch"][2].text == "KH"
    assert rows["Quyết định (cá biệt)"][2].text == "QĐ"
    # The STT column is Word automatic numbering: the labels must be rendered.
    assert rows["Nghị quyết (cá biệt)"][0].text == "1."
    assert any(t.layout for t in tables)  # the templates' header tables
