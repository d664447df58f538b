"""Schools' commendation submissions: reading the lists (nlp.awards) and consolidating them (worker.consolidate).

The first half builds small ``ReadResult``s by hand, one layout or one rule per test. The second
half reads three schools' real files (two Word layouts and a scan that goes through OCR, from
``tests/school_factory.py``), consolidates them and renders the decision's annex and the summary
report with the project's templates.
"""

from __future__ import annotations

import json
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from nlp.awards import Submission, read_submission
from nlp.layout import assemble
from nlp.model import RawCell, RawPage, RawParagraph, RawTable, ReadResult, Source
from tests import school_factory as F
from tests.docx_factory import docx_text
from worker.consolidate import (
    CHECK,
    NO_NAME,
    OTHER_TITLES,
    Consolidation,
    annex_context,
    consolidate,
    from_dict,
    revise,
    summary_context,
)

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"

# ================================================================ hand-built documents


def table(*rows: list[str | tuple[str, int]]) -> RawTable:
    """A data table; a cell given as ``(text, colspan)`` is merged across columns."""
    return RawTable([[RawCell(c[0], colspan=c[1]) if isinstance(c, tuple) else RawCell(c) for c in row]
                     for row in rows])


def result(*items: str | RawTable, ocr: bool = False) -> ReadResult:
    raw = [RawParagraph(i) if isinstance(i, str) else i for i in items]
    assembled = assemble([RawPage(1, raw, ocr=ocr)], join_lines=False)
    source = Source("t.docx", "0" * 64, "pdf-scanned" if ocr else "docx", "application/test", 1, ocr=ocr)
    return ReadResult(source, assembled.text, assembled.blocks)


def people(sub: Submission) -> list[tuple[str, str, str, str | None]]:
    return [(p.name, p.position, p.unit, p.title_name) for p in sub.proposals]


HEAD = ["TT", "Họ và tên", "Chức vụ", "Đơn vị", "Danh hiệu đề nghị"]


def test_title_column_layout_reads_every_field_with_its_cell_span():
    r = result("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", table(
        HEAD,
        ["1", "Nguyễn Thị Hoà", "Giáo viên", "Trường TH số 1", "Lao động tiên tiến"],
        ["2", "Lò Văn Thủy", "Tổ trưởng", "Trường TH số 1", "Chiến sỹ thi đua cơ sở"],
        ["3", "Tổ khối 1", "", "Trường TH số 1", "Tập thể lao động tiên tiến"],
    ))
    sub = read_submission(r)
    assert people(sub) == [
        ("Nguyễn Thị Hoà", "Giáo viên", "Trường TH số 1", "Lao động tiên tiến"),
        ("Lò Văn Thủy", "Tổ trưởng", "Trường TH số 1", "Chiến sĩ thi đua cơ sở"),
        ("Tổ khối 1", "", "Trường TH số 1", "Tập thể lao động tiên tiến"),
    ]
    first, _, collective = sub.proposals
    assert [p.row_number for p in sub.proposals] == ["1", "2", "3"]
    assert first.block == sub.tables[0] and first.row == 1
    for name in ("name", "position", "unit", "title"):  # every span points at what was read
        s, e = first.spans[name]
        assert r.text[s:e] == {"name": "Nguyễn Thị Hoà", "position": "Giáo viên", "unit": "Trường TH số 1",
                               "title": "Lao động tiên tiến"}[name]
    assert first.title == "Lao động tiên tiến" and first.source == {
        "name": "cell", "position": "cell", "unit": "cell", "title": "cell"}
    assert collective.collective and not first.collective
    assert collective.position == "" and collective.source["position"] == "empty"  # missing stays empty


def test_group_rows_give_the_title_and_a_list_without_unit_column_leaves_unit_absent():
    r = result(table(
        ["TT", "Họ và tên", "Chức vụ", "Ghi chú"],
        [("I. Danh hiệu Lao động tiên tiến (03 người)", 4)],
        ["1", "Trần Văn Nam", "Giáo viên", ""],
        ["2", "Hoàng Thị Lan", "Tổ trưởng", ""],
        ["3", "Vũ Đức Minh", "nt", ""],
        [("II. Danh hiệu Chiến sĩ thi đua cơ sở", 4)],
        ["1", "Hoàng Thị Lan", "Tổ trưởng", ""],
        [("Tổng cộng: 04 lượt", 4)],
    ))
    sub = read_submission(r)
    assert people(sub) == [
        ("Trần Văn Nam", "Giáo viên", "", "Lao động tiên tiến"),
        ("Hoàng Thị Lan", "Tổ trưởng", "", "Lao động tiên tiến"),
        ("Vũ Đức Minh", "Tổ trưởng", "", "Lao động tiên tiến"),
        ("Hoàng Thị Lan", "Tổ trưởng", "", "Chiến sĩ thi đua cơ sở"),
    ]
    assert {p.source["title"] for p in sub.proposals} == {"group"}
    assert {p.source["unit"] for p in sub.proposals} == {"absent"}
    assert sub.proposals[2].source["position"] == "ditto"
    s, e = sub.proposals[0].spans["title"]
    assert r.text[s:e] == "I. Danh hiệu Lao động tiên tiến (03 người)"
    assert [(f.kind, f.value, f.title_name) for f in sub.figures] == [
        ("proposed", 3, "Lao động tiên tiến"), ("table_total", 4, None)]


def test_heading_above_a_table_gives_its_title():
    r = result("I. Danh hiệu Lao động tiên tiến", table(["STT", "Họ và tên", "Chức vụ"], ["1", "An Văn Bình", "Giáo viên"]),
               "II. Giấy khen của Chủ tịch UBND huyện", table(["STT", "Họ và tên", "Chức vụ"], ["1", "Đinh Thị Cúc", "Kế toán"]))
    sub = read_submission(r)
    assert people(sub) == [("An Văn Bình", "Giáo viên", "", "Lao động tiên tiến"),
                           ("Đinh Thị Cúc", "Kế toán", "", "Giấy khen của Chủ tịch Ủy ban nhân dân cấp huyện")]
    assert [p.title for p in sub.proposals] == ["Danh hiệu Lao động tiên tiến", "Giấy khen của Chủ tịch UBND huyện"]
    assert {p.source["title"] for p in sub.proposals} == {"heading"}


def test_one_column_per_title_with_marks_under_a_merged_header():
    rows = [
        [RawCell("TT", rowspan=2), RawCell("Họ và tên", rowspan=2), RawCell("Chức vụ", rowspan=2),
         RawCell("Danh hiệu đề nghị", colspan=2)],
        [RawCell("LĐTT"), RawCell("CSTĐCS")],
        [RawCell("1"), RawCell("Mai Văn Đức"), RawCell("Giáo viên"), RawCell("x"), RawCell("x")],
        [RawCell("2"), RawCell("Lê Thị Én"), RawCell("Nhân viên"), RawCell("x"), RawCell("")],
    ]
    sub = read_submission(result(RawTable(rows)))
    assert people(sub) == [("Mai Văn Đức", "Giáo viên", "", "Lao động tiên tiến"),
                           ("Mai Văn Đức", "Giáo viên", "", "Chiến sĩ thi đua cơ sở"),
                           ("Lê Thị Én", "Nhân viên", "", "Lao động tiên tiến")]
    assert {p.source["title"] for p in sub.proposals} == {"mark"}


def test_merged_unit_cell_and_combined_position_unit_column():
    merged = RawTable([
        [RawCell(h) for h in HEAD],
        [RawCell("1"), RawCell("Hà Văn Tú"), RawCell("Giáo viên"), RawCell("Trường MN Sơn Ca", rowspan=2),
         RawCell("Lao động tiên tiến")],
        [RawCell("2"), RawCell("Hà Thị Vân"), RawCell("Cấp dưỡng"), RawCell("Lao động tiên tiến")],
    ])
    sub = read_submission(result(merged))
    assert [(p.unit, p.source["unit"]) for p in sub.proposals] == [("Trường MN Sơn Ca", "cell"),
                                                                    ("Trường MN Sơn Ca", "merged")]
    combined = table(["TT", "Họ và tên", "Chức vụ, đơn vị công tác", "Hình thức khen thưởng"],
                     ["1", "Tòng Văn Ước", "Giáo viên, Trường PTDTBT TH Chiềng Đông", "Giấy khen của Trưởng phòng"])
    assert people(read_submission(result(combined))) == [
        ("Tòng Văn Ước", "Giáo viên", "Trường PTDTBT TH Chiềng Đông", "Giấy khen của Trưởng phòng Giáo dục và Đào tạo")]


@pytest.mark.parametrize(("written", "name", "how"), [
    ("LAO ĐỘNG TIÊN TIẾN", "Lao động tiên tiến", "exact"),
    ("Lao đo\u0323\u0302ng tie\u0302n tie\u0302\u0301n", "Lao động tiên tiến", "exact"),  # decomposed marks
    ("Lao đông tiền tiến", "Lao động tiên tiến", "exact"),  # OCR lost or moved tone marks
    ("Lao động tlên tiến", "Lao động tiên tiến", "fuzzy"),  # OCR read i as l
    ("Laođộng tiên tiến", "Lao động tiên tiến", "exact"),  # a lost space
    ("LĐTT", "Lao động tiên tiến", "exact"),
    ("Chiến sỹ thi đua cơ sở", "Chiến sĩ thi đua cơ sở", "exact"),
    ("Chiến sĩ thl đua cơ sở", "Chiến sĩ thi đua cơ sở", "fuzzy"),
    ("Tập thể Lao động tiên tiến", "Tập thể lao động tiên tiến", "exact"),  # not Lao động tiên tiến
    ("Giấy khen của Trưởng phòng GD&ĐT", "Giấy khen của Trưởng phòng Giáo dục và Đào tạo", "exact"),
    ("Bằng khen của Chủ tịch UBND huyện", None, None),  # one word away from a real title: not guessed
    ("Bằng khen của Thủ tướng Chính phủ", None, None),
    ("Giấy khen của Chủ tịch UBND xã", None, None),  # not the district's Giấy khen
    ("Giấy khen của Trưởng phòng", "Giấy khen của Trưởng phòng Giáo dục và Đào tạo", "exact"),
    ("Giấy khen của Trưởng phòng Nội vụ", None, None),  # another office's
])
def test_title_matching_is_tolerant_but_never_guesses_a_different_title(written, name, how):
    sub = read_submission(result(table(HEAD, ["1", "Quách Văn Hải", "Giáo viên", "Trường TH A", written])))
    (p,) = sub.proposals
    assert (p.title, p.title_name, p.title_match) == (unicodedata.normalize("NFC", written), name, how)


def test_figures_stated_in_prose():
    r = result(
        "Năm học trước có 10 cá nhân đạt danh hiệu Lao động tiên tiến.",
        "Tổng số cán bộ, giáo viên, nhân viên: 45 người. Trường đề nghị 12 cá nhân đạt danh hiệu Lao động "
        "tiên tiến, 2 cá nhân đạt danh hiệu Chiến sĩ thi đua cơ sở và 1 tập thể đạt danh hiệu Tập thể lao động "
        "tiên tiến.",
        "- Giấy khen của Hiệu trưởng: 03 cá nhân;",
        "Tổng số cá nhân, tập thể đề nghị khen thưởng: tổng cộng 18 cá nhân, tập thể.",
    )
    figures = [(f.kind, f.value, f.title_name, f.subject) for f in read_submission(r).figures]
    assert figures == [
        ("staff", 45, None, "individual"),
        ("proposed", 12, "Lao động tiên tiến", "individual"),
        ("proposed", 2, "Chiến sĩ thi đua cơ sở", "individual"),
        ("proposed", 1, "Tập thể lao động tiên tiến", "collective"),
        ("proposed", 3, "Giấy khen của Hiệu trưởng", "individual"),
        ("proposed_total", 18, None, "individual"),
    ]  # last year's 10 is not a figure of this proposal


def test_blank_rows_are_skipped_and_missing_cells_stay_empty():
    sub = read_submission(result("Danh sách đề nghị khen thưởng", table(
        HEAD, ["(1)", "(2)", "(3)", "(4)", "(5)"],
        ["1", "", "Giáo viên", "Trường TH A", "Lao động tiên tiến"],
        ["2", "Ngô Văn Ích", "Giáo viên", "", ""],
        ["3", "", "", "", ""],
    )))
    assert people(sub) == [("", "Giáo viên", "Trường TH A", "Lao động tiên tiến"),
                           ("Ngô Văn Ích", "Giáo viên", "", None)]
    assert sub.proposals[1].title == "" and sub.proposals[1].source["title"] == "empty"


def test_a_names_table_that_is_not_a_proposal_list_is_reported_not_read():
    sub = read_submission(result("Hội đồng xét duyệt gồm các thành viên sau:", table(
        ["TT", "Họ và tên", "Chức vụ", "Nhiệm vụ trong Hội đồng"], ["1", "Lê Văn Bình", "Hiệu trưởng", "Chủ tịch"])))
    assert sub.proposals == [] and len(sub.warnings) == 1 and "không lấy" in sub.warnings[0]


# ================================================================ consolidating hand-built submissions


def extraction(issuer: str, ref: str, doc_type: str = "Tờ trình", date: str = "2024-05-20") -> dict[str, Any]:
    return {"header": {"issuer": issuer, "ref": ref, "doc_type": doc_type, "date": date}}


def small_consolidation() -> Consolidation:
    one = result("Trường đề nghị 3 cá nhân đạt danh hiệu Lao động tiên tiến.", table(
        HEAD,
        ["1", "Trần Văn Nam", "Giáo viên", "THCS Nguyễn Trãi, huyện Mường Ảng", "Lao động tiên tiến"],
        ["2", "Đào Thị Yến", "", "Trường TH Kim Đồng", "Lao động tiên tiến"],
        ["3", "Tổ 1-2", "", "Trường TH Kim Đồng", "Tập thể lao động tiên tiến"],
        ["4", "Lý Văn Ba", "Bảo vệ", "Trường TH Kim Đồng", "Huy hiệu đoàn"],
    ))
    two = result("Danh sách đề nghị", table(["TT", "Họ và tên", "Chức vụ", "Danh hiệu"],
                                            ["1", "TRẦN VĂN NAM", "Giáo viên", "Lao động tiên tiến"],
                                            ["2", "", "Giáo viên", "Lao động tiên tiến"]))
    return consolidate([(extraction("TRƯỜNG TIỂU HỌC KIM ĐỒNG", "5/TTr-THKD"), one),
                        (extraction("TRƯỜNG THCS NGUYỄN TRÃI", "7/BC-THCS", "Báo cáo"), two)])


def test_consolidate_flags_without_dropping_rows():
    c = small_consolidation()
    assert [r.name for r in c.rows] == ["Trần Văn Nam", "Đào Thị Yến", "Tổ 1-2", "Lý Văn Ba", "TRẦN VĂN NAM", ""]
    assert [r.unit for r in c.rows][-2:] == ["Trường THCS Nguyễn Trãi"] * 2
    assert c.rows[-1].source["unit"] == "issuer"  # the list had no Đơn vị column: the school that sent it
    assert [r.school for r in c.rows] == ["Trường Tiểu học Kim Đồng"] * 4 + ["Trường THCS Nguyễn Trãi"] * 2
    codes = {(f.code, tuple(f.rows)) for f in c.flags}
    assert codes == {
        ("duplicate", (1, 5)),  # same folded name, unit written in a column here and taken from the header there
        ("missing_position", (2,)),  # a collective (row 3) needs none
        ("unknown_title", (4,)),
        ("missing_name", (6,)),
        ("figure_mismatch", (1, 2)),  # 3 stated, 2 rows
    }
    assert [r.flags for r in c.rows] == [["duplicate"], ["missing_position"], [], ["unknown_title"], ["duplicate"],
                                         ["missing_name"]]
    mismatch = next(f for f in c.flags if f.code == "figure_mismatch")
    assert mismatch.message == ("Văn bản nêu «3 cá nhân đạt danh hiệu Lao động tiên tiến» nhưng danh sách có 2 "
                                "dòng Lao động tiên tiến")


def test_small_annex_and_summary():
    c = small_consolidation()
    annex = annex_context(c, subtitle="Cá nhân, tập thể được khen thưởng năm học 2023-2024")
    groups = {g["title"]: g for g in annex["groups"]}
    assert list(groups) == ["Tập thể lao động tiên tiến", "Lao động tiên tiến", "Huy hiệu đoàn"]
    ldtt = groups["Lao động tiên tiến"]
    assert [(u["unit"], u["count"]) for u in ldtt["units"]] == [("Trường THCS Nguyễn Trãi", "3"),
                                                                ("Trường Tiểu học Kim Đồng", "1")]
    nam = ldtt["units"][0]["people"]
    assert [p["name"] for p in nam] == ["Trần Văn Nam", "TRẦN VĂN NAM", NO_NAME]
    assert nam[0]["note"] == f"Trùng với dòng 1 (Lao động tiên tiến) của Báo cáo số 7/BC-THCS {CHECK}"
    assert nam[1]["note"] == f"Trùng với dòng 1 (Lao động tiên tiến) của Tờ trình số 5/TTr-THKD {CHECK}"
    summary = summary_context(c)
    assert summary["titles"] == ["Tập thể LĐ tiên tiến", "Lao động tiên tiến", OTHER_TITLES]  # short headings
    assert [(r["unit"], r["counts"], r["total"]) for r in summary["rows"]] == [
        ("Trường Tiểu học Kim Đồng", ["1", "2", "1"], "4"), ("Trường THCS Nguyễn Trãi", ["0", "2", "0"], "2")]
    assert summary["totals"] == {"counts": ["1", "4", "1"], "total": "6"}
    assert len(summary["flags"]) == len(c.flags)


def test_json_form_round_trips():
    c = small_consolidation()
    data = json.loads(json.dumps(c.to_dict(), ensure_ascii=False))
    assert data["schema"] == "vanthu.consolidation/1" and data["flag_labels"]["duplicate"] == "Trùng người"
    back = from_dict(data)
    assert back.to_dict() == data
    assert annex_context(back) == annex_context(c) and summary_context(back) == summary_context(c)


def test_review_corrects_and_excludes_and_flags_follow():
    c = small_consolidation()
    data = revise(c.to_dict(), {"6": {"name": "Phan Văn Sáu"}, "4": {"title": "Giấy khen của Hiệu trưởng"}}, [5])
    after = from_dict(data)
    codes = {(f.code, tuple(f.rows)) for f in after.flags}
    assert codes == {
        ("missing_position", (2,)), ("figure_mismatch", (1, 2)),
        ("corrected", (6,)), ("corrected", (4,)), ("excluded", (5,)),
    }  # the duplicate went with the excluded row; the name and the title were filled in
    assert [r.name for r in after.rows][-2:] == ["TRẦN VĂN NAM", "Phan Văn Sáu"]  # excluded, still there
    assert after.rows[3].title_name == "Giấy khen của Hiệu trưởng" and after.rows[5].source["name"] == "clerk"
    corrected = [f.message for f in after.flags if f.code == "corrected"]
    assert corrected == ["Dòng 4 (Giấy khen của Hiệu trưởng) của Tờ trình số 5/TTr-THKD: người kiểm tra sửa danh hiệu "
                         "«Huy hiệu đoàn» thành «Giấy khen của Hiệu trưởng»",
                         "Dòng 2 (Lao động tiên tiến) của Báo cáo số 7/BC-THCS: người kiểm tra sửa họ tên «» thành "
                         "«Phan Văn Sáu»"]
    names = [p["name"] for g in annex_context(after)["groups"] for u in g["units"] for p in u["people"]]
    assert sorted(names) == sorted(["Trần Văn Nam", "Đào Thị Yến", "Tổ 1-2", "Lý Văn Ba", "Phan Văn Sáu"])
    summary = summary_context(after)
    assert summary["totals"]["total"] == "5" and summary["rows"][1]["total"] == "1"
    assert "1 dòng người kiểm tra đã bỏ ra" in summary["rows"][1]["notes"]
    assert any("TRẦN VĂN NAM đã được bỏ ra khỏi danh sách" in f for f in summary["flags"])
    # Put back as read: the correction disappears, the exclusion is lifted, the duplicate is back.
    again = from_dict(revise(data, {"6": {"name": ""}}, []))
    assert again.edits == {"4": {"title": {"from": "Huy hiệu đoàn", "to": "Giấy khen của Hiệu trưởng",
                                           "source": "cell"}}}
    assert {f.code for f in again.flags} == {"duplicate", "missing_position", "figure_mismatch", "corrected",
                                             "missing_name"}


def test_a_submission_without_a_list_is_flagged():
    c = consolidate([(extraction("TRƯỜNG MẦM NON A", "1/TTr-MNA"), result("Trường xin báo cáo như sau."))])
    assert c.rows == [] and [f.code for f in c.flags] == ["no_proposals"]
    assert summary_context(c)["rows"][0]["total"] == "0"


# ================================================================ three schools' real files


@pytest.fixture(scope="module")
def schools() -> dict[str, tuple[dict[str, Any], ReadResult]]:
    if not F.soffice_available():
        pytest.fail("LibreOffice (soffice) is needed to print the scanned school's submission")
    from worker.analyze import analyze
    from worker.readers import read_document

    out = {}
    for key, build in (("a", F.school_a), ("b", F.school_b), ("c", F.school_c_scan)):
        data = build()
        out[key] = (analyze(data, filename=f"{key}.bin"), read_document(data, filename=f"{key}.bin"))
    return out


@pytest.fixture(scope="module")
def consolidated(schools) -> Consolidation:
    return consolidate([schools[k] for k in ("a", "b", "c")])


SCHOOL_NAMES = {"a": "Trường Tiểu học số 1 Mường Ảng", "b": "Trường THCS Nguyễn Trãi", "c": "Trường Mầm non Hoa Ban"}


def _expected(school: F.School) -> list[tuple[str, str, str, str]]:
    """The rows as the document states them; a list without Đơn vị column gives the school's name."""
    return [(r.name, r.position, r.unit or SCHOOL_NAMES[school.key], r.title) for r in school.rows]


def _rows_of(c: Consolidation, key: str):
    index = "abc".index(key)
    return [r for r in c.rows if r.submission == index]


@pytest.mark.slow
def test_word_submissions_are_read_exactly(schools, consolidated):
    for key in ("a", "b"):
        school = F.SCHOOLS[key]
        header = schools[key][0]["header"]
        assert (header["issuer"], header["ref"], header["doc_type"], header["date"]) == (
            school.issuer, school.ref, school.doc_type, school.date)
        rows = _rows_of(consolidated, key)
        assert [(r.name, r.position, r.unit, r.title_name) for r in rows] == _expected(school)
    assert {r.source["unit"] for r in _rows_of(consolidated, "b")} == {"issuer"}
    assert [r.source["unit"] for r in _rows_of(consolidated, "a")] == ["cell", "merged", "cell", "cell", "cell", "cell"]


@pytest.mark.slow
def test_scanned_submission_is_read_through_ocr(schools, consolidated):
    extraction_c, read_c = schools["c"]
    assert read_c.source.format == "pdf-scanned" and read_c.source.ocr
    assert extraction_c["header"]["issuer"] == F.SCHOOL_C.issuer
    rows = _rows_of(consolidated, "c")
    expected = F.SCHOOL_C.rows
    # What OCR reliably gives: one row per proposal, the danh hiệu, who is a collective.
    assert len(rows) == len(expected)
    assert [r.title_name for r in rows] == [e.title for e in expected]
    assert [r.collective for r in rows] == [e.title == F.TTLDTT for e in expected]
    assert {r.unit for r in rows} == {"Trường Mầm non Hoa Ban"}
    misses = [(field, getattr(e, field), getattr(r, field)) for r, e in zip(rows, expected, strict=True)
              for field in ("name", "position") if getattr(r, field) != getattr(e, field)]
    misses += [("title as written", e.title, r.title) for r, e in zip(rows, expected, strict=True) if r.title != e.title]
    print(f"\nOCR misses on the scanned submission ({len(misses)}):")
    for field, want, got in misses:
        print(f"  {field}: {want!r} read as {got!r}")
    assert any(f.code == "scanned" and f.submission == 2 for f in consolidated.flags)


@pytest.mark.slow
def test_duplicates_and_missing_fields_are_flagged_and_kept(consolidated):
    c = consolidated
    assert len(c.rows) == sum(len(s.rows) for s in F.SCHOOLS.values())
    dup = sorted(tuple(sorted((c.rows[i - 1].school, c.rows[i - 1].name, c.rows[i - 1].title_name) for i in f.rows))
                 for f in c.flags if f.code == "duplicate")
    a, b = "Trường Tiểu học số 1 Mường Ảng", "Trường THCS Nguyễn Trãi"
    assert dup == sorted(tuple(sorted(pair)) for pair in [
        ((a, "Nguyễn Thị Hoà", F.LDTT), (a, "Nguyễn Thị Hòa", F.GK_TP)),  # tone placement differs
        ((a, "Trần Văn Nam", F.LDTT), (b, "Trần Văn Nam", F.LDTT)),  # across submissions
        ((b, "Hoàng Thị Lan", F.LDTT), (b, "Hoàng Thị Lan", F.CSTDCS)),
    ])
    flagged = {(r.name, code) for r in c.rows for code in r.flags if code != "duplicate"}
    assert flagged == {("Phạm Thị Mai", "missing_position"), ("", "missing_name")}
    missing = next(f for f in c.flags if f.code == "missing_name")
    assert missing.message.startswith("Dòng 2 (Giấy khen của Chủ tịch Ủy ban nhân dân cấp huyện) của Báo cáo số 12/BC-THCSNT")


@pytest.mark.slow
def test_stated_figures_are_checked(consolidated):
    mismatches = [(f.submission, f.message) for f in consolidated.flags if f.code == "figure_mismatch"]
    assert mismatches == [(0, "Văn bản nêu «4 cá nhân đạt danh hiệu Lao động tiên tiến» nhưng danh sách có 3 dòng "
                              "Lao động tiên tiến")]
    for info, school in zip(consolidated.submissions, F.SCHOOLS.values(), strict=True):
        stated = {f.title_name: f.value for f in info.figures if f.kind == "proposed"}
        assert stated == school.stated
        assert [f.value for f in info.figures if f.kind == "staff"] == [school.staff]


def _annex_people(annex: dict[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    return [(g["title"], u["unit"], p) for g in annex["groups"] for u in g["units"] for p in u["people"]]


@pytest.mark.slow
def test_annex_has_every_proposal_exactly_once(consolidated):
    c = consolidated
    annex = annex_context(c, subtitle="Cá nhân, tập thể được khen thưởng năm học 2023-2024")
    listed = _annex_people(annex)
    assert len(listed) == len(c.rows)
    assert Counter((t, p["name"]) for t, _, p in listed) == Counter(
        (r.title_name, r.name or NO_NAME) for r in c.rows)
    assert sum(int(g["count"]) for g in annex["groups"]) == len(c.rows)
    for g in annex["groups"]:
        assert int(g["count"]) == sum(int(u["count"]) for u in g["units"]) == sum(len(u["people"]) for u in g["units"])
    assert [g["title"] for g in annex["groups"]] == [F.CSTDCS, F.TTLDTT, F.LDTT, F.GK_CT, F.GK_TP]
    # Trần Văn Nam (school A's list, unit Nguyễn Trãi) sits with school B's people, both noted.
    ldtt = next(g for g in annex["groups"] if g["title"] == F.LDTT)
    nguyen_trai = next(u for u in ldtt["units"] if u["unit"] == "Trường THCS Nguyễn Trãi")
    assert [p["name"] for p in nguyen_trai["people"]] == ["Trần Văn Nam", "Trần Văn Nam", "Hoàng Thị Lan", "Vũ Đức Minh"]
    duplicates = {r.name for r in c.rows if "duplicate" in r.flags}
    for _, _, p in listed:
        notes = [n for n in p["note"].split("; ") if n.startswith("Trùng với dòng ")]
        assert bool(notes) == (p["name"] in duplicates)
        assert all(n.endswith(CHECK) for n in notes)


@pytest.mark.slow
def test_summary_has_one_row_per_school_and_right_totals(consolidated):
    s = summary_context(consolidated)
    order = [F.CSTDCS, F.TTLDTT, F.LDTT, F.GK_CT, F.GK_TP]
    assert s["titles"] == ["CSTĐ cơ sở", "Tập thể LĐ tiên tiến", "Lao động tiên tiến", "Giấy khen Chủ tịch UBND huyện",
                           "Giấy khen Trưởng phòng"]
    by_school = {r["unit"]: r for r in s["rows"]}
    assert list(by_school) == list(SCHOOL_NAMES.values())
    for school, row in zip(F.SCHOOLS.values(), s["rows"], strict=True):
        counted = Counter(r.title for r in school.rows)
        assert row["counts"] == [str(counted[t]) for t in order]
        assert row["total"] == str(len(school.rows))
        assert row["document"].startswith(f"{school.doc_type} số {school.ref} ngày ")
    assert s["totals"] == {"counts": ["2", "2", "10", "2", "1"], "total": "17"}
    assert s["rows"][0]["notes"] == ("3 dòng trùng người; 1 dòng thiếu chức vụ; "
                                     "văn bản nêu 4 Lao động tiên tiến, danh sách có 3")
    assert s["rows"][1]["notes"] == "3 dòng trùng người; 1 dòng thiếu họ tên"
    assert s["rows"][2]["notes"] == "Bản quét (OCR), cần đối chiếu bản giấy"
    assert len(s["flags"]) == len(consolidated.flags)


# ---------------------------------------------------------------- rendering


def _wait_for_templates(names: list[str], timeout: float = 1800) -> None:
    """The templates are written by another engineer: wait for them (a CI checkout has them)."""
    deadline = time.monotonic() + timeout
    needed = [TEMPLATES / f"{n}{suffix}" for n in names for suffix in (".docx", ".manifest.json")]
    while not all(p.is_file() for p in needed):
        if time.monotonic() > deadline:
            pytest.fail(f"templates missing: {[p.name for p in needed if not p.is_file()]}")
        time.sleep(10)


def _base_context(name: str, own: dict[str, Any]) -> dict[str, Any]:
    """The template's example context when there is one, with the office's header fields over it."""
    example = TEMPLATES / f"{name}.example.json"
    base = json.loads(example.read_text("utf-8")) if example.is_file() else {}
    return {**base, **own}


OFFICE = {
    "parent_issuer": "UBND huyện Mường Ảng", "issuer": "Phòng Giáo dục và Đào tạo", "number": "",
    "place": "Mường Ảng", "date": None, "year": "2024",
    "recipients": ["Như Điều 3;", "Lưu: VT, TĐKT."], "signer_title": "TRƯỞNG PHÒNG", "signer_name": "",
}




@pytest.mark.slow
def test_rendered_decision_and_summary_open_with_python_docx(consolidated):
    from worker.render import render

    _wait_for_templates(["quyet_dinh", "bao_cao_tong_hop"])
    c = consolidated
    decision = _base_context("quyet_dinh", {
        **OFFICE, "symbol": "QĐ-PGDĐT", "subject": "Về việc công nhận danh hiệu thi đua năm học 2023-2024",
        "authority": "TRƯỞNG PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
        "bases": ["Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"],
        "proposal": "Theo đề nghị của Hội đồng Thi đua - Khen thưởng Phòng Giáo dục và Đào tạo.",
        "articles": [{"text": "Công nhận danh hiệu thi đua và tặng Giấy khen cho các cá nhân, tập thể có tên trong "
                              "danh sách kèm theo.", "paragraphs": []},
                     {"text": "Quyết định có hiệu lực kể từ ngày ký.", "paragraphs": []}],
        "annex": annex_context(c, subtitle="Cá nhân, tập thể được khen thưởng năm học 2023-2024"),
    })
    text = docx_text(render("quyet_dinh", decision))
    for row in c.rows:
        assert (row.name or NO_NAME) in text
    assert "Trùng với dòng 1 (Lao động tiên tiến) của Báo cáo số 12/BC-THCSNT (cần kiểm tra)" in text

    summary = _base_context("bao_cao_tong_hop", {
        **OFFICE, "symbol": "BC-PGDĐT", "subject": "Tổng hợp đề nghị khen thưởng năm học 2023-2024 của các trường",
        "intro": "Phòng Giáo dục và Đào tạo tổng hợp đề nghị khen thưởng của các trường như sau:",
        "closing": "Phòng Giáo dục và Đào tạo kính báo cáo./.", **summary_context(c),
    })
    text = docx_text(render("bao_cao_tong_hop", summary))
    for row in summary["rows"]:
        assert row["unit"] in text
    assert "Giấy khen Trưởng phòng" in text and "17" in text
    assert summary["flags"][0] in text
