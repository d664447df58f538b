"""The JSON API (/api/v1): upload → status → extraction, duplicates, bearer tokens, unit
isolation on every document endpoint, upload limit, list filters and search, tasks.ics,
openapi.json.

Runs the Flask test client on a temporary ``VANTHU_HOME`` with SQLite. Jobs go through a
throwaway ``redis-server`` (tests/redis_server.py) and are run by an in-process rq
``SimpleWorker``; without that helper the job function is called directly.
The fixtures and helpers here are shared with tests/test_web.py.
"""

from __future__ import annotations

import io
import os
import re
import uuid
from datetime import date
from types import SimpleNamespace

import pytest

TEXT_DOC = """UBND HUYỆN AN PHÚ
PHÒNG GIÁO DỤC VÀ ĐÀO TẠO
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 215/KH-PGDĐT
An Phú, ngày 10 tháng 3 năm 2025

KẾ HOẠCH
Tổ chức Ngày hội đọc sách năm 2025

Căn cứ Kế hoạch số 98/KH-SGDĐT ngày 20/02/2025 của Sở Giáo dục và Đào tạo về phát triển văn hóa đọc;
Phòng Giáo dục và Đào tạo xây dựng kế hoạch như sau (ghi chú <script>alert(1)</script> & "thử"):

I. NHIỆM VỤ
1. Giao Trường THCS An Phú chủ trì, phối hợp với Thư viện huyện tổ chức trưng bày sách, hoàn thành trước ngày 21/4/2025.
2. Giao Tổ Văn phòng chủ trì tổng hợp báo cáo kết quả, hoàn thành trước ngày 15/5/2025.

Nơi nhận:
- Các trường MN, TH, THCS;
- Lưu: VT.
TRƯỞNG PHÒNG
Trần Văn Minh
"""
TEXT_BYTES = TEXT_DOC.encode("utf-8")
ENV_KEYS = ("VANTHU_HOME", "DATABASE_URL", "REDIS_URL", "VANTHU_SECRET_KEY", "VANTHU_MAX_UPLOAD_MB")
NO_LIMIT = {"VANTHU_LOGIN_LIMIT": "10000 per minute", "VANTHU_LOGIN_USER_LIMIT": "10000 per minute"}


# ---------------------------------------------------------------- fixtures (also used by test_web.py)


_SHARED: dict[str, SimpleNamespace] = {}


@pytest.fixture(scope="session")
def service_env(tmp_path_factory):
    """A fresh VANTHU_HOME with a migrated SQLite database and, when available, a private Redis.

    test_web.py imports this fixture too: the second module to ask gets the same environment.
    """
    from store.db import dispose_engines, migrate

    if "env" in _SHARED:
        yield _SHARED["env"]
        return
    saved = {key: os.environ.get(key) for key in ENV_KEYS}
    home = tmp_path_factory.mktemp("vanthu-home")
    os.environ["VANTHU_HOME"] = str(home)
    os.environ["DATABASE_URL"] = f"sqlite:///{home / 'vanthu.db'}"
    os.environ.pop("VANTHU_SECRET_KEY", None)
    os.environ.pop("VANTHU_MAX_UPLOAD_MB", None)
    migrate()
    try:
        from tests.redis_server import RedisServer
    except ImportError:  # pragma: no cover - the helper is part of the repository
        RedisServer = None
    server = RedisServer().start() if RedisServer else None
    if server:
        os.environ["REDIS_URL"] = server.url
    env = _SHARED["env"] = SimpleNamespace(home=home, redis=server, pending=[])
    try:
        yield env
    finally:
        _SHARED.clear()
        if server:
            server.stop()
        dispose_engines()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def make_app(service_env, monkeypatch):
    """``make_app(**config)``: a fresh app; login rate limits lifted unless the test sets them."""
    from service.app import create_app
    from service.auth import limiter

    if service_env.redis is None:  # no Redis: record the ids, run_jobs() calls the job function
        import worker.queue

        monkeypatch.setattr(worker.queue, "enqueue_extract",
                            lambda document_id, **_: service_env.pending.append(document_id))

    def make(**config):
        app = create_app({**NO_LIMIT, **config})
        limiter.reset()
        return app

    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


def run_jobs(env) -> None:
    """Process every queued extraction now, in this process."""
    if env.redis is not None:
        from rq import SimpleWorker

        from worker.queue import connect, queue

        conn = connect()
        q = queue(conn)
        for _ in range(4):  # a job whose attempt failed waits in the scheduled registry for its retry
            SimpleWorker([q], connection=conn).work(burst=True)
            waiting = q.scheduled_job_registry.get_job_ids()
            if not waiting:
                return
            for job_id in waiting:  # run retries now instead of after their back-off
                q.scheduled_job_registry.remove(job_id)
                q.enqueue_job(q.fetch_job(job_id))
        return
    from worker.jobs import extract_document

    while env.pending:
        extract_document(env.pending.pop(0))


def new_user(role: str = "clerk", unit: str | None = None):
    """A user (and its unit, new unless given) with unique names: ``namespace(username, password, token, unit)``."""
    from service.auth import create_user

    unit = unit or f"unit-{uuid.uuid4().hex[:8]}"
    user, password, token = create_user(f"u-{uuid.uuid4().hex[:10]}", unit, role)
    return SimpleNamespace(id=user.id, username=user.username, password=password, token=token, unit=unit,
                           unit_id=user.unit_id, role=role)


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {user.token}"}


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client, user) -> None:
    page = client.get("/login")
    response = client.post("/login", data={"username": user.username, "password": user.password,
                                           "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def upload(client, user, data: bytes = TEXT_BYTES, name: str = "ke_hoach.txt"):
    return client.post("/api/v1/documents", headers=bearer(user),
                       data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def insert_document(unit_id: int, **fields) -> int:
    """A processed document written straight to the store (list and filter tests)."""
    from store.db import session
    from store.documents import add_document

    data = fields.pop("data", None) or uuid.uuid4().hex.encode()
    with session() as s:
        doc, _ = add_document(s, unit_id, data, fields.pop("filename", "x.txt"), "text/plain")
        doc.status = fields.pop("status", "done")
        for key, value in fields.items():
            setattr(doc, key, value)
        return doc.id


@pytest.fixture
def processed(client, service_env):
    """A clerk whose unit holds TEXT_DOC, uploaded and processed: ``(user, document id)``."""
    user = new_user()
    response = upload(client, user)
    assert response.status_code == 202
    run_jobs(service_env)
    doc_id = response.get_json()["id"]
    status = client.get(f"/api/v1/documents/{doc_id}", headers={"Authorization": f"Bearer {user.token}"}).get_json()
    assert status["status"] == "done", f"the uploaded document did not finish: {status}"
    return user, doc_id


def document_rules(app):
    """Every GET rule that takes a document id, pages and API alike."""
    return [rule for rule in app.url_map.iter_rules()
            if "document_id" in rule.arguments and "GET" in (rule.methods or ())]


# ---------------------------------------------------------------- upload → status → extraction


def test_upload_status_extraction(client, service_env):
    user = new_user()
    response = upload(client, user)
    assert response.status_code == 202
    body = response.get_json()
    assert body["status"] == "queued" and body["duplicate"] is False
    assert body["status_url"] == f"/api/v1/documents/{body['id']}"

    status = client.get(body["status_url"], headers=bearer(user)).get_json()
    assert status["id"] == body["id"] and status["status"] == "queued"
    assert set(status) >= {"id", "status", "stage", "progress", "error"}
    assert status["stage_vi"] == "đang chờ xử lý"
    not_ready = client.get(f"/api/v1/documents/{body['id']}/extraction", headers=bearer(user))
    assert not_ready.status_code == 409 and not_ready.get_json()["error"]["code"] == "not_ready"

    run_jobs(service_env)
    status = client.get(body["status_url"], headers=bearer(user)).get_json()
    assert status["status"] == "done", status
    assert status["error"] is None and status["stage_vi"] == "hoàn tất"

    extraction = client.get(f"/api/v1/documents/{body['id']}/extraction", headers=bearer(user))
    assert extraction.status_code == 200
    data = extraction.get_json()
    assert data["schema"] == "vanthu.extraction/1"
    assert data["header"]["ref"] == "215/KH-PGDĐT"
    assert data["references"][0]["ref"] == "98/KH-SGDĐT"
    download = client.get(f"/api/v1/documents/{body['id']}/extraction?download=1", headers=bearer(user))
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "ke_hoach.json" in download.headers["Content-Disposition"]


def test_duplicate_upload_returns_existing_and_queues_nothing(client, service_env):
    from sqlalchemy import func, select

    from store.db import session
    from store.models import Job

    user = new_user()
    first = upload(client, user)
    second = upload(client, user, name="ban_sao.txt")
    assert first.status_code == 202 and second.status_code == 200
    assert second.get_json()["id"] == first.get_json()["id"] and second.get_json()["duplicate"] is True
    doc_id = first.get_json()["id"]
    if service_env.redis is not None:
        with session() as s:
            assert s.execute(select(func.count()).select_from(Job).where(Job.document_id == doc_id)).scalar() == 1
    else:
        assert service_env.pending.count(doc_id) == 1
    # the same bytes in another unit are that unit's own document
    other = upload(client, new_user())
    assert other.status_code == 202 and other.get_json()["id"] != doc_id
    run_jobs(service_env)


def test_failed_document_reports_reason_in_vietnamese(client, service_env):
    user = new_user()
    response = upload(client, user, data=b"%PDF-1.7\n\x00\x01 not really a pdf", name="hong.pdf")
    run_jobs(service_env)
    status = client.get(response.get_json()["status_url"], headers=bearer(user)).get_json()
    assert status["status"] == "failed"
    assert status["error"]["code"] and status["error"]["vi"] and status["error"]["en"]
    assert status["stage_vi"] == "lỗi"


def test_upload_needs_a_file_and_an_uploading_role(client):
    clerk, leader = new_user(), new_user("leader")
    empty = client.post("/api/v1/documents", headers=bearer(clerk), data={}, content_type="multipart/form-data")
    assert empty.status_code == 400 and empty.get_json()["error"]["code"] == "no_file"
    assert upload(client, leader).status_code == 403
    assert client.get("/api/v1/documents", headers=bearer(leader)).status_code == 200


# ---------------------------------------------------------------- authentication


def test_bearer_token_required_on_every_api_route(app, client):
    user = new_user()
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1") and r.endpoint != "api.openapi"]
    assert len(rules) >= 5
    for rule in rules:
        url = rule.rule.replace("<int:document_id>", "1")
        method = "POST" if "POST" in rule.methods else "GET"
        for headers in ({}, {"Authorization": "Bearer wrong-token"}, {"Authorization": f"Basic {user.token}"},
                        {"Authorization": "Bearer "}):
            response = client.open(url, method=method, headers=headers)
            assert response.status_code == 401, (rule.rule, headers, response.status_code)
            assert response.get_json()["error"]["code"] == "unauthorized"
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/documents", headers=bearer(user)).status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_tokens_are_stored_hashed():
    from store.db import session
    from store.models import User

    user = new_user()
    with session() as s:
        row = s.get(User, user.id)
        assert row.token_hash and user.token not in row.token_hash and row.token_hash != user.token
        assert user.password not in row.password_hash


def test_create_user_for_the_cli():
    from service.auth import create_user, user_for_token

    unit = f"unit-{uuid.uuid4().hex[:6]}"
    user, password, token = create_user(f"vt-{uuid.uuid4().hex[:6]}", unit, "admin", password="mat-khau-1")
    assert password == "mat-khau-1" and user.id and user.role == "admin"
    found = user_for_token(token)
    assert found.username == user.username and found.unit_code == unit
    with pytest.raises(ValueError):
        create_user(user.username, unit, "clerk")
    with pytest.raises(ValueError):
        create_user(f"x-{uuid.uuid4().hex[:6]}", unit, "boss")


def test_browser_session_may_use_the_api_but_writes_need_csrf(client):
    user = new_user()
    login(client, user)
    assert client.get("/api/v1/documents").status_code == 200
    files = {"file": (io.BytesIO(b"van ban " + uuid.uuid4().bytes), "a.txt")}
    refused = client.post("/api/v1/documents", data=files, content_type="multipart/form-data")
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf"
    token = csrf_token(client.get("/upload").get_data(as_text=True))
    files = {"file": (io.BytesIO(b"van ban " + uuid.uuid4().bytes), "a.txt")}
    accepted = client.post("/api/v1/documents", data=files, content_type="multipart/form-data",
                           headers={"X-CSRFToken": token})
    assert accepted.status_code == 202


# ---------------------------------------------------------------- unit isolation


def test_other_units_documents_are_404_on_every_document_endpoint(app, service_env):
    owner, intruder = new_user(), new_user()
    owner_client, intruder_client = app.test_client(), app.test_client()
    doc_id = upload(owner_client, owner).get_json()["id"]
    run_jobs(service_env)
    login(owner_client, owner)
    login(intruder_client, intruder)

    rules = document_rules(app)
    endpoints = {r.endpoint for r in rules}
    assert {"api.document", "api.extraction", "web.document", "web.document_file"} <= endpoints
    for rule in rules:
        url = rule.rule.replace("<int:document_id>", str(doc_id)).replace("<template>", "phieu_tom_tat")
        assert owner_client.get(url).status_code == 200, url
        if rule.rule.startswith("/api/"):
            assert owner_client.get(url, headers=bearer(owner)).status_code == 200, url
            response = intruder_client.get(url, headers=bearer(intruder))
            assert response.status_code == 404, url
            assert response.get_json()["error"]["code"] == "not_found"
        assert intruder_client.get(url).status_code == 404, url
        # an id that exists nowhere looks the same
        assert intruder_client.get(url.replace(f"/{doc_id}", "/999999", 1)).status_code == 404

    # the query-parameter downloads, and the list and calendar, are scoped as well
    assert intruder_client.get(f"/api/v1/tasks.ics?document_id={doc_id}",
                               headers=bearer(intruder)).status_code == 404
    assert owner_client.get(f"/api/v1/tasks.ics?document_id={doc_id}", headers=bearer(owner)).status_code == 200
    listed = intruder_client.get("/api/v1/documents", headers=bearer(intruder)).get_json()
    assert doc_id not in [item["id"] for item in listed["items"]]
    assert b"BEGIN:VEVENT" not in intruder_client.get("/api/v1/tasks.ics", headers=bearer(intruder)).data


# ---------------------------------------------------------------- limits


def test_upload_over_the_limit_is_413_with_a_bilingual_message(make_app):
    app = make_app(VANTHU_MAX_UPLOAD_MB=0.01)  # 10 KB
    client = app.test_client()
    user = new_user()
    response = upload(client, user, data=b"x" * 20_000, name="lon.txt")
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == "too_large" and "Tệp quá lớn" in error["vi"] and "too large" in error["en"]
    assert upload(client, user, data=b"nho " + uuid.uuid4().bytes, name="nho.txt").status_code == 202


def test_max_upload_from_the_environment(monkeypatch, make_app):
    monkeypatch.setenv("VANTHU_MAX_UPLOAD_MB", "3")
    assert make_app().config["MAX_CONTENT_LENGTH"] == 3 * 1024 * 1024
    monkeypatch.delenv("VANTHU_MAX_UPLOAD_MB")
    assert make_app().config["MAX_CONTENT_LENGTH"] == 50 * 1024 * 1024


# ---------------------------------------------------------------- list, filters, search


def test_list_filters_and_search(client):
    user = new_user()
    other = new_user()
    plan = insert_document(user.unit_id, doc_type="Kế hoạch", issuer="PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
                           doc_date=date(2025, 3, 10), ref="215/KH-PGDĐT", subject="Ngày hội đọc sách",
                           text="Tổ chức ngày hội đọc sách tại các trường; tỷ lệ 100% học sinh.")
    letter = insert_document(user.unit_id, doc_type="Công văn", issuer="SỞ GIÁO DỤC VÀ ĐÀO TẠO",
                             doc_date=date(2024, 11, 2), ref="12/SGDĐT-VP", subject="Báo cáo số liệu",
                             text="Đề nghị báo cáo số liệu thống kê đầu năm học.")
    decision = insert_document(user.unit_id, doc_type="Quyết định", issuer="UBND HUYỆN AN PHÚ",
                               doc_date=date(2025, 6, 1), ref="7/QĐ-UBND", subject="Khen thưởng",
                               text="Khen thưởng tập thể có thành tích trong phong trào đọc sách.")
    insert_document(other.unit_id, doc_type="Kế hoạch", issuer="PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
                    doc_date=date(2025, 3, 10), text="Ngày hội đọc sách của đơn vị khác.")

    def ids(**params):
        response = client.get("/api/v1/documents", headers=bearer(user), query_string=params)
        assert response.status_code == 200, response.get_json()
        return sorted(item["id"] for item in response.get_json()["items"])

    assert ids() == sorted([plan, letter, decision])
    assert ids(type="Kế hoạch") == [plan]
    assert ids(issuer="giáo dục") == sorted([plan, letter])
    assert ids(issuer="UBND") == [decision]
    assert ids(date_from="2025-01-01") == sorted([plan, decision])
    assert ids(date_to="2025-03-10") == sorted([plan, letter])
    assert ids(date_from="2025-03-01", date_to="2025-03-31") == [plan]
    assert ids(q="đọc sách") == sorted([plan, decision])
    assert ids(q="đọc sách", type="Quyết định") == [decision]
    assert ids(q="12/SGDĐT") == [letter]
    assert ids(q="100%") == [plan]          # % is a literal, not a wildcard
    assert ids(q="_") == []           # so is _
    assert ids(q="không có chữ này") == []

    page = client.get("/api/v1/documents", headers=bearer(user), query_string={"per_page": 2}).get_json()
    assert page["total"] == 3 and len(page["items"]) == 2 and page["items"][0]["id"] == decision
    bad = client.get("/api/v1/documents", headers=bearer(user), query_string={"date_from": "10/3/2025"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad_filter"


# ---------------------------------------------------------------- calendar


def test_tasks_ics(client, processed):
    from icalendar import Calendar

    user, doc_id = processed
    response = client.get("/api/v1/tasks.ics", headers=bearer(user))
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = [c for c in calendar.walk("VEVENT")]
    assert events, response.data.decode()
    due = {e.decoded("dtstart") for e in events}
    assert date(2025, 4, 21) in due
    event = next(e for e in events if e.decoded("dtstart") == date(2025, 4, 21))
    assert "trưng bày sách" in str(event["summary"])
    assert "Trường THCS An Phú" in str(event["description"])
    assert event.decoded("dtend") == date(2025, 4, 22)
    assert str(event["url"]).endswith(f"/documents/{doc_id}")
    assert len({str(e["uid"]) for e in events}) == len(events)
    one = client.get(f"/api/v1/tasks.ics?document_id={doc_id}", headers=bearer(user))
    assert one.status_code == 200 and b"BEGIN:VEVENT" in one.data
    assert "attachment" in one.headers["Content-Disposition"]


def test_ics_skips_tasks_without_due_date(app):
    from icalendar import Calendar

    from service.api import build_ics

    data = {"tasks": [{"text": "Thường xuyên kiểm tra", "due_date": None, "recurring": True},
                      {"text": "Nộp báo cáo", "due_date": "2025-12-31", "lead": ["Tổ Văn phòng"]}]}
    with app.test_request_context():
        body = build_ics([(5, "1/KH", "Kế hoạch", "a.docx", data)], "Trường A")
    events = list(Calendar.from_ical(body).walk("VEVENT"))
    assert len(events) == 1 and events[0].decoded("dtstart") == date(2025, 12, 31)


# ---------------------------------------------------------------- OpenAPI


def test_openapi_is_valid_and_lists_every_api_route(app, client):
    from openapi_spec_validator import validate

    from service.openapi import openapi_path

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.")
    listed = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    expected = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path, _ = openapi_path(rule.rule)
            expected |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert listed == expected
    assert ("/api/v1/documents/{document_id}", "get") in listed
    assert spec["paths"]["/api/v1/documents"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
