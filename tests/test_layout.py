"""Paragraph rebuilding rules of ``nlp.layout.assemble``, each on a small hand-made page."""

from __future__ import annotations

import re

import pytest

from nlp.layout import assemble
from nlp.model import RawCell, RawLine, RawPage, RawTable
from tests.conftest import CORPUS
from worker.readers import read_path


def _text(*pages: list[str]) -> str:
    return assemble([RawPage(n, [RawLine(t) for t in lines]) for n, lines in enumerate(pages, 1)]).text


def _lines(*pages: list[str]) -> list[str]:
    return _text(*pages).split("\n")


# ------------------------------------------------------------------ text only


def test_wrapped_lines_join_into_one_paragraph() -> None:
    out = _lines(["Căn cứ Kế hoạch số 217/KH-SGDĐT, ngày 28/01/2022 của Sở Giáo dục và",
                  "Đào tạo về Kế hoạch thực hiện công tác thi đua, khen thưởng năm 2022;",
                  "Phòng Giáo dục và Đào tạo ban hành Kế hoạch thực hiện công tác thi đua,",
                  "khen thưởng năm 2022, cụ thể như sau:"])
    assert out[0].endswith("của Sở Giáo dục và Đào tạo về Kế hoạch thực hiện công tác thi đua, khen thưởng năm 2022; "
                           "Phòng Giáo dục và Đào tạo ban hành Kế hoạch thực hiện công tác thi đua, khen thưởng năm 2022, "
                           "cụ thể như sau:")
    assert len(out) == 1


def test_symbol_split_at_line_end_joins_without_space() -> None:
    out = _text(["Tiếp theo Hướng dẫn thi đua năm học của phòng theo Hướng dẫn số 994/HD-",
                 "PGDĐT ngày 25/8/2021 của Phòng Giáo dục và Đào tạo."])
    assert "994/HD-PGDĐT ngày 25/8/2021" in out


def test_spaced_dash_is_not_a_symbol() -> None:
    out = _text(["phát triển kinh tế - xã hội của thành phố trong giai đoạn năm 2021 -",
                 "2025 theo kế hoạch."])
    assert "2021 - 2025" in out


def test_numbered_heading_stays_on_its_own_line() -> None:
    filler = "Phát động và đẩy mạnh các phong trào thi đua yêu nước tạo khí thế sôi nổi, cổ"
    out = _lines(["I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", filler,
                  "vũ tinh thần, huy động tinh thần đoàn kết, quyết tâm khắc phục khó khăn."])
    assert out[:2] == ["I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích"]
    assert out[2].startswith("Phát động") and out[2].endswith("khó khăn.")


def test_long_numbered_heading_without_full_stop_is_not_glued_to_body() -> None:
    body = "Phát động, tổ chức thực hiện có hiệu quả các cuộc vận động, các phong trào thi"
    out = _lines([body, "1. Phát động và tổ chức triển khai các phong trào thi đua",
                  "Phát động, tổ chức thực hiện có hiệu quả các cuộc vận động, các phong trào thi",
                  "đua thường xuyên, thi đua theo đợt, thi đua chuyên đề với nội dung cụ thể."])
    assert "1. Phát động và tổ chức triển khai các phong trào thi đua" in out


def test_heading_blocks_are_marked() -> None:
    result = assemble([RawPage(1, [RawLine("II. NHIỆM VỤ TRỌNG TÂM NĂM 2022"), RawLine("Nội dung công việc.")])])
    kinds = [b.kind for b in result.blocks]
    assert kinds == ["heading", "paragraph"]


def test_upper_case_signer_title_is_not_glued_to_name() -> None:
    assert _lines(["- Lưu: VT, TĐKT.", "TRƯỞNG PHÒNG", "Lê Thị Hồng"])[-2:] == ["TRƯỞNG PHÒNG", "Lê Thị Hồng"]


def test_semicolon_then_quote_continues_a_long_line() -> None:
    out = _lines(["trọng tâm là các phong trào: “Cả nước chung tay vì người nghèo, không để ai bị bỏ lại phía sau”;",
                  "“Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở”; “Thi đua dạy tốt, học tốt”."])
    assert len(out) == 1


def test_sentence_end_then_capital_opens_a_paragraph() -> None:
    out = _lines(["Khen thưởng, tôn vinh các tập thể, cá nhân đảm bảo chính xác, công khai, công",
                  "bằng, kịp thời và đúng quy định.",
                  "Gắn trách nhiệm người đứng đầu cơ quan, đơn vị trong chủ trì tổ chức, triển khai"])
    assert len(out) == 2 and out[1].startswith("Gắn trách nhiệm")


def test_list_items_stay_apart() -> None:
    out = _lines(["Nơi nhận:", "- UBND thành phố (B/c);", "- Phòng Nội vụ (hscv);", "- Lưu: VT, TĐKT."])
    assert out == ["Nơi nhận:", "- UBND thành phố (B/c);", "- Phòng Nội vụ (hscv);", "- Lưu: VT, TĐKT."]


def test_flattened_table_rows_are_not_glued() -> None:
    body = "Đoạn mở đầu của kế hoạch có độ dài như một dòng văn bản bình thường trên trang giấy A4."
    out = _lines([body, body, "1", "Ban hành Kế hoạch thực hiện công", "tác thi đua khen thưởng năm 2022.",
                  "Phòng", "GD&ĐT", "Tháng", "03/2022", "2", "Tổ chức phát động phong trào thi"])
    assert not any("03/2022" in ln and "Tổ chức" in ln for ln in out)
    assert "Ban hành Kế hoạch thực hiện công tác thi đua khen thưởng năm 2022." in out
    assert "Tháng 03/2022" in out


def test_no_joining_keeps_every_line() -> None:
    pages = [RawPage(1, [RawLine("dòng một"), RawLine("dòng hai")])]
    assert assemble(pages, join_lines=False).text == "dòng một\ndòng hai"


# ------------------------------------------------------------------ pages


def test_running_header_and_page_numbers_are_dropped() -> None:
    body = ["Mở đầu khác nhau ở mỗi trang {n}.", "Câu thứ hai của trang {n} có nội dung riêng.",
            "Câu thứ ba {n}.", "Nội dung trang {n} của kế hoạch."]
    pages = [["KẾ HOẠCH THI ĐUA NĂM 2022"] + [b.format(n=n) + " x" * n for b in body] + [f"Trang {n}"]
             for n in range(1, 5)]
    out = _text(*pages)
    assert "KẾ HOẠCH THI ĐUA" not in out and "Trang 2" not in out
    assert "Nội dung trang 3 của kế hoạch." in out and "Mở đầu khác nhau ở mỗi trang 1." in out


def test_bare_page_number_at_top_is_dropped() -> None:
    out = _lines(["Câu đầu tiên của trang một."], ["- 2 -", "Câu đầu tiên của trang hai."])
    assert "- 2 -" not in out


def test_sentence_cut_by_page_break_is_joined() -> None:
    result = assemble([
        RawPage(1, [RawLine("Tiếp tục tổ chức thực hiện có hiệu quả Kế hoạch số 239/KH-PGDĐT,")]),
        RawPage(2, [RawLine("2"), RawLine("ngày 15/3/2021 của phòng Giáo dục và Đào tạo về phát động phong trào.")]),
    ])
    assert "Kế hoạch số 239/KH-PGDĐT, ngày 15/3/2021 của phòng" in result.text
    para = [b for b in result.blocks if b.kind == "paragraph"][0]
    assert (para.page, para.page_end) == (1, 2)
    assert [b.kind for b in result.blocks] == ["paragraph", "page_break"]


def test_paragraph_ending_at_page_foot_is_not_joined() -> None:
    out = _lines(["Câu cuối cùng của trang đã kết thúc."], ["Đoạn mới bắt đầu ở trang sau."])
    assert len(out) == 2


# ------------------------------------------------------------------ geometry


def _g(text: str, x0: float, x1: float, top: float, *, size: float = 14, bold: bool = False,
       centered: bool = False) -> RawLine:
    return RawLine(text, x0=x0, x1=x1, top=top, bottom=top + size, size=size, bold=bold, centered=centered)


def test_first_line_indent_opens_a_paragraph() -> None:
    lines = [_g("Đoạn thứ nhất chạy hết dòng và tiếp tục xuống dòng dưới", 114, 552, 100),
             _g("và kết thúc ở đây", 85, 300, 118),
             _g("Đoạn thứ hai bắt đầu bằng thụt đầu dòng và chạy hết dòng", 114, 552, 136),
             _g("còn đây là dòng cuối.", 85, 300, 154)]
    out = assemble([RawPage(1, lines)]).text.split("\n")
    assert out == ["Đoạn thứ nhất chạy hết dòng và tiếp tục xuống dòng dưới và kết thúc ở đây",
                   "Đoạn thứ hai bắt đầu bằng thụt đầu dòng và chạy hết dòng còn đây là dòng cuối."]


def test_full_line_ending_in_full_stop_continues_when_next_is_flush() -> None:
    lines = [_g("Thứ nhất, mở đầu đoạn văn.", 114, 552, 100),
             _g("Trường hợp không bảo đảm điều kiện thì phối hợp với các cơ", 85, 552, 118),
             _g("quan liên quan.", 85, 200, 136)]
    assert len(assemble([RawPage(1, lines)]).text.split("\n")) == 1


def test_right_margin_slack_ends_a_paragraph_without_indent() -> None:
    lines = [_g("Dòng đầy đủ chạy đến lề phải của trang văn bản này", 85, 552, 100),
             _g("Dòng ngắn kết thúc", 85, 250, 118),
             _g("Một đoạn khác không thụt đầu dòng", 85, 552, 136)]
    assert len(assemble([RawPage(1, lines)]).text.split("\n")) == 2


def test_vertical_gap_opens_a_paragraph() -> None:
    lines = [_g("Dòng một chạy đến lề phải của trang", 85, 552, 100),
             _g("Dòng hai chạy đến lề phải của trang", 85, 552, 118),
             _g("Dòng ba sau một khoảng trống lớn", 85, 552, 160),
             _g("Dòng bốn chạy đến lề phải của trang", 85, 552, 178)]
    assert len(assemble([RawPage(1, lines)]).text.split("\n")) == 2


def test_centred_title_lines_join_but_not_with_the_document_type() -> None:
    lines = [_g("THÔNG BÁO", 276, 362, 150, bold=True, centered=True),
             _g("Kết luận của Phó Chủ tịch UBND tỉnh tại cuộc họp nghe", 121, 517, 169, bold=False, centered=True),
             _g("báo cáo về tình hình cổ phần hóa Công ty", 150, 488, 186, centered=True),
             _g("Ngày 03/01/2025, Phó Chủ tịch UBND tỉnh chủ trì họp nghe báo", 128, 539, 220),
             _g("cáo về tình hình thực hiện.", 99, 300, 236)]
    out = assemble([RawPage(1, lines)]).text.split("\n")
    assert out[0] == "THÔNG BÁO"
    assert out[1] == "Kết luận của Phó Chủ tịch UBND tỉnh tại cuộc họp nghe báo cáo về tình hình cổ phần hóa Công ty"


def test_geometric_page_break_join() -> None:
    p1 = [_g("Đoạn văn bắt đầu ở cuối trang một và chạy hết dòng đến lề", 114, 552, 700),
          _g("phải, rồi bị cắt bởi ngắt trang ở giữa câu của Sở Giáo dục và", 85, 552, 718),
          _g("dòng cuối trang ba", 85, 552, 736)]
    p2 = [_g("Đào tạo về Kế hoạch thực hiện công tác thi đua năm 2022 của", 85, 552, 60),
          _g("thành phố.", 85, 200, 78), _g("Đoạn mới thụt đầu dòng ở trang hai chạy đến", 114, 552, 96)]
    out = assemble([RawPage(1, p1), RawPage(2, p2)]).text
    assert "dòng cuối trang ba Đào tạo về Kế hoạch" in out


# ------------------------------------------------------------------ tables


def _table(*rows: list[str], layout: bool = False) -> RawTable:
    return RawTable([[RawCell(c) for c in r] for r in rows], layout=layout)


def test_table_continued_on_next_page_is_merged_and_cut_cell_joined() -> None:
    first = _table(["TT", "Nhiệm vụ", "Thời gian"], ["1", "Ban hành Kế\nhoạch thực hiện", "Tháng 3"],
                   ["2", "Hướng dẫn và hoàn thành việc\nthẩm định", "Tháng 4"])
    second = _table(["", "sáng kiến năm học.", ""], ["3", "Tổng kết", "Tháng 5"])
    result = assemble([RawPage(1, [first]), RawPage(2, [second])])
    tables = [b for b in result.blocks if b.kind == "table"]
    assert len(tables) == 1 and tables[0].rows is not None
    rows = tables[0].rows
    assert [r[0].text for r in rows] == ["TT", "1", "2", "3"]
    assert rows[2][1].text == "Hướng dẫn và hoàn thành việc thẩm định sáng kiến năm học."
    assert rows[1][1].text == "Ban hành Kế hoạch thực hiện"
    assert (tables[0].page, tables[0].page_end) == (1, 2)
    for row in rows:
        for cell in row:
            assert result.text[cell.start:cell.end] == cell.text


def test_repeated_header_row_is_dropped_when_table_continues() -> None:
    head = ["TT", "Nhiệm vụ", "Thời gian"]
    result = assemble([RawPage(1, [_table(head, ["1", "Một", "Tháng 3"])]),
                       RawPage(2, [_table(head, ["2", "Hai", "Tháng 4"])])])
    rows = [b for b in result.blocks if b.kind == "table"][0].rows
    assert rows is not None and [r[0].text for r in rows] == ["TT", "1", "2"]


def test_table_with_other_columns_is_not_merged() -> None:
    result = assemble([RawPage(1, [_table(["TT", "Nhiệm vụ", "Thời gian"], ["1", "Một", "Tháng 3"])]),
                       RawPage(2, [_table(["A", "B"], ["x", "y"])])])
    assert len([b for b in result.blocks if b.kind == "table"]) == 2


def test_data_cell_keeps_list_items_apart() -> None:
    table = _table(["9", "- Hướng dẫn công tác thi\nđua năm học.\n- Đăng ký thi đua,\nkhen thưởng."])
    rows = [b for b in assemble([RawPage(1, [table])]).blocks if b.kind == "table"][0].rows
    assert rows is not None
    assert rows[0][1].text == "- Hướng dẫn công tác thi đua năm học.\n- Đăng ký thi đua, khen thưởng."


def test_layout_cell_keeps_issuer_lines_apart() -> None:
    table = _table(["UBND THÀNH PHỐ ĐIỆN BIÊN PHỦ\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO\nSố: 12/KH-PGDĐT",
                    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
                    "Điện Biên Phủ, ngày 5 tháng 3 năm\n2022"], layout=True)
    result = assemble([RawPage(1, [table])])
    assert result.text.split("\n") == ["UBND THÀNH PHỐ ĐIỆN BIÊN PHỦ", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "Số: 12/KH-PGDĐT",
                                       "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                                       "Điện Biên Phủ, ngày 5 tháng 3 năm 2022"]
    assert result.blocks[0].layout


# ------------------------------------------------------------------ the seed


SEED = CORPUS / "kh_pgddt_dienbienphu_2022_thidua.txt"


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    return read_path(SEED).text.split("\n")


@pytest.mark.corpus
def test_seed_wrapped_lines_are_rejoined(seed_lines: list[str]) -> None:
    """Every pair of source lines where the second starts lower-case sits on one output line."""
    source = [ln.strip() for ln in SEED.read_text(encoding="utf-8").splitlines() if ln.strip()]
    section_iii = next(i for i, ln in enumerate(source) if ln.startswith("III."))
    section_iv = next(i for i, ln in enumerate(source) if ln.startswith("IV."))
    body = source[:section_iii] + source[section_iv:]
    joined = [" ".join(ln.split()) for ln in seed_lines]
    misses = [f"{a} | {b}" for a, b in zip(body, body[1:], strict=False)
              if b[:1].islower() and not any(f"{' '.join(a.split())} {' '.join(b.split())}" in ln for ln in joined)]
    assert not misses, misses[:3]


@pytest.mark.corpus
@pytest.mark.parametrize("phrase", [
    "Sở Giáo dục và Đào tạo về Kế hoạch thực hiện",
    "Kế hoạch số 239/KH-PGDĐT, ngày 15/3/2021",
    "Hướng dẫn số 994/HD-PGDĐT ngày 25/8/2021",
    "cụ thể nhằm thực hiện tốt các mục tiêu",
])
def test_seed_page_break_damage_is_repaired(seed_lines: list[str], phrase: str) -> None:
    assert any(phrase in ln for ln in seed_lines)


@pytest.mark.corpus
def test_seed_headings_and_signer_stand_alone(seed_lines: list[str]) -> None:
    for heading in ("I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", "2. Yêu cầu",
                    "1. Phát động và tổ chức triển khai các phong trào thi đua", "TRƯỞNG PHÒNG", "Lê Thị Hồng"):
        assert heading in seed_lines


@pytest.mark.corpus
def test_seed_task_table_rows_are_not_merged(seed_lines: list[str]) -> None:
    start = seed_lines.index("III. NHIỆM VỤ CỤ THỂ VÀ THỜI GIAN THỰC HIỆN")
    end = seed_lines.index("IV. TỔ CHỨC THỰC HIỆN")
    table = seed_lines[start + 1:end]
    # A row number followed by task text on the same line as a deadline means two rows were glued.
    glued = [ln for ln in table if re.search(r"\d{2}/20\d\d\s+\d{1,2}\s+\S", ln) or len(ln) > 250]
    assert not glued, glued
    assert sum(1 for ln in table if re.fullmatch(r"\d{1,2}", ln)) >= 10


def test_cells_carry_their_grid_column_under_a_rowspan() -> None:
    from nlp.layout import assemble
    from nlp.model import RawCell, RawPage, RawTable

    table = RawTable([[RawCell("1"), RawCell("Ban Giám hiệu", rowspan=2), RawCell("Tháng 9")],
                      [RawCell("2"), RawCell("Tháng 10")]])
    (block,) = [b for b in assemble([RawPage(1, [table])]).blocks if b.kind == "table"]
    assert [(c.text, c.col) for c in block.rows[1]] == [("2", 0), ("Tháng 10", 2)]
