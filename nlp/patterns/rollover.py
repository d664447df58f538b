"""Rules for rolling last year's plan over to the next year, as data.

``nlp.rollover`` applies them. Every regex here runs on the *folded* shadow of
the text (``nlp.patterns.dates.FOLD``: lower case, no tone or vowel marks,
``đ`` -> ``d``, every dash -> ``-``, one character for one character), so the
offsets of a match are offsets in the original text and OCR that lost its
diacritics (``nam hoc 2021-2022``) reads the same. Where a folded keyword is
ambiguous (``thang`` is also *thắng*, ``nam`` is also the proper noun *Nam*)
the code checks the original spelling against ``KEYWORD_SPELLINGS``.

Notes (``NOTES``) are what a clerk reads in a Word comment and in the change
list: short Vietnamese sentences, written here in NFC.
"""

from __future__ import annotations

import re

# --------------------------------------------------------------------------
# Anniversaries (kỷ niệm N năm)
# --------------------------------------------------------------------------
# Vietnamese practice (Nghị định 145/2013/NĐ-CP on organising ngày kỷ niệm, as
# applied by ministries and provinces): commemorations are organised in
# "năm tròn" (the count ends in 0: 10, 20, 30 … năm) and "năm chẵn" (the count
# ends in 5: 5, 15, 25 … năm); other years are usually not celebrated with a
# plan item. So a count that becomes a multiple of 5 is "round": the change is
# made without review (the note still says what was recomputed). A count that
# is not a multiple of 5 (40 -> 41) is made *and* flagged for review: the item
# most likely has to go. A count with no year range to check it against is
# flagged too, whatever it becomes.
ANNIVERSARY_ROUND_STEP = 5
ANNIVERSARY_DECADE_STEP = 10  # "năm tròn"; the other multiples of 5 are "năm chẵn"

# "kỷ niệm 40 năm", "kỉ niệm 30 năm", "chào mừng 75 năm", "kỷ niệm lần thứ 78"
ANNIVERSARY = re.compile(
    r"\b(?:(?:ky|ki)\s+niem|chao\s+mung)\s+(?:(?P<lan>lan\s+thu)\s+)?(?P<n>\d{1,3})(?!\d)"
    r"(?:\s+(?P<nam>nam)\b)?"
)
# The span that proves the count: "(20/11/1982 - 20/11/2022)", "(1982-2022)".
ANNIVERSARY_RANGE = re.compile(
    r"\(?[ \t]*(?:(?P<d1>\d{1,2})[ \t]*/[ \t]*(?P<m1>\d{1,2})[ \t]*/[ \t]*)?(?<![\d])(?P<y1>(?:1[89]|20)\d\d)"
    r"[ \t]*-[ \t]*(?:(?P<d2>\d{1,2})[ \t]*/[ \t]*(?P<m2>\d{1,2})[ \t]*/[ \t]*)?(?P<y2>(?:19|20)\d\d)(?!\d)[ \t]*\)?"
)
# How far after the count its range may stand (same clause).
ANNIVERSARY_WINDOW = 180

# --------------------------------------------------------------------------
# One-off events of last year (flagged, never edited)
# --------------------------------------------------------------------------
# Strong cues: a numbered edition or an event that does not recur yearly.
# Flagged wherever they stand outside a citation.
EVENT_STRONG: tuple[tuple[str, str], ...] = (
    ("đại hội", r"\bdai\s+hoi\b[^;\n]{0,90}?\b(?:lan\s+thu\s+(?:[ivxlc]+|\d{1,3})\b|nhiem\s+ky\s+(?:19|20)\d\d)"),
    ("bầu cử", r"\bbau\s+cu\b"),
    ("Hội khỏe Phù Đổng", r"\bhoi\s+khoe\s+phu\s+dong\b"),
    ("lần thứ", r"\b(?:hoi\s+thi|hoi\s+thao|hoi\s+giang|hoi\s+nghi|cuoc\s+thi|giai|festival|lien\s+hoan|hoi\s+trai)"
               r"\b[^;\n]{0,80}?\blan\s+thu\s+(?:[ivxlc]+|\d{1,3})\b"),
    ("tổng điều tra", r"\btong\s+dieu\s+tra\b"),
)
# Weak cues: a one-off only when its clause also names the old year or a date in it.
EVENT_WEAK: tuple[tuple[str, str], ...] = (
    ("đón nhận", r"\bdon\s+nhan\b"),
    ("khánh thành", r"\bkhanh\s+thanh\b"),
    ("khởi công", r"\bkhoi\s+cong\b"),
    ("sáp nhập", r"\bsap\s+nhap\b"),
    ("đã tổ chức", r"\bda\s+(?:to\s+chuc|dien\s+ra)\b"),
)
# A cue right after these words names a lasting document, not the event:
# "Nghị quyết Đại hội Đảng bộ thành phố lần thứ VII" stays in force for its term.
EVENT_NOT_AFTER = re.compile(r"(?:nghi\s+quyet|van\s+kien|tinh\s+than|chuong\s+trinh\s+hanh\s+dong)\s+$")
EVENT_MAX = 220  # an event passage never runs longer than this

# --------------------------------------------------------------------------
# Document header
# --------------------------------------------------------------------------
# "Số: 217/KH-PGDĐT", "Số: 12/2022/QĐ-UBND" (only the document's own line).
HEADER_NUMBER = re.compile(
    r"(?P<so>\bso)[ \t]*:(?P<num>[ \t]*\d{1,5}[a-z]?[ \t]*)(?P<rest>/[ \t]*(?:(?P<y>(?:19|20)\d\d)[ \t]*/[ \t]*)?"
    r"[a-z][a-z0-9&]*(?:[ \t]*-[ \t]*[a-z0-9&]+)*)"
)
HEADER_BLANK = "      "  # six spaces: room for the number and the day the clerk writes in
# "Điện Biên Phủ, ngày 05 tháng 3 năm 2022" (also with blanks or dots for day and month).
HEADER_DAY = re.compile(
    r"(?P<place>[a-z][^\n\t|,;:()]{0,60}?)[ \t]*,[ \t]*"
    r"(?P<date>ngay[ \t.…_]*(?P<d>\d{1,2})?[ \t.…_]*(?P<thang>thang)[ \t.…_]*(?P<m>\d{1,2})?[ \t.…_]*"
    r"(?P<nam>nam)[ \t]*(?P<y>\d{4}))(?!\d)"
)
# Lower-case words a place name may contain ("thành phố Hồ Chí Minh", "TP. Vinh", "thị xã …").
PLACE_LOWER_WORDS = frozenset({"thành", "phố", "tp.", "tp", "thị", "xã", "trấn", "huyện", "tỉnh", "quận"})

# --------------------------------------------------------------------------
# Years, school years, periods
# --------------------------------------------------------------------------
YEAR = r"(?:19|20)\d\d"
# "2021-2022", "2021 - 2025" (dashes folded): not the tail of a date, not part of a symbol.
YEAR_RANGE = re.compile(rf"(?<![\d/.])(?P<y1>{YEAR})(?P<sep>[ \t]*-[ \t]*)(?P<y2>{YEAR})(?![\d])(?![ \t]*/[ \t]*\w)")
# "năm học 20222023": the dash lost.
SCHOOL_YEAR_GLUED = re.compile(rf"\bnam\s+hoc\s*:?\s*(?P<y1>{YEAR})(?P<y2>{YEAR})(?!\d)")
# What before a range makes it a school year: "năm học", "NH".
SCHOOL_YEAR_CUE = re.compile(r"(?:\bnam\s+hoc|\bnh)\s*:?\s*$")
PERIOD_MAX_YEARS = 50
# The plan's own year: "năm 2022", "NĂM 2022", "năm tài chính 2022".
YEAR_WORD = re.compile(
    rf"\b(?P<nam>nam)(?:\s+(?:tai\s+chinh|ngan\s+sach|ke\s+hoach))?\s+(?P<y>{YEAR})(?!\d)(?![ \t]*[/-][ \t]*\d)"
)
# Any occurrence of a year as digits (the final sweep): "(?<!\d)Y" or "Y(?!\d)" is built per year.

# --------------------------------------------------------------------------
# Dates, months, quarters
# --------------------------------------------------------------------------
DATE_NUMERIC = re.compile(
    r"(?<![\d/.])(?P<d>\d{1,2})[ \t]*(?P<s>[/.-])[ \t]*(?P<m>\d{1,2})[ \t]*(?P=s)[ \t]*(?P<y>\d{4})(?!\d)"
    r"(?![ \t]*/[ \t]*\w)"
)
DATE_VERBAL = re.compile(
    r"(?<![\d/.])(?P<d>\d{1,2})\s+(?P<thang>thang)\s+(?P<m>\d{1,2})\s*,?\s+(?P<nam>nam)\s+(?P<y>\d{4})(?!\d)"
)
# Two dates with the same day and month years apart: a commemoration span without its count.
DATE_SPAN = re.compile(
    r"(?P<d1>\d{1,2})[ \t]*/[ \t]*(?P<m1>\d{1,2})[ \t]*/[ \t]*(?P<y1>\d{4})[ \t]*-[ \t]*"
    r"(?P<d2>\d{1,2})[ \t]*/[ \t]*(?P<m2>\d{1,2})[ \t]*/[ \t]*(?P<y2>\d{4})(?!\d)"
)
# A weekday right before a date ("Thứ Hai, ngày 14/3/2022"): it will be wrong next year.
WEEKDAY_BEFORE = re.compile(
    r"\b(?:thu\s+(?:hai|ba|tu|nam|sau|bay|[2-7])|chu\s+nhat)\s*,?\s*(?:\(\s*)?(?:ngay\s*)?$"
)
WEEKDAY_WINDOW = 30
# …or right after it: "Ngày 26/8/2024 (thứ Hai)".
WEEKDAY_AFTER = re.compile(r"[ \t]*[,(]?[ \t]*(?:thu\s+(?:hai|ba|tu|nam|sau|bay|[2-7])|chu\s+nhat)\b")
# Cell separators of a header row read as one line ("Số: 31/CT-TTg\tHà Nội, ngày …").
CELL_SEPARATORS = "\t|"
# "Tháng 03/2022", "tháng 4,5/2022", "Tháng 11-12/2022", "tháng 3 năm 2022", "tháng 9 và tháng 10/2022"
MONTHS = re.compile(
    r"\b(?P<thang>thang)\s+(?P<ms>\d{1,2}(?:\s*(?:,|;|-|va|den|toi)\s*(?:thang\s+)?\d{1,2}(?!\d))*)"
    r"(?:[ \t]*[/-][ \t]*|\s*,?\s+(?P<nam>nam)\s+)(?P<y>\d{4})(?!\d)(?![ \t]*/[ \t]*\w)"
)
# "Quý I/2022", "quý 2 năm 2022", "Quý I, II/2022", "quý III và quý IV năm 2022"
QUARTERS = re.compile(
    r"\b(?P<quy>quy)\s+(?P<qs>(?:iv|i{1,3}|[1-4])(?:\s*(?:,|-|va|den)\s*(?:quy\s+)?(?:iv|i{1,3}|[1-4]))*)\b"
    r"(?:[ \t]*[/-][ \t]*|\s*,?\s+(?P<nam>nam)\s+)(?P<y>\d{4})(?!\d)(?![ \t]*/[ \t]*\w)"
)

# Original spellings a folded keyword may stand for.
KEYWORD_SPELLINGS: dict[str, frozenset[str]] = {
    "nam": frozenset({"năm", "Năm", "NĂM", "nam"}),  # never the proper noun "Nam" (Việt Nam)
    "thang": frozenset({"tháng", "Tháng", "THÁNG", "thang", "Thang", "THANG"}),  # never "thắng"
    "quy": frozenset({"quý", "Quý", "QUÝ", "quy", "Quy", "QUY"}),
    "so": frozenset({"Số", "số", "SỐ", "So", "so", "SO"}),
}

# --------------------------------------------------------------------------
# Citations (found by nlp.references)
# --------------------------------------------------------------------------
# Never rolled: laws and legal normative texts, and Party texts; they do not
# recur yearly ("Luật Thi đua, khen thưởng ngày 15/6/2022", "Nghị định 98/2023/NĐ-CP").
NEVER_ROLLED_TYPES = frozenset({
    "Hiến pháp", "Bộ luật", "Luật", "Pháp lệnh", "Nghị định", "Thông tư", "Thông tư liên tịch",
    "Nghị quyết liên tịch", "Văn bản hợp nhất", "Sắc lệnh", "Lệnh",
})
# Recurring yearly texts: one dated in the old year is last year's (its successor
# is this year's). Other types (Quyết định, Chỉ thị, Nghị quyết, Đề án …) are
# year-bound only when their title names the old year.
YEARLY_TYPES = frozenset({
    "Kế hoạch", "Hướng dẫn", "Công văn", "Thông báo", "Chương trình", "Báo cáo", "Giấy mời",
    "Công điện", "Văn bản", "Phương án", "Thông tri",
})
BLANK = "…"  # what stands for an unknown number, day or month in a placeholder

# --------------------------------------------------------------------------
# Notes (Vietnamese, shown to the clerk)
# --------------------------------------------------------------------------
NOTES: dict[str, str] = {
    "year": "Năm của kế hoạch: {y} → {y2}.",
    "year_next": "Năm {y} (sau năm của kế hoạch cũ) đã đổi thành {y2}: xem lại có đúng ý không.",
    "year_left": "Năm {y} còn lại: cần xem có phải đổi không.",
    "school_year": "Năm học {old} → {new}.",
    "school_year_glued": "Năm học viết liền “{old}”: đã đổi thành {new} (thêm dấu gạch nối), cần xem lại.",
    "school_year_uncued": "Khoảng {old} không ghi “năm học”: đã coi là năm học và đổi thành {new}, cần xem lại.",
    "period_kept": "Giai đoạn {y1}–{y2} vẫn bao gồm năm {ty}: giữ nguyên.",
    "period_ended": "Giai đoạn {y1}–{y2} đã kết thúc trước năm {ty}: cần thay bằng giai đoạn mới hoặc bỏ.",
    "month": "Thời gian thực hiện chuyển sang năm {y2}: {old} → {new}.",
    "quarter": "Quý chuyển sang năm {y2}: {old} → {new}.",
    "date": "Ngày chuyển sang năm {y2}: {old} → {new}.",
    "before_plan_year": " Năm {y} là năm trước năm của kế hoạch cũ: xem lại có phải đổi không.",
    "date_invalid": " Ngày {d}/{m} không có trong năm {y2}: đã đổi thành ngày {d2}, cần xem lại.",
    "weekday": " Thứ trong tuần của ngày này sẽ khác trong năm {y2}: kiểm tra lại thứ.",
    "anniversary": "Kỷ niệm {what} → {what2} ({y0}–{y2}).",
    "anniversary_no_range": "Kỷ niệm {what} → {what2} (tính thêm {delta} năm; không có mốc năm để đối chiếu).",
    "anniversary_round": " {n2} năm là năm {which}: thường có tổ chức kỷ niệm.",
    "anniversary_odd": (" {n2} năm không phải năm tròn hay năm chẵn (bội số của 5): thường không tổ chức kỷ niệm,"
                        " xem có giữ nội dung này không."),
    "anniversary_mismatch": " Số năm ghi trong văn bản ({n}) không khớp khoảng {y0}–{y1}: kiểm tra lại.",
    "anniversary_end": "Mốc cuối của kỷ niệm: {y1} → {y2} ({y0}–{y2} là {n2} năm).",
    "anniversary_span": ("Khoảng {old} có vẻ là mốc kỷ niệm (cùng ngày, tháng): đã đổi năm cuối thành {y2};"
                         " kiểm tra số năm kỷ niệm đi kèm."),
    "event": ("Sự kiện riêng của năm cũ ({label}: “{what}”), không lặp lại hằng năm: xem có giữ trong kế hoạch"
              " năm {ty} không. Năm, ngày trong đoạn này chưa đổi."),
    "header_number": "Số văn bản để trống: văn thư ghi số khi đăng ký ban hành.",
    "header_day": "Ngày, tháng ban hành để trống (ghi khi ký); năm ban hành: {y2}.",
    "basis_ref": "Văn bản căn cứ của năm cũ ({cite}) được thay bằng văn bản năm {ty}: {new}.",
    "placeholder": ("Văn bản căn cứ của năm cũ ({cite}, {why}): chưa có văn bản tương ứng năm {ty} —"
                    " điền số, ngày của văn bản mới."),
    "why_dated": "ban hành năm {y}",
    "why_title": "về năm {y}",
    "why_school_year": "về năm học {sy}",
}
