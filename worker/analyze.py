"""Read a file and understand it: the one path the CLI, the worker job and the API share."""

from __future__ import annotations

from typing import Any

from nlp.extract import extract, to_contract
from worker.blanks import complete_header
from worker.readers import Limits, Progress, read_document
from worker.readers.base import no_progress


def analyze(
    data: bytes,
    *,
    filename: str | None = None,
    progress: Progress = no_progress,
    limits: Limits | None = None,
) -> dict[str, Any]:
    """Return the ``vanthu.extraction/1`` object for a file's bytes (raises ``ReadError`` on bad input)."""
    result = read_document(data, filename=filename, progress=progress, limits=limits)
    progress("extract", 0, 1)
    extraction = extract(result.text, result.blocks)
    contract = to_contract(result.source, result.text, extraction, result.warnings)
    if contract["header"]["review"]:
        progress("blanks", 0, 1)
        complete_header(data, result.source.format, contract["header"])
    progress("extract", 1, 1)
    return contract
