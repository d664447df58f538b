"""Rebuild paragraphs from a reader's pages and lay them out as one text.

PDF text layers, OCR and plain-text exports hand us visual lines: a sentence is
cut wherever the page was narrow, a page break splits a word or a symbol
(``994/HD-`` | ``PGDĐT``), a table runs onto the next page, and every page
repeats its header and number. This module turns those lines back into the
paragraphs the author wrote and writes them, with tables and page breaks, into
one normalized ``text`` whose offsets the blocks carry. No library does this
for Vietnamese administrative layout, so it is written here.

Two sources of evidence are used: geometry when the reader has it (line gap,
first-line indent, slack before the right margin, centring) and the words
otherwise (outline labels, sentence ends, upper-case lines, short lines).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from statistics import median

from nlp.model import Block, Cell, RawCell, RawLine, RawPage, RawParagraph, RawTable
from nlp.normalize import clean, match_key

# ------------------------------------------------------------------ patterns

# A line that starts a new paragraph whatever came before: outline labels
# (I., 1., 1.1., a), Điều 1.), list dashes, and the fixed lines of a header.
_STARTS_ITEM = re.compile(
    r"^(?:[IVXLC]+\.\s|\d+(?:\.\d+)*[.)]\s|[a-zđ]\)\s|[-–—+•*]\s?|Điều\s+\d+|Chương\s+[IVXLC\d]+\b|"
    r"Mục\s+\d+|Căn cứ\b|Nơi nhận|Kính gửi|CỘNG HÒA|Độc lập|Số:|V/v\b)",
)
# An outline label that opens a heading (``I. MỤC ĐÍCH``, ``1. Mục đích``, ``Điều 2.``).
_OUTLINE_LABEL = re.compile(r"^(?:[IVXLC]+\.|\d+(?:\.\d+)*\.|Điều\s+\d+\.?|Chương\s+[IVXLC\d]+|Mục\s+\d+)\s")
_ENDS_SENTENCE = re.compile(r"[.!?…:]['\"”’)]*$|\./\.$")
_ENDS_CLAUSE = re.compile(r"[;,]['\"”’)]*$")
_PAGE_NUMBER = re.compile(r"^(?:-\s*)?(?:trang\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*-)?$", re.IGNORECASE)
# A line-final hyphen glued to a code (``HD-``, ``KH-``, ``2021-``) continues a symbol.
_SYMBOL_HYPHEN = re.compile(r"[A-ZĐ0-9&]-$")
# Words a Vietnamese line cannot end a paragraph on: the phrase goes on.
_FUNCTION_WORDS = frozenset({
    "và", "của", "các", "cho", "với", "về", "tại", "theo", "trong", "ngày", "tháng", "năm", "số",
    "là", "được", "đến", "từ", "để", "do", "những", "hoặc", "nhằm", "bằng", "giữa",
})
# A line ending on a spaced dash (``Văn hóa -``) or an opening bracket runs on.
_DANGLING = re.compile(r"(?:\s[-–—]|[(\[“])$")

# Geometry thresholds, in font sizes (line heights when the reader has no size).
INDENT_SIZES = 1.0  # a first line starts this far right of the text's left edge
SLACK_SIZES = 2.5  # a line ending this far before the right edge ends its paragraph
GAP_EXTRA_SIZES = 0.4  # a vertical gap this much above the page's usual gap opens a paragraph
# Text heuristics: a line shorter than this share of the usual full line ends its paragraph.
SHORT_LINE_SHARE = 0.6
HEADING_LINE_SHARE = 0.8
MAX_HEADING_CHARS = 160
# Pages with fewer text lines than this are not used to find running heads and feet.
MIN_LINES_FOR_EDGES = 6


# ------------------------------------------------------------------ units


@dataclass
class _Para:
    lines: list[str]
    page: int
    page_end: int
    heading: bool = False
    known_end: bool = False  # the source said the paragraph ends here
    last: RawLine | None = None  # last visual line (for joining across a page break)
    first: RawLine | None = None
    geo: _Geometry | None = None

    @property
    def text(self) -> str:
        return _join_lines(self.lines)


@dataclass
class _Table:
    table: RawTable
    page: int
    page_end: int


@dataclass
class _PageBreak:
    page: int


_Unit = _Para | _Table | _PageBreak


@dataclass
class Assembled:
    text: str
    blocks: list[Block]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Geometry:
    """A page's text block: left and right edges and the usual gap between lines."""

    left: float
    right: float
    gap: float


@dataclass(frozen=True)
class _Context:
    geo: _Geometry | None
    typical_chars: int  # length of a full line in a text source without geometry


def assemble(pages: list[RawPage], *, join_lines: bool = True) -> Assembled:
    """Turn a reader's pages into one normalized text with blocks pointing into it."""
    repeated = _running_lines(pages) if join_lines else set()
    typical = _typical_chars(pages)
    units: list[_Unit] = []
    for page in pages:
        if units:
            units.append(_PageBreak(page.number))
        items = _strip_edges(list(page.items), repeated) if join_lines else list(page.items)
        ctx = _Context(_page_geometry(items), typical)
        units.extend(_page_units(page.number, items, ctx, join_lines))
    if join_lines:
        units = _join_across_breaks(units)
    return _write(units, join_lines)


# ------------------------------------------------------------------ per page


def _page_units(number: int, items: list, ctx: _Context, join_lines: bool) -> list[_Unit]:
    units: list[_Unit] = []
    current: _Para | None = None
    prev_line: RawLine | None = None
    for item in items:
        if isinstance(item, RawTable):
            current, prev_line = None, None
            units.append(_Table(item, number, number))
            continue
        if isinstance(item, RawParagraph):
            current, prev_line = None, None
            text = clean(item.text).strip()
            if text:
                units.append(_Para([text], number, number, heading=item.heading, known_end=True))
            continue
        text = clean(item.text).strip()
        if not text:
            if current is not None and not join_lines:
                current.known_end = True
                current = None
            continue
        if current is None or not join_lines or _starts_new(prev_line, item, current, ctx):
            current = _Para([text], number, number, first=item, geo=ctx.geo)
            units.append(current)
        else:
            current.lines.append(text)
        current.last = item
        if item.para_end:
            current.known_end = True
            current = None
        prev_line = item
    for unit in units:
        if isinstance(unit, _Para) and not unit.heading:
            unit.heading = _is_heading(unit)
    return units


def _starts_new(prev: RawLine | None, line: RawLine, current: _Para, ctx: _Context) -> bool:
    """Whether ``line`` opens a new paragraph rather than continuing ``current``."""
    if current.known_end:
        return True
    text = clean(line.text).strip()
    last = current.lines[-1]
    if _STARTS_ITEM.match(text):
        return True
    if _is_caps(last) != _is_caps(text) and not _continues_phrase(last, text):
        return True  # an upper-case heading or signer title stands on its own line
    if prev is not None and ctx.geo is not None and _has_geometry(prev) and _has_geometry(line):
        return _starts_new_geometry(prev, line, ctx.geo)
    return _starts_new_text(current, last, text, ctx.typical_chars)


def _starts_new_geometry(prev: RawLine, line: RawLine, geo: _Geometry) -> bool:
    """Line gap, first-line indent, right-margin slack and centring decide."""
    size = _size(prev)
    text = clean(line.text).strip()
    if line.top is not None and prev.bottom is not None and line.top - prev.bottom > geo.gap + GAP_EXTRA_SIZES * size:
        return True
    if prev.centered and line.centered:
        return prev.bold != line.bold  # a centred title wrapped over two lines
    if prev.centered != line.centered:
        return True
    if _has_slack(prev, geo) and not _continues_phrase(clean(prev.text).strip(), text):
        return True
    assert line.x0 is not None and prev.x0 is not None
    indented = line.x0 - geo.left > INDENT_SIZES * size
    return indented and line.x0 - prev.x0 > INDENT_SIZES * size


def _starts_new_text(current: _Para, last: str, text: str, typical: int) -> bool:
    """Without geometry: sentence ends, short lines and headings decide."""
    lower = text[:1].islower()
    if _ENDS_SENTENCE.search(last):
        return not lower
    if _continues_phrase(last, text):
        return False
    short = len(last) < SHORT_LINE_SHARE * typical
    if _ENDS_CLAUSE.search(last) and last.endswith(";"):
        return short
    if short:
        return True  # a short line ends its paragraph: a heading, a table cell
    heading_like = _OUTLINE_LABEL.match(current.lines[0]) and len(last) < HEADING_LINE_SHARE * typical
    return bool(heading_like) and not _ENDS_CLAUSE.search(last)


def _continues_phrase(last: str, text: str) -> bool:
    """The next line plainly carries on: a lower-case start, or the line ended mid-phrase."""
    if text[:1].islower():
        return True
    if _SYMBOL_HYPHEN.search(last) or _DANGLING.search(last):
        return True
    if text[:1] == "(" and not _ENDS_SENTENCE.search(last):
        return True
    words = last.split()
    return bool(words) and words[-1].lower() in _FUNCTION_WORDS


def _is_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and all(ch.isupper() for ch in letters)


def _is_heading(para: _Para) -> bool:
    """An outline label opening a short line without a sentence end: ``1. Mục đích``."""
    text = para.text
    return (bool(_OUTLINE_LABEL.match(text)) and len(text) <= MAX_HEADING_CHARS
            and not re.search(r"[.;:!?]['\"”’)]*$", text))


def _has_geometry(line: RawLine) -> bool:
    return line.x0 is not None and line.x1 is not None and line.top is not None and line.bottom is not None


def _size(line: RawLine) -> float:
    if line.size:
        return line.size
    if line.top is not None and line.bottom is not None and line.bottom > line.top:
        return line.bottom - line.top
    return 12.0


def _has_slack(line: RawLine, geo: _Geometry) -> bool:
    return line.x1 is not None and geo.right - line.x1 > SLACK_SIZES * _size(line)


def _page_geometry(items: list) -> _Geometry | None:
    """Left/right edges of the body text and its usual line gap, from lines with geometry."""
    lines = [it for it in items if isinstance(it, RawLine) and _has_geometry(it) and clean(it.text).strip()]
    if len(lines) < 3:
        return None
    lefts = sorted(it.x0 for it in lines)
    rights = sorted(it.x1 for it in lines)
    left = lefts[len(lefts) // 10]
    right = rights[min(len(rights) - 1, (9 * len(rights)) // 10)]
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:], strict=False) if b.top >= a.bottom - 1]
    gap = median(gaps) if gaps else 0.0
    return _Geometry(left, right, max(gap, 0.0))


def _typical_chars(pages: list[RawPage]) -> int:
    """Length of a full line in a source without geometry (80th percentile of line lengths)."""
    lengths = sorted(
        len(clean(it.text).strip())
        for page in pages
        for it in page.items
        if isinstance(it, RawLine) and not _has_geometry(it) and clean(it.text).strip()
    )
    if not lengths:
        return 80
    return max(20, lengths[(8 * len(lengths)) // 10])


# ------------------------------------------------------------ running heads


def _running_lines(pages: list[RawPage]) -> set[str]:
    """Lines that repeat at the top or bottom of most pages: running heads and feet."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for page in pages:
        edge = _edge_lines(page.items)
        counts.update({_digits_free(t) for t in edge})
    need = max(2, int(0.5 * len(pages)))
    return {key for key, n in counts.items() if key and n >= need}


def _edge_lines(items: list) -> list[str]:
    """First and last two lines; a short page is all edge, so it tells nothing."""
    lines = [clean(it.text).strip() for it in items if isinstance(it, RawLine) and clean(it.text).strip()]
    if len(lines) < MIN_LINES_FOR_EDGES:
        return []
    return lines[:2] + lines[-2:]


def _digits_free(text: str) -> str:
    return re.sub(r"\d+", "#", match_key(text))


def _strip_edges(items: list, repeated: set[str]) -> list:
    """Drop running headers/footers and bare page numbers at the page's top and bottom."""
    out = list(items)
    for from_end in (False, True):
        for _ in range(2):
            idx = _first_text_line(out, from_end=from_end)
            if idx is None:
                break
            text = clean(out[idx].text).strip()
            if _PAGE_NUMBER.match(text) or _digits_free(text) in repeated:
                del out[idx]
            else:
                break
    return out


def _first_text_line(items: list, *, from_end: bool) -> int | None:
    order = range(len(items) - 1, -1, -1) if from_end else range(len(items))
    for i in order:
        it = items[i]
        if isinstance(it, RawLine):
            if clean(it.text).strip():
                return i
            continue
        return None
    return None


# ------------------------------------------------------------ across pages


def _join_across_breaks(units: list[_Unit]) -> list[_Unit]:
    """Join a paragraph or a table cut by a page break with its continuation on the next page."""
    out: list[_Unit] = []
    i = 0
    while i < len(units):
        unit = units[i]
        nxt = units[i + 1] if i + 1 < len(units) else None
        before = next((u for u in reversed(out) if not isinstance(u, _PageBreak)), None)
        if isinstance(unit, _PageBreak) and before is not None and nxt is not None:
            if isinstance(before, _Para) and isinstance(nxt, _Para) and _para_continues(before, nxt):
                before.lines.extend(nxt.lines)
                before.page_end = nxt.page_end
                before.known_end = nxt.known_end
                before.last = nxt.last
                before.heading = _is_heading(before)
                out.append(unit)  # the break marker lands after the joined paragraph
                i += 2
                continue
            if isinstance(before, _Table) and isinstance(nxt, _Table) and _table_continues(before.table, nxt.table):
                before.table = _merge_tables(before.table, nxt.table)
                before.page_end = nxt.page_end
                out.append(unit)
                i += 2
                continue
        out.append(unit)
        i += 1
    return out


def _para_continues(before: _Para, after: _Para) -> bool:
    """The paragraph at a page's foot runs on at the next page's head."""
    if before.known_end or before.heading:
        return False
    last, first = before.lines[-1], after.lines[0]
    if _STARTS_ITEM.match(first):
        return False
    if before.last is not None and after.first is not None and before.geo and after.geo:
        if _has_slack(before.last, before.geo) and not _continues_phrase(last, first):
            return False
        assert after.first.x0 is not None
        if after.first.x0 - after.geo.left > INDENT_SIZES * _size(after.first) and not first[:1].islower():
            return False
        return not _ENDS_SENTENCE.search(last) or first[:1].islower()
    if _ENDS_SENTENCE.search(last):
        return first[:1].islower()
    return True


def _columns(table: RawTable) -> int:
    return max((sum(c.colspan for c in row) for row in table.rows), default=0)


def _table_continues(before: RawTable, after: RawTable) -> bool:
    """A data table on the next page with the same number of columns carries on the same table."""
    return not before.layout and not after.layout and before.rows and after.rows and _columns(before) == _columns(after)


def _merge_tables(before: RawTable, after: RawTable) -> RawTable:
    """Append ``after``'s rows; a first row with an empty first cell finishes the cut row."""
    rows = [list(r) for r in after.rows]
    if rows and len(rows[0]) == len(before.rows[0]) and all(
        match_key(a.text) == match_key(b.text) for a, b in zip(rows[0], before.rows[0], strict=True)
    ):
        rows = rows[1:]  # the header row repeated on the new page
    head = rows[0] if rows else None
    last = before.rows[-1]
    merged = [list(r) for r in before.rows]
    if head is not None and len(head) == len(last) and not head[0].text.strip() and last[0].text.strip():
        merged[-1] = [RawCell(_join_cell_parts(a.text, b.text), a.rowspan, a.colspan) for a, b in zip(last, head, strict=True)]
        rows = rows[1:]
    return RawTable(merged + rows, layout=before.layout)


def _join_cell_parts(a: str, b: str) -> str:
    a, b = a.strip(), b.strip()
    return f"{a}\n{b}" if a and b else a or b


# ------------------------------------------------------------------ writing


def _join_lines(lines: list[str]) -> str:
    out = ""
    for line in lines:
        if not out:
            out = line
        elif _SYMBOL_HYPHEN.search(out) and (line[:1].isupper() or line[:1].isdigit()):
            out += line  # "994/HD-" + "PGDĐT"
        else:
            out += " " + line
    return re.sub(r" {2,}", " ", out)


def _join_cell_lines(text: str, *, layout: bool) -> str:
    """Rejoin the lines a narrow cell wrapped; keep list items and header lines apart.

    In a layout cell (issuer | Quốc hiệu, Nơi nhận | signer) each visual line is
    its own line (issuer, parent issuer, number), so only plain continuations
    join; in a data cell lines join unless a new item or sentence starts.
    """
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    out: list[list[str]] = []
    for line in lines:
        if out and _cell_line_continues(out[-1][-1], line, layout=layout):
            out[-1].append(line)
        else:
            out.append([line])
    return "\n".join(_join_lines(group) for group in out)


def _cell_line_continues(last: str, line: str, *, layout: bool) -> bool:
    if _STARTS_ITEM.match(line):
        return False
    if layout:
        return _continues_phrase(last, line) or line[:1].isdigit()
    if _ENDS_SENTENCE.search(last):
        return line[:1].islower()
    return True


class _Writer:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0

    def add(self, text: str) -> tuple[int, int]:
        start = self.pos
        self.parts.append(text)
        self.pos += len(text)
        return start, self.pos

    def newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.add("\n")


def _write(units: list[_Unit], join_lines: bool) -> Assembled:
    w = _Writer()
    blocks: list[Block] = []
    for unit in units:
        if isinstance(unit, _PageBreak):
            blocks.append(Block("page_break", w.pos, w.pos, unit.page))
            continue
        if isinstance(unit, _Para):
            w.newline()
            text = unit.text
            start, end = w.add(text)
            kind = "heading" if unit.heading else "paragraph"
            blocks.append(Block(kind, start, end, unit.page, text=text, page_end=unit.page_end))
            continue
        w.newline()
        blocks.append(_write_table(w, unit, join_lines))
    text = "".join(w.parts)
    for block in blocks:
        block.text = text[block.start : block.end]
    return Assembled(text=text, blocks=blocks)


def _write_table(w: _Writer, unit: _Table, join_lines: bool) -> Block:
    """Write a data table row by row (cells split by tabs); a layout table column by column.

    A header table's columns are independent blocks (issuer and number on the
    left, Quốc hiệu and date on the right), so reading them row by row would
    interleave two texts.
    """
    start = w.pos
    layout = unit.table.layout
    rows: list[list[Cell | None]] = [[None] * len(raw_row) for raw_row in unit.table.rows]
    order = [(r, c) for r, raw_row in enumerate(unit.table.rows) for c in range(len(raw_row))]
    grid = _grid_columns(unit.table)
    if layout:
        order.sort(key=lambda rc: (rc[1], rc[0]))
    first = True
    prev_row = 0
    for r, c in order:
        raw = unit.table.rows[r][c]
        if not first:
            w.add("\n" if layout or r != prev_row else "\t")
        first = False
        prev_row = r
        text = _cell_text(raw, join_lines, layout)
        s, e = w.add(text)
        rows[r][c] = Cell(text, s, e, r, grid[r][c], raw.rowspan, raw.colspan)
    done = [[cell for cell in row if cell is not None] for row in rows]
    return Block("table", start, w.pos, unit.page, rows=done, layout=layout, page_end=unit.page_end)


def _grid_columns(table: RawTable) -> list[list[int]]:
    """The grid column of every cell: a merged cell is given once, so later cells of the rows
    it spans sit further right than their index in the row."""
    covered: set[tuple[int, int]] = set()
    out: list[list[int]] = []
    for r, row in enumerate(table.rows):
        col, cols = 0, []
        for cell in row:
            while (r, col) in covered:
                col += 1
            cols.append(col)
            covered.update((r + dr, col + dc) for dr in range(max(1, cell.rowspan)) for dc in range(max(1, cell.colspan)))
            col += max(1, cell.colspan)
        out.append(cols)
    return out


def _cell_text(cell: RawCell, join_lines: bool, layout: bool) -> str:
    lines = [ln.strip() for ln in clean(cell.text).split("\n")]
    text = "\n".join(ln for ln in lines if ln)
    return _join_cell_lines(text, layout=layout) if join_lines else text
