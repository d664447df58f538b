"""Build the docxtpl templates and their manifests from code, so the layout is reviewable and reproducible.

Run ``python templates/build.py`` to (re)write every ``templates/NAME.docx`` and
``templates/NAME.manifest.json``; the example contexts ``NAME.example.json`` are written by hand.
The layout follows Nghị định 30/2020/NĐ-CP, Phụ lục I and the model layouts of Phụ lục III (see
../shared/domain/FORMATS.md): A4, margins top/bottom 20 mm, left 30 mm, right 15 mm, Times New
Roman, a borderless two-column header table (issuer | Quốc hiệu, Tiêu ngữ) with short rules,
italic place and date, bold centred type name and trích yếu over a short rule, Căn cứ lines in
italics, body 14 pt, Nơi nhận (12/11 pt) beside the signer block, and the ``./.`` end mark.

Every shared piece (page, header, title, Căn cứ, tables, Nơi nhận | signer) is written once below;
a template's builder only lists its own blocks. Jinja tags are docxtpl's: ``{{ }}`` for values,
``{%p %}`` for paragraph loops and conditions, ``{%tr %}`` for table-row loops and ``{%tc %}`` for
table-column loops; each such tag stands alone in its own paragraph, row or cell, which docxtpl
removes when it renders.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

HERE = Path(__file__).resolve().parent
FONT = "Times New Roman"
TEXT_MM = 165  # A4 width 210 mm less the 30 mm left and 15 mm right margins

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
DIGEST_PT = 13  # the one-page internal digest uses the small end of the 13–14 pt body range
DENSE_TABLE_PT = 11  # tables with many columns (the consolidated report, the digest)

CENTER = WD_ALIGN_PARAGRAPH.CENTER
LEFT = WD_ALIGN_PARAGRAPH.LEFT
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY

END_MARK = "./."

# Word rejects pPr children out of schema order: these may follow a paragraph border.
_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
               "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
               "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
               "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
               "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_AFTER_TBLBORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                     "w:tblDescription", "w:tblPrChange")
_AFTER_TBLCELLMAR = _AFTER_TBLBORDERS[3:]


# --- text ----------------------------------------------------------------------------------

def _set_fonts(rpr) -> None:
    """Name the font for every script, or Word falls back to its theme font for Vietnamese marks."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def add_run(p, text: str, *, size: float = BODY_PT, bold: bool = False, italic: bool = False):
    """One run with explicit font, size and style, so the layout never depends on Word's styles."""
    run = p.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    _set_fonts(run._element.get_or_add_rPr())
    return run


def para(container, text: str = "", *, size: float = BODY_PT, bold: bool = False, italic: bool = False,
         align=JUSTIFY, indent_first: bool = False, indent_left_mm: float = 0, space_before: float = 0,
         space_after: float = 6, keep_next: bool = False):
    """Add one paragraph with one run of ``text`` to ``container`` (document or cell).

    ``indent_first`` is the 1 cm first-line indent of body text; ``space_after`` defaults to the
    6 pt minimum between body paragraphs."""
    p = container.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before = Pt(space_before)
    fmt.space_after = Pt(space_after)
    if keep_next:
        fmt.keep_with_next = True
    if indent_first:
        fmt.first_line_indent = Mm(10)
    if indent_left_mm:
        fmt.left_indent = Mm(indent_left_mm)
    if text:
        add_run(p, text, size=size, bold=bold, italic=italic)
    return p


def tag(container, text: str) -> None:
    """A paragraph holding only a ``{%p ... %}`` tag; docxtpl drops the whole paragraph."""
    para(container, text, space_after=0)


@contextmanager
def when(container, condition: str) -> Iterator[None]:
    """Paragraphs (and tables) added inside appear only if ``condition`` holds."""
    tag(container, f"{{%p if {condition} %}}")
    yield
    tag(container, "{%p endif %}")


@contextmanager
def each(container, loop: str) -> Iterator[None]:
    """Paragraphs added inside repeat for ``loop`` (``x in items``)."""
    tag(container, f"{{%p for {loop} %}}")
    yield
    tag(container, "{%p endfor %}")


def lines(container, loop: str, text: str, **fmt) -> None:
    """One paragraph per item: the Căn cứ lines, a section's paragraphs, the Nơi nhận items."""
    with each(container, loop):
        para(container, text, **fmt)


def hairline(container, *, space_before: float = 0, space_after: float = 0):
    """An empty paragraph exactly 1 pt high: the carrier of a rule, a page break, the last line."""
    p = para(container, "", align=CENTER, space_before=space_before, space_after=space_after)
    p.paragraph_format.line_spacing = Pt(1)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    return p


def rule(container, *, width_mm: float, within_mm: float) -> None:
    """A short centred rule (under the Tiêu ngữ, the issuer, the trích yếu): an empty 1 pt paragraph
    with a bottom border, indented so the line is ``width_mm`` long; 3 pt above it keep the line
    clear of the descenders (g, y, ậ) of the text over it."""
    p = hairline(container, space_before=3, space_after=6)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    p._p.get_or_add_pPr().insert_element_before(border, *_AFTER_PBDR)
    indent = Mm((within_mm - width_mm) / 2)
    p.paragraph_format.left_indent = indent
    p.paragraph_format.right_indent = indent


def page_break(doc) -> None:
    """Start a new page (the annex): a 1 pt paragraph that breaks before itself, so the new page
    starts without an empty line."""
    hairline(doc).paragraph_format.page_break_before = True


# --- tables --------------------------------------------------------------------------------

class Cell(NamedTuple):
    """One cell of a table row: its text (a ``\\n`` starts a new paragraph) and format."""

    text: str
    align: Any = LEFT
    bold: bool = False
    italic: bool = False


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.insert_element_before(borders, *_AFTER_TBLBORDERS)


def _cell_margins(table, mm: float) -> None:
    """Narrow left/right cell margins (Word's default is 1.9 mm): more room for text in tight columns."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(round(mm * 1440 / 25.4)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    table._tbl.tblPr.insert_element_before(margins, *_AFTER_TBLCELLMAR)


def _widths(table, widths_mm: list[float]) -> None:
    """Fix column widths in the grid (LibreOffice reads it) and in every cell (Word reads those).
    Rows added later copy the grid's widths."""
    table.autofit = False
    for col, w in zip(table._tbl.tblGrid.gridCol_lst, widths_mm, strict=True):
        col.w = Mm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(w)


def _clear_cell(cell) -> None:
    """Table cells start with one empty paragraph; drop it so ``para`` controls the content."""
    for p in list(cell.paragraphs):
        p._p.getparent().remove(p._p)


def _row_flag(row, name: str) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement(f"w:{name}"))


def fill(cell, spec: Cell | str, *, size: float = TABLE_PT) -> None:
    """Write ``spec`` into ``cell``, one paragraph per line of its text."""
    spec = Cell(spec) if isinstance(spec, str) else spec
    _clear_cell(cell)
    for text in spec.text.split("\n"):
        para(cell, text, size=size, bold=spec.bold, italic=spec.italic, align=spec.align, space_after=0)


def new_table(doc, widths_mm: list[float], *, rows: int = 1, borders: bool = True):
    """A fixed-width centred table; bordered tables use Word's built-in "Table Grid" style."""
    table = doc.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if borders:
        table.style = doc.styles["Table Grid"]
    else:
        _no_borders(table)
    _widths(table, widths_mm)
    return table


def grid_table(doc, heads: list[str], widths_mm: list[float], *, size: float = TABLE_PT, dense: bool = False):
    """A bordered table with a bold centred header row that repeats on every page; ``dense``
    tables narrow their cell margins to 1 mm."""
    table = new_table(doc, widths_mm)
    if dense:
        _cell_margins(table, 1)
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        fill(cell, Cell(text, CENTER, bold=True), size=size)
    _row_flag(table.rows[0], "tblHeader")
    return table


def add_row(table, cells: list[Cell | str], *, size: float = TABLE_PT):
    row = table.add_row()
    for cell, spec in zip(row.cells, cells, strict=True):
        fill(cell, spec, size=size)
    return row


def tag_row(table, text: str) -> None:
    """A row holding only a ``{%tr ... %}`` tag; docxtpl drops the whole row."""
    fill(table.add_row().cells[0], text)


def merged_row(table, spec: Cell, *, first: int = 0, last: int | None = None, size: float = TABLE_PT):
    """A row whose cells ``first``..``last`` are one (group headings, the totals label)."""
    row = table.add_row()
    cells = row.cells
    merged = cells[first].merge(cells[-1 if last is None else last])
    fill(merged, spec, size=size)
    return row


def loop_rows(table, loop: str, cells: list[Cell | str], *, size: float = TABLE_PT) -> None:
    """One row of ``cells`` per item of ``loop`` (``t in tasks``)."""
    tag_row(table, f"{{%tr for {loop} %}}")
    add_row(table, cells, size=size)
    tag_row(table, "{%tr endfor %}")


class Scale(NamedTuple):
    """Sizes and spacing of a list or table section: the documents' own, or the digest's compact one."""

    text: float = BODY_PT
    table: float = TABLE_PT
    dense: bool = False
    around_heading: tuple[float, float] = (6, 6)
    after_item: float = 6


NORMAL = Scale()
COMPACT = Scale(DIGEST_PT, DENSE_TABLE_PT, dense=True, around_heading=(3, 2), after_item=0)


def list_section(doc, items: str, title: str, text: str, *, scale: Scale = NORMAL) -> None:
    """A bold heading and one paragraph per item of ``items`` (``x`` in ``text``); nothing at all
    when the list is empty."""
    with when(doc, items):
        heading(doc, title, size=scale.text, space=scale.around_heading)
        lines(doc, f"x in {items}", text, size=scale.text, indent_first=True, space_after=scale.after_item)


def table_section(doc, items: str, title: str, heads: list[str], widths_mm: list[float],
                  cells: list[Cell | str], *, scale: Scale = NORMAL):
    """A bold heading and a table with one row per item of ``items`` (``x`` in ``cells``); the whole
    section is left out when the list is empty, so a report never shows an empty table."""
    with when(doc, items):
        heading(doc, title, size=scale.text, space=scale.around_heading)
        table = grid_table(doc, heads, widths_mm, size=scale.table, dense=scale.dense)
        loop_rows(table, f"x in {items}", cells, size=scale.table)
    return table


# --- shared blocks -------------------------------------------------------------------------

def new_document():
    """An empty A4 portrait document with the decree's margins and Times New Roman as Normal."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    _set_fonts(style.element.get_or_add_rPr())
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    return doc


def header_block(doc, *, parent: str = "parent_issuer", unit: str = "issuer", numbered: bool = True,
                 dated: bool = True) -> None:
    """Ô 2–3 | ô 1 and 4 of Phụ lục I: issuer (with its parent) and Số on the left; Quốc hiệu,
    Tiêu ngữ and the italic place and date on the right; a short rule under each name.

    The Quốc hiệu at 12 pt bold is about 97 mm long and "UBND THÀNH PHỐ ĐIỆN BIÊN PHỦ" about 70 mm,
    more than the 165 mm text width holds, so the header is 176 mm wide, centred, 5.5 mm into each
    margin, with 1 mm cell margins."""
    header = new_table(doc, [75, 101], borders=False)
    _cell_margins(header, 1)
    left, right = header.rows[0].cells
    _clear_cell(left)
    _clear_cell(right)
    with when(left, parent):
        para(left, f"{{{{ {parent}|upper }}}}", size=ISSUER_PT, align=CENTER, space_after=0)
    para(left, f"{{{{ {unit}|upper }}}}", size=ISSUER_PT, bold=True, align=CENTER, space_after=0)
    rule(left, width_mm=25, within_mm=75)
    if numbered:
        para(left, "Số: {{ number_text }}/{{ symbol }}", size=NUMBER_PT, align=CENTER, space_after=0)

    para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=NATIONAL_PT, bold=True, align=CENTER,
         space_after=0)
    para(right, "Độc lập - Tự do - Hạnh phúc", size=MOTTO_PT, bold=True, align=CENTER, space_after=0)
    rule(right, width_mm=62, within_mm=101)
    if dated:
        para(right, "{{ place }}, {{ date_text }}", size=DATE_PT, italic=True, align=CENTER, space_after=0)


def title_block(doc, type_name: str, *, subject: str = "{{ subject }}", note: str | None = None,
                size: float = TITLE_PT) -> None:
    """Ô 5a: the type name and the trích yếu, bold and centred, then a short rule. ``note`` is an
    italic line under the trích yếu (the period of a report, the annex's reference)."""
    para(doc, "", space_after=6)
    para(doc, type_name, size=size, bold=True, align=CENTER, space_after=0, keep_next=True)
    if subject:
        para(doc, subject, size=size, bold=True, align=CENTER, space_after=0, keep_next=True)
    if note:
        para(doc, note, size=size, italic=True, align=CENTER, space_after=0, keep_next=True)
    rule(doc, width_mm=40, within_mm=TEXT_MM)


def heading(doc, text: str, *, size: float = BODY_PT, space: tuple[float, float] = (6, 6)) -> None:
    """A bold body heading (``I. MỤC ĐÍCH, YÊU CẦU``), kept with what follows it; ``space`` before
    it keeps it clear of a table above."""
    para(doc, text, size=size, bold=True, indent_first=True, space_before=space[0], space_after=space[1],
         keep_next=True)


def optional_para(doc, field: str, **fmt) -> None:
    """A body paragraph for an optional text field; nothing at all when it is empty."""
    with when(doc, field):
        para(doc, f"{{{{ {field} }}}}", indent_first=True, **fmt)


def addressees_block(doc) -> None:
    """Ô 9a, "Kính gửi" of a report sent upwards: on one centred line for one addressee, else one
    line each, dashes lined up under the colon (about 22 mm after "Kính gửi" at 14 pt), ``;``
    between and ``.`` at the end."""
    tag(doc, "{%p if addressees|length == 1 %}")
    para(doc, "Kính gửi: {{ addressees[0] }}.", align=CENTER, space_after=12)
    tag(doc, "{%p elif addressees %}")
    para(doc, "Kính gửi:", align=LEFT, indent_left_mm=30, space_after=0)
    lines(doc, "a in addressees", "- {{ a }}{{ '.' if loop.last else ';' }}", align=LEFT, indent_left_mm=52,
          space_after=0)
    para(doc, "", space_after=6)
    tag(doc, "{%p endif %}")


def bases_block(doc) -> None:
    """The Căn cứ lines, italic, one per line, as written in the context (``;`` and ``.`` included)."""
    lines(doc, "line in bases", "{{ line }}", italic=True, indent_first=True)


def sections_block(doc) -> None:
    """Sections ``{title, paragraphs}``: a bold title, then its paragraphs."""
    with each(doc, "s in sections"):
        heading(doc, "{{ s.title }}")
        lines(doc, "line in s.paragraphs", "{{ line }}", indent_first=True)


def closing_block(doc) -> None:
    """The closing paragraph, ending with the end mark ``./.``."""
    para(doc, "", space_after=0)
    para(doc, "{{ closing }}" + END_MARK, indent_first=True, space_after=12)


def recipients_and_signer(doc) -> None:
    """Ô 9b | ô 7: Nơi nhận (label 12 pt bold italic, items 11 pt, ``;`` between, ``.`` last) beside
    the signer's authority, title, room to sign and name, in one row that never splits."""
    foot = new_table(doc, [85, 80], borders=False)
    _row_flag(foot.rows[0], "cantSplit")
    recv, sign = foot.rows[0].cells
    _clear_cell(recv)
    _clear_cell(sign)
    para(recv, "Nơi nhận:", size=RECIPIENT_LABEL_PT, bold=True, italic=True, align=LEFT, space_after=0)
    lines(recv, "r in recipients", "- {{ r }}{{ '.' if loop.last else ';' }}", size=RECIPIENT_PT,
          align=LEFT, space_after=0)

    with when(sign, "signer_authority"):
        para(sign, "{{ signer_authority|upper }}", size=SIGNER_PT, bold=True, align=CENTER, space_after=0)
    para(sign, "{{ signer_title|upper }}", size=SIGNER_PT, bold=True, align=CENTER, space_after=0)
    for _ in range(4):
        para(sign, "", size=SIGNER_PT, align=CENTER, space_after=0)
    para(sign, "{{ signer_name }}", size=SIGNER_PT, bold=True, align=CENTER, space_after=0)


def end_paragraph(doc) -> None:
    """A 1 pt last paragraph after a closing table: Word and LibreOffice add a full empty line
    there otherwise, which can push a one-page document onto a second page."""
    hairline(doc)


def save(doc, path: Path) -> Path:
    doc.save(path)
    return path


def finish(doc, path: Path) -> Path:
    """The end of a plan or report: closing with its end mark, Nơi nhận | signer, saved."""
    closing_block(doc)
    recipients_and_signer(doc)
    return save(doc, path)


# --- manifest fields -----------------------------------------------------------------------

def text(label: str, *, required: bool = True, default: Any = None, **extra: Any) -> dict[str, Any]:
    """A ``string`` field; optional fields get a default (``None`` unless given)."""
    return _field("string", label, required, default, extra)


def date(label: str, *, required: bool = True) -> dict[str, Any]:
    return _field("date", label, required, None, {})


def items(label: str, item: dict[str, Any], *, required: bool = True, **extra: Any) -> dict[str, Any]:
    """A ``list`` of ``item``; an optional list defaults to ``[]``."""
    return _field("list", label, required, [], {"items": item, **extra})


def record(**fields: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "fields": fields}


def _field(kind: str, label: str, required: bool, default: Any, extra: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = {"type": kind, **extra, "required": required}
    if not required:
        spec["default"] = default
    spec["label"] = label
    return spec


STRING = {"type": "string"}

HEADER_FIELDS = {
    "parent_issuer": text("Cơ quan chủ quản", required=False),
    "issuer": text("Cơ quan ban hành"),
    "number": text("Số văn bản (để trống đến khi ký)", required=False, default=""),
    "symbol": text("Ký hiệu"),
    "place": text("Địa danh"),
    "date": date("Ngày ban hành (YYYY-MM-DD; để trống đến khi ký)", required=False),
    "year": text("Năm ghi khi chưa có ngày ban hành (mặc định: năm nay)", required=False,
                 pattern="^[0-9]{4}$"),
    "subject": text("Trích yếu"),
}

SIGNER_FIELDS = {
    "recipients": items("Nơi nhận", STRING),
    "signer_authority": text("Thẩm quyền ký (KT./TL./TM.)", required=False),
    "signer_title": text("Chức vụ người ký"),
    "signer_name": text("Họ tên người ký (để trống nếu chưa biết)", required=False, default=""),
}

BASES = items("Các dòng Căn cứ", STRING, required=False)
INTRO = text("Câu dẫn", required=False)
SECTIONS = record(title=text("Tên mục"), paragraphs=items("Các đoạn", STRING, required=False))
ADDRESSEES = items("Kính gửi", STRING, required=False)


def _optional_text(label: str) -> dict[str, Any]:
    """A table cell that may stay blank: an empty string, never ``None`` printed as text. Rows
    filled from extractions (received documents, tasks, citations) have only such cells, so one
    unreadable value never stops a whole report."""
    return text(label, required=False, default="")


class Template(NamedTuple):
    """A template: how to build its .docx and what its manifest says. The manifest's description
    is the first paragraph of the builder's docstring."""

    builder: Callable[[Path], Path]
    fields: dict[str, Any]
    doc_type: str
    doc_type_code: str | None
    heading: str


# --- ke_hoach ------------------------------------------------------------------------------

KE_HOACH_FIELDS = {
    **HEADER_FIELDS,
    "bases": BASES,
    "intro": INTRO,
    "sections": items("Các mục", SECTIONS),
    "tasks_title": text("Tiêu đề bảng nhiệm vụ", required=False, default="PHÂN CÔNG NHIỆM VỤ"),
    "tasks": items("Nhiệm vụ", record(
        index=text("TT", required=False),
        text=text("Nội dung"),
        lead=items("Đơn vị chủ trì", STRING),
        partners=items("Đơn vị phối hợp", STRING, required=False),
        timeframe=_optional_text("Thời gian"),
    )),
    "closing": text("Đoạn kết"),
    **SIGNER_FIELDS,
}


def build_ke_hoach(path: Path) -> Path:
    """Kế hoạch theo Nghị định 30/2020/NĐ-CP: thể thức, Căn cứ, các mục, bảng phân công nhiệm vụ,
    Nơi nhận, người ký."""
    doc = new_document()
    header_block(doc)
    title_block(doc, "KẾ HOẠCH")
    bases_block(doc)
    optional_para(doc, "intro")
    sections_block(doc)
    heading(doc, "{{ tasks_title }}")
    table = grid_table(doc, ["TT", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian"],
                       [10, 60, 33, 35, 27])
    loop_rows(table, "t in tasks", [Cell("{{ t.index or loop.index }}", CENTER), Cell("{{ t.text }}", JUSTIFY),
                                    Cell("{{ t.lead|join(', ') }}", CENTER),
                                    Cell("{{ t.partners|join(', ') }}", CENTER),
                                    Cell("{{ t.timeframe }}", CENTER)])
    return finish(doc, path)



# --- quyet_dinh ----------------------------------------------------------------------------

QUYET_DINH_FIELDS = {
    **HEADER_FIELDS,
    "authority": text("Thẩm quyền ban hành (TRƯỞNG PHÒNG ...)"),
    "bases": BASES,
    "proposal": text("Dòng đề nghị (Theo đề nghị của ...)", required=False),
    "articles": items("Các điều", record(
        text=text("Nội dung điều"),
        paragraphs=items("Các đoạn tiếp theo", STRING, required=False),
    )),
    **SIGNER_FIELDS,
    "annex": {**record(
        title=text("Tên loại của danh sách", required=False, default="Danh sách"),
        subtitle=text("Nội dung danh sách"),
        groups=items("Nhóm theo danh hiệu", record(
            title=text("Danh hiệu"),
            count=text("Số người (mặc định: đếm)", required=False),
            units=items("Đơn vị", record(
                unit=text("Tên đơn vị"),
                count=text("Số người (mặc định: đếm)", required=False),
                people=items("Cá nhân", record(
                    name=text("Họ và tên"),
                    position=_optional_text("Chức vụ"),
                    note=_optional_text("Ghi chú"),
                )),
            )),
        )),
    ), "required": False, "default": None, "label": "Danh sách kèm theo (trang riêng)"},
}


def build_quyet_dinh(path: Path) -> Path:
    """Quyết định (cá biệt) theo Mẫu 1.2/1.3 Phụ lục III Nghị định 30/2020/NĐ-CP: thẩm quyền ban
    hành, Căn cứ, Theo đề nghị, các Điều, Nơi nhận, người ký; danh sách kèm theo trên trang riêng.

    ``Điều N.`` is bold; the annex (a commendation's list) is optional, so the same template
    issues a plan."""
    doc = new_document()
    header_block(doc)
    title_block(doc, "QUYẾT ĐỊNH")
    para(doc, "{{ authority|upper }}", bold=True, align=CENTER, space_before=6, space_after=12)
    bases_block(doc)
    optional_para(doc, "proposal", italic=True)
    para(doc, "QUYẾT ĐỊNH:", bold=True, align=CENTER, space_before=6, space_after=12, keep_next=True)
    with each(doc, "a in articles"):
        # The end mark follows the last article's last paragraph, or its text if it has none.
        p = para(doc, "{% set last_article = loop.last %}Điều {{ loop.index }}.", bold=True, indent_first=True)
        add_run(p, " {{ a.text }}{{ '" + END_MARK + "' if loop.last and not a.paragraphs else '' }}")
        lines(doc, "line in a.paragraphs",
              "{{ line }}{{ '" + END_MARK + "' if loop.last and last_article else '' }}", indent_first=True)
    para(doc, "", space_after=6)
    recipients_and_signer(doc)
    with when(doc, "annex"):
        annex_block(doc)
    return save(doc, path)


def annex_block(doc) -> None:
    """The list annexed to a decision (Phụ lục III, văn bản kèm theo quyết định): header without
    number and date, DANH SÁCH, its subject, the italic "(Kèm theo Quyết định số …)" line, a rule,
    then TT | Họ và tên | Chức vụ | Ghi chú grouped by danh hiệu, then by unit. TT runs on within
    each danh hiệu group."""
    page_break(doc)
    header_block(doc, numbered=False, dated=False)
    title_block(doc, "{{ annex.title|upper }}", subject="{{ annex.subtitle }}",
                note="(Kèm theo Quyết định số {{ number_text }}/{{ symbol }} {{ date_text }} của {{ issuer }})")
    table = grid_table(doc, ["TT", "Họ và tên", "Chức vụ", "Ghi chú"], [12, 58, 60, 35])
    tag_row(table, "{%tr for g in annex.groups %}")
    merged_row(table, Cell("{% set tt = namespace(n=0) %}{{ g.title }} "
                           "({{ g.count or g.units|map(attribute='people')|map('length')|sum }} người)",
                           bold=True))
    tag_row(table, "{%tr for u in g.units %}")
    merged_row(table, Cell("{{ u.unit }} ({{ u.count or u.people|length }} người)", bold=True, italic=True))
    loop_rows(table, "p in u.people", [Cell("{% set tt.n = tt.n + 1 %}{{ tt.n }}", CENTER), "{{ p.name }}",
                                       "{{ p.position }}", "{{ p.note }}"])
    tag_row(table, "{%tr endfor %}")
    tag_row(table, "{%tr endfor %}")



# --- bao_cao -------------------------------------------------------------------------------

TASK_WIDTHS = [9, 66, 34, 26, 30]


def _task(last: str, label: str) -> dict[str, Any]:
    return record(text=_optional_text("Nhiệm vụ"), lead=_optional_text("Đơn vị chủ trì"),
                  due=_optional_text("Thời hạn"), **{last: _optional_text(label)})


BAO_CAO_FIELDS = {
    **HEADER_FIELDS,
    "period_from": date("Kỳ báo cáo từ ngày (YYYY-MM-DD)"),
    "period_to": date("Kỳ báo cáo đến ngày (YYYY-MM-DD)"),
    "addressees": ADDRESSEES,
    "intro": INTRO,
    "sections": items("Các mục", SECTIONS, required=False),
    "received_title": text("Tiêu đề bảng văn bản đến", required=False, default="VĂN BẢN ĐẾN TRONG KỲ"),
    "received": items("Văn bản đến trong kỳ", record(
        ref=_optional_text("Số, ký hiệu"),
        date=_optional_text("Ngày ban hành (dd/mm/yyyy)"),
        issuer=_optional_text("Cơ quan ban hành"),
        subject=_optional_text("Trích yếu"),
        deadline=_optional_text("Hạn xử lý"),
        status=_optional_text("Tình trạng xử lý"),
    ), required=False),
    "tasks_done_title": text("Tiêu đề bảng nhiệm vụ đã hoàn thành", required=False,
                             default="NHIỆM VỤ ĐÃ HOÀN THÀNH"),
    "tasks_done": items("Nhiệm vụ đã hoàn thành", _task("result", "Kết quả"), required=False),
    "tasks_due_title": text("Tiêu đề bảng nhiệm vụ đến hạn", required=False,
                            default="NHIỆM VỤ ĐẾN HẠN, CHƯA HOÀN THÀNH"),
    "tasks_due": items("Nhiệm vụ đến hạn", _task("status", "Tình trạng"), required=False),
    "proposals_title": text("Tiêu đề phần kiến nghị", required=False, default="KIẾN NGHỊ, ĐỀ XUẤT"),
    "proposals": items("Kiến nghị, đề xuất", STRING, required=False),
    "closing": text("Đoạn kết", required=False, default="Trên đây là báo cáo kết quả công tác trong kỳ"),
    **SIGNER_FIELDS,
}


def build_bao_cao(path: Path) -> Path:
    """Báo cáo định kỳ theo Mẫu 1.4: kỳ báo cáo, Kính gửi, các mục, văn bản đến trong kỳ, nhiệm vụ
    đã hoàn thành, nhiệm vụ đến hạn, kiến nghị.

    Each table section is left out when its list is empty."""
    doc = new_document()
    header_block(doc)
    title_block(doc, "BÁO CÁO", note="(Kỳ báo cáo: {{ period_text }})")
    addressees_block(doc)
    optional_para(doc, "intro")
    sections_block(doc)
    table_section(doc, "received", "{{ received_title }}",
                  ["TT", "Số, ký hiệu, ngày", "Cơ quan ban hành", "Trích yếu", "Hạn xử lý", "Tình trạng"],
                  [9, 32, 30, 50, 22, 22],
                  [Cell("{{ loop.index }}", CENTER), Cell("{{ x.ref }}\n{{ x.date }}", CENTER), "{{ x.issuer }}",
                   Cell("{{ x.subject }}", JUSTIFY), Cell("{{ x.deadline }}", CENTER), "{{ x.status }}"])
    for items_name, last_head, last_field in (("tasks_done", "Kết quả", "result"),
                                              ("tasks_due", "Tình trạng", "status")):
        table_section(doc, items_name, f"{{{{ {items_name}_title }}}}",
                      ["TT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn", last_head], TASK_WIDTHS,
                      [Cell("{{ loop.index }}", CENTER), Cell("{{ x.text }}", JUSTIFY), Cell("{{ x.lead }}", CENTER),
                       Cell("{{ x.due }}", CENTER), f"{{{{ x.{last_field} }}}}"])
    list_section(doc, "proposals", "{{ proposals_title }}", "{{ loop.index }}. {{ x }}")
    return finish(doc, path)



# --- bao_cao_tong_hop ----------------------------------------------------------------------

TC_END = "{%tc endfor %}"


BAO_CAO_TONG_HOP_FIELDS = {
    **HEADER_FIELDS,
    "addressees": ADDRESSEES,
    "intro": INTRO,
    "titles": items("Các danh hiệu (mỗi danh hiệu một cột)", STRING),
    "rows": items("Các đơn vị (mỗi đơn vị một dòng)", record(
        unit=text("Đơn vị"),
        document=_optional_text("Văn bản đề nghị"),
        counts=items("Số lượng theo từng danh hiệu", STRING, same_length_as="titles"),
        total=_optional_text("Tổng số"),
        notes=_optional_text("Ghi chú"),
    )),
    "totals": {**record(
        counts=items("Tổng theo từng danh hiệu", STRING, same_length_as="titles"),
        total=_optional_text("Tổng cộng"),
    ), "required": False, "default": None, "label": "Dòng tổng cộng"},
    "flags_title": text("Tiêu đề phần cần lưu ý", required=False, default="Những nội dung cần lưu ý:"),
    "flags": items("Những điểm cần kiểm tra", STRING, required=False),
    "closing": text("Đoạn kết"),
    **SIGNER_FIELDS,
}


def build_bao_cao_tong_hop(path: Path) -> Path:
    """Báo cáo tổng hợp: mỗi đơn vị một dòng, mỗi danh hiệu một cột, dòng tổng cộng, các điểm cần
    kiểm tra.

    The danh hiệu columns repeat with docxtpl's ``{%tc for %}`` (the tag cells are dropped). docxtpl
    then pads the table grid without regard to where the loop stands, so ``worker.render`` rebuilds
    the grid from the cells' own widths (``_fit_table_grids``) and scales it to the text width:
    the widths below are the natural widths, the two tag cells only make up the template's total."""
    doc = new_document()
    header_block(doc)
    title_block(doc, "BÁO CÁO")
    addressees_block(doc)
    optional_para(doc, "intro")
    size = DENSE_TABLE_PT
    table = grid_table(doc, ["TT", "Đơn vị", "Văn bản đề nghị", "{%tc for t in titles %}", "{{ t }}", TC_END,
                             "Tổng số", "Ghi chú"], [8, 30, 30, 21, 18, 21, 13, 24], size=size, dense=True)
    loop_rows(table, "r in rows", [
        Cell("{{ loop.index }}", CENTER), "{{ r.unit }}", "{{ r.document }}",
        "{%tc for c in r.counts %}", Cell("{{ c }}", CENTER), TC_END, Cell("{{ r.total }}", CENTER), "{{ r.notes }}",
    ], size=size)
    tag_row(table, "{%tr if totals %}")
    totals = merged_row(table, Cell("Tổng cộng", CENTER, bold=True), last=2, size=size)
    for cell, spec in zip(totals.cells[3:], ["{%tc for c in totals.counts %}", Cell("{{ c }}", CENTER, bold=True),
                                             TC_END, Cell("{{ totals.total }}", CENTER, bold=True), ""], strict=True):
        fill(cell, spec, size=size)
    tag_row(table, "{%tr endif %}")
    list_section(doc, "flags", "{{ flags_title }}", "- {{ x }}")
    return finish(doc, path)



# --- phieu_tom_tat -------------------------------------------------------------------------

PHIEU_TOM_TAT_FIELDS = {
    "parent_unit": text("Cơ quan chủ quản của đơn vị nhận", required=False),
    "unit": text("Đơn vị nhận văn bản"),
    "incoming_number": text("Số đến", required=False),
    "received_date": text("Ngày đến", required=False),
    "doc_issuer": text("Cơ quan ban hành", required=False),
    "doc_ref": text("Số, ký hiệu", required=False),
    "doc_date": text("Ngày ban hành", required=False),
    "doc_type": text("Loại văn bản", required=False),
    "doc_subject": text("Trích yếu"),
    "doc_signer": text("Người ký", required=False),
    "doc_urgency": text("Độ khẩn", required=False),
    "asks": items("Văn bản yêu cầu", STRING, required=False),
    "deadlines": items("Thời hạn", record(date=_optional_text("Ngày"), text=_optional_text("Việc phải xong")),
                       required=False),
    "tasks": items("Nhiệm vụ của đơn vị", record(text=_optional_text("Nhiệm vụ"), lead=_optional_text("Chủ trì"),
                                                  timeframe=_optional_text("Thời gian")), required=False),
    "citations": items("Kết quả kiểm tra văn bản được viện dẫn", record(
        ref=_optional_text("Văn bản được viện dẫn"), result=_optional_text("Kết quả"),
        flagged=_optional_text("Cần xem (x)")), required=False),
    "review": items("Trường cần đối chiếu", STRING, required=False),
    "proposal": text("Đề xuất của chuyên viên", required=False),
    "prepared_by": text("Người tóm tắt", required=False),
}


def build_phieu_tom_tat(path: Path) -> Path:
    """Phiếu nội bộ một trang tóm tắt văn bản đến, kết thúc bằng ô trống "Ý kiến chỉ đạo của lãnh
    đạo".

    Who sent what, what it asks and by when, the unit's tasks, the citation check, what to
    confirm, the clerk's proposal; in the body's small size (13 pt, dense 11 pt tables) so that it
    fits one page."""
    doc = new_document()
    header_block(doc, parent="parent_unit", unit="unit", numbered=False, dated=False)
    para(doc, "PHIẾU TÓM TẮT VĂN BẢN ĐẾN", size=TITLE_PT, bold=True, align=CENTER, space_before=6, space_after=0)
    para(doc, "Số đến: {{ incoming_number or '……….' }}      Ngày đến: {{ received_date or '……/……/………' }}",
         size=DIGEST_PT, italic=True, align=CENTER, space_after=6)
    identity_table(doc)
    list_section(doc, "asks", "Văn bản yêu cầu:", "- {{ x }}", scale=COMPACT)
    list_section(doc, "deadlines", "Thời hạn:", "- {{ x.date }}: {{ x.text }}", scale=COMPACT)
    table_section(doc, "tasks", "Nhiệm vụ của đơn vị:", ["TT", "Nhiệm vụ", "Chủ trì", "Thời gian"], [10, 95, 30, 30],
                  [Cell("{{ loop.index }}", CENTER), Cell("{{ x.text }}", JUSTIFY), Cell("{{ x.lead }}", CENTER),
                   Cell("{{ x.timeframe }}", CENTER)], scale=COMPACT)
    table_section(doc, "citations", "Kiểm tra văn bản được viện dẫn:",
                  ["TT", "Văn bản được viện dẫn", "Kết quả kiểm tra", "Cần xem"], [10, 73, 65, 17],
                  [Cell("{{ loop.index }}", CENTER), "{{ x.ref }}", "{{ x.result }}", Cell("{{ x.flagged }}", CENTER)],
                  scale=COMPACT)
    list_section(doc, "review", "Cần đối chiếu với bản gốc:", "- {{ x }}", scale=COMPACT)
    with when(doc, "proposal"):
        p = para(doc, "Đề xuất của chuyên viên:", size=DIGEST_PT, bold=True, indent_first=True, space_before=6)
        add_run(p, " {{ proposal }}", size=DIGEST_PT)
    with when(doc, "prepared_by"):
        para(doc, "Người tóm tắt: {{ prepared_by }}", size=DIGEST_PT, italic=True, align=RIGHT)
    instruction_box(doc)
    return save(doc, path)


def identity_table(doc) -> None:
    """Who sent what: label | value pairs, two per row, the trích yếu across the last row."""
    table = new_table(doc, [35, 64, 26, 40], rows=0)
    _cell_margins(table, 1)
    for pairs in ((("Cơ quan ban hành", "doc_issuer"), ("Số, ký hiệu", "doc_ref")),
                  (("Ngày ban hành", "doc_date"), ("Loại văn bản", "doc_type")),
                  (("Người ký", "doc_signer"), ("Độ khẩn", "doc_urgency"))):
        add_row(table, [spec for label, field in pairs
                        for spec in (Cell(label, bold=True), f"{{{{ {field} or '' }}}}")], size=DENSE_TABLE_PT)
    subject = merged_row(table, Cell("{{ doc_subject }}", JUSTIFY), first=1, size=DENSE_TABLE_PT)
    fill(subject.cells[0], Cell("Trích yếu", bold=True), size=DENSE_TABLE_PT)


def instruction_box(doc) -> None:
    """An empty bordered box, 40 mm high, for the leader to write in; it never splits across pages."""
    box = new_table(doc, [TEXT_MM])
    row = box.rows[0]
    row.height = Mm(40)
    _row_flag(row, "cantSplit")
    fill(row.cells[0], Cell("Ý kiến chỉ đạo của lãnh đạo:", bold=True), size=DIGEST_PT)
    end_paragraph(doc)



# --- registry and main ---------------------------------------------------------------------

TEMPLATES: dict[str, Template] = {
    "ke_hoach": Template(build_ke_hoach, KE_HOACH_FIELDS, "Kế hoạch", "KH", "KẾ HOẠCH"),
    "quyet_dinh": Template(build_quyet_dinh, QUYET_DINH_FIELDS, "Quyết định", "QĐ", "QUYẾT ĐỊNH"),
    "bao_cao": Template(build_bao_cao, BAO_CAO_FIELDS, "Báo cáo", "BC", "BÁO CÁO"),
    "bao_cao_tong_hop": Template(build_bao_cao_tong_hop, BAO_CAO_TONG_HOP_FIELDS, "Báo cáo tổng hợp", "BC",
                                 "BÁO CÁO"),
    "phieu_tom_tat": Template(build_phieu_tom_tat, PHIEU_TOM_TAT_FIELDS, "Phiếu tóm tắt văn bản đến", None,
                              "PHIẾU TÓM TẮT VĂN BẢN ĐẾN"),
}


def manifest(name: str) -> dict[str, Any]:
    t = TEMPLATES[name]
    description = " ".join(t.builder.__doc__.split("\n\n")[0].split())
    return {"name": name, "doc_type": t.doc_type, "doc_type_code": t.doc_type_code, "heading": t.heading,
            "description": description, "fields": t.fields}


def manifest_text(name: str) -> str:
    return json.dumps(manifest(name), ensure_ascii=False, indent=2) + "\n"


def build(name: str, directory: Path = HERE) -> Path:
    """Write ``NAME.docx`` and ``NAME.manifest.json`` into ``directory``; return the .docx path."""
    path = TEMPLATES[name].builder(directory / f"{name}.docx")
    (directory / f"{name}.manifest.json").write_text(manifest_text(name), encoding="utf-8")
    return path


def main() -> None:
    for name in TEMPLATES:
        print(build(name))


if __name__ == "__main__":
    main()
