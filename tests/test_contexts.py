"""Every template drafted from real extractions: the seed plan (text and Word) and two corpus
documents render, open with python-docx, and carry the document's own facts."""

from __future__ import annotations

import io
import json
from functools import cache
from pathlib import Path

import pytest

from tests.docx_factory import docx_text
from worker.analyze import analyze
from worker.contexts import DRAFTABLE, build_context, form_defaults
from worker.render import render

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SOURCES = {
    "seed_txt": SHARED / "corpus" / "kh_pgddt_dienbienphu_2022_thidua.txt",
    "seed_word": SHARED / "corpus" / "kh_pgddt_dienbienphu_2022_thidua_word.docx",
    "cv_digital": SHARED / "corpus" / "real" / "cv_ubnd_quangngai_kgvx_2025_01_gopy_vtci_digital.pdf",
    "qd_markdown": SHARED / "corpus" / "real" / "qd_ubnd_tuyenquang_986_2024_kehoach_thoigian_namhoc.md",
}
# What a clerk types into the form (what the documents cannot tell).
FORM = {
    "unit": "Phòng Giáo dục và Đào tạo", "issuer": "Phòng Giáo dục và Đào tạo", "place": "Điện Biên Phủ",
    "symbol": "QĐ-PGDĐT", "authority": "TRƯỞNG PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "signer_title": "Trưởng phòng",
    "recipients": "Như Điều 3;\nLưu: VT.", "executors": "Tổ Văn phòng, các trường trực thuộc",
    "period_from": "2022-01-01", "period_to": "2022-12-31",
}


@cache
def _extraction(name: str) -> dict:
    path = SOURCES[name]
    return analyze(path.read_bytes(), filename=path.name)




def _context(template: str, name: str) -> dict:
    extraction = _extraction(name)
    values = {**form_defaults(template, extraction, unit_name=FORM["unit"]), **FORM}
    if template == "bao_cao":
        values["symbol"] = "BC-PGDĐT"
        values["subject"] = "Kết quả thực hiện nhiệm vụ năm 2022"
    if template == "ke_hoach":
        values["symbol"] = (extraction["header"].get("symbol") or "KH-PGDĐT")
        values["subject"] = extraction["header"].get("subject") or "Kế hoạch"
        values["signer_title"] = extraction["header"].get("signer_title") or "Trưởng phòng"
    if template == "phieu_tom_tat" and not values.get("doc_subject"):
        values["doc_subject"] = "Kế hoạch thực hiện công tác thi đua, khen thưởng năm 2022"  # the clerk types it
    if template == "quyet_dinh" and not values.get("subject"):
        values["subject"] = "Về việc ban hành văn bản"
    return build_context(template, extraction, values)


@pytest.mark.parametrize("name", list(SOURCES))
@pytest.mark.parametrize("template", DRAFTABLE)
def test_every_template_renders_from_an_extraction(template: str, name: str):
    if template == "ke_hoach" and name == "cv_digital":
        pytest.skip("a công văn has no plan to rebuild")
    context = _context(template, name)
    text = docx_text(render(template, context))
    header = _extraction(name)["header"]
    if template == "phieu_tom_tat":
        assert context["doc_subject"] in text and (header["subject"] or context["doc_subject"]) in text
        for ref in _extraction(name)["references"][:3]:
            assert (ref.get("ref") or ref["text"]) in text
    if template == "quyet_dinh":
        assert "Điều 1." in text and "Ban hành kèm theo Quyết định này" in text
    if template == "ke_hoach":
        for task in _extraction(name)["tasks"]:
            assert task["text"] in text


def test_seed_plan_rebuilt_keeps_its_sections_tasks_and_closing():
    context = _context("ke_hoach", "seed_word")
    titles = [s["title"] for s in context["sections"]]
    assert titles == ["I. MỤC ĐÍCH, YÊU CẦU", "II. NHIỆM VỤ TRỌNG TÂM NĂM 2022",
                      "III. NHIỆM VỤ CỤ THỂ VÀ THỜI GIAN THỰC HIỆN", "IV. TỔ CHỨC THỰC HIỆN"]
    assert len(context["tasks"]) == 12
    assert context["closing"].startswith("Trên đây là Kế hoạch") and not context["closing"].endswith("./.")
    assert any(b.startswith("Căn cứ Kế hoạch số 217/KH-SGDĐT") for b in context["bases"])
    # the table's cells do not come back as paragraphs
    assert not any(p in ("Phòng", "GD&ĐT", "Thường xuyên") for s in context["sections"] for p in s["paragraphs"])


def test_digest_of_the_letter_quotes_its_request_and_deadline():
    context = _context("phieu_tom_tat", "cv_digital")
    assert any("giao Sở Thông tin và Truyền thông chủ trì" in a for a in context["asks"])
    assert {"date": "10/02/2025"} .items() <= context["deadlines"][0].items()
    assert context["doc_issuer"] and context["doc_subject"]
    json.dumps(context, ensure_ascii=False)  # the context is stored as JSON


def test_form_values_win_and_nothing_is_invented():
    extraction = _extraction("cv_digital")
    defaults = form_defaults("quyet_dinh", extraction, unit_name="Phòng A")
    assert defaults["number"] == "" and defaults["date"] == "" and defaults["signer_name"] == ""
    context = build_context("quyet_dinh", extraction, {**defaults, "place": "Quảng Ngãi", "signer_name": "Lê Văn B"})
    assert context["place"] == "Quảng Ngãi" and context["signer_name"] == "Lê Văn B"
    assert context["number"] is None and context["date"] is None


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SOURCES))
def test_digest_fits_one_page_with_room_for_the_leader(name: str):
    import pdfplumber

    from tests.docx_factory import soffice_available
    from worker.readers.office import convert_to_pdf

    if not soffice_available():
        pytest.fail("LibreOffice is needed to lay out the digest")
    pdf = convert_to_pdf(render("phieu_tom_tat", _context("phieu_tom_tat", name)))
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) == 1
        assert "Ý kiến chỉ đạo của lãnh đạo" in doc.pages[0].extract_text()
