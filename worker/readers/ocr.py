"""OCR one page image into ``RawPage`` lines with pixel geometry (tesseract, ``vie``).

Scans and phone photos of administrative letters share the same troubles: low
resolution, a page turned sideways, a slight skew, the red "ĐẾN" stamp and the
seal over the text, and a two-column header (issuer and number on the left,
Quốc hiệu and date on the right) that tesseract tends to read across, scanner
speckle, and ruled tables whose rules tesseract reads as ``|`` and ``_`` (those
are found and read cell by cell in ``worker.readers.ocr_tables``). Each step
below fixes one of them; ``docs/OCR.md`` records what each is worth.
Geometry is returned in pixels of the upright page at the input's scale.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from statistics import median
from typing import Literal

import cv2
import numpy as np
import pytesseract
from PIL import Image

from nlp.model import RawLine, RawPage, RawTable
from worker.errors import ReadTimeout, ToolMissing
from worker.readers.base import Limits
from worker.readers.ocr_tables import (
    CellBox,
    Grid,
    Rules,
    cell_image,
    find_grids,
    remove_specks,
    stack,
    to_raw_table,
)

Binarize = Literal["none", "otsu", "adaptive", "sauvola"]
Rotate = Literal["none", "osd"]
# "tesseract": tesseract's own text. "aster": tesseract finds the lines, the
# AsterOCR Vietnamese line model (ONNX weights inside the ``asterocr`` wheel)
# reads each one; it keeps tone marks that tesseract's vie model loses on
# low-resolution photos.
Recognizer = Literal["tesseract", "aster"]

MISSING_HINT = "apt-get install tesseract-ocr tesseract-ocr-vie"
# Threads per tesseract process. Workers already run jobs in parallel, and
# tesseract's OpenMP threads mostly spin on small pages, so one is the default.
THREADS = os.environ.get("VANTHU_OCR_THREADS", "1")

# A directory with a better vie.traineddata (see docs/OCR.md); unset: the system's.
TESSDATA = os.environ.get("VANTHU_TESSDATA") or None

# Upscaling: the median letter blob (about the x-height) should reach this many
# pixels; measured best on 70-dpi phone photos (docs/OCR.md). 300-dpi scans are above it.
TARGET_GLYPH_PX = 16.0
MAX_UPSCALE = 4.0
MAX_WORK_PIXELS = 60_000_000  # never upscale a page past this
# Red ink (stamps, seals): OpenCV hue is 0-180, red wraps around 0.
RED_HUE_LOW, RED_HUE_HIGH = 12, 160
RED_MIN_SATURATION = 50
RED_MIN_VALUE = 60
# Deskew search range and step, degrees.
SKEW_MAX_DEG, SKEW_STEP_DEG = 5.0, 0.2
SKEW_MIN_DEG = 0.3
# OSD must be at least this sure before we turn a page.
OSD_MIN_CONFIDENCE = 2.0
# A horizontal gap wider than this many line heights splits a line into columns.
COLUMN_GAP_LINE_HEIGHTS = 2.5
# Padding around a line crop for the line recognizer, in line heights.
CROP_PAD_LINE_HEIGHTS = 0.2
# Words tesseract is this unsure of and that carry no letter or digit are stamp noise.
NOISE_MAX_CONF = 40.0
# A line whose words average below this confidence is a signature or seal, not text.
NOISE_LINE_CONF = 45.0
# A page is speckled (and its specks removed) when it has this many specks per letter.
SPECKLED_SHARE = 0.5
# Ruled tables: cells are read with this page segmentation mode (one block of text),
# stacked on one sheet with this many x-heights of white between them.
CELL_PSM = 6
CELL_GAP_XHEIGHTS = 2.0
# White margin (pixels) blanked around a table before the rest of the page is read.
TABLE_MARGIN_PX = 6
_ALNUM = re.compile(r"\w", re.UNICODE)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class OcrConfig:
    """One OCR recipe; the default is the measured best (see docs/OCR.md)."""

    lang: str = "vie"
    tessdata: str | None = TESSDATA  # None: tesseract's own directory
    psm: int = 3
    upscale: float | None = None  # None: choose from glyph height; 1.0: never
    binarize: Binarize = "sauvola"
    deskew: bool = True
    drop_red: bool = True
    rotate: Rotate = "osd"
    split_columns: bool = True
    drop_noise: bool = True
    recognizer: Recognizer = "tesseract"
    despeckle: bool = True  # remove scanner speckle far smaller than a tone mark
    tables: bool = True  # find ruled tables and read them cell by cell


DEFAULT = OcrConfig()


@dataclass
class _Word:
    text: str
    conf: float
    x0: float
    top: float
    x1: float
    bottom: float
    key: tuple[int, int, int]  # block, paragraph, line


# ---------------------------------------------------------------- checks


def check_tesseract(lang: str = DEFAULT.lang, tessdata: str | None = DEFAULT.tessdata) -> None:
    """Fail with an error naming the Debian packages, before a job wastes time."""
    if shutil.which("tesseract") is None:
        raise ToolMissing(f"tesseract not found; install: {MISSING_HINT}")
    if lang not in _languages(tessdata):
        where = f" in {tessdata}" if tessdata else ""
        raise ToolMissing(f"tesseract language '{lang}' missing{where}; install: {MISSING_HINT}")


_LANGS: dict[str | None, set[str]] = {}


def _languages(tessdata: str | None) -> set[str]:
    """Installed tesseract languages, asked once per process and directory."""
    if tessdata not in _LANGS:
        cmd = ["tesseract", "--list-langs"] + (["--tessdata-dir", tessdata] if tessdata else [])
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ToolMissing(f"tesseract does not run: {exc}; install: {MISSING_HINT}") from exc
        _LANGS[tessdata] = {line.strip() for line in out.stdout.splitlines()[1:] if line.strip()}
    return _LANGS[tessdata]


def _tess_args(config: OcrConfig) -> str:
    """Command-line options shared by every tesseract call of one configuration."""
    return f"--tessdata-dir {config.tessdata}" if config.tessdata else ""


# ---------------------------------------------------------------- preprocessing


def to_gray(image: Image.Image, drop_red: bool) -> np.ndarray:
    """Grayscale, with saturated red ink (stamps, seals) turned to paper white."""
    rgb = np.asarray(image.convert("RGB"))
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if drop_red:
        hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
        h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
        red = ((h <= RED_HUE_LOW) | (h >= RED_HUE_HIGH)) & (s >= RED_MIN_SATURATION) & (v >= RED_MIN_VALUE)
        red = cv2.dilate(red.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        gray = gray.copy()
        gray[red] = _paper_level(gray)
    return gray


def _paper_level(gray: np.ndarray) -> int:
    """The page's background brightness, so erased ink blends in."""
    return int(np.percentile(gray, 90))


def glyph_height(gray: np.ndarray) -> float | None:
    """Median height of letter-sized dark blobs: how big the text is, in pixels."""
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]
    keep = (h >= 4) & (h <= gray.shape[0] / 20) & (w <= 4 * h) & (w >= 2)
    if n < 20 or keep.sum() < 20:
        return None
    return float(np.median(h[keep]))


def choose_scale(gray: np.ndarray, upscale: float | None) -> float:
    """How much to enlarge a low-resolution photo so glyphs reach tesseract's size."""
    if upscale is not None:
        scale = upscale
    else:
        height = glyph_height(gray)
        scale = 1.0 if not height else min(MAX_UPSCALE, TARGET_GLYPH_PX / height)
        if scale < 1.25:  # not worth the blur of resampling
            scale = 1.0
    cap = (MAX_WORK_PIXELS / max(1, gray.size)) ** 0.5
    return max(1.0, min(scale, cap))


def binarize(gray: np.ndarray, method: Binarize) -> np.ndarray:
    """Black text on white, by the chosen method (``none`` leaves it to tesseract)."""
    if method == "none":
        return gray
    if method == "otsu":
        blur = cv2.GaussianBlur(gray, (3, 3), 0)
        return cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1]
    window = _odd(max(15, gray.shape[1] // 40))
    if method == "adaptive":
        return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, window, 15)
    return _sauvola(gray, window)


def _odd(n: int) -> int:
    return n if n % 2 else n + 1


def _sauvola(gray: np.ndarray, window: int, k: float = 0.2, r: float = 128.0) -> np.ndarray:
    """Sauvola thresholding: copes with the uneven light of phone photos."""
    g = gray.astype(np.float64)
    mean = cv2.boxFilter(g, -1, (window, window))
    sq = cv2.boxFilter(g * g, -1, (window, window))
    std = np.sqrt(np.maximum(sq - mean * mean, 0))
    thresh = mean * (1 + k * (std / r - 1))
    return np.where(g > thresh, 255, 0).astype(np.uint8)


def skew_angle(gray: np.ndarray) -> float:
    """Angle (degrees, counter-clockwise) that makes text rows horizontal.

    Projection profiles: the right angle gives the sharpest row histogram.
    """
    small = gray
    if gray.shape[1] > 1000:
        f = 1000 / gray.shape[1]
        small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    h, w = ink.shape
    centre = (w / 2, h / 2)
    best, best_score = 0.0, -1.0
    for angle in np.arange(-SKEW_MAX_DEG, SKEW_MAX_DEG + 1e-9, SKEW_STEP_DEG):
        m = cv2.getRotationMatrix2D(centre, float(angle), 1.0)
        rows = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST).sum(axis=1, dtype=np.float64)
        score = float(np.sum(np.diff(rows) ** 2))
        if score > best_score:
            best, best_score = float(angle), score
    return best


def rotate_gray(gray: np.ndarray, angle: float) -> np.ndarray:
    """Rotate by a small angle, filling the corners with paper."""
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=_paper_level(gray))


# ---------------------------------------------------------------- tesseract calls


class _Deadline:
    """One time budget for all tesseract calls on a page, so a page never hangs."""

    def __init__(self, seconds: float, number: int):
        self.end = time.monotonic() + seconds
        self.number = number

    def left(self) -> float:
        remaining = self.end - time.monotonic()
        if remaining <= 0:
            raise ReadTimeout(f"OCR page {self.number}")
        return remaining


def _run(func, *args, deadline: _Deadline, **kwargs):
    """Call a pytesseract function within the page's remaining time."""
    try:
        return func(*args, timeout=deadline.left(), **kwargs)
    except pytesseract.TesseractError:
        raise  # a RuntimeError too, but tesseract's own complaint, not the clock
    except RuntimeError as exc:  # pytesseract kills tesseract and raises this on timeout
        raise ReadTimeout(f"OCR page {deadline.number}: {exc}") from exc
    except pytesseract.TesseractNotFoundError as exc:
        raise ToolMissing(f"tesseract not found; install: {MISSING_HINT}") from exc


def osd_rotation(gray: np.ndarray, config: OcrConfig, deadline: _Deadline) -> int:
    """Clockwise degrees (0/90/180/270) the page is turned, or 0 when OSD is unsure."""
    try:
        info = _run(pytesseract.image_to_osd, Image.fromarray(gray), config=f"{_tess_args(config)} --psm 0",
                    output_type=pytesseract.Output.DICT, deadline=deadline)
    except pytesseract.TesseractError:
        return 0  # too few characters to decide: leave the page as it is
    if float(info.get("orientation_conf", 0)) < OSD_MIN_CONFIDENCE:
        return 0
    return int(info.get("rotate", 0)) % 360


def _turn(gray: np.ndarray, clockwise: int) -> np.ndarray:
    """Rotate by a multiple of 90° clockwise."""
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(gray, codes[clockwise]) if clockwise in codes else gray


def _words(image: np.ndarray, config: OcrConfig, deadline: _Deadline, psm: int | None = None) -> list[_Word]:
    """Tesseract's words with boxes and confidences."""
    data = _run(pytesseract.image_to_data, Image.fromarray(image), lang=config.lang,
                config=f"{_tess_args(config)} --psm {psm or config.psm}",
                output_type=pytesseract.Output.DICT, deadline=deadline)
    out: list[_Word] = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        if not text:
            continue
        left, top = float(data["left"][i]), float(data["top"][i])
        out.append(_Word(text=text, conf=float(data["conf"][i]), x0=left, top=top,
                         x1=left + float(data["width"][i]), bottom=top + float(data["height"][i]),
                         key=(int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))))
    return out


# ---------------------------------------------------------------- lines and reading order


@dataclass
class _Line:
    words: list[_Word]
    key: tuple[int, int, int]
    para_end: bool = False
    text: str | None = None  # set by a line recognizer; else the words joined

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)


def _is_noise(word: _Word) -> bool:
    """A low-confidence mark with no letter or digit: a stamp edge or speck."""
    return word.conf < NOISE_MAX_CONF and not _ALNUM.search(word.text)


def _is_noise_line(line: _Line) -> bool:
    """Strokes of a signature or seal that tesseract read as a line of junk."""
    return sum(w.conf for w in line.words) / len(line.words) < NOISE_LINE_CONF


def group_lines(words: Iterable[_Word]) -> list[_Line]:
    """Words into lines in tesseract's order; para_end where its paragraph changes."""
    lines: list[_Line] = []
    for word in words:
        if lines and lines[-1].key == word.key:
            lines[-1].words.append(word)
        else:
            lines.append(_Line([word], word.key))
    for a, b in zip(lines, lines[1:], strict=False):
        a.para_end = a.key[:2] != b.key[:2]
    if lines:
        lines[-1].para_end = True
    return lines


def split_columns(lines: list[_Line]) -> list[_Line]:
    """Cut lines at a column gap and read a side-by-side band left column first.

    The header of an official letter puts issuer/Số on the left and Quốc
    hiệu/date on the right at the same heights; tesseract often joins them
    into one line. A band starts at a line with a wide gap; its neighbours
    join when they have a narrower gap overlapping it, or sit wholly on one
    side right next to the band.
    """
    out: list[_Line] = []
    plain = 0  # lines at the end of ``out`` that no band has claimed
    i = 0
    while i < len(lines):
        gap = _wide_gap(lines[i])
        if gap is None:
            out.append(lines[i])
            plain += 1
            i += 1
            continue
        before: list[_Line] = []
        while plain and _joins_band(out[-1], gap, [lines[i]], above=True):
            before.insert(0, out.pop())
            plain -= 1
        band = before + [lines[i]]
        j = i + 1
        while j < len(lines) and _joins_band(lines[j], gap, band, above=False):
            band.append(lines[j])
            j += 1
        left, right = _split_band(band, gap)
        out.extend(left + right)
        plain = 0
        i = j
    return out


def _line_height(line: _Line) -> float:
    return median(w.bottom - w.top for w in line.words)


def _gaps(line: _Line) -> list[tuple[float, float]]:
    """Inter-word gaps (start x, end x), left to right."""
    words = sorted(line.words, key=lambda w: w.x0)
    return [(a.x1, b.x0) for a, b in zip(words, words[1:], strict=False) if b.x0 > a.x1]


def _wide_gap(line: _Line) -> tuple[float, float] | None:
    """The widest inter-word gap when it is wide enough to separate columns."""
    gaps = _gaps(line)
    if not gaps:
        return None
    lo, hi = max(gaps, key=lambda g: g[1] - g[0])
    return (lo, hi) if hi - lo > COLUMN_GAP_LINE_HEIGHTS * _line_height(line) else None


def _gap_near(line: _Line, gap: tuple[float, float]) -> float | None:
    """x where ``line`` splits: the middle of its own gap overlapping ``gap``, if not tiny."""
    for lo, hi in _gaps(line):
        if lo < gap[1] and hi > gap[0] and hi - lo >= 0.5 * _line_height(line):
            return (lo + hi) / 2
    return None


def _joins_band(line: _Line, gap: tuple[float, float], band: list[_Line], above: bool) -> bool:
    """Whether ``line`` (just above or below ``band``) belongs to the same columns."""
    near = band[0] if above else max(band, key=lambda b: b.bottom)
    vgap = (near.top - line.bottom) if above else (line.top - near.bottom)
    if vgap > 0.8 * _line_height(near):
        return False
    cut = (gap[0] + gap[1]) / 2
    return _gap_near(line, gap) is not None or line.x1 <= cut or line.x0 >= cut


def _split_band(band: list[_Line], gap: tuple[float, float]) -> tuple[list[_Line], list[_Line]]:
    """Left and right column lines of a band; each keeps its own paragraph."""
    left: list[_Line] = []
    right: list[_Line] = []
    for line in band:
        cut = _gap_near(line, gap) or (gap[0] + gap[1]) / 2
        lw = [w for w in line.words if (w.x0 + w.x1) / 2 < cut]
        rw = [w for w in line.words if (w.x0 + w.x1) / 2 >= cut]
        if lw:
            left.append(_Line(lw, line.key, True))
        if rw:
            right.append(_Line(rw, line.key, True))
    return left, right


# ---------------------------------------------------------------- line recognizer


_ASTER = None


def _aster():
    """The AsterOCR line model, loaded once per process from the wheel's own weights."""
    global _ASTER
    if _ASTER is None:
        from asterocr import AsterOCR

        _ASTER = AsterOCR(enable_telemetry=False)
    return _ASTER


def recognize_lines(image: np.ndarray, lines: list[_Line], deadline: _Deadline) -> None:
    """Re-read each line's crop of ``image`` with the line model; keep tesseract's text if it returns none."""
    engine = _aster()
    h, w = image.shape[:2]
    for line in lines:
        deadline.left()
        pad = CROP_PAD_LINE_HEIGHTS * _line_height(line)
        y0, y1 = max(0, int(line.top - pad)), min(h, int(line.bottom + pad) + 1)
        x0, x1 = max(0, int(line.x0 - pad)), min(w, int(line.x1 + pad) + 1)
        if y1 - y0 < 4 or x1 - x0 < 4:
            continue
        text = _SPACES.sub(" ", unicodedata.normalize("NFC", str(engine.predict(Image.fromarray(image[y0:y1, x0:x1]))))).strip()
        if text:
            line.text = text


# ---------------------------------------------------------------- ruled tables


@dataclass
class _PlacedTable:
    table: RawTable
    top: float  # pixels of the working image, like the lines' geometry before scaling back
    confs: list[float]


def read_tables(binary: np.ndarray, xheight: float, config: OcrConfig,
                deadline: _Deadline) -> tuple[np.ndarray, list[_PlacedTable]]:
    """Find the ruled tables of a binarized page, read their cells, and blank them out of the page.

    Returns the page without the tables (for the line OCR) and each table with its top.
    """
    grids, rules = find_grids(binary, xheight)
    if not grids:
        return binary, []
    rest = binary.copy()
    placed: list[_PlacedTable] = []
    for grid in grids:
        texts, confs = _read_cells(binary, rules, grid, xheight, config, deadline)
        placed.append(_PlacedTable(to_raw_table(grid, texts), float(grid.ys[0]), confs))
        x0, y0, x1, y1 = grid.box
        m = TABLE_MARGIN_PX
        rest[max(0, y0 - m): y1 + m + 1, max(0, x0 - m): x1 + m + 1] = 255
    return rest, placed


def _read_cells(binary: np.ndarray, rules: Rules, grid: Grid, xheight: float, config: OcrConfig,
                deadline: _Deadline) -> tuple[dict[tuple[int, int], str], list[float]]:
    """Each cell's text (lines joined by newlines), from one tesseract call over the stacked crops."""
    boxes: list[CellBox] = []
    crops: list[np.ndarray] = []
    for cell in grid.cells:
        crop = cell_image(binary, rules, cell, xheight)
        if crop is not None:
            boxes.append(cell)
            crops.append(crop)
    if not crops:
        return {}, []
    sheet = stack(crops, max(10, round(CELL_GAP_XHEIGHTS * xheight)))
    words = _words(sheet.image, config, deadline, psm=CELL_PSM)
    if config.drop_noise:
        words = [w for w in words if not _is_noise(w)]
    per_cell: list[list[_Word]] = [[] for _ in boxes]
    for word in words:
        mid = (word.top + word.bottom) / 2
        for k, (lo, hi) in enumerate(sheet.bands):
            if lo - xheight <= mid <= hi + xheight:
                per_cell[k].append(word)
                break
    texts: dict[tuple[int, int], str] = {}
    for cell, cell_words in zip(boxes, per_cell, strict=True):
        lines = group_lines(sorted(cell_words, key=lambda w: (w.key, w.x0)))
        lines.sort(key=lambda ln: ln.top)
        texts[(cell.row, cell.col)] = "\n".join(" ".join(w.text for w in sorted(ln.words, key=lambda w: w.x0))
                                               for ln in lines)
    return texts, [w.conf for w in words if w.conf >= 0]


# ---------------------------------------------------------------- entry point


def ocr_page(image: Image.Image, number: int, limits: Limits, config: OcrConfig = DEFAULT) -> RawPage:
    """OCR ``image`` (page ``number``) into lines; geometry is in pixels at the input's scale."""
    check_tesseract(config.lang, config.tessdata)
    os.environ.setdefault("OMP_THREAD_LIMIT", THREADS)
    deadline = _Deadline(limits.ocr_page_timeout, number)
    gray = to_gray(image, config.drop_red)
    scale = choose_scale(gray, config.upscale)
    # Upscale first: OSD guesses wrong on low-resolution photos.
    upscaled = gray if scale == 1.0 else cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    if config.rotate == "osd":
        upscaled = _turn(upscaled, osd_rotation(upscaled, config, deadline))
    if config.deskew:
        angle = skew_angle(upscaled)
        if abs(angle) >= SKEW_MIN_DEG:
            upscaled = rotate_gray(upscaled, angle)
    height, width = (round(n / scale) for n in upscaled.shape[:2])
    binary = binarize(upscaled, config.binarize)
    xheight = glyph_height(binary) if config.despeckle or config.tables else None
    if config.despeckle and xheight:
        binary = remove_specks(binary, xheight, SPECKLED_SHARE)
    tables: list[_PlacedTable] = []
    if config.tables and xheight:
        binary, tables = read_tables(binary, xheight, config, deadline)
    words = _words(binary, config, deadline)
    if config.drop_noise:
        words = [w for w in words if not _is_noise(w)]
    lines = group_lines(words)
    if config.drop_noise:
        lines = [ln for ln in lines if not _is_noise_line(ln)]
    if config.split_columns:
        lines = split_columns(lines)
    if config.recognizer == "aster":
        recognize_lines(upscaled, lines, deadline)
    return _page(lines, number, width, height, scale, tables)


def _page(lines: list[_Line], number: int, width: int, height: int, scale: float,
          tables: list[_PlacedTable] | None = None) -> RawPage:
    """RawPage with geometry scaled back to the upright input's pixels; tables go in by their top."""
    items: list[RawLine | RawTable] = []
    confs: list[float] = []
    pending = sorted(tables or [], key=lambda t: t.top)
    for table in pending:
        confs += table.confs
    for line in lines:
        if not line.words:
            continue
        while pending and pending[0].top <= line.top:
            items.append(pending.pop(0).table)
        words = sorted(line.words, key=lambda w: w.x0)
        confs += [w.conf for w in words if w.conf >= 0]
        items.append(RawLine(
            text=line.text or " ".join(w.text for w in words),
            x0=line.x0 / scale, x1=line.x1 / scale, top=line.top / scale, bottom=line.bottom / scale,
            size=_line_height(line) / scale, para_end=line.para_end,
        ))
    items += [t.table for t in pending]
    return RawPage(number=number, items=items, width=float(width), height=float(height), ocr=True,
                   ocr_confidence=round(sum(confs) / len(confs), 1) if confs else None)


def with_overrides(config: OcrConfig = DEFAULT, **changes: object) -> OcrConfig:
    """A variant of ``config`` (used by ``worker.ocr_eval`` to measure one lever at a time)."""
    return replace(config, **changes)
