"""Citations of other documents: ``nlp.references.get_references``.

Small cases per family (positive and negative), then robustness over the
registry's 2,341 real ``Căn cứ`` lines and the seed/dev corpus scored with the
shared scorer.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re

import pytest

from nlp.references import Reference, canonical_ref, fold_text, get_references
from tests.conftest import CORPUS, REAL, SHARED

CONTRACT_KEYS = {"text", "start", "end", "doc_type", "number", "year", "symbol", "ref", "date", "issuer", "title", "role"}


def refs(text: str) -> list[Reference]:
    found = get_references(text)
    for r in found:  # every reference points into the text it came from
        assert text[r.start : r.end] == r.text
    return found


def one(text: str) -> Reference:
    found = refs(text)
    assert len(found) == 1, [r.ref for r in found]
    return found[0]


def by_ref(text: str) -> dict[str | None, Reference]:
    return {r.ref: r for r in refs(text)}


# ----------------------------------------------------------------- symbol families


@pytest.mark.parametrize(
    ("text", "ref", "doc_type", "number", "year", "symbol"),
    [
        ("Kế hoạch số 217/KH-SGDĐT, ngày 28/01/2022", "217/KH-SGDĐT", "Kế hoạch", "217", None, "KH-SGDĐT"),
        ("theo Công văn số 5710/UBND-SGDĐT của UBND tỉnh", "5710/UBND-SGDĐT", "Công văn", "5710", None, "UBND-SGDĐT"),
        ("Chỉ thị số 05-CT/TW ngày 15/5/2016", "05-CT/TW", "Chỉ thị", "05", None, "CT/TW"),
        ("Thông báo số 1594-TB/TU ngày 10/01/2025", "1594-TB/TU", "Thông báo", "1594", None, "TB/TU"),
        ("Nghị quyết số 18/NQ-TW ngày 25/10/2017", "18/NQ-TW", "Nghị quyết", "18", None, "NQ-TW"),
        ("Nghị định số 98/2023/NĐ-CP ngày 31/12/2023", "98/2023/NĐ-CP", "Nghị định", "98", 2023, "NĐ-CP"),
        ("Thông tư liên tịch số 09/2016/TTLT-BGDĐT-BTC", "09/2016/TTLT-BGDĐT-BTC", "Thông tư liên tịch", "09", 2016,
         "TTLT-BGDĐT-BTC"),
        ("Quyết định số 118/TTg ngày 27/02/1996", "118/TTg", "Quyết định", "118", None, "TTg"),
        ("Nghị định 88/CP ngày 12/12/1995", "88/CP", "Nghị định", "88", None, "CP"),
        ("Quyết định 1234/QĐ-UBND ngày 05/3/2020", "1234/QĐ-UBND", "Quyết định", "1234", None, "QĐ-UBND"),
        ("Công điện số 1188/CĐ-TTg ngày 03/12/2024", "1188/CĐ-TTg", "Công điện", "1188", None, "CĐ-TTg"),
        ("Tờ trình số 18/TTr-SKHĐT ngày 22/02/2023", "18/TTr-SKHĐT", "Tờ trình", "18", None, "TTr-SKHĐT"),
        ("Quyết định số 157/QĐ-NĐ-UB ngày 05/5/1999", "157/QĐ-NĐ-UB", "Quyết định", "157", None, "QĐ-NĐ-UB"),
        ("Pháp lệnh số 01/2012/UBTVQH13", "01/2012/UBTVQH13", "Pháp lệnh", "01", 2012, "UBTVQH13"),
        ("Nghị quyết số 66.13/2026/NQ-CP của Chính phủ", "66.13/2026/NQ-CP", "Nghị quyết", "66.13", 2026, "NQ-CP"),
    ],
)
def test_symbol_families(text, ref, doc_type, number, year, symbol):
    r = one(text)
    assert (r.ref, r.doc_type, r.number, r.year, r.symbol) == (ref, doc_type, number, year, symbol)


@pytest.mark.parametrize(
    ("text", "doc_type"),
    [
        ("theo 98/2023/NĐ-CP", "Nghị định"),
        ("tại 12/KH-UBND", "Kế hoạch"),
        ("tại 45/UBND-VX", "Công văn"),
        ("tinh thần 34-CT/TW", "Chỉ thị"),
        ("văn bản số 12/2020/TT-BGDĐT", "Thông tư"),
        ("văn bản số 77/UBND-KGVX", "Công văn"),
    ],
)
def test_type_from_symbol_code_when_no_type_word(text, doc_type):
    assert one(text).doc_type == doc_type


def test_canonical_ref_forms():
    assert canonical_ref("217", None, "KH-SGDĐT") == "217/KH-SGDĐT"
    assert canonical_ref("98", 2023, "NĐ-CP") == "98/2023/NĐ-CP"
    assert canonical_ref("05", None, "CT/TW", party=True) == "05-CT/TW"


# ----------------------------------------------------------------- OCR noise


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("Kế hoạch số 217 /KH - SGDĐT, ngày 28/01/2022", "217/KH-SGDĐT"),
        ("Nghị định số 98/2023/NÐ-CP", "98/2023/NĐ-CP"),  # Ð (U+00D0) for Đ
        ("Nghị định số 13/2024/NĐ- CP ngày 05/02/2024", "13/2024/NĐ-CP"),
        ("Hướng dẫn số 994/HD-\nPGDĐT ngày 25/8/2021", "994/HD-PGDĐT"),
        ("Chỉ thị số 05 - CT/TW", "05-CT/TW"),
        ("Nghi dinh so 98/2023/ND-CP ngay 31/12/2023 cua Chinh phu", "98/2023/ND-CP"),
    ],
)
def test_ocr_noise_in_symbols(text, ref):
    assert one(text).ref == ref


def test_no_diacritics_reads_type_date_issuer():
    r = one("Can cu Nghi dinh so 98/2023/ND-CP ngay 31/12/2023 cua Chinh phu ve thi dua;")
    assert (r.doc_type, r.date, r.issuer, r.role) == ("Nghị định", "2023-12-31", "Chinh phu", "basis")


def test_line_break_inside_citation_in_wrapped_text():
    text = (
        "Căn cứ Kế hoạch số 217/KH-SGDĐT, ngày 28/01/2022 của Sở Giáo dục và \n\n"
        "Đào tạo về Kế hoạch thực hiện công tác thi đua, khen thưởng năm 2022; Kế hoạch \n\n"
        "số 345/KH-UBND, ngày 01/03/2022 của UBND thành phố Điện Biên Phủ về Kế \n\n"
        "hoạch công tác thi đua năm 2022 và các nội dung khác có liên quan đến \n\n"
        "công tác thi đua khen thưởng của ngành giáo dục trên địa bàn thành phố.\n"
    )
    a, b = refs(text)
    assert a.issuer == "Sở Giáo dục và Đào tạo"
    assert (b.ref, b.doc_type, b.role) == ("345/KH-UBND", "Kế hoạch", "basis")


def test_fold_keeps_length_and_drops_marks():
    s = "Nghị định số 98/2023/NĐ-CP của Ủy ban Ð"
    assert len(fold_text(s)) == len(s)
    assert fold_text(s) == "nghi dinh so 98/2023/nd-cp cua uy ban d"


# ----------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Kế hoạch số 217/KH-SGDĐT, ngày 28/01/2022 của Sở", "2022-01-28"),
        ("Quyết định số 12/QĐ-UBND ngày 05 tháng 3 năm 2020", "2020-03-05"),
        ("Quyết định số 12/QĐ-UBND ngày 5-3-2020", "2020-03-05"),
        ("Quyết định số 12/QĐ-UBND ngày 05.3.2020", "2020-03-05"),
        ("Quyết định số 12/QĐ-UBND của UBND tỉnh ngày 05/3/2020", "2020-03-05"),
        ("Quyết định số 12/QĐ-UBND về việc khen thưởng", None),
        ("Quyết định số 12/QĐ-UBND ngày 31/02/2020", None),  # no such day
    ],
)
def test_dates(text, date):
    assert one(text).date == date


# ----------------------------------------------------------------- laws by name


@pytest.mark.parametrize(
    ("text", "title", "date", "ref"),
    [
        ("Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003;", "Luật Thi đua, khen thưởng", "2003-11-26", None),
        ("Căn cứ Luật Đầu tư công ngày 13/6/2019;", "Luật Đầu tư công", "2019-06-13", None),
        ("Căn cứ Luật Giáo dục số 43/2019/QH14;", "Luật Giáo dục", None, "43/2019/QH14"),
        ("Căn cứ Bộ luật Lao động số 45/2019/QH14;", "Bộ luật Lao động", None, "45/2019/QH14"),
        ("Theo quy định tại Luật NSNN 2015, các đơn vị", "Luật NSNN", None, None),
        ("theo Luật Đất đai năm 2013.", "Luật Đất đai", None, None),
    ],
)
def test_laws_by_name(text, title, date, ref):
    r = one(text)
    assert r.doc_type in {"Luật", "Bộ luật"}
    assert (r.title, r.date, r.ref, r.issuer) == (title, date, ref, None)


def test_amending_law_keeps_its_whole_name():
    r = one("Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Cán bộ, công chức và Luật Viên chức số 52/2019/QH14;")
    assert r.title == "Luật sửa đổi, bổ sung một số điều của Luật Cán bộ, công chức và Luật Viên chức"
    assert r.text.startswith("Luật sửa đổi")


def test_two_named_laws_in_one_basis_line():
    text = ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015; Luật sửa đổi, bổ sung một số điều của "
            "Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22/11/2019;")
    a, b = refs(text)
    assert (a.date, b.date) == ("2015-06-19", "2019-11-22")
    assert b.title.startswith("Luật sửa đổi")


def test_law_named_without_date_or_number_is_not_reported():
    assert refs("Được khen thưởng theo quy định của Luật Thi đua, khen thưởng; các quy định pháp luật khác.") == []


def test_law_word_must_be_capitalised():
    assert refs("thực hiện nghiêm pháp luật ngày 12/3/2020 và kỷ luật năm 2019") == []


def test_law_glued_to_clause_word():
    r = one("Căn cứLuật Thuế tiêu thụ đặc biệt số 66/2025/QH15;")
    assert (r.ref, r.role, r.title) == ("66/2025/QH15", "basis", "Luật Thuế tiêu thụ đặc biệt")


def test_amending_law_date_at_end_of_its_title():
    text = ("Căn cứ Luật Thống kê số 89/2015/QH13 ngày 23 tháng 11 năm 2015; Luật số 01/2021/QH15 sửa đổi, bổ sung "
            "một số điều của Luật Thống kê ngày 12 tháng 11 năm 2021;")
    found = by_ref(text)
    assert found["89/2015/QH13"].date == "2015-11-23"
    assert found["01/2021/QH15"].date == "2021-11-12"
    assert len(found) == 2


# ----------------------------------------------------------------- issuer and title


@pytest.mark.parametrize(
    ("text", "issuer"),
    [
        ("Kế hoạch số 217/KH-SGDĐT, ngày 28/01/2022 của Sở Giáo dục và Đào tạo về Kế hoạch thi đua",
         "Sở Giáo dục và Đào tạo"),
        ("Chỉ thị số 05-CT/TW, ngày 15/5/2016 của Bộ Chính trị khóa XII \"Về đẩy mạnh học tập\"", "Bộ Chính trị khóa XII"),
        ("Quyết định số 3208/QĐ-UBND ngày 03/10/2022 của UBND tỉnh ban hành Đề án", "UBND tỉnh"),
        ("Nghị định số 31/2013/NĐ-CP ngày 09/4/2013 của Chính phủ quy định chi tiết", "Chính phủ"),
        ("Thông tư số 38/2019/TT-BTC ngày 28/6/2019 của Bộ trưởng Bộ Tài chính hướng dẫn xây dựng", "Bộ trưởng Bộ Tài chính"),
        ("Thông tư số 92/2017/TT-BTC của Bộ Tài chính.", "Bộ Tài chính"),
        ("Quyết định số 16/2006/QĐ-BGDĐT của Bộ trưởng Bộ Giáo dục và Đào tạo (GDĐT) về việc ban hành",
         "Bộ trưởng Bộ Giáo dục và Đào tạo (GDĐT)"),
        ("Quyết định số 45/QĐ-UBND của Sở Kế hoạch và Đầu tư; ", "Sở Kế hoạch và Đầu tư"),
        ("Nghị định số 56/2013/NĐ-CP của Chính phủ...", "Chính phủ"),
        ("Nghị định số 91/2017/NĐ-CP của Chính phủ được sửa đổi", "Chính phủ"),
        ("Kế hoạch số 12/KH-UBND", None),
    ],
)
def test_issuer_as_written(text, issuer):
    assert refs(text)[0].issuer == issuer


def test_issuer_named_before_citation_with_tai():
    r = one("Thực hiện chỉ đạo của UBND thành phố tại Công văn số 4869/UBND-SYT ngày 26/7/2020 về việc phòng dịch,")
    assert (r.issuer, r.date, r.role) == ("UBND thành phố", "2020-07-26", "basis")
    r = one("Theo đề nghị của Giám đốc Sở Giáo dục và Đào tạo tại Tờ trình số 107/TTr-SGDĐT ngày 09/8/2024.")
    assert (r.issuer, r.role) == ("Giám đốc Sở Giáo dục và Đào tạo", "mention")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Công văn số 1899/SGDĐT-CTrTT ngày 24/7/2020 về việc tăng cường phòng, chống dịch COVID-19.",
         "tăng cường phòng, chống dịch COVID-19"),
        ("Chỉ thị số 05-CT/TW của Bộ Chính trị \"Về đẩy mạnh học tập và làm theo tư tưởng\";",
         "Về đẩy mạnh học tập và làm theo tư tưởng"),
        ("Quyết định số 3208/QĐ-UBND của UBND tỉnh ban hành Đề án cơ sở vật chất;", "ban hành Đề án cơ sở vật chất"),
        ("Công văn số 4869/UBND-SYT về việc khẩn trương phòng, chống dịch, Sở Giáo dục yêu cầu",
         "khẩn trương phòng, chống dịch"),
        ("Quyết định số 12/QĐ-UBND ngày 05/3/2020.", None),
    ],
)
def test_title(text, title):
    assert refs(text)[0].title == title


# ----------------------------------------------------------------- coordination


def test_list_with_issuer_before_shares_it():
    text = ("Căn cứ các Quyết định của Thủ tướng Chính phủ số 142/2008/QĐ-TTg ngày 27/10/2008, "
            "số 53/2010/QĐ-TTg ngày 20/8/2010 và số 62/2011/QĐ-TTg ngày 09/11/2011;")
    found = refs(text)
    assert [r.ref for r in found] == ["142/2008/QĐ-TTg", "53/2010/QĐ-TTg", "62/2011/QĐ-TTg"]
    assert {r.issuer for r in found} == {"Thủ tướng Chính phủ"}
    assert {r.doc_type for r in found} == {"Quyết định"}
    assert [r.date for r in found] == ["2008-10-27", "2010-08-20", "2011-11-09"]
    assert found[1].text == "số 53/2010/QĐ-TTg ngày 20/8/2010"


def test_list_after_colon_shares_issuer_and_type():
    text = ("Căn cứ các Quyết định của UBND tỉnh: Số 79/QĐ-UBND ngày 15/01/2025 về việc hỗ trợ Tết; "
            "số 657/QĐ-UBND ngày 20/12/2024 về việc ban hành quy chế;")
    a, b = refs(text)
    assert (a.issuer, b.issuer) == ("UBND tỉnh", "UBND tỉnh")
    assert (b.doc_type, b.role, b.title) == ("Quyết định", "basis", "ban hành quy chế")


def test_list_issuer_from_tai_clause_is_shared():
    text = "Theo đề nghị của Sở Tài chính tại các Công văn: Số 1060/STC-QLNS ngày 12/3/2025; số 1187/STC-QLNS ngày 20/3/2025."
    a, b = refs(text)
    assert (a.doc_type, b.doc_type) == ("Công văn", "Công văn")
    assert (a.issuer, b.issuer) == ("Sở Tài chính", "Sở Tài chính")


def test_issuer_after_last_item_is_not_shared_back():
    text = ("theo Quyết định số 290/QĐ-TTg, Quyết định số 59/QĐ-TTg; Quyết định số 62/QĐ-TTg, "
            "Quyết định số 40/2011/QĐ-TTg ngày 27/7/2011 của Thủ tướng Chính phủ, Nghị định số 23/2012/NĐ-CP")
    found = refs(text)
    assert [r.issuer for r in found] == [None, None, None, "Thủ tướng Chính phủ", None]


def test_coordinated_numbers_without_so():
    a, b = refs("Căn cứ các Nghị định số 91/2017/NĐ-CP và 98/2023/NĐ-CP của Chính phủ;")
    assert (a.ref, b.ref) == ("91/2017/NĐ-CP", "98/2023/NĐ-CP")
    # a bare number in a list takes the issuer stated after the list (corpus convention)
    assert (b.doc_type, b.issuer, a.issuer) == ("Nghị định", "Chính phủ", "Chính phủ")


def test_amendment_chain_gives_both_and_trims_title():
    text = ("Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31/7/2017 của Chính phủ quy định chi tiết thi hành Luật Thi đua, "
            "khen thưởng được sửa đổi, bổ sung bởi Nghị định số 98/2023/NĐ-CP ngày 31/12/2023;")
    a, b = refs(text)
    assert (a.ref, b.ref) == ("91/2017/NĐ-CP", "98/2023/NĐ-CP")
    assert a.title == "quy định chi tiết thi hành Luật Thi đua, khen thưởng"
    assert (a.role, b.role) == ("basis", "basis")
    assert b.issuer is None


def test_nested_citation_in_title_is_its_own_reference():
    text = ("Đẩy mạnh thực hiện Kết luận số 01-KL/TW, ngày 18/5/2021 của Bộ Chính trị về tiếp tục thực hiện "
            "Chỉ thị số 05-CT/TW, ngày 15/5/2016 của Bộ Chính trị khóa XII.")
    a, b = refs(text)
    assert a.title == "tiếp tục thực hiện"
    assert (b.ref, b.issuer, b.date) == ("05-CT/TW", "Bộ Chính trị khóa XII", "2016-05-15")


# ----------------------------------------------------------------- role


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Căn cứ Quyết định số 12/QĐ-UBND ngày 05/3/2020;", "basis"),
        ("Thực hiện Kế hoạch số 12/KH-UBND của UBND tỉnh, Sở yêu cầu:", "basis"),
        ("Sở yêu cầu; Tiếp theo Hướng dẫn số 994/HD-PGDĐT ngày 25/8/2021.", "basis"),
        ("- Căn cứ Chỉ thị số 05-CT/TW của Bộ Chính trị;", "basis"),
        ("1. Kinh phí: Căn cứ Nghị định số 31/2013/NĐ-CP của Chính phủ;", "basis"),
        ("Mức chi căn cứ theo Nghị định số 58/2019/NĐ-CP.", "basis"),
        ("Đẩy mạnh thi đua gắn với thực hiện Kết luận số 01-KL/TW của Bộ Chính trị.", "mention"),
        ("Tiếp tục tổ chức thực hiện có hiệu quả Kế hoạch số 239/KH-PGDĐT.", "mention"),
        ("Theo đề nghị của Sở Nội vụ tại Tờ trình số 18/TTr-SNV ngày 22/02/2023.", "mention"),
        ("theo quy định tại Thông tư số 92/2017/TT-BTC của Bộ Tài chính.", "mention"),
    ],
)
def test_role(text, role):
    assert one(text).role == role


def test_role_basis_list_continues_over_semicolons_not_into_next_paragraph():
    text = ("Căn cứ Kế hoạch số 217/KH-SGDĐT của Sở; Kế hoạch số 345/KH-UBND của UBND thành phố;\n"
            "Đẩy mạnh thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016.")
    assert [r.role for r in refs(text)] == ["basis", "basis", "mention"]


def test_role_resets_at_sentence_but_not_for_a_bare_citation_sentence():
    text = ("Thực hiện Thông tư số 32/2018/TT-BGDĐT ngày 26/12/2018. Thông tư số 28/2020/TT-BGDĐT ngày 04/9/2020 "
            "ban hành Điều lệ. Các trường thực hiện Công văn số 12/SGDĐT-GDTH.")
    assert [r.role for r in refs(text)] == ["basis", "basis", "mention"]


def test_lower_case_verb_thuc_hien_at_line_start_is_no_clause():
    text = "phát động phong trào thi đua\nthực hiện thắng lợi nhiệm vụ; Kế hoạch số 901/KH-PGDĐT ngày 03/8/2021."
    assert one(text).role == "mention"


def test_instruction_after_semicolon_ends_the_basis_clause():
    text = ("2. Căn cứ khoản 4 Điều 14 Nghị định số 161/2024/NĐ-CP ngày 18/12/2024 của Chính phủ; giao Sở Nông nghiệp "
            "rà soát Danh mục được công bố tại Quyết định số 1744/QĐ-BGTVT, phối hợp thực hiện.")
    assert [r.role for r in refs(text)] == ["basis", "mention"]


def test_bare_list_items_take_the_shared_date_and_issuer():
    text = ("Thực hiện nội dung các Quyết định số: 1743/QĐ- BGTVT, 1744/QĐ-BGTVT ngày 31/12/2024 của Bộ trưởng "
            "Bộ Giao thông vận tải về việc công bố thủ tục hành chính,")
    a, b = refs(text)
    assert (a.ref, a.date, a.issuer, a.role) == ("1743/QĐ-BGTVT", "2024-12-31", "Bộ trưởng Bộ Giao thông vận tải", "basis")
    assert (b.date, b.issuer) == (a.date, a.issuer)


def test_issuer_with_two_offices():
    r = one("gửi kèm theo Công văn số 5990/VPCP-KSTT ngày 22/8/2024 của Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ và tham mưu")
    assert r.issuer == "Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ"


def test_then_theo_de_nghi_ends_the_basis_clause():
    text = "Căn cứ Quyết định số 2045/QĐ-BGDĐT ngày 01/8/2024; Theo đề nghị của Sở tại Tờ trình số 107/TTr-SGDĐT."
    assert [r.role for r in refs(text)] == ["basis", "mention"]


# ----------------------------------------------------------------- negatives


@pytest.mark.parametrize(
    "text",
    [
        "Học sinh tập trung tại phòng 301/B để kiểm tra.",
        "Đạt 95/100 điểm.",
        "Nghỉ lễ ngày 30/4 và 1/5.",
        "Thực hiện theo Điều 5 khoản 2 của quy chế.",
        "Năm học 2021-2022 và giai đoạn 2021 - 2025/2030.",
        "Quyết định số...../QĐ-UBND ngày ....../20... của Chủ tịch UBND tỉnh",
        "Email: [email protected], điện thoại 043.8.269.544, lớp 10/A1",
        "https://vbpl.vn/van-ban/nghi-dinh-so-249-2025-nd-cp-187193",
        "theo Mẫu số 02/TB ban hành kèm",
    ],
)
def test_no_false_hits(text):
    assert refs(text) == []


def test_own_header_number_is_not_a_citation():
    text = ("ỦY BAN NHÂN DÂN\nTRƯỜNG TIỂU HỌC\nSố: 12/KH-THHS\nKẾ HOẠCH\n"
            "Căn cứ Kế hoạch số 45/KH-PGDĐT ngày 02/3/2022 của Phòng GD&ĐT;")
    assert [r.ref for r in refs(text)] == ["45/KH-PGDĐT"]


def test_own_number_cited_again_is_dropped_but_other_same_number_kept():
    text = ("Số: 11/CT-UBND\nCông văn số 11/CT-UBND V/v thi\nThực hiện Chỉ thị số 11/CT-TTg ngày 04/3/2021; "
            "Chỉ thị số 11/CT-UBND này có hiệu lực.")
    assert [r.ref for r in refs(text)] == ["11/CT-TTg"]


def test_so_after_type_word_is_a_citation_even_with_colon():
    assert one("Căn cứ Quyết định Số: 12/QĐ-UBND ngày 05/3/2020;").ref == "12/QĐ-UBND"


def test_own_subject_line_is_skipped():
    text = ("Số: 575/UBND-KGVX\nV/v góp ý dự thảo sửa đổi Quyết định số 2269/QĐ-TTg\nKính gửi: Bộ Thông tin\n"
            "Bộ có Công văn số 202/BTTTT-KHTC ngày 21/01/2025 về việc góp ý Quyết định số 2269/QĐ-TTg ngày "
            "31/12/2021 của Thủ tướng Chính phủ.")
    found = refs(text)
    assert [r.ref for r in found] == ["202/BTTTT-KHTC", "2269/QĐ-TTg"]
    assert found[1].date == "2021-12-31"


def test_own_number_with_ocr_mark_before_handwritten_number():
    text = ("Độc lập - Tự do - Hạnh phúc\nSố: #14 /UBND-SGDĐT\nKính gửi: Các sở\n"
            "Thực hiện Thông báo số 496-TB/TU ngày 17/8/2023;")
    assert [r.ref for r in refs(text)] == ["496-TB/TU"]


def test_own_number_line_without_colon_on_an_appendix_page():
    text = ("Thực hiện Kế hoạch số 45/KH-UBND ngày 02/3/2022.\nPhụ lục\nSố 230/UBND-VX\n"
            "1. Triển khai Chỉ thị số 05-CT/TW.")
    assert [r.ref for r in refs(text)] == ["45/KH-UBND", "05-CT/TW"]


def test_so_line_continuing_a_typed_list_is_still_a_citation():
    text = "Thực hiện các Công văn của UBND tỉnh:\nSố 1060/UBND-VX; số 1187/UBND-VX ngày 05/3/2020."
    assert [r.ref for r in refs(text)] == ["1060/UBND-VX", "1187/UBND-VX"]


def test_so_colon_inside_a_sentence_is_no_own_number():
    text = "- Căn cứ các Nghị định của Chính phủ số : 88/CP, ngày 17/8/1994;"
    assert one(text).ref == "88/CP"


def test_appendix_caption_with_own_symbol_is_a_self_reference():
    text = ("Số: 5710/UBND-SGDĐT\nThực hiện Thông báo số 496-TB/TU;\nPhụ lục\n"
            "(Kèm theo Công văn số #240 /UBND-SGDĐT\nngày 4/10/2023 của UBND thành phố):\n"
            "1. Thực hiện Nghị quyết số 29-NQ/TW.")
    assert [r.ref for r in refs(text)] == ["496-TB/TU", "29-NQ/TW"]


def test_appendix_caption_of_another_symbol_is_kept():
    text = "Số: 12/UBND-VX\nPhụ lục\n(Kèm theo Quyết định số 45/QĐ-UBND ngày 02/3/2022)"
    assert [r.ref for r in refs(text)] == ["45/QĐ-UBND"]


def test_old_short_symbol_typed_by_capitalised_type_word_earlier_in_phrase():
    text = ("- Căn cứ Luật đất đai ngày 14/7/1993 và các Nghị định dưới luật của Hội đồng Chính phủ "
            "số : 88/CP, ngày 17/8/1994, số 60/CP, ngày 05/7/1994 về quyền sở hữu nhà ở.")
    found = {r.ref: r for r in refs(text)}
    assert {k: (v.doc_type, v.date, v.role) for k, v in found.items() if k} == {
        "88/CP": ("Nghị định", "1994-08-17", "basis"),
        "60/CP": ("Nghị định", "1994-07-05", "basis"),
    }


def test_old_short_symbol_without_type_word_in_phrase_stays_out():
    assert refs("Lô đất số 15/B của hộ ông A; diện tích số 26/CP.") == []
    assert refs("Quyết định giao đất ngày 05/3/1999 cho hộ số 12/CP.") == []


def test_spaced_three_part_old_symbol():
    r = one("Căn cứ vào Quyết định số: 350 / UB-QĐ-NĐ ngày 18 tháng 9 năm 1986 của UBND tỉnh Cao Bằng")
    assert (r.ref, r.date, r.issuer, r.role) == ("350/UB-QĐ-NĐ", "1986-09-18", "UBND tỉnh Cao Bằng", "basis")


def test_trich_yeu_read_as_v_w_by_ocr_is_the_own_subject():
    text = ("Số: 14/UBND-SGDĐT\nV/w thực hiện Thông báo số 496-TB/TU\nKính gửi: Các sở\n"
            "Thực hiện Thông báo số 496-TB/TU ngày 17/8/2023;")
    assert [(r.ref, r.role) for r in refs(text)] == [("496-TB/TU", "basis")]


def test_thuc_hien_as_task_verb_in_a_list_item_is_no_basis():
    text = ("2. Trách nhiệm cụ thể:\n- Thực hiện theo dõi việc thi hành án theo đúng quy định tại "
            "Nghị định số 71/2016/NĐ-CP ngày 01/7/2016 của Chính phủ.")
    assert one(text).role == "mention"
    text = "- Thực hiện Nghị định số 71/2016/NĐ-CP ngày 01/7/2016 của Chính phủ, Sở yêu cầu:"
    assert one(text).role == "basis"


def test_single_group_code_needs_a_type_word():
    assert refs("xem mục 12/TTg") == []
    assert one("Quyết định số 12/TTg").ref == "12/TTg"


# ----------------------------------------------------------------- output shape


def test_to_dict_has_exactly_the_contract_fields():
    d = one("Căn cứ Kế hoạch số 217/KH-SGDĐT, ngày 28/01/2022 của Sở Giáo dục và Đào tạo về thi đua;").to_dict()
    assert set(d) == CONTRACT_KEYS
    assert d == {
        "text": "Kế hoạch số 217/KH-SGDĐT, ngày 28/01/2022 của Sở Giáo dục và Đào tạo", "start": 7, "end": 75,
        "doc_type": "Kế hoạch", "number": "217", "year": None, "symbol": "KH-SGDĐT", "ref": "217/KH-SGDĐT",
        "date": "2022-01-28", "issuer": "Sở Giáo dục và Đào tạo", "title": "thi đua", "role": "basis",
    }
    json.dumps(d, ensure_ascii=False)


def test_document_order_and_offsets():
    text = "Căn cứ Luật Giáo dục ngày 14/6/2019; Nghị định số 24/2021/NĐ-CP; Quyết định số 5/QĐ-UBND."
    found = refs(text)
    assert [r.start for r in found] == sorted(r.start for r in found)
    assert [r.text for r in found] == ["Luật Giáo dục ngày 14/6/2019", "Nghị định số 24/2021/NĐ-CP",
                                       "Quyết định số 5/QĐ-UBND"]


def test_empty_and_plain_text():
    assert get_references("") == []
    assert get_references("Không có văn bản nào được trích dẫn ở đây.") == []


# ----------------------------------------------------------------- robustness: real Căn cứ lines

_LEGAL_SYMBOL = re.compile(
    r"(?<![\w/.])(\d{1,5}(?:\.\d+)?)\s?/\s?((?:19|20)\d\d)\s?/\s?([A-ZĐ][A-Za-zĐđ0-9]*(?:\s?-\s?[A-ZĐ][A-Za-zĐđ0-9]*)*)(?![\w-])"
)


def _can_cu_lines() -> list[str]:
    path = SHARED / "registry" / "vbpl_can_cu_lines.csv"
    if not path.exists():
        pytest.skip("registry not available")
    with path.open(encoding="utf-8") as f:
        return [row["can_cu_line"] for row in csv.DictReader(f)]


@pytest.mark.corpus
def test_every_legal_symbol_in_can_cu_lines_is_found_as_basis():
    lines = _can_cu_lines()
    checked, problems = 0, []
    for line in lines:
        found = {r.ref: r for r in refs(line)}
        for m in _LEGAL_SYMBOL.finditer(line):
            want = re.sub(r"\s", "", m.group(0))
            checked += 1
            if want not in found:
                problems.append(("missing", want, line[:120]))
            elif found[want].role != "basis" and ":" not in line:  # after "...: " a new main clause may follow
                problems.append(("role", want, line[:120]))
    assert checked > 2000
    assert problems == []


@pytest.mark.corpus
def test_laws_with_date_in_can_cu_lines_get_that_date():
    law_date = re.compile(r"(?:Luật|Bộ luật|Pháp lệnh)[^;\d]*?ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})")
    checked, missing = 0, []
    for line in _can_cu_lines():
        for m in law_date.finditer(line):
            checked += 1
            iso = f"{int(m.group(3)):04d}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
            if not any(r.date == iso and r.doc_type in {"Luật", "Bộ luật", "Pháp lệnh"} for r in refs(line)):
                missing.append((iso, line[:120]))
    assert checked > 100
    assert missing == []


# ----------------------------------------------------------------- scored against gold


def _scorer():
    path = SHARED / "eval" / "score.py"
    if not path.exists():
        pytest.skip("shared scorer not available")
    spec = importlib.util.spec_from_file_location("vanthu_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _f1(gold_refs: list[dict], text: str) -> tuple[float, list[str]]:
    """References F1 with the shared scorer's own matching (key: canonical ref)."""
    score = _scorer()
    tally = score.Tally()
    pred = [r.to_dict() for r in get_references(text)]
    score.match(gold_refs, pred, score.ref_key, tally, score.ref_fields, "refs")
    return tally.prf()[2], tally.misses


@pytest.mark.corpus
@pytest.mark.parametrize("normalized", [False, True])
def test_seed_references_f1_is_one(normalized):
    src = CORPUS / "kh_pgddt_dienbienphu_2022_thidua.txt"
    gold = json.loads((CORPUS / "kh_pgddt_dienbienphu_2022_thidua.gold.json").read_text(encoding="utf-8"))
    if normalized:
        from worker.readers import read_path

        text = read_path(src).text
    else:
        text = src.read_text(encoding="utf-8")
    f1, misses = _f1(gold["references"], text)
    assert f1 == 1.0, misses
    assert misses == []  # every scored field (date, issuer, doc_type, role) right too


_DEV = {
    "cv_bldtbxh_2638_2019_dutoan_ncc": ["cv_bldtbxh_2638_2019_dutoan_ncc.md"],
    "nd_cp_249_2025_thu_hut_chuyengia_vbpl": ["nd_cp_249_2025_thu_hut_chuyengia_vbpl.txt"],
    "qd_ubnd_binhdinh_518_2023_phanbo_von_giaoduc": ["qd_ubnd_binhdinh_518_2023_phanbo_von_giaoduc.md"],
    "qd_ubnd_tuyenquang_986_2024_kehoach_thoigian_namhoc": ["qd_ubnd_tuyenquang_986_2024_kehoach_thoigian_namhoc.md"],
    "cv_bgddt_2345_2021_kehoach_giaoduc_tieuhoc": ["cv_bgddt_2345_2021_kehoach_giaoduc_tieuhoc.md"],
    "cv_sgddt_danang_1906_2020_covid": ["cv_sgddt_danang_1906_2020_covid_p1_gt.txt", "cv_sgddt_danang_1906_2020_covid_p2_gt.txt"],
}


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(_DEV))
def test_dev_document_references(name):
    from worker.readers import read_path

    paths = [REAL / f for f in _DEV[name]]
    if not all(p.exists() for p in paths):
        pytest.skip("corpus not available")
    text = "\n\n".join(read_path(p).text for p in paths)
    gold = json.loads((REAL / f"{name}.gold.json").read_text(encoding="utf-8"))
    f1, misses = _f1(gold["references"], text)
    assert f1 >= 0.95, misses

