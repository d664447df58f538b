"""Find the date expressions of a document: dates, months, quarters, years, school years, ranges.

``get_dates(text)`` returns every mention with its kind, a normalized value and
the first/last calendar day it covers, as the contract's ``dates[]`` asks
(``contract/EXTRACTION.md``). Patterns and vocabularies live in
``nlp.patterns.dates``; this module applies them to a folded copy of the text
(same length, so offsets carry over), keeps the longest expression where
candidates overlap and checks every date against the calendar. Nothing is
guessed: a date without a year is kept only when its sentence states one year,
and an impossible date is reported in ``warnings`` instead of being emitted.

Input is expected in NFC (what ``nlp.normalize.clean`` gives); offsets point
into the string as passed.
"""

from __future__ import annotations

import bisect
import calendar
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from nlp.patterns import dates as P

__all__ = ["DateMention", "DatesResult", "get_dates"]


@dataclass(frozen=True, slots=True)
class DateMention:
    """One date expression, exactly the contract's ``dates[]`` object."""

    text: str
    start: int
    end: int
    kind: str
    value: str
    start_date: str | None
    end_date: str | None

    def to_dict(self) -> dict[str, object]:
        """The contract object (field order as in the contract)."""
        return asdict(self)


@dataclass(slots=True)
class DatesResult:
    """All mentions in document order, and what was seen but refused."""

    dates: list[DateMention] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """``{"dates": [...], "warnings": [...]}`` for JSON output."""
        return {"dates": [d.to_dict() for d in self.dates], "warnings": list(self.warnings)}


# --- internal candidates ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Span:
    """A resolved candidate; ``first``/``last`` are None only for recurring."""

    start: int
    end: int
    kind: str
    value: str
    first: date | None
    last: date | None


@dataclass(frozen=True, slots=True)
class _NoYear:
    """``ngày 30/4``: a valid day and month waiting for a year from its sentence."""

    start: int
    end: int
    day: int
    month: int


@dataclass(frozen=True, slots=True)
class _Bad:
    """Something written as a date that the calendar refuses (31/02, tháng 13)."""

    start: int
    end: int
    reason: str


_Cand = _Span | _NoYear | _Bad
_Handler = Callable[[re.Match[str], str], _Cand | None]

_CONTEXT_KINDS = frozenset({"year", "month", "months", "quarter"})


def _make_date(y: int, m: int, d: int) -> date | None:
    """The calendar day, or None when it does not exist."""
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _month_end(y: int, m: int) -> date:
    """Last day of a month (leap years included)."""
    return date(y, m, calendar.monthrange(y, m)[1])


def _year_ok(y: int) -> bool:
    """A bare year outside this window is a count or a code, not a year."""
    return P.YEAR_MIN <= y <= P.YEAR_MAX


def _keyword_ok(m: re.Match[str], src: str) -> bool:
    """The folded keyword was really ``tháng``/``năm`` (not ``thắng``, not the name ``Nam``)."""
    if m.groupdict().get("kw") is None:
        return True
    word = src[m.start("kw"): m.end("kw")]
    if word == P.PROPER_NOUN_NAM:
        return False
    return word.lower() in P.KEYWORD_SPELLINGS[m.group("kw")]


def _bad(m: re.Match[str], src: str, what: str) -> _Bad:
    """A warning candidate for the whole match."""
    return _Bad(m.start(), m.end(), f"{what} không hợp lệ, bỏ qua: «{src[m.start():m.end()]}» (vị trí {m.start()})")


def _day_span(m: re.Match[str], kind: str, value: str, first: date, last: date, group: int | str = 0) -> _Span:
    """A span over ``group`` of the match."""
    return _Span(m.start(group), m.end(group), kind, value, first, last)


# --- handlers, one per pattern name ---------------------------------------------------


def _date_numeric(m: re.Match[str], src: str) -> _Cand | None:
    """``28/01/2022``; dotted dates only after ``ngày`` (1.5.2022 may be a section number)."""
    cue = m.group("cue")
    if m.group("s") == "." and not cue:
        return None
    d = _make_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    if d is None:
        # a dashed number triple without "ngày" is more likely a code than a date
        return _bad(m, src, "Ngày") if (cue or m.group("s") == "/") else None
    return _day_span(m, "date", d.isoformat(), d, d)


def _date_verbal(m: re.Match[str], src: str) -> _Cand | None:
    """``ngày 15 tháng 6 năm 2022``."""
    if not _keyword_ok(m, src):
        return None
    d = _make_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    if d is None:
        return _bad(m, src, "Ngày")
    return _day_span(m, "date", d.isoformat(), d, d)


def _date_no_year(m: re.Match[str], src: str) -> _Cand | None:
    """``ngày 30/4``, ``trước 15/5``: kept for year resolution only when a cue says it is a date."""
    if not (m.group("cue") or m.group("ngay")):
        return None
    day, month = int(m.group("d")), int(m.group("m"))
    if _make_date(2000, month, day) is None:  # 2000 is a leap year: 29/2 stays possible
        return _Bad(m.start("x"), m.end("x"),
                    f"Ngày không hợp lệ, bỏ qua: «{src[m.start('x'):m.end('x')]}» (vị trí {m.start('x')})")
    return _NoYear(m.start("x"), m.end("x"), day, month)


def _range(m: re.Match[str], src: str) -> _Cand | None:
    """``(18/4/1992-18/4/2022)``; a first end without year takes the year that keeps it first."""
    end = _make_date(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
    if end is None:
        return None  # the impossible end is reported by the date patterns, the other end stays a date
    d1, m1 = int(m.group("d1")), int(m.group("m1"))
    if m.group("y1"):
        y1 = int(m.group("y1"))
    else:
        y1 = end.year if (m1, d1) <= (end.month, end.day) else end.year - 1
    begin = _make_date(y1, m1, d1)
    if begin is None or begin > end:
        return None  # not a range: its two dates are found (or refused) on their own
    if m.group("open") is not None and m.group("close") is not None:
        start, stop = m.start("open"), m.end("close")
    else:
        start, stop = m.start("x"), m.end("x")
    return _Span(start, stop, "range", f"{begin.isoformat()}/{end.isoformat()}", begin, end)


def _month(m: re.Match[str], src: str) -> _Cand | None:
    """``tháng 3/2022`` → ``2022-03``."""
    if not _keyword_ok(m, src):
        return None
    y, mo = int(m.group("y")), int(m.group("m"))
    if not _year_ok(y):
        return None
    if not 1 <= mo <= 12:
        return _bad(m, src, "Tháng")
    return _day_span(m, "month", f"{y:04d}-{mo:02d}", date(y, mo, 1), _month_end(y, mo))


def _months(m: re.Match[str], src: str) -> _Cand | None:
    """``Tháng 4,5/2022`` → ``2022-04/2022-05``: first and last month of an increasing list."""
    if not _keyword_ok(m, src):
        return None
    y = int(m.group("y"))
    nums = [int(m.group("m")), *map(int, re.findall(r"\d{1,2}", m.group("more")))]
    if not _year_ok(y):
        return None
    if not all(1 <= n <= 12 for n in nums):
        return _bad(m, src, "Tháng")
    if any(a >= b for a, b in zip(nums, nums[1:], strict=False)):
        return None
    lo, hi = nums[0], nums[-1]
    return _day_span(m, "months", f"{y:04d}-{lo:02d}/{y:04d}-{hi:02d}", date(y, lo, 1), _month_end(y, hi))


def _months_span(m: re.Match[str], src: str) -> _Cand | None:
    """``tháng 12/2022 - tháng 02/2023``: months across a year end."""
    if not _keyword_ok(m, src):
        return None
    y1, m1, y2, m2 = (int(m.group(g)) for g in ("y1", "m1", "y2", "m2"))
    if not (_year_ok(y1) and _year_ok(y2)):
        return None
    if not (1 <= m1 <= 12 and 1 <= m2 <= 12):
        return _bad(m, src, "Tháng")
    if (y1, m1) >= (y2, m2):
        return None
    return _day_span(m, "months", f"{y1:04d}-{m1:02d}/{y2:04d}-{m2:02d}", date(y1, m1, 1), _month_end(y2, m2))


def _quarter(m: re.Match[str], src: str) -> _Cand | None:
    """``Quý I/2022`` → ``2022-Q1``."""
    y, q = int(m.group("y")), P.QUARTERS[m.group("q")]
    if not _year_ok(y):
        return None
    return _day_span(m, "quarter", f"{y:04d}-Q{q}", date(y, 3 * q - 2, 1), _month_end(y, 3 * q))


def _year(m: re.Match[str], src: str) -> _Cand | None:
    """``năm 2022``; also a bare year whose pattern names its context (``x`` group)."""
    if not _keyword_ok(m, src):
        return None
    y = int(m.group("y"))
    if not _year_ok(y):
        return None
    group = "x" if "x" in m.groupdict() else 0
    return _day_span(m, "year", str(y), date(y, 1, 1), date(y, 12, 31), group)


def _school_year(m: re.Match[str], src: str) -> _Cand | None:
    """``năm học 2021-2022`` → ``2021/2022``; the two years must follow each other."""
    y1 = int(m.group("y1"))
    glued = m.group("y3")
    tail = glued or m.group("y2")
    y2 = int(tail)
    if len(tail) == 2:  # năm học 2021-22
        y2 += y1 // 100 * 100
        if y2 <= y1:
            y2 += 100
    if not _year_ok(y1) or y2 != y1 + 1:
        return None if glued else _bad(m, src, "Năm học")
    first = date(y1, P.SCHOOL_YEAR_FIRST_MONTH, 1)
    last = date(y2, P.SCHOOL_YEAR_FIRST_MONTH, 1) - timedelta(days=1)
    return _day_span(m, "school_year", f"{y1}/{y2}", first, last)


def _period(m: re.Match[str], src: str) -> _Cand | None:
    """``giai đoạn 2021-2025`` → ``2021/2025``, whole years."""
    y1, y2 = int(m.group("y1")), int(m.group("y2"))
    if not (_year_ok(y1) and _year_ok(y2)) or not 0 < y2 - y1 <= P.PERIOD_MAX_YEARS:
        return None
    return _day_span(m, "period", f"{y1}/{y2}", date(y1, 1, 1), date(y2, 12, 31))


def _recurring_day(m: re.Match[str], src: str) -> _Cand | None:
    """``ngày 31 tháng 8 hàng năm`` (every year) or ``ngày 15 hằng tháng`` (every month): one recurring mention."""
    day = int(m.group("d"))
    if m.group("m") is None:
        if m.group("unit") != "thang" or not m.group("cue"):
            return None
        ok = 1 <= day <= 31
    else:
        if m.group("unit") != "nam":
            return None
        ok = _make_date(2000, int(m.group("m")), day) is not None  # leap year: 29/2 is possible
    if not ok:
        return _bad(m, src, "Ngày")
    return _Span(m.start(), m.end(), "recurring", "recurring", None, None)


def _alone_in_cell(folded: str, start: int, end: int) -> bool:
    """Nothing but blanks and list marks between the span and its line or table-cell borders.

    Looks at most ``CELL_WINDOW`` characters each side, so long blank runs stay linear.
    """
    lo = max(0, start - P.CELL_WINDOW)
    left = folded[lo:start]
    cut = max(left.rfind(c) for c in P.CELL_BORDERS)
    if cut < 0 and lo > 0:
        return False
    if left[cut + 1:].strip(P.CELL_LEFT_FILLER):
        return False
    right = folded[end:end + P.CELL_WINDOW]
    ends = [i for i in (right.find(c) for c in P.CELL_BORDERS) if i >= 0]
    if not ends and end + P.CELL_WINDOW < len(folded):
        return False
    return not right[:min(ends, default=len(right))].strip(P.CELL_RIGHT_FILLER)


def _recurring_cell(m: re.Match[str], src: str) -> _Cand | None:
    """``Thường xuyên`` only as a whole cell or line: inside a sentence it is an adverb
    (``thi đua thường xuyên``) or a name (``giáo dục thường xuyên``)."""
    if not _alone_in_cell(m.string, m.start("x"), m.end("x")):
        return None
    return _recurring(m, src)


def _recurring(m: re.Match[str], src: str) -> _Cand | None:
    """``Thường xuyên``, ``hằng tháng``: no calendar days."""
    return _Span(m.start("x"), m.end("x"), "recurring", "recurring", None, None)


_HANDLERS: dict[str, _Handler] = {
    "date_numeric": _date_numeric,
    "date_verbal": _date_verbal,
    "date_no_year": _date_no_year,
    "range": _range,
    "month": _month,
    "months": _months,
    "months_span": _months_span,
    "quarter": _quarter,
    "year": _year,
    "year_bare": _year,
    "school_year": _school_year,
    "period_cue": _period,
    "period_paren": _period,
    "period_years": _period,
    "recurring_day": _recurring_day,
    "recurring_cell": _recurring_cell,
    "recurring_cue": _recurring,
    "recurring_freq": _recurring,
}

_COMPILED: tuple[tuple[re.Pattern[str], _Handler], ...] = tuple(
    (re.compile(f"(?={first}){rx}"), _HANDLERS[name]) for name, first, rx in P.PATTERNS
)
_SENTENCE_END = re.compile(P.SENTENCE_END)


# --- resolution -----------------------------------------------------------------------


def _candidates(src: str) -> list[tuple[int, _Cand]]:
    """Run every pattern on the folded text; keep the pattern rank to break ties."""
    folded = src.translate(P.FOLD)
    found: list[tuple[int, _Cand]] = []
    for rank, (rx, handler) in enumerate(_COMPILED):
        for m in rx.finditer(folded):
            c = handler(m, src)
            if c is not None:
                found.append((rank, c))
    return found


def _longest_first(found: list[tuple[int, _Cand]]) -> list[_Cand]:
    """Keep the longest expression where candidates overlap (range over its dates, school year over a year).

    A refused date claims its text too, so ``ngày 30 tháng 2 năm 2021`` gives a
    warning and not the ``tháng 2 năm 2021`` inside it.
    """
    found.sort(key=lambda rc: (rc[1].start - rc[1].end, rc[1].start, rc[0]))
    starts: list[int] = []
    kept: list[_Cand] = []
    for _, c in found:
        i = bisect.bisect_left(starts, c.start)
        if i > 0 and kept[i - 1].end > c.start:
            continue
        if i < len(kept) and kept[i].start < c.end:
            continue
        starts.insert(i, c.start)
        kept.insert(i, c)
    return kept


def _sentence(src: str, ends: list[int], pos: int) -> tuple[int, int]:
    """The clause around ``pos``, bounded by ``. ; ! ?`` and at most a window each side."""
    i = bisect.bisect_right(ends, pos)
    lo = ends[i - 1] + 1 if i > 0 else 0
    hi = ends[i] if i < len(ends) else len(src)
    return max(lo, pos - P.SENTENCE_WINDOW), min(hi, pos + P.SENTENCE_WINDOW)


def _resolve_years(src: str, kept: list[_Span | _NoYear], bad: list[_Bad]) -> list[_Span]:
    """Give ``ngày 30/4`` the year of its clause when the clause names exactly one; else drop it.

    Only years, months and quarters count: full dates in a clause are usually
    the issue dates of cited documents, not the year of a deadline.
    """
    spans = [c for c in kept if isinstance(c, _Span)]
    if len(spans) == len(kept):
        return spans
    ends = [m.start() for m in _SENTENCE_END.finditer(src)]
    context = [s for s in spans if s.kind in _CONTEXT_KINDS]
    out = list(spans)
    for c in kept:
        if not isinstance(c, _NoYear):
            continue
        lo, hi = _sentence(src, ends, c.start)
        years = {s.first.year for s in context if lo <= s.start < hi and s.first is not None}
        if len(years) != 1:
            continue
        y = years.pop()
        d = _make_date(y, c.month, c.day)
        if d is None:
            bad.append(_Bad(c.start, c.end, f"Ngày không hợp lệ trong năm {y}, bỏ qua: «{src[c.start:c.end]}» "
                                             f"(vị trí {c.start})"))
            continue
        out.append(_Span(c.start, c.end, "date", d.isoformat(), d, d))
    out.sort(key=lambda s: s.start)
    return out


def get_dates(text: str) -> DatesResult:
    """Every date expression of ``text`` in document order, with refused dates as warnings."""
    if not text:
        return DatesResult()
    kept = _longest_first(_candidates(text))
    bad = [c for c in kept if isinstance(c, _Bad)]
    spans = _resolve_years(text, [c for c in kept if not isinstance(c, _Bad)], bad)
    mentions = [
        DateMention(text[s.start:s.end], s.start, s.end, s.kind, s.value,
                    s.first.isoformat() if s.first else None, s.last.isoformat() if s.last else None)
        for s in spans
    ]
    return DatesResult(dates=mentions, warnings=[b.reason for b in sorted(bad, key=lambda b: b.start)])
