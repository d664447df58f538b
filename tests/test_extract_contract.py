"""Every extraction validates against the shared contract schema and every offset points at its text."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import CORPUS, SHARED
from worker.analyze import analyze

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((SHARED / "contract" / "extraction.schema.json").read_text(encoding="utf-8"))
_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())

_FAST_INPUTS = [
    CORPUS / "kh_pgddt_dienbienphu_2022_thidua.txt",
    CORPUS / "kh_pgddt_dienbienphu_2022_thidua_word.docx",
    ROOT / "samples" / "cong_van_bao_cao_so_lieu.txt",
    ROOT / "samples" / "ke_hoach_ngay_hoi_doc_sach.docx",
    CORPUS / "real" / "cv_bldtbxh_2638_2019_dutoan_ncc.md",
    CORPUS / "real" / "nd_cp_249_2025_thu_hut_chuyengia_vbpl.txt",
]


def check_contract(data: dict) -> None:
    """Schema-valid, NFC everywhere, and every span's text equal to ``text[start:end]``."""
    errors = sorted(_VALIDATOR.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    text = data["text"]
    assert unicodedata.is_normalized("NFC", text)
    for family in ("references", "dates"):
        for item in data[family]:
            assert text[item["start"] : item["end"]] == item["text"], (family, item)
    for section in data["sections"]:
        assert text[section["start"] : section["end"]].startswith(section["label"])
    for task in data["tasks"]:
        if task.get("start") is not None:
            assert task["text"].split()[0] in text[task["start"] : task["end"]]
    dumped = json.dumps(data, ensure_ascii=False)
    assert unicodedata.is_normalized("NFC", dumped)


@pytest.mark.parametrize("path", _FAST_INPUTS, ids=lambda p: p.name)
def test_extraction_matches_contract(path: Path) -> None:
    data = analyze(path.read_bytes(), filename=path.name)
    assert data["schema"] == "vanthu.extraction/1"
    assert data["source"]["filename"] == path.name
    check_contract(data)


def test_sample_letter_identity() -> None:
    path = ROOT / "samples" / "cong_van_bao_cao_so_lieu.txt"
    data = analyze(path.read_bytes(), filename=path.name)
    header = data["header"]
    assert header["ref"] == "101/PGDĐT-VP"
    assert header["issuer"] == "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"
    assert header["doc_type"] == "Công văn" and header["doc_type_code"] is None
    assert (header["place"], header["date"]) == ("An Phú", "2025-09-12")
    assert header["subject"] == "báo cáo số liệu đầu năm học 2025-2026"
    assert header["signer_name"] == "Trần Văn Minh"
    assert [r["ref"] for r in data["references"]] == ["2310/SGDĐT-KHTC"]
    assert data["recipients"] == ["Như trên", "Lưu: VT."]


def test_sample_letter_motto_and_normalized_issuers() -> None:
    path = ROOT / "samples" / "cong_van_bao_cao_so_lieu.txt"
    data = analyze(path.read_bytes(), filename=path.name)
    assert data["header"]["quoc_hieu"] and data["header"]["tieu_ngu"]
    assert data["references"][0]["issuer_normalized"] == "Sở Giáo dục và Đào tạo"
