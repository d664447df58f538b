"""The JSON API of a running `vanthu serve` with real Redis and real worker processes.

20 documents uploaded at once all finish (with a second `vanthu worker` joining);
the same file uploaded twice at once yields one document.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from service.runtime import start_worker_process, stop_process
from tests.service_proc import Service, running_service

LETTER = """UBND HUYỆN AN PHÚ
PHÒNG GIÁO DỤC VÀ ĐÀO TẠO
Số: {n}/PGDĐT-VP
V/v báo cáo số liệu lần {n}
An Phú, ngày 12 tháng 9 năm 2025
Thực hiện Công văn số 2310/SGDĐT-KHTC ngày 28/8/2025 của Sở Giáo dục và Đào tạo, đề nghị các trường
gửi báo cáo trước ngày 25/9/2025.
"""


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    with running_service(tmp_path) as svc:
        yield svc


def _upload(svc: Service, name: str, data: bytes) -> dict:
    resp = requests.post(f"{svc.base}/api/v1/documents", files={"file": (name, data)},
                         headers={"Authorization": f"Bearer {svc.token}"}, timeout=60)
    assert resp.status_code in (200, 202), resp.text
    return resp.json()


def _status(svc: Service, doc_id: int) -> dict:
    resp = requests.get(f"{svc.base}/api/v1/documents/{doc_id}", headers={"Authorization": f"Bearer {svc.token}"},
                        timeout=30)
    assert resp.status_code == 200, resp.text
    return resp.json()


@pytest.mark.slow
def test_twenty_uploads_at_once_all_finish_with_two_workers(service: Service) -> None:
    extra = start_worker_process(env=service.env)
    try:
        files = [(f"cv_{n}.txt", LETTER.format(n=n).encode("utf-8")) for n in range(1, 21)]
        with ThreadPoolExecutor(max_workers=20) as pool:
            uploaded = list(pool.map(lambda f: _upload(service, *f), files))
        ids = {u["id"] for u in uploaded}
        assert len(ids) == 20
        deadline = time.monotonic() + 300
        pending = set(ids)
        while pending and time.monotonic() < deadline:
            pending = {i for i in pending if _status(service, i)["status"] not in ("done", "failed")}
            time.sleep(0.5)
        assert not pending, f"{len(pending)} documents did not finish"
        statuses = [_status(service, i) for i in ids]
        assert all(s["status"] == "done" for s in statuses), [s for s in statuses if s["status"] != "done"]
        refs = set()
        for i in ids:
            resp = requests.get(f"{service.base}/api/v1/documents/{i}/extraction",
                                headers={"Authorization": f"Bearer {service.token}"}, timeout=30)
            refs.add(resp.json()["header"]["ref"])
        assert refs == {f"{n}/PGDĐT-VP" for n in range(1, 21)}
    finally:
        stop_process(extra)


@pytest.mark.slow
def test_same_file_uploaded_twice_at_once_is_one_document(service: Service) -> None:
    data = LETTER.format(n=77).encode("utf-8")
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda k: _upload(service, f"copy_{k}.txt", data), range(8)))
    assert len({r["id"] for r in results}) == 1
    listing = requests.get(f"{service.base}/api/v1/documents", headers={"Authorization": f"Bearer {service.token}"},
                           timeout=30).json()
    assert listing["total"] == 1 and len(listing["items"]) == 1
