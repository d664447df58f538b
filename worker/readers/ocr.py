"""OCR one page image into ``RawPage`` lines with pixel geometry (tesseract, ``vie``)."""

from __future__ import annotations

import shutil

import pytesseract
from PIL import Image

from nlp.model import RawLine, RawPage
from worker.errors import ReadTimeout, ToolMissing
from worker.readers.base import Limits

LANG = "vie"
PSM = 3
MISSING_HINT = "apt-get install tesseract-ocr tesseract-ocr-vie"


def _check_tesseract() -> None:
    """Fail with a clear error before a job starts OCR on a box without tesseract."""
    if shutil.which("tesseract") is None:
        raise ToolMissing(f"tesseract not found; install: {MISSING_HINT}")


def ocr_page(image: Image.Image, number: int, limits: Limits) -> RawPage:
    """OCR ``image`` (page ``number``) into lines; geometry is in pixels of ``image``."""
    _check_tesseract()
    gray = image.convert("L")
    try:
        data = pytesseract.image_to_data(
            gray, lang=LANG, config=f"--psm {PSM}", output_type=pytesseract.Output.DICT,
            timeout=limits.ocr_page_timeout,
        )
    except RuntimeError as exc:
        raise ReadTimeout(f"OCR page {number}: {exc}") from exc
    lines: dict[tuple[int, int, int], list[int]] = {}
    for i, word in enumerate(data["text"]):
        if word.strip():
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            lines.setdefault(key, []).append(i)
    items: list[RawLine] = []
    confs: list[float] = []
    keys = list(lines)
    for k, key in enumerate(keys):
        idx = lines[key]
        confs += [float(data["conf"][i]) for i in idx]
        items.append(RawLine(
            text=" ".join(data["text"][i].strip() for i in idx),
            x0=min(data["left"][i] for i in idx),
            x1=max(data["left"][i] + data["width"][i] for i in idx),
            top=min(data["top"][i] for i in idx),
            bottom=max(data["top"][i] + data["height"][i] for i in idx),
            para_end=k + 1 == len(keys) or keys[k + 1][:2] != key[:2],
        ))
    return RawPage(number=number, items=items, width=image.width, height=image.height, ocr=True,
                   ocr_confidence=sum(confs) / len(confs) if confs else None)
