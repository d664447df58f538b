"""Ruled tables on scanned pages: the grid, merged cells, cell texts, reading order, pages without tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from nlp.layout import assemble
from nlp.model import RawLine, RawTable
from worker.ocr_eval import cer, page_lines
from worker.readers.base import Limits
from worker.readers.ocr import DEFAULT, binarize, glyph_height, ocr_page, with_overrides
from worker.readers.ocr_tables import CellBox, Grid, find_grids, remove_specks, to_raw_table

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
SIZE = 40  # x-height ≈ 20 px, like 11-pt type at 300 dpi
ABOVE = "Phòng Giáo dục và Đào tạo giao nhiệm vụ cụ thể như sau:"
BELOW = "Các đơn vị báo cáo kết quả về Phòng trước ngày 30 tháng 11 năm 2024."
# Column x edges and row y edges of the drawn grid (pixels).
XS = [100, 260, 980, 1420, 1800]
YS = [200, 310, 540, 650, 880]
# (row, col, rowspan, colspan, lines); row 2 is a section row spanning all four columns,
# and the last column of rows 1 and 3 is one merged cell (rowspan 3).
CELLS = [
    (0, 0, 1, 1, ["TT"]),
    (0, 1, 1, 1, ["Nhiệm vụ"]),
    (0, 2, 1, 1, ["Đơn vị chủ trì"]),
    (0, 3, 1, 1, ["Thời gian"]),
    (1, 0, 1, 1, ["1"]),
    (1, 1, 1, 1, ["Rà soát hồ sơ, tài liệu", "lưu trữ cơ quan"]),
    (1, 2, 1, 1, ["Văn phòng Sở"]),
    (1, 3, 3, 1, ["Tháng 11/2024"]),
    (2, 0, 1, 3, ["Công tác tuyên truyền"]),
    (3, 0, 1, 1, ["2"]),
    (3, 1, 1, 1, ["Tập huấn nghiệp vụ", "văn thư"]),
    (3, 2, 1, 1, ["Phòng Nội vụ"]),
]


def _speckle(image: Image.Image, seed: int = 7, count: int = 4000) -> Image.Image:
    """Scanner speckle: isolated dark dots of one or two pixels all over the page."""
    rng = np.random.default_rng(seed)
    arr = np.asarray(image.convert("RGB")).copy()
    h, w = arr.shape[:2]
    ys, xs = rng.integers(0, h - 2, count), rng.integers(0, w - 2, count)
    for y, x, big in zip(ys, xs, rng.random(count) < 0.3, strict=True):
        arr[y:y + 1 + big, x:x + 1 + big] = 60
    return Image.fromarray(arr)


def render_table_page(noise: bool = True) -> Image.Image:
    """A line of text, a ruled 4×4 table with merged cells, a line of text; speckled like a scan."""
    font = ImageFont.truetype(FONT, SIZE)
    image = Image.new("RGB", (1900, 1100), "white")
    draw = ImageDraw.Draw(image)
    draw.text((XS[0], 100), ABOVE, font=font, fill="black")
    draw.text((XS[0], YS[-1] + 70), BELOW, font=font, fill="black")
    for r, c, rs, cs, lines in CELLS:
        x0, y0, x1, y1 = XS[c], YS[r], XS[c + cs], YS[r + rs]
        draw.rectangle((x0, y0, x1, y1), outline="black", width=3)
        for i, line in enumerate(lines):
            draw.text((x0 + 16, y0 + 24 + i * 60), line, font=font, fill="black")
    return _speckle(image) if noise else image


def _grid_of(image: Image.Image) -> list[Grid]:
    gray = np.asarray(image.convert("L"))
    binary = binarize(gray, "sauvola")
    xheight = glyph_height(binary)
    assert xheight
    return find_grids(remove_specks(binary, xheight), xheight)[0]


def test_grid_lines_and_merged_cells_are_found():
    grids = _grid_of(render_table_page())
    assert len(grids) == 1
    grid = grids[0]
    assert (grid.rows, grid.cols) == (4, 4)
    assert all(abs(a - b) <= 4 for a, b in zip(grid.xs, XS, strict=True)), grid.xs
    assert all(abs(a - b) <= 4 for a, b in zip(grid.ys, YS, strict=True)), grid.ys
    spans = [(c.row, c.col, c.rowspan, c.colspan) for c in grid.cells]
    assert spans == [(r, c, rs, cs) for r, c, rs, cs, _ in CELLS]


def test_table_cells_are_read_in_place_between_the_lines():
    page = ocr_page(render_table_page(), 1, Limits())
    kinds = [type(item).__name__ for item in page.items]
    assert kinds == ["RawLine", "RawTable", "RawLine"], [getattr(i, "text", i) for i in page.items]
    above, table, below = page.items
    assert isinstance(above, RawLine) and isinstance(below, RawLine) and isinstance(table, RawTable)
    assert cer(ABOVE, above.text) <= 0.03 and cer(BELOW, below.text) <= 0.03
    assert not table.layout
    assert [len(row) for row in table.rows] == [4, 4, 1, 3]
    read = [cell for row in table.rows for cell in row]
    for (_, _, rowspan, colspan, lines), cell in zip(CELLS, read, strict=True):
        assert (cell.rowspan, cell.colspan) == (rowspan, colspan)
        assert cell.text.count("\n") == len(lines) - 1, cell.text
        assert cer("\n".join(lines), cell.text) <= 0.05, (lines, cell.text)
    # no rule reached the text as "|" or "_"
    assert not any(ch in cell.text for cell in read for ch in "|_[]")


def test_table_off_reads_the_grid_as_lines():
    page = ocr_page(render_table_page(noise=False), 1, Limits(), with_overrides(DEFAULT, tables=False))
    assert not any(isinstance(item, RawTable) for item in page.items)


def test_page_without_table_gives_no_table():
    """Text, an underline under a heading and a signature rule: rules, but no grid."""
    font = ImageFont.truetype(FONT, SIZE)
    image = Image.new("RGB", (1900, 1050), "white")
    draw = ImageDraw.Draw(image)
    lines = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
             "Ủy ban nhân dân tỉnh đề nghị các sở, ban, ngành khẩn trương rà soát",
             "hồ sơ, tài liệu và báo cáo kết quả trước ngày 15 tháng 3 năm 2024."]
    for i, line in enumerate(lines):
        draw.text((150, 100 + i * 120), line, font=font, fill="black")
    draw.line((150, 285, 750, 285), fill="black", width=3)  # underline of the motto
    draw.line((1000, 700, 1500, 700), fill="black", width=3)  # a rule under the signature
    draw.rectangle((1000, 560, 1500, 640), outline="black", width=3)  # a framed note: one cell, no table
    # a received-stamp box with two compartments and no right border ("CV ĐẾN | Số ... Ngày ...")
    draw.line((150, 780, 700, 780), fill="black", width=3)
    draw.line((150, 940, 700, 940), fill="black", width=3)
    draw.line((150, 780, 150, 940), fill="black", width=3)
    draw.line((300, 780, 300, 940), fill="black", width=3)
    image = _speckle(image)
    assert _grid_of(image) == []
    page = ocr_page(image, 1, Limits())
    assert not any(isinstance(item, RawTable) for item in page.items)
    assert cer("\n".join(lines), "\n".join(page_lines(page)[:4])) <= 0.05


def test_specks_are_removed_only_from_speckled_pages():
    clean = np.full((200, 400), 255, np.uint8)
    clean[50:80, 20:380:40] = 0  # nine letter-sized strokes
    clean[100, 100] = 0  # one speck: a clean page keeps it
    assert remove_specks(clean, 20, min_share=0.5)[100, 100] == 0
    speckled = clean.copy()
    speckled[150, 10:400:4] = 0  # a hundred specks
    out = remove_specks(speckled, 20, min_share=0.5)
    assert (out[150] == 255).all() and (out[100] == 255).all() and (out[50:80, 20:380:40] == 0).all()


def test_row_covered_by_cells_above_is_dropped():
    grid = Grid([0, 10, 20], [0, 10, 20, 30], [
        CellBox(0, 0, 3, 1, 0, 0, 10, 30), CellBox(0, 1, 2, 1, 10, 0, 20, 20), CellBox(2, 1, 1, 1, 10, 20, 20, 30),
    ])
    table = to_raw_table(grid, {(0, 0): "a", (0, 1): "b", (2, 1): "c"})
    assert [[(c.text, c.rowspan) for c in row] for row in table.rows] == [[("a", 2), ("b", 1)], [("c", 1)]]


@pytest.mark.corpus
@pytest.mark.slow
def test_seed_scan_task_table_rows(corpus: Path):
    """The scanned seed plan's task table (pages 4-7) comes out as one 5-column table of 12 tasks."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(corpus / "kh_pgddt_dienbienphu_2022_thidua_scan.pdf"))
    pages = [ocr_page(pdf[n - 1].render(scale=300 / 72).to_pil(), n, Limits()) for n in range(4, 8)]
    tables = [b for b in assemble(pages).blocks if b.kind == "table"]
    assert len(tables) == 1 and tables[0].rows is not None
    rows = [[c.text for c in row] for row in tables[0].rows]
    assert rows[0] == ["TT", "Nhiệm vụ cụ thể", "Đơn vị chủ trì", "Các đơn vị phối hợp thực hiện",
                       "Thời gian thực hiện"]
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(1, 13)]
    assert all(len(r) == 5 for r in rows)
    assert [r[2] for r in rows[1:]] == ["Phòng GD&ĐT"] * 3 + ["Phòng Nội vụ"] + ["Phòng GD&ĐT"] * 8
    assert [r[4] for r in rows[1:5]] == ["Tháng 03/2022"] * 4 and rows[-1][4] == "Thường xuyên"
    assert rows[4][3] == "Các cơ quan, đơn vị trong Khối thi đua Văn hóa - Xã hội"
    assert rows[1][1].startswith("Ban hành Kế hoạch thực hiện công tác thi đua khen thưởng năm 2022")
