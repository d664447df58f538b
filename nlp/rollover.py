"""Roll a plan over to the next year: what to change in a text, and what a human must look at.

Public entry: ``roll_text(text, *, from_year, to_year, context=None) -> list[Change]``;
``apply_changes(text, changes)`` makes the new text, ``unexplained_years(text, changes,
from_year)`` lists the old year's occurrences nothing explains (empty after ``roll_text``).

Pure text: it works on any snippet (one Word paragraph, a table cell, a whole extracted
text, NFC as ``nlp.normalize.clean`` gives it). The registry is reached only through
``RollContext.resolve_reference``, injected by the caller.

Rules, in the order they claim text (a later rule never edits what an earlier one took):

1. header: the document's own ``Số: 217/KH-PGDĐT`` -> ``Số:      /KH-PGDĐT``
   (``header_number``) and ``Điện Biên Phủ, ngày 05 tháng 3 năm 2022`` -> ``ngày      tháng
   năm 2023`` (``header_day``);
2. citations (``nlp.references``): a year-bound one (any non-normative text whose title
   names the old year or a school year containing it, or a yearly type — Kế hoạch,
   Hướng dẫn, Công văn … — dated in the old year unless its title names a period still
   running in the new year) is
   replaced by the resolver's text (``basis_ref``) or by a placeholder with blank number
   and date (``placeholder``, review); its title words are left to the rules below. Any
   other citation (laws, decrees, Party texts, older plans) is kept whole, title included:
   no rule touches a year inside it;
3. anniversaries ``kỷ niệm 40 năm … (20/11/1982 - 20/11/2022)``: count and range end
   recomputed (``anniversary``); flagged unless the new count is a multiple of 5;
4. one-off events (Đại hội … lần thứ …, bầu cử, Hội khỏe Phù Đổng, numbered editions):
   the passage is flagged (``event``, ``new=None``) and nothing inside it is edited;
5. year ranges: school years shifted (``school_year``), periods still covering the new
   year explained (``period_kept``, ``new=None``), ended periods flagged (``year``);
6. dates, months, quarters of the plan's horizon shifted (``date``, ``month``, ``quarter``);
7. ``năm 2022`` -> ``năm 2023`` (``year``);
8. every old year still unexplained gets a ``year`` flag (``new=None``, review).
"""

from __future__ import annotations

import bisect
import calendar
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from nlp.patterns import rollover as P
from nlp.patterns.dates import FOLD
from nlp.references import Reference, get_references

__all__ = ["Change", "RollContext", "roll_text", "apply_changes", "unexplained_years"]


@dataclass(frozen=True)
class Change:
    """One edit of ``text[start:end]`` (``old``) into ``new``; ``new is None`` flags without editing.

    ``kind``: year, school_year, month, date, quarter, period_kept, anniversary, event,
    header_number, header_day, basis_ref, placeholder. ``review`` marks what a human must
    look at (a Word comment carries ``note``, in Vietnamese).
    """

    start: int
    end: int
    old: str
    new: str | None
    kind: str
    review: bool = False
    note: str = ""


@dataclass(frozen=True)
class RollContext:
    """What the caller knows beyond the text.

    ``resolve_reference(ref)`` gets a year-bound citation as a dict (the contract's
    ``references[]`` object: text, start, end, doc_type, number, year, symbol, ref, date,
    issuer, title, role; plus ``from_year`` and ``to_year``) and returns the text that
    replaces ``ref["text"]`` (type, number, date and issuer of the new year's text; the
    title words after it are rolled by the year rules), or None when it knows none.
    """

    resolve_reference: Callable[[dict], str | None] | None = None


# ------------------------------------------------------------------ helpers


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def _note(key: str, **kw: object) -> str:
    return P.NOTES[key].format(**kw)


def _spelled(text: str, m: re.Match[str], group: str, word: str) -> bool:
    """True if the folded keyword ``group`` of ``m`` is spelled as ``word`` may be in the original."""
    if m.group(group) is None:
        return True
    return text[m.start(group) : m.end(group)] in P.KEYWORD_SPELLINGS[word]


def _sub_years(old: str, delta: int, years: set[int] | None = None) -> str:
    """``old`` with every 4-digit year (or only those in ``years``) shifted by ``delta``."""

    def bump(m: re.Match[str]) -> str:
        y = int(m.group())
        return str(y + delta) if years is None or y in years else m.group()

    return re.sub(rf"(?<!\d){P.YEAR}(?!\d)", bump, old)


def _valid_day(y: int, m: int, d: int) -> bool:
    return 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]


class _Roller:
    """Holds the text, its folded shadow and the spans already claimed by a rule."""

    def __init__(self, text: str, from_year: int, to_year: int, context: RollContext | None) -> None:
        self.text = text
        self.fold = text.translate(FOLD)
        self.fy, self.ty, self.delta = from_year, to_year, to_year - from_year
        self.context = context or RollContext()
        self.changes: list[Change] = []
        self._starts: list[int] = []  # claimed spans, sorted by start
        self._spans: list[tuple[int, int]] = []

    # ------------------------------------------------------------- claims

    def free(self, s: int, e: int) -> bool:
        i = bisect.bisect_left(self._starts, e)
        return i == 0 or self._spans[i - 1][1] <= s

    def inside(self, pos: int) -> bool:
        i = bisect.bisect_right(self._starts, pos) - 1
        return i >= 0 and self._spans[i][0] <= pos < self._spans[i][1]

    def claim(self, s: int, e: int) -> None:
        i = bisect.bisect_left(self._starts, s)
        self._starts.insert(i, s)
        self._spans.insert(i, (s, e))

    def add(self, s: int, e: int, new: str | None, kind: str, review: bool, note: str) -> bool:
        if s >= e or not self.free(s, e):
            return False
        old = self.text[s:e]
        if new is not None:
            new = _nfc(new)
            if new == old:
                return False
        self.changes.append(Change(s, e, old, new, kind, review, _nfc(note)))
        self.claim(s, e)
        return True

    # ------------------------------------------------------------- clause limits

    def clause_end(self, pos: int, limit: int) -> int:
        """Where the clause running at ``pos`` ends: ``;``, a sentence end, a paragraph break."""
        t = self.text
        end = min(len(t), pos + limit)
        i = pos
        while i < end:
            c = t[i]
            if c == ";":
                return i
            if c in ".!?" and (i + 1 >= len(t) or t[i + 1].isspace()):
                return i
            if c == "\n":
                before = t[:i].rstrip()[-1:]
                nxt = t[i:].lstrip()[:1]
                soft = nxt and (nxt.islower() or nxt.isdigit() or nxt == "(") and before not in (".", ";", ":", "!", "?")
                if not soft:
                    return i
            i += 1
        return end

    def line_prefix(self, pos: int) -> str:
        """The text before ``pos`` on its line, from the last table-cell separator on."""
        t = self.text
        start = max(t.rfind(c, 0, pos) for c in "\n" + P.CELL_SEPARATORS) + 1
        return t[start:pos]

    # ------------------------------------------------------------- 1. header

    def header(self) -> None:
        t, f = self.text, self.fold
        for m in P.HEADER_NUMBER.finditer(f):
            if not _spelled(t, m, "so", "so") or not re.search(r"\d", m.group("num")):
                continue
            lead = self.line_prefix(m.start())
            if any(ch.islower() for ch in lead):  # "… của UBND số: 12/…" is a citation's number
                continue
            rest = t[m.start("rest") : m.end("rest")]
            if m.group("y"):
                rest = _sub_years(rest, self.delta)
            new = t[m.start() : m.start("num")] + P.HEADER_BLANK + rest
            self.add(m.start(), m.end(), new, "header_number", False, _note("header_number"))
        for m in P.HEADER_DAY.finditer(f):
            if not (_spelled(t, m, "thang", "thang") and _spelled(t, m, "nam", "nam")):
                continue
            if not self._header_place(m):
                continue
            tail = t[m.end() : (t.find("\n", m.end()) + 1 or len(t) + 1) - 1]
            if tail.strip(" \t.|") != "":
                continue
            y2 = int(m.group("y")) + self.delta
            date = t[m.start("date") : m.end("date")]
            ngay, thang, nam = (date[:4], t[m.start("thang") : m.end("thang")], t[m.start("nam") : m.end("nam")])
            new = f"{ngay}{P.HEADER_BLANK}{thang}{P.HEADER_BLANK}{nam} {y2}"
            self.add(m.start("date"), m.end("date"), new, "header_day", False, _note("header_day", y2=y2))

    def _header_place(self, m: re.Match[str]) -> bool:
        """The place before ", ngày": capitalised words at the start of a header line."""
        t = self.text
        place = t[m.start("place") : m.end("place")].strip()
        if not place or not place[0].isupper():
            return False
        if any(ch.islower() for ch in self.line_prefix(m.start("place"))):
            return False
        return all(w[0].isupper() or w[0].isdigit() or w.lower() in P.PLACE_LOWER_WORDS for w in place.split())

    # ------------------------------------------------------------- 2. citations

    def citations(self) -> None:
        for ref in get_references(self.text):
            tail = max(ref.end, getattr(ref, "_tail", ref.end))
            why = self._year_bound(ref)
            if why is None:
                if self.free(ref.start, tail):
                    self.claim(ref.start, tail)
                continue
            self._roll_citation(ref, why)

    def _year_bound(self, ref: Reference) -> str | None:
        """Why ``ref`` is last year's text (a note fragment), or None if it is kept."""
        if ref.doc_type in P.NEVER_ROLLED_TYPES or ref.year or not ref.number:
            return None
        title_fold = (ref.title or "").translate(FOLD)
        fy = self.fy
        for m in P.YEAR_RANGE.finditer(title_fold):
            y1, y2 = int(m.group("y1")), int(m.group("y2"))
            if y2 - y1 == 1 and fy in (y1, y2):
                return _note("why_school_year", sy=f"{y1}-{y2}")
        if re.search(rf"\bnam\s+{fy}(?!\d)", title_fold):
            return _note("why_title", y=fy)
        for m in P.YEAR_RANGE.finditer(title_fold):  # a multi-year plan still running is kept
            y1, y2 = int(m.group("y1")), int(m.group("y2"))
            if y2 - y1 >= 2 and y1 <= self.ty <= y2:
                return None
        dated = ref.date and int(ref.date[:4]) == fy
        if dated and ref.doc_type in P.YEARLY_TYPES:
            return _note("why_dated", y=fy)
        return None

    def _roll_citation(self, ref: Reference, why: str) -> None:
        cite = " ".join(f"{ref.doc_type or ''} số {ref.ref or ref.number}".split())
        if ref.date:
            y, mo, d = ref.date.split("-")
            cite += f" ngày {int(d):02d}/{int(mo):02d}/{y}"
        resolver = self.context.resolve_reference
        if resolver is not None:
            replacement = resolver({**ref.to_dict(), "from_year": self.fy, "to_year": self.ty})
            if replacement and replacement.strip() and replacement.strip() != ref.text.strip():
                new = replacement.strip()
                self.add(ref.start, ref.end, new, "basis_ref", False,
                         _note("basis_ref", cite=cite, ty=self.ty, new=new))
                return
        self.add(ref.start, ref.end, self._placeholder(ref), "placeholder", True,
                 _note("placeholder", cite=cite, why=why, ty=self.ty))

    def _placeholder(self, ref: Reference) -> str:
        """The citation with blanks for its number, day and month; its years shifted."""
        old = ref.text
        fold = old.translate(FOLD)
        edits: list[tuple[int, int, str]] = []
        num = re.search(rf"(?<![\w/.,-]){re.escape(ref.number or '')}(?=\s*[-/])", old)
        if num:
            edits.append((num.start(), num.end(), P.BLANK))
        after = num.end() if num else 0
        for m in P.DATE_NUMERIC.finditer(fold, after):
            s = m.group("s")
            edits.append((m.start(), m.end(), f"{P.BLANK}{s}{P.BLANK}{s}{int(m.group('y')) + self.delta}"))
            break
        else:
            for m in P.DATE_VERBAL.finditer(fold, after):
                edits.append((m.start("d"), m.end("d"), P.BLANK))
                edits.append((m.start("m"), m.end("m"), P.BLANK))
                edits.append((m.start("y"), m.end("y"), str(int(m.group("y")) + self.delta)))
                break
        for s, e, new in sorted(edits, reverse=True):
            old = old[:s] + new + old[e:]
        return old

    # ------------------------------------------------------------- 3. anniversaries

    def anniversaries(self) -> None:
        t, f = self.text, self.fold
        for m in P.ANNIVERSARY.finditer(f):
            if m.group("lan") is None and (m.group("nam") is None or not _spelled(t, m, "nam", "nam")):
                continue
            n = int(m.group("n"))
            if n == 0 or self.inside(m.start("n")):
                continue
            n2 = n + self.delta
            lan = m.group("lan") is not None
            what, what2 = (f"lần thứ {n}", f"lần thứ {n2}") if lan else (f"{n} năm", f"{n2} năm")
            end = self.clause_end(m.end(), P.ANNIVERSARY_WINDOW)
            nxt = P.ANNIVERSARY.search(f, m.end(), end)
            if nxt:
                end = nxt.start()
            rng = None
            for r in P.ANNIVERSARY_RANGE.finditer(f, m.end(), end):
                y1, y2 = int(r.group("y1")), int(r.group("y2"))
                if y2 - y1 >= 2 and self.free(r.start("y2"), r.end("y2")):
                    rng = r
                    break
            review = n2 % P.ANNIVERSARY_ROUND_STEP != 0
            if n2 % P.ANNIVERSARY_ROUND_STEP == 0:
                which = "tròn" if n2 % P.ANNIVERSARY_DECADE_STEP == 0 else "chẵn"
                extra = _note("anniversary_round", n2=n2, which=which)
            else:
                extra = _note("anniversary_odd", n2=n2)
            if rng is None:
                note = _note("anniversary_no_range", what=what, what2=what2, delta=self.delta) + extra
                self.add(m.start("n"), m.end("n"), str(n2), "anniversary", True, note)
                continue
            y0, y1 = int(rng.group("y1")), int(rng.group("y2"))
            y2 = y1 + self.delta
            note = _note("anniversary", what=what, what2=what2, y0=y0, y2=y2) + extra
            if y1 - y0 != n:
                note += _note("anniversary_mismatch", n=n, y0=y0, y1=y1)
                review = True
            if self.add(m.start("n"), m.end("n"), str(n2), "anniversary", review, note):
                d, mo = rng.group("d2"), rng.group("m2")
                review_end = review
                end_note = _note("anniversary_end", y1=y1, y2=y2, y0=y0, n2=n2)
                if d and mo and not _valid_day(y2, int(mo), int(d)):
                    review_end = True
                    end_note += _note("date_invalid", d=d, m=mo, y2=y2, d2=f"{d}/{mo}/{y2}")
                self.add(rng.start("y2"), rng.end("y2"), str(y2), "anniversary", review_end, end_note)

    # ------------------------------------------------------------- 4. events

    def events(self) -> None:
        t, f = self.text, self.fold
        found: list[tuple[int, str, bool]] = []
        for label, rx in P.EVENT_STRONG:
            found += [(m.start(), label, True) for m in re.finditer(rx, f)]
        for label, rx in P.EVENT_WEAK:
            found += [(m.start(), label, False) for m in re.finditer(rx, f)]
        for s, label, strong in sorted(found):
            if self.inside(s) or P.EVENT_NOT_AFTER.search(f, max(0, s - 40), s):
                continue
            e = self.clause_end(s, P.EVENT_MAX)
            i = bisect.bisect_left(self._starts, s)
            if i < len(self._starts) and self._starts[i] < e:  # stop before what an earlier rule took
                e = self._starts[i]
            while e > s and t[e - 1] in " \t\n,–-(":
                e -= 1
            if not strong and not self._names_old_year(s, e):
                continue
            what = " ".join(t[s:e].split())
            if len(what) > 80:
                what = what[:79].rstrip() + "…"
            self.add(s, e, None, "event", True, _note("event", label=label, what=what, ty=self.ty))

    def _names_old_year(self, s: int, e: int) -> bool:
        return re.search(rf"(?<!\d){self.fy}(?!\d)", self.text[s:e]) is not None

    # ------------------------------------------------------------- 5. ranges

    def ranges(self) -> None:
        t, f, fy, ty, delta = self.text, self.fold, self.fy, self.ty, self.delta
        for m in P.SCHOOL_YEAR_GLUED.finditer(f):
            y1, y2 = int(m.group("y1")), int(m.group("y2"))
            if y2 == y1 + 1 and fy in (y1, y2):
                old = t[m.start("y1") : m.end("y2")]
                new = f"{y1 + delta}-{y2 + delta}"
                self.add(m.start("y1"), m.end("y2"), new, "school_year", True,
                         _note("school_year_glued", old=old, new=new))
        for m in P.DATE_SPAN.finditer(f):  # "(18/4/1992-18/4/2022)" with no count before it
            y1, y2 = int(m.group("y1")), int(m.group("y2"))
            same_day = (m.group("d1"), m.group("m1")) == (m.group("d2"), m.group("m2"))
            if same_day and y2 - y1 >= 2 and y2 == fy and self.free(m.start(), m.end()):
                old = t[m.start() : m.end()]
                self.add(m.start("y2"), m.end("y2"), str(y2 + delta), "anniversary", True,
                         _note("anniversary_span", old=old, y2=y2 + delta))
        for m in P.YEAR_RANGE.finditer(f):
            y1, y2 = int(m.group("y1")), int(m.group("y2"))
            s, e = m.start("y1"), m.end("y2")
            old = t[s:e]
            if y2 - y1 == 1:
                if fy not in (y1, y2):
                    continue
                new = _sub_years(old, delta)
                if P.SCHOOL_YEAR_CUE.search(f, max(0, s - 12), s):
                    self.add(s, e, new, "school_year", False, _note("school_year", old=old, new=new))
                else:
                    self.add(s, e, new, "school_year", True, _note("school_year_uncued", old=old, new=new))
            elif 2 <= y2 - y1 <= P.PERIOD_MAX_YEARS:
                if y1 <= ty <= y2:
                    self.add(s, e, None, "period_kept", False, _note("period_kept", y1=y1, y2=y2, ty=ty))
                elif y2 < ty and y2 >= fy - 1:
                    self.add(s, e, None, "year", True, _note("period_ended", y1=y1, y2=y2, ty=ty))

    # ------------------------------------------------------------- 6. dates, months, quarters

    def _horizon(self, y: int) -> bool:
        """Years whose dates, months and quarters belong to the plan's horizon."""
        return self.fy - 1 <= y <= self.fy + 1

    def _extra(self, y: int) -> tuple[bool, str]:
        if y < self.fy:
            return True, _note("before_plan_year", y=y)
        return False, ""

    def dates(self) -> None:
        t, f, delta = self.text, self.fold, self.delta
        for rx in (P.DATE_NUMERIC, P.DATE_VERBAL):
            for m in rx.finditer(f):
                if "thang" in rx.groupindex and not (
                        _spelled(t, m, "thang", "thang") and _spelled(t, m, "nam", "nam")):
                    continue
                y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
                if not self._horizon(y) or not _valid_day(y, mo, d):
                    continue
                s, e = m.start(), m.end()
                old = t[s:e]
                y2 = y + delta
                review, extra = self._extra(y)
                ys, ye = m.start("y") - s, m.end("y") - s
                new = old[:ys] + str(y2) + old[ye:]
                if not _valid_day(y2, mo, d):
                    d2 = calendar.monthrange(y2, mo)[1]
                    ds, de = m.start("d") - s, m.end("d") - s
                    new = new[:ds] + f"{d2:0{de - ds}d}" + new[de:]
                    review = True
                    extra += _note("date_invalid", d=m.group("d"), m=m.group("m"), y2=y2,
                                   d2=new.strip())
                if P.WEEKDAY_BEFORE.search(f, max(0, s - P.WEEKDAY_WINDOW), s) or P.WEEKDAY_AFTER.match(f, e):
                    review = True
                    extra += _note("weekday", y2=y2)
                self.add(s, e, new, "date", review, _note("date", y2=y2, old=old, new=new) + extra)

    def months_quarters(self) -> None:
        t, f, delta = self.text, self.fold, self.delta
        for rx, kw, kind in ((P.MONTHS, "thang", "month"), (P.QUARTERS, "quy", "quarter")):
            for m in rx.finditer(f):
                if not (_spelled(t, m, kw, kw) and _spelled(t, m, "nam", "nam")):
                    continue
                if kind == "month" and not all(1 <= int(x) <= 12 for x in re.findall(r"\d+", m.group("ms"))):
                    continue
                y = int(m.group("y"))
                if not self._horizon(y):
                    continue
                s, e = m.start(), m.end()
                old = t[s:e]
                ys, ye = m.start("y") - s, m.end("y") - s
                new = old[:ys] + str(y + delta) + old[ye:]
                review, extra = self._extra(y)
                self.add(s, e, new, kind, review, _note(kind, y2=y + delta, old=old, new=new) + extra)

    # ------------------------------------------------------------- 7. năm 2022

    def years(self) -> None:
        t, f, fy, delta = self.text, self.fold, self.fy, self.delta
        for m in P.YEAR_WORD.finditer(f):
            if not _spelled(t, m, "nam", "nam"):
                continue
            y = int(m.group("y"))
            s, e = m.start(), m.end()
            old = t[s:e]
            new = old[: m.start("y") - s] + str(y + delta)
            if y == fy:
                self.add(s, e, new, "year", False, _note("year", y=y, y2=y + delta))
            elif y == fy + 1:
                self.add(s, e, new, "year", True, _note("year_next", y=y, y2=y + delta))

    # ------------------------------------------------------------- 8. sweep

    def sweep(self) -> None:
        for s, e in _year_spans(self.text, self.fy):
            if not self.inside(s):
                self.add(s, e, None, "year", True, _note("year_left", y=self.fy))

    def run(self) -> list[Change]:
        self.header()
        self.citations()
        self.anniversaries()
        self.events()
        self.ranges()
        self.dates()
        self.months_quarters()
        self.years()
        self.sweep()
        return sorted(self.changes, key=lambda c: c.start)


def _year_spans(text: str, year: int) -> list[tuple[int, int]]:
    """Every occurrence of ``year`` as digits not inside a longer number (a glued pair counts)."""
    y = str(year)
    return [(m.start(), m.end()) for m in re.finditer(rf"(?<!\d){y}|{y}(?!\d)", text)]


# ------------------------------------------------------------------ public API


def roll_text(text: str, *, from_year: int, to_year: int, context: RollContext | None = None) -> list[Change]:
    """Changes that turn ``text`` (last year's plan, or one paragraph of it) into next year's.

    Sorted, non-overlapping, offsets into ``text`` with ``old == text[start:end]``. After
    them no occurrence of ``from_year`` is left unexplained (see ``unexplained_years``).
    """
    if to_year == from_year:
        raise ValueError("to_year must differ from from_year")
    if not text or not text.strip():
        return []
    return _Roller(text, from_year, to_year, context).run()


def apply_changes(text: str, changes: list[Change]) -> str:
    """``text`` with every change that has a ``new`` applied (flags are skipped)."""
    out: list[str] = []
    pos = 0
    for c in sorted(changes, key=lambda c: c.start):
        if c.start < pos:
            raise ValueError(f"overlapping changes at {c.start}")
        if text[c.start : c.end] != c.old:
            raise ValueError(f"change at {c.start} does not match the text: {c.old!r}")
        if c.new is None:
            continue
        out.append(text[pos : c.start])
        out.append(c.new)
        pos = c.end
    out.append(text[pos:])
    return "".join(out)


def unexplained_years(text: str, changes: list[Change], from_year: int) -> list[tuple[int, int]]:
    """Spans of ``from_year`` in ``text`` that neither a change nor a kept citation covers.

    A citation is kept when no ``basis_ref``/``placeholder`` change touches it; its span
    runs over its title. Empty for what ``roll_text`` returns.
    """
    spans = sorted((c.start, c.end) for c in changes)
    rolled = [(c.start, c.end) for c in changes if c.kind in ("basis_ref", "placeholder")]
    for ref in get_references(text):
        tail = max(ref.end, getattr(ref, "_tail", ref.end))
        if not any(s < tail and ref.start < e for s, e in rolled):
            spans.append((ref.start, tail))
    return [(s, e) for s, e in _year_spans(text, from_year)
            if not any(a <= s and e <= b for a, b in spans)]
