"""Schools' commendation submissions (Tờ trình / Báo cáo đề nghị khen thưởng), built from code.

Three schools of one district send their lists to the education office, each its own way:

* ``school_a``: Word, a Tờ trình whose list has a Đơn vị and a Danh hiệu đề nghị column
  (Đơn vị merged down over two rows); one person appears twice (Nguyễn Thị Hoà / Hòa: the two
  tone placements), a teacher on loan from school B is listed with B as unit, one row has no
  Chức vụ, and the prose says 4 Lao động tiên tiến where the list has 3;
* ``school_b``: Word, a Báo cáo whose list has NO Đơn vị column and carries the danh hiệu as
  group rows inside the table (``I. Danh hiệu Lao động tiên tiến (03 người)``) and as a heading
  above a second table; an ``nt`` ditto mark, a ``Tổng cộng`` row, one row with no name;
* ``school_c_scan``: the same kind of Tờ trình printed by LibreOffice, rasterized at 300 dpi
  and wrapped as an image-only PDF, so the reader has to OCR it.

``SCHOOLS`` holds what each document states, for the tests to compare with.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from tests.docx_factory import (
    convert,
    data_table,
    new_document,
    one_row_block,
    soffice_available,
    to_bytes,
    two_column_table,
)

FONT = "Times New Roman"
PARENT = "UBND HUYỆN MƯỜNG ẢNG"
MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
OFFICE = "Kính gửi: Phòng Giáo dục và Đào tạo huyện Mường Ảng."


@dataclass
class Row:
    """One proposal as the document states it (``""`` where the cell is empty)."""

    name: str
    position: str
    unit: str  # "" when the list has no Đơn vị column (the unit is the school)
    title: str  # canonical danh hiệu


@dataclass
class School:
    key: str
    issuer: str
    ref: str
    doc_type: str
    date: str
    rows: list[Row]
    staff: int
    stated: dict[str, int] = field(default_factory=dict)  # danh hiệu -> count the prose states


LDTT = "Lao động tiên tiến"
CSTDCS = "Chiến sĩ thi đua cơ sở"
TTLDTT = "Tập thể lao động tiên tiến"
GK_TP = "Giấy khen của Trưởng phòng Giáo dục và Đào tạo"
GK_CT = "Giấy khen của Chủ tịch Ủy ban nhân dân cấp huyện"

UNIT_A = "Trường TH số 1 Mường Ảng"
UNIT_B_WRITTEN = "Trường THCS Nguyễn Trãi"

SCHOOL_A = School(
    "a", "TRƯỜNG TIỂU HỌC SỐ 1 MƯỜNG ẢNG", "25/TTr-THS1", "Tờ trình", "2024-05-20",
    [
        Row("Nguyễn Thị Hoà", "Giáo viên", UNIT_A, LDTT),
        Row("Lò Văn Thủy", "Tổ trưởng chuyên môn", UNIT_A, LDTT),
        Row("Trần Văn Nam", "Giáo viên", UNIT_B_WRITTEN, LDTT),
        Row("Phạm Thị Mai", "", UNIT_A, CSTDCS),
        Row("Tổ khối 4-5", "", UNIT_A, TTLDTT),
        Row("Nguyễn Thị Hòa", "Giáo viên", UNIT_A, GK_TP),
    ],
    staff=45, stated={LDTT: 4, CSTDCS: 1, TTLDTT: 1, GK_TP: 1},
)

SCHOOL_B = School(
    "b", "TRƯỜNG THCS NGUYỄN TRÃI", "12/BC-THCSNT", "Báo cáo", "2024-05-22",
    [
        Row("Trần Văn Nam", "Giáo viên", "", LDTT),
        Row("Hoàng Thị Lan", "Tổ trưởng", "", LDTT),
        Row("Vũ Đức Minh", "Tổ trưởng", "", LDTT),  # written "nt" under Hoàng Thị Lan's Tổ trưởng
        Row("Hoàng Thị Lan", "Tổ trưởng", "", CSTDCS),
        Row("Đặng Văn Hùng", "Hiệu trưởng", "", GK_CT),
        Row("", "Giáo viên", "", GK_CT),
    ],
    staff=38, stated={LDTT: 3, CSTDCS: 1},
)

SCHOOL_C = School(
    "c", "TRƯỜNG MẦM NON HOA BAN", "08/TTr-MNHB", "Tờ trình", "2024-05-24",
    [
        Row("Lường Thị Thu", "Giáo viên", "", LDTT),
        Row("Quàng Văn Sơn", "Nhân viên", "", LDTT),
        Row("Đỗ Thị Ngọc Anh", "Phó Hiệu trưởng", "", LDTT),
        Row("Cà Thị Duyên", "Giáo viên", "", LDTT),
        Row("Tổ chuyên môn Mẫu giáo", "", "", TTLDTT),
    ],
    staff=26, stated={LDTT: 4, TTLDTT: 1},
)

SCHOOLS = {"a": SCHOOL_A, "b": SCHOOL_B, "c": SCHOOL_C}
__all__ = ["SCHOOLS", "school_a", "school_b", "school_c_docx", "school_c_scan", "scan", "soffice_available"]


# ------------------------------------------------------------------ building blocks


def _document() -> Document:
    document = new_document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)
    return document


def _centered(document: Document, text: str, *, bold: bool = False) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = bold


def _header(document: Document, school: School, place_date: str, doc_name: str, subject: str) -> None:
    two_column_table(document, [PARENT, school.issuer, f"Số: {school.ref}"], [*MOTTO, place_date])
    _centered(document, doc_name, bold=True)
    _centered(document, subject, bold=True)


def _signer(document: Document, title: str, name: str) -> None:
    one_row_block(document, ["Nơi nhận:", "- Như trên;", "- Lưu: VT."], [title, "(Đã ký)", name])


# ------------------------------------------------------------------ the three schools


def school_a() -> bytes:
    """Tờ trình with TT | Họ và tên | Chức vụ | Đơn vị | Danh hiệu đề nghị | Ghi chú."""
    document = _document()
    _header(document, SCHOOL_A, "Mường Ảng, ngày 20 tháng 5 năm 2024", "TỜ TRÌNH",
            "Về việc đề nghị công nhận danh hiệu thi đua và hình thức khen thưởng năm học 2023-2024")
    document.add_paragraph(OFFICE)
    document.add_paragraph(
        "Căn cứ kết quả bình xét thi đua năm học 2023-2024 của Hội đồng Thi đua - Khen thưởng nhà trường, "
        "Trường Tiểu học số 1 Mường Ảng kính trình Phòng Giáo dục và Đào tạo xem xét như sau:")
    document.add_paragraph("Tổng số cán bộ, giáo viên, nhân viên: 45 người.")
    document.add_paragraph(
        "Trường đề nghị 4 cá nhân đạt danh hiệu Lao động tiên tiến, 1 cá nhân đạt danh hiệu Chiến sĩ thi đua "
        "cơ sở, 1 tập thể đạt danh hiệu Tập thể lao động tiên tiến và 1 cá nhân được tặng Giấy khen của "
        "Trưởng phòng Giáo dục và Đào tạo (có danh sách kèm theo).")
    _centered(document, "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", bold=True)
    rows = [["TT", "Họ và tên", "Chức vụ", "Đơn vị", "Danh hiệu đề nghị", "Ghi chú"]]
    written = {LDTT: "Lao động tiên tiến", CSTDCS: "Chiến sĩ thi đua cơ sở",
               TTLDTT: "Tập thể Lao động tiên tiến", GK_TP: "Giấy khen của Trưởng phòng GD&ĐT"}
    for i, row in enumerate(SCHOOL_A.rows, 1):
        note = "Dạy liên trường" if row.name == "Trần Văn Nam" else ""
        rows.append([str(i), row.name, row.position, row.unit, written[row.title], note])
    table = data_table(document, rows)
    table.cell(1, 3).merge(table.cell(2, 3)).text = UNIT_A  # one Đơn vị cell for the first two people
    document.add_paragraph("Trường Tiểu học số 1 Mường Ảng kính trình Phòng Giáo dục và Đào tạo xem xét, quyết định./.")
    _signer(document, "HIỆU TRƯỞNG", "Lê Văn Bình")
    return to_bytes(document)


def school_b() -> bytes:
    """Báo cáo, no Đơn vị column: danh hiệu as group rows in one table and as the heading of another."""
    document = _document()
    _header(document, SCHOOL_B, "Mường Ảng, ngày 22 tháng 5 năm 2024", "BÁO CÁO",
            "Kết quả bình xét thi đua, khen thưởng năm học 2023-2024")
    document.add_paragraph(OFFICE)
    document.add_paragraph("Tổng số CB, GV, NV của nhà trường: 38 người.")
    document.add_paragraph(
        "Nhà trường đề nghị công nhận danh hiệu Lao động tiên tiến cho 03 cá nhân; "
        "danh hiệu Chiến sĩ thi đua cơ sở: 01 cá nhân.")
    _centered(document, "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", bold=True)
    rows = [["TT", "Họ và tên", "Chức vụ", "Ghi chú"],
            ["I. Danh hiệu Lao động tiên tiến (03 người)", "", "", ""],
            ["1", "Trần Văn Nam", "Giáo viên", ""],
            ["2", "Hoàng Thị Lan", "Tổ trưởng", ""],
            ["3", "Vũ Đức Minh", "nt", ""],
            ["II. Danh hiệu Chiến sĩ thi đua cơ sở", "", "", ""],
            ["1", "Hoàng Thị Lan", "Tổ trưởng", ""],
            ["Tổng cộng: 04 lượt cá nhân", "", "", ""]]
    table = data_table(document, rows)
    for r in (1, 5, 7):
        table.cell(r, 0).merge(table.cell(r, 3)).text = rows[r][0]
    document.add_paragraph("III. Giấy khen của Chủ tịch UBND huyện")
    data_table(document, [["STT", "Họ và tên", "Chức vụ"],
                          ["1", "Đặng Văn Hùng", "Hiệu trưởng"],
                          ["2", "", "Giáo viên"]])
    document.add_paragraph("Trên đây là báo cáo kết quả bình xét thi đua, khen thưởng của nhà trường./.")
    _signer(document, "HIỆU TRƯỞNG", "Phan Thị Hằng")
    return to_bytes(document)


def school_c_docx() -> bytes:
    """The Word original of the scanned submission: TT | Họ và tên | Chức vụ | Danh hiệu đề nghị."""
    document = _document()
    _header(document, SCHOOL_C, "Mường Ảng, ngày 24 tháng 5 năm 2024", "TỜ TRÌNH",
            "Về việc đề nghị công nhận danh hiệu thi đua năm học 2023-2024")
    document.add_paragraph(OFFICE)
    document.add_paragraph("Tổng số cán bộ, giáo viên, nhân viên: 26 người.")
    document.add_paragraph(
        "Trường đề nghị 4 cá nhân đạt danh hiệu Lao động tiên tiến và 1 tập thể đạt danh hiệu "
        "Tập thể lao động tiên tiến.")
    _centered(document, "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", bold=True)
    rows = [["TT", "Họ và tên", "Chức vụ", "Danh hiệu đề nghị"]]
    rows += [[str(i), r.name, r.position, r.title] for i, r in enumerate(SCHOOL_C.rows, 1)]
    data_table(document, rows)
    _signer(document, "HIỆU TRƯỞNG", "Lò Thị Hương")
    return to_bytes(document)


def scan(docx_bytes: bytes, dpi: int = 300) -> bytes:
    """Print ``docx_bytes`` with LibreOffice, rasterize each page, wrap the pictures as a PDF with no text layer."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(convert(docx_bytes, "pdf"))
    try:
        pages = [pdf[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(pdf))]
    finally:
        pdf.close()
    out = io.BytesIO()
    pages[0].save(out, format="PDF", resolution=float(dpi), save_all=True, append_images=pages[1:])
    return out.getvalue()


def school_c_scan() -> bytes:
    return scan(school_c_docx())
