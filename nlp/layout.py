"""Rebuild paragraphs from a reader's pages and lay them out as one text.

PDF text layers, OCR and plain-text exports hand us visual lines: a sentence is
cut wherever the page was narrow, a page break splits a word or a symbol
(``994/HD-`` | ``PGDĐT``), and every page repeats its header and number. This
module turns those lines back into the paragraphs the author wrote and writes
them, with tables and page breaks, into one normalized ``text`` whose offsets
the blocks carry. No library does this for Vietnamese administrative layout,
so it is written here.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from nlp.model import Block, Cell, RawCell, RawLine, RawPage, RawParagraph, RawTable
from nlp.normalize import clean, match_key

# A line that starts a new paragraph whatever came before: outline labels
# (I., 1., 1.1., a), Điều 1.), list dashes, and the fixed lines of a header.
_STARTS_ITEM = re.compile(
    r"^(?:[IVXLC]+\.\s|\d+(?:\.\d+)*[.)]\s|[a-zđ]\)\s|[-–—+•*]\s?|Điều\s+\d+|Chương\s+[IVXLC\d]+|"
    r"Mục\s+\d+|Căn cứ\b|Nơi nhận|Kính gửi|CỘNG HÒA|Độc lập|Số:|V/v\b)",
)
_ENDS_SENTENCE = re.compile(r"[.;:!?…]['\"”’)]*$|\./\.$")
_PAGE_NUMBER = re.compile(r"^(?:-\s*)?(?:trang\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*-)?$", re.IGNORECASE)
# A line-final hyphen glued to a code (``HD-``, ``KH-``) continues a symbol.
_SYMBOL_HYPHEN = re.compile(r"[A-ZĐ0-9&]-$")


@dataclass
class _Para:
    lines: list[str]
    page: int
    page_end: int
    heading: bool = False
    known_end: bool = False  # the source said the paragraph ends here

    @property
    def text(self) -> str:
        return _join_lines(self.lines)


@dataclass
class _Table:
    table: RawTable
    page: int


@dataclass
class _PageBreak:
    page: int


_Unit = _Para | _Table | _PageBreak


@dataclass
class Assembled:
    text: str
    blocks: list[Block]
    warnings: list[str] = field(default_factory=list)


def assemble(pages: list[RawPage], *, join_lines: bool = True) -> Assembled:
    """Turn a reader's pages into one normalized text with blocks pointing into it."""
    repeated = _running_lines(pages) if join_lines else set()
    units: list[_Unit] = []
    for page in pages:
        if units:
            units.append(_PageBreak(page.number))
        units.extend(_page_units(page, repeated, join_lines))
    if join_lines:
        units = _join_across_breaks(units)
    return _write(units)


# ------------------------------------------------------------------ per page


def _page_units(page: RawPage, repeated: set[str], join_lines: bool) -> list[_Unit]:
    units: list[_Unit] = []
    lines = [it for it in page.items]
    # Drop running headers/footers and bare page numbers at the page's edges.
    if join_lines:
        lines = _strip_edges(lines, repeated)
    current: _Para | None = None
    prev_line: RawLine | None = None
    for item in lines:
        if isinstance(item, RawTable):
            current = None
            units.append(_Table(item, page.number))
            prev_line = None
            continue
        if isinstance(item, RawParagraph):
            current = None
            text = clean(item.text).strip()
            if text:
                units.append(_Para([text], page.number, page.number, heading=item.heading, known_end=True))
            prev_line = None
            continue
        text = clean(item.text).strip()
        if not text:
            if current is not None:
                current.known_end = current.known_end or not join_lines
                if not join_lines:
                    current = None
            continue
        if current is None or not join_lines or _starts_new(prev_line, item, current):
            current = _Para([text], page.number, page.number)
            units.append(current)
        else:
            current.lines.append(text)
        if item.para_end:
            current.known_end = True
            current = None
        prev_line = item
    return units


def _starts_new(prev: RawLine | None, line: RawLine, current: _Para) -> bool:
    if current.known_end:
        return True
    text = clean(line.text).strip()
    last = current.lines[-1]
    if _STARTS_ITEM.match(text):
        return True
    if prev is not None and prev.x1 is not None and line.x0 is not None and prev.x0 is not None:
        # Geometry: a first-line indent or a vertical gap opens a paragraph.
        height = (prev.bottom or 0) - (prev.top or 0) or 12.0
        if line.top is not None and prev.bottom is not None and line.top - prev.bottom > 0.9 * height:
            return True
        if line.x0 - prev.x0 > 1.5 * height and _ENDS_SENTENCE.search(last):
            return True
        if prev.centered != line.centered:
            return True
    if _ENDS_SENTENCE.search(last):
        # A full stop at line end ends the paragraph unless the next line
        # plainly continues it (lower-case start).
        return not text[:1].islower()
    return False


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
    lines = [clean(it.text).strip() for it in items if isinstance(it, RawLine) and clean(it.text).strip()]
    return lines[:2] + lines[-2:]


def _digits_free(text: str) -> str:
    return re.sub(r"\d+", "#", match_key(text))


def _strip_edges(items: list, repeated: set[str]) -> list:
    out = list(items)
    for edge in (0, -1):
        for _ in range(2):
            idx = _first_text_line(out, from_end=edge == -1)
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
    """Join a paragraph cut by a page break with its continuation on the next page."""
    out: list[_Unit] = []
    i = 0
    while i < len(units):
        unit = units[i]
        if (
            isinstance(unit, _PageBreak)
            and out
            and isinstance(out[-1], _Para)
            and i + 1 < len(units)
            and isinstance(units[i + 1], _Para)
        ):
            before, after = out[-1], units[i + 1]
            if not before.known_end and not before.heading and _continues(before.lines[-1], after.lines[0]):
                before.lines.extend(after.lines)
                before.page_end = after.page_end
                before.known_end = after.known_end
                out.append(unit)  # keep the break marker; it lands after the joined paragraph
                i += 2
                continue
        out.append(unit)
        i += 1
    return out


def _continues(last: str, first: str) -> bool:
    if _STARTS_ITEM.match(first):
        return False
    if _ENDS_SENTENCE.search(last):
        return first[:1].islower()
    return True


# ------------------------------------------------------------------ writing


def _join_lines(lines: list[str]) -> str:
    out = ""
    for line in lines:
        if not out:
            out = line
        elif _SYMBOL_HYPHEN.search(out) and line[:1].isupper():
            out += line  # "994/HD-" + "PGDĐT"
        else:
            out += " " + line
    return re.sub(r" {2,}", " ", out)


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


def _write(units: list[_Unit]) -> Assembled:
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
        blocks.append(_write_table(w, unit))
    text = "".join(w.parts)
    for block in blocks:
        block.text = text[block.start : block.end]
    return Assembled(text=text, blocks=blocks)


def _write_table(w: _Writer, unit: _Table) -> Block:
    start = w.pos
    rows: list[list[Cell]] = []
    for r, raw_row in enumerate(unit.table.rows):
        if r:
            w.add("\n")
        row: list[Cell] = []
        for c, raw in enumerate(raw_row):
            if c:
                w.add("\n" if unit.table.layout else "\t")
            text = _cell_text(raw)
            s, e = w.add(text)
            row.append(Cell(text, s, e, r, c, raw.rowspan, raw.colspan))
        rows.append(row)
    return Block("table", start, w.pos, unit.page, rows=rows, layout=unit.table.layout)


def _cell_text(cell: RawCell) -> str:
    lines = [ln.strip() for ln in clean(cell.text).split("\n")]
    return "\n".join(ln for ln in lines if ln)
