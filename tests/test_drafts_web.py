"""Drafting from a document through the pages: the form, the worker job, the downloads.

A processed plan is drafted into a phiếu tóm tắt, a decision issuing it and a report; the
rendering runs as a real rq job; the DOCX opens with python-docx and the PDF comes from
LibreOffice. Missing form values are shown beside their box; another unit sees nothing.
"""

from __future__ import annotations

import io
import re

import docx
import pytest

from tests import test_api as shared
from tests.docx_factory import docx_text, soffice_available
from tests.test_api import csrf_token, login, new_user, run_jobs

service_env = shared.service_env
make_app = shared.make_app
app = shared.app
client = shared.client
processed = shared.processed




def _post_form(client, url: str, values: dict) -> object:
    page = client.get(url)
    assert page.status_code == 200, url
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **values})


def _draft_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    match = re.search(r"/drafts/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def test_document_page_offers_the_drafts(client, processed):
    user, doc_id = processed
    login(client, user)
    html = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    for label in ("Tạo quyết định", "Tạo báo cáo", "In phiếu tóm tắt"):
        assert label in html
    form = client.get(f"/documents/{doc_id}/drafts/quyet_dinh").get_data(as_text=True)
    assert "Thẩm quyền ban hành" in form and "QĐ-PGDĐT" in form  # the plan's series, new type code
    assert "Căn cứ Kế hoạch số 98/KH-SGDĐT" in form  # the plan's own basis carried over
    assert client.get(f"/documents/{doc_id}/drafts/unknown").status_code == 404


def test_digest_is_rendered_by_the_worker_with_docx_and_pdf(client, processed, service_env):
    user, doc_id = processed
    login(client, user)
    draft_id = _draft_id(_post_form(client, f"/documents/{doc_id}/drafts/phieu_tom_tat",
                                    {"unit": "Trường THCS An Phú", "prepared_by": "Nguyễn Thị Lan"}))
    page = client.get(f"/drafts/{draft_id}").get_data(as_text=True)
    assert "đang chờ" in page or "đang soạn" in page
    run_jobs(service_env)
    page = client.get(f"/drafts/{draft_id}").get_data(as_text=True)
    assert "đã xong" in page and "Kiểm tra thể thức" in page
    data = client.get(f"/drafts/{draft_id}.docx").data
    text = docx_text(data)
    assert "Tổ chức Ngày hội đọc sách năm 2025" in text  # the document's trích yếu
    assert "Trường THCS An Phú" in text.upper() or "TRƯỜNG THCS AN PHÚ" in text
    assert "21/04/2025" in text  # a deadline of the plan
    assert "98/KH-SGDĐT" in text  # its citation, with the check result
    if soffice_available():
        pdf = client.get(f"/drafts/{draft_id}.pdf")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    listing = client.get("/drafts").get_data(as_text=True)
    assert f"/drafts/{draft_id}" in listing


def test_decision_form_reports_missing_values_beside_their_box(client, processed, service_env):
    user, doc_id = processed
    login(client, user)
    url = f"/documents/{doc_id}/drafts/quyet_dinh"
    response = _post_form(client, url, {"authority": "", "signer_title": "", "place": "An Phú",
                                        "symbol": "QĐ-PGDĐT", "issuer": "Phòng Giáo dục và Đào tạo",
                                        "subject": "Về việc ban hành Kế hoạch", "recipients": "Lưu: VT."})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Chưa soạn được" in html
    assert re.search(r'f-authority.*?class="error"', html, re.S)
    response = _post_form(client, url, {
        "authority": "TRƯỞNG PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "signer_title": "Trưởng phòng", "place": "An Phú",
        "symbol": "QĐ-PGDĐT", "issuer": "Phòng Giáo dục và Đào tạo", "parent_issuer": "UBND huyện An Phú",
        "subject": "Về việc ban hành Kế hoạch tổ chức Ngày hội đọc sách năm 2025",
        "bases": "Căn cứ Kế hoạch số 98/KH-SGDĐT ngày 20/02/2025 của Sở Giáo dục và Đào tạo;",
        "executors": "Tổ Văn phòng, các trường trực thuộc", "recipients": "Như Điều 3;\nLưu: VT."})
    draft_id = _draft_id(response)
    run_jobs(service_env)
    text = docx_text(client.get(f"/drafts/{draft_id}.docx").data)
    assert "Điều 1." in text and "Ban hành kèm theo Quyết định này Kế hoạch tổ chức Ngày hội đọc sách" in text
    assert "Tổ Văn phòng, các trường trực thuộc chịu trách nhiệm thi hành" in text
    assert re.search(r"Số:\s+/QĐ-PGDĐT", text)  # blank number until signed


def test_report_lists_done_and_due_tasks(client, processed, service_env):
    user, doc_id = processed
    login(client, user)
    form = {"issuer": "Phòng Giáo dục và Đào tạo", "symbol": "BC-PGDĐT", "place": "An Phú",
            "subject": "Kết quả tổ chức Ngày hội đọc sách năm 2025", "period_from": "2025-04-01",
            "period_to": "2025-05-31", "signer_title": "Trưởng phòng", "recipients": "Sở GDĐT (b/c);\nLưu: VT."}
    url = f"/documents/{doc_id}/drafts/bao_cao"
    done_id = _draft_id(_post_form(client, url, {**form, "done": "0", "result_0": "Đã trưng bày 1.200 đầu sách"}))
    due_id = _draft_id(_post_form(client, url, form))
    run_jobs(service_env)
    done = docx_text(client.get(f"/drafts/{done_id}.docx").data)
    due = docx_text(client.get(f"/drafts/{due_id}.docx").data)
    assert "Đã trưng bày 1.200 đầu sách" in done and "Chưa có báo cáo kết quả" not in done
    assert "tổ chức trưng bày sách" in due and "Chưa có báo cáo kết quả" in due
    assert "từ ngày 01/4/2025 đến ngày 31/5/2025" in done


def test_drafts_of_another_unit_are_404(app, processed, service_env):
    user, doc_id = processed
    owner, intruder = app.test_client(), app.test_client()
    login(owner, user)
    draft_id = _draft_id(_post_form(owner, f"/documents/{doc_id}/drafts/phieu_tom_tat", {"unit": "Trường A"}))
    run_jobs(service_env)
    other = new_user()
    login(intruder, other)
    for url in (f"/drafts/{draft_id}", f"/drafts/{draft_id}.docx", f"/drafts/{draft_id}.pdf",
                f"/documents/{doc_id}/drafts/phieu_tom_tat"):
        assert owner.get(url).status_code == 200, url
        assert intruder.get(url).status_code == 404, url
    assert f"/drafts/{draft_id}" not in intruder.get("/drafts").get_data(as_text=True)


def test_leaders_may_read_but_not_draft(app, processed):
    user, doc_id = processed
    leader = new_user("leader", unit=user.unit)
    c = app.test_client()
    login(c, leader)
    assert c.get(f"/documents/{doc_id}/drafts/phieu_tom_tat").status_code == 403
    assert "In phiếu tóm tắt" not in c.get(f"/documents/{doc_id}").get_data(as_text=True)


@pytest.mark.parametrize("kind", ["docx", "txt"])
def test_format_check_page(client, service_env, kind):
    from tests.test_api import upload
    from worker.render import TEMPLATES_DIR, render

    user = new_user()
    import json

    if kind == "docx":
        example = json.loads((TEMPLATES_DIR / "ke_hoach.example.json").read_text(encoding="utf-8"))
        example["date"] = "2026-03-05"
        body = render("ke_hoach", example)
        response = upload(client, user, body, "ke_hoach.docx")
    else:
        response = upload(client, user, "Công văn thử".encode(), "cv.txt")
    doc_id = response.get_json()["id"]
    login(client, user)
    html = client.get(f"/documents/{doc_id}/format").get_data(as_text=True)
    if kind == "docx":
        assert "Đúng thể thức" in html or "lưu ý" in html
        assert "badge check-error" not in html  # our own output has no format error
    else:
        assert 'class="error"' in html


def test_office_template_is_validated_then_used_for_its_drafts(app, processed, service_env):
    from worker.render import TEMPLATES_DIR

    user, doc_id = processed
    admin = new_user("admin", unit=user.unit)
    c = app.test_client()
    login(c, admin)
    page = c.get("/admin/templates").get_data(as_text=True)
    assert "Mẫu mặc định" in page

    def upload_variant(extra_paragraph: str) -> str:
        variant = docx.Document(str(TEMPLATES_DIR / "phieu_tom_tat.docx"))
        variant.add_paragraph(extra_paragraph)
        buf = io.BytesIO()
        variant.save(buf)
        response = c.post("/admin/templates", data={"csrf_token": csrf_token(page), "name": "phieu_tom_tat",
                                                   "file": (io.BytesIO(buf.getvalue()), "phieu_rieng.docx")},
                          content_type="multipart/form-data")
        return response.get_data(as_text=True)

    html = upload_variant("{{ doc_subjet }} {% if asks %}")
    assert "chưa được nhận" in html and "doc_subjet" in html
    assert "Mẫu riêng" not in html
    assert "Mẫu riêng «phieu_rieng.docx»" in upload_variant("Mẫu riêng của đơn vị {{ unit }}")

    draft_id = _draft_id(_post_form(c, f"/documents/{doc_id}/drafts/phieu_tom_tat", {"unit": "Trường B"}))
    run_jobs(service_env)
    assert "Mẫu riêng của đơn vị Trường B" in docx_text(c.get(f"/drafts/{draft_id}.docx").data)

    clerk = app.test_client()
    login(clerk, user)
    assert clerk.get("/admin/templates").status_code == 403


def test_next_year_plan_from_the_document_page(client, service_env):
    from tests.conftest import SHARED
    from tests.test_api import upload
    from worker.tracked import tracked_elements

    user = new_user()
    seed = (SHARED / "corpus" / "kh_pgddt_dienbienphu_2022_thidua_word.docx").read_bytes()
    doc_id = upload(client, user, seed, "ke_hoach_2022.docx").get_json()["id"]
    run_jobs(service_env)
    login(client, user)
    assert "Soạn kế hoạch năm sau" in client.get(f"/documents/{doc_id}").get_data(as_text=True)
    form = client.get(f"/documents/{doc_id}/next-year").get_data(as_text=True)
    assert 'value="2022"' in form and 'value="2023"' in form
    bad = _post_form(client, f"/documents/{doc_id}/next-year", {"from_year": "2022", "to_year": "2021"})
    assert bad.status_code == 200 and "Năm không hợp lệ" in bad.get_data(as_text=True)
    draft_id = _draft_id(_post_form(client, f"/documents/{doc_id}/next-year", {"from_year": "2022", "to_year": "2023"}))
    run_jobs(service_env)
    page = client.get(f"/drafts/{draft_id}").get_data(as_text=True)
    assert "đã xong" in page and "Các thay đổi so với kế hoạch năm 2022" in page
    assert "kỷ niệm" in page and "căn cứ cần bổ sung" in page and "cần xem" in page
    found = tracked_elements(client.get(f"/drafts/{draft_id}.docx").data)
    assert found["counts"]["ins"] > 30 and found["counts"]["comments"] >= 11
