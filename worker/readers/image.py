"""Read JPEG/PNG/TIFF scans and phone photos: every frame is one OCR'd page."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from nlp.model import RawPage
from worker.errors import CorruptFile, NoText, TooLarge
from worker.readers.base import Limits, Progress, RawDocument, no_progress
from worker.readers.ocr import check_tesseract, ocr_page

# Errors Pillow raises on truncated or malformed image data.
_DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)


def read_image(data: bytes, *, progress: Progress = no_progress, limits: Limits | None = None) -> RawDocument:
    """OCR each frame of an image file; raise a clerk-readable error if nothing can be read."""
    limits = limits or Limits()
    check_tesseract()
    image = _open(data, limits)
    frames = getattr(image, "n_frames", 1)
    if frames > limits.max_pages:
        raise TooLarge(f"{frames} pages > {limits.max_pages}")
    pages: list[RawPage] = []
    for k in range(frames):
        progress("ocr", k, frames)
        pages.append(ocr_page(_frame(image, k, limits), k + 1, limits))
    progress("ocr", frames, frames)
    if not any(page.items for page in pages):
        raise NoText(f"{frames} image page(s) without readable text")
    return RawDocument(format="image", pages=pages)


def _open(data: bytes, limits: Limits) -> Image.Image:
    """Open without decoding pixels, refusing decompression bombs from the header alone."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise TooLarge(f"image: {exc}") from exc
    except _DECODE_ERRORS as exc:
        raise CorruptFile(f"image: {exc}") from exc
    _check_size(image, limits)
    return image


def _check_size(image: Image.Image, limits: Limits) -> None:
    """Width × height from the header, before Pillow allocates anything."""
    pixels = image.width * image.height
    if pixels > limits.max_image_pixels:
        raise TooLarge(f"image {image.width}x{image.height} = {pixels} pixels > {limits.max_image_pixels}")


def _frame(image: Image.Image, k: int, limits: Limits) -> Image.Image:
    """Frame ``k`` decoded, upright per its EXIF orientation (phones store photos sideways)."""
    try:
        image.seek(k)
        _check_size(image, limits)
        with warnings.catch_warnings():
            # Our own pixel limit is checked above; Pillow's bomb warning is noise here.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            frame = image.copy()
            frame.load()
        return ImageOps.exif_transpose(frame) or frame
    except Image.DecompressionBombError as exc:
        raise TooLarge(f"image frame {k + 1}: {exc}") from exc
    except _DECODE_ERRORS as exc:
        raise CorruptFile(f"image frame {k + 1}: {exc}") from exc
