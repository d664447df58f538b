"""Nơi nhận items and the outline."""

from __future__ import annotations

from nlp.recipients import get_recipients
from nlp.sections import get_sections


def test_recipients_one_per_line_keep_luu_dot() -> None:
    text = "Nội dung./.\nNơi nhận:\n- UBND thành phố (B/c);\n- Phòng Nội vụ (hscv);\n- Lưu: VT, TĐKT.\nTRƯỞNG PHÒNG\nLê Thị Hồng"
    assert get_recipients(text) == ["UBND thành phố (B/c)", "Phòng Nội vụ (hscv)", "Lưu: VT, TĐKT."]


def test_recipients_flattened_cell_and_wrapped_item() -> None:
    cell = "Nơi nhận: - Như Điều 3; - Chủ tịch, các PCT UBND tỉnh; - Lưu: VT, K1.\tKT. CHỦ TỊCH"
    assert get_recipients(cell) == ["Như Điều 3", "Chủ tịch, các PCT UBND tỉnh", "Lưu: VT, K1."]
    wrapped = "Nơi nhận:\n- Các sở, ban, ngành\ntrực thuộc tỉnh;\n- Lưu: VT.\nKT. CHỦ TỊCH"
    assert get_recipients(wrapped) == ["Các sở, ban, ngành trực thuộc tỉnh", "Lưu: VT."]


def test_first_noi_nhan_is_the_documents_own() -> None:
    text = "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nPHỤ LỤC\nMẫu kế hoạch\nNơi nhận:\n- ......;\n"
    assert get_recipients(text) == ["Như trên", "Lưu: VT."]


def test_no_noi_nhan() -> None:
    assert get_recipients("Kính gửi: các trường.\nNội dung.") == []


def test_sections_levels_follow_label_styles() -> None:
    text = "I. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\nNội dung.\n1.1. Tiểu mục\na) Điểm một\nII. NHIỆM VỤ\n2. Nhiệm vụ hai\n"
    got = [(s.label, s.title, s.level) for s in get_sections(text)]
    assert got == [("I.", "MỤC ĐÍCH, YÊU CẦU", 1), ("1.", "Mục đích", 2), ("1.1.", "Tiểu mục", 3),
                   ("a)", "Điểm một", 4), ("II.", "NHIỆM VỤ", 1), ("2.", "Nhiệm vụ hai", 2)]
    for s in get_sections(text):
        assert text[s.start : s.end].startswith(s.label)


def test_articles_are_sections() -> None:
    got = get_sections("Điều 1. Phạm vi điều chỉnh\nĐiều 2. Đối tượng áp dụng\n")
    assert [(s.label, s.title) for s in got] == [("Điều 1.", "Phạm vi điều chỉnh"), ("Điều 2.", "Đối tượng áp dụng")]


def test_long_item_title_is_first_clause() -> None:
    text = "1.2. Tiếp tục triển khai thực hiện có hiệu quả các cuộc vận động lớn; " + "nội dung dài " * 20 + "\n"
    (s,) = get_sections(text)
    assert s.title == "Tiếp tục triển khai thực hiện có hiệu quả các cuộc vận động lớn"
