"""The interface every reader implements, and the limits they all obey."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from nlp.model import RawPage, SourceFormat

# stage, done, total: e.g. ("ocr", 3, 7). Long work reports through this.
Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """Default progress sink."""


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    """Bounds that keep one bad file from taking a worker down.

    Read from the environment so an office can raise them without code.
    """

    max_bytes: int = _env_int("VANTHU_MAX_BYTES", 100 * 1024 * 1024)
    max_pages: int = _env_int("VANTHU_MAX_PAGES", 500)
    max_unzipped_bytes: int = _env_int("VANTHU_MAX_UNZIPPED_BYTES", 200 * 1024 * 1024)
    max_zip_ratio: int = _env_int("VANTHU_MAX_ZIP_RATIO", 200)
    max_image_pixels: int = _env_int("VANTHU_MAX_IMAGE_PIXELS", 120_000_000)
    ocr_page_timeout: int = _env_int("VANTHU_OCR_PAGE_TIMEOUT", 120)
    convert_timeout: int = _env_int("VANTHU_CONVERT_TIMEOUT", 120)


@dataclass
class RawDocument:
    """What a reader hands to layout assembly."""

    format: SourceFormat
    pages: list[RawPage]
    warnings: list[str] = field(default_factory=list)
    converted_by: str | None = None
    # Text from a source that already has paragraph boundaries (DOCX, Markdown)
    # must not be re-wrapped; line sources (PDF, OCR, plain text) need joining.
    needs_joining: bool = True
    # Headers and footers (DOCX): running text kept out of the body, once per distinct line.
    running_text: list[str] = field(default_factory=list)


class Reader(Protocol):
    """One reader per content type, chosen by ``worker.sniff``."""

    def __call__(self, data: bytes, *, progress: Progress, limits: Limits) -> RawDocument: ...
