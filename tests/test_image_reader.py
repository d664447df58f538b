"""read_image: formats, multi-page TIFF, progress, and the errors a clerk sees."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from worker.errors import CorruptFile, NoText, TooLarge
from worker.ocr_eval import cer, page_lines
from worker.readers.base import Limits
from worker.readers.image import read_image

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
PAGE_ONE = ["Kính gửi: Sở Giáo dục và Đào tạo tỉnh Quảng Ngãi.", "Đề nghị báo cáo trước ngày 20/5/2024."]
PAGE_TWO = ["Nơi nhận: Như trên; Lưu: VT, VP.", "Chủ tịch Ủy ban nhân dân tỉnh."]
# Two-line pages: one slipped character is already ~2%, so allow two or three.
SHORT_PAGE_MAX_CER = 0.05


def render(lines: list[str]) -> Image.Image:
    font = ImageFont.truetype(FONT, 30)
    image = Image.new("RGB", (1500, 140 + 60 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((90, 70 + 60 * i), line, font=font, fill="black")
    return image


def encode(image: Image.Image, fmt: str, **kwargs) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format=fmt, **kwargs)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF"])
def test_single_page_formats(fmt: str):
    calls: list[tuple[str, int, int]] = []
    doc = read_image(encode(render(PAGE_ONE), fmt), progress=lambda *a: calls.append(a), limits=Limits())
    assert doc.format == "image" and len(doc.pages) == 1
    assert cer("\n".join(PAGE_ONE), "\n".join(page_lines(doc.pages[0]))) <= SHORT_PAGE_MAX_CER
    assert calls == [("ocr", 0, 1), ("ocr", 1, 1)]


def test_multi_page_tiff_gives_pages_in_order():
    first, second = render(PAGE_ONE), render(PAGE_TWO)
    data = encode(first, "TIFF", save_all=True, append_images=[second], compression="tiff_lzw")
    calls: list[tuple[str, int, int]] = []
    doc = read_image(data, progress=lambda *a: calls.append(a), limits=Limits())
    assert [p.number for p in doc.pages] == [1, 2]
    assert cer("\n".join(PAGE_TWO), "\n".join(page_lines(doc.pages[1]))) <= SHORT_PAGE_MAX_CER
    assert calls == [("ocr", 0, 2), ("ocr", 1, 2), ("ocr", 2, 2)]


def test_exif_rotated_photo_is_read_upright():
    data = encode(render(PAGE_ONE).rotate(90, expand=True), "JPEG", exif=_exif_orientation(8))
    doc = read_image(data, limits=Limits())
    assert cer("\n".join(PAGE_ONE), "\n".join(page_lines(doc.pages[0]))) <= SHORT_PAGE_MAX_CER


def _exif_orientation(value: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


def test_blank_image_is_no_text():
    with pytest.raises(NoText):
        read_image(encode(Image.new("RGB", (1200, 1600), "white"), "PNG"), limits=Limits())


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n" + b"\0" * 40, encode(render(PAGE_ONE), "JPEG")[:400]])
def test_corrupt_image(data: bytes):
    with pytest.raises(CorruptFile):
        read_image(data, limits=Limits())


def test_over_size_image_is_refused_before_decoding():
    with pytest.raises(TooLarge):
        read_image(encode(render(PAGE_ONE), "PNG"), limits=Limits(max_image_pixels=100_000))


def test_too_many_frames():
    page = render(PAGE_ONE)
    data = encode(page, "TIFF", save_all=True, append_images=[page, page])
    with pytest.raises(TooLarge):
        read_image(data, limits=Limits(max_pages=2))
