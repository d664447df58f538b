"""Thể thức check (worker.format_check): our drafts pass, each planted deviation is reported, bad bytes are refused."""

from __future__ import annotations

import io
import json
import random
import re
import unicodedata
from collections.abc import Callable

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Inches, Mm, Pt
from docx.text.paragraph import Paragraph

from tests import docx_factory as f
from tests.conftest import CORPUS, REAL
from worker.errors import CorruptFile, EmptyFile, ReadError, UnpackTooLarge, UnsupportedFormat
from worker.format_check import RULES_PATH, FormatReport, check_format, format_table, load_rules
from worker.render import TEMPLATES_DIR, list_templates, render

TNR = "Times New Roman"


# ------------------------------------------------------------------ helpers


def rendered(name: str) -> bytes:
    context = json.loads((TEMPLATES_DIR / f"{name}.example.json").read_text(encoding="utf-8"))
    return render(name, context)


@pytest.fixture(scope="module")
def ke_hoach() -> bytes:
    return rendered("ke_hoach")


def open_docx(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def all_paragraphs(document: Document) -> list[Paragraph]:
    """Body paragraphs and table-cell paragraphs (nested tables included), in document order."""
    body = document.element.body
    return [Paragraph(p, document._body) for p in body.iter(qn("w:p"))]


def paragraph(document: Document, pattern: str) -> Paragraph:
    """The one paragraph whose text matches ``pattern`` (a regex searched in its text)."""
    found = [p for p in all_paragraphs(document) if re.search(pattern, p.text)]
    assert found, f"no paragraph matches {pattern!r}"
    return found[0]


def replace_text(document: Document, old: str, new: str) -> None:
    """Replace text inside one run (the templates write each line as one run)."""
    for p in all_paragraphs(document):
        for run in p.runs:
            if old in run.text:
                run.text = run.text.replace(old, new)
                return
    raise AssertionError(f"no run holds {old!r}")


def with_runs(pattern: str, **props: object) -> Callable[[Document], None]:
    """A mutation setting run properties on every run of the paragraphs matching ``pattern``."""

    def mutate(document: Document) -> None:
        paras = [p for p in all_paragraphs(document) if re.search(pattern, p.text)]
        assert paras, pattern
        for p in paras:
            for run in p.runs:
                for name, value in props.items():
                    if name == "size":
                        run.font.size = value
                    elif name == "font":
                        run.font.name = value
                    else:
                        setattr(run, name, value)

    return mutate


def saved(document: Document) -> bytes:
    return f.to_bytes(document)


def findings_of(report: FormatReport, code: str, component: str) -> list:
    return [x for x in report.findings if x.code == code and x.component == component]


def tnr_normal(document: Document, size: int = 14) -> None:
    """Times New Roman set once, in the Normal style, and nowhere else."""
    style = document.styles["Normal"]
    style.font.name = TNR
    style.font.size = Pt(size)


# ------------------------------------------------------------------ our own outputs


@pytest.mark.parametrize("name", list_templates())
def test_every_template_renders_without_format_errors(name):
    if not (TEMPLATES_DIR / f"{name}.example.json").is_file():
        pytest.skip(f"{name}: no example context yet (templates/{name}.example.json)")
    report = check_format(rendered(name))
    assert report.errors == [], format_table(report)


def test_ke_hoach_locates_every_component(ke_hoach):
    report = check_format(ke_hoach)
    assert report.errors == [], format_table(report)
    assert {"quoc_hieu", "tieu_ngu", "parent_issuer", "issuer", "so", "date_line", "doc_type", "trich_yeu",
            "can_cu", "body", "noi_nhan_label", "noi_nhan_items", "signer_authority", "signer_name"} <= set(report.parts)
    assert report.parts["so"].match == "Số: 217/KH-PGDĐT"
    assert report.parts["date_line"].match == "Điện Biên Phủ, ngày 05 tháng 3 năm 2026"
    assert report.parts["issuer"].match == "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"
    assert report.parts["parent_issuer"].match == "UBND THÀNH PHỐ ĐIỆN BIÊN PHỦ"
    assert report.parts["signer_name"].match == "Lê Thị Hồng"
    assert report.parts["quoc_hieu"].table == 1 and report.parts["quoc_hieu"].column == 2


def test_blank_number_and_day_are_accepted():
    context = json.loads((TEMPLATES_DIR / "ke_hoach.example.json").read_text(encoding="utf-8"))
    context.pop("number")
    document = open_docx(render("ke_hoach", context))
    replace_text(document, "ngày 05 tháng 3", "ngày      tháng 3")
    report = check_format(saved(document))
    assert not [x for x in report.findings if x.component in ("so", "date_line")], format_table(report)
    assert re.fullmatch(r"Số: +/KH-PGDĐT", paragraph(document, r"^Số").text)


# ------------------------------------------------------------------ planted deviations


def _letter(d: Document) -> None:
    d.sections[0].page_width, d.sections[0].page_height = Inches(8.5), Inches(11)


def _left_margin(d: Document) -> None:
    d.sections[0].left_margin = Mm(20)


def _arial_run(d: Document) -> None:
    paragraph(d, r"^Phòng Giáo dục và Đào tạo xây dựng").runs[0].font.name = "Arial"


PLANTED = {
    # id: (mutation, code, component, part)
    "letter_page": (_letter, "page_size", "page", None),
    "left_margin_20mm": (_left_margin, "margin", "page", "left"),
    "arial_run": (_arial_run, "font_name", "body", "body"),
    "quoc_hieu_10pt": (with_runs(r"^CỘNG HÒA XÃ HỘI", size=Pt(10)), "size", "quoc_hieu", "quoc_hieu"),
    "tieu_ngu_not_bold": (with_runs(r"^Độc lập - Tự do", bold=False), "not_bold", "tieu_ngu", "tieu_ngu"),
    "date_not_italic": (with_runs(r", ngày \d", italic=False), "not_italic", "date_line", "date_line"),
    "month_03": (lambda d: replace_text(d, "tháng 3 năm", "tháng 03 năm"),
                 "date_month_padding", "date_line", "date_line"),
    "day_5": (lambda d: replace_text(d, "ngày 05 tháng", "ngày 5 tháng"), "date_day_padding", "date_line", "date_line"),
    "so_without_colon": (lambda d: replace_text(d, "Số: 217/KH-PGDĐT", "Số 12/KH-PGDĐT"), "so_colon", "so", "so"),
    "so_malformed": (lambda d: replace_text(d, "Số: 217/KH-PGDĐT", "Số: 12-KH"), "so_format", "so", "so"),
    "so_unpadded": (lambda d: replace_text(d, "Số: 217/KH-PGDĐT", "Số: 7/KH-PGDĐT"), "so_number_padding", "so", "so"),
    "noi_nhan_items_14pt": (with_runs(r"^- ", size=Pt(14)), "size", "noi_nhan", "noi_nhan_items"),
    "noi_nhan_label_upright": (with_runs(r"^Nơi nhận", italic=False), "not_italic", "noi_nhan", "noi_nhan_label"),
    "no_end_mark": (lambda d: replace_text(d, "thực hiện./.", "thực hiện."), "end_mark", "body", "body"),
    "issuer_not_bold": (with_runs(r"^PHÒNG GIÁO DỤC", bold=False), "not_bold", "issuer", "issuer"),
    "doc_type_12pt": (with_runs(r"^KẾ HOẠCH$", size=Pt(12)), "size", "doc_type", "doc_type"),
    "signer_name_regular": (with_runs(r"^Lê Thị Hồng$", bold=False), "not_bold", "signer", "signer_name"),
    "can_cu_upright": (with_runs(r"^Căn cứ", italic=False), "not_italic", "body", "can_cu"),
    "body_12pt": (with_runs(r"^1\. Đẩy mạnh", size=Pt(12)), "size", "body", "body"),
    "motto_en_dash": (lambda d: replace_text(d, "Độc lập - Tự do - Hạnh phúc", "Độc lập – Tự do – Hạnh phúc"),
                      "tieu_ngu_text", "tieu_ngu", "tieu_ngu"),
}


@pytest.mark.parametrize("case", list(PLANTED))
def test_planted_deviation_is_reported(ke_hoach, case):
    mutate, code, component, part = PLANTED[case]
    before = check_format(ke_hoach)
    assert not findings_of(before, code, component)  # the test can fail: the clean draft does not have it
    document = open_docx(ke_hoach)
    mutate(document)
    report = check_format(saved(document))
    hits = findings_of(report, code, component)
    assert hits, format_table(report)
    hit = hits[0]
    assert hit.part == part
    assert hit.severity in ("error", "warning") and hit.vi and hit.en
    assert unicodedata.is_normalized("NFC", hit.vi)
    if component != "page":
        assert hit.where is not None and hit.where.paragraph is not None and hit.where.text


def test_planted_values_are_reported(ke_hoach):
    document = open_docx(ke_hoach)
    with_runs(r"^CỘNG HÒA XÃ HỘI", size=Pt(10))(document)
    _letter(document)
    replace_text(document, "tháng 3 năm", "tháng 03 năm")
    _arial_run(document)
    report = check_format(saved(document))
    size = findings_of(report, "size", "quoc_hieu")[0]
    assert (size.expected, size.found, size.severity) == ([12, 13], 10, "error")
    assert "10 pt" in size.vi and "12–13 pt" in size.vi
    assert size.where.text.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    page = findings_of(report, "page_size", "page")[0]
    assert page.expected == [210, 297] and page.found == [215.9, 279.4]
    month = findings_of(report, "date_month_padding", "date_line")[0]
    assert (month.expected, month.found) == ("tháng 3", "tháng 03")
    font = findings_of(report, "font_name", "body")[0]
    assert (font.expected, font.found) == (TNR, "Arial")


def test_february_must_be_padded(ke_hoach):
    document = open_docx(ke_hoach)
    replace_text(document, "tháng 3 năm", "tháng 2 năm")
    hits = findings_of(check_format(saved(document)), "date_month_padding", "date_line")
    assert hits and hits[0].expected == "tháng 02"


def test_date_that_does_not_exist(ke_hoach):
    document = open_docx(ke_hoach)
    replace_text(document, "ngày 05 tháng 3", "ngày 31 tháng 4")
    assert findings_of(check_format(saved(document)), "date_invalid", "date_line")


# ------------------------------------------------------------------ effective properties


def _plain_header(document: Document) -> None:
    """A header written as plain tab-separated paragraphs, no table."""
    document.add_paragraph("UBND HUYỆN MƯỜNG ẢNG\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    document.add_paragraph("PHÒNG NỘI VỤ\tĐộc lập - Tự do - Hạnh phúc")
    document.add_paragraph("Số: 15/KH-PNV\tMường Ảng, ngày 02 tháng 4 năm 2024")
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Triển khai công tác văn thư năm 2024")
    document.add_paragraph("I. MỤC ĐÍCH, YÊU CẦU")
    document.add_paragraph("Nội dung kế hoạch./.")
    document.add_paragraph("Nơi nhận:")
    document.add_paragraph("- UBND huyện (b/c);")
    document.add_paragraph("- Lưu: VT.")
    document.add_paragraph("TRƯỞNG PHÒNG")
    document.add_paragraph("Nguyễn Văn An")


def _header_doc(so: str = "Số: 15/KH-PNV", date: str = "Mường Ảng, ngày 02 tháng 4 năm 2024") -> bytes:
    document = f.new_document()
    tnr_normal(document, 13)
    document.add_paragraph("PHÒNG NỘI VỤ\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    document.add_paragraph("\tĐộc lập - Tự do - Hạnh phúc")
    document.add_paragraph(f"{so}\t{date}")
    document.add_paragraph("KẾ HOẠCH")
    return saved(document)


SO_FORMS = {
    "Số: 15/KH-PNV": set(),
    "Số:      /KH-PNV": set(),
    "Số: 05/QĐ-UBND": set(),
    "Số: 1234/BGDĐT-VP": set(),
    "Số: 15/QyĐ-ABC": set(),
    "Số 15/KH-PNV": {"so_colon"},
    "Số: 15-KH": {"so_format"},
    "Số 12-KH": {"so_colon", "so_format"},
    "Số: 15 / KH-PNV": {"so_format"},
    "Số: 5/KH-PNV": {"so_number_padding"},
    "Số: 30/2020/NĐ-CP": {"so_year"},
}


@pytest.mark.parametrize("line", list(SO_FORMS))
def test_so_forms(line):
    report = check_format(_header_doc(so=line))
    assert report.parts["so"].match == " ".join(line.split())
    assert {x.code for x in report.findings if x.component == "so"} == SO_FORMS[line], format_table(report)


DATE_FORMS = {
    "Mường Ảng, ngày 02 tháng 4 năm 2024": set(),
    "Hà Nội, ngày 05 tháng 01 năm 2020": set(),
    "Hà Nội, ngày 29 tháng 02 năm 2020": set(),
    "Hà Nội, ngày 05 tháng 11 năm 2020": set(),
    "Thành phố Hồ Chí Minh, ngày 15 tháng 12 năm 2020": set(),
    "Mường Ảng, ngày      tháng      năm 2024": set(),
    "Hà Nội, ngày 05 tháng 1 năm 2020": {"date_month_padding"},
    "Hà Nội, ngày 05 tháng 09 năm 2020": {"date_month_padding"},
    "Hà Nội, ngày 5 tháng 9 năm 2020": {"date_day_padding"},
    "Hà Nội, ngày 30 tháng 02 năm 2020": {"date_invalid"},
    "Hà Nội ngày 05 tháng 3 năm 2020": {"date_format"},
    "Hà Nội, ngày 05/3/2020": {"date_format"},
    "hà nội, ngày 05 tháng 3 năm 2020": {"date_place_case"},
}


@pytest.mark.parametrize("line", list(DATE_FORMS))
def test_date_forms(line):
    report = check_format(_header_doc(date=line))
    assert report.parts["date_line"].match == " ".join(line.split())
    codes = {x.code for x in report.findings if x.component == "date_line" and x.code.startswith("date")}
    assert codes == DATE_FORMS[line], format_table(report)


def test_header_lines_in_one_cell_with_line_breaks():
    """Quốc hiệu wrapped before VIỆT NAM, Tiêu ngữ after a line break, all in one paragraph of a cell."""
    document = f.new_document()
    tnr_normal(document, 13)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "PHÒNG NỘI VỤ\nSố: 15/KH-PNV"
    right = table.cell(0, 1).paragraphs[0]
    right.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA").bold = True
    right.add_run().add_break()
    right.add_run("VIỆT NAM").font.size = Pt(10)
    right.add_run().add_break()
    right.add_run("Độc lập - Tự do - Hạnh phúc").bold = True
    report = check_format(saved(document))
    assert report.parts["tieu_ngu"].paragraph == report.parts["quoc_hieu"].paragraph
    assert findings_of(report, "size", "quoc_hieu")  # the 10 pt "VIỆT NAM" belongs to the Quốc hiệu
    assert findings_of(report, "not_bold", "quoc_hieu")
    assert not findings_of(report, "not_bold", "tieu_ngu")
    assert report.parts["issuer"].match == "PHÒNG NỘI VỤ"


def test_cong_van_subject_line():
    document = f.new_document()
    tnr_normal(document, 13)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "PHÒNG NỘI VỤ"
    table.cell(0, 0).add_paragraph("Số: 15/PNV-VP")
    table.cell(0, 0).add_paragraph("V/v triển khai công tác văn thư")
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    table.cell(0, 1).add_paragraph("Độc lập - Tự do - Hạnh phúc")
    table.cell(0, 1).add_paragraph("Mường Ảng, ngày 02 tháng 4 năm 2024")
    document.add_paragraph("Kính gửi: Các trường học trên địa bàn.")
    report = check_format(saved(document))
    assert report.parts["trich_yeu_cong_van"].match == "V/v triển khai công tác văn thư"
    assert not findings_of(report, "missing", "doc_type")
    assert not findings_of(report, "size", "doc_type")  # 13 pt is inside 12-13
    assert report.parts["issuer"].match == "PHÒNG NỘI VỤ"


def test_font_set_only_in_normal_style_passes():
    document = f.new_document()
    tnr_normal(document)
    _plain_header(document)
    report = check_format(saved(document))
    assert not [x for x in report.findings if x.code in ("font_name", "font_unknown")], format_table(report)
    assert not findings_of(report, "size", "body")


def test_theme_font_of_the_default_template_is_resolved():
    """python-docx's default template takes its font from the theme (minorHAnsi, Cambria in that theme)."""
    document = f.new_document()
    _plain_header(document)
    report = check_format(saved(document))
    fonts = findings_of(report, "font_name", "quoc_hieu") + findings_of(report, "font_name", "body")
    assert fonts and {x.found for x in fonts} == {"Cambria"}


def test_style_chain_and_toggles():
    """Bold from a paragraph style's basedOn ancestor counts; a character style that is also bold flips it off."""
    document = f.new_document()
    tnr_normal(document, 13)
    base = document.styles.add_style("QH Base", 1)
    base.font.bold = True
    base.font.size = Pt(13)
    derived = document.styles.add_style("QH", 1)
    derived.base_style = base
    _plain_header(document)
    qh = paragraph(document, "CỘNG HÒA")
    qh.style = derived
    report = check_format(saved(document))
    assert not findings_of(report, "not_bold", "quoc_hieu"), format_table(report)
    assert not findings_of(report, "size", "quoc_hieu")

    strong = document.styles.add_style("Đậm", 2)
    strong.font.bold = True
    for run in qh.runs:
        run.style = strong
    assert findings_of(check_format(saved(document)), "not_bold", "quoc_hieu")


def test_plain_paragraph_header_is_located():
    document = f.new_document()
    tnr_normal(document)
    _plain_header(document)
    report = check_format(saved(document))
    for part in ("quoc_hieu", "tieu_ngu", "issuer", "parent_issuer", "so", "date_line", "doc_type",
                 "noi_nhan_label", "noi_nhan_items", "signer_authority", "signer_name"):
        assert part in report.parts, (part, format_table(report))
    assert report.parts["so"].table is None
    assert not findings_of(report, "missing", "so")
    # the tab-separated columns are checked on their own runs
    assert findings_of(report, "size", "quoc_hieu")  # 14 pt from Normal, the rule is 12-13
    assert not findings_of(report, "size", "tieu_ngu")


def test_text_box_header_is_located():
    document = f.new_document()
    tnr_normal(document, 13)
    anchor = document.add_paragraph()
    f.add_text_box(anchor, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    f.add_text_box(anchor, "Độc lập - Tự do - Hạnh phúc")
    document.add_paragraph("Số: 15/KH-PNV")
    document.add_paragraph("Nội dung./.")
    report = check_format(saved(document))
    assert report.parts["quoc_hieu"].textbox and report.parts["tieu_ngu"].textbox
    assert len([p for p in report.parts.values() if p.textbox]) >= 2
    assert findings_of(report, "not_bold", "quoc_hieu")  # the box's run is not bold


def test_clerk_document_without_formatting(tmp_path):
    """The reader tests' plan document: a header table with python-docx's defaults (theme font, 11 pt)."""
    report = check_format(f.to_bytes(f.plan_document()))
    assert report.parts["so"].match == "Số: 15/KH-PNV"
    assert report.parts["date_line"].match == "Mường Ảng, ngày 02 tháng 4 năm 2024"
    assert findings_of(report, "size", "quoc_hieu") and findings_of(report, "not_bold", "quoc_hieu")
    assert {x.found for x in findings_of(report, "font_name", "body")} == {"Cambria"}
    assert findings_of(report, "page_size", "page")  # python-docx's default page is Letter


def test_missing_components_are_warnings_not_crashes():
    document = f.new_document()
    tnr_normal(document)
    document.add_paragraph("Một đoạn văn không có thể thức nào.")
    report = check_format(saved(document))
    missing = {x.part for x in report.findings if x.code == "missing"}
    assert {"quoc_hieu", "tieu_ngu", "so", "date_line", "doc_type", "noi_nhan_label", "signer_authority"} <= missing
    assert all(x.severity == "warning" for x in report.findings if x.code == "missing")

    empty = check_format(saved(f.new_document()))
    assert any(x.code == "missing" for x in empty.findings)


def test_page_size_missing_is_reported():
    document = f.new_document()
    tnr_normal(document)
    document.add_paragraph("Nội dung./.")
    sect = document.sections[0]._sectPr
    sect.remove(sect.find(qn("w:pgSz")))
    assert findings_of(check_format(saved(document)), "page_size_missing", "page")


def test_landscape_section_with_a_table_is_allowed():
    document = f.new_document()
    tnr_normal(document)
    document.add_paragraph("Nội dung./.")
    f.add_section(document)
    section = document.sections[-1]
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side, mm in (("top", 20), ("bottom", 20), ("left", 30), ("right", 15)):
        setattr(section, f"{side}_margin", Mm(mm))
    document.sections[0].page_width, document.sections[0].page_height = Mm(210), Mm(297)
    for side, mm in (("top", 20), ("bottom", 20), ("left", 30), ("right", 15)):
        setattr(document.sections[0], f"{side}_margin", Mm(mm))
    without = check_format(saved(document))
    assert findings_of(without, "page_orientation", "page")
    f.data_table(document, [["TT", "Nội dung"], ["1", "Việc một"]])
    report = check_format(saved(document))
    assert not [x for x in report.findings if x.component == "page"], format_table(report)


# ------------------------------------------------------------------ bad input


def test_bad_bytes_raise_typed_errors(ke_hoach):
    with pytest.raises(EmptyFile):
        check_format(b"")
    with pytest.raises(UnsupportedFormat) as info:
        check_format(b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n")
    assert "docx" in info.value.vi and info.value.code == "unsupported_format"
    with pytest.raises(UnsupportedFormat):
        check_format("Chỉ là một tệp chữ.".encode())
    with pytest.raises(CorruptFile):
        check_format(ke_hoach[: len(ke_hoach) * 2 // 3])
    with pytest.raises(CorruptFile):
        check_format(f.rezip(ke_hoach, {"word/document.xml": f.zip_members(ke_hoach)["word/document.xml"][:400]}))


def test_zip_bomb_is_refused(ke_hoach):
    with pytest.raises(UnpackTooLarge):
        check_format(f.rezip(ke_hoach, {"word/media/padding.bin": b"\x00" * (4 << 20)}))


def test_mutated_styles_and_document_end_in_a_report_or_a_read_error(ke_hoach):
    rng = random.Random(30)
    members = f.zip_members(ke_hoach)
    odd = [b"", b"-1", b"999999999", b"abc", b"0", b"nil", b"minorHAnsi", b"1e9"]
    outcomes = []
    for _ in range(30):
        changed = {}
        for name in ("word/document.xml", "word/styles.xml"):
            changed[name] = re.sub(rb'w:val="[^"]*"',
                                   lambda m: b'w:val="' + rng.choice(odd) + b'"' if rng.random() < 0.2 else m.group(),
                                   members[name])
        try:
            check_format(f.rezip(ke_hoach, changed))
            outcomes.append("report")
        except ReadError as exc:  # anything else fails the test
            outcomes.append(exc.code)
    assert "report" in outcomes


# ------------------------------------------------------------------ output


def test_to_dict_is_json_and_format_table_lists_findings(ke_hoach):
    document = open_docx(ke_hoach)
    with_runs(r"^Độc lập - Tự do", bold=False)(document)
    report = check_format(saved(document))
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert data["schema"] == "vanthu.format_check/1" and data["ok"] is False and data["errors"] >= 1
    hit = next(x for x in data["findings"] if x["code"] == "not_bold")
    assert {"code", "severity", "component", "vi", "en", "where", "expected", "found"} <= set(hit)
    assert hit["where"]["paragraph"] == report.parts["tieu_ngu"].paragraph
    assert data["sections"][0]["width_mm"] == 210.0
    table = format_table(report)
    assert table.splitlines()[0].split()[:2] == ["Thành", "phần"]
    assert "not_bold" in table and "Tiêu ngữ phải in đậm." in table and "1 lỗi" in table
    assert "không phát hiện" in format_table(check_format(ke_hoach))


def test_rules_file_is_complete_and_nfc():
    rules = load_rules()
    for code, severity in rules["severity"].items():
        assert severity in ("error", "warning")
        assert code in rules["messages"], code
    for code, message in rules["messages"].items():
        assert message["vi"] and message["en"], code
        assert unicodedata.is_normalized("NFC", message["vi"]), code
    for part, spec in rules["parts"].items():
        lo, hi = spec["size"]
        assert 8 <= lo <= hi <= 16, part
        assert spec["component"] in rules["components_vi"], part
        assert part in rules["parts_vi"] and part in rules["parts_en"]
    assert unicodedata.is_normalized("NFC", RULES_PATH.read_text(encoding="utf-8"))
    assert rules["page"]["margins_mm"] == {"top": [20, 25], "bottom": [20, 25], "left": [30, 35], "right": [15, 20]}


# ------------------------------------------------------------------ corpus


@pytest.mark.corpus
def test_seed_plan_docx(shared):
    report = check_format((CORPUS / "kh_pgddt_dienbienphu_2022_thidua_word.docx").read_bytes())
    for part in ("quoc_hieu", "tieu_ngu", "issuer", "parent_issuer", "so", "date_line", "doc_type", "trich_yeu",
                 "noi_nhan_label", "noi_nhan_items", "signer_authority", "signer_name"):
        assert part in report.parts, part
    # Times New Roman comes from the Normal style only; the clerk's blank day is not an error
    assert not [x for x in report.findings if x.code.startswith("font") or x.component in ("so", "date_line")]
    # the one deviation: the Căn cứ line is upright, Phụ lục I asks for italic
    assert [(x.code, x.part) for x in report.findings] == [("not_italic", "can_cu")], format_table(report)


@pytest.mark.corpus
def test_decree_appendix_docx(shared):
    report = check_format((REAL / "nd_cp_30_2020_phuluc1_thethuc_trinhbay.docx").read_bytes())
    assert len(report.sections) == 3 and report.paragraphs > 500
    assert not findings_of(report, "page_size", "page")  # A4 throughout, one section landscape
    assert not [x for x in report.findings if x.code.startswith("font")]  # Times New Roman throughout
    # an appendix is not an administrative document: no Quốc hiệu nor Số line of its own
    assert findings_of(report, "missing", "quoc_hieu") and findings_of(report, "missing", "so")
    json.dumps(report.to_dict(), ensure_ascii=False)


@pytest.mark.corpus
def test_the_decree_itself_has_no_format_error(shared):
    """Nghị định 30/2020 as published: laid out by its own rules; only its VBQPPL symbol carries a year."""
    report = check_format((REAL / "nd_cp_30_2020_congtac_vanthu.docx").read_bytes())
    assert report.errors == [], format_table(report)
    assert [(x.code, x.where.match) for x in report.warnings] == [("so_year", "Số: 30/2020/NĐ-CP")]
