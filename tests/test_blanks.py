"""Reading the number and day stamped or written into the header's blanks."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from worker.blanks import complete_header, read_blanks

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


def _page(number: str, day: str) -> Image.Image:
    """An A4 page at 300 dpi with the header lines (13 pt); number and day drawn into the blanks."""
    img = Image.new("RGB", (2480, 3508), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 54)
    lines = [((240, 240), "ỦY BAN NHÂN DÂN"), ((260, 340), "TỈNH QUẢNG NGÃI"), ((240, 520), "Số:"),
             ((380, 524), number), ((600, 520), "/UBND-KGVX"), ((1240, 520), "Quảng Ngãi, ngày"),
             ((1810, 524), day), ((1920, 520), "tháng 01 năm 2025")]
    for xy, text in lines:
        draw.text(xy, text, font=font, fill="black")
    return img


def test_printed_digits_are_read_and_boxed() -> None:
    readings = {r.field: r for r in read_blanks(_page("507", "24"), {"number", "day"}, printed=True)}
    assert readings["number"].value == "507"
    assert readings["day"].value == "24"
    x0, y0, x1, y1 = readings["number"].box
    assert 0 < x0 < x1 < 0.35 and 0 < y0 < y1 < 0.25


def test_handwriting_is_only_suggested() -> None:
    readings = {r.field: r for r in read_blanks(_page("507", "24"), {"number", "day"}, printed=False)}
    assert readings["number"].value is None
    assert readings["number"].suggestion == "507"


def test_empty_blank_gives_nothing() -> None:
    readings = read_blanks(_page("", ""), {"number", "day"}, printed=True)
    assert all(r.value is None for r in readings)


def test_complete_header_fills_ref_and_date_from_image() -> None:
    buf = io.BytesIO()
    _page("507", "24").save(buf, format="PNG")
    header = {"symbol": "UBND-KGVX", "year": None, "number": None, "ref": None, "date": None,
              "date_month": "2025-01", "review": ["number", "date"]}
    complete_header(buf.getvalue(), "image", header)  # an image is a scan: suggestions only
    assert header["ref"] is None and header["review"] == ["number", "date"]
    assert {b["field"] for b in header["blanks"]} == {"number", "day"}
