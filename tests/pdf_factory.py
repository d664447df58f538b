"""Build small Vietnamese PDFs in tests, so the PDF reader is tested on files we control.

reportlab lays out an official letter the way Word does: a two-column header
table without borders, justified paragraphs with a first-line indent that run
onto the next page, a bordered task table that splits across pages and repeats
its header row, page numbers at the top, and the Nơi nhận | signer block.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR, BOLD = "DejaVuSerif", "DejaVuSerif-Bold"

PARENT = "UBND TỈNH QUẢNG NGÃI"
ISSUER = "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
NUMBER = "Số: 12/KH-SGDĐT"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PLACE_DATE = "Quảng Ngãi, ngày 05 tháng 3 năm 2024"
TITLE = "KẾ HOẠCH"
SUBJECT = "Thực hiện công tác thi đua, khen thưởng năm 2024"
BASIS = ("Căn cứ Kế hoạch số 217/KH-SGDĐT ngày 28/01/2024 của Sở Giáo dục và Đào tạo về thực hiện "
         "công tác thi đua, khen thưởng năm 2024; Tiếp theo Hướng dẫn số 994/HD-PGDĐT ngày 25/8/2023 "
         "của Phòng Giáo dục và Đào tạo về hướng dẫn thi đua năm học 2023-2024.")
FILLER = ("Các đơn vị trường học tổ chức phát động phong trào thi đua yêu nước gắn với nhiệm vụ năm học, "
          "bảo đảm thiết thực, hiệu quả, tránh hình thức và lãng phí, tạo sự chuyển biến rõ nét về nhận thức "
          "và hành động của cán bộ, giáo viên, nhân viên và học sinh toàn ngành.")
TASKS = [
    (str(i), f"Nhiệm vụ số {i}: tổ chức phát động, triển khai và tổng hợp kết quả phong trào thi đua của các đơn vị",
     "Phòng GD&ĐT", "Các trường MN, TH, THCS trực thuộc", f"Tháng {i % 12 + 1:02d}/2024")
    for i in range(1, 19)
]
RECIPIENTS = ["Nơi nhận:", "- Như trên;", "- UBND tỉnh (b/c);", "- Lưu: VT, TĐKT."]
SIGNER_TITLE, SIGNER_NAME = "GIÁM ĐỐC", "Nguyễn Văn An"


def _fonts() -> None:
    if REGULAR not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSerif.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSerif-Bold.ttf")))


def _styles() -> dict[str, ParagraphStyle]:
    _fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=12, leading=16, alignment=TA_JUSTIFY,
                          firstLineIndent=10 * mm, spaceAfter=4)
    return {
        "body": body,
        "centre": ParagraphStyle("centre", parent=body, alignment=TA_CENTER, firstLineIndent=0),
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, alignment=TA_CENTER, firstLineIndent=0),
        "heading": ParagraphStyle("heading", parent=body, fontName=BOLD, firstLineIndent=0),
        "header": ParagraphStyle("header", fontName=REGULAR, fontSize=10, leading=13, alignment=TA_CENTER),
        "cell": ParagraphStyle("cell", fontName=REGULAR, fontSize=11, leading=14),
        "small": ParagraphStyle("small", fontName=REGULAR, fontSize=10, leading=13),
    }


def _page_number(c: canvas.Canvas, doc: SimpleDocTemplate) -> None:
    """Page numbers centred at the top from page 2, as Nghị định 30/2020 prescribes."""
    if doc.page > 1:
        c.setFont(REGULAR, 12)
        c.drawCentredString(A4[0] / 2, A4[1] - 12 * mm, str(doc.page))


def official_letter(*, paragraphs: int = 6, with_table: bool = True) -> bytes:
    """A Kế hoạch with header columns, long paragraphs, a task table and the signer block."""
    st = _styles()
    story: list = []
    hd = st["header"]
    left = [Paragraph(PARENT, hd), Paragraph(f"<b>{ISSUER}</b>", hd), Paragraph(NUMBER, hd)]
    right = [Paragraph("<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>", hd), Paragraph(f"<b>{MOTTO}</b>", hd),
             Paragraph(PLACE_DATE, hd)]
    story.append(Table([[left, right]], colWidths=[75 * mm, 95 * mm], style=[("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [Spacer(1, 8 * mm), Paragraph(TITLE, st["title"]), Paragraph(SUBJECT, st["title"]), Spacer(1, 4 * mm)]
    story.append(Paragraph(BASIS, st["body"]))
    story.append(Paragraph("I. MỤC ĐÍCH, YÊU CẦU", st["heading"]))
    story.append(Paragraph("1. Mục đích", st["heading"]))
    story += [Paragraph(f"{k + 1}) {FILLER} {FILLER}", st["body"]) for k in range(paragraphs)]
    if with_table:
        story.append(Paragraph("II. NHIỆM VỤ CỤ THỂ", st["heading"]))
        header = ["TT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian"]
        rows = [[Paragraph(c, st["cell"]) for c in header]]
        rows += [[Paragraph(c, st["cell"]) for c in task] for task in TASKS]
        table = Table(rows, colWidths=[10 * mm, 65 * mm, 30 * mm, 40 * mm, 25 * mm], repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(table)
    story.append(Paragraph("Trên đây là Kế hoạch thi đua năm 2024 của Sở Giáo dục và Đào tạo./.", st["body"]))
    story.append(Spacer(1, 4 * mm))
    left = [Paragraph(f"<b>{RECIPIENTS[0]}</b>", st["small"])] + [Paragraph(r, st["small"]) for r in RECIPIENTS[1:]]
    right = [Paragraph(f"<b>{SIGNER_TITLE}</b>", st["centre"]), Spacer(1, 18 * mm),
             Paragraph(f"<b>{SIGNER_NAME}</b>", st["centre"])]
    story.append(Table([[left, right]], colWidths=[85 * mm, 85 * mm], style=[("VALIGN", (0, 0), (-1, -1), "TOP")]))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=30 * mm, rightMargin=20 * mm,
                            topMargin=20 * mm, bottomMargin=20 * mm)
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buf.getvalue()


def lines_pdf(pages: list[list[str]], *, user_password: str | None = None, owner_password: str | None = None,
              invisible: bool = False, image: bytes | None = None) -> bytes:
    """One line of text per entry, page by page; optionally encrypted, or as a scan.

    ``image`` (PNG bytes) is drawn over the whole page, as a scanner does;
    ``invisible`` writes the text in render mode 3, like a scanner's OCR layer.
    """
    _fonts()
    buf = io.BytesIO()
    encrypt = None
    if user_password is not None or owner_password is not None:
        from reportlab.lib.pdfencrypt import StandardEncryption

        encrypt = StandardEncryption(user_password or "", ownerPassword=owner_password or "owner", strength=128)
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt)
    for lines in pages:
        if image is not None:
            from reportlab.lib.utils import ImageReader

            c.drawImage(ImageReader(io.BytesIO(image)), 0, 0, width=A4[0], height=A4[1])
        text = c.beginText(30 * mm, A4[1] - 30 * mm)
        text.setFont(REGULAR, 12)
        if invisible:
            text.setTextRenderMode(3)
        for line in lines:
            text.textLine(line)
        c.drawText(text)
        c.showPage()
    c.save()
    return buf.getvalue()


def render_png(pdf: bytes, page: int = 0, dpi: int = 200) -> bytes:
    """A page of ``pdf`` as PNG bytes: the picture a scanner would have taken."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    image = doc[page].render(scale=dpi / 72).to_pil()
    out = io.BytesIO()
    image.save(out, format="PNG")
    doc.close()
    return out.getvalue()
