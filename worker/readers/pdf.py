"""PDF: the text layer when it is real text, OCR of the rendered page when it is not.

Born-digital PDFs (exported from Word, e-signed) carry a good text layer with
fonts and positions: we rebuild visual lines from words, keep tables found by
pdfplumber as tables, and read the side-by-side blocks of an official document
(issuer | Quốc hiệu at the top, Nơi nhận | signer at the end) one column at a
time, so they are not interleaved into one line. Scans carry no text, only
digital-signature boxes, or a poor OCR layer from the scanner's software
(no diacritics, ``HQI CilU``): such pages are rendered and OCR'd instead.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from statistics import median
from typing import Any

from nlp.model import RawCell, RawItem, RawLine, RawPage, RawTable
from nlp.normalize import clean, strip_diacritics
from worker.errors import CorruptFile, EncryptedFile, TooLarge, ToolMissing
from worker.readers.base import Limits, Progress, RawDocument

OCR_DPI = 300
# A horizontal gap wider than this many font sizes separates two columns.
COLUMN_GAP_SIZES = 2.0
# The gutter between two columns must stay at least this many font sizes wide.
MIN_GUTTER_SIZES = 0.4
# Words whose vertical extents overlap this much (share of the smaller height) share a line.
LINE_OVERLAP = 0.5
# Two words overlapping horizontally by more than this (points) cannot share a line.
CLASH_POINTS = 1.0
# A vertical gap of this many font sizes before a page-centred line ends a column band.
BAND_BREAK_SIZES = 1.0
# Words closer than this many font sizes are one word split by a font change.
TOUCH_SIZES = 0.12
# A line is centred when its middle is this close (share of text width) to the text block's middle.
CENTRE_TOLERANCE = 0.06

# Text-layer quality: below these a page is OCR'd (see ``text_layer_usable``).
MIN_LETTERS = 40  # fewer letters than this on a page that is mostly image: only stamps/signature boxes
MIN_DIACRITIC_RATIO = 0.12  # Vietnamese prose has ~30 % letters with marks; stripped OCR layers ~0-8 %
MIN_PLAUSIBLE_RATIO = 0.75  # share of words that look like Vietnamese syllables, numbers or codes
IMAGE_PAGE_COVER = 0.5  # a page whose images cover this share of its area is a scan
DIACRITIC_MIN_LETTERS = 80  # judge the diacritic ratio only on enough text
# A rendered page with less than this share of dark pixels is blank (text pages have ~5 %).
INK_LEVEL = 128
BLANK_INK_SHARE = 0.0015

_CID = re.compile(r"\(cid:\d+\)")
# One Vietnamese syllable written without its marks: onset, vowel nucleus, coda.
_SYLLABLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?"
    r"(?:[aeiouy]{1,3})"
    r"(?:ng|nh|ch|[cmnpt])?$"
)
# Upper-case codes (UBND, GD&ĐT, KH-SGDĐT), numbers, dates, symbols like 994/HD-PGDĐT.
_CODE = re.compile(r"^[\dA-ZĐ&/.,:;()\-–%]+$")
_EDGE_PUNCT = "\"'“”‘’()[]{}.,;:!?…-–—/*•+"


# ------------------------------------------------------------ text-layer quality


@dataclass(frozen=True)
class LayerStats:
    """What a page's text layer holds, measured before deciding to trust it."""

    letters: int
    diacritic_letters: int
    words: int
    plausible_words: int
    cid_glyphs: int
    image_cover: float  # share of the page area under raster images (0..1)


def layer_stats(text: str, image_cover: float) -> LayerStats:
    """Count letters, letters with Vietnamese marks and plausible words in ``text``."""
    text = unicodedata.normalize("NFC", text)
    cids = len(_CID.findall(text))
    text = _CID.sub(" ", text)
    letters = [ch for ch in text if ch.isalpha()]
    marked = sum(1 for ch in letters if strip_diacritics(ch) != ch)
    words = [w.strip(_EDGE_PUNCT) for w in text.split()]
    words = [w for w in words if w]
    plausible = sum(1 for w in words if _plausible_word(w))
    return LayerStats(len(letters), marked, len(words), plausible, cids, image_cover)


def _plausible_word(word: str) -> bool:
    """A Vietnamese syllable (with or without marks), a number or an upper-case code."""
    if _CODE.match(word):
        return True
    if not word.isalpha():
        return False
    folded = strip_diacritics(word).lower()
    return bool(_SYLLABLE.match(folded)) and (word.islower() or word[1:].islower() or word.isupper())


def text_layer_usable(stats: LayerStats) -> bool:
    """Whether a page's text layer is the real text, so OCR would only make it worse.

    A scan carries either nothing, signature boxes, or the scanner's own OCR;
    born-digital text has most words as valid syllables and about a third of
    its letters marked. Letters without marks alone do not condemn a page that
    is not an image (an English annex), but on a scan they do.
    """
    scanned = stats.image_cover >= IMAGE_PAGE_COVER
    if stats.cid_glyphs > max(10, stats.letters // 4):
        return False  # fonts without a Unicode map: the layer is glyph numbers
    if stats.letters < MIN_LETTERS:
        return not scanned
    if stats.words and stats.plausible_words / stats.words < MIN_PLAUSIBLE_RATIO:
        return False
    if scanned and stats.letters >= DIACRITIC_MIN_LETTERS:
        return stats.diacritic_letters / stats.letters >= MIN_DIACRITIC_RATIO
    return True


# ------------------------------------------------------------------ entry point


def read_pdf(data: bytes, *, progress: Progress, limits: Limits) -> RawDocument:
    """Read every page from its text layer, or by OCR where that layer is not real text."""
    pdf = _open(data)
    try:
        total = len(pdf.pages)
        if total > limits.max_pages:
            raise TooLarge(f"{total} pages > {limits.max_pages}",
                           vi=f"Tệp PDF có {total} trang, vượt giới hạn {limits.max_pages} trang.")
        pages: list[RawPage] = []
        warnings: list[str] = []
        ocr_pages = 0
        renderer = _Renderer(data)
        for number, page in enumerate(pdf.pages, 1):
            raw = _read_page(page, number)
            if not text_layer_usable(page_stats(page)):
                try:
                    raw = _ocr(renderer, number, limits)
                    ocr_pages += 1
                except ToolMissing:
                    if not raw.items:
                        raise
                    warnings.append(f"Trang {number}: lớp chữ kém nhưng máy chủ không có OCR, dùng lớp chữ có sẵn.")
            pages.append(raw)
            progress("pages", number, total)
        renderer.close()
    finally:
        pdf.close()
    fmt = "pdf-scanned" if pages and ocr_pages == len(pages) else "pdf"
    return RawDocument(fmt, pages, warnings=warnings)


def page_stats(page: Any) -> LayerStats:
    """Text-layer statistics of one pdfplumber page."""
    return layer_stats(page.extract_text() or "", _image_cover(page))


def _open(data: bytes) -> Any:
    """Open with pdfplumber, trying the empty password that many e-copies use."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data), password="")
        _ = pdf.pages  # parses the page tree: a broken file fails here, not later
        return pdf
    except Exception as exc:  # pdfminer raises many unrelated types on broken files
        # pdfplumber wraps pdfminer's error; look through the wrapper for the cause.
        causes = [exc, *(a for a in exc.args if isinstance(a, BaseException)), exc.__cause__, exc.__context__]
        if any(isinstance(c, PDFPasswordIncorrect | PDFEncryptionError) for c in causes):
            raise EncryptedFile(type(exc).__name__) from exc
        raise CorruptFile(f"{type(exc).__name__}: {exc}") from exc


def _image_cover(page: Any) -> float:
    """Share of the page covered by raster images (clipped to the page)."""
    area = float(page.width * page.height) or 1.0
    covered = 0.0
    for im in page.images:
        w = max(0.0, min(im["x1"], page.width) - max(im["x0"], 0))
        h = max(0.0, min(im["bottom"], page.height) - max(im["top"], 0))
        covered += w * h
    return min(1.0, covered / area)


# ------------------------------------------------------------------ OCR pages


class _Renderer:
    """pypdfium2 document opened once, rendering pages only when one needs OCR."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.doc: Any = None

    def render(self, number: int, limits: Limits) -> Any:
        import pypdfium2 as pdfium

        if self.doc is None:
            try:
                self.doc = pdfium.PdfDocument(self.data, password="")
            except pdfium.PdfiumError as exc:
                raise CorruptFile(f"pdfium: {exc}") from exc
        page = self.doc[number - 1]
        width, height = page.get_size()
        scale = OCR_DPI / 72
        pixels = width * height * scale * scale
        if pixels > limits.max_image_pixels:
            scale *= (limits.max_image_pixels / pixels) ** 0.5
        image = page.render(scale=scale).to_pil()
        page.close()
        return image

    def close(self) -> None:
        if self.doc is not None:
            self.doc.close()


def is_blank(image: Any) -> bool:
    """A page with almost no ink (the blank back side of a scan): nothing for OCR to read.

    Tesseract fails on such pages instead of returning nothing, so they are skipped.
    """
    import numpy as np

    gray = np.asarray(image.convert("L"))
    return bool(gray.size) and float((gray < INK_LEVEL).mean()) < BLANK_INK_SHARE


def _ocr(renderer: _Renderer, number: int, limits: Limits) -> RawPage:
    from worker.readers.ocr import ocr_page

    image = renderer.render(number, limits)
    if is_blank(image):
        return RawPage(number, [], width=float(image.width), height=float(image.height), ocr=True)
    return ocr_page(image, number, limits)


# ------------------------------------------------------------------ text pages


@dataclass
class _VLine:
    """One visual line of words (pdfplumber word dicts), left to right."""

    words: list[dict]

    @property
    def x0(self) -> float:
        return min(w["x0"] for w in self.words)

    @property
    def x1(self) -> float:
        return max(w["x1"] for w in self.words)

    @property
    def top(self) -> float:
        return min(w["top"] for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w["bottom"] for w in self.words)

    @property
    def size(self) -> float:
        return median(w["size"] for w in self.words)


@dataclass
class _Placed:
    """An item with the height it sits at, so tables and lines interleave in reading order."""

    top: float
    item: RawItem


def _read_page(page: Any, number: int) -> RawPage:
    """Lines, columns and tables of one page's text layer, in reading order."""
    tables = [t for t in page.find_tables() if _is_data_table(t)]
    boxes = [t.bbox for t in tables]
    words = [w for w in page.extract_words(extra_attrs=["size", "fontname"], use_text_flow=False)
             if w["text"].strip() and not any(_inside(w, box) for box in boxes)]
    lines = _group_lines(words)
    placed = [_Placed(t.bbox[1], _raw_table(t)) for t in tables]
    placed += _place_lines(lines)
    placed.sort(key=lambda p: p.top)
    return RawPage(number, [p.item for p in placed], width=float(page.width), height=float(page.height))


def _is_data_table(table: Any) -> bool:
    """A grid with at least two columns and some text; a lone box is a frame, not a table."""
    cells = [c for row in table.extract() for c in row if c and c.strip()]
    return len(table.columns) >= 2 and len(cells) >= 2


def _inside(word: dict, box: tuple[float, float, float, float]) -> bool:
    cx = (word["x0"] + word["x1"]) / 2
    cy = (word["top"] + word["bottom"]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _raw_table(table: Any) -> RawTable:
    """pdfplumber's grid as rows of cells; a merged cell appears once with its spans."""
    texts = table.extract()
    col_edges = [c.bbox for c in table.columns]
    row_edges = [r.bbox for r in table.rows]
    rows: list[list[RawCell]] = []
    for r, row in enumerate(table.rows):
        out: list[RawCell] = []
        for c, bbox in enumerate(row.cells):
            if bbox is None:
                continue
            colspan = sum(1 for e in col_edges if e[0] >= bbox[0] - 1 and e[2] <= bbox[2] + 1) or 1
            rowspan = sum(1 for e in row_edges if e[1] >= bbox[1] - 1 and e[3] <= bbox[3] + 1) or 1
            out.append(RawCell(clean(texts[r][c] or "").strip(), rowspan=rowspan, colspan=colspan))
        if out:
            rows.append(out)
    return RawTable(rows)


def _group_lines(words: list[dict]) -> list[_VLine]:
    """Words into visual lines by vertical overlap, each sorted left to right."""
    lines: list[_VLine] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        for line in reversed(lines[-3:]):
            # Compare with the line's first word, not its grown extent: side-by-side
            # columns with different leading would otherwise chain into one line.
            seed = line.words[0]
            overlap = min(seed["bottom"], word["bottom"]) - max(seed["top"], word["top"])
            height = min(seed["bottom"] - seed["top"], word["bottom"] - word["top"]) or 1.0
            clash = any(min(w["x1"], word["x1"]) - max(w["x0"], word["x0"]) > CLASH_POINTS for w in line.words)
            if overlap >= LINE_OVERLAP * height and not clash:
                line.words.append(word)
                break
        else:
            lines.append(_VLine([word]))
    for line in lines:
        line.words.sort(key=lambda w: w["x0"])
    return lines


def _place_lines(lines: list[_VLine]) -> list[_Placed]:
    """Plain lines as RawLine; side-by-side column bands as a layout table."""
    if not lines:
        return []
    left = min(ln.x0 for ln in lines)
    right = max(ln.x1 for ln in lines)
    out: list[_Placed] = []
    i = 0
    while i < len(lines):
        gutter = _widest_gap(lines[i])
        if gutter is None:
            out.append(_Placed(lines[i].top, _raw_line(lines[i].words, left, right)))
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not _opens_body(lines[j - 1], lines[j], left, right):
            narrowed = _narrow(gutter, lines[j])
            if narrowed is None:
                break
            gutter = narrowed
            j += 1
        out.append(_Placed(lines[i].top, _column_band(lines[i:j], gutter)))
        i = j
    return out


def _opens_body(prev: _VLine, line: _VLine, left: float, right: float) -> bool:
    """A page-centred line after a blank (the document title) ends a column band."""
    gap = line.top - prev.bottom
    centre = (left + right) / 2
    return (gap > BAND_BREAK_SIZES * line.size and _widest_gap(line) is None
            and abs((line.x0 + line.x1) / 2 - centre) < CENTRE_TOLERANCE * (right - left))


def _widest_gap(line: _VLine) -> tuple[float, float] | None:
    """The gap between two columns on this line, if one is wide enough."""
    gaps = [(b["x0"] - a["x1"], a["x1"], b["x0"]) for a, b in zip(line.words, line.words[1:], strict=False)]
    if not gaps:
        return None
    width, a, b = max(gaps)
    return (a, b) if width > COLUMN_GAP_SIZES * line.size else None


def _narrow(gutter: tuple[float, float], line: _VLine) -> tuple[float, float] | None:
    """The widest part of the gutter this line leaves free, or None when it runs across it."""
    free = [gutter]
    for w in line.words:
        free = [part for a, b in free for part in ((a, min(b, w["x0"])), (max(a, w["x1"]), b)) if part[1] > part[0]]
    if not free:
        return None
    best = max(free, key=lambda part: part[1] - part[0])
    if best[1] - best[0] < MIN_GUTTER_SIZES * line.size:
        return None
    return best


def _column_band(band: list[_VLine], gutter: tuple[float, float]) -> RawTable:
    """A band of side-by-side columns as one layout row: each cell holds its column's lines."""
    mid = (gutter[0] + gutter[1]) / 2
    cells = []
    for side in (lambda w: w["x1"] <= mid, lambda w: w["x0"] >= mid):
        texts = [_line_text([w for w in ln.words if side(w)]) for ln in band]
        cells.append(RawCell("\n".join(t for t in texts if t)))
    return RawTable([cells], layout=True)


def _line_text(words: list[dict]) -> str:
    """Words joined by a space unless they touch (a font change inside a word or before a bracket)."""
    out = ""
    prev: dict | None = None
    for w in words:
        touching = prev is not None and w["x0"] - prev["x1"] < TOUCH_SIZES * w["size"]
        out += w["text"] if touching or prev is None else " " + w["text"]
        prev = w
    return clean(out).strip()


def _raw_line(words: list[dict], left: float, right: float) -> RawLine:
    """A RawLine with the geometry the layout step uses to rebuild paragraphs."""
    x0 = min(w["x0"] for w in words)
    x1 = max(w["x1"] for w in words)
    width = max(right - left, 1.0)
    centred = abs((x0 + x1) / 2 - (left + right) / 2) < CENTRE_TOLERANCE * width and x0 - left > 0.1 * width
    chars = sum(len(w["text"]) for w in words) or 1
    bold = sum(len(w["text"]) for w in words if _is_bold(w["fontname"])) / chars > 0.5
    return RawLine(
        _line_text(words), x0=x0, x1=x1,
        top=min(w["top"] for w in words), bottom=max(w["bottom"] for w in words),
        size=round(median(w["size"] for w in words), 1), bold=bold, centered=centred,
    )


_BOLD: Callable[[str], bool] = re.compile(r"bold|black|heavy|semibold|,b$|-b$", re.IGNORECASE).search  # type: ignore[assignment]


def _is_bold(fontname: str) -> bool:
    return bool(_BOLD(fontname or ""))
