"""A document's consistency with itself: the ``document_findings[]`` of ``vanthu check``.

Pure: the normalized text in, findings out (``{code, severity, message, start,
end}``; ``start``/``end`` point into the text). What is checked:

- ``invalid_date``: a date the calendar refuses (``31/02/2022``, ``tháng 13``),
  as the dates component reports it;
- ``school_year_invalid``: a school year whose two years do not follow each
  other (``năm học 2021-2023``);
- ``anniversary_mismatch``: ``kỷ niệm 40 năm ... (20/11/1982 - 20/11/2021)``
  where the count is not the difference of the two years.
"""

from __future__ import annotations

import re

from nlp.dates import get_dates
from nlp.references import fold_text

__all__ = ["document_findings", "anniversary_findings", "date_findings"]

# on the folded text (lower case, no tone marks, same offsets)
_ANNIV = re.compile(r"(?<![a-z])(?:ky niem|chao mung|nhan dip|huong toi)\s+(?:lan thu\s+)?(?P<n>\d{1,3})\s+nam(?![a-z])")
_YEARS = re.compile(
    r"\(\s*(?:\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*)?(?P<y1>(?:1[89]|20)\d\d)\s*[-–—]\s*"
    r"(?:\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*)?(?P<y2>(?:1[89]|20)\d\d)\s*\)"
)
_ANNIV_REACH = 160  # characters between "kỷ niệm N năm" and its "(year - year)"
_WARN = re.compile(r"^(?P<what>Ngày|Tháng|Năm học) không hợp lệ, bỏ qua: «(?P<text>.*)» \(vị trí (?P<pos>\d+)\)$")


def _finding(code: str, severity: str, message: str, start: int, end: int) -> dict:
    return {"code": code, "severity": severity, "message": message, "start": start, "end": end}


def date_findings(text: str) -> list[dict]:
    """Impossible dates and non-consecutive school years, from the dates component's warnings."""
    out = []
    for w in get_dates(text).warnings:
        m = _WARN.match(w)
        if not m:
            continue
        written, start = m.group("text"), int(m.group("pos"))
        end = start + len(written)
        if m.group("what") == "Năm học":
            out.append(_finding("school_year_invalid", "error",
                                f"«{written}» không hợp lệ: hai năm của một năm học phải liền nhau.",
                                start, end))
        else:
            out.append(_finding("invalid_date", "error",
                                f"{m.group('what')} «{written}» không có trong lịch.", start, end))
    return out


def anniversary_findings(text: str) -> list[dict]:
    """``kỷ niệm N năm ... (Y1 - Y2)`` with N ≠ Y2 − Y1."""
    fold = fold_text(text)
    out = []
    for m in _ANNIV.finditer(fold):
        nxt = _ANNIV.search(fold, m.end())
        limit = min(m.end() + _ANNIV_REACH, nxt.start() if nxt else len(fold))
        y = _YEARS.search(fold, m.end(), limit)
        if not y:
            continue
        n, y1, y2 = int(m.group("n")), int(y.group("y1")), int(y.group("y2"))
        if y2 - y1 == n:
            continue
        anniv = " ".join(text[m.start():m.end()].split())
        years = " ".join(text[y.start():y.end()].split())
        out.append(_finding(
            "anniversary_mismatch", "error",
            f"«{anniv}» không khớp với {years}: {y2} − {y1} = {y2 - y1} năm, không phải {n} năm.",
            m.start(), y.end()))
    return out


def document_findings(text: str) -> list[dict]:
    """Every consistency finding of the document, in text order."""
    return sorted(date_findings(text) + anniversary_findings(text), key=lambda f: (f["start"], f["code"]))
