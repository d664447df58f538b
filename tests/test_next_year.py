"""Next year's plan from last year's (issue 8 acceptance) on the seed plan: the Word file with
tracked changes and comments, its clean version after accepting them, and the scanned copy
rebuilt in the Kế hoạch template with the same change list."""

from __future__ import annotations

import io
import re
from collections import Counter
from functools import cache

import docx
import pytest
from lxml import etree

from nlp.rollover import roll_text, unexplained_years
from tests.conftest import SHARED
from tests.docx_factory import convert, docx_text, soffice_available
from worker.rollover import draft_next_year
from worker.tracked import accept_all, paragraph_text, tracked_elements

SEED_WORD = SHARED / "corpus" / "kh_pgddt_dienbienphu_2022_thidua_word.docx"
SEED_SCAN = SHARED / "corpus" / "kh_pgddt_dienbienphu_2022_thidua_scan.pdf"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@cache
def _word():
    return draft_next_year(SEED_WORD.read_bytes(), SEED_WORD.name, to_year=2023)


def test_every_2022_left_in_the_word_draft_is_explained():
    document = docx.Document(str(SEED_WORD))
    for p in document.element.body.iter(f"{W}p"):
        text = paragraph_text(p)
        changes = roll_text(text, from_year=2022, to_year=2023) if text.strip() else []
        assert unexplained_years(text, changes, 2022) == [], text
    # and the draft carries exactly those changes
    assert len(_word().changes) == sum(
        len(roll_text(t, from_year=2022, to_year=2023)) for t in
        (paragraph_text(p) for p in document.element.body.iter(f"{W}p")) if t.strip())


def test_task_months_anniversaries_and_basis_references():
    result = _word()
    clean = docx.Document(io.BytesIO(accept_all(result.data)))
    tasks = next(t for t in clean.tables if len(t.columns) >= 5 and len(t.rows) >= 12)
    times = [row.cells[-1].text.strip() for row in tasks.rows[1:]]
    assert len(times) == 12
    for cell in times:
        assert "2022" not in cell
        assert "2023" in cell or cell.lower() == "thường xuyên", cell
    anniversaries = [c for c in result.changes if c["kind"] == "anniversary" and c["old"] in ("40", "30")]
    assert {(c["old"], c["new"]) for c in anniversaries} == {("40", "41"), ("30", "31")}
    assert all(c["review"] for c in anniversaries)
    basis = [c for c in result.changes if c["kind"] in ("placeholder", "basis_ref")]
    assert sorted(re.search(r"\d+/\w+-\w+", c["old"]).group(0) for c in basis) == [
        "217/KH-SGDĐT", "345/KH-UBND", "994/HD-PGDĐT"]
    assert all(c["review"] for c in basis if c["kind"] == "placeholder")


def test_tracked_changes_and_comments_are_in_the_file_and_in_libreoffice():
    result = _word()
    found = tracked_elements(result.data)
    assert found["counts"]["ins"] == sum(1 for c in result.changes if c["new"] is not None)
    # a comment on every item for a human, and on every note-only entry (a period kept as it is)
    assert found["counts"]["comments"] == sum(1 for c in result.changes if c["review"] or c["new"] is None)
    assert {e["author"] for e in found["ins"] + found["del"]} == {"vanthu"}
    assert any("217/KH-SGDĐT" in e["text"] for e in found["del"])
    assert any("…/KH-SGDĐT" in e["text"] for e in found["ins"])
    if not soffice_available():
        pytest.fail("LibreOffice is needed to open the draft")
    import pdfplumber

    with pdfplumber.open(io.BytesIO(convert(result.data, "pdf"))) as pdf:
        shown = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "217/KH-SGDĐT" in shown and "…/KH-SGDĐT" in shown  # changes shown: old and new text both printed


def test_accepted_draft_is_a_2023_plan_that_passes_the_checker(tmp_path, monkeypatch):
    from store import db, registry
    from worker.analyze import analyze
    from worker.check import check_extraction

    clean = accept_all(_word().data)
    text = docx_text(clean)
    assert "2021-2022" not in text and "2022-2023" in text
    extraction = analyze(clean, filename="ke_hoach_2023.docx")
    dated = [d for d in extraction["dates"] if d.get("start_date")]
    assert dated
    in_references = [(r["start"], r["end"]) for r in extraction["references"]]
    for d in dated:
        inside = any(a <= d["start"] < b for a, b in in_references)
        last = int((d.get("end_date") or d["start_date"])[:4])
        # the plan's own dates reach 2023 (năm học 2022-2023 too); a cited text keeps its own date
        assert inside or last >= 2023, d
    for task in extraction["tasks"]:
        if task.get("due_date"):
            assert task["due_date"].startswith("2023"), task
    monkeypatch.setenv("VANTHU_HOME", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    db.dispose_engines()
    try:
        db.migrate()
        registry.ensure_seeded()
        with db.session() as s:
            check_extraction(extraction, s)
    finally:
        db.dispose_engines()
    errors = [r for r in extraction["references"] if (r.get("check") or {}).get("status") == "error"]
    assert all("…" in r["text"] for r in errors), [(r["text"], r["check"]["findings"]) for r in errors]


@pytest.mark.slow
def test_scanned_copy_gives_a_template_draft_with_the_same_change_list():
    scan = draft_next_year(SEED_SCAN.read_bytes(), SEED_SCAN.name, to_year=2023)
    word = _word()
    assert scan.path == "template" and word.path == "tracked"
    assert Counter(c["kind"] for c in scan.changes) == Counter(c["kind"] for c in word.changes)
    key = ("placeholder", "anniversary", "header_day")
    assert sorted((c["kind"], c["new"]) for c in scan.changes if c["kind"] in key) == \
        sorted((c["kind"], c["new"]) for c in word.changes if c["kind"] in key)
    text = docx_text(scan.data)
    assert "năm 2023" in text and "Kế hoạch số …/KH-SGDĐT" in text
    assert re.search(r"ngày\s+tháng\s+năm 2023", text)


def test_paragraphs_without_changes_are_untouched():
    before = docx.Document(str(SEED_WORD))
    after = docx.Document(io.BytesIO(_word().data))
    old = [etree.tostring(p) for p in before.element.body.iter(f"{W}p")]
    new = [etree.tostring(p) for p in after.element.body.iter(f"{W}p")]
    assert len(old) == len(new)
    unchanged = [o for o in old if o in set(new)]
    assert len(unchanged) >= len(old) // 2  # most paragraphs carry no change and keep their XML


def test_basis_of_last_year_is_replaced_by_the_registrys_text_of_the_new_year(tmp_path, monkeypatch):
    from store import db, registry
    from store.models import Unit
    from worker.rollover import registry_resolver

    monkeypatch.setenv("VANTHU_HOME", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    db.dispose_engines()
    try:
        db.migrate()
        with db.session() as s:
            unit = Unit(code="pgd-dbp", name="Phòng GDĐT Điện Biên Phủ")
            s.add(unit)
            s.flush()
            # the Sở's 2023 plan, processed by this unit earlier in the year
            registry.register_document(s, unit.id, {
                "ref": "25/KH-SGDĐT", "doc_type": "Kế hoạch", "date": "2023-01-30",
                "issuer": "Sở Giáo dục và Đào tạo", "subject": "Thực hiện công tác thi đua, khen thưởng năm 2023"})
            unit_id = unit.id
        with db.session() as s:
            result = draft_next_year(SEED_WORD.read_bytes(), SEED_WORD.name, to_year=2023,
                                     resolve=registry_resolver(s, unit_id))
    finally:
        db.dispose_engines()
    replaced = [c for c in result.changes if c["kind"] == "basis_ref"]
    assert len(replaced) == 1 and "217/KH-SGDĐT" in replaced[0]["old"]
    assert replaced[0]["new"].startswith("Kế hoạch số 25/KH-SGDĐT ngày 30/01/2023")
    assert sum(1 for c in result.changes if c["kind"] == "placeholder") == 2  # 345/KH-UBND, 994/HD-PGDĐT
