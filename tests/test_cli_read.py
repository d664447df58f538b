"""`vanthu read` as a user runs it: text and outline, or JSON for programs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def _vanthu(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "service.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_read_text_prints_text_and_outline() -> None:
    out = _vanthu("read", str(SAMPLES / "cong_van_bao_cao_so_lieu.txt"))
    assert out.returncode == 0, out.stderr
    assert "Số: 101/PGDĐT-VP" in out.stdout
    assert "txt · 1 trang" in out.stdout
    assert "[paragraph p1" in out.stdout


def test_read_json_has_source_text_blocks() -> None:
    out = _vanthu("read", "--json", str(SAMPLES / "ke_hoach_ngay_hoi_doc_sach.docx"))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) >= {"source", "text", "blocks"}
    assert data["source"]["format"] == "docx"
    assert data["source"]["filename"] == "ke_hoach_ngay_hoi_doc_sach.docx"
    text = data["text"]
    tables = [b for b in data["blocks"] if b["kind"] == "table"]
    assert any(len(t["rows"]) == 4 for t in tables), "the task table has a header and three rows"
    for block in data["blocks"]:
        for row in block.get("rows", []):
            for cell in row:
                assert text[cell["start"] : cell["end"]] == cell["text"]


def test_read_bad_input_gives_bilingual_error(tmp_path: Path) -> None:
    fake = tmp_path / "report.pdf"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)  # an executable renamed .pdf
    out = _vanthu("read", str(fake))
    assert out.returncode == 2
    assert "Lỗi / Error [unsupported_format]" in out.stderr
    assert "Traceback" not in out.stderr
