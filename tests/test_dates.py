"""Date expressions: each kind, the longest-match rule, refused dates, offsets, OCR noise, seed gold."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from nlp.dates import DateMention, DatesResult, get_dates


def kv(text: str) -> list[tuple[str, str]]:
    """(kind, value) of every mention, in order."""
    return [(d.kind, d.value) for d in get_dates(text).dates]


def only(text: str) -> DateMention:
    """The single mention of ``text`` (fails when there are none or several)."""
    found = get_dates(text).dates
    assert len(found) == 1, found
    return found[0]


# --- date -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [
    ("ban hành ngày 28/01/2022 của Sở", "2022-01-28"),
    ("ký ngày 15 tháng 6 năm 2022.", "2022-06-15"),
    ("hạn 15-6-2022", "2022-06-15"),
    ("Căn cứ Nghị định ngày 05/3/2020", "2020-03-05"),
    ("ngày 05.3.2020", "2020-03-05"),
    ("ngày 29/02/2024", "2024-02-29"),
    ("Hà Nội, ngày 07 tháng 06 năm 2021", "2021-06-07"),
])
def test_date_values(text: str, value: str) -> None:
    m = only(text)
    assert (m.kind, m.value, m.start_date, m.end_date) == ("date", value, value, value)


def test_date_text_includes_ngay_and_keeps_case() -> None:
    assert only("Tựu trường: Ngày 26/8/2024 (thứ Hai)").text == "Ngày 26/8/2024"


def test_clock_time_before_date_still_gives_the_date() -> None:
    assert kv("từ 13 giờ 00 ngày 26/7/2020 cho đến khi") == [("date", "2020-07-26")]


@pytest.mark.parametrize("text", [
    "đạt 95/100 điểm",
    "họp tại phòng 301/B",
    "Kế hoạch số 217/KH-SGDĐT của Sở",
    "Nghị định 98/2023/NĐ-CP của Chính phủ",
    "Thông tư 01/02/2023/TT-BGDĐT",
    "Điện thoại: 0215.3825.123; 0912-345-678",
    "hỗ trợ 1.500.000 đồng/người",
    "theo Điều 5 khoản 2",
    "họp lúc 13 giờ 00",
    "mục 1.5.2022 của phụ lục",
    "Covid - 19 và 35 tuần thực học, 18 tuần",
])
def test_not_dates(text: str) -> None:
    assert get_dates(text).dates == []
    assert get_dates(text).warnings == []


# --- month, months, quarter -------------------------------------------------------------


@pytest.mark.parametrize(("text", "kind", "value", "first", "last"), [
    ("Thời gian: tháng 3/2022", "month", "2022-03", "2022-03-01", "2022-03-31"),
    ("Tháng 03/2022", "month", "2022-03", "2022-03-01", "2022-03-31"),
    ("trong tháng 3 năm 2023 để", "month", "2023-03", "2023-03-01", "2023-03-31"),
    ("tháng 2/2024", "month", "2024-02", "2024-02-01", "2024-02-29"),
    ("Tháng 4,5/2022", "months", "2022-04/2022-05", "2022-04-01", "2022-05-31"),
    ("tháng 9, 10/2022", "months", "2022-09/2022-10", "2022-09-01", "2022-10-31"),
    ("Tháng 11-12/2022", "months", "2022-11/2022-12", "2022-11-01", "2022-12-31"),
    ("từ tháng 3 đến tháng 5 năm 2022", "months", "2022-03/2022-05", "2022-03-01", "2022-05-31"),
    ("tháng 12/2022 - tháng 02/2023", "months", "2022-12/2023-02", "2022-12-01", "2023-02-28"),
    ("Quý I/2022", "quarter", "2022-Q1", "2022-01-01", "2022-03-31"),
    ("quý 2 năm 2022", "quarter", "2022-Q2", "2022-04-01", "2022-06-30"),
    ("Quý IV/2023", "quarter", "2023-Q4", "2023-10-01", "2023-12-31"),
])
def test_month_like(text: str, kind: str, value: str, first: str, last: str) -> None:
    m = only(text)
    assert (m.kind, m.value, m.start_date, m.end_date) == (kind, value, first, last)


@pytest.mark.parametrize("text", [
    "chiến thắng 3/2022",  # thắng is not tháng
    "Tháng 5,4/2022",  # a months list must increase
    "quy trình 2022",
    "quý I",  # no year: not stated, not guessed
])
def test_month_like_negatives(text: str) -> None:
    assert [d for d in get_dates(text).dates if d.kind in ("month", "months", "quarter")] == []


# --- year, school year, period -------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("thi đua, khen thưởng năm 2022;", [("year", "2022")]),
    ("II. NHIỆM VỤ TRỌNG TÂM NĂM 2022", [("year", "2022")]),
    ("cho 02 năm 2021 và năm 2022.", [("year", "2021"), ("year", "2022")]),
    ("Chiến lược tầm nhìn đến 2045", [("year", "2045")]),
    ("thi đua năm học 2021-2022.", [("school_year", "2021/2022")]),
    ("năm học 2021 - 2022", [("school_year", "2021/2022")]),
    ("NĂM HỌC 2024-2025", [("school_year", "2024/2025")]),
    ("năm học 2021-22", [("school_year", "2021/2022")]),
    ("sáng kiến năm học 20222023.", [("school_year", "2022/2023")]),
    ("giai đoạn 2021-2025", [("period", "2021/2025")]),
    ("giai đoạn 2021 - 2025", [("period", "2021/2025")]),
    ("kinh tế - xã hội 05 năm (2021 - 2025).", [("period", "2021/2025")]),
    ("phát triển (2021-2025) của ngành", [("period", "2021/2025")]),
    ("trong các năm 2020-2022 tăng", [("period", "2020/2022")]),
    ("giai đoạn từ năm 2021 đến năm 2025", [("period", "2021/2025")]),
])
def test_years(text: str, expected: list[tuple[str, str]]) -> None:
    assert kv(text) == expected


def test_school_year_covers_september_to_august() -> None:
    m = only("năm học 2021-2022")
    assert (m.start_date, m.end_date) == ("2021-09-01", "2022-08-31")


def test_period_covers_whole_years() -> None:
    m = only("giai đoạn 2021-2025")
    assert (m.start_date, m.end_date) == ("2021-01-01", "2025-12-31")


@pytest.mark.parametrize("text", [
    "Việt Nam 2022",  # the country, not năm
    "Quảng Nam 2023",
    "Nghị định số 98/2023/NĐ-CP",
    "số 217/KH-SGDĐT năm",
    "kỷ niệm 40 năm Ngày Nhà giáo",
    "năm 12345",
    "năm học 20222025",  # glued digits that are not a school year
    "giai đoạn 2025-2021",
    "2022",  # a bare year without context
])
def test_year_negatives(text: str) -> None:
    assert get_dates(text).dates == []


# --- range -------------------------------------------------------------------------------


def test_range_in_parentheses() -> None:
    m = only("thành phố (18/4/1992-18/4/2022).")
    assert (m.kind, m.value, m.text) == ("range", "1992-04-18/2022-04-18", "(18/4/1992-18/4/2022)")
    assert (m.start_date, m.end_date) == ("1992-04-18", "2022-04-18")


def test_range_with_spaces() -> None:
    assert kv("Nhà giáo (20/11/1982 - 20/11/2022);") == [("range", "1982-11-20/2022-11-20")]


def test_range_start_takes_year_of_end() -> None:
    m = only("từ ngày 10/5 đến ngày 20/5/2022")
    assert (m.kind, m.value, m.text) == ("range", "2022-05-10/2022-05-20", "từ ngày 10/5 đến ngày 20/5/2022")


def test_range_start_before_new_year() -> None:
    assert kv("từ ngày 15/12 đến ngày 15/01/2023") == [("range", "2022-12-15/2023-01-15")]


def test_backwards_range_is_two_dates() -> None:
    assert kv("20/5/2022 - 10/5/2022") == [("date", "2022-05-20"), ("date", "2022-05-10")]


def test_semicolon_pair_is_two_dates_not_a_range() -> None:
    assert kv("Bắt đầu từ ngày 06/9/2024; kết thúc trước ngày 18/01/2025.") == [
        ("date", "2024-09-06"), ("date", "2025-01-18")]


# --- recurring -------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Thời gian thực hiện\nThường xuyên\n",
    "| Phòng GD&ĐT | Thường xuyên |",
    "THCS trực thuộc    \n\nThường \n\nxuyên \n\nIV. TỔ CHỨC",
    "báo cáo hằng tháng về Sở",
    "tổng hợp hàng năm",
    "Thời gian: định kỳ",
    "trước ngày 31 tháng 8 hàng năm.",
    "trước ngày 15 hằng tháng",
])
def test_recurring(text: str) -> None:
    m = only(text)
    assert (m.kind, m.value, m.start_date, m.end_date) == ("recurring", "recurring", None, None)


@pytest.mark.parametrize("text", [
    "các phong trào thi đua thường xuyên, thi đua theo đợt",
    "định kỳ đánh giá kết quả phong trào",
    "giáo dục mầm non, giáo dục phổ thông và giáo dục thường xuyên",
    "Thường trực Tỉnh uỷ",
])
def test_recurring_negatives(text: str) -> None:
    assert get_dates(text).dates == []


def test_recurring_deadline_is_one_mention() -> None:
    assert only("trước ngày 30 tháng 6 hàng năm./.").text == "ngày 30 tháng 6 hàng năm"


# --- longest match ----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("năm học 2021-2022", [("school_year", "2021/2022")]),
    ("05 năm (2021 - 2025)", [("period", "2021/2025")]),
    ("(18/4/1992-18/4/2022)", [("range", "1992-04-18/2022-04-18")]),
    ("ngày 15 tháng 6 năm 2022", [("date", "2022-06-15")]),
    ("Tháng 4,5/2022", [("months", "2022-04/2022-05")]),
    ("năm học 2021-2022 và năm 2022", [("school_year", "2021/2022"), ("year", "2022")]),
])
def test_longest_expression_wins(text: str, expected: list[tuple[str, str]]) -> None:
    assert kv(text) == expected


# --- dates without year -----------------------------------------------------------------


def test_yearless_date_takes_the_one_year_of_its_sentence() -> None:
    assert kv("Kế hoạch năm 2022: báo cáo trước ngày 30/4.") == [("year", "2022"), ("date", "2022-04-30")]


def test_yearless_date_with_two_years_in_sentence_is_dropped() -> None:
    assert kv("năm 2021 và năm 2022, nộp trước ngày 30/4.") == [("year", "2021"), ("year", "2022")]


def test_yearless_date_does_not_take_a_citation_year() -> None:
    assert kv("Theo Công văn ngày 15/5/2016, nộp trước ngày 30/6.") == [("date", "2016-05-15")]


def test_yearless_date_does_not_cross_sentences() -> None:
    assert kv("Năm 2022 đạt. Nộp trước ngày 30/4.") == [("year", "2022")]


def test_bare_day_month_without_cue_is_not_a_date() -> None:
    assert get_dates("tỉ lệ 12/5 lớp").dates == []


# --- invalid dates ----------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "ngày 31/02/2022",
    "hạn 31/02/2022",
    "ngày 32/1",
    "ngày 30 tháng 2 năm 2021",
    "ngày 29/02/2023",
    "tháng 13/2022",
    "năm học 2021-2023",
])
def test_invalid_dates_are_warned_not_emitted(text: str) -> None:
    result = get_dates(text)
    assert result.dates == []
    assert len(result.warnings) == 1
    assert "không hợp lệ" in result.warnings[0]


def test_range_with_an_impossible_end_keeps_the_good_date() -> None:
    result = get_dates("(18/13/1992-18/4/2022)")
    assert [(d.kind, d.value) for d in result.dates] == [("date", "2022-04-18")]
    assert len(result.warnings) == 1 and "18/13/1992" in result.warnings[0]


def test_yearless_feb_29_invalid_in_the_sentence_year() -> None:
    result = get_dates("Năm 2023, hạn chót ngày 29/2.")
    assert [(d.kind, d.value) for d in result.dates] == [("year", "2023")]
    assert len(result.warnings) == 1


# --- offsets and OCR noise --------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("nam hoc 2021-2022", [("school_year", "2021/2022")]),
    ("thang 3 nam 2022", [("month", "2022-03")]),
    ("NAM 2022", [("year", "2022")]),
    ("giai Ðoạn 2021-2025", [("period", "2021/2025")]),
    ("ngay 05 thang 3 nam 2020", [("date", "2020-03-05")]),
    ("ngày 05 tháng 3\nnăm 2020", [("date", "2020-03-05")]),
    ("ngày 05 tháng\n\n3 năm 2020", [("date", "2020-03-05")]),
    ("ngày 28 / 01 / 2022", [("date", "2022-01-28")]),
    ("Tháng 3 / 2022", [("month", "2022-03")]),
    ("năm học 2021 – 2022", [("school_year", "2021/2022")]),
    ("(18/4/1992 – 18/4/2022)", [("range", "1992-04-18/2022-04-18")]),
    ("Thuong xuyen\n", [("recurring", "recurring")]),
])
def test_ocr_noise(text: str, expected: list[tuple[str, str]]) -> None:
    assert kv(text) == expected


def test_offsets_point_into_the_source() -> None:
    text = ("Căn cứ Kế hoạch số 217/KH-SGDĐT, ngày 28/01/2022; năm \n\nhọc 2021- 2022; Tháng \n\n4,5/2022;"
            " Ðà Nẵng (18/4/1992-18/4/2022) và Quý I/2022, thang 3 nam 2022.")
    found = get_dates(text).dates
    assert len(found) == 6
    for m in found:
        assert text[m.start:m.end] == m.text
    assert [m.start for m in found] == sorted(m.start for m in found)


def test_to_dict_is_the_contract_object() -> None:
    d = only("ngày 28/01/2022").to_dict()
    assert list(d) == ["text", "start", "end", "kind", "value", "start_date", "end_date"]
    assert d == {"text": "ngày 28/01/2022", "start": 0, "end": 15, "kind": "date", "value": "2022-01-28",
                 "start_date": "2022-01-28", "end_date": "2022-01-28"}


def test_empty_text() -> None:
    assert get_dates("") == DatesResult()


# --- seed gold --------------------------------------------------------------------------


def _scorer(shared: Path):
    """The shared scorer module, loaded from its path."""
    spec = importlib.util.spec_from_file_location("vanthu_score", shared / "eval" / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.corpus
def test_seed_dates_f1_is_one(shared: Path, corpus: Path) -> None:
    score = _scorer(shared)
    text = (corpus / "kh_pgddt_dienbienphu_2022_thidua.txt").read_text(encoding="utf-8")
    gold = json.loads((corpus / "kh_pgddt_dienbienphu_2022_thidua.gold.json").read_text(encoding="utf-8"))
    pred = [m.to_dict() for m in get_dates(text).dates]
    tally = score.Tally()
    score.match(gold["dates"], pred, score.date_key, tally, lambda g, p: (), "seed: date")
    assert tally.prf()[2] == 1.0, tally.misses
