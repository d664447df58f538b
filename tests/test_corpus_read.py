"""Every corpus document reads without error, and every offset points at its text."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tests.conftest import CORPUS, REAL
from worker.readers import read_path

_SKIP_SUFFIXES = {".json", ".tsv"}


def _manifest_formats() -> dict[str, str]:
    rows = (REAL / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return {r.split("\t")[0]: r.split("\t")[4] for r in rows if r.strip()}


_FORMATS = _manifest_formats()


def _documents() -> list[Path]:
    files = [p for p in sorted(REAL.iterdir()) if p.suffix not in _SKIP_SUFFIXES]
    files += [p for p in sorted(CORPUS.iterdir()) if p.is_file() and p.suffix not in _SKIP_SUFFIXES | {".md"}]
    return files


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize("path", _documents(), ids=lambda p: p.name)
def test_corpus_file_reads(path: Path) -> None:
    result = read_path(path)
    assert result.text.strip(), "no text read"
    assert unicodedata.is_normalized("NFC", result.text)
    assert result.source.pages >= 1
    assert result.source.sha256 and len(result.source.sha256) == 64
    last = -1
    for block in result.blocks:
        assert block.start >= last or block.kind == "page_break"
        assert result.text[block.start : block.end] == block.text
        for row in block.rows or []:
            for cell in row:
                assert result.text[cell.start : cell.end] == cell.text
        last = block.start
    stated = _FORMATS.get(path.name, "")
    if stated.startswith(("pdf-scanned", "image")):
        assert result.source.ocr, f"manifest says {stated!r} but no OCR was used"
