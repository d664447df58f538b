"""Header and signer block: each component found by its own pattern, nothing guessed."""

from __future__ import annotations

import pytest

from nlp.header import get_header

LETTER = """UBND THÀNH PHỐ ĐÀ NẴNG
SỞ GIÁO DỤC VÀ ĐÀO TẠO
Số: 1906 /SGDĐT-CTrTT
V/v khẩn trương thực hiện các biện pháp
phòng, chống dịch COVID-19
CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Đà Nẵng, ngày 26 tháng 7 năm 2020
Kính gửi: Các trường trực thuộc.
Thực hiện chỉ đạo của UBND thành phố, Sở đề nghị các đơn vị thực hiện.
Nơi nhận:
- Như trên;
- Lưu: VT, CTrTT.
GIÁM ĐỐC
Lê Thị Bích Thuận
"""

DECISION = """ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH TUYÊN QUANG\tĐộc lập - Tự do - Hạnh phúc
Số: 986/QĐ-UBND\tTuyên Quang, ngày 13 tháng 8 năm 2024
QUYẾT ĐỊNH
Ban hành Kế hoạch thời gian năm học 2024-2025
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG
Căn cứ Luật Giáo dục ngày 14/6/2019;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch.
Nơi nhận:
- Như Điều 3;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Hoàng Việt Phương
"""


def test_cong_van_header() -> None:
    h = get_header(LETTER)
    assert h.parent_issuer == "UBND THÀNH PHỐ ĐÀ NẴNG"
    assert h.issuer == "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    assert (h.number, h.symbol, h.ref, h.year) == ("1906", "SGDĐT-CTrTT", "1906/SGDĐT-CTrTT", None)
    assert (h.place, h.date) == ("Đà Nẵng", "2020-07-26")
    assert (h.doc_type, h.doc_type_code) == ("Công văn", None)
    assert h.subject == "khẩn trương thực hiện các biện pháp phòng, chống dịch COVID-19"
    assert (h.signer_authority, h.signer_title, h.signer_name) == (None, "GIÁM ĐỐC", "Lê Thị Bích Thuận")
    assert h.review == []


def test_decision_with_columns_side_by_side_and_authority() -> None:
    h = get_header(DECISION)
    assert h.parent_issuer is None
    assert h.issuer == "ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG"
    assert h.ref == "986/QĐ-UBND"
    assert (h.place, h.date) == ("Tuyên Quang", "2024-08-13")
    assert (h.doc_type, h.doc_type_code) == ("Quyết định", "QĐ")
    assert h.subject == "Ban hành Kế hoạch thời gian năm học 2024-2025"
    assert (h.signer_authority, h.signer_title, h.signer_name) == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Hoàng Việt Phương")


def test_legal_normative_symbol_carries_year() -> None:
    h = get_header("CHÍNH PHỦ\nSố: 249/2025/NĐ-CP\nHà Nội, ngày 19 tháng 09 năm 2025\nNGHỊ ĐỊNH\nQuy định cơ chế thu hút chuyên gia\n")
    assert (h.number, h.year, h.symbol, h.ref) == ("249", 2025, "NĐ-CP", "249/2025/NĐ-CP")
    assert h.doc_type_code == "NĐ"


def test_handwritten_blanks_are_flagged_not_guessed() -> None:
    text = "UỶ BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố:     /CT-UBND\nQuảng Ngãi, ngày    tháng 4 năm 2020\nCHỈ THỊ\nVề việc nộp thuế điện tử\n"
    h = get_header(text)
    assert h.number is None and h.ref is None and h.symbol == "CT-UBND"
    assert h.date is None
    assert "number" in h.review and "date" in h.review
    assert h.doc_type == "Chỉ thị"


def test_ocr_without_diacritics_still_reads_place_date() -> None:
    h = get_header("SO GIAO DUC VA DAO TAO\nSố: 12/KH-SGDĐT\nDa Nang, ngay 05 thang 3 nam 2022\n")
    assert h.date == "2022-03-05"
    assert h.place == "Da Nang"


def test_impossible_header_date_is_flagged() -> None:
    h = get_header("Số: 1/KH-X\nHà Nội, ngày 31 tháng 02 năm 2022\n")
    assert h.date is None and "date" in h.review


@pytest.mark.parametrize(
    ("block", "authority", "title"),
    [
        ("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nTrần Hoàng Tuấn", "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
        ("TL. BỘ TRƯỞNG\nVỤ TRƯỞNG VỤ KẾ HOẠCH - TÀI CHÍNH\nPhạm Quang Phụng", "TL. BỘ TRƯỞNG", "VỤ TRƯỞNG VỤ KẾ HOẠCH - TÀI CHÍNH"),
        ("TL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG\nNguyễn Quốc Việt", "TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"),
        ("TRƯỞNG PHÒNG\nLê Thị Hồng", None, "TRƯỞNG PHÒNG"),
    ],
)
def test_signer_blocks(block: str, authority: str | None, title: str) -> None:
    h = get_header("Nội dung văn bản./.\n" + block + "\n")
    assert (h.signer_authority, h.signer_title) == (authority, title)
    assert h.signer_name == block.splitlines()[-1]


def test_no_header_stays_empty() -> None:
    h = get_header("Phát động phong trào thi đua trong toàn ngành.\n")
    assert h.issuer is None and h.ref is None and h.date is None and h.signer_name is None
