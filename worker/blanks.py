"""Read the number and day written into the header's blanks (by hand or by an e-signing stamp).

Most scans carry a typed ``Số:      /CT-UBND`` and ``ngày    tháng 4 năm 2020``
whose number and day were written by hand after signing; e-signed PDFs get them
stamped into the blank as an annotation that the text layer does not hold. The
page OCR misses both. Here the blank itself is found on the rendered page
(between ``Số:`` and the symbol, between ``ngày`` and ``tháng``), cropped, and
read again with a digits-only pass at a larger scale. A reading is kept only
when tesseract is sure of it; otherwise the field stays empty and the crop's
box (as fractions of the page) is returned so a person can look at it.
Only those two blanks are read, so a stamp's or a signature box's number and
time elsewhere on the page can never be taken for the document's own.
"""

from __future__ import annotations

import io
import re
from dataclasses import asdict, dataclass

import numpy as np
import pytesseract
from PIL import Image

from nlp.normalize import fold

RENDER_DPI = 300
HEAD_FRACTION = 0.42  # the header blocks sit in the top part of page 1
TYPED_CONFIDENCE = 80.0  # tesseract confidence needed for printed or stamped digits
DIGITS_CONFIG = "--psm 7 -c tessedit_char_whitelist=0123456789"
CROP_SCALE = 2.0
_SO = re.compile(r"^S[o0ô6eé]\W*$", re.I)
_NGAY = re.compile(r"^ngay\W*$", re.I)  # OCR glues stray marks to the word: "ngày?“"
_THANG = re.compile(r"^thang\W*$", re.I)


@dataclass
class BlankReading:
    field: str  # "number" or "day"
    value: str | None
    confidence: float
    page: int
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 as fractions of the page
    suggestion: str | None = None  # an unsure reading, shown to the clerk, never used as a fact

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    line: tuple[int, int, int]
    conf: float = 0.0

    @property
    def right(self) -> int:
        return self.left + self.width


def complete_header(data: bytes, fmt: str, header: dict) -> None:
    """Fill the header's blank number or day from page 1 when the text left them empty.

    Records every reading (with its crop box) in ``header["blanks"]``; a field
    is filled, and dropped from ``header["review"]``, only for a sure reading.
    """
    if fmt in {"pdf-scanned", "image"}:
        # On a scan the number and day are usually handwritten: even when the page OCR
        # read digits there, a person confirms them (they stay, but are listed in review).
        for field_name, present in (("number", header.get("number")), ("date", header.get("date"))):
            if present and field_name not in header["review"]:
                header["review"].append(field_name)
    review = set(header.get("review") or [])
    want = {f for f, need in (("number", "number" in review and header.get("symbol")),
                              ("day", "date" in review and header.get("date_month"))) if need}
    if not want or fmt not in {"pdf", "pdf-scanned", "image"}:
        return
    image = first_page_image(data, "image" if fmt == "image" else "pdf")
    if image is None:
        return
    readings = read_blanks(image, want, printed=fmt == "pdf")
    header["blanks"] = [r.to_dict() for r in readings]
    for reading in readings:
        if reading.value is None:
            continue
        if reading.field == "number":
            header["number"] = reading.value
            year = f"{header['year']}/" if header.get("year") else ""
            header["ref"] = f"{reading.value}/{year}{header['symbol']}"
            header["review"] = [f for f in header["review"] if f != "number"]
        elif reading.field == "day":
            header["date"] = f"{header['date_month']}-{int(reading.value):02d}"
            header["review"] = [f for f in header["review"] if f != "date"]


def first_page_image(data: bytes, kind: str) -> Image.Image | None:
    """Page 1 as the reader saw it, with form and signature appearances drawn."""
    if kind == "image":
        image = Image.open(io.BytesIO(data))
        image.seek(0)
        return image.convert("RGB")
    if kind != "pdf":
        return None
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data, password="")
    try:
        pdf.init_forms()
        page = pdf[0]
        bitmap = page.render(scale=RENDER_DPI / 72, may_draw_forms=True)
        return bitmap.to_pil().convert("RGB")
    finally:
        pdf.close()


def read_blanks(image: Image.Image, want: set[str], *, printed: bool, page: int = 1) -> list[BlankReading]:
    """Find and read the blanks named in ``want`` ({"number", "day"}) on a header page.

    ``printed`` says the page was born digital (an e-signing system stamps the
    number into the blank); on a scan the ink is handwriting.
    """
    width, height = image.size
    head = image.crop((0, 0, width, int(height * HEAD_FRACTION))).convert("L")
    words = _words(head)
    readings: list[BlankReading] = []
    if "number" in want:
        box = _number_box(words)
        if box:
            readings.append(_read_box(head, box, "number", page, image.size, printed, words))
    if "day" in want:
        box = _day_box(words)
        if box:
            readings.append(_read_box(head, box, "day", page, image.size, printed, words))
    return readings


def _words(gray: Image.Image) -> list[_Word]:
    data = pytesseract.image_to_data(gray, lang="vie", config="--psm 3", output_type=pytesseract.Output.DICT,
                                     timeout=60)
    out = []
    for i, text in enumerate(data["text"]):
        if text and text.strip():
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            out.append(_Word(text.strip(), data["left"][i], data["top"][i], data["width"][i], data["height"][i], key,
                             float(data["conf"][i])))
    return out


def _same_line(a: _Word, b: _Word) -> bool:
    mid = b.top + b.height / 2
    return a.top - a.height * 0.3 <= mid <= a.top + a.height * 1.3


def _number_box(words: list[_Word]) -> tuple[int, int, int, int] | None:
    """Between ``Số:`` and the word that opens the symbol (``/CT-UBND``)."""
    for i, word in enumerate(words):
        if not _SO.match(fold(word.text)):
            continue
        after = [w for w in words[i + 1 :] if _same_line(word, w) and w.left > word.right]
        symbol = next((w for w in after if "/" in w.text or "-" in w.text), None)
        if symbol is None:
            continue
        if re.match(r"^\d", symbol.text):
            return None  # the number is typed and was read with the page
        return _pad(word.right, symbol.left, word)
    return None


def _day_box(words: list[_Word]) -> tuple[int, int, int, int] | None:
    """Between ``ngày`` and ``tháng`` of the place-and-date line (whatever OCR made of the ink between)."""
    for i, word in enumerate(words):
        if not _NGAY.match(fold(word.text)):
            continue
        for nxt in words[i + 1 : i + 5]:
            if not _same_line(word, nxt):
                break
            if _THANG.match(fold(nxt.text)):
                # OCR may glue the blank's ink to the word ("ngày?“"): keep only the word's own width.
                right = word.left + int(word.width * 4 / max(4, len(word.text)))
                return _pad(right, nxt.left, word)
    return None


def _pad(x0: int, x1: int, ref: _Word) -> tuple[int, int, int, int] | None:
    if x1 - x0 < ref.height * 0.8:
        return None
    top = max(0, int(ref.top - ref.height * 0.8))
    bottom = int(ref.top + ref.height * 1.8)
    return (x0 + 2, top, x1 - 2, bottom)


def _read_box(head: Image.Image, box: tuple[int, int, int, int], field: str, page: int,
              size: tuple[int, int], printed: bool, words: list[_Word]) -> BlankReading:
    """Read the crop digits-only; only printed or stamped digits are trusted.

    Measured on the corpus (docs/OCR.md): on handwritten blanks tesseract's
    digit readings were right 2 times in 8 with confidences as high as 91, and a
    classifier trained on scikit-learn's 8×8 digits was confidently wrong, so a
    handwritten reading is only offered as a ``suggestion`` for the clerk.
    """
    candidates = [_tesseract_digits(head.crop(box)), _page_digits(words, box)]
    digits, confidence = max(candidates, key=lambda c: (c[0] is not None, c[1]))
    if digits is not None and not _plausible(field, digits):
        digits = None
    value = digits if printed and confidence >= TYPED_CONFIDENCE else None
    width, height = size
    frac = (box[0] / width, box[1] / height, box[2] / width, box[3] / height)
    return BlankReading(field, value, round(confidence, 1), page, tuple(round(v, 4) for v in frac),  # type: ignore[arg-type]
                        suggestion=None if value else digits)


def _page_digits(words: list[_Word], box: tuple[int, int, int, int]) -> tuple[str | None, float]:
    """What the page's own OCR read inside the blank, when it is all digits."""
    inside = [w for w in words if box[0] <= w.left + w.width / 2 <= box[2] and box[1] <= w.top + w.height / 2 <= box[3]]
    if not inside or not all(re.fullmatch(r"\d+", w.text) for w in inside):
        return None, 0.0
    return "".join(w.text for w in inside), min(w.conf for w in inside)


def _tesseract_digits(crop: Image.Image) -> tuple[str | None, float]:
    scaled = crop.resize((int(crop.width * CROP_SCALE), int(crop.height * CROP_SCALE)), Image.LANCZOS)
    padded = Image.fromarray(np.pad(np.asarray(scaled), 20, constant_values=255))
    data = pytesseract.image_to_data(padded, lang="eng", config=DIGITS_CONFIG,
                                     output_type=pytesseract.Output.DICT, timeout=30)
    digits, confs = "", []
    for text, conf in zip(data["text"], data["conf"], strict=False):
        if text and text.strip() and float(conf) >= 0:
            digits += re.sub(r"\D", "", text)
            confs.append(float(conf))
    return (digits or None), (min(confs) if confs else 0.0)


def _plausible(field: str, value: str) -> bool:
    if field == "day":
        return value.isdigit() and 1 <= int(value) <= 31 and len(value) <= 2
    return value.isdigit() and 1 <= len(value) <= 5 and int(value) > 0
