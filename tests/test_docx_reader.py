"""The Word reader on documents the tests build, and on the corpus Word files."""

from __future__ import annotations

import pytest
from docx.enum.text import WD_BREAK

from nlp.model import RawParagraph, RawTable, ReadResult
from tests import docx_factory as f
from worker.errors import TooLarge
from worker.readers import read_document, read_path
from worker.readers.base import Limits, RawDocument, no_progress
from worker.readers.docx import read_docx

SEED = "kh_pgddt_dienbienphu_2022_thidua_word.docx"


def raw_of(document, limits: Limits | None = None) -> RawDocument:
    return read_docx(f.to_bytes(document), progress=no_progress, limits=limits or Limits())


def items(raw: RawDocument) -> list:
    return [item for page in raw.pages for item in page.items]


def paragraphs(raw: RawDocument) -> list[str]:
    return [it.text for it in items(raw) if isinstance(it, RawParagraph)]


def tables(raw: RawDocument) -> list[RawTable]:
    return [it for it in items(raw) if isinstance(it, RawTable)]


def assert_offsets(result: ReadResult) -> None:
    """Every block and cell points at exactly its own text."""
    assert result.blocks
    for block in result.blocks:
        assert result.text[block.start:block.end] == block.text
        for row in block.rows or []:
            for cell in row:
                assert result.text[cell.start:cell.end] == cell.text


# ------------------------------------------------------------------ order and structure


def test_body_order_keeps_tables_between_paragraphs():
    document = f.new_document()
    document.add_paragraph("Trước bảng")
    f.data_table(document, [["A", "B"], ["1", "2"]])
    document.add_paragraph("Sau bảng")
    raw = raw_of(document)
    kinds = [type(it).__name__ for it in items(raw)]
    assert kinds == ["RawParagraph", "RawTable", "RawParagraph"]
    assert raw.needs_joining is False
    result = read_document(f.to_bytes(document))
    assert result.text.index("Trước bảng") < result.text.index("A") < result.text.index("Sau bảng")
    assert_offsets(result)


def test_merged_cells_appear_once_with_spans():
    document = f.new_document()
    table = f.data_table(document, [["x", "y", "z"], ["p", "q", "r"], ["s", "t", "u"]])
    table.cell(0, 0).merge(table.cell(0, 1)).text = "NGANG"
    table.cell(0, 2).merge(table.cell(1, 2)).text = "DOC"
    (raw_table,) = tables(raw_of(document))
    spans = [[(c.text, c.rowspan, c.colspan) for c in row] for row in raw_table.rows]
    assert spans == [
        [("NGANG", 1, 2), ("DOC", 2, 1)],
        [("p", 1, 1), ("q", 1, 1)],
        [("s", 1, 1), ("t", 1, 1), ("u", 1, 1)],
    ]
    result = read_document(f.to_bytes(document))
    assert result.text.count("DOC") == 1 and result.text.count("NGANG") == 1
    assert_offsets(result)


def test_nested_table_is_flattened_into_its_cell():
    document = f.new_document()
    outer = f.data_table(document, [["Ngoài", ""]])
    inner = outer.cell(0, 1).add_table(rows=2, cols=2)
    for r, c, text in ((0, 0, "n1"), (0, 1, "n2"), (1, 0, "n3"), (1, 1, "n4")):
        inner.cell(r, c).text = text
    found = tables(raw_of(document))
    assert len(found) == 1
    cell = found[0].rows[0][1]
    assert cell.text.index("n1") < cell.text.index("n2") < cell.text.index("n3") < cell.text.index("n4")
    assert_offsets(read_document(f.to_bytes(document)))


def test_paragraph_line_break_is_kept_as_newline():
    document = f.new_document()
    paragraph = document.add_paragraph("Kính gửi:")
    paragraph.add_run().add_break()
    paragraph.add_run("- Các trường trực thuộc")
    assert paragraphs(raw_of(document)) == ["Kính gửi:\n- Các trường trực thuộc"]


def test_headings_from_styles():
    document = f.new_document()
    document.add_heading("Chương I", level=1)
    document.add_heading("Điều 1", level=2)
    document.add_paragraph("Nội dung thường")
    flags = [(it.text, it.heading) for it in items(raw_of(document))]
    assert flags == [("Chương I", True), ("Điều 1", True), ("Nội dung thường", False)]


# ------------------------------------------------------------------ official layout


def test_header_and_signature_tables_are_layout():
    raw = raw_of(f.plan_document())
    header, tasks, signature = tables(raw)
    assert header.layout is True
    assert signature.layout is True
    assert tasks.layout is False


def test_bordered_table_with_header_words_is_data():
    document = f.new_document()
    f.two_column_table(document, f.ISSUER, f.NATIONAL, style="Table Grid")
    (table,) = tables(raw_of(document))
    assert table.layout is False


def test_borderless_table_without_markers_is_data():
    document = f.new_document()
    f.two_column_table(document, ["Họ tên", "Chức vụ"], ["Nguyễn Văn An", "Chuyên viên"])
    (table,) = tables(raw_of(document))
    assert table.layout is False


def test_running_text_is_kept_out_of_the_body():
    result = read_document(f.to_bytes(f.plan_document()))
    assert result.source.running_text == [f.RUNNING_HEADER, f.RUNNING_FOOTER]
    assert f.RUNNING_HEADER not in result.text and f.RUNNING_FOOTER not in result.text
    assert_offsets(result)


# ------------------------------------------------------------------ numbering


def test_outline_numbering_renders_labels():
    texts = paragraphs(raw_of(f.plan_document()))
    expected = ["I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", "2. Yêu cầu", "II. NHIỆM VỤ",
                "1. Rà soát hồ sơ", "a) hồ sơ năm 2023", "b) hồ sơ năm 2024"]
    start = texts.index(expected[0])
    assert texts[start:start + len(expected)] == expected


def test_bullets_and_multilevel_decimal_labels():
    document = f.new_document()
    bullets = f.add_list(document, [("bullet", "\uf0b7"), ("bullet", "-")])
    f.numbered(document, "một", bullets, 0)
    f.numbered(document, "hai", bullets, 1)
    legal = f.add_list(document, [("decimal", "%1."), ("decimal", "%1.%2.")])
    f.numbered(document, "Chung", legal, 0)
    f.numbered(document, "Phạm vi", legal, 1)
    f.numbered(document, "Đối tượng", legal, 1)
    assert paragraphs(raw_of(document)) == ["• một", "- hai", "1. Chung", "1.1. Phạm vi", "1.2. Đối tượng"]


def test_lists_sharing_an_abstract_continue_unless_restarted():
    document = f.new_document()
    first = f.add_list(document, [("decimal", "%1.")])
    abstract = f.abstract_of(document, first)
    f.numbered(document, "a", first)
    f.numbered(document, "b", first)
    f.numbered(document, "c", f.add_num(document, abstract))
    f.numbered(document, "d", f.add_num(document, abstract, restart_at=1))
    assert paragraphs(raw_of(document)) == ["1. a", "2. b", "3. c", "1. d"]


def test_empty_numbered_cell_shows_its_number():
    document = f.new_document()
    table = f.data_table(document, [["TT", "Việc"], ["", "Lập hồ sơ"], ["", "Nộp lưu"]])
    counter = f.add_list(document, [("decimal", "%1.")])
    for row in (1, 2):
        f.set_numbering(table.cell(row, 0).paragraphs[0], counter)
    (raw_table,) = tables(raw_of(document))
    assert [row[0].text for row in raw_table.rows] == ["TT", "1.", "2."]


# ------------------------------------------------------------------ inline content


def test_text_box_is_read_once():
    document = f.new_document()
    f.add_text_box(document.add_paragraph("Sơ đồ"), "20 - 25 mm")
    assert paragraphs(raw_of(document)) == ["Sơ đồ", "20 - 25 mm"]


def test_deleted_and_hidden_text_are_dropped_inserted_text_kept():
    document = f.new_document()
    paragraph = document.add_paragraph("Giữ ")
    f.add_run_xml(paragraph, '<w:del w:id="1" w:author="a"><w:r><w:delText>XOÁ</w:delText></w:r></w:del>')
    f.add_run_xml(paragraph, '<w:ins w:id="2" w:author="a"><w:r><w:t>THÊM</w:t></w:r></w:ins>')
    f.add_run_xml(paragraph, '<w:r><w:rPr><w:vanish/></w:rPr><w:t>ẨN</w:t></w:r>')
    assert paragraphs(raw_of(document)) == ["Giữ THÊM"]


def test_macro_enabled_document_is_read_like_docx():
    data = f.to_bytes(f.plan_document())
    types = f.zip_members(data)["[Content_Types].xml"].replace(f.DOCX_MAIN.encode(), f.DOCM_MAIN.encode())
    result = read_document(f.rezip(data, {"[Content_Types].xml": types}))
    assert result.source.format == "docx"
    assert "MỤC ĐÍCH" in result.text


# ------------------------------------------------------------------ pages


def test_pages_count_explicit_and_section_breaks():
    document = f.new_document()
    document.add_paragraph("một")
    document.add_page_break()
    document.add_paragraph("hai")
    f.add_section(document)
    document.add_paragraph("ba")
    f.add_section(document, continuous=True)
    document.add_paragraph("vẫn ba")
    raw = raw_of(document)
    assert [[it.text for it in page.items] for page in raw.pages] == [["một"], ["hai"], ["ba", "vẫn ba"]]
    result = read_document(f.to_bytes(document))
    assert result.source.pages == 3
    assert [b.page for b in result.blocks if b.kind != "page_break"] == [1, 2, 3, 3]


def test_back_to_back_breaks_count_once():
    document = f.new_document()
    document.add_paragraph("một")
    paragraph = document.add_paragraph()
    paragraph.add_run().add_break(WD_BREAK.PAGE)
    f.add_rendered_break(paragraph, after_text="hai")
    assert [[it.text for it in page.items] for page in raw_of(document).pages] == [["một"], ["hai"]]


def test_rendered_break_inside_a_paragraph_keeps_it_whole():
    document = f.new_document()
    paragraph = document.add_paragraph("Đoạn văn dài sang")
    f.add_rendered_break(paragraph, after_text=" trang sau")
    document.add_paragraph("Đoạn tiếp")
    raw = raw_of(document)
    assert [[it.text for it in page.items] for page in raw.pages] == [["Đoạn văn dài sang trang sau"], ["Đoạn tiếp"]]


def test_page_limit_is_enforced():
    document = f.new_document()
    for n in range(6):
        document.add_paragraph(f"trang {n}")
        document.add_page_break()
    assert len(raw_of(document).pages) == 6
    with pytest.raises(TooLarge):
        raw_of(document, Limits(max_pages=3))


# ------------------------------------------------------------------ corpus


@pytest.mark.corpus
def test_seed_plan_task_table(corpus):
    result = read_path(corpus / SEED)
    assert result.source.format == "docx"
    assert_offsets(result)
    table_blocks = [b for b in result.blocks if b.kind == "table"]
    assert table_blocks[0].layout and table_blocks[-1].layout
    tasks = [b for b in table_blocks if not b.layout]
    assert len(tasks) == 1
    header, *data = tasks[0].rows
    assert [c.text for c in header][:1] == ["TT"]
    titles = " | ".join(c.text for c in header)
    for column in ("Nhiệm vụ", "Đơn vị chủ trì", "phối hợp", "Thời gian"):
        assert column in titles
    assert len(data) == 12
    assert [row[0].text for row in data] == [str(n) for n in range(1, 13)]
    assert all(len(row) == 5 for row in data)


@pytest.mark.corpus
def test_seed_plan_header_table(corpus):
    result = read_path(corpus / SEED)
    header = result.blocks[0]
    assert header.kind == "table" and header.layout
    cells = [c.text for row in header.rows for c in row]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells
    assert "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO" in cells


@pytest.mark.corpus
def test_decree_30_main_text(corpus):
    result = read_path(corpus / "real" / "nd_cp_30_2020_congtac_vanthu.docx")
    assert_offsets(result)
    assert result.blocks[0].kind == "table" and result.blocks[0].layout
    assert result.source.pages > 5  # Word recorded its page turns
    assert "Điều 1. Phạm vi điều chỉnh" in result.text
    assert any(b.kind == "heading" for b in result.blocks)


@pytest.mark.corpus
def test_decree_30_annex_tables_with_merges(corpus):
    result = read_path(corpus / "real" / "nd_cp_30_2020_phuluc1_thethuc_trinhbay.docx")
    assert_offsets(result)
    table_blocks = [b for b in result.blocks if b.kind == "table"]
    assert len(table_blocks) >= 4
    cells = [c for b in table_blocks for row in b.rows for c in row]
    assert any(c.rowspan > 1 for c in cells) and any(c.colspan > 1 for c in cells)
    assert result.source.pages >= 3


def test_document_without_text_warns():
    document = f.new_document()
    document.add_paragraph("   ")
    result = read_document(f.to_bytes(document))
    assert result.text == ""
    assert any("no text" in w for w in result.warnings)


def test_huge_list_start_stays_a_short_label():
    document = f.new_document()
    huge = f.add_list(document, [("upperRoman", "%1."), ("lowerLetter", "%2)")], start=999_999_999)
    f.numbered(document, "La Mã", huge, 0)
    f.numbered(document, "chữ cái", huge, 1)
    assert paragraphs(raw_of(document)) == ["999999999. La Mã", "999999999) chữ cái"]
