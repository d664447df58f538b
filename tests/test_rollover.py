"""Year roll-over rules: ``nlp.rollover.roll_text`` on small strings, then the seed plan.

Every case also goes through ``check``: changes sorted, non-overlapping, pointing into
the text, with an NFC Vietnamese note, no old year left unexplained, and nothing
outside the changes touched once they are applied.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections import Counter

import pytest

from nlp.rollover import Change, RollContext, apply_changes, roll_text, unexplained_years
from tests.conftest import CORPUS

SEED_TXT = CORPUS / "kh_pgddt_dienbienphu_2022_thidua.txt"
SEED_DOCX = CORPUS / "kh_pgddt_dienbienphu_2022_thidua_word.docx"


def check(text: str, changes: list[Change], from_year: int) -> str:
    """The invariants every result keeps; returns the rolled text."""
    assert changes == sorted(changes, key=lambda c: c.start)
    for a, b in zip(changes, changes[1:], strict=False):
        assert a.end <= b.start, (a, b)
    for c in changes:
        assert 0 <= c.start < c.end <= len(text)
        assert c.old == text[c.start : c.end]
        assert c.note and c.note == unicodedata.normalize("NFC", c.note)
        assert c.new is None or c.new != c.old
    assert unexplained_years(text, changes, from_year) == []
    new = apply_changes(text, changes)
    # text outside the changes is untouched: every difference falls inside an edited span
    edited = [(c.start, c.end) for c in changes if c.new is not None]
    sm = difflib.SequenceMatcher(None, text, new, autojunk=False)
    for op, i1, i2, _j1, _j2 in sm.get_opcodes():
        if op == "equal":
            continue
        lo, hi = (i1, i2) if i2 > i1 else (i1 - 1, i1 + 1)
        assert any(s <= lo + 1 and hi - 1 <= e for s, e in edited), (op, text[max(0, i1 - 10) : i2 + 10])
    return new


def roll(text: str, from_year: int = 2022, to_year: int | None = None, **kw) -> tuple[str, list[Change]]:
    changes = roll_text(text, from_year=from_year, to_year=to_year or from_year + 1, **kw)
    return check(text, changes, from_year), changes


def kinds(changes: list[Change]) -> list[str]:
    return [c.kind for c in changes]


# ----------------------------------------------------------------- years


def test_plan_year_rolled():
    new, ch = roll("Kế hoạch thực hiện công tác thi đua, khen thưởng năm 2022.")
    assert new == "Kế hoạch thực hiện công tác thi đua, khen thưởng năm 2023."
    assert kinds(ch) == ["year"] and not ch[0].review
    assert "2022" in ch[0].note and "2023" in ch[0].note


def test_upper_case_heading_and_line_break():
    new, _ = roll("II. NHIỆM VỤ TRỌNG TÂM NĂM 2022\nnhiệm vụ năm\n2022")
    assert new == "II. NHIỆM VỤ TRỌNG TÂM NĂM 2023\nnhiệm vụ năm\n2023"


def test_next_year_rolled_with_review_and_past_year_kept():
    new, ch = roll("so với năm 2021; chuẩn bị cho năm 2023")
    assert new == "so với năm 2021; chuẩn bị cho năm 2024"
    assert [(c.old, c.review) for c in ch] == [("năm 2023", True)]


def test_leftover_year_flagged_not_edited():
    new, ch = roll("Số liệu (2022) tổng hợp; Việt Nam 2022")
    assert new == "Số liệu (2022) tổng hợp; Việt Nam 2022"
    assert [(c.kind, c.old, c.new, c.review) for c in ch] == [("year", "2022", None, True)] * 2
    assert ch[0].note == "Năm 2022 còn lại: cần xem có phải đổi không."


def test_unexplained_years_finds_what_is_not_covered():
    text = "năm 2022 và (2022)"
    assert unexplained_years(text, [], 2022) == [(0 + 4, 8), (13, 17)]
    only_first = [c for c in roll_text(text, from_year=2022, to_year=2023) if c.new is not None]
    assert unexplained_years(text, only_first, 2022) == [(13, 17)]


# ----------------------------------------------------------------- months, dates, quarters


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Tháng 4,5/2022", "Tháng 4,5/2023"),
        ("tháng 03/2022", "tháng 03/2023"),
        ("Tháng 11-12/2022", "Tháng 11-12/2023"),
        ("tháng 3 năm 2022", "tháng 3 năm 2023"),
        ("Tháng \n03/2022", "Tháng \n03/2023"),
        ("tháng 9 và tháng 10/2022", "tháng 9 và tháng 10/2023"),
    ],
)
def test_task_months(old, new):
    rolled, ch = roll(old)
    assert rolled == new
    assert kinds(ch) == ["month"] and not ch[0].review


def test_month_span_into_next_year_and_month_before():
    new, ch = roll("Tháng 12/2022 - tháng 02/2023; từ tháng 9/2021")
    assert new == "Tháng 12/2023 - tháng 02/2024; từ tháng 9/2022"
    assert [c.review for c in ch] == [False, False, True]  # 2021 is before the plan's year


def test_victory_is_not_a_month():
    _, ch = roll("chiến thắng 5/2022")
    assert kinds(ch) == ["year"] and ch[0].new is None


def test_deadline_date():
    new, ch = roll("Hoàn thành trước ngày 30/3/2022.")
    assert new == "Hoàn thành trước ngày 30/3/2023."
    assert kinds(ch) == ["date"] and not ch[0].review


def test_verbal_date_in_body():
    new, ch = roll("Hội nghị tổ chức tại Điện Biên Phủ, ngày 05 tháng 3 năm 2022 tại hội trường.")
    assert new == "Hội nghị tổ chức tại Điện Biên Phủ, ngày 05 tháng 3 năm 2023 tại hội trường."
    assert kinds(ch) == ["date"]


def test_leap_day_flagged():
    new, ch = roll("Báo cáo trước ngày 29/02/2024.", 2024)
    assert new == "Báo cáo trước ngày 28/02/2025."
    assert ch[0].kind == "date" and ch[0].review and "29/02" in ch[0].note


def test_weekday_flagged():
    new, ch = roll("Thứ Hai, ngày 14/3/2022 họp giao ban.")
    assert new == "Thứ Hai, ngày 14/3/2023 họp giao ban."
    assert ch[0].review and "thứ" in ch[0].note.lower()


def test_weekday_after_the_date_flagged():
    new, ch = roll("Tựu trường: Ngày 26/8/2024 (thứ Hai).", 2024)
    assert new == "Tựu trường: Ngày 26/8/2025 (thứ Hai)."
    assert ch[0].review


def test_quarters():
    new, ch = roll("Quý I/2022; quý III và quý IV năm 2022; quý 2/2022")
    assert new == "Quý I/2023; quý III và quý IV năm 2023; quý 2/2023"
    assert kinds(ch) == ["quarter"] * 3


# ----------------------------------------------------------------- school years, periods


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("năm học 2021-2022", "năm học 2022-2023"),
        ("năm học 2021 - 2022", "năm học 2022 - 2023"),
        ("năm học 2021–2022", "năm học 2022–2023"),
        ("Năm học 2022-2023", "Năm học 2023-2024"),
        ("NH 2021-2022", "NH 2022-2023"),
    ],
)
def test_school_years(old, new):
    rolled, ch = roll(old)
    assert rolled == new
    assert kinds(ch) == ["school_year"] and not ch[0].review


def test_school_year_glued_and_uncued_flagged():
    new, ch = roll("sáng kiến năm học 20222023; thi (2021-2022)")
    assert new == "sáng kiến năm học 2023-2024; thi (2022-2023)"
    assert [(c.kind, c.review) for c in ch] == [("school_year", True), ("school_year", True)]


def test_periods_kept_and_ended():
    new, ch = roll("“Chuyển đổi số giai đoạn 2021-2025”; 05 năm (2021 - 2025); giai đoạn 2018-2022")
    assert new == "“Chuyển đổi số giai đoạn 2021-2025”; 05 năm (2021 - 2025); giai đoạn 2018-2022"
    kept = [c for c in ch if c.kind == "period_kept"]
    assert [(c.old, c.new, c.review) for c in kept] == [("2021-2025", None, False), ("2021 - 2025", None, False)]
    assert "2023" in kept[0].note
    ended = [c for c in ch if c.kind == "year"]
    assert [(c.old, c.new, c.review) for c in ended] == [("2018-2022", None, True)]
    assert "kết thúc" in ended[0].note


# ----------------------------------------------------------------- anniversaries


def test_anniversary_with_range_not_round():
    text = "chào mừng kỷ niệm 40 năm Ngày Nhà giáo Việt Nam (20/11/1982 - 20/11/2022);"
    new, ch = roll(text)
    assert new == "chào mừng kỷ niệm 41 năm Ngày Nhà giáo Việt Nam (20/11/1982 - 20/11/2023);"
    assert [(c.kind, c.old, c.new) for c in ch] == [("anniversary", "40", "41"), ("anniversary", "2022", "2023")]
    assert ch[0].review and "41" in ch[0].note and "tròn" in ch[0].note


def test_anniversary_without_range_flagged():
    new, ch = roll("kỷ niệm 30 năm ngày thành lập thành phố Điện Biên Phủ")
    assert new == "kỷ niệm 31 năm ngày thành lập thành phố Điện Biên Phủ"
    assert kinds(ch) == ["anniversary"] and ch[0].review
    assert "đối chiếu" in ch[0].note


def test_round_anniversary_not_flagged():
    new, ch = roll("kỷ niệm 44 năm Ngày Nhà giáo Việt Nam (1978 - 2022)")
    assert new == "kỷ niệm 45 năm Ngày Nhà giáo Việt Nam (1978 - 2023)"
    assert [c.review for c in ch] == [False, False]
    assert "chẵn" in ch[0].note
    new, ch = roll("kỷ niệm 49 năm ngày thành lập trường (1973-2022)")
    assert new == "kỷ niệm 50 năm ngày thành lập trường (1973-2023)" and not ch[0].review
    assert "tròn" in ch[0].note


def test_anniversary_count_that_disagrees_with_range_flagged():
    _, ch = roll("kỷ niệm 45 năm thành lập trường (1978 - 2022)")
    assert ch[0].old == "45" and ch[0].new == "46" and ch[0].review and "không khớp" in ch[0].note


def test_anniversary_edition_and_bare_span():
    new, ch = roll("kỷ niệm lần thứ 77 Ngày Quốc khánh")
    assert new == "kỷ niệm lần thứ 78 Ngày Quốc khánh" and "lần thứ 78" in ch[0].note
    new, ch = roll("thành lập thành phố (18/4/1992-18/4/2022)")
    assert new == "thành lập thành phố (18/4/1992-18/4/2023)"
    assert ch[0].kind == "anniversary" and ch[0].review


def test_commemorative_medal_is_no_anniversary():
    new, ch = roll("xét tặng Kỷ niệm chương “Vì sự nghiệp giáo dục” năm 2022")
    assert new == "xét tặng Kỷ niệm chương “Vì sự nghiệp giáo dục” năm 2023"
    assert kinds(ch) == ["year"]


# ----------------------------------------------------------------- one-off events


@pytest.mark.parametrize(
    "text",
    [
        "Tổ chức thành công Đại hội Công đoàn ngành lần thứ X vào tháng 5/2022.",
        "Tham gia Hội khỏe Phù Đổng cấp thành phố năm 2022.",
        "Phục vụ bầu cử đại biểu Quốc hội khóa XV.",
        "Tổ chức Hội thi giáo viên dạy giỏi lần thứ 5.",
        "Lễ đón nhận Huân chương Lao động ngày 12/10/2022.",
    ],
)
def test_events_flagged_and_not_edited(text):
    new, ch = roll(text)
    assert new == text
    ev = [c for c in ch if c.kind == "event"]
    assert len(ev) == 1 and ev[0].new is None and ev[0].review
    assert "không lặp lại" in ev[0].note


def test_event_passage_stops_at_its_clause():
    new, ch = roll("Tham gia Hội khỏe Phù Đổng năm 2022; thi đua năm 2022.")
    assert new == "Tham gia Hội khỏe Phù Đổng năm 2022; thi đua năm 2023."
    assert kinds(ch) == ["event", "year"]


def test_lasting_texts_of_a_congress_are_no_event():
    text = "thực hiện Nghị quyết Đại hội Đảng bộ thành phố lần thứ VII về phát triển 05 năm (2021 - 2025)."
    _, ch = roll(text)
    assert kinds(ch) == ["period_kept"]
    _, ch = roll("tổ chức trao tặng, đón nhận các danh hiệu thi đua")  # a weak cue needs the old year
    assert ch == []


# ----------------------------------------------------------------- header


def test_header_number_emptied():
    new, ch = roll("Số: 217/KH-PGDĐT")
    assert new == "Số:      /KH-PGDĐT"
    assert kinds(ch) == ["header_number"] and not ch[0].review
    new, _ = roll("UBND THÀNH PHỐ Số: 12/2022/QĐ-UBND")
    assert new == "UBND THÀNH PHỐ Số:      /2023/QĐ-UBND"
    assert roll_text("Số:       /KH-PGDĐT", from_year=2022, to_year=2023) == []


def test_header_day_emptied():
    new, ch = roll("Điện Biên Phủ, ngày 05 tháng 3 năm 2022")
    assert new == "Điện Biên Phủ, ngày      tháng      năm 2023"
    assert kinds(ch) == ["header_day"] and not ch[0].review
    new, _ = roll("Điện Biên Phủ, ngày      tháng 3 năm 2022")
    assert new == "Điện Biên Phủ, ngày      tháng      năm 2023"


def test_header_read_as_one_row():
    new, ch = roll("Số: 31/CT-TTg\tHà Nội, ngày 28 tháng 11 năm 2022")
    assert new == "Số:      /CT-TTg\tHà Nội, ngày      tháng      năm 2023"
    assert kinds(ch) == ["header_number", "header_day"]


def test_header_day_needs_a_header_line():
    _, ch = roll("Hội nghị tại Điện Biên Phủ, ngày 05 tháng 3 năm 2022")
    assert kinds(ch) == ["date"]


# ----------------------------------------------------------------- citations

BASIS = ("Căn cứ Kế hoạch số 217/KH-SGDĐT, ngày 28/01/2022 của Sở Giáo dục và Đào tạo về Kế hoạch "
         "thực hiện công tác thi đua, khen thưởng năm 2022;")


def test_last_years_basis_becomes_placeholder():
    new, ch = roll(BASIS)
    assert new == ("Căn cứ Kế hoạch số …/KH-SGDĐT, ngày …/…/2023 của Sở Giáo dục và Đào tạo về Kế hoạch "
                   "thực hiện công tác thi đua, khen thưởng năm 2023;")
    ph = ch[0]
    assert ph.kind == "placeholder" and ph.review
    assert ph.old == "Kế hoạch số 217/KH-SGDĐT, ngày 28/01/2022 của Sở Giáo dục và Đào tạo"
    assert "217/KH-SGDĐT" in ph.note


def test_resolver_replaces_basis():
    seen: list[dict] = []

    def resolve(ref: dict) -> str | None:
        seen.append(ref)
        return "Kế hoạch số 150/KH-SGDĐT ngày 20/01/2023 của Sở Giáo dục và Đào tạo"

    new, ch = roll(BASIS, context=RollContext(resolve_reference=resolve))
    assert new == ("Căn cứ Kế hoạch số 150/KH-SGDĐT ngày 20/01/2023 của Sở Giáo dục và Đào tạo về Kế hoạch "
                   "thực hiện công tác thi đua, khen thưởng năm 2023;")
    assert ch[0].kind == "basis_ref" and not ch[0].review and "150/KH-SGDĐT" in ch[0].note
    assert seen[0]["ref"] == "217/KH-SGDĐT" and seen[0]["date"] == "2022-01-28"
    assert seen[0]["from_year"] == 2022 and seen[0]["to_year"] == 2023


def test_resolver_without_answer_gives_placeholder():
    _, ch = roll(BASIS, context=RollContext(resolve_reference=lambda ref: None))
    assert ch[0].kind == "placeholder"


def test_school_year_guidance_of_the_year_before_is_last_years():
    text = ("Tiếp theo Hướng dẫn số 994/HD-PGDĐT ngày 25/8/2021 của Phòng Giáo dục và Đào tạo về hướng dẫn "
            "thi đua năm học 2021- 2022.")
    new, ch = roll(text)
    assert new == ("Tiếp theo Hướng dẫn số …/HD-PGDĐT ngày …/…/2022 của Phòng Giáo dục và Đào tạo về hướng dẫn "
                   "thi đua năm học 2022- 2023.")
    assert kinds(ch) == ["placeholder", "school_year"]
    assert "năm học 2021-2022" in ch[0].note


def test_verbal_date_citation_placeholder():
    new, _ = roll("Thực hiện Công văn số 12/UBND-VX ngày 03 tháng 4 năm 2022 của UBND tỉnh về việc tổ chức")
    assert new == "Thực hiện Công văn số …/UBND-VX ngày … tháng … năm 2023 của UBND tỉnh về việc tổ chức"


def test_laws_and_decrees_never_rolled():
    text = ("Căn cứ Luật Thi đua, khen thưởng ngày 15/6/2022; Căn cứ Nghị định số 98/2023/NĐ-CP "
            "ngày 31/12/2023 của Chính phủ quy định chi tiết năm 2022;")
    for fy in (2022, 2023):
        new, ch = roll(text, fy)
        assert new == text and ch == []


def test_kept_citation_title_untouched():
    text = ("Kế hoạch số 239/KH-PGDĐT, ngày 15/3/2021 của phòng Giáo dục và Đào tạo về phát động phong trào "
            "thi đua giai đoạn 2022-2025 của ngành; Chỉ thị số 05-CT/TW, ngày 15/5/2016 của Bộ Chính trị.")
    new, ch = roll(text)
    assert new == text and ch == []


def test_multi_year_plan_of_last_year_still_running_is_kept():
    text = ("Thực hiện Kế hoạch số 50/KH-UBND ngày 03/3/2022 của UBND tỉnh về chuyển đổi số "
            "giai đoạn 2022-2025;")
    new, ch = roll(text)
    assert new == text and ch == []


def test_decision_rolled_only_when_its_title_names_the_year():
    kept = "Căn cứ Quyết định số 1234/QĐ-UBND ngày 10/01/2022 của UBND tỉnh về việc thành lập Hội đồng"
    assert roll_text(kept, from_year=2022, to_year=2023) == []
    new, ch = roll(kept.replace("thành lập Hội đồng", "ban hành Kế hoạch năm 2022"))
    assert kinds(ch) == ["placeholder", "year"]
    assert new.endswith("Quyết định số …/QĐ-UBND ngày …/…/2023 của UBND tỉnh về việc ban hành Kế hoạch năm 2023")


# ----------------------------------------------------------------- API


def test_apply_changes_checks_and_skips_flags():
    text = "năm 2022 (2022)"
    ch = roll_text(text, from_year=2022, to_year=2023)
    assert apply_changes(text, ch) == "năm 2023 (2022)"
    with pytest.raises(ValueError):
        apply_changes("năm 2021 (2022)", ch)
    with pytest.raises(ValueError):
        apply_changes(text, [ch[0], ch[0]])


def test_empty_and_same_year():
    assert roll_text("", from_year=2022, to_year=2023) == []
    assert roll_text("Thường xuyên", from_year=2022, to_year=2023) == []
    with pytest.raises(ValueError):
        roll_text("năm 2022", from_year=2022, to_year=2022)


def test_two_years_ahead():
    new, ch = roll("năm học 2021-2022, Tháng 03/2022, kỷ niệm 40 năm (1982 - 2022)", 2022, 2024)
    assert new == "năm học 2023-2024, Tháng 03/2024, kỷ niệm 42 năm (1982 - 2024)"


# ----------------------------------------------------------------- the seed plan

TIMEFRAMES = ["Tháng 03/2022"] * 4 + ["Tháng 04/2022", "Tháng 4,5/2022", "Tháng 4,5/2022", "Tháng 6,7/2022",
                                      "Tháng 9,10/2022", "Tháng 11,12/2022", "Tháng 12/2022"]


def _seed_checks(changes: list[Change], new: str) -> None:
    months = [c for c in changes if c.kind == "month"]
    assert [c.old for c in months] == TIMEFRAMES  # 11 dated task rows; row 12 is "Thường xuyên"
    assert all(c.new == c.old.replace("/2022", "/2023") for c in months)
    assert "Thường xuyên" in new
    ann = [c for c in changes if c.kind == "anniversary"]
    counts = [(c.old, c.new) for c in ann if len(c.old) < 4]
    assert ("40", "41") in counts and ("30", "31") in counts
    assert all(c.review for c in ann)  # 41 and 31 are not round
    assert "41 năm Ngày Nhà giáo Việt Nam (20/11/1982 - 20/11/2023)" in new
    assert "31 năm ngày thành lập thành phố Điện Biên Phủ (18/4/1992-18/4/2023)" in new
    basis = [c for c in changes if c.kind in ("placeholder", "basis_ref")]
    assert [c.old.split(",")[0].split(" ngày")[0] for c in basis] == [
        "Kế hoạch số 217/KH-SGDĐT", "Kế hoạch số 345/KH-UBND", "Hướng dẫn số 994/HD-PGDĐT"]
    for kept in ("Kết luận số 01-KL/TW, ngày 18/5/2021", "Chỉ thị số 05-CT/TW, ngày 15/5/2016",
                 "Kế hoạch số 239/KH-PGDĐT,", "Kế hoạch số 901/KH-PGDĐT,", "34-CT/TW, ngày 07/4/2014",
                 "giai đoạn 2021-2025", "05 năm (2021 - 2025)"):
        assert kept in new, kept
    assert "năm học 2022-2023" in new and "thi đua năm học 2022- 2023" in new
    assert "năm 2022" not in new and "/2022" not in new.replace("…/…/2022", "")


def _analyzed(path) -> str:
    from worker.analyze import analyze

    return analyze(path.read_bytes(), filename=path.name)["text"]


@pytest.mark.corpus
def test_seed_text_acceptance():
    text = _analyzed(SEED_TXT)
    new, ch = roll(text)
    _seed_checks(ch, new)
    assert Counter(kinds(ch)) == Counter(
        {"year": 13, "month": 11, "anniversary": 8, "school_year": 7, "placeholder": 3, "period_kept": 3})
    glued = [c for c in ch if c.old == "20222023"]
    assert glued and glued[0].review


@pytest.mark.corpus
def test_seed_raw_wrapped_text_has_nothing_unexplained():
    text = SEED_TXT.read_text(encoding="utf-8")
    _, ch = roll(text)
    assert Counter(kinds(ch))["month"] == 11 and Counter(kinds(ch))["placeholder"] == 3


@pytest.mark.corpus
def test_seed_word_text_acceptance():
    text = _analyzed(SEED_DOCX)
    new, ch = roll(text)
    _seed_checks(ch, new)
    assert "Điện Biên Phủ, ngày      tháng      năm 2023" in new


@pytest.mark.corpus
def test_seed_word_per_paragraph():
    from docx import Document

    doc = Document(str(SEED_DOCX))
    paragraphs = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs += [p.text for p in cell.paragraphs]
    all_changes: list[Change] = []
    rolled = []
    for p in paragraphs:
        new, ch = roll(p)
        all_changes += ch
        rolled.append(new)
    _seed_checks(all_changes, "\n".join(rolled))
    c = Counter(kinds(all_changes))
    assert c["month"] == 11 and c["header_day"] == 1 and c["placeholder"] == 3 and c["event"] == 0


@pytest.mark.corpus
def test_seed_with_a_resolver():
    text = _analyzed(SEED_TXT)
    known = {"217/KH-SGDĐT": "Kế hoạch số 150/KH-SGDĐT, ngày 20/01/2023 của Sở Giáo dục và Đào tạo"}
    _, ch = roll(text, context=RollContext(resolve_reference=lambda ref: known.get(ref["ref"])))
    basis = [(c.kind, c.new) for c in ch if c.kind in ("placeholder", "basis_ref")]
    assert basis[0] == ("basis_ref", known["217/KH-SGDĐT"])
    assert [k for k, _ in basis[1:]] == ["placeholder", "placeholder"]
