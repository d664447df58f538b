"""Date expressions of Vietnamese administrative documents, as data.

Every regex here runs on the *folded* text (see ``FOLD``): lower case, tone and
vowel marks removed, ``đ``/``Đ``/``Ð`` → ``d``, dashes → ``-``. Folding keeps
one character per character, so a match's offsets are offsets in the source
text, and one ASCII pattern covers ``năm``, ``NĂM``, OCR's ``nam`` and
``Ð``-for-``Đ`` alike. ``nlp.dates`` applies these patterns; nothing here runs.
"""

from __future__ import annotations

import unicodedata


def _fold_table() -> dict[int, str]:
    """Map each Latin letter with marks to its bare lower-case letter, one char for one char."""
    table: dict[int, str] = {}
    for cp in range(0x41, 0x2000):
        ch = chr(cp)
        if not ch.isalpha():
            continue
        base = unicodedata.normalize("NFD", ch)[0].lower()
        if len(base) == 1 and base.isascii() and base != ch:
            table[cp] = base
    for ch in "đĐÐðƉ":
        table[ord(ch)] = "d"
    for ch in "\u2010\u2011\u2012\u2013\u2014\u2212":  # hyphens, en/em dash, minus
        table[ord(ch)] = "-"
    for ch in "\u00a0\u2007\u2009\u202f":
        table[ord(ch)] = " "
    return table


FOLD: dict[int, str] = _fold_table()

# --- vocabularies -----------------------------------------------------------

QUARTERS: dict[str, int] = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

# Original spellings a folded keyword may stand for: "thang" must not be
# "thắng"/"thẳng" (chiến thắng 30/4), "nam" must not be the proper noun "Nam".
KEYWORD_SPELLINGS: dict[str, frozenset[str]] = {
    "thang": frozenset({"tháng", "thang"}),
    "nam": frozenset({"năm", "nam"}),
}
PROPER_NOUN_NAM = "Nam"  # Việt Nam, Quảng Nam: a capitalised "Nam" without breve is a name

# Plausible years for a bare "năm YYYY" (years inside full dates are only checked by the calendar).
YEAR_MIN, YEAR_MAX = 1800, 2199
# The longest span a "giai đoạn"/"(YYYY-YYYY)" period may have.
PERIOD_MAX_YEARS = 50
# A school year (năm học) runs from September to the end of August of the next year.
SCHOOL_YEAR_FIRST_MONTH = 9

# A timeframe cell: what may stand beside "Thường xuyên" between the cell's borders.
CELL_BORDERS = "\n|\t"
CELL_LEFT_FILLER = " -+*"
CELL_RIGHT_FILLER = " .;,"
CELL_WINDOW = 80

# Clause boundaries for giving a year-less "ngày 30/4" the year of its sentence.
SENTENCE_END = r"[.;!?](?=\s|$)"
SENTENCE_WINDOW = 300

# --- fragments (folded text) --------------------------------------------------

_NUM_SEP = r"[ \t]*[/.-][ \t]*"
_WS = r"\s+"  # between words a line break may fall (PDF line wrap)
_NOT_SYMBOL = r"(?![ \t]*/[ \t]*[a-z0-9])"  # 98/2023/ND-CP: a year followed by /letters is a symbol
_NUM_START = r"(?<![\d/.])"  # not the tail of a longer number or symbol
_RANGE_SEP = r"\s*(?:-|den(?:\s+het)?|toi)\s*"
_COUNT_WORDS = r"(?:\d{1,2}|mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi)"
_PERIOD_CUES = r"(?:giai\s+doan|thoi\s+ky|nhiem\s+ky|chien\s+luoc|ke\s+hoach)"
_RECURRING_UNITS = r"(?:ngay|tuan|thang|quy|nam)"
_RECURRING_WORDS = rf"(?:thuong\s+xuyen|lien\s+tuc|dinh\s+ky(?:\s+hang\s+{_RECURRING_UNITS})?|hang\s+{_RECURRING_UNITS})"
_TIMEFRAME_CUES = r"(?:thoi\s+gian(?:\s+thuc\s+hien)?|thoi\s+han|tien\s+do)"


def _dmy(i: str) -> str:
    """``28/01/2022``, ``15-6-2022``, ``28 / 01 / 2022``: both separators the same."""
    return (rf"(?P<d{i}>\d{{1,2}})[ \t]*(?P<s{i}>[/.-])[ \t]*(?P<m{i}>\d{{1,2}})"
            rf"[ \t]*(?P=s{i})[ \t]*(?P<y{i}>\d{{4}})(?!\d)")


def _dm_opt_y(i: str) -> str:
    """``10/5`` or ``10/5/2022`` (slash only: a range's first end may omit the year)."""
    return (rf"(?P<d{i}>\d{{1,2}})[ \t]*/[ \t]*(?P<m{i}>\d{{1,2}})(?!\d)"
            rf"(?:[ \t]*/[ \t]*(?P<y{i}>\d{{4}})(?!\d))?")


# --- patterns ------------------------------------------------------------------
# (name, first, regex): nlp.dates has one handler per name; ``first`` is the set of
# characters a match can start with. ``re`` cannot skip ahead on a pattern that
# opens with ``\b`` or an optional group, so a leading ``(?=first)`` lookahead
# makes each scan about three times faster.

PATTERNS: tuple[tuple[str, str, str], ...] = (
    # ngày 28/01/2022, 15-6-2022, ngày 05.3.2020 (dots only after "ngày")
    ("date_numeric", r"[n\d]", rf"(?:\b(?P<cue>ngay)\s+)?{_NUM_START}{_dmy('')}{_NOT_SYMBOL}"),
    # ngày 15 tháng 6 năm 2022
    ("date_verbal", r"[n\d]", rf"(?:\b(?P<cue>ngay)\s+)?(?<![\d/.])(?P<d>\d{{1,2}}){_WS}(?P<kw>thang){_WS}"
                    rf"(?P<m>\d{{1,2}}){_WS}nam{_WS}(?P<y>\d{{4}})(?!\d)"),
    # ngày 30/4, trước 15/5, ngày 15 tháng 6: year only from context
    ("date_no_year", r"[tsdhn\d]", rf"(?:\b(?P<cue>truoc|sau|tu|den|han|hoac)\s+)?(?P<x>(?:\b(?P<ngay>ngay)\s+)?{_NUM_START}"
                     rf"(?P<d>\d{{1,2}})(?:[ \t]*/[ \t]*|{_WS}thang{_WS})(?P<m>\d{{1,2}}))(?!\d)"
                     rf"(?![ \t]*[/.-][ \t]*\d)(?!{_WS}nam{_WS}\d)"),
    # (18/4/1992-18/4/2022), từ ngày 10/5 đến ngày 20/5/2022
    ("range", r"[(tn\d]", rf"(?P<open>\([ \t]*)?(?P<x>(?:\b(?:tu|trong)\s+)?(?:\bngay\s+)?{_NUM_START}{_dm_opt_y('1')}"
              rf"{_RANGE_SEP}(?:ngay\s+)?{_NUM_START}(?P<d2>\d{{1,2}})[ \t]*/[ \t]*(?P<m2>\d{{1,2}})"
              rf"[ \t]*/[ \t]*(?P<y2>\d{{4}})(?!\d)){_NOT_SYMBOL}(?P<close>[ \t]*\))?"),
    # tháng 3/2022, Tháng 03/2022, tháng 3 năm 2022
    ("month", r"t", rf"\b(?P<kw>thang){_WS}(?P<m>\d{{1,2}})(?:[ \t]*[/-][ \t]*|{_WS}nam{_WS})(?P<y>\d{{4}})(?!\d){_NOT_SYMBOL}"),
    # Tháng 4,5/2022, tháng 9, 10/2022, Tháng 11-12/2022, từ tháng 3 đến tháng 5 năm 2022
    ("months", r"t", rf"(?:\btu\s+)?\b(?P<kw>thang){_WS}(?P<m>\d{{1,2}})"
               rf"(?P<more>(?:\s*(?:,|;|-|va|den|toi)\s*(?:thang\s+)?\d{{1,2}}(?!\d)){{1,11}})"
               rf"(?:[ \t]*[/-][ \t]*|{_WS}nam{_WS})(?P<y>\d{{4}})(?!\d){_NOT_SYMBOL}"),
    # tháng 12/2022 - tháng 02/2023, từ tháng 12/2022 đến tháng 2/2023
    ("months_span", r"t", rf"(?:\btu\s+)?\b(?P<kw>thang){_WS}(?P<m1>\d{{1,2}})[ \t]*[/-][ \t]*(?P<y1>\d{{4}})"
                    rf"{_RANGE_SEP}(?:thang\s+)?(?P<m2>\d{{1,2}})[ \t]*[/-][ \t]*(?P<y2>\d{{4}})(?!\d){_NOT_SYMBOL}"),
    # Quý I/2022, quý 2 năm 2022
    ("quarter", r"q", rf"\bquy{_WS}(?P<q>iv|i{{1,3}}|[1-4])\b(?:[ \t]*[/-][ \t]*|{_WS}(?:nam{_WS})?)(?P<y>\d{{4}})(?!\d)"
                rf"{_NOT_SYMBOL}"),
    # năm 2022, NĂM 2022
    ("year", r"n", rf"\b(?P<kw>nam){_WS}(?P<y>\d{{4}})(?!\d)(?![ \t]*[/-][ \t]*\d){_NOT_SYMBOL}"),
    # tầm nhìn (đến) 2045: a bare year the context makes a year
    ("year_bare", r"t", rf"\btam\s+nhin(?:\s+den)?(?:\s+nam)?\s+(?P<x>(?P<y>\d{{4}}))(?!\d){_NOT_SYMBOL}"),
    # năm học 2021-2022, năm học 2021 - 2022, năm học 20222023 (OCR), năm học 2021-22
    ("school_year", r"n", rf"\bnam{_WS}hoc{_WS}(?P<y1>\d{{4}})(?:[ \t]*[-/][ \t]*(?P<y2>\d{{4}}|\d{{2}})|(?P<y3>\d{{4}}))(?!\d)"
                    rf"{_NOT_SYMBOL}"),
    # giai đoạn 2021-2025, nhiệm kỳ 2020 - 2025, giai đoạn từ năm 2021 đến năm 2025
    ("period_cue", r"[gtnck]", rf"\b{_PERIOD_CUES}{_WS}(?:tu\s+)?(?:nam\s+)?(?P<y1>\d{{4}}){_RANGE_SEP}(?:nam\s+)?(?P<y2>\d{{4}})"
                   rf"(?!\d){_NOT_SYMBOL}"),
    # 05 năm (2021 - 2025), (2021-2025)
    ("period_paren", r"[\dmhbsnc(]", rf"(?:\b{_COUNT_WORDS}{_WS}nam[ \t]*)?\([ \t]*(?P<y1>\d{{4}})[ \t]*-[ \t]*(?P<y2>\d{{4}})[ \t]*\)"),
    # từ năm 2021 đến năm 2025, năm 2021-2025
    ("period_years", r"[tn]", rf"(?:\btu\s+)?\bnam{_WS}(?P<y1>\d{{4}}){_RANGE_SEP}(?:nam\s+)?(?P<y2>\d{{4}})(?!\d){_NOT_SYMBOL}"),
    # trước ngày 31 tháng 8 hàng năm, ngày 15 hằng tháng: a deadline that comes back every year/month
    ("recurring_day", r"[n\d]", rf"(?:\b(?P<cue>ngay)\s+)?{_NUM_START}(?P<d>\d{{1,2}})(?:(?:[ \t]*/[ \t]*|{_WS}thang{_WS})"
                      rf"(?P<m>\d{{1,2}}))?(?!\d){_WS}hang{_WS}(?P<unit>nam|thang)\b"),
    # Thường xuyên / Định kỳ alone in a table cell or on a line (checked by nlp.dates): a timeframe
    ("recurring_cell", r"[tldh]", rf"\b(?P<x>{_RECURRING_WORDS})\b"),
    # Thời gian thực hiện: thường xuyên
    ("recurring_cue", r"t", rf"\b{_TIMEFRAME_CUES}[ \t]*:?[ \t]*(?P<x>{_RECURRING_WORDS})\b"),
    # hằng tháng, hàng năm, định kỳ hằng quý: a frequency wherever it is written
    ("recurring_freq", r"[dh]", rf"\b(?P<x>(?:dinh\s+ky\s+)?hang\s+{_RECURRING_UNITS})\b(?![ \t]*\d)"),
)
