"""Ruled tables on a page image: find the grid, cut it into cells, read each cell.

Tesseract reads a ruled table across its columns and turns the rules into ``|``
and ``_``; a task table (TT | Nhiệm vụ | Đơn vị chủ trì | …) then becomes one
jumble. Here the rules themselves are the evidence: long horizontal and
vertical ink runs (morphological opening) form a grid, a missing stretch of a
separator merges two cells (colspan/rowspan), and each cell's crop is read on
its own (``--psm 6``). ``worker.readers.ocr`` blanks the tables' areas before
reading the rest of the page and puts each table among the lines by its top.
``docs/OCR.md`` records the figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from nlp.model import RawCell, RawTable

# Rule detection, relative to the x-height of the page's text (``glyph_height``)
# so that a photo and a 300-dpi scan are treated alike.
H_RULE_XHEIGHTS = 6.0  # a horizontal rule is at least this long (letters never are)
V_RULE_XHEIGHTS = 1.8  # a vertical rule at least this tall (a stem with its ascender is ~1.5)
RULE_GAP_PX = 5  # broken rules of a poor scan are bridged over this many pixels
# Rules whose centres lie this close (in line thicknesses, at least a few pixels) are one grid line.
MERGE_PX = 12
# A separator is there when its rule covers this share of the cell side.
SEPARATOR_COVER = 0.6
# A table needs this much width of the page, and at least two cells.
MIN_TABLE_WIDTH_SHARE = 0.2
MIN_CELLS = 2
# A cell with no ink blob at least this tall (in x-heights) holds no text and is not read.
MIN_GLYPH_XHEIGHTS = 0.6
# Ink blobs smaller than this share of x-height² are speckle: at 300 dpi (x-height
# ≈ 29 px) a scanner's specks cover 1-12 px, the dot of "i" or "ạ" 40 or more.
SPECK_XHEIGHT_SHARE = 1 / 60


@dataclass
class CellBox:
    row: int
    col: int
    rowspan: int
    colspan: int
    x0: int
    top: int
    x1: int
    bottom: int


@dataclass
class Grid:
    """One ruled table: grid line positions (pixels) and its cells, origin cells only."""

    xs: list[int]
    ys: list[int]
    cells: list[CellBox]

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    @property
    def rows(self) -> int:
        return len(self.ys) - 1

    @property
    def cols(self) -> int:
        return len(self.xs) - 1


@dataclass
class Rules:
    """The page's horizontal and vertical rule masks (255 = rule)."""

    horizontal: np.ndarray
    vertical: np.ndarray

    @property
    def both(self) -> np.ndarray:
        return cv2.bitwise_or(self.horizontal, self.vertical)


def find_rules(binary: np.ndarray, xheight: float) -> Rules:
    """Long horizontal and vertical ink runs of a black-on-white binary page that meet each other.

    A rule that touches no rule of the other direction at either end is an
    underline or a letter stroke, not part of a grid.
    """
    ink = cv2.threshold(binary, 127, 255, cv2.THRESH_BINARY_INV)[1]
    hlen = max(20, round(H_RULE_XHEIGHTS * xheight))
    vlen = max(15, round(V_RULE_XHEIGHTS * xheight))
    # Bridge small breaks of a horizontal rule, then keep only long runs. Vertical
    # runs are not bridged: that would join a tone mark to its letter's stem.
    horiz = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (RULE_GAP_PX, 1)))
    horiz = cv2.morphologyEx(horiz, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (hlen, 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, vlen)))
    near_h = cv2.dilate(horiz, np.ones((2 * RULE_GAP_PX + 1, 2 * RULE_GAP_PX + 1), np.uint8))
    near_v = cv2.dilate(vert, np.ones((2 * RULE_GAP_PX + 1, 2 * RULE_GAP_PX + 1), np.uint8))
    return Rules(_meeting(horiz, near_v, vertical=False), _meeting(vert, near_h, vertical=True))


def _meeting(mask: np.ndarray, other: np.ndarray, *, vertical: bool) -> np.ndarray:
    """The rules of ``mask`` with an end (or a crossing) on a rule of ``other``."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    keep = np.zeros(n, bool)
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if vertical:
            ends = (other[y, x:x + w], other[y + h - 1, x:x + w])
        else:
            ends = (other[y:y + h, x], other[y:y + h, x + w - 1])
        keep[i] = any(e.any() for e in ends)
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def find_grids(binary: np.ndarray, xheight: float) -> tuple[list[Grid], Rules]:
    """Every ruled table of a page, top to bottom."""
    rules = find_rules(binary, xheight)
    h, w = binary.shape[:2]
    joined = cv2.dilate(rules.both, np.ones((RULE_GAP_PX, RULE_GAP_PX), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    grids: list[Grid] = []
    for i in range(1, n):
        x, y, bw, bh = (int(v) for v in stats[i, :4])
        if bw < MIN_TABLE_WIDTH_SHARE * w or bh < V_RULE_XHEIGHTS * xheight:
            continue
        grid = _grid(rules, (x, y, x + bw, y + bh))
        if grid is not None and len(grid.cells) >= MIN_CELLS:
            grids.append(grid)
    grids.sort(key=lambda g: g.ys[0])
    return grids, rules


def _positions(mask: np.ndarray, axis: int, offset: int, min_len: float) -> list[int]:
    """Centres of the rules in ``mask`` across ``axis`` (0: rows of horizontal rules, 1: columns of vertical ones)."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    centres: list[tuple[float, int]] = []
    for i in range(1, n):
        x, y, bw, bh = (int(v) for v in stats[i, :4])
        length = bw if axis == 0 else bh
        if length < min_len:
            continue
        centre = y + bh / 2 if axis == 0 else x + bw / 2
        centres.append((centre, length))
    centres.sort()
    out: list[list[tuple[float, int]]] = []
    for c in centres:
        if out and c[0] - out[-1][-1][0] <= MERGE_PX:
            out[-1].append(c)
        else:
            out.append([c])
    # Each grid line sits at the length-weighted centre of the rules that make it.
    return [offset + round(sum(c * ln for c, ln in grp) / sum(ln for _, ln in grp)) for grp in out]


def _grid(rules: Rules, box: tuple[int, int, int, int]) -> Grid | None:
    """The grid of one cluster of rules; None unless ruled all round.

    A table has its four borders (Word draws them on each page a table runs
    onto); a stamp or a form box over the text usually lacks one.
    """
    x0, y0, x1, y1 = box
    ys = _positions(rules.horizontal[y0:y1, x0:x1], 0, y0, 0)
    xs = _positions(rules.vertical[y0:y1, x0:x1], 1, x0, 0)
    if len(ys) < 2 or len(xs) < 2:
        return None
    top, bottom, left, right = ys[0], ys[-1], xs[0], xs[-1]
    if not (_covered(rules.horizontal, top, left, right, vertical=False)
            and _covered(rules.horizontal, bottom, left, right, vertical=False)
            and _covered(rules.vertical, left, top, bottom, vertical=True)
            and _covered(rules.vertical, right, top, bottom, vertical=True)):
        return None
    nr, nc = len(ys) - 1, len(xs) - 1
    # Separators: right[r][c] is the rule between cell (r, c) and (r, c + 1); below[r][c] under (r, c).
    right_of = [[_covered(rules.vertical, xs[c + 1], ys[r], ys[r + 1], vertical=True) for c in range(nc - 1)]
                for r in range(nr)]
    below = [[_covered(rules.horizontal, ys[r + 1], xs[c], xs[c + 1], vertical=False) for c in range(nc)]
             for r in range(nr - 1)]
    return Grid(xs, ys, _cells(xs, ys, right_of, below))


def _covered(mask: np.ndarray, at: int, lo: int, hi: int, *, vertical: bool) -> bool:
    """Whether a rule runs along ``at`` over most of ``lo``..``hi``."""
    margin = max(2, (hi - lo) // 10)
    lo, hi = lo + margin, hi - margin
    if hi <= lo:
        return True
    band = mask[lo:hi, max(0, at - MERGE_PX): at + MERGE_PX + 1] if vertical \
        else mask[max(0, at - MERGE_PX): at + MERGE_PX + 1, lo:hi]
    hit = band.any(axis=1 if vertical else 0)
    return float(hit.mean()) >= SEPARATOR_COVER


def _cells(xs: list[int], ys: list[int], right: list[list[bool]], below: list[list[bool]]) -> list[CellBox]:
    """Grid cells joined where a separator is missing; each merged cell once, with its spans."""
    nr, nc = len(ys) - 1, len(xs) - 1
    parent = list(range(nr * nc))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    for r in range(nr):
        for c in range(nc - 1):
            if not right[r][c]:
                union(r * nc + c, r * nc + c + 1)
    for r in range(nr - 1):
        for c in range(nc):
            if not below[r][c]:
                union(r * nc + c, (r + 1) * nc + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(nr):
        for c in range(nc):
            groups.setdefault(find(r * nc + c), []).append((r, c))
    taken: set[tuple[int, int]] = set()
    cells: list[CellBox] = []
    for members in sorted(groups.values()):
        r0, r1 = min(m[0] for m in members), max(m[0] for m in members)
        c0, c1 = min(m[1] for m in members), max(m[1] for m in members)
        if (r0, c0) in taken:
            continue  # a ragged merge inside another cell's box
        taken.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1))
        cells.append(CellBox(r0, c0, r1 - r0 + 1, c1 - c0 + 1, xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]))
    cells.sort(key=lambda cb: (cb.row, cb.col))
    return cells


def remove_specks(image: np.ndarray, xheight: float, min_share: float = 0.0) -> np.ndarray:
    """White out ink blobs far smaller than a tone mark (scanner speckle); returns a copy.

    With ``min_share``, only when there are at least that many specks per
    letter-sized blob: a clean page keeps its few small blobs, which on a
    low-resolution photo are often pieces of tone marks.
    """
    ink = (image < 128).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < max(3.0, SPECK_XHEIGHT_SHARE * xheight * xheight)
    small[0] = False
    if min_share > 0:
        letters = int((stats[1:, cv2.CC_STAT_HEIGHT] >= MIN_GLYPH_XHEIGHTS * xheight).sum())
        if small.sum() < min_share * max(1, letters):
            return image
    out = image.copy()
    if small.any():
        out[small[labels]] = 255
    return out


def cell_image(binary: np.ndarray, rules: Rules, cell: CellBox, xheight: float) -> np.ndarray | None:
    """The cell's inside, rules and speckle removed; None when it holds no text."""
    pad = max(3, MERGE_PX // 2)
    x0, x1 = cell.x0 + pad, cell.x1 - pad
    y0, y1 = cell.top + pad, cell.bottom - pad
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    crop = binary[y0:y1, x0:x1].copy()
    crop[rules.both[y0:y1, x0:x1] > 0] = 255
    crop = remove_specks(crop, xheight)
    _, _, stats, _ = cv2.connectedComponentsWithStats((crop < 128).astype(np.uint8), connectivity=8)
    if not (stats[1:, cv2.CC_STAT_HEIGHT] >= MIN_GLYPH_XHEIGHTS * xheight).any():
        return None
    return crop


def to_raw_table(grid: Grid, texts: dict[tuple[int, int], str]) -> RawTable:
    """Rows of origin cells with their spans; a row wholly covered by cells above is dropped."""
    rows: list[list[RawCell]] = [[] for _ in range(grid.rows)]
    cells: dict[int, list[tuple[CellBox, RawCell]]] = {}
    for cb in grid.cells:
        raw = RawCell(texts.get((cb.row, cb.col), ""), rowspan=cb.rowspan, colspan=cb.colspan)
        rows[cb.row].append(raw)
        cells.setdefault(cb.row, []).append((cb, raw))
    out: list[list[RawCell]] = []
    for r, row in enumerate(rows):
        if row:
            out.append(row)
            continue
        for cb, raw in (p for rr in range(r) for p in cells.get(rr, [])):
            if cb.row < r < cb.row + cb.rowspan:
                raw.rowspan -= 1
    return RawTable(out)


@dataclass
class Sheet:
    """Cell crops stacked on one white image, so one tesseract call reads a whole table."""

    image: np.ndarray
    bands: list[tuple[int, int]]  # rows of the sheet each crop occupies


def stack(crops: list[np.ndarray], gap: int) -> Sheet:
    """Crops one under another, left-aligned, ``gap`` white pixels around each."""
    width = max(c.shape[1] for c in crops) + 2 * gap
    height = sum(c.shape[0] for c in crops) + gap * (len(crops) + 1)
    sheet = np.full((height, width), 255, np.uint8)
    bands: list[tuple[int, int]] = []
    y = gap
    for crop in crops:
        h, w = crop.shape[:2]
        sheet[y:y + h, gap:gap + w] = crop
        bands.append((y, y + h))
        y += h + gap
    return Sheet(sheet, bands)
