"""Signer block and Nơi nhận list as readers and OCR deliver them: damaged titles, names past the
signature, columns interleaved, items wrapped or with lost dashes, headings lost."""

from __future__ import annotations

import pytest

from nlp.recipients import get_recipients, recipients_block
from nlp.signer import canonical_title, get_signer, is_name, is_signer_line, strip_noise

BODY = "Đề nghị các đơn vị nghiêm túc thực hiện./.\n"


# --- titles: a closed vocabulary, written in its correct spelling -------------------------------


@pytest.mark.parametrize(
    ("read", "title"),
    [
        ("CHU TỊCH", "CHỦ TỊCH"),
        ("GIÁM ĐÓC", "GIÁM ĐỐC"),
        ("PHO CHANH VAN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"),
        ("CHỦ TICH Ÿ", "CHỦ TỊCH"),
        ("PT!O CHU TỊCH", "PHÓ CHỦ TỊCH"),
        ("PHÓ GIAM ĐÔC", "PHÓ GIÁM ĐỐC"),
        ("¬ _ PHÓ CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
        ("TRUONG PHONG", "TRƯỞNG PHÒNG"),
        ("HIEU TRUONG", "HIỆU TRƯỞNG"),
    ],
)
def test_damaged_title_reads_as_known_title(read: str, title: str) -> None:
    assert canonical_title(read) == title


def test_title_keeps_its_unit_as_read() -> None:
    assert canonical_title("VỤ TRƯỞNG VỤ KẾ HOẠCH - TÀI CHÍNH") == "VỤ TRƯỞNG VỤ KẾ HOẠCH - TÀI CHÍNH"
    assert canonical_title("GIAM ĐÓC SỞ Y TẾ") == "GIÁM ĐỐC SỞ Y TẾ"


def test_longest_title_wins() -> None:
    assert canonical_title("PHÓ TRƯỞNG PHÒNG") == "PHÓ TRƯỞNG PHÒNG"
    assert canonical_title("PHÓ TỔNG GIÁM ĐỐC") == "PHÓ TỔNG GIÁM ĐỐC"


@pytest.mark.parametrize("line", ["QUYẾT ĐỊNH:", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "TRƯỜNG THCS LÊ LỢI", "NƠI NHẬN", "KẾ HOẠCH", ""])
def test_other_upper_lines_are_no_title(line: str) -> None:
    assert canonical_title(line) is None


def test_signer_line_needs_upper_case() -> None:
    assert is_signer_line("KT. CHỦ TỊCH")
    assert is_signer_line("T/M UBND TỈNH")
    assert not is_signer_line("Chủ tịch UBND các huyện")
    assert not is_signer_line("UBND các huyện, thành phố;")


def test_strip_noise_keeps_the_words() -> None:
    assert strip_noise("¬ _ PHÓ CHỦ TỊCH |") == "PHÓ CHỦ TỊCH"
    assert strip_noise("“Trần Văn An”") == "Trần Văn An"


# --- names: an open vocabulary, kept as read --------------------------------------------------


@pytest.mark.parametrize("line", ["Trần Ngọc Căng", "Lê Thị Bích Thuận", "Ngôn Nghiệp", "ThS. Nguyễn Văn An", "_ Phạm Trường Thọ"])
def test_names(line: str) -> None:
    assert is_name(line)


@pytest.mark.parametrize(
    "line",
    ["tran Hoàng Tuần", "ĐA Hết Tờ Ty", "L Trung Chỉnh", "TRẦN NGỌC CĂNG", "Nơi nhận:", "- Như trên;", "Trần", "Quảng Ngãi, ngày 5",
     "Sở Giáo dục và Đào tạo"],
)
def test_not_names(line: str) -> None:
    assert not is_name(line)


def test_name_after_signature_junk() -> None:
    text = BODY + "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n| “)\nK\n__\n_—_——— `.\nNguyễn Thị Mai\n"
    s = get_signer(text)
    assert (s.authority, s.title, s.name) == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Thị Mai")


def test_name_after_recipients_interleaved_by_ocr() -> None:
    text = (BODY + "Nơi nhận:\n- Bộ Tài chính;\n- Sở A;\nCHU TỊCH\nlău\n~—~\n- Sở B;\n- UBND các huyện;\n"
            "- Lưu: VT, KT.\nVõ Văn Bình\n")
    s = get_signer(text)
    assert (s.title, s.name) == ("CHỦ TỊCH", "Võ Văn Bình")


def test_name_on_the_page_after() -> None:
    text = BODY + "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nTRƯỞNG PHÒNG\n\n3\n\nĐặng Văn Hùng\n"
    assert get_signer(text).name == "Đặng Văn Hùng"


def test_name_past_many_interleaved_items() -> None:
    items = "".join(f"- Sở số {k};\n" for k in range(1, 9))
    text = BODY + "Nơi nhận:\n- Như trên;\nCHỦ TỊCH\n| “)\n" + items + "- Lưu: VT.\nTrần Văn Lộc\n"
    assert get_signer(text).name == "Trần Văn Lộc"
    assert len(get_recipients(text)) == 10


def test_title_lost_name_after_the_list() -> None:
    text = BODY + "Nơi nhận:\n- Như trên;\n- Sở Tư pháp;\n- Lưu: VT, NC.\nPhạm Văn Tâm\n"
    s = get_signer(text)
    assert (s.title, s.name) == (None, "Phạm Văn Tâm")


def test_lower_case_ocr_name_is_not_taken() -> None:
    text = BODY + "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nKT. CHỦ TỊCH\nPT!O CHU TỊCH\n—\\uauL——\ntran Hoàng Tuần\n"
    s = get_signer(text)
    assert (s.authority, s.title, s.name) == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", None)


def test_old_typewritten_authority_marks() -> None:
    text = BODY + "Nơi nhận:\n- Như điều 3;\n- Lưu VT-NĐ\nT/M UBND TỈNH\nKT CHỦ TỊCH\n¬ _ PHÓ CHỦ TỊCH\nHoàng Văn Sơn\n"
    s = get_signer(text)
    assert (s.authority, s.title, s.name) == ("T/M UBND TỈNH\nKT CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Hoàng Văn Sơn")


def test_flattened_cell_signer() -> None:
    text = "Nơi nhận: - Như trên; - Lưu: VT.\tKT. CHỦ TỊCH PHÓ CHỦ TỊCH Lê Văn Bình\n"
    s = get_signer(text)
    assert (s.authority, s.title, s.name) == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Văn Bình")


def test_title_unit_on_next_line_but_not_seal_words() -> None:
    assert get_signer(BODY + "GIÁM ĐỐC\nSỞ Y TẾ\nLê Văn Hải\n").title == "GIÁM ĐỐC SỞ Y TẾ"
    assert get_signer(BODY + "CHỦ TỊCH\nCƯỜNG VN\nLê Văn Hải\n").title == "CHỦ TỊCH"


def test_name_search_stops_at_an_attached_document() -> None:
    text = BODY + "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nCHỦ TỊCH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do\nNguyễn Văn Tư\n"
    s = get_signer(text)
    assert (s.title, s.name) == ("CHỦ TỊCH", None)


def test_dash_title_after_luu() -> None:
    text = BODY + "Nơi nhận:\n~ Như trên;\n~ Lưu: VT, CTrTT.\n- GIÁM ĐÓC\nc.t\nHồ Thị Lan\n"
    assert get_signer(text).title == "GIÁM ĐỐC"
    assert get_recipients(text) == ["Như trên", "Lưu: VT, CTrTT."]


def test_no_signer() -> None:
    s = get_signer("Nội dung không có chữ ký.\nHết.\n")
    assert (s.authority, s.title, s.name) == (None, None, None)


# --- recipients --------------------------------------------------------------------------------


def test_tilde_dashes_and_lost_dashes() -> None:
    text = BODY + "Nơi nhận:\n~ Như trên;\nBộ Giáo dục và Đào tạo;\n- Các Sở: Y tế;\nUBND các quận, huyện;\n~ Lưu: VT.\n"
    assert get_recipients(text) == ["Như trên", "Bộ Giáo dục và Đào tạo", "Các Sở: Y tế", "UBND các quận, huyện", "Lưu: VT."]


def test_wrapped_item_going_on_in_upper_case() -> None:
    text = BODY + "Nơi nhận:\n- Như trên;\n- Văn phòng UBND: CVP,\nPCVP, Phòng KGVX;\n- Lưu: VT.\n"
    assert get_recipients(text) == ["Như trên", "Văn phòng UBND: CVP, PCVP, Phòng KGVX", "Lưu: VT."]


def test_wrapped_item_without_terminator() -> None:
    text = BODY + "Nơi nhận:\n- Sở Kế hoạch và\nĐầu tư;\n- Lưu: VT.\n"
    assert get_recipients(text) == ["Sở Kế hoạch và Đầu tư", "Lưu: VT."]


def test_signer_column_inside_the_list_is_stepped_over() -> None:
    text = (BODY + "Nơi nhận:\n- Sở A;\n- Sở B;\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n| “)\nK\n- Sở C;\n- Lưu: VT.\n"
            "Trần Văn Nam\n")
    assert get_recipients(text) == ["Sở A", "Sở B", "Sở C", "Lưu: VT."]


def test_luu_ends_the_list() -> None:
    text = BODY + "Nơi nhận:\n- Như trên;\n- Lưu: VT, TH.\n- Mục khác của phụ lục;\n"
    assert get_recipients(text) == ["Như trên", "Lưu: VT, TH."]


def test_luu_item_may_wrap() -> None:
    text = BODY + "Nơi nhận:\n- Như trên;\n- Lưu: VT, CTrTT\n(Chương).\nNguyễn Văn A\n"
    assert get_recipients(text) == ["Như trên", "Lưu: VT, CTrTT (Chương)."]


def test_trailing_ocr_junk_is_dropped() -> None:
    text = BODY + "Nơi nhận:\n- Báo Quảng Ngãi, Đài PT-TH tỉnh; -\n- Các sở, ban, ngành tỉnh; .\n- UBND TP. Đà Nẵng:\n- Lưu: VT.\n"
    assert get_recipients(text) == ["Báo Quảng Ngãi, Đài PT-TH tỉnh", "Các sở, ban, ngành tỉnh", "UBND TP. Đà Nẵng", "Lưu: VT."]


def test_heading_without_diacritics() -> None:
    assert get_recipients(BODY + "Noi nhan:\n- Nhu tren;\n- Luu: VT.\n") == ["Nhu tren", "Luu: VT."]
    assert get_recipients(BODY + "N0i nh ận:\n- Như trên;\n- Sở A;\nTRƯỞNG PHÒNG\n") == ["Như trên", "Sở A"]


def test_mangled_heading_list_found_by_its_luu_item() -> None:
    text = BODY + "(44 -So\n- Như trên;\n- PCT UBND tỉnh;\n- Cổng TTĐT tỉnh;\n- Lưu: VT, TTHC.\nTL. CHỦ TỊCH\n"
    assert get_recipients(text) == ["Như trên", "PCT UBND tỉnh", "Cổng TTĐT tỉnh", "Lưu: VT, TTHC."]


def test_lost_heading_list_after_the_closing_mark() -> None:
    text = "Nội dung.\nyêu cầu các trường thực hiện nghiêm túc/.\n_ -UBND thành phố (B/c);\n: - Phòng Nội vụ;\n: Các trường trực thuộc;\n"
    assert get_recipients(text) == ["UBND thành phố (B/c)", "Phòng Nội vụ", "Các trường trực thuộc"]


def test_speckle_before_dashes() -> None:
    text = BODY + "Nơi nhận:\n_~ Như trên;\n\" - Lãnh đạo Sở;\n: - Phòng Nội vụ;\n- Lưu: VT.\n"
    assert get_recipients(text) == ["Như trên", "Lãnh đạo Sở", "Phòng Nội vụ", "Lưu: VT."]


def test_appendix_after_signer_is_not_absorbed() -> None:
    text = BODY + "Nơi nhận:\n- Như trên;\nTRƯỞNG PHÒNG\nLê Thị Hồng\nPHỤ LỤC\n- Mục một;\n- Mục hai;\n"
    assert get_recipients(text) == ["Như trên"]


def test_signer_title_between_items_is_no_item() -> None:
    text = BODY + "Nơi nhận:\n- Sở A;\nGIÁM ĐỐC\n- Sở B;\n- Lưu: VT.\n"
    assert get_recipients(text) == ["Sở A", "Sở B", "Lưu: VT."]


def test_dashed_signer_title_ends_a_list_without_luu() -> None:
    text = BODY + "Nơi nhận:\n- Như trên;\n- Sở Y tế;\n- GIÁM ĐÓC\nHồ Thị Lan\n"
    assert get_recipients(text) == ["Như trên", "Sở Y tế"]
    assert (get_signer(text).title, get_signer(text).name) == ("GIÁM ĐỐC", "Hồ Thị Lan")


def test_one_dash_line_after_closing_mark_is_no_list() -> None:
    assert get_recipients("Nội dung thực hiện./.\n- Ghi chú một dòng;\nTRƯỞNG PHÒNG\nLê Thị Hồng\n") == []


def test_kinh_gui_list_is_no_noi_nhan() -> None:
    assert get_recipients("Kính gửi:\n- Sở Tài chính;\n- Sở Nội vụ.\nNội dung công văn.\n") == []


def test_body_dash_list_is_no_noi_nhan() -> None:
    text = "Nhiệm vụ:\n- Tổ chức hội nghị;\n- Báo cáo kết quả./.\nTRƯỞNG PHÒNG\nLê Thị Hồng\n"
    assert get_recipients(text) == []


def test_name_between_items_is_no_item() -> None:
    text = BODY + "Nơi nhận:\n- Như trên;\nGIÁM ĐỐC\nLê Văn Hải\n- Sở Y tế;\n- Lưu: VT.\n"
    assert get_recipients(text) == ["Như trên", "Sở Y tế", "Lưu: VT."]


def test_block_offsets_span_the_list() -> None:
    text = BODY + "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nTRƯỞNG PHÒNG\n"
    items, start, end = recipients_block(text) or ([], 0, 0)
    assert items == ["Như trên", "Lưu: VT."]
    assert text[start:end].startswith("Nơi nhận") and text[start:end].endswith("Lưu: VT.")


def test_items_read_beside_the_title_are_no_unit() -> None:
    text = BODY + "Nơi nhận:\nTRƯỞNG PHÒNG\n- UBND thành phố (B/c);\n- Lưu: VT, TĐKT.\nLê Thị Hồng\n"
    s = get_signer(text)
    assert (s.title, s.name) == ("TRƯỞNG PHÒNG", "Lê Thị Hồng")
    assert get_recipients(text) == ["UBND thành phố (B/c)", "Lưu: VT, TĐKT."]


@pytest.mark.parametrize(
    ("read", "item"),
    [("- Limu; VT,KT.bn106", "Lưu: VT,KT.bn106"), ("- Lmu VT.", "Lưu: VT."),
     ("- Luu VT,KT.bn106", "Luu VT,KT.bn106"), ("- Lưư: VT,KT.bn106", "Lưư: VT,KT.bn106")],
)
def test_damaged_luu_label_ends_the_list(read: str, item: str) -> None:
    """Only a label that does not fold to "Luu" is re-spelled; one that does is kept as written."""
    text = BODY + "Nơi nhận:\n- Như trên;\n" + read + "\n- Phụ lục kèm theo;\n"
    assert get_recipients(text) == ["Như trên", item]


def test_word_like_luu_without_vt_is_left_alone() -> None:
    text = BODY + "Nơi nhận:\n- Như trên;\n- Liên đoàn Lao động tỉnh;\n- Lưu: VT.\n"
    assert get_recipients(text) == ["Như trên", "Liên đoàn Lao động tỉnh", "Lưu: VT."]
