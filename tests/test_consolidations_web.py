"""The consolidation pages end to end: three schools' submissions (two Word, one scanned) are
uploaded and read by the worker, the clerk starts a batch, reviews the rows (a correction and an
exclusion), and drafts the decision with its annex and the summary report."""

from __future__ import annotations

import io
import re

import docx
import pytest

from tests import school_factory as F
from tests import test_api as shared
from tests.docx_factory import docx_text
from tests.test_api import csrf_token, login, new_user, run_jobs, upload

service_env = shared.service_env
make_app = shared.make_app
app = shared.app
client = shared.client

FORM = {
    "parent_issuer": "UBND huyện Mường Ảng", "issuer": "Phòng Giáo dục và Đào tạo", "place": "Mường Ảng",
    "year": "2024", "decision_symbol": "QĐ-PGDĐT", "report_symbol": "BC-PGDĐT",
    "decision_subject": "Về việc công nhận danh hiệu thi đua năm học 2023-2024",
    "report_subject": "Tổng hợp đề nghị khen thưởng năm học 2023-2024",
    "authority": "TRƯỞNG PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN MƯỜNG ẢNG",
    "bases": "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
    "executors": "Tổ Văn phòng, Hiệu trưởng các trường có tên tại Điều 1",
    "recipients": "Như Điều 3;\nLưu: VT.", "signer_title": "Trưởng phòng", "signer_name": "",
    "report_closing": "Trên đây là kết quả tổng hợp đề nghị khen thưởng năm học 2023-2024",
}




def _annex_names(data: bytes) -> list[str]:
    """The Họ và tên cells of the annex table (the table whose header row starts with TT, Họ và tên)."""
    document = docx.Document(io.BytesIO(data))
    names = []
    for table in document.tables:
        head = [c.text.strip() for c in table.rows[0].cells]
        if len(head) >= 2 and head[1].lower().startswith("họ và tên"):
            for row in table.rows[1:]:
                cells = [c.text.strip() for c in row.cells]
                if cells[0].isdigit() and cells[1] != cells[0]:
                    names.append(cells[1])
    return names


@pytest.mark.slow
def test_schools_submissions_consolidated_reviewed_and_drafted(client, service_env):
    if not F.soffice_available():
        pytest.fail("LibreOffice is needed to print the scanned submission")
    user = new_user()
    ids = []
    for name, data in (("truong_a.docx", F.school_a()), ("truong_b.docx", F.school_b()),
                       ("truong_c_scan.pdf", F.school_c_scan())):
        response = upload(client, user, data, name)
        assert response.status_code == 202
        ids.append(response.get_json()["id"])
    run_jobs(service_env)
    login(client, user)

    page = client.get("/consolidations").get_data(as_text=True)
    for doc_id in ids:
        assert f'value="{doc_id}"' in page
    response = client.post("/consolidations", data={"csrf_token": csrf_token(page), "title": "Khen thưởng 2023-2024",
                                                    "document": [str(i) for i in ids]})
    assert response.status_code == 302
    batch_url = response.headers["Location"]
    assert "Đang đọc danh sách" in client.get(batch_url).get_data(as_text=True)
    run_jobs(service_env)

    page = client.get(batch_url).get_data(as_text=True)
    assert "Trùng người" in page and "Thiếu họ tên" in page  # flags beside the rows
    expected = sum(len(s.rows) for s in F.SCHOOLS.values())
    row_ids = re.findall(r'id="row-(\d+)"', page)
    assert len(row_ids) == expected

    # The clerk corrects a name and leaves out the row without a name.
    nameless = re.search(r'<tr id="row-(\d+)"[^>]*>(?:(?!</tr>).)*name="name_\1" value=""', page, re.S).group(1)
    first = row_ids[0]
    response = client.post(batch_url, data={"csrf_token": csrf_token(page), f"name_{first}": "Nguyễn Thị Hoà Bình",
                                            f"exclude_{nameless}": "1"})
    assert response.status_code == 302
    page = client.get(batch_url).get_data(as_text=True)
    assert 'value="Nguyễn Thị Hoà Bình"' in page and "Đã sửa" in page and "Đã bỏ ra" in page

    response = client.post(f"{batch_url}/drafts", data={"csrf_token": csrf_token(page), **FORM})
    assert response.status_code == 302, re.findall(r"class=\"error\"[^>]*>([^<]*)", response.get_data(as_text=True))
    run_jobs(service_env)
    page = client.get(batch_url).get_data(as_text=True)
    drafts = re.findall(r'href="/drafts/(\d+)"', page)
    assert len(drafts) == 2
    decision = client.get(f"/drafts/{drafts[0]}.docx").data
    names = _annex_names(decision)
    assert len(names) == expected - 1  # every proposal exactly once, the excluded one left out
    assert names.count("Nguyễn Thị Hoà Bình") == 1 and "(thiếu họ tên)" not in names
    text = docx_text(decision)
    assert "Điều 1." in text and "Lao động tiên tiến" in text
    summary = docx_text(client.get(f"/drafts/{drafts[1]}.docx").data)
    for school in ("Tiểu học số 1 Mường Ảng", "Nguyễn Trãi", "Hoa Ban"):
        assert school.lower() in summary.lower()
    for draft_id in drafts:
        assert "badge check-error" not in client.get(f"/drafts/{draft_id}").get_data(as_text=True)


def test_batches_of_another_unit_are_404(app, client, service_env):
    owner, intruder = new_user(), new_user()
    c1, c2 = app.test_client(), app.test_client()
    doc_id = upload(c1, owner, "Tờ trình thử".encode(), "t.txt").get_json()["id"]
    run_jobs(service_env)
    login(c1, owner)
    login(c2, intruder)
    page = c1.get("/consolidations").get_data(as_text=True)
    response = c1.post("/consolidations", data={"csrf_token": csrf_token(page), "document": [str(doc_id)]})
    url = response.headers["Location"]
    run_jobs(service_env)
    assert c1.get(url).status_code == 200
    assert c2.get(url).status_code == 404
    # another unit's document cannot be put in a batch
    page = c2.get("/consolidations").get_data(as_text=True)
    response = c2.post("/consolidations", data={"csrf_token": csrf_token(page), "document": [str(doc_id)]})
    assert response.status_code == 302 and response.headers["Location"].endswith("/consolidations")
