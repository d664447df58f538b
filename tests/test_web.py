"""The pages: login (CSRF, rate limit, cookie flags), upload form (CSRF, several files, 413),
the document list with search, the document page (identity card, escaped and highlighted
text, references, tasks, recipients, downloads), the highlighting itself.

Fixtures and helpers come from tests/test_api.py (temporary VANTHU_HOME, SQLite, Redis).
"""

from __future__ import annotations

import io
import re
import uuid
from datetime import date

from markupsafe import Markup

from tests import test_api as shared
from tests.test_api import csrf_token, insert_document, login, new_user, run_jobs

# the fixtures of test_api.py, by name (one shared VANTHU_HOME and Redis for the session)
service_env = shared.service_env
make_app = shared.make_app
app = shared.app
client = shared.client
processed = shared.processed


# ---------------------------------------------------------------- login


def test_pages_need_login(client):
    for url in ("/documents", "/upload", "/documents/1", "/documents/1/file"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    assert client.get("/").headers["Location"].endswith("/login")


def test_login_page_is_vietnamese_and_logs_in(client):
    user = new_user()
    page = client.get("/login")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="vi">' in html
    assert "Đăng nhập" in html and "Tên đăng nhập" in html and "Mật khẩu" in html
    wrong = client.post("/login", data={"username": user.username, "password": "sai",
                                        "csrf_token": csrf_token(html)})
    assert wrong.status_code == 401 and "Tên đăng nhập hoặc mật khẩu không đúng." in wrong.get_data(as_text=True)
    login(client, user)
    listing = client.get("/documents")
    assert listing.status_code == 200 and "Danh sách văn bản" in listing.get_data(as_text=True)
    assert user.username in listing.get_data(as_text=True)


def test_login_next_is_never_an_open_redirect(client):
    user = new_user()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login?next=https://evil.example/", data={
        "username": user.username, "password": user.password, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/documents"


def test_login_form_enforces_csrf(client):
    user = new_user()
    client.get("/login")
    response = client.post("/login", data={"username": user.username, "password": user.password})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert client.get("/documents").status_code == 302  # not logged in
    forged = client.post("/login", data={"username": user.username, "password": user.password,
                                         "csrf_token": "gia-mao"})
    assert forged.status_code == 400


def test_logout_is_a_post_with_csrf(client):
    user = new_user()
    login(client, user)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    token = csrf_token(client.get("/documents").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/documents").status_code == 302


def _attempts(app):
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))

    def attempt(username, password="sai"):
        return client.post("/login", data={"username": username, "password": password, "csrf_token": token})

    return client, attempt


def test_login_rate_limit_per_address(make_app):
    client, attempt = _attempts(make_app(VANTHU_LOGIN_LIMIT="3 per minute"))
    assert [attempt(f"ai-{i}").status_code for i in range(3)] == [401, 401, 401]
    blocked = attempt(new_user().username)
    assert blocked.status_code == 429
    assert "Bạn đã thử quá nhiều lần" in blocked.get_data(as_text=True)
    assert client.get("/login").status_code == 200  # only POST is limited


def test_login_rate_limit_per_user_name_counts_failures(make_app):
    _client, attempt = _attempts(make_app(VANTHU_LOGIN_USER_LIMIT="3 per minute"))
    user, other = new_user(), new_user()
    assert [attempt(user.username).status_code for _ in range(3)] == [401, 401, 401]
    assert attempt(user.username, user.password).status_code == 429  # even the right password waits
    assert attempt(other.username, other.password).status_code == 302  # others are not locked out
    assert attempt(other.username, other.password).status_code == 302  # successes do not count


def test_session_cookie_flags_and_security_headers(client):
    user = new_user()
    page = client.get("/login")
    response = client.post("/login", data={"username": user.username, "password": user.password,
                                           "csrf_token": csrf_token(page.get_data(as_text=True))})
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("vanthu_session="))
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_secret_key_is_generated_once(service_env, make_app):
    first, second = make_app(), make_app()
    assert first.secret_key == second.secret_key and len(first.secret_key) >= 32
    assert (service_env.home / "secret_key").read_text().strip() == first.secret_key


# ---------------------------------------------------------------- upload form


def test_upload_page(client):
    user = new_user()
    login(client, user)
    html = client.get("/upload").get_data(as_text=True)
    assert "Tải văn bản lên" in html and "Kéo thả tệp vào đây" in html
    assert 'type="file" multiple' in html and 'name="csrf_token"' in html
    assert "/static/upload.js" in html
    script = client.get("/static/upload.js")
    assert script.status_code == 200
    js = script.get_data(as_text=True)
    assert "upload.onprogress" in js and "stage_vi" in js and "error.vi" in js
    assert client.get("/static/style.css").status_code == 200
    leader = new_user("leader")
    other = make_client_for(client, leader)
    assert "chỉ được xem văn bản" in other.get("/upload").get_data(as_text=True)


def make_client_for(client, user):
    fresh = client.application.test_client()
    login(fresh, user)
    return fresh


def test_upload_form_enforces_csrf(client):
    user = new_user()
    login(client, user)
    data = {"file": (io.BytesIO(b"khong co csrf " + uuid.uuid4().bytes), "a.txt")}
    refused = client.post("/upload", data=data, content_type="multipart/form-data")
    assert refused.status_code == 400
    listed = client.get("/api/v1/documents").get_json()
    assert listed["total"] == 0


def test_upload_form_several_files_without_script(client, service_env):
    user = new_user()
    login(client, user)
    token = csrf_token(client.get("/upload").get_data(as_text=True))
    files = [(io.BytesIO(f"văn bản {i} {uuid.uuid4()}".encode()), f"vb{i}.txt") for i in range(3)]
    response = client.post("/upload", data={"csrf_token": token, "file": files},
                           content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"] == "/documents"
    page = client.get("/documents").get_data(as_text=True)
    assert page.count("đang xử lý") == 3 or page.count("Đã nhận") == 3
    assert client.get("/api/v1/documents").get_json()["total"] == 3
    run_jobs(service_env)


def test_upload_form_json_for_the_script(client, service_env):
    user = new_user()
    login(client, user)
    token = csrf_token(client.get("/upload").get_data(as_text=True))
    body = b"script upload " + uuid.uuid4().bytes

    def send():
        return client.post("/upload", data={"csrf_token": token, "file": (io.BytesIO(body), "a.txt")},
                           content_type="multipart/form-data", headers={"Accept": "application/json"})

    first, again = send(), send()
    assert first.status_code == 202 and again.status_code == 200
    item = first.get_json()["items"][0]
    assert item["status_url"] == f"/api/v1/documents/{item['id']}" and item["document"]["stage_vi"]
    duplicate = again.get_json()["items"][0]
    assert duplicate["id"] == item["id"] and duplicate["duplicate"] is True
    run_jobs(service_env)


def test_upload_form_over_the_limit_is_413(make_app):
    app = make_app(VANTHU_MAX_UPLOAD_MB=0.01)
    client = app.test_client()
    login(client, new_user())
    token = csrf_token(client.get("/upload").get_data(as_text=True))
    data = {"csrf_token": token, "file": (io.BytesIO(b"x" * 20_000), "lon.txt")}
    page = client.post("/upload", data=data, content_type="multipart/form-data")
    assert page.status_code == 413
    assert "Tệp quá lớn: giới hạn tải lên là 0.01 MB." in page.get_data(as_text=True)
    data = {"csrf_token": token, "file": (io.BytesIO(b"x" * 20_000), "lon.txt")}
    js = client.post("/upload", data=data, content_type="multipart/form-data",
                     headers={"Accept": "application/json"})
    assert js.status_code == 413 and js.get_json()["error"]["code"] == "too_large"


# ---------------------------------------------------------------- list


def test_document_list_search_and_filters(client):
    user = new_user()
    login(client, user)
    insert_document(user.unit_id, doc_type="Kế hoạch", issuer="PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
                    doc_date=date(2025, 3, 10), ref="215/KH-PGDĐT", subject="Ngày hội đọc sách",
                    text="Tổ chức ngày hội đọc sách.")
    insert_document(user.unit_id, doc_type="Công văn", issuer="SỞ TÀI CHÍNH", doc_date=date(2024, 1, 5),
                    ref="9/STC-NS", subject="Quyết toán ngân sách", text="Đề nghị quyết toán ngân sách.")
    html = client.get("/documents").get_data(as_text=True)
    assert "215/KH-PGDĐT" in html and "9/STC-NS" in html and "10/03/2025" in html
    assert "<option value=\"Kế hoạch\"" in html and "Cơ quan ban hành" in html and "Từ ngày" in html
    found = client.get("/documents", query_string={"q": "ngân sách"}).get_data(as_text=True)
    assert "9/STC-NS" in found and "215/KH-PGDĐT" not in found and "1 văn bản" in found
    typed = client.get("/documents", query_string={"type": "Kế hoạch", "date_from": "2025-01-01"})
    assert "215/KH-PGDĐT" in typed.get_data(as_text=True) and "9/STC-NS" not in typed.get_data(as_text=True)
    none = client.get("/documents", query_string={"issuer": "bộ quốc phòng"}).get_data(as_text=True)
    assert "Không có văn bản nào khớp với điều kiện tìm" in none
    bad = client.get("/documents", query_string={"date_from": "hôm qua"}).get_data(as_text=True)
    assert "Ngày lọc không hợp lệ" in bad


# ---------------------------------------------------------------- the document page


def test_document_page(client, processed):
    user, doc_id = processed
    login(client, user)
    response = client.get(f"/documents/{doc_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # identity card
    for label in ("Cơ quan ban hành", "Số, ký hiệu", "Ngày ban hành", "Loại văn bản", "Trích yếu", "Người ký"):
        assert f"<dt>{label}</dt>" in html
    assert "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO" in html and "215/KH-PGDĐT" in html and "10/03/2025" in html
    assert "Tổ chức Ngày hội đọc sách năm 2025" in html and "Trần Văn Minh" in html
    # the document's own text is escaped, never markup
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;thử&#34;" in html
    assert len(re.findall(r"<script\b", html)) == 0  # a finished page needs no script at all
    # references and dates highlighted and linked both ways
    assert re.search(r'<mark class="hl-ref" title="98/KH-SGDĐT"><a href="#ref-0">Kế hoạch số 98/KH-SGDĐT', html)
    assert '<mark class="hl-date hl-ref"' in html  # the date inside the citation
    assert 'id="t-ref-0"' in html and '<tr id="ref-0">' in html and 'href="#t-ref-0"' in html
    assert 'id="date-0"' in html and 'href="#t-date-0"' in html
    assert "<th>Kiểm tra</th>" in html and "badge check-" in html  # the checker ran in the job
    # tasks, recipients, downloads
    assert "Nhiệm vụ (" in html and "trưng bày sách" in html and "21/04/2025" in html
    assert "Nơi nhận (2)" in html and "Các trường MN, TH, THCS" in html
    assert f"/api/v1/documents/{doc_id}/extraction?download=1" in html
    assert f"/api/v1/tasks.ics?document_id={doc_id}" in html
    assert f"/documents/{doc_id}/file" in html
    # the downloads work with the page's session
    assert client.get(f"/api/v1/documents/{doc_id}/extraction?download=1").status_code == 200
    assert client.get(f"/api/v1/tasks.ics?document_id={doc_id}").mimetype == "text/calendar"
    original = client.get(f"/documents/{doc_id}/file")
    assert original.status_code == 200 and original.data.decode("utf-8").startswith("UBND HUYỆN AN PHÚ")


def test_document_page_while_processing_and_failed(client, service_env):
    user = new_user()
    login(client, user)
    token = csrf_token(client.get("/upload").get_data(as_text=True))

    def send(data, name):
        response = client.post("/upload", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                               content_type="multipart/form-data", headers={"Accept": "application/json"})
        return response.get_json()["items"][0]["id"]

    waiting = send(b"cho xu ly " + uuid.uuid4().bytes, "cho.txt")
    html = client.get(f"/documents/{waiting}").get_data(as_text=True)
    assert "Đang xử lý" in html and "đang chờ xử lý" in html and "/static/document.js" in html
    broken = send(b"%PDF-1.7\n\x00 hong " + uuid.uuid4().bytes, "hong.pdf")
    run_jobs(service_env)
    html = client.get(f"/documents/{broken}").get_data(as_text=True)
    assert "Không xử lý được tệp này:" in html and "Mã lỗi:" in html


# ---------------------------------------------------------------- highlighting


def test_highlight_escapes_and_marks_nested_spans():
    from service.web import highlight

    text = 'Căn cứ Công văn số 5/UBND ngày 01/02/2025 <b>"x"</b> và ngày 03/4/2025.'
    ref = "Công văn số 5/UBND ngày 01/02/2025"
    data = {
        "text": text,
        "references": [{"text": ref, "start": text.index(ref), "end": text.index(ref) + len(ref),
                        "ref": '5/UBND"><script>'}],
        "dates": [
            {"text": "ngày 01/02/2025", "start": text.index("ngày 01"), "end": text.index("ngày 01") + 15,
             "value": "2025-02-01"},
            {"text": "ngày 03/4/2025", "start": text.index("ngày 03"), "end": text.index("ngày 03") + 14,
             "value": "2025-04-03"},
            {"text": "sai lệch", "start": 0, "end": 4},          # offsets not on the text: ignored
            {"text": "x", "start": 500, "end": 501},             # out of range: ignored
        ],
    }
    html = highlight(data)
    assert isinstance(html, Markup)
    assert "<b>" not in html and "&lt;b&gt;&#34;x&#34;&lt;/b&gt;" in html
    assert "<script>" not in html and 'title="5/UBND&#34;&gt;&lt;script&gt;"' in html
    assert '<mark class="hl-ref" title="5/UBND&#34;&gt;&lt;script&gt;"><a href="#ref-0">Công văn số 5/UBND </a></mark>' in html
    assert '<mark class="hl-date hl-ref" title="2025-02-01"><a href="#date-0">ngày 01/02/2025</a></mark>' in html
    assert '<mark class="hl-date" title="2025-04-03"><a href="#date-1">ngày 03/4/2025</a></mark>' in html
    assert 'id="t-ref-0"' in html and 'id="t-date-0"' in html and 'id="t-date-1"' in html
    assert "t-date-2" not in html and "t-date-3" not in html
    # nothing lost: the visible text is the document's text
    visible = re.sub(r"<[^>]+>", "", str(html))
    assert visible == str(Markup.escape(text))


def test_highlight_without_spans_is_just_escaped():
    from service.web import highlight

    assert highlight({"text": "<i>a</i>", "references": [], "dates": []}) == "&lt;i&gt;a&lt;/i&gt;"
