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


# ------------------------------------------------------------ Số line: zone and OCR forms

HEAD_OK = "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\n"


@pytest.mark.parametrize("so", ["Số: 12/UBND-KT", "Sô: 12/UBND-KT", "S6: 12/UBND-KT", "Số : 12/UBND-KT",
                                "Sé: 12/UBND-KT", "- Số:12/UBND-KT", "Số 12/UBND-KT"])
def test_ocr_forms_of_so_line(so: str) -> None:
    h = get_header(HEAD_OK + so + "\nV/v góp ý dự thảo\nKính gửi: Sở Tài chính\n")
    assert h.ref == "12/UBND-KT"


def test_number_never_taken_from_a_citation_list_in_the_body() -> None:
    text = (HEAD_OK + "Sx! 12 UBND-KT\nV/v góp ý dự thảo\nKính gửi: Sở Tài chính\n"
            "Thực hiện các Công văn:\nSố 1060/BTC-NSNN ngày 01/02/2024;\nsố 1061/BTC-NSNN ngày 02/02/2024,\n")
    h = get_header(text)
    assert h.ref is None and h.symbol is None


def test_number_not_taken_after_the_title() -> None:
    h = get_header(HEAD_OK + "QUYẾT ĐỊNH\nVề việc giao đất\nSố 5/QĐ-UB ngày 01/01/1999 bị bãi bỏ\n")
    assert h.ref is None and h.doc_type == "Quyết định"


def test_number_not_taken_after_can_cu() -> None:
    h = get_header(HEAD_OK + "Căn cứ Luật Đất đai;\nSố: 88/CP-NĐ\n")
    assert h.ref is None


@pytest.mark.parametrize("slot", ["#14 ", "Ø #ˆ ", "ý# ", "899 _", "23 ..."])
def test_number_mixed_with_debris_is_withheld_for_review(slot: str) -> None:
    h = get_header(HEAD_OK + f"Số: {slot}/UBND-TTHC\nV/v công bố danh mục\n")
    assert h.number is None and h.ref is None
    assert h.symbol == "UBND-TTHC" and "number" in h.review


def test_clean_number_before_a_gap_is_kept() -> None:
    h = get_header(HEAD_OK + "Số: 1906 /SGDĐT-CTrTT\nV/v phòng chống dịch\n")
    assert (h.number, h.ref, h.review) == ("1906", "1906/SGDĐT-CTrTT", [])


def test_number_on_the_v_v_line_of_a_web_page() -> None:
    text = ("Công văn số 2638/LĐTBXH-KHTC V/v xây dựng dự toán năm 2020\n"
            "BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI -------\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Số: 2638/LĐTBXH-KHTC V/v xây dựng dự toán năm 2020\tHà Nội, ngày 03 tháng 7 năm 2019\n"
            "Kính gửi: Các Sở\n")
    h = get_header(text)
    assert h.issuer == "BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
    assert h.ref == "2638/LĐTBXH-KHTC"
    assert h.subject == "xây dựng dự toán năm 2020"


# ------------------------------------------------------------ place and date


@pytest.mark.parametrize(
    ("line", "place", "date", "month"),
    [
        ("Quảng Ngãi, ngày,83 tháng 01 năm 2025", "Quảng Ngãi", None, "2025-01"),
        ("Đà Nẵng, ngày JŸtháng 10 năm 2023", "Đà Nẵng", None, "2023-10"),
        ("Quảng Ngãi, ngày15 tháng 01 năm 2025", "Quảng Ngãi", "2025-01-15", None),
        ("Đà Nẵng, ngày 26tháng 7 năm 2020", "Đà Nẵng", "2020-07-26", None),
        ("Cao Bằng, ngày 22 tháng 2 năm: 1999.", "Cao Bằng", "1999-02-22", None),
        ("“Điện Biên Phủ, ngày _ tháng 3 nấm, ¬\n-2022.", "Điện Biên Phủ", None, "2022-03"),
        ("Độc lập - Tự do - Hạnh phúc Quảng Ngãi, ngày 05 tháng 3 năm 2024", "Quảng Ngãi", "2024-03-05", None),
        ("CHỦ NGHĨA VIỆT NAM Hà Nội, ngày 05 tháng 3 năm 2024", "Hà Nội", "2024-03-05", None),
        ("Quảng Ngãi, ngày 1 5 tháng 4 năm 2020", "Quảng Ngãi", None, "2020-04"),
    ],
)
def test_ocr_place_date_lines(line: str, place: str, date: str | None, month: str | None) -> None:
    h = get_header(HEAD_OK + "Số: 3/BC-UBND\n" + line + "\nBÁO CÁO\nTình hình tháng 01\n")
    assert (h.place, h.date, h.date_month) == (place, date, month)
    assert ("date" in h.review) == (date is None)


def test_stamp_and_signing_box_dates_are_never_taken() -> None:
    text = (HEAD_OK + "Số: 7/CT-UBND\nQuảng Ngãi, ngày tháng 3 năm 2018\nCHỈ THỊ\nVề việc thi hành án\n"
            "CV ĐẾN Số: 2352 Ngày: 21.3.18\nttcbth@quangngai.gov.vn 21.03.2018 16:41:00\n")
    h = get_header(text)
    assert h.date is None and h.date_month == "2018-03" and "date" in h.review


def test_date_of_an_attachment_after_the_body_is_not_the_header_date() -> None:
    text = (HEAD_OK + "Số: 157/QĐ-UB\nQUYẾT ĐỊNH\nVề việc giao đất\nCăn cứ Luật Đất đai;\n"
            "PHIẾU TRÌNH\nTP, ngày 18 tháng 01 năm 1999\n")
    h = get_header(text)
    assert h.place is None and h.date is None


def test_place_as_lone_tp_is_not_a_place() -> None:
    h = get_header(HEAD_OK + "Số: 13/UB-TP\nTP, ngày 18 tháng 01 năm 1999\n")
    assert h.place is None


def test_ocr_damaged_place_takes_the_documents_own_spelling() -> None:
    text = (HEAD_OK + "Số: 157/QĐ-UB\nCuo Bằng, ngày 22 tháng 2 năm 1999\nQUYẾT ĐỊNH\nVề việc giao đất\n"
            "Căn cứ quy hoạch thị xã Cao Bằng;\nUBND tỉnh Cao Bằng quyết định.\n")
    assert get_header(text).place == "Cao Bằng"


def test_place_is_not_changed_when_the_document_never_spells_it_otherwise() -> None:
    text = HEAD_OK + "Số: 1/UBND\nCuo Bằng, ngày 22 tháng 2 năm 1999\nV/v giao đất\nKính gửi: Sở\nCao Bằng.\n"
    assert get_header(text).place == "Cuo Bằng"  # one other spelling is not evidence enough


# ------------------------------------------------------------ issuers


def test_issuer_lines_keep_no_ocr_debris_and_give_parent_and_issuer() -> None:
    text = ("UBND THÀNH PHỐ ĐIỆN BIÊN PHỦ _ CỘNG HÒA XÃ HỘI CHỦ NGHĨA\n"
            "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO _ Độc lập - Tự do- -Hạnh phúc\n"
            "_ /KH+ PGDĐT_ \"¬\n¬\n' KẾ HOẠCH -\n-Thực hiện công tác thi đua năm 2022\n- Căn cứ Kế hoạch số 217/KH-SGDĐT;\n"
            "_.. kMỤCĐÍCH, YÊU CẦU\n")
    h = get_header(text)
    assert h.parent_issuer == "UBND THÀNH PHỐ ĐIỆN BIÊN PHỦ"
    assert h.issuer == "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"
    assert (h.doc_type, h.doc_type_code) == ("Kế hoạch", "KH")
    assert h.subject == "Thực hiện công tác thi đua năm 2022"


def test_issuer_with_leading_dash() -> None:
    h = get_header("UBND THÀNH PHỐ ĐÀ NẴNG\n- SỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 1595/SGDĐT-CTrTT\nV/v an toàn giao thông\n")
    assert (h.parent_issuer, h.issuer) == ("UBND THÀNH PHỐ ĐÀ NẴNG", "SỞ GIÁO DỤC VÀ ĐÀO TẠO")


def test_garbage_line_is_not_glued_to_the_issuer() -> None:
    h = get_header("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\n¬ `* H ˆ L4 -.Â . `\nSố: 3/BC-UBND\n")
    assert h.issuer == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"


# ------------------------------------------------------------ type and subject


def test_type_word_inside_the_trich_yeu_is_not_the_type() -> None:
    text = ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ ĐÀ NẴNG\nSố: #14 /UBND-SGDĐT\nV/w thực hiện Thông báo số 496-TB/TU\n"
            "ngày 17/8/2023 về Kết luận của Thường\ntrực Thành ủy tại Hội nghị tổng kết 10\n"
            "năm thực hiện Nghị quyết số 29-NQ/TW\nĐà Nẵng, ngày JŸtháng 10 năm 2023\nKính gửi:\n- Các sở;\n"
            "Thực hiện Thông báo số 496-TB/TU.\nTHÔNG BÁO SỐ 496-TB/TU NGÀY 17/8/2023\n")
    h = get_header(text)
    assert (h.doc_type, h.doc_type_code) == ("Công văn", None)
    assert h.subject == ("thực hiện Thông báo số 496-TB/TU ngày 17/8/2023 về Kết luận của Thường trực Thành ủy "
                         "tại Hội nghị tổng kết 10 năm thực hiện Nghị quyết số 29-NQ/TW")


@pytest.mark.parametrize("line", ["THÔNG BÁO SỐ 496-TB/TU", "Thông báo kết quả", "QUYẾT ĐỊNH:"])
def test_type_name_must_stand_alone_upper_case(line: str) -> None:
    h = get_header(HEAD_OK + "Số: 3/UBND\n" + line + "\nnội dung\n")
    assert h.doc_type is None


def test_type_in_the_body_is_not_the_type() -> None:
    h = get_header(HEAD_OK + "Số: 3/UBND-VX\nKính gửi: Sở Y tế\nBÁO CÁO\nTình hình\n")
    assert h.doc_type is None


def test_enacting_authority_after_the_type_is_not_the_subject() -> None:
    text = (HEAD_OK + "Số: 157/QĐ-NĐ-UB\nQUYẾT ĐỊNH CỦA UỶ BAN NHÂN DÂN TỈNH\nVề việc : Giao quyền sử dụng đất ở\n"
            "UỶ BAN NHÂN DÂN TỈNH CAO BẰNG\n- Căn cứ Luật đất đai;\n")
    h = get_header(text)
    assert h.doc_type == "Quyết định"
    assert h.subject == "Về việc : Giao quyền sử dụng đất ở"


def test_ocr_noise_line_inside_the_v_v_block_is_skipped() -> None:
    text = ("UBND THÀNH PHỐ ĐÀ NẴNG\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố:4285/SGDĐT-CTrTT\nV/v bảo đảm TTATGT cho HS, SV\n"
            ": mm...\ntrong dịp nghỉ hè và kỳ thi THPT\nquốc gia năm 2019\nĐà Nẵng, ngày 84 tháng 5 năm 2019\n")
    h = get_header(text)
    assert h.subject == "bảo đảm TTATGT cho HS, SV trong dịp nghỉ hè và kỳ thi THPT quốc gia năm 2019"
    assert h.date is None and h.date_month == "2019-05"


def test_body_after_ocr_noise_is_not_appended_to_the_subject() -> None:
    text = (HEAD_OK + "Số: ý# /CT-UBND\nQuảng Ngãi, ngày 80 tháng 3 năm 2018\nCHỈ THỊ\n"
            ". Về việc tăng cường công tác thi hành án\ntrên địa bàn tỉnh Quảng Ngãi\n¬ `* H ˆ L4 -.Â . `\n"
            "Qhasnusauuasee thời gian qua, công tác triển khai thi\nF‹\nhành Luật tố tụng hành\n")
    h = get_header(text)
    assert h.subject == "Về việc tăng cường công tác thi hành án trên địa bàn tỉnh Quảng Ngãi"
    assert h.date is None and "date" in h.review


def test_upper_case_trich_yeu_is_kept_as_written() -> None:
    long_subject = "VỀ VIỆC PHÂN BỔ CHI TIẾT DANH MỤC VÀ KẾ HOẠCH VỐN NĂM 2023 " * 4
    text = (HEAD_OK + "Số: 518/QĐ-UBND\tQuảng Ngãi, ngày 23 tháng 02 năm 2023\nQUYẾT ĐỊNH\n" + long_subject.strip()
            + "\nTHỰC HIỆN ĐỀ ÁN GIAI ĐOẠN 2022-2025\nCHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH\nCăn cứ Luật Đầu tư công;\n")
    h = get_header(text)
    assert h.subject == long_subject.strip() + " THỰC HIỆN ĐỀ ÁN GIAI ĐOẠN 2022-2025"


def test_long_body_paragraph_ends_the_header_zone() -> None:
    paragraph = "Trong thời gian qua, các cơ quan đã thực hiện nhiều nội dung theo quy định của pháp luật. " * 3
    text = HEAD_OK + paragraph + "\nSố: 99/UBND-VX\nHà Nội, ngày 01 tháng 01 năm 2020\n"
    h = get_header(text)
    assert h.ref is None and h.date is None


def test_incoming_stamp_over_the_trich_yeu_is_skipped() -> None:
    text = (HEAD_OK + "Số: ý# /CT-UBND\nQuảng Ngãi, ngày 80 tháng 3 năm 2018\nCHỈ THỊ\n"
            "Về việc tăng cường công tác thi hành án hành chính\n-TRUNG-T+l-€ONGB*9-TINHỌC Ó. NGÃI |\n"
            "Đi ĐEN\tNgày:s24.L..4..l.„44........ | Chuyên:........ De,\ntrên địa bàn tỉnh Quảng Ngãi\n"
            + "_ thời gian qua, công tác triển khai thi hành Luật tố tụng hành chính đạt kết quả tích cực. " * 3 + "\n")
    h = get_header(text)
    assert h.subject == "Về việc tăng cường công tác thi hành án hành chính trên địa bàn tỉnh Quảng Ngãi"


def test_quoc_hieu_and_tieu_ngu_are_recognized() -> None:
    h = get_header(LETTER)
    assert h.quoc_hieu and h.tieu_ngu
    bare = get_header("SỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 12/KH-SGDĐT\nKẾ HOẠCH\nTổ chức hội thi\n")
    assert not bare.quoc_hieu and not bare.tieu_ngu
