"""Read any file a clerk uploads into the one output model (``nlp.model.ReadResult``).

``read_document`` sniffs the bytes, hands them to the reader for that content
type, and lets ``nlp.layout`` rebuild paragraphs and offsets. Readers are
imported lazily: a worker that never sees a scan never loads OpenCV.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
from pathlib import Path

from nlp.layout import assemble
from nlp.model import ReadResult, Source
from worker.errors import CorruptFile, ReadError, TooLarge
from worker.readers.base import Limits, Progress, RawDocument, no_progress
from worker.sniff import sniff

# content kind -> "module:function"
READERS: dict[str, str] = {
    "docx": "worker.readers.docx:read_docx",
    "doc": "worker.readers.office:read_office",
    "odt": "worker.readers.office:read_office",
    "rtf": "worker.readers.office:read_office",
    "pdf": "worker.readers.pdf:read_pdf",
    "image": "worker.readers.image:read_image",
    "txt": "worker.readers.text:read_text",
    "md": "worker.readers.text:read_markdown",
}

log = logging.getLogger(__name__)

__all__ = ["read_document", "read_path", "ReadError", "Limits", "Progress"]


def read_document(
    data: bytes,
    *,
    filename: str | None = None,
    progress: Progress = no_progress,
    limits: Limits | None = None,
) -> ReadResult:
    """Read ``data`` whatever its format; raise a ``ReadError`` a clerk can understand."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise TooLarge(f"{len(data)} bytes > {limits.max_bytes}")
    kind = sniff(data)
    module_name, func_name = READERS[kind.kind].split(":")
    reader = getattr(importlib.import_module(module_name), func_name)
    progress("read", 0, 1)
    try:
        raw: RawDocument = reader(data, progress=progress, limits=limits)
    except ReadError:
        raise
    except Exception as exc:  # a library choking on malformed bytes must not crash a worker
        log.warning("reader %s failed", func_name, exc_info=True)
        raise CorruptFile(f"{type(exc).__name__}: {exc}") from exc
    progress("layout", 0, 1)
    assembled = assemble(raw.pages, join_lines=raw.needs_joining)
    source = Source(
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        format=raw.format,
        media_type=kind.media_type,
        pages=len(raw.pages),
        ocr=any(p.ocr for p in raw.pages),
        ocr_confidence=[p.ocr_confidence if p.ocr else None for p in raw.pages],
        converted_by=raw.converted_by,
        running_text=raw.running_text,
    )
    progress("layout", 1, 1)
    return ReadResult(source=source, text=assembled.text, blocks=assembled.blocks,
                      warnings=raw.warnings + assembled.warnings)


def read_path(path: str | Path, *, progress: Progress = no_progress, limits: Limits | None = None) -> ReadResult:
    """Read a file from disk (the CLI's entry)."""
    p = Path(path)
    limits = limits or Limits()
    size = p.stat().st_size
    if size > limits.max_bytes:
        raise TooLarge(f"{size} bytes > {limits.max_bytes}")
    return read_document(p.read_bytes(), filename=p.name, progress=progress, limits=limits)
