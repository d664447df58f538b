"""OCR of page images: text we render ourselves, rotation, header columns, the real photographed pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from nlp.model import RawLine
from worker.errors import ToolMissing
from worker.ocr_eval import cer, matched_cer, page_lines, photo_samples
from worker.readers.base import Limits
from worker.readers.ocr import check_tesseract, ocr_page

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
BODY = [
    "Thực hiện Nghị định số 30/2020/NĐ-CP của Chính phủ về công tác văn thư,",
    "Ủy ban nhân dân tỉnh đề nghị các sở, ban, ngành khẩn trương rà soát",
    "hồ sơ, tài liệu và báo cáo kết quả trước ngày 15 tháng 3 năm 2024.",
]
HEADER_LEFT = ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI", "Số: 125/UBND-VX"]
HEADER_RIGHT = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Quảng Ngãi, ngày 4 tháng 3 năm 2024"]
# Bounds: the measured figure (docs/OCR.md) plus a small margin.
RENDERED_MAX_CER = 0.01
PHOTO_MAX_MATCHED_CER = {"p1": 0.018, "p2": 0.060}
PHOTO_MAX_RAW_CER = {"p1": 0.025, "p2": 0.080}


def render(lines: list[str], size: int = 30, width: int = 1700) -> Image.Image:
    """Black text on a white page, one line per entry, like a 300-dpi scan."""
    font = ImageFont.truetype(FONT, size)
    image = Image.new("RGB", (width, 160 + len(lines) * int(size * 1.8)), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((100, 80 + i * int(size * 1.8)), line, font=font, fill="black")
    return image


def render_header() -> Image.Image:
    """The two-column header of an official letter, columns centred on each half."""
    font = ImageFont.truetype(FONT, 28)
    image = Image.new("RGB", (1800, 400), "white")
    draw = ImageDraw.Draw(image)
    for centre, lines in ((330, HEADER_LEFT), (1250, HEADER_RIGHT)):
        for i, line in enumerate(lines):
            draw.text((centre, 80 + i * 50), line, font=font, fill="black", anchor="mt")
    return image


def test_rendered_vietnamese_text_reads_back():
    page = ocr_page(render(BODY), 1, Limits())
    assert page.ocr and page.number == 1
    assert cer("\n".join(BODY), "\n".join(page_lines(page))) <= RENDERED_MAX_CER
    assert page.ocr_confidence is not None and page.ocr_confidence > 50
    line = page.items[0]
    assert isinstance(line, RawLine)
    assert 80 <= line.x0 <= 120 and line.top is not None and 60 <= line.top <= 100
    assert page.items[-1].para_end is True


@pytest.mark.parametrize("angle", [90, 180, 270])
def test_rotated_page_is_turned_upright(angle: int):
    page = ocr_page(render(BODY * 3).rotate(angle, expand=True), 1, Limits())
    assert cer("\n".join(BODY * 3), "\n".join(page_lines(page))) <= RENDERED_MAX_CER


def test_header_columns_come_out_as_separate_lines():
    lines = page_lines(ocr_page(render_header(), 1, Limits()))
    assert matched_cer(HEADER_LEFT + HEADER_RIGHT, lines) <= 0.03
    assert len(lines) == 6, lines
    assert [cer(a, b) < 0.1 for a, b in zip(HEADER_LEFT + HEADER_RIGHT, lines, strict=True)] == [True] * 6


def test_red_stamp_is_not_read():
    image = render(BODY)
    draw = ImageDraw.Draw(image)
    draw.rectangle((900, 60, 1400, 230), outline=(210, 30, 40), width=6)
    draw.text((960, 100), "ĐẾN Số: 456", font=ImageFont.truetype(FONT, 40), fill=(210, 30, 40))
    text = "\n".join(page_lines(ocr_page(image, 1, Limits())))
    assert "ĐẾN" not in text and "456" not in text
    assert cer("\n".join(BODY), text) <= 0.05


def test_blank_page_gives_no_lines():
    page = ocr_page(Image.new("RGB", (1200, 1600), "white"), 3, Limits())
    assert page.items == [] and page.ocr_confidence is None and page.number == 3


def test_missing_tesseract_names_the_debian_packages(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ToolMissing) as err:
        check_tesseract()
    assert "tesseract-ocr" in str(err.value) and "tesseract-ocr-vie" in str(err.value)


def test_cer_metrics():
    assert cer("Số: 12", "Số:  12\n") == 0
    assert cer("abcd", "abed") == 0.25
    # order-insensitive: swapped columns cost nothing, a leading bullet is ignored, junk counts
    assert matched_cer(["UBND TỈNH", "CỘNG HÒA"], ["CỘNG HÒA", "- UBND TỈNH"]) == 0
    assert matched_cer(["abcd"], ["abcd", "xy"]) == 0.5


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize("name", ["p1", "p2"])
def test_real_photographed_pages_cer(shared: Path, name: str):
    sample = next(s for s in photo_samples(shared / "corpus" / "real") if s.name == name)
    lines = page_lines(ocr_page(sample.image, 1, Limits()))
    assert matched_cer(sample.reference, lines) <= PHOTO_MAX_MATCHED_CER[name]
    assert cer("\n".join(sample.reference), "\n".join(lines)) <= PHOTO_MAX_RAW_CER[name]
