"""Symbol-form rules (nlp.symbols) on good and bad symbols from shared/domain/FORMATS.md."""

from __future__ import annotations

import pytest

from nlp.references import get_references
from nlp.symbols import parse_symbol, raw_symbol, reference_findings, symbol_findings


def codes(raw: str, doc_type: str | None) -> list[str]:
    return [f["code"] for f in symbol_findings(raw, doc_type)]


# good forms read in real citations (FORMATS.md A.5, B.2, C.2)
@pytest.mark.parametrize(("raw", "doc_type"), [
    ("12/QĐ-UBND", "Quyết định"),
    ("217/KH-SGDĐT", "Kế hoạch"),
    ("1234/BGDĐT-VP", "Công văn"),
    ("15/UBND-VP", "Công văn"),
    ("05-CT/TW", "Chỉ thị"),
    ("01-KL/TW", "Kết luận"),
    ("101-QĐ/TW", "Quy định"),
    ("366-QĐ/TW", "Quyết định"),
    ("05-HD/VPTW", "Hướng dẫn"),
    ("15-CV/TU", "Công văn"),
    ("98/2023/NĐ-CP", "Nghị định"),
    ("32/2020/TT-BGDĐT", "Thông tư"),
    ("09/2016/TTLT-BGDĐT-BTC-BLĐTBXH", "Thông tư liên tịch"),
    ("35/2019/QĐ-UBND", "Quyết định"),
    ("72/2002/QĐ-TTg", "Quyết định"),
    ("711/QĐ-TTg", "Quyết định"),
    ("64/2025/QH15", "Luật"),
    ("01/2012/UBTVQH13", "Pháp lệnh"),
    ("72/VBHN-VPQH", None),
    ("12/QyĐ-UBND", "Quy định"),
    ("12/TTr-UBND", "Tờ trình"),
    ("198/2025/QH15", "Nghị quyết"),  # a resolution of the Quốc hội carries the issuer code only
    ("66.13/2026/NQ-CP", "Nghị quyết"),  # a sub-numbered resolution (real Căn cứ line in vbpl)
])
def test_good_symbols_have_no_findings(raw, doc_type):
    assert symbol_findings(raw, doc_type) == []


def test_year_in_administrative_symbol():
    assert codes("217/2022/KH-SGDĐT", "Kế hoạch") == ["malformed_symbol"]
    msg = symbol_findings("217/2022/KH-SGDĐT", "Kế hoạch")[0]["message"]
    assert "217/KH-SGDĐT" in msg and "năm" in msg
    assert codes("35/2019/QĐ-UBND", "Quyết định") == []  # a QPPL decision carries its year


def test_party_symbol_in_administrative_form():
    (f,) = symbol_findings("18/NQ-TW", "Nghị quyết")
    assert f["code"] == "malformed_symbol" and "18-NQ/TW" in f["message"]


def test_administrative_symbol_in_party_form():
    (f,) = symbol_findings("217-KH/SGDĐT", "Kế hoạch")
    assert f["code"] == "malformed_symbol" and "217/KH-SGDĐT" in f["message"]


@pytest.mark.parametrize("raw", ["217/KH/SGDĐT", "217/KH_SGDĐT", "217.KH-SGDĐT", "217/KH\\SGDĐT"])
def test_bad_separators(raw):
    assert "malformed_symbol" in codes(raw, "Kế hoạch")


def test_spaces_inside_symbol_are_style():
    assert codes("217 / KH - SGDĐT", "Kế hoạch") == ["style"]
    assert codes("217/KH-SGDĐT", "Kế hoạch") == []


@pytest.mark.parametrize(("raw", "hint"), [("15/CV-UBND", "công văn"), ("3/TCG-UBND", ""),
                                           ("12/QCh-UBND", "QC"), ("4/DAn-UBND", "DA")])
def test_invented_codes(raw, hint):
    (f,) = symbol_findings(raw, "Công văn" if "CV" in raw or "TCG" in raw else None)
    assert f["code"] == "malformed_symbol" and "Phụ lục III" in f["message"] and hint in f["message"]


def test_party_cong_van_code_is_fine():
    assert codes("15-CV/TU", "Công văn") == []


@pytest.mark.parametrize(("raw", "doc_type", "said"), [
    ("12/QyĐ-UBND", "Quyết định", "QĐ"),    # QĐ / QyĐ
    ("5/QĐ-UBND", "Quy định", "QyĐ"),
    ("12/TT-UBND", "Tờ trình", "TTr"),      # TTr / TT
    ("32/2020/TTr-BGDĐT", "Thông tư", "TT"),
    ("7/HĐ-PGDĐT", "Hướng dẫn", "HD"),      # HD / HĐ
    ("3/DA-UBND", "Đề án", "ĐA"),           # ĐA / DA
    ("9/CT-UBND", "Chương trình", "CTr"),   # CT / CTr
    ("5-KL/TW", "Chỉ thị", "CT"),
])
def test_confusable_codes(raw, doc_type, said):
    fs = symbol_findings(raw, doc_type)
    assert [f["code"] for f in fs] == ["type_symbol_mismatch"]
    assert f"«{said}»" in fs[0]["message"]


def test_parse_forms():
    assert parse_symbol("98/2023/NĐ-CP").form == "legal"
    assert parse_symbol("98/2023/NĐ-CP").year == 2023
    assert parse_symbol("05-CT/TW").form == "party"
    assert parse_symbol("217/KH-SGDĐT").form == "admin"
    assert parse_symbol("hello") is None


def test_raw_symbol_as_written():
    assert raw_symbol("Kế hoạch số 217 / KH-SGDĐT, ngày 28/01/2022", "217") == "217 / KH-SGDĐT"
    assert raw_symbol("Luật số 06/2022/QH15. Căn cứ", "06") == "06/2022/QH15"
    assert raw_symbol("Chỉ thị số 15-CT/TW ngày 15/5/2016", "15") == "15-CT/TW"


def test_reference_findings_from_extracted_citations():
    (luat,) = get_references("Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022;")
    assert [f["code"] for f in reference_findings(luat.to_dict())] == ["style"]
    (mention,) = get_references("Theo Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022, các đơn vị báo cáo.")
    assert mention.role == "mention" and reference_findings(mention.to_dict()) == []
    (tt,) = get_references("Căn cứ Tờ trình số 12/TT-UBND ngày 05/3/2022 của UBND xã A;")
    assert [f["code"] for f in reference_findings(tt.to_dict())] == ["type_symbol_mismatch"]
    (kh,) = get_references("Căn cứ Kế hoạch số 217/KH-SGDĐT, ngày 28/01/2022 của Sở Giáo dục và Đào tạo;")
    assert reference_findings(kh.to_dict()) == []
