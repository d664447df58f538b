"""Measure OCR character error rate (CER) per lever; ``python -m worker.ocr_eval`` prints the table.

Two metrics, both on NFC text with whitespace runs collapsed to one space:

* ``raw`` — Levenshtein(reference, OCR) / len(reference) over the whole page,
  so any reading-order difference counts as errors.
* ``matched`` — order-insensitive: each reference line is aligned to its best
  matching stretch of the OCR text (free start and end), the distances are
  summed, and every OCR character no reference line claimed counts as an
  insertion. List bullets at the start of OCR lines are ignored because the
  human transcriptions of the photographed pages leave them out.

The clean set is made here: a DOCX with known Vietnamese text (Liberation
Serif, metric-compatible with Times New Roman), converted to PDF by
LibreOffice and rendered at 300 dpi.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from rapidfuzz.distance import Levenshtein

from nlp.model import RawLine, RawPage
from worker.readers.base import Limits
from worker.readers.ocr import DEFAULT, OcrConfig, ocr_page, with_overrides

REAL_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real"
PHOTO_PAGES = ("cv_sgddt_danang_1906_2020_covid_p1", "cv_sgddt_danang_1906_2020_covid_p2")
RENDER_DPI = 300
CLEAN_FONT = "Liberation Serif"
_BULLET = re.compile(r"^\s*[-–—•+~*]\s+")
_SPACE = re.compile(r"\s+")

# Known text for the clean render: (left header, right header, body paragraphs).
CLEAN_HEADER_LEFT = ["UBND TỈNH QUẢNG NGÃI", "SỞ NỘI VỤ", "Số: 1234/SNV-VP"]
CLEAN_HEADER_RIGHT = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Quảng Ngãi, ngày 15 tháng 3 năm 2024",
]
CLEAN_BODY = [
    "V/v triển khai công tác văn thư, lưu trữ năm 2024",
    "Kính gửi: Thủ trưởng các cơ quan, đơn vị trực thuộc Ủy ban nhân dân tỉnh.",
    "Thực hiện Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư "
    "và Kế hoạch số 45/KH-UBND ngày 20 tháng 01 năm 2024 của Ủy ban nhân dân tỉnh, Sở Nội vụ đề nghị "
    "thủ trưởng các cơ quan, đơn vị quan tâm chỉ đạo thực hiện tốt một số nội dung sau đây:",
    "1. Rà soát, cập nhật danh mục hồ sơ, tài liệu; bảo đảm việc lập hồ sơ và giao nộp hồ sơ, tài liệu "
    "vào lưu trữ cơ quan đúng thời hạn quy định; không để tồn đọng hồ sơ, tài liệu tại các phòng, ban.",
    "2. Thực hiện nghiêm việc soạn thảo, ký ban hành văn bản theo đúng thể thức và kỹ thuật trình bày; "
    "quản lý chặt chẽ văn bản đến, văn bản đi và con dấu của cơ quan, tổ chức.",
    "3. Đẩy mạnh ứng dụng công nghệ thông tin, sử dụng chữ ký số trong gửi, nhận văn bản điện tử giữa "
    "các cơ quan hành chính nhà nước; báo cáo kết quả thực hiện về Sở Nội vụ trước ngày 30 tháng 11 năm 2024.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị phản ánh kịp thời về Sở Nội vụ "
    "(qua Phòng Văn thư - Lưu trữ) để được hướng dẫn, giải quyết./.",
]

# Levers measured one at a time on top of BASELINE, then the chosen DEFAULT.
BASELINE = OcrConfig(tessdata=None, recognizer="tesseract", psm=3, upscale=1.0, binarize="none", deskew=False, drop_red=False, rotate="none",
                     split_columns=False, drop_noise=False)
LEVERS: dict[str, OcrConfig] = {
    "baseline: tesseract vie, psm 3, no preprocessing": BASELINE,
    "upscale x2": with_overrides(BASELINE, upscale=2.0),
    "upscale x3": with_overrides(BASELINE, upscale=3.0),
    "upscale x4": with_overrides(BASELINE, upscale=4.0),
    "upscale auto (glyph height)": with_overrides(BASELINE, upscale=None),
    "binarize otsu": with_overrides(BASELINE, binarize="otsu"),
    "binarize adaptive": with_overrides(BASELINE, binarize="adaptive"),
    "binarize sauvola": with_overrides(BASELINE, binarize="sauvola"),
    "deskew": with_overrides(BASELINE, deskew=True),
    "drop red ink": with_overrides(BASELINE, drop_red=True),
    "psm 4": with_overrides(BASELINE, psm=4),
    "psm 6": with_overrides(BASELINE, psm=6),
    "split header columns": with_overrides(BASELINE, split_columns=True),
    "drop noise words": with_overrides(BASELINE, drop_noise=True),
    "model Vietnamese (script, Debian tesseract-ocr-script-viet)": with_overrides(BASELINE, lang="Vietnamese"),
    "line model AsterOCR (PyPI asterocr, ONNX)": with_overrides(BASELINE, recognizer="aster"),
    "chosen (DEFAULT)": DEFAULT,
    "chosen, line model AsterOCR": with_overrides(DEFAULT, recognizer="aster"),
}
# Other tessdata directories to measure, from the command line (--tessdata DIR ...).


# ---------------------------------------------------------------- metrics


def normalize(text: str) -> str:
    """NFC, whitespace runs (newlines too) collapsed to one space, trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def cer(reference: str, hypothesis: str) -> float:
    """Raw CER: edit distance over reference length, after ``normalize``."""
    ref, hyp = normalize(reference), normalize(hypothesis)
    return Levenshtein.distance(ref, hyp) / max(1, len(ref))


def _semi_global(needle: str, hay: str) -> tuple[int, int]:
    """Best (distance, end) of ``needle`` against any substring of ``hay`` ending at ``end``."""
    hay_codes = np.frombuffer(hay.encode("utf-32-le"), dtype=np.uint32)
    cols = np.arange(len(hay) + 1)
    row = np.zeros(len(hay) + 1, dtype=np.int64)  # free start anywhere in hay
    for i, ch in enumerate(needle, start=1):
        diag = row[:-1] + (hay_codes != ord(ch))
        vert = row + 1
        cand = vert.copy()
        cand[1:] = np.minimum(cand[1:], diag)
        cand[0] = i
        # horizontal moves (insertions in hay): running min of cand[k] + (j - k)
        row = np.minimum.accumulate(cand - cols) + cols
    end = int(np.argmin(row))
    return int(row[end]), end


def align_span(needle: str, hay: str) -> tuple[int, int, int]:
    """(distance, start, end) of the best approximate occurrence of ``needle`` in ``hay``."""
    if not hay:
        return len(needle), 0, 0
    dist, end = _semi_global(needle, hay)
    _, rev_end = _semi_global(needle[::-1], hay[:end][::-1])
    return dist, end - rev_end, end


def matched_cer(reference_lines: Sequence[str], hypothesis_lines: Sequence[str]) -> float:
    """Order-insensitive CER: reference lines aligned anywhere; unclaimed OCR text counts as inserted."""
    refs = [normalize(r) for r in reference_lines if normalize(r)]
    hyp = normalize(" ".join(_BULLET.sub("", h) for h in hypothesis_lines))
    claimed = np.zeros(len(hyp), dtype=bool)
    errors = 0
    for ref in sorted(refs, key=len, reverse=True):
        dist, start, end = align_span(ref, hyp)
        errors += dist
        claimed[start:end] = True
    unclaimed = sum(1 for ch, c in zip(hyp, claimed, strict=True) if not c and not ch.isspace())
    total = sum(len(r) for r in refs)
    return (errors + unclaimed) / max(1, total)


def page_lines(page: RawPage) -> list[str]:
    """The OCR lines of a page, in reading order."""
    return [item.text for item in page.items if isinstance(item, RawLine)]


# ---------------------------------------------------------------- test sets


@dataclass
class Sample:
    name: str
    image: Image.Image
    reference: list[str]


def photo_samples(real_dir: Path = REAL_DIR) -> list[Sample]:
    """The photographed pages with their human transcriptions."""
    out = []
    for stem in PHOTO_PAGES:
        ref = (real_dir / f"{stem}_gt.txt").read_text(encoding="utf-8").splitlines()
        out.append(Sample(stem.rsplit("_", 1)[-1], Image.open(real_dir / f"{stem}.jpg"), ref))
    return out


def clean_reference() -> list[str]:
    return CLEAN_HEADER_LEFT + CLEAN_HEADER_RIGHT + CLEAN_BODY


def write_clean_docx(path: Path) -> None:
    """A one-page letter with a borderless two-column header, in a Times-like font."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = CLEAN_FONT
    style.font.size = Pt(13)
    table = doc.add_table(rows=1, cols=2)
    for cell, lines in zip(table.rows[0].cells, (CLEAN_HEADER_LEFT, CLEAN_HEADER_RIGHT), strict=True):
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
        for p in cell.paragraphs:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in CLEAN_BODY:
        p = doc.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    doc.save(str(path))


def render_pdf(pdf: Path, dpi: int = RENDER_DPI) -> list[Image.Image]:
    """Pages of a PDF as images at ``dpi`` (what the PDF reader hands to ``ocr_page``)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [doc[i].render(scale=dpi / 72).to_pil() for i in range(len(doc))]
    finally:
        doc.close()


def clean_samples(workdir: Path, timeout: int = 120) -> list[Sample]:
    """Render the known DOCX through LibreOffice to 300-dpi page images."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) is needed for the clean render")
    docx = workdir / "clean.docx"
    write_clean_docx(docx)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{workdir}/lo",
                    "--convert-to", "pdf", "--outdir", str(workdir), str(docx)],
                   check=True, capture_output=True, timeout=timeout)
    pages = render_pdf(workdir / "clean.pdf")
    return [Sample("clean", pages[0], clean_reference())]


# ---------------------------------------------------------------- table


def measure(sample: Sample, config: OcrConfig, limits: Limits | None = None) -> tuple[float, float]:
    """(raw CER, matched CER) of one sample under one configuration."""
    page = ocr_page(sample.image, 1, limits or Limits(), config)
    lines = page_lines(page)
    return cer("\n".join(sample.reference), "\n".join(lines)), matched_cer(sample.reference, lines)


def run(levers: dict[str, OcrConfig], samples: list[Sample], out: Callable[[str], None] = print) -> None:
    """Print a markdown table: lever → raw / matched CER per sample."""
    head = " | ".join(f"{s.name} raw | {s.name} matched" for s in samples)
    out(f"| lever | {head} | seconds |")
    out("|---" * (2 * len(samples) + 2) + "|")
    for name, config in levers.items():
        t0 = time.monotonic()
        cells = []
        for s in samples:
            raw, matched = measure(s, config)
            cells.append(f"{100 * raw:.2f}% | {100 * matched:.2f}%")
        out(f"| {name} | {' | '.join(cells)} | {time.monotonic() - t0:.1f} |")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="measure only levers whose name contains this")
    parser.add_argument("--no-clean", action="store_true", help="skip the LibreOffice clean render")
    parser.add_argument("--tessdata", nargs="*", default=[], help="extra directories holding a vie.traineddata")
    args = parser.parse_args(argv)
    levers = dict(LEVERS)
    for directory in args.tessdata:
        levers[f"model vie from {directory}"] = with_overrides(BASELINE, tessdata=directory)
    levers = {k: v for k, v in levers.items() if not args.only or args.only in k}
    if importlib.util.find_spec("asterocr") is None:
        levers = {k: v for k, v in levers.items() if v.recognizer != "aster"}
    samples = photo_samples()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.no_clean:
            samples += clean_samples(Path(tmp))
        run(levers, samples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
