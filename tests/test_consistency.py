"""The document's own consistency (nlp.consistency): dates, anniversaries, school years."""

from __future__ import annotations

from pathlib import Path

from nlp.consistency import anniversary_findings, date_findings, document_findings

SEED_DOC = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "kh_pgddt_dienbienphu_2022_thidua.txt"


def test_anniversary_mismatch():
    text = "chào mừng kỷ niệm 40 năm Ngày Nhà giáo Việt Nam (20/11/1982 - 20/11/2021); hết."
    (f,) = anniversary_findings(text)
    assert f["code"] == "anniversary_mismatch" and f["severity"] == "error"
    assert "39" in f["message"] and "40" in f["message"]
    assert text[f["start"]:f["end"]].startswith("kỷ niệm 40 năm")


def test_anniversary_consistent():
    assert anniversary_findings("kỷ niệm 40 năm Ngày Nhà giáo Việt Nam (20/11/1982 - 20/11/2022)") == []
    assert anniversary_findings("kỷ niệm 30 năm ngày thành lập thành phố (1992-2022)") == []


def test_anniversary_year_only_and_without_diacritics():
    assert [f["code"] for f in anniversary_findings("Ky niem 25 nam thanh lap truong (1990 - 2020).")] == [
        "anniversary_mismatch"]


def test_anniversary_takes_its_own_range():
    text = "kỷ niệm 30 năm thành lập (18/4/1992-18/4/2022); kỷ niệm 40 năm Ngày Nhà giáo (20/11/1982 - 20/11/2022)."
    assert anniversary_findings(text) == []


def test_school_year_not_consecutive():
    (f,) = date_findings("Tổng kết năm học 2021-2023 của nhà trường.")
    assert f["code"] == "school_year_invalid" and "năm học 2021-2023" in f["message"]
    assert date_findings("Tổng kết năm học 2021-2022 của nhà trường.") == []


def test_impossible_dates():
    text = "Họp ngày 31/02/2022 và ngày 30/4/2022."
    (f,) = date_findings(text)
    assert f["code"] == "invalid_date" and "31/02/2022" in f["message"]
    assert text[f["start"]:f["end"]] == "ngày 31/02/2022"


def test_document_findings_in_text_order():
    text = "kỷ niệm 10 năm (2000-2020); năm học 2020-2022; ngày 32/1/2021."
    assert [f["code"] for f in document_findings(text)] == ["anniversary_mismatch", "school_year_invalid", "invalid_date"]


def test_seed_document_is_consistent():
    text = SEED_DOC.read_text(encoding="utf-8")
    assert "kỷ niệm 40" in text
    assert document_findings(text) == []
    broken = text.replace("(20/11/1982 - 20/11/2022)", "(20/11/1983 - 20/11/2022)")
    assert [f["code"] for f in document_findings(broken)] == ["anniversary_mismatch"]
