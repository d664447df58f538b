"""Build the docxtpl templates from code, so their layout is reviewable and reproducible.

Run ``python templates/build.py`` to (re)write ``templates/ke_hoach.docx``. The layout
follows Nghị định 30/2020/NĐ-CP Phụ lục I (see ../shared/domain/FORMATS.md): A4, margins
top/bottom 20 mm, left 30 mm, right 15 mm, Times New Roman, a borderless two-column header
table (issuer | Quốc hiệu, Tiêu ngữ), italic place and date, bold centred type name and
trích yếu, body 14 pt, task table, Nơi nhận and signer block.

Jinja tags are docxtpl's: ``{{ }}`` for values, ``{%p %}`` for paragraph loops and
conditions, ``{%tr %}`` for table-row loops.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

HERE = Path(__file__).resolve().parent
FONT = "Times New Roman"

# Sizes in points, each inside the range Phụ lục I allows.
ISSUER_PT = 12
NATIONAL_PT = 12
MOTTO_PT = 14
NUMBER_PT = 13
DATE_PT = 14
TITLE_PT = 14
BODY_PT = 14
TABLE_PT = 12
RECIPIENT_LABEL_PT = 12
RECIPIENT_PT = 11
SIGNER_PT = 14

CENTER = WD_ALIGN_PARAGRAPH.CENTER
LEFT = WD_ALIGN_PARAGRAPH.LEFT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


def _set_east_asian_font(run) -> None:
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def para(container, text: str = "", *, size: int = BODY_PT, bold: bool = False, italic: bool = False,
         align=JUSTIFY, indent_first: bool = False, space_after: int = 6):
    """Add one paragraph with one run of ``text`` to ``container`` (document or cell)."""
    p = container.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(space_after)
    if indent_first:
        fmt.first_line_indent = Mm(10)
    if text:
        run = p.add_run(text)
        run.font.name = FONT
        run.font.size = Pt(size)
        run.bold = bold
        run.italic = italic
        _set_east_asian_font(run)
    return p


def _rule(cell, *, indent_mm: float) -> None:
    """A short centred rule (under the Tiêu ngữ and the issuer): an empty 1 pt paragraph with a
    bottom border, indented so the line is shorter than the cell."""
    p = para(cell, "", align=CENTER, space_after=6)
    p.paragraph_format.line_spacing = Pt(1)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    bdr.append(bottom)
    # Word rejects pPr children out of schema order: pBdr goes before shd/tabs/spacing/ind/jc.
    ppr.insert_element_before(bdr, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku",
                              "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
                              "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
                              "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                              "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                              "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
                              "w:rPr", "w:sectPr", "w:pPrChange")
    p.paragraph_format.left_indent = Mm(indent_mm)
    p.paragraph_format.right_indent = Mm(indent_mm)


def _no_borders(table) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    # Schema order: tblBorders comes before shd, tblLayout, tblCellMar, tblLook.
    tblpr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def _clear_cell(cell) -> None:
    """Table cells start with one empty paragraph; drop it so ``para`` controls the content."""
    for p in list(cell.paragraphs):
        p._p.getparent().remove(p._p)


def _widths(table, widths_mm: list[float]) -> None:
    """Fix column widths in the grid (LibreOffice reads it) and in every cell (Word reads those)."""
    table.autofit = False
    for col, w in zip(table._tbl.tblGrid.gridCol_lst, widths_mm, strict=True):
        col.w = Mm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(w)


def _keep_row_together(row) -> None:
    """Do not split the Nơi nhận / signer row across pages."""
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def build_ke_hoach(path: Path) -> Path:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    style.element.get_or_add_rPr()
    rfonts = style.element.rPr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        style.element.rPr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)

    # Body paragraphs: python-docx's Document() starts with no paragraph, fine.
    # --- Header: issuer | Quốc hiệu, Tiêu ngữ ---
    header = doc.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(header)
    _widths(header, [65, 100])
    left, right = header.rows[0].cells
    _clear_cell(left)
    _clear_cell(right)
    para(left, "{%p if parent_issuer %}", align=CENTER, space_after=0)
    para(left, "{{ parent_issuer|upper }}", size=ISSUER_PT, align=CENTER, space_after=0)
    para(left, "{%p endif %}", align=CENTER, space_after=0)
    para(left, "{{ issuer|upper }}", size=ISSUER_PT, bold=True, align=CENTER, space_after=0)
    _rule(left, indent_mm=20)
    para(left, "Số: {{ number }}/{{ symbol }}", size=NUMBER_PT, align=CENTER, space_after=0)

    para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=NATIONAL_PT, bold=True, align=CENTER,
         space_after=0)
    para(right, "Độc lập - Tự do - Hạnh phúc", size=MOTTO_PT, bold=True, align=CENTER, space_after=0)
    _rule(right, indent_mm=19)
    para(right, "{{ place }}, {{ date_text }}", size=DATE_PT, italic=True, align=CENTER, space_after=0)

    # --- Tên loại và trích yếu ---
    para(doc, "", space_after=6)
    para(doc, "KẾ HOẠCH", size=TITLE_PT, bold=True, align=CENTER, space_after=0)
    para(doc, "{{ subject }}", size=TITLE_PT, bold=True, align=CENTER, space_after=12)

    # --- Căn cứ ---
    para(doc, "{%p for line in bases %}")
    para(doc, "{{ line }}", size=BODY_PT, italic=True, indent_first=True)
    para(doc, "{%p endfor %}")
    para(doc, "{%p if intro %}")
    para(doc, "{{ intro }}", size=BODY_PT, indent_first=True)
    para(doc, "{%p endif %}")

    # --- Sections ---
    para(doc, "{%p for s in sections %}")
    para(doc, "{{ s.title }}", size=BODY_PT, bold=True, indent_first=True)
    para(doc, "{%p for line in s.paragraphs %}")
    para(doc, "{{ line }}", size=BODY_PT, indent_first=True)
    para(doc, "{%p endfor %}")
    para(doc, "{%p endfor %}")

    # --- Task table ---
    para(doc, "{{ tasks_title }}", size=BODY_PT, bold=True, indent_first=True)
    tasks = doc.add_table(rows=4, cols=5)
    tasks.style = doc.styles["Table Grid"]
    tasks.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(tasks, [10, 60, 33, 35, 27])
    heads = ["TT", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian"]
    for cell, text in zip(tasks.rows[0].cells, heads, strict=True):
        _clear_cell(cell)
        para(cell, text, size=TABLE_PT, bold=True, align=CENTER, space_after=0)
    _clear_cell(tasks.rows[1].cells[0])
    para(tasks.rows[1].cells[0], "{%tr for t in tasks %}", size=TABLE_PT, space_after=0)
    row = tasks.rows[2].cells
    values = [
        ("{{ t.index or loop.index }}", CENTER),
        ("{{ t.text }}", JUSTIFY),
        ("{{ t.lead|join(', ') }}", CENTER),
        ("{{ t.partners|join(', ') }}", CENTER),
        ("{{ t.timeframe }}", CENTER),
    ]
    for cell, (text, align) in zip(row, values, strict=True):
        _clear_cell(cell)
        para(cell, text, size=TABLE_PT, align=align, space_after=0)
    _clear_cell(tasks.rows[3].cells[0])
    para(tasks.rows[3].cells[0], "{%tr endfor %}", size=TABLE_PT, space_after=0)

    # --- Closing with the end mark ---
    para(doc, "", space_after=0)
    para(doc, "{{ closing }}./.", size=BODY_PT, indent_first=True, space_after=12)

    # --- Nơi nhận | signer ---
    foot = doc.add_table(rows=1, cols=2)
    _no_borders(foot)
    _widths(foot, [85, 80])
    _keep_row_together(foot.rows[0])
    recv, sign = foot.rows[0].cells
    _clear_cell(recv)
    _clear_cell(sign)
    para(recv, "Nơi nhận:", size=RECIPIENT_LABEL_PT, bold=True, italic=True, align=LEFT, space_after=0)
    para(recv, "{%p for r in recipients %}", align=LEFT, space_after=0)
    para(recv, "- {{ r }}{{ '.' if loop.last else ';' }}", size=RECIPIENT_PT, align=LEFT, space_after=0)
    para(recv, "{%p endfor %}", align=LEFT, space_after=0)

    para(sign, "{%p if signer_authority %}", align=CENTER, space_after=0)
    para(sign, "{{ signer_authority|upper }}", size=SIGNER_PT, bold=True, align=CENTER, space_after=0)
    para(sign, "{%p endif %}", align=CENTER, space_after=0)
    para(sign, "{{ signer_title|upper }}", size=SIGNER_PT, bold=True, align=CENTER, space_after=0)
    for _ in range(4):
        para(sign, "", size=SIGNER_PT, align=CENTER, space_after=0)
    para(sign, "{{ signer_name }}", size=SIGNER_PT, bold=True, align=CENTER, space_after=0)

    doc.save(path)
    return path


def main() -> None:
    out = build_ke_hoach(HERE / "ke_hoach.docx")
    print(out)


if __name__ == "__main__":
    main()
