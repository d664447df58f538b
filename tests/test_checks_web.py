"""The citation-check report download and the admin's registry import page."""

from __future__ import annotations

import csv
import io
import json

from tests import test_api as shared
from tests.test_api import csrf_token, login, new_user, run_jobs

service_env = shared.service_env
make_app = shared.make_app
app = shared.app
client = shared.client

from tests.conftest import CORPUS  # noqa: E402

SEED = CORPUS / "kh_pgddt_dienbienphu_2022_thidua.txt"


def test_check_report_lists_every_reference_with_its_status(client, service_env):
    user = new_user("clerk")
    login(client, user)
    page = client.get("/upload")
    resp = client.post("/api/v1/documents", data={"file": (io.BytesIO(SEED.read_bytes()), SEED.name)},
                       headers={"X-CSRFToken": csrf_token(page.get_data(as_text=True))},
                       content_type="multipart/form-data")
    assert resp.status_code in (200, 202), resp.get_data(as_text=True)
    doc_id = resp.get_json()["id"]
    run_jobs(service_env)
    report = client.get(f"/documents/{doc_id}/check.csv")
    assert report.status_code == 200 and report.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(report.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["STT", "Văn bản viện dẫn", "Số ký hiệu"]
    by_ref = {r[2]: r for r in rows[1:] if r[2]}
    assert by_ref["05-CT/TW"][5] == "hợp lệ"
    assert by_ref["217/KH-SGDĐT"][5] == "chưa rõ" and "không có trong sổ đăng ký" in by_ref["217/KH-SGDĐT"][6]
    stranger = client.application.test_client()
    login(stranger, new_user("clerk"))
    assert stranger.get(f"/documents/{doc_id}/check.csv").status_code == 404


def test_registry_import_page_is_for_admins(app):
    clerk_client, client = app.test_client(), app.test_client()
    login(clerk_client, new_user("clerk"))
    assert clerk_client.get("/admin/registry").status_code == 403
    login(client, new_user("admin"))
    page = client.get("/admin/registry")
    assert page.status_code == 200 and "Sổ đăng ký" in page.get_data(as_text=True)
    entry = {"type": "Kế hoạch", "number": "77", "symbol": "KH-PGDĐT", "full_ref": "77/KH-PGDĐT",
             "issued": "2023-02-01", "issuer": "Phòng Giáo dục và Đào tạo", "title": "Kế hoạch thử nghiệm nhập",
             "effective": None, "status": "in_force", "replaced_by": None, "source": "test"}
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)),
            "file": (io.BytesIO(json.dumps(entry, ensure_ascii=False).encode() + b"\n"), "them.jsonl")}
    resp = client.post("/admin/registry", data=data, content_type="multipart/form-data")
    assert resp.status_code == 200 and "Đã thêm 1" in resp.get_data(as_text=True)
    from store.db import session
    from store.registry import lookup

    with session() as s:
        assert [e.ref for e in lookup(s, "77/KH-PGDĐT")] == ["77/KH-PGDĐT"]


def test_document_page_shows_the_documents_own_findings(app, service_env):
    client = app.test_client()
    login(client, new_user("clerk"))
    text = ("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO\nSố: 5/KH-PGDĐT\nKẾ HOẠCH\nTổ chức kỷ niệm\n"
            "Chào mừng kỷ niệm 41 năm Ngày Nhà giáo Việt Nam (20/11/1982 - 20/11/2022).\n")
    page = client.get("/upload")
    resp = client.post("/api/v1/documents", data={"file": (io.BytesIO(text.encode()), "kn.txt")},
                       headers={"X-CSRFToken": csrf_token(page.get_data(as_text=True))},
                       content_type="multipart/form-data")
    run_jobs(service_env)
    html = client.get(f"/documents/{resp.get_json()['id']}").get_data(as_text=True)
    assert "Kiểm tra chính văn bản" in html and "41" in html.split("Kiểm tra chính văn bản", 1)[1]
