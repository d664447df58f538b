"""Task items of an administrative document: what is asked, of whom, by when.

Three sources, tried in this order so that each span of text yields tasks once:
task tables (``Block.rows``), task tables flattened into lines of text (PDF text
layers without ruling), and prose items (``giao Sở X chủ trì, phối hợp với Y``,
``a) Đơn vị chủ trì: ...``). Pure: text and blocks in, ``Task`` objects out.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from nlp.model import Block, Cell
from nlp.normalize import fold, match_key
from nlp.patterns import tasks as P
from nlp.patterns.orgs import ORG_HEADS


@dataclass
class Task:
    index: str | None
    text: str
    lead: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    timeframe: str | None = None
    start_date: str | None = None
    due_date: str | None = None
    recurring: bool = False
    source: str = "text"
    start: int = 0
    end: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The contract object (``tasks[]`` of ``vanthu.extraction/1``)."""
        return {
            "index": self.index, "text": self.text, "lead": list(self.lead),
            "partners": list(self.partners), "timeframe": self.timeframe,
            "start_date": self.start_date, "due_date": self.due_date,
            "recurring": self.recurring, "source": self.source,
            "start": self.start, "end": self.end,
        }


def get_tasks(text: str, blocks: list[Block]) -> list[Task]:
    """Every task item of the document, in document order."""
    tasks: list[Task] = []
    covered: list[tuple[int, int]] = []
    table_tasks, table_spans = _tasks_from_tables(blocks)
    tasks += table_tasks
    covered += table_spans
    flat_tasks, flat_spans = _tasks_from_flat_tables(text, covered)
    tasks += flat_tasks
    covered += flat_spans
    tasks += _tasks_from_prose(text, covered)
    tasks.sort(key=lambda t: t.start)
    return tasks


# ================================================================ small text helpers


@functools.lru_cache(maxsize=65536)
def _fold(s: str) -> str:
    """Lower-case, diacritic-free, single-spaced: the form header words and cues are matched on."""
    return " ".join(fold(s).lower().split())


@functools.lru_cache(maxsize=4096)
def _phrase_re(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w]){re.escape(phrase)}(?![\w])")


def _has_phrase(folded: str, phrase: str) -> bool:
    return phrase in folded and _phrase_re(phrase).search(folded) is not None


def _one_line(s: str) -> str:
    """Join a cell's or item's lines into one clean line, as the contract asks."""
    return " ".join(s.split()).strip()


def _clean_unit(s: str) -> str:
    s = _one_line(s)
    s = re.sub(r"^(?:[-–+•]\s*|và\s+)", "", s)
    return s.strip(" .,;:/")


# ================================================================ dates and timeframes

_DMY = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})"
_DATE_WORDS = r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _month_end(y: int, m: int) -> str | None:
    if not 1 <= m <= 12:
        return None
    return _iso(y, m, calendar.monthrange(y, m)[1])


def _parse_date(s: str) -> str | None:
    """First calendar date written in ``s`` (``30/5/2022`` or ``ngày 30 tháng 5 năm 2022``)."""
    m = re.search(_DMY, s) or re.search(_DATE_WORDS, s, re.IGNORECASE)
    if not m:
        return None
    return _iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))


def _all_dates(s: str) -> list[str]:
    out = []
    for m in re.finditer(_DMY + "|" + _DATE_WORDS, s, re.IGNORECASE):
        g = [x for x in m.groups() if x is not None]
        d = _iso(int(g[2]), int(g[1]), int(g[0]))
        if d:
            out.append(d)
    return out


def parse_timeframe(tf: str | None) -> tuple[str | None, str | None, bool]:
    """``(start_date, due_date, recurring)`` of a timeframe as written.

    ``Tháng 4,5/2022`` covers April to May; ``trước ngày 30/5/2022`` only has a
    due date; ``Thường xuyên`` repeats and has none.
    """
    if not tf:
        return None, None, False
    folded = _fold(tf)
    if any(folded.startswith(_fold(w)) for w in P.RECURRING_WORDS):
        return None, None, True
    if re.match(r"(hoan thanh\s+)?(truoc|cham nhat|han cuoi|khong qua)\b", folded):
        return None, _parse_date(tf), False
    dates = _all_dates(tf)
    if dates:
        return dates[0], dates[-1], False
    m = re.search(r"th[aá]ng\s+((?:\d{1,2}\s*[,;\-–và]*\s*)+)\s*/\s*(\d{4})", tf, re.IGNORECASE)
    if m:
        months = [int(x) for x in re.findall(r"\d{1,2}", m.group(1))]
        year = int(m.group(2))
        months = [x for x in months if 1 <= x <= 12]
        if months:
            return _iso(year, min(months), 1), _month_end(year, max(months)), False
    m = re.search(r"qu[yý]\s+((?:[IV]+\s*[,\-–và]*\s*)+)\s*/?\s*(?:năm\s+)?(\d{4})", tf, re.IGNORECASE)
    if m:
        qs = [_ROMAN[q] for q in re.findall(r"[IV]+", m.group(1)) if q in _ROMAN]
        year = int(m.group(2))
        if qs:
            return _iso(year, 3 * min(qs) - 2, 1), _month_end(year, 3 * max(qs)), False
    m = re.fullmatch(r"(?:năm\s+)?(\d{4})", tf.strip(), re.IGNORECASE)
    if m:
        y = int(m.group(1))
        return _iso(y, 1, 1), _iso(y, 12, 31), False
    return _from_dates_module(tf)


def _from_dates_module(tf: str) -> tuple[str | None, str | None, bool]:
    """Fall back on ``nlp.dates`` (when installed) for forms the small parser above does not know."""
    try:
        from nlp.dates import get_dates  # type: ignore[import-not-found]

        found = get_dates(tf).dates
    except Exception:  # optional module, still being written: never let it break task extraction
        return None, None, False
    if not found:
        return None, None, False
    d = found[-1]
    if getattr(d, "kind", None) == "recurring":
        return None, None, True
    return getattr(d, "start_date", None), getattr(d, "end_date", None), False


# ================================================================ units


_HEAD_KEYS = tuple(sorted({match_key(h) for h in (*ORG_HEADS, *P.EXTRA_UNIT_HEADS)}, key=len, reverse=True))
_PERSON_KEYS = tuple(sorted({match_key(h) for h in P.PERSON_HEADS}, key=len, reverse=True))
_COLLECTIVE_RE = re.compile(
    r"^(?:" + "|".join(re.escape(w) for w in P.COLLECTIVE_WORDS) + r")\s+(?:"
    + "|".join(re.escape(h) for h in sorted(P.COLLECTIVE_HEADS, key=len, reverse=True)) + r")(?![\w])",
    re.IGNORECASE,
)


def starts_unit(piece: str, *, bare_ok: bool = False) -> bool:
    """True when ``piece`` opens the name of a unit (a new item of a unit list).

    A gazetteer head must be capitalised (``Sở``, ``Phòng``, ``UBND``) and be
    followed by a name, so that ``các sở, ban, ngành`` stays one unit; persons
    (``giám đốc các trung tâm``) and collectives (``các cơ quan ...``) may be lower-case.
    """
    piece = piece.strip().lstrip("-–+• ")
    if not piece:
        return False
    if _COLLECTIVE_RE.match(piece):
        return True
    key = match_key(piece)
    for heads, need_cap in ((_HEAD_KEYS, True), (_PERSON_KEYS, False)):
        for h in heads:
            if key == h or key.startswith(h + " "):
                if need_cap and not piece[0].isupper():
                    break
                rest = key[len(h):].strip(" ,;.")
                if rest or bare_ok:
                    return True
                break
    return False


_HIDE = {",": "\x00", ";": "\x01", ":": "\x02"}
_SHOW = str.maketrans({v: k for k, v in _HIDE.items()})


def _protect_parens(s: str) -> str:
    """Hide separators inside parentheses so ``Sở X (GD, ĐT)`` is not cut."""
    out, depth = [], 0
    for ch in s:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        out.append(_HIDE.get(ch, ch) if depth else ch)
    return "".join(out)


def split_units(s: str) -> list[str]:
    """Split a list of units on ``;``, line breaks, dashes, and on commas/``và`` where a new unit starts."""
    if not s or not s.strip():
        return []
    prot = _protect_parens(s)
    chunks = re.split(r"\s*;\s*|\n+\s*(?=[-–+•])|\n{2,}", prot)
    units: list[str] = []
    for chunk in chunks:
        chunk = chunk.replace("\n", " ")
        pieces = re.split(r"\s*[,:]\s*|\s+(?=và\s)", chunk)
        current = ""
        for piece in pieces:
            bare = re.sub(r"^và\s+", "", piece.strip())
            if current and starts_unit(bare):
                units.append(current)
                current = bare
            elif piece.strip().startswith("và ") and current:
                current = f"{current} {piece.strip()}"
            else:
                current = f"{current}, {piece.strip()}" if current else piece.strip()
        if current:
            units.append(current)
    out = [_clean_unit(u.translate(_SHOW)) for u in units]
    return [u for u in out if u and re.search(r"\w", u)]


# ================================================================ tables


def _role_of(header: str) -> str | None:
    folded = _fold(header)
    for role, words in P.HEADER_ROLES:
        if any(_has_phrase(folded, w) for w in words):
            return role
    return None


def _grid(rows: list[list[Cell]]) -> list[dict[int, Cell]]:
    """Row → column → cell, with merged cells repeated in every row and column they cover."""
    n = len(rows)
    grid: list[dict[int, Cell]] = [dict() for _ in range(n)]
    for r, row in enumerate(rows):
        for cell in row:
            for dr in range(max(cell.rowspan, 1)):
                for dc in range(max(cell.colspan, 1)):
                    if r + dr < n:
                        grid[r + dr].setdefault(cell.col + dc, cell)
    return grid


def _header_rows(grid: list[dict[int, Cell]]) -> int:
    """How many leading rows are header rows (0 when this is no task table's head)."""
    count = 0
    for row in grid[:3]:
        cells = {id(c): c for c in row.values()}.values()
        roles = [_role_of(c.text) for c in cells if c.text.strip()]
        known = [r for r in roles if r]
        if len(known) >= 2 or (count and known and len(known) == len(roles)):
            count += 1
        else:
            break
    return count


def _column_roles(grid: list[dict[int, Cell]], nhead: int) -> dict[str, int]:
    """Role → column, reading the header rows top-down (``Đơn vị thực hiện`` over ``Chủ trì | Phối hợp``)."""
    cols = sorted({c for row in grid[:nhead] for c in row})
    roles: dict[str, int] = {}
    for col in cols:
        seen: list[str] = []
        for row in grid[:nhead]:
            cell = row.get(col)
            if cell is not None and cell.text not in seen:
                seen.append(cell.text)
        role = _role_of(" ".join(seen[-1:])) or _role_of(" ".join(seen))
        if role and role not in roles:
            roles[role] = col
    return roles


def _is_task_roles(roles: dict[str, int]) -> bool:
    return all(r in roles for r in P.REQUIRED_ROLES) and any(r in roles for r in P.UNIT_ROLES)


def _index_parts(s: str) -> list[str]:
    return re.findall(r"\d{1,3}(?:\.\d{1,3})*", s)


def _is_section_row(row: dict[int, Cell], roles: dict[str, int]) -> bool:
    """A row that names a group of tasks (``I | Công tác tuyên truyền``) rather than a task."""
    idx = row.get(roles.get("index", -1))
    if idx is not None and re.fullmatch(r"\s*[IVXLC]+\.?\s*|\s*[A-ZĐ]\.?\s*", idx.text or ""):
        return True
    cells = {id(c): c for c in row.values()}
    return len(cells) == 1 and len(row) > 1


def _cell_text(row: dict[int, Cell], roles: dict[str, int], role: str) -> Cell | None:
    col = roles.get(role)
    return row.get(col) if col is not None else None


def _task_from_cells(index: str | None, task: str, lead: str, partners: str, time: str,
                     start: int, end: int, source: str) -> Task:
    tf = _one_line(time) or None
    sd, dd, rec = parse_timeframe(tf)
    return Task(index=index, text=_one_line(task), lead=split_units(lead), partners=split_units(partners),
                timeframe=tf, start_date=sd, due_date=dd, recurring=rec, source=source, start=start, end=end)


def _row_tasks(row: dict[int, Cell], roles: dict[str, int]) -> list[Task]:
    """Tasks of one data row; a row whose TT cell holds several numbers is split into them."""
    def txt(role: str) -> str:
        c = _cell_text(row, roles, role)
        return c.text if c is not None else ""
    tcell = _cell_text(row, roles, "task")
    if tcell is None or not tcell.text.strip():
        return []
    idx = _index_parts(txt("index"))
    lines = [ln for ln in tcell.text.split("\n") if ln.strip()]
    if len(idx) >= 2 and len(lines) == len(idx):
        def part(role: str, i: int) -> str:
            parts = [ln for ln in txt(role).split("\n") if ln.strip()]
            return parts[i] if len(parts) == len(idx) else txt(role)
        out = []
        for i, ix in enumerate(idx):
            out.append(_task_from_cells(ix, lines[i], part("lead", i), part("partners", i), part("time", i),
                                        tcell.start, tcell.end, "table"))
        return out
    index = idx[0] if idx else None
    return [_task_from_cells(index, tcell.text, txt("lead"), txt("partners"), txt("time"),
                             tcell.start, tcell.end, "table")]


def _tasks_from_tables(blocks: list[Block]) -> tuple[list[Task], list[tuple[int, int]]]:
    """Tasks of every task table; a headless table right after one continues it (next page)."""
    tasks: list[Task] = []
    spans: list[tuple[int, int]] = []
    prev_roles: dict[str, int] | None = None
    prev_width = 0
    for block in blocks:
        if block.kind != "table" or not block.rows or block.layout:
            if block.kind == "paragraph" and block.text.strip() and prev_roles is not None \
                    and len(block.text) > 200:
                prev_roles = None
            continue
        grid = _grid(block.rows)
        width = max((len(r) for r in grid), default=0)
        nhead = _header_rows(grid)
        if nhead:
            roles = _column_roles(grid, nhead)
            if not _is_task_roles(roles):
                prev_roles = None
                continue
        elif prev_roles is not None and width == prev_width:
            roles = prev_roles
        else:
            continue
        prev_roles, prev_width = roles, width
        spans.append((block.start, block.end))
        for r, row in enumerate(grid[nhead:]):
            if not row or _is_section_row(row, roles) or _is_numbering_row(row):
                continue
            idx_cell = _cell_text(row, roles, "index")
            has_index = idx_cell is not None and _index_parts(idx_cell.text)
            has_units = any((c := _cell_text(row, roles, k)) is not None and c.text.strip()
                            and c.row == nhead + r for k in ("lead", "partners", "time"))
            if not has_index and not has_units and tasks and tasks[-1].source == "table":
                extra = _cell_text(row, roles, "task")
                if extra is not None and extra.text.strip():
                    tasks[-1].text = _one_line(tasks[-1].text + " " + extra.text)
                    tasks[-1].end = extra.end
                continue
            tasks += _row_tasks(row, roles)
    return tasks, spans


def _is_numbering_row(row: dict[int, Cell]) -> bool:
    """The ``(1) (2) (3)`` row some tables put under their header."""
    texts = [c.text.strip() for c in {id(c): c for c in row.values()}.values()]
    return bool(texts) and all(re.fullmatch(r"\(?\d{1,2}\)?|", t) for t in texts) and len(texts) > 2


# ================================================================ flattened tables


@dataclass
class _Line:
    text: str
    start: int
    end: int


def _lines(text: str, covered: list[tuple[int, int]]) -> list[_Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        s, e = pos, pos + len(raw)
        pos = e + 1
        if not raw.strip() or any(a <= s < b for a, b in covered):
            continue
        lead = len(raw) - len(raw.lstrip())
        out.append(_Line(raw.strip(), s + lead, e - (len(raw) - len(raw.rstrip()))))
    return out


_TIME_HEAD = re.compile(
    r"^(?:(?:Tháng|Từ tháng|Quý)\s+[\dIV][\d\s,./\-–IVvà]*\d{4}|Trước ngày\s+[\d/.]+|Năm\s+\d{4}|"
    + "|".join(re.escape(w) for w in P.RECURRING_WORDS) + r")",
    re.IGNORECASE,
)
_TIME_WORD_ONLY = re.compile(r"^(?:Tháng|Quý|Thường|Hằng|Hàng|Định|Trước ngày|Từ tháng)$", re.IGNORECASE)


def _merge_split_times(lines: list[_Line]) -> list[_Line]:
    """Re-join ``Tháng`` / ``03/2022`` and ``Thường`` / ``xuyên`` that a narrow column broke apart."""
    out: list[_Line] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        if _TIME_WORD_ONLY.match(ln.text) and i + 1 < len(lines):
            joined = f"{ln.text} {lines[i + 1].text}"
            if _TIME_HEAD.match(joined):
                out.append(_Line(joined, ln.start, lines[i + 1].end))
                i += 2
                continue
        out.append(ln)
        i += 1
    return out


def _flat_header_end(lines: list[_Line], i: int) -> int | None:
    """Index after the header lines of a flattened task table starting at line ``i``, or None."""
    first = _fold(lines[i].text)
    if len(lines[i].text) > 60 or not any(_has_phrase(first, w) for _, words in P.HEADER_ROLES for w in words):
        return None  # a flattened header opens with a column name
    window = ""
    roles: set[str] = set()
    for j in range(i, min(i + 10, len(lines))):
        if len(lines[j].text) > 60:
            return None
        window += " " + lines[j].text
        folded = _fold(window)
        roles = {role for role, words in P.HEADER_ROLES if any(_has_phrase(folded, w) for w in words)
                 and role != "lead" or role == "lead" and _has_phrase(folded, "chu tri")}
        if {"task", "time"} <= roles and roles & {"lead", "partners"} and "time" in {
                r for r, w in P.HEADER_ROLES if any(_has_phrase(_fold(lines[j].text + " " + (
                    lines[j - 1].text if j > i else "")), x) for x in w)}:
            end = j + 1
            while end < len(lines) and _fold(lines[end].text) in ("thuc hien", "hoan thanh"):
                end += 1
            return end
    return None


def _ends_sentence(s: str) -> bool:
    return s.rstrip().endswith((".", ".)", "”.", "\"."))


def _split_row(body: list[_Line]) -> int | None:
    """Where the unit columns begin in a flattened row: the first unit line after which no line ends a sentence."""
    for s in range(1, len(body)):
        if starts_unit(body[s].text, bare_ok=True) and not any(_ends_sentence(b.text) for b in body[s:]):
            return s
    return None


def _units_of(lines: list[_Line]) -> tuple[str, str]:
    """Lead and partner text of a flattened row: the first unit is the lead, the others partner."""
    groups: list[list[str]] = []
    for ln in lines:
        if not groups or starts_unit(ln.text, bare_ok=True):
            groups.append([ln.text])
        else:
            groups[-1].append(ln.text)
    lead = " ".join(groups[0]) if groups else ""
    partners = "\n\n".join(" ".join(g) for g in groups[1:])
    return lead, partners


def _tasks_from_flat_tables(text: str, covered: list[tuple[int, int]]) -> tuple[list[Task], list[tuple[int, int]]]:
    """Rebuild rows of task tables whose cells were flattened into lines (TT, task, lead, partners, time)."""
    lines = _merge_split_times(_lines(text, covered))
    tasks: list[Task] = []
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        end = _flat_header_end(lines, i)
        if end is None:
            i += 1
            continue
        found, j = _parse_flat_rows(lines, end)
        if found:
            tasks += found
            spans.append((lines[i].start, lines[j - 1].end))
            i = j
        else:
            i += 1
    return tasks, spans


def _index_line(ln: _Line, expected: int) -> tuple[str, str] | None:
    """``(index, rest)`` when the line opens row ``expected`` (or the one after it)."""
    m = re.match(r"^(\d{1,3})(?:[.)])?(?:\s+(.*))?$", ln.text)
    if m and int(m.group(1)) in (expected, expected + 1):
        return m.group(1), m.group(2) or ""
    return None


def _parse_flat_rows(lines: list[_Line], i: int) -> tuple[list[Task], int]:
    """Rows after a flattened header; returns the tasks and the index of the first line after the table."""
    tasks: list[Task] = []
    expected = 1
    n = len(lines)
    while i < n:
        # the row's lines: up to a timeframe line that follows task text and units
        start_i = i
        idx = _index_line(lines[i], expected)
        index: str | None = None
        body: list[_Line] = []
        if idx:
            index = idx[0]
            if idx[1]:
                body.append(_Line(idx[1], lines[i].end - len(idx[1]), lines[i].end))
            i += 1
        elif not tasks:
            break
        else:
            index = str(expected)
        k = i
        tline: _Line | None = None
        while k < n and k - i < 40:
            if _index_line(lines[k], expected) and body:
                break
            if _TIME_HEAD.match(lines[k].text) and body and _split_row(body) is not None:
                tline = lines[k]
                break
            body.append(lines[k])
            k += 1
        if tline is None:
            i = start_i
            break
        split = _split_row(body)
        assert split is not None
        m = _TIME_HEAD.match(tline.text)
        timeframe = tline.text[: m.end()].strip()
        trailing = tline.text[m.end():].strip()
        task_lines = [b.text for b in body[:split]]
        last_end = body[split - 1].end
        i = k + 1
        if trailing:
            task_lines.append(trailing)
            last_end = tline.end
        # text the PDF put after the timeframe, before the next row number
        while i < n and not _index_line(lines[i], int(index) + 1 if index.isdigit() else expected) \
                and lines[i].text[:1].islower() and len(task_lines) < 60:
            task_lines.append(lines[i].text)
            last_end = lines[i].end
            i += 1
        lead, partners = _units_of(body[split:])
        task = _task_from_cells(index, " ".join(task_lines), lead, partners, timeframe,
                                body[0].start, last_end, "table")
        tasks.append(task)
        expected = int(index) + 1 if index and index.isdigit() else expected + 1
    return tasks, i


# ================================================================ prose


_MARKER = re.compile(r"^(?:(\d{1,2}(?:\.\d{1,2})*)[.)]|([a-zđ])\))\s+")
_ARTICLE = re.compile(r"^(?:Điều|Chương|Mục|Phần)\s+[\dIVX]+\b")
_GARBLED_MARKER = re.compile(r"^\S{1,3}[.,]\s+(?=[A-ZĐÀ-Ỹ])")
_DEADLINE = re.compile(
    r"(?:hoàn thành\s+)?(?:trước|chậm nhất(?:\s+là)?|không quá|hạn cuối)\s+"
    r"(?:\d{1,2}\s*giờ(?:\s*\d{1,2})?(?:\s*phút)?\s*,?\s*)?(?:ngày\s+)?"
    r"(?:\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})",
    re.IGNORECASE,
)


@dataclass
class _Item:
    index: str | None
    lines: list[_Line]
    numbered: bool
    fields: dict[str, str] = field(default_factory=dict)
    title: bool = False


def _field_of(s: str) -> tuple[str, str] | None:
    """``(role, value)`` when the line is a labelled field such as ``a) Đơn vị chủ trì: Sở X``."""
    body = _MARKER.sub("", s, count=1).lstrip("-–+• ")
    m = re.match(r"^([^:]{3,40}?)\s*:\s*(.*)$", body) or re.match(r"^([^:]{3,40})$", body)
    if not m:
        return None
    label = _fold(m.group(1))
    value = m.group(2) if m.lastindex and m.lastindex >= 2 else ""
    for role, words in P.FIELD_LABELS:
        for w in words:
            # OCR garbles the first word ("Đơn xị phối hợp"): the role word at the end is enough
            if label == w or (label.endswith(w) and len(label.split()) <= len(w.split()) + 2):
                return role, value
    return None


def _items(lines: list[_Line]) -> list[_Item]:
    """Group prose lines into numbered items, lettered sub-items and plain paragraphs."""
    items: list[_Item] = []
    parent: str | None = None
    after_fields = False
    skipping = False
    for ln in lines:
        folded = _fold(ln.text)
        if any(folded.startswith(w) for w in P.STOP_LINES):
            skipping = True
        elif skipping and any(folded.startswith(w) for w in P.RESUME_LINES):
            skipping, parent = False, None
        if skipping:
            continue
        fld = _field_of(ln.text)
        if fld and items:
            role, value = fld
            items[-1].fields[role] = (items[-1].fields.get(role, "") + " " + value).strip()
            after_fields = True
            continue
        if re.match(r"^:\s*", ln.text) and items and after_fields:
            last = list(items[-1].fields)[-1]
            items[-1].fields[last] = (items[-1].fields[last] + " " + ln.text.lstrip(": ")).strip()
            continue
        m = _MARKER.match(ln.text)
        if _ARTICLE.match(ln.text):
            parent = None
            items.append(_Item(None, [ln], False))
        elif m and m.group(1):
            parent = m.group(1)
            items.append(_Item(parent, [ln], True))
        elif m:
            items.append(_Item(f"{parent}.{m.group(2)}" if parent else m.group(2), [ln], True))
        elif after_fields and len(re.sub(r"\W", "", ln.text)) > 2:
            prev = items[-1].index if items else None
            guess = str(int(prev) + 1) if prev and prev.isdigit() and _GARBLED_MARKER.match(ln.text) else None
            items.append(_Item(guess, [ln], True))
        elif items and items[-1].numbered and not items[-1].fields and not _closes_list(ln.text):
            items[-1].lines.append(ln)
        else:
            items.append(_Item(None, [ln], False))
        after_fields = False
    return items


def _closes_list(line: str) -> bool:
    """An unnumbered paragraph after a list that speaks for the issuer (``Sở X yêu cầu ...``), not the last item."""
    folded = _fold(line)
    if any(folded.startswith(w) for w in P.CLOSING_STARTS):
        return True
    return starts_unit(line) and _find_cue(folded[:80], P.REQUEST_CUES) is not None


def _item_text(item: _Item) -> tuple[str, int, int]:
    """The item's text without its marker; a short title line (``2. Về ...``) is left out."""
    lines = list(item.lines)
    first = _MARKER.sub("", lines[0].text, count=1)
    if item.numbered and not item.fields:
        first = _GARBLED_MARKER.sub("", first, count=1) if item.index and not _MARKER.match(lines[0].text) else first
    if len(lines) > 1 and len(first) < 120 and not re.search(r"[.;:]$", first) \
            and not _fold(first).endswith(tuple(P.DUTY_CUES)):
        lines = lines[1:]
        first = lines[0].text
        start = lines[0].start
    else:
        start = lines[0].start + (len(lines[0].text) - len(first))
    if item.fields and _GARBLED_MARKER.match(first):
        first = _GARBLED_MARKER.sub("", first, count=1)
    parts = [first] + [ln.text for ln in lines[1:]]
    return " ".join(p.strip() for p in parts), start, lines[-1].end


def _find_cue(folded: str, cues: tuple[str, ...]) -> re.Match[str] | None:
    best = None
    for c in cues:
        m = _phrase_re(c).search(folded)
        if m and (best is None or m.start() < best.start()):
            best = m
    return best


def _cut_list(orig: str, folded: str) -> str:
    """The unit list at the head of ``orig``: up to a task verb, ``liên quan`` or a clause break."""
    end = len(orig)
    for m in re.finditer(r"[;(]|\.\s|\s-\s", orig):
        if m.group(0) == ";" and starts_unit(orig[m.end():].strip(), bare_ok=True):
            continue
        end = min(end, m.start())
        break
    for w in P.LIST_END_WORDS:
        lm = _phrase_re(w).search(folded[:end])
        if lm:
            end = min(end, lm.end())
            break
    for v in P.TASK_VERBS:
        for vm in _phrase_re(v).finditer(folded[:end]):
            if vm.start() > 0:
                end = min(end, vm.start())
                break
    return orig[:end].strip(" ,")


def _clause_start(folded: str, pos: int) -> int:
    """Start of the clause that ends at ``pos`` (after the last comma, semicolon or full stop)."""
    cut = max(folded.rfind(ch, 0, pos) for ch in ",;.:")
    return cut + 1 if cut >= 0 else 0


_ALL_CUES = P.ASSIGN_CUES + P.LEAD_CUES + P.DUTY_CUES + P.REQUEST_CUES


def _prose_units(text: str) -> tuple[list[str], list[str], str | None]:
    """Lead and partner units and the cue kind (``assign``, ``lead``, ``duty``, ``request``) found in ``text``."""
    folded = _fold(text)
    # folded text has the same length as the one-line text only without case/space changes; map by words
    if len(folded) != len(text):
        text = " ".join(text.split())
        folded = fold(text).lower()
    lead: list[str] = []
    kind = None
    if not any(c in folded for c in _ALL_CUES):
        return [], [], None  # most paragraphs assign nothing: skip the cue-by-cue search
    m = _find_cue(folded, P.ASSIGN_CUES)
    if m:
        rest = text[m.end():].lstrip()
        off = len(text) - len(rest)
        lm = re.search(r"(?<![\w])chu tri(?![\w])", folded[off:])
        cand = rest[: lm.start()] if lm else _cut_list(rest, folded[off:])
        if starts_unit(cand.strip(" ,"), bare_ok=True):
            lead, kind = split_units(cand.strip(" ,")), "assign"
    if not lead:
        m = _find_cue(folded, P.LEAD_CUES)
        if m and m.start() > 0:
            cs = _clause_start(folded, m.start())
            cand = text[cs:m.start()].strip(" ,")
            if starts_unit(cand, bare_ok=True):
                lead, kind = split_units(cand), "lead"
    if not lead:
        m = _find_cue(folded, P.DUTY_CUES)
        if m and m.start() > 0:
            cut = max(folded.rfind(ch, 0, m.start()) for ch in ".;:")
            cand = text[cut + 1:m.start()].strip(" ,")
            if len(cand.split()) <= 25 and starts_unit(cand, bare_ok=True):
                lead, kind = split_units(cand), "duty"
    if not lead:
        m = _find_cue(folded, P.REQUEST_CUES)
        if m:
            rest = text[m.end():].lstrip()
            off = len(text) - len(rest)
            cand = _cut_list(rest, folded[off:])
            if starts_unit(cand, bare_ok=True):
                lead, kind = split_units(cand), "request"
    return lead, _partners_of(text) if lead else [], kind


def _partners_of(text: str) -> list[str]:
    """Units after ``phối hợp (với)``, up to the task verb or ``liên quan``."""
    text = " ".join(text.split())
    folded = fold(text).lower()
    pm = _find_cue(folded, P.PARTNER_CUES)
    if not pm:
        return []
    rest = text[pm.end():].lstrip()
    off = len(text) - len(rest)
    cand = _cut_list(rest, folded[off:])
    return split_units(cand) if starts_unit(cand, bare_ok=True) else []


def _assignment_heading(body: str) -> list[str]:
    """Lead of a heading that hands the items below it to a unit (``Điều 2. Giao Giám đốc Sở X:``)."""
    body = re.sub(r"^(?:Điều|Chương|Mục|Phần)\s+[\dIVX]+\s*[.:]?\s*", "", body).strip()
    folded = fold(body).lower()
    m = re.match(r"^(?:giao cho|giao)\s+(.+?)\s*(?:thuc hien(?: cac nhiem vu sau)?|cac nhiem vu sau)?\s*:?$",
                 folded)
    if not m or len(body.split()) > 15:
        return []
    cand = body[m.start(1):m.end(1)].strip(" :")
    return split_units(cand) if starts_unit(cand, bare_ok=True) else []


def _deadline(text: str) -> str | None:
    found = list(_DEADLINE.finditer(text))
    if not found:
        return None
    # "hoàn thành trước ngày D": the timeframe as the gold writes it starts at "trước"
    return re.sub(r"^hoàn thành\s+", "", " ".join(found[-1].group(0).split()), flags=re.IGNORECASE)


def _recurring_start(text: str) -> str | None:
    for w in P.RECURRING_WORDS:
        if _fold(text).startswith(_fold(w)):
            return text[: len(w)]
    return None


def _tasks_from_prose(text: str, covered: list[tuple[int, int]]) -> list[Task]:
    """Numbered items and paragraphs that assign work to a unit (with or without a deadline)."""
    tasks: list[Task] = []
    inherited: list[str] = []
    for item in _items(_join_wrapped(_lines(text, covered))):
        body, start, end = _item_text(item)
        body = re.sub(r"\s*/\.\s*$", "", body).strip()
        if not item.numbered:
            inherited = _assignment_heading(body)
            if inherited:
                continue
        if body.endswith(":") and not item.fields:
            continue
        if item.fields:
            lead = split_units(item.fields.get("lead", ""))
            partners = split_units(item.fields.get("partners", ""))
            tf = _one_line(item.fields.get("time", "")) or _recurring_start(body)
            if not lead and not partners:
                continue
        else:
            lead, partners, kind = _prose_units(body)
            if not lead and inherited and item.numbered:
                lead, kind = list(inherited), "assign"
                partners = _partners_of(body)
            tf = _deadline(body) or (_recurring_start(body) if lead else None)
            if not lead or (kind == "request" and not _deadline(body)):
                continue
            if any(_has_phrase(_fold(body), w) for w in P.NOT_TASK_PHRASES):
                continue
            if not item.numbered:
                folded = fold(body).lower()
                cue = _find_cue(folded, P.ASSIGN_CUES) if kind == "assign" else None
                if cue is not None:
                    cs = _subject_start(body, cue.start())
                    start += cs
                    body = body[cs:]
        sd, dd, rec = parse_timeframe(tf)
        tasks.append(Task(index=item.index, text=_one_line(body), lead=lead, partners=partners,
                          timeframe=tf, start_date=sd, due_date=dd, recurring=rec, source="text",
                          start=start, end=end))
    return tasks


def _subject_start(body: str, cue_pos: int) -> int:
    """Where the sentence that assigns the task starts: after the clause break before its subject."""
    cut = max(body.rfind(ch, 0, cue_pos) for ch in ",;.")
    while cut >= 0 and body[cut] == "," and not body[cut + 1:cue_pos].strip()[:1].isupper():
        cut = max(body.rfind(ch, 0, cut) for ch in ",;.")
    return cut + 1 + (len(body[cut + 1:]) - len(body[cut + 1:].lstrip())) if cut >= 0 else 0


def _join_wrapped(lines: list[_Line]) -> list[_Line]:
    """Join a line to the previous one when the paragraph was wrapped mid-sentence."""
    out: list[_Line] = []
    for ln in lines:
        if out and not re.search(r"[.:;!?…)]$", out[-1].text) and not _MARKER.match(ln.text) \
                and not _field_of(ln.text) and ln.text[:1].islower() or (
                out and re.search(r"\b(số|ngày|tại|của|và|về)$", out[-1].text) and not _MARKER.match(ln.text)):
            prev = out[-1]
            out[-1] = _Line(f"{prev.text} {ln.text}", prev.start, ln.end)
        else:
            out.append(ln)
    return out
