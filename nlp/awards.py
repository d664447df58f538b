"""Commendation submissions: who a school proposes for which danh hiệu, and the figures it states.

A Tờ trình (or Báo cáo) đề nghị khen thưởng carries a list "Danh sách đề nghị khen thưởng":
a table with columns such as TT | Họ và tên | Chức vụ | Đơn vị | Danh hiệu đề nghị. Schools lay
it out in several ways, all read here:

* the danh hiệu in a column of its own, or as a group row inside the table
  (``I. Danh hiệu Lao động tiên tiến``), or as a heading just above the table, or as one
  column per danh hiệu with a mark (``x``) in it;
* with or without an Đơn vị column (without one the unit is the school itself, which only the
  document's header knows: the proposal's unit stays empty and ``source["unit"]`` says
  ``absent``), or with Chức vụ and đơn vị in one cell;
* cells merged down over several people, and ``nt`` / ``như trên`` ditto marks.

The figures stated in prose ("Tổng số cán bộ, giáo viên, nhân viên: 45 người", "đề nghị 12 cá
nhân đạt danh hiệu Lao động tiên tiến") are read too, so a caller can compare them with the rows.

Facts only from the document: a missing cell stays empty, a danh hiệu that matches no known
name keeps its spelling with ``title_name = None``. Header words, danh hiệu names and their
spellings are data (``nlp/patterns/awards.json``); everything is compared on a folded key
(case, diacritics and tone placement ignored) with a fuzzy fallback for OCR slips.
Pure: a ``ReadResult`` in, dataclasses out. Public entry: ``read_submission`` (and ``recognise``,
the same rules for one row a clerk corrected by hand).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from nlp.model import Block, Cell, ReadResult
from nlp.normalize import fold, match_key

PATTERNS: dict[str, Any] = json.loads((Path(__file__).parent / "patterns" / "awards.json").read_text("utf-8"))


# ================================================================ results


@dataclass
class Proposal:
    """One person (or collective) proposed for one danh hiệu, as one row of a list states it."""

    name: str
    position: str
    unit: str
    title: str  # as written (cell, group row or heading); "" when the document gives none
    title_name: str | None  # canonical name (awards.json), None when missing or unknown
    collective: bool
    row_number: str | None  # the TT cell as written
    note: str
    block: int  # index of the table in ``ReadResult.blocks``
    row: int  # row index inside that table
    start: int  # span of the row in ``ReadResult.text``
    end: int
    # field -> (start, end) of the text it was read from (a cell, a group row, a heading)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    # field -> where it came from: cell, merged (a cell merged down from a row above), ditto (nt),
    # group (a group row), heading (a heading above the table), mark (an x in a danh hiệu column),
    # empty (the column exists, the cell is empty), absent (the table has no such column)
    source: dict[str, str] = field(default_factory=dict)
    title_match: str | None = None  # exact, fuzzy (an OCR-like slip was tolerated) or None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "position": self.position, "unit": self.unit, "title": self.title,
            "title_name": self.title_name, "collective": self.collective, "row_number": self.row_number,
            "note": self.note, "block": self.block, "row": self.row, "start": self.start, "end": self.end,
            "spans": {k: list(v) for k, v in self.spans.items()}, "source": dict(self.source),
            "title_match": self.title_match,
        }


@dataclass
class Figure:
    """A number the document states about itself.

    ``kind``: ``staff`` (tổng số cán bộ, giáo viên, nhân viên), ``proposed`` (for one danh hiệu),
    ``proposed_total`` (all proposals), ``table_total`` (a Tổng cộng row of the table ``block``).
    """

    kind: str
    value: int
    text: str
    start: int
    end: int
    block: int
    title: str | None = None  # as written
    title_name: str | None = None
    subject: str = ""  # individual, collective or "" (from the counted noun: cá nhân, tập thể)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "value": self.value, "text": self.text, "start": self.start, "end": self.end,
                "block": self.block, "title": self.title, "title_name": self.title_name, "subject": self.subject}


@dataclass
class Submission:
    proposals: list[Proposal] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list[int] = field(default_factory=list)  # blocks read as proposal lists
    # block -> the columns that table has (row_number, name, position, unit, title, note, marks)
    columns: dict[int, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"proposals": [p.to_dict() for p in self.proposals], "figures": [f.to_dict() for f in self.figures],
                "tables": list(self.tables), "columns": {str(k): v for k, v in self.columns.items()},
                "warnings": list(self.warnings)}


# The canonical danh hiệu, highest rank first: the order of the groups of a consolidated list.
TITLES: tuple[str, ...] = tuple(t["name"] for t in sorted(PATTERNS["titles"], key=lambda t: t["rank"]))
TITLE_KINDS: dict[str, str] = {t["name"]: t["kind"] for t in PATTERNS["titles"]}


def read_submission(result: ReadResult) -> Submission:
    """Every proposal of every proposal list in ``result``, and the figures its prose states."""
    out = Submission()
    blocks = result.blocks
    previous: _Columns | None = None
    previous_at = -10
    for i, block in enumerate(blocks):
        if block.kind != "table" or block.layout or not block.rows:
            continue
        columns = _header(block.rows)
        if columns is None and previous is not None and _continues(blocks, previous_at, i, previous, block):
            columns = _Columns(previous.fields, previous.marks, 0)
        where = f"Bảng thứ {sum(1 for b in blocks[:i + 1] if b.kind == 'table' and not b.layout)} (trang {block.page})"
        if columns is None:
            if _mentions_name_column(block.rows):
                out.warnings.append(f"{where} có cột họ tên nhưng không đọc được dòng tiêu đề cột: không lấy.")
            continue
        heading = _heading_context(result.text, blocks, i)
        proposals, figures, has_groups = _read_table(result.text, i, block, columns, heading)
        if not (columns.has_title or has_groups or heading is not None or _list_cue_before(blocks, i)):
            out.warnings.append(f"{where} có cột họ tên nhưng không rõ là danh sách đề nghị khen thưởng: không lấy.")
            continue
        out.tables.append(i)
        out.columns[i] = columns.names()
        out.proposals += proposals
        out.figures += figures
        previous, previous_at = columns, i
    for i, block in enumerate(blocks):
        if block.kind in ("paragraph", "heading"):
            out.figures += _prose_figures(result.text, block.start, block.end, i)
    out.figures.sort(key=lambda f: f.start)
    return out


def recognise(name: str, title: str) -> tuple[str | None, str | None, bool]:
    """``(title_name, title_match, collective)`` for a row whose cells a clerk corrected by hand.

    The same rules ``read_submission`` applies to a cell: the canonical danh hiệu (or None), how
    it matched (``exact``/``fuzzy``), and whether the row proposes a collective.
    """
    t, how = _match_title(title) if title.strip() else (None, None)
    collective = (t.kind == "collective") if t is not None and t.kind != "both" else _is_collective_name(name)
    return (t.name if t else None), (how if t else None), collective


# ================================================================ keys and matching


def _flat(text: str) -> str:
    """Folded, lower case, same length as ``text``: patterns run on it and offsets hold in ``text``."""
    folded = fold(text)
    lowered = folded.lower()
    if len(lowered) == len(folded):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in folded)


_Y_AS_I = re.compile(r"\b([bcdghklmnpqrstvx]+)y\b")  # sỹ = sĩ, kỹ = kĩ (never uy, ay)


@functools.lru_cache(maxsize=8192)
def _key(text: str) -> str:
    """Comparison key: folded, lower case, punctuation as spaces (``&`` and ``/`` kept), single spaces."""
    k = fold(match_key(text)).lower()
    k = re.sub(r"[^\w&/]+", " ", k).replace("_", " ")
    k = _Y_AS_I.sub(lambda m: m.group(1) + "i", k)
    return " ".join(k.split())


def _words_re(phrase: str) -> str:
    """A regex for ``phrase`` on flat text: its words in order, any punctuation or spacing between."""
    words = re.findall(r"[\w&/]+", _key(phrase))
    words = [re.escape(w).replace("i", "[iy]") if re.fullmatch(r"[bcdghklmnpqrstvx]+i", w) else re.escape(w)
             for w in words]
    return r"(?<![\w])" + r"[\W_]*".join(words) + r"(?![\w])"


@dataclass(frozen=True)
class _Title:
    name: str
    kind: str
    rank: int
    keys: tuple[str, ...]
    exact_keys: tuple[str, ...]  # generic spellings, only when the whole text is just that


_TITLE_DEFS: tuple[_Title, ...] = tuple(
    _Title(t["name"], t["kind"], t["rank"], tuple(dict.fromkeys(_key(a) for a in [t["name"], *t["aliases"]])),
           tuple(_key(a) for a in t.get("exact_aliases", [])))
    for t in PATTERNS["titles"])
_BY_NAME = {t.name: t for t in _TITLE_DEFS}
_ALIAS_KEYS: list[tuple[str, _Title]] = sorted(((k, t) for t in _TITLE_DEFS for k in t.keys),
                                               key=lambda kt: len(kt[0]), reverse=True)
_TITLE_PREFIXES = sorted({_key(p) for p in PATTERNS["title_prefixes"]}, key=len, reverse=True)
_LABEL = re.compile(r"^\s*(?:(?:[IVXLC]+|[A-Za-zĐđ]|\d{1,2}(?:\.\d{1,2})*)\s*[.)/:-]\s*|[-–—+•*]\s*)")
_TRAILING_COUNT = re.compile(
    r"\s*(?:\(\s*\d{1,4}\s*[^\d()]{0,25}\)|[:\-–,]\s*(?:gồm|có|là)?\s*\d{1,4}\s*[^\d()]{0,25}"
    r"|\s(?:gồm|có)\s+\d{1,4}\s*[^\d()]{0,25})\s*[.;:]?\s*$", re.IGNORECASE)
_ROMAN_OR_LETTER = re.compile(r"^\s*(?:[IVXLC]+|[A-Za-zĐđ])\s*[.)]?\s*$")
_NUMERIC_LABEL = re.compile(r"^\s*\(?\s*\d{1,2}\s*\)?\s*$")
FUZZY_MIN = 88  # rapidfuzz ratio (0-100) for a danh hiệu read with an OCR-like slip
FUZZY_MARGIN = 4  # ...and ahead of any other danh hiệu by this much
WORD_MIN = 50  # ...with every word close to the name's word (tlên ~ tiên, never huyện ~ tỉnh)


def _strip_title(text: str) -> str:
    """The danh hiệu words of a cell or group line: label, ``Danh hiệu``/``Đề nghị`` and a trailing count dropped."""
    s = _LABEL.sub("", " ".join(text.split()))
    s = _TRAILING_COUNT.sub("", s) if re.search(r"\d", s) else s
    k = _key(s)
    changed = True
    while changed:
        changed = False
        for p in _TITLE_PREFIXES:
            if k.startswith(p + " "):
                k = k[len(p) + 1:]
                changed = True
                break
    return k


@functools.lru_cache(maxsize=4096)
def _match_title(text: str) -> tuple[_Title | None, str | None]:
    """The danh hiệu ``text`` names, and how (``exact`` or ``fuzzy``), or ``(None, None)``."""
    k = _strip_title(text)
    if not k:
        return None, None
    compact = k.replace(" ", "")
    for t in _TITLE_DEFS:
        if k in t.exact_keys:
            return t, "exact"
    for alias, t in _ALIAS_KEYS:  # longest first: "tập thể lao động tiên tiến" before "lao động tiên tiến"
        if k == alias or k.startswith(alias + " ") or compact == alias.replace(" ", ""):
            return t, "exact"
    best: dict[str, float] = {}
    words = k.split()
    for alias, t in _ALIAS_KEYS:
        if len(alias) < 8:  # abbreviations (LĐTT, CSTĐCS) only match exactly
            continue
        alias_words = alias.split()
        head = words[:len(alias_words)]
        # Word by word: a slip inside words is tolerated, another word (huyện / tỉnh), a missing
        # one (xã / thị xã) or a slip in glued words is not: that title is flagged unknown instead.
        if len(head) != len(alias_words) or any(
                fuzz.ratio(a, b) < WORD_MIN for a, b in zip(head, alias_words, strict=True)):
            continue
        score = max(fuzz.ratio(k, alias), fuzz.ratio(" ".join(head), alias))
        best[t.name] = max(best.get(t.name, 0.0), score)
    if not best:
        return None, None
    ranked = sorted(best.items(), key=lambda kv: kv[1], reverse=True)
    name, score = ranked[0]
    runner = ranked[1][1] if len(ranked) > 1 else 0.0
    if score >= FUZZY_MIN and score - runner >= FUZZY_MARGIN:
        return _BY_NAME[name], "fuzzy"
    return None, None


_COLUMN_KEYS: list[tuple[str, str]] = sorted(
    ((_key(w), f) for f, words in PATTERNS["columns"].items() for w in words), key=lambda kf: len(kf[0]), reverse=True)


@functools.lru_cache(maxsize=4096)
def _column_field(text: str) -> str | None:
    """Which field a header cell names (``Họ và tên`` -> name), tolerant of OCR slips."""
    k = _key(text)
    if not k or len(k) > 80:
        return None
    for word, f in _COLUMN_KEYS:
        if k == word or k.startswith(word + " "):
            return f
    scored = [(fuzz.ratio(k, word), f) for word, f in _COLUMN_KEYS if len(word) >= 5]
    score, f = max(scored, default=(0.0, None))
    return f if score >= 85 else None


def _starts_with(text: str, heads: list[str]) -> bool:
    k = _key(text)
    return any(k == _key(h) or k.startswith(_key(h) + " ") for h in heads)


def _is_collective_name(name: str) -> bool:
    return _starts_with(name, PATTERNS["collective_heads"])


_DITTO = {_key(d) or d for d in PATTERNS["ditto"]}


def _is_ditto(text: str) -> bool:
    s = text.strip()
    return bool(s) and (s in _DITTO or _key(s) in _DITTO)


# ================================================================ table header


@dataclass
class _Columns:
    fields: dict[int, str]  # grid column -> row_number, name, position, position_unit, unit, title, note
    marks: dict[int, _Title]  # grid column -> the danh hiệu a mark in it means
    body: int  # first data row

    @property
    def has_title(self) -> bool:
        return "title" in self.fields.values() or bool(self.marks)

    def col(self, name: str) -> int | None:
        return next((c for c, f in self.fields.items() if f == name), None)

    def names(self) -> list[str]:
        out = list(dict.fromkeys(self.fields[c] for c in sorted(self.fields)))
        return out + [f"mark:{t.name}" for t in self.marks.values()]


def _grid(rows: list[list[Cell]]) -> list[dict[int, Cell]]:
    """Row -> {grid column: cell}, merged cells filling every position they cover."""
    grid: list[dict[int, Cell]] = [{} for _ in rows]
    for r, row in enumerate(rows):
        for cell in row:
            for dr in range(max(1, cell.rowspan)):
                for dc in range(max(1, cell.colspan)):
                    if r + dr < len(grid):
                        grid[r + dr].setdefault(cell.col + dc, cell)
    return grid


def _one_line(text: str) -> str:
    return " ".join(text.split()).strip()


def _header(rows: list[list[Cell]]) -> _Columns | None:
    """The columns of a proposal list, when one of its first rows is a header with a name column."""
    grid = _grid(rows)
    for r in range(min(len(rows), 5)):
        found = {c: _column_field(cell.text) for c, cell in grid[r].items()}
        found = {c: f for c, f in found.items() if f}
        if "name" not in found.values() or len(set(found.values())) < 2:
            continue
        fields: dict[int, str] = {}
        for c, f in sorted(found.items()):
            if f not in fields.values():
                fields[c] = f
        marks: dict[int, _Title] = {}
        body = r + 1
        # Sub-header rows: danh hiệu names under a merged "Danh hiệu đề nghị", and the (1) (2) (3) row.
        while body < len(rows):
            own = {c: cell for c, cell in grid[body].items() if cell.row == body and cell.text.strip()}
            if not own:
                break
            titled = {c: _match_title(cell.text)[0] for c, cell in own.items()}
            if all(titled.values()) and len(titled) >= 1 and all(c not in fields or fields[c] == "title" for c in own):
                for c, t in titled.items():
                    marks[c] = t  # type: ignore[assignment]
                    fields.pop(c, None)
                body += 1
                continue
            if all(_NUMERIC_LABEL.match(cell.text) for cell in own.values()) and len(own) >= 3:
                body += 1
                continue
            break
        # Top-level danh hiệu columns ("LĐTT" | "CSTĐCS" with x marks) on the header row itself.
        for c, cell in grid[r].items():
            if c not in fields and c not in marks:
                t, _ = _match_title(cell.text)
                if t is not None:
                    marks[c] = t
        return _Columns(fields, marks, body)
    return None


def _mentions_name_column(rows: list[list[Cell]]) -> bool:
    return any(_column_field(cell.text) == "name" for row in rows[:5] for cell in row)


def _continues(blocks: list[Block], before: int, at: int, columns: _Columns, block: Block) -> bool:
    """A headerless table right after a proposal list (only page breaks between) with as many columns."""
    if before < 0 or any(b.kind != "page_break" for b in blocks[before + 1: at]):
        return False
    prev = blocks[before]
    width = max((c.col + c.colspan for row in (prev.rows or []) for c in row), default=0)
    return width == max((c.col + c.colspan for row in (block.rows or []) for c in row), default=-1)


# ================================================================ context above a table

HEADING_MAX_CHARS = 150
HEADING_LOOKBACK = 3


@dataclass
class _Context:
    title: str
    title_def: _Title | None
    how: str | None
    span: tuple[int, int]


def _title_mentions(flat: str) -> list[tuple[int, int, _Title]]:
    """Every danh hiệu named in ``flat`` (exact spellings), longest first, not overlapping."""
    found: list[tuple[int, int, _Title]] = []
    for _, regex, t in _MENTION_RES:
        for m in regex.finditer(flat):
            if not any(m.start() < e and s < m.end() for s, e, _ in found):
                found.append((m.start(), m.end(), t))
    return sorted(found, key=lambda x: x[0])


_MENTION_RES = [(k, re.compile(_words_re(k)), t) for k, t in _ALIAS_KEYS]


def _heading_context(text: str, blocks: list[Block], at: int) -> _Context | None:
    """The danh hiệu a heading just above a table names (``I. Danh hiệu Lao động tiên tiến``)."""
    seen = 0
    for j in range(at - 1, -1, -1):
        b = blocks[j]
        if b.kind == "table":
            return None
        if b.kind == "page_break":
            continue
        seen += 1
        if seen > HEADING_LOOKBACK:
            return None
        raw = text[b.start:b.end]
        if len(raw) > HEADING_MAX_CHARS:
            continue
        t, how = _match_title(raw)
        if t is None:
            names = {m[2].name for m in _title_mentions(_flat(raw))}
            if len(names) != 1:
                continue
            t, how = _BY_NAME[names.pop()], "exact"
        return _Context(_title_text(raw), t, how, (b.start, b.end))
    return None


def _title_text(raw: str) -> str:
    """A group line as a danh hiệu as written: label and trailing count dropped."""
    s = _LABEL.sub("", _one_line(raw))
    if re.search(r"\d", s):
        s = _TRAILING_COUNT.sub("", s)
    return s.strip(" .;:")


_LIST_CUE = re.compile(r"danh sach|de nghi|khen thuong")


def _list_cue_before(blocks: list[Block], at: int) -> bool:
    for j in range(at - 1, max(-1, at - 1 - HEADING_LOOKBACK), -1):
        if blocks[j].kind == "table":
            return False
        if _LIST_CUE.search(_flat(blocks[j].text or "")):
            return True
    return False


# ================================================================ table rows


def _read_table(text: str, index: int, block: Block, cols: _Columns,
                heading: _Context | None) -> tuple[list[Proposal], list[Figure], bool]:
    rows = block.rows or []
    grid = _grid(rows)
    proposals: list[Proposal] = []
    figures: list[Figure] = []
    group_title: _Context | None = None
    group_unit: tuple[str, tuple[int, int]] | None = None
    has_groups = False
    last: dict[str, tuple[str, tuple[int, int]]] = {}  # field -> last data row's value (for ditto marks)
    for r in range(cols.body, len(rows)):
        own = [cell for cell in rows[r] if cell.text.strip()]
        if not own:
            continue
        first = _flat(own[0].text).strip()
        if re.match(r"(?:tong|cong)\b", first):
            # "Cộng" closes a group (its subtotal), "Tổng cộng" the whole list.
            subtotal = first.startswith("cong") and group_title is not None
            figures += _table_total(text, index, own, group_title if subtotal else None)
            continue
        group = _group_line(grid[r], r, cols)
        if group is not None:
            cell = group
            t, how = _match_title(cell.text)
            figures += _prose_figures(text, cell.start, cell.end, index)
            if t is not None:
                group_title = _Context(_title_text(cell.text), t, how, (cell.start, cell.end))
                group_unit = None
                has_groups = True
            elif _starts_with(_title_text(cell.text), PATTERNS["unit_heads"]):
                group_unit = (_title_text(cell.text), (cell.start, cell.end))
            continue
        context = None if cols.has_title else group_title or heading
        proposals += _proposal(text, index, r, grid[r], cols, context, group_unit, last,
                               "group" if group_title else "heading")
    return proposals, figures, has_groups


def _group_line(cells: dict[int, Cell], r: int, cols: _Columns) -> Cell | None:
    """The cell of a group row (``I. Danh hiệu Lao động tiên tiến``, ``Trường TH số 1``), if row ``r`` is one."""
    own: list[Cell] = []
    for cell in cells.values():
        if cell.row == r and cell.text.strip() and all(cell is not o for o in own):
            own.append(cell)
    if not own:
        return None
    c_num = cols.col("row_number")
    label = next((c for c in own if c_num is not None and c.col == c_num), None)
    rest = [c for c in own if c is not label]
    if len(own) == 1 and own[0].colspan >= 2:
        return own[0]
    if label is not None and _ROMAN_OR_LETTER.match(label.text) and len(rest) == 1:
        return rest[0]
    if len(own) == 1:
        only = own[0]
        if cols.fields.get(only.col) in ("title", "unit", "position", "note"):
            return None  # a data row whose other cells are missing
        t, _ = _match_title(only.text)
        if t is not None or _LABEL.match(only.text) and not _NUMERIC_LABEL.match(only.text):
            return only
    return None


def _cell_value(cells: dict[int, Cell], col: int | None, r: int, name: str,
                last: dict[str, tuple[str, tuple[int, int]]]) -> tuple[str, tuple[int, int] | None, str]:
    """``(text, span, source)`` of one field of row ``r``."""
    if col is None:
        return "", None, "absent"
    cell = cells.get(col)
    if cell is None or not cell.text.strip():
        return "", None, "empty"
    value = _one_line(cell.text)
    if _is_ditto(value):
        if name in last:
            return last[name][0], last[name][1], "ditto"
        return value, (cell.start, cell.end), "cell"
    return value, (cell.start, cell.end), "cell" if cell.row == r else "merged"


def _proposal(text: str, index: int, r: int, cells: dict[int, Cell], cols: _Columns, context: _Context | None,
              group_unit: tuple[str, tuple[int, int]] | None, last: dict[str, tuple[str, tuple[int, int]]],
              context_kind: str) -> list[Proposal]:
    values: dict[str, tuple[str, tuple[int, int] | None, str]] = {}
    for name in ("row_number", "name", "position", "position_unit", "unit", "title", "note"):
        values[name] = _cell_value(cells, cols.col(name), r, name, last)
    marked = [(c, t) for c, t in cols.marks.items() if c in cells and cells[c].text.strip() and cells[c].row == r]
    content = [values[f][0] for f in ("name", "position", "position_unit", "unit", "title") if values[f][2] != "merged"]
    if not any(content) and not marked:
        return []  # a blank row of the form
    for f in ("name", "position", "position_unit", "unit", "title"):
        if values[f][0] and values[f][1] is not None:
            last[f] = (values[f][0], values[f][1])
    position, pos_span, pos_source = values["position"]
    unit, unit_span, unit_source = values["unit"]
    if values["position_unit"][2] != "absent":
        combined, span, source = values["position_unit"]
        pos_part, unit_part = _split_position_unit(combined)
        position, pos_span, pos_source = pos_part, span if pos_part else None, source if pos_part else "empty"
        if not unit:
            unit, unit_span, unit_source = unit_part, span if unit_part else None, source if unit_part else "empty"
    if not unit and group_unit is not None:
        unit, unit_span, unit_source = group_unit[0], group_unit[1], "group"
    row_cells = [c for c in cells.values() if c.row == r] or list(cells.values())
    start = min(c.start for c in row_cells)
    end = max(c.end for c in row_cells)
    name, name_span, name_source = values["name"]
    base: dict[str, Any] = {
        "name": name, "position": position, "unit": unit, "row_number": values["row_number"][0] or None,
        "note": values["note"][0], "block": index, "row": r, "start": start, "end": end,
    }
    spans = {k: v for k, v in (("name", name_span), ("position", pos_span), ("unit", unit_span),
                               ("row_number", values["row_number"][1]), ("note", values["note"][1])) if v}
    source = {"name": name_source, "position": pos_source, "unit": unit_source}
    titles: list[tuple[str, _Title | None, str | None, tuple[int, int] | None, str]] = []
    title, title_span, title_source = values["title"]
    if title:
        t, how = _match_title(title)
        titles.append((title, t, how, title_span, title_source))
    elif marked:
        for c, t in marked:
            titles.append((t.name, t, "exact", (cells[c].start, cells[c].end), "mark"))
    elif context is not None:
        titles.append((context.title, context.title_def, context.how, context.span, context_kind))
    else:
        titles.append(("", None, None, None, title_source))
    out = []
    for written, t, how, span, src in titles:
        collective = (t.kind == "collective") if t is not None and t.kind != "both" else _is_collective_name(name)
        out.append(Proposal(
            **base, title=written, title_name=t.name if t else None, collective=collective,
            spans={**spans, **({"title": span} if span else {})}, source={**source, "title": src},
            title_match=how if t else None,
        ))
    return out


def _split_position_unit(text: str) -> tuple[str, str]:
    """``Giáo viên, Trường TH số 1`` -> (``Giáo viên``, ``Trường TH số 1``); the unit starts at a unit word."""
    parts = re.split(r"\s*[,;\n]\s*|\s+[-–]\s+", text)
    for i in range(1, len(parts)):
        if _starts_with(parts[i], PATTERNS["unit_heads"]):
            return ", ".join(parts[:i]).strip(), ", ".join(parts[i:]).strip()
    if _starts_with(text, PATTERNS["unit_heads"]):
        return "", text.strip()
    return text.strip(), ""


# ================================================================ figures


def _alternation(phrases: list[str]) -> str:
    return "|".join(_words_re(p) for p in sorted(phrases, key=lambda p: len(_key(p)), reverse=True))


_FIG = PATTERNS["figures"]
_NOUN_RE = re.compile(r"\s*(?:\([^)\d]{0,30}\)\s*)?(" + _alternation(_FIG["count_nouns"]) + ")")
_COLLECTIVE_NOUN = re.compile(_alternation(_FIG["collective_nouns"]))
_INDIVIDUAL_NOUN = re.compile(_alternation(_FIG["individual_nouns"]))
_STAFF_RE = re.compile(_alternation(_FIG["staff_cues"]))
_PROPOSAL_RE = re.compile(_alternation(_FIG["proposal_cues"]))
_TOTAL_RE = re.compile(r"(?:" + _alternation(_FIG["total_cues"]) + r")[^\d]{0,40}$")
_NUMBER = re.compile(r"(?<![\w/.,-])(\d{1,4})(?![\w/]|[.,-]\d|\s*/\s*\d)")
_CLAUSE_END = re.compile(r"[;\n]|\.(?!\d)")


def _prose_figures(text: str, start: int, end: int, index: int) -> list[Figure]:
    """The counts a paragraph, heading or group line states: staff, proposals per danh hiệu, total."""
    out: list[Figure] = []
    flat = _flat(text[start:end])
    label = _LABEL.match(text[start:end])
    label_end = label.end() if label else 0
    clause_start = 0
    bounds = [m.end() for m in _CLAUSE_END.finditer(flat) if m.end() > label_end] + [len(flat)]
    for clause_end in bounds:
        labelled = (clause_start == 0 and label is not None) or bool(_LABEL.match(text[start + clause_start:end]))
        out += _clause_figures(text, flat, start, clause_start, clause_end, index, labelled)
        clause_start = clause_end
    return out


def _counts(flat: str, a: int, b: int) -> list[tuple[int, int, int, str | None]]:
    """``(value, start, end, noun)`` of each counted number in ``flat[a:b]``."""
    found = []
    clause = flat[a:b]
    for m in _NUMBER.finditer(clause):
        after = clause[m.end():]
        noun = _NOUN_RE.match(after)
        before = clause[:m.start()].rstrip()
        if noun:
            found.append((int(m.group(1)), a + m.start(), a + m.end() + noun.end(), noun.group(1)))
        elif before.endswith((":", "=", " la", " gom", " co")) or _TITLE_AT.match(after):
            found.append((int(m.group(1)), a + m.start(), a + m.end(), None))
    return found


_TITLE_AT = re.compile(r"\s*(?:" + "|".join(r.pattern for _, r, _ in _MENTION_RES) + ")")


def _clause_figures(text: str, flat: str, base: int, a: int, b: int, index: int, labelled: bool) -> list[Figure]:
    counts = _counts(flat, a, b)
    if not counts:
        return []
    mentions = [(s + a, e + a, t) for s, e, t in _title_mentions(flat[a:b])]
    out: list[Figure] = []
    for n, (value, s, e, noun) in enumerate(counts):
        prev_end = counts[n - 1][2] if n else a
        next_start = counts[n + 1][1] if n + 1 < len(counts) else b
        title: tuple[int, int, _Title] | None = None
        before = [m for m in mentions if prev_end <= m[0] and m[1] <= s]
        if before and re.fullmatch(r"[\s:=\-–]*(?:la|gom|co)?[\s:=]*", flat[before[-1][1]:s]):
            title = before[-1]
        if title is None:
            title = next((m for m in mentions if e <= m[0] and m[1] <= next_start), None)
        if title is None and before:
            title = before[-1]
        head = flat[a:s]
        subject = ""
        if noun and _COLLECTIVE_NOUN.fullmatch(noun):
            subject = "collective"
        elif noun and _INDIVIDUAL_NOUN.fullmatch(noun):
            subject = "individual"
        span_start = min(s, title[0]) if title else s
        span_end = max(e, title[1]) if title else e
        if title is not None:
            if not _PROPOSAL_RE.search(flat[:s]) and not labelled:
                continue  # a count of past results, not of this proposal
            t = title[2]
            out.append(Figure("proposed", value, _one_line(text[base + span_start: base + span_end]),
                              base + span_start, base + span_end, index,
                              title=_one_line(text[base + title[0]: base + title[1]]), title_name=t.name,
                              subject=subject))
            continue
        staff = list(_STAFF_RE.finditer(head))
        if staff and not _NUMBER.search(head[staff[-1].end():]) and not _PROPOSAL_RE.search(head[staff[-1].end():]):
            st = a + staff[-1].start()
            out.append(Figure("staff", value, _one_line(text[base + st: base + e]), base + st, base + e, index,
                              subject=subject))
            continue
        total = _TOTAL_RE.search(head)
        if total and (_PROPOSAL_RE.search(flat[:s]) or noun):
            st = a + total.start()
            out.append(Figure("proposed_total", value, _one_line(text[base + st: base + e]), base + st, base + e,
                              index, subject=subject))
    return out


def _table_total(text: str, index: int, own: list[Cell], group: _Context | None) -> list[Figure]:
    """A ``Tổng cộng`` row (the table's count) or a ``Cộng`` row closing a group (that danh hiệu's count)."""
    for cell in own:
        m = re.search(r"(?<![\w/])(\d{1,4})(?![\w/])", cell.text)
        if m:
            start = own[0].start
            t = group.title_def if group is not None else None
            return [Figure("table_total", int(m.group(1)), _one_line(text[start:cell.end]), start, cell.end, index,
                           title=group.title if group is not None else None, title_name=t.name if t else None)]
    return []
