"""Build the README's demo documents (all invented: the units and people do not exist).

Run ``.venv/bin/python samples/make_samples.py`` to regenerate ``samples/``:
a Word plan, the same plan as a PDF (LibreOffice), a scanned-looking PNG of a
letter, and a plain-text letter.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"

PLAN_HEADER = (
    ["UBND HUYỆN AN PHÚ", "TRƯỜNG TIỂU HỌC HOA SEN", "Số: 12/KH-THHS"],
    ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "An Phú, ngày 05 tháng 9 năm 2025"],
)
PLAN_BODY = [
    ("title", "KẾ HOẠCH"),
    ("title", "Tổ chức Ngày hội đọc sách năm học 2025-2026"),
    ("p", "Căn cứ Kế hoạch số 45/KH-PGDĐT ngày 20/8/2025 của Phòng Giáo dục và Đào tạo huyện An Phú "
          "về phát triển văn hóa đọc trong trường học năm học 2025-2026;"),
    ("p", "Trường Tiểu học Hoa Sen xây dựng Kế hoạch tổ chức Ngày hội đọc sách như sau:"),
    ("h", "I. MỤC ĐÍCH, YÊU CẦU"),
    ("p", "Khơi dậy niềm say mê đọc sách của học sinh; xây dựng môi trường đọc thân thiện trong nhà trường."),
    ("h", "II. NỘI DUNG VÀ THỜI GIAN THỰC HIỆN"),
]
PLAN_TASKS = [
    ["TT", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian"],
    ["1", "Xây dựng và ban hành kế hoạch", "Ban Giám hiệu", "Tổ chuyên môn", "Tháng 9/2025"],
    ["2", "Trưng bày sách theo chủ đề", "Thư viện", "Đội Thiếu niên", "Tháng 10/2025"],
    ["3", "Tổng kết, khen thưởng", "Ban Giám hiệu", "Công đoàn trường", "trước ngày 30/11/2025"],
]
PLAN_END = [
    ("p", "Trên đây là Kế hoạch tổ chức Ngày hội đọc sách năm học 2025-2026 của Trường Tiểu học Hoa Sen./."),
]

LETTER = """UBND HUYỆN AN PHÚ
PHÒNG GIÁO DỤC VÀ ĐÀO TẠO
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 101/PGDĐT-VP
V/v báo cáo số liệu đầu năm học 2025-2026
An Phú, ngày 12 tháng 9 năm 2025

Kính gửi: Hiệu trưởng các trường mầm non, tiểu học, THCS trực thuộc.

Thực hiện Công văn số 2310/SGDĐT-KHTC ngày 28/8/2025 của Sở Giáo dục và Đào tạo về việc
báo cáo thống kê đầu năm học, Phòng Giáo dục và Đào tạo đề nghị các trường tổng hợp số liệu
theo mẫu đính kèm và gửi về Phòng trước ngày 25/9/2025.

Nơi nhận:
- Như trên;
- Lưu: VT.
TRƯỞNG PHÒNG
Trần Văn Minh
"""


def make_docx(path: Path) -> None:
    """A Kế hoạch with the two-column header table, headings and a task table."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    head = doc.add_table(rows=3, cols=2)
    for row, (left, right) in enumerate(zip(*PLAN_HEADER, strict=True)):
        head.cell(row, 0).text = left
        head.cell(row, 1).text = right
    for kind, text in PLAN_BODY + [("table", "")] + PLAN_END:
        if kind == "table":
            table = doc.add_table(rows=len(PLAN_TASKS), cols=len(PLAN_TASKS[0]))
            table.style = "Table Grid"
            for r, row in enumerate(PLAN_TASKS):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
            continue
        para = doc.add_paragraph()
        run = para.add_run(text)
        if kind in {"title", "h"}:
            run.bold = True
        if kind == "title":
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.save(path)


def make_pdf(docx_path: Path, out_dir: Path) -> None:
    """The same plan printed to PDF by LibreOffice, as offices export it."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
             "--convert-to", "pdf", "--outdir", str(out_dir), str(docx_path)],
            check=True, capture_output=True, timeout=180,
        )


def make_scan(path: Path) -> None:
    """A letter drawn as a 200-dpi greyscale page, like a desk scanner's output."""
    font = ImageFont.truetype(FONT, 30)
    img = Image.new("L", (1654, 2339), 250)
    draw = ImageDraw.Draw(img)
    y = 150
    for line in LETTER.splitlines():
        draw.text((150, y), line, font=font, fill=20)
        y += 48
    img.save(path, dpi=(200, 200))


def main() -> None:
    make_docx(HERE / "ke_hoach_ngay_hoi_doc_sach.docx")
    make_pdf(HERE / "ke_hoach_ngay_hoi_doc_sach.docx", HERE)
    make_scan(HERE / "cong_van_bao_cao_so_lieu_scan.png")
    (HERE / "cong_van_bao_cao_so_lieu.txt").write_text(LETTER, encoding="utf-8")


if __name__ == "__main__":
    main()
