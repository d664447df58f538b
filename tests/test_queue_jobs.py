"""The queue end to end: real Redis, real rq worker processes, a SQLite database.

Each test gets its own Redis (tests/redis_server.py), ``VANTHU_HOME`` and database;
workers are ``python -c "from service.runtime import run_worker; run_worker()"``
child processes, killed (with their work-horses) when the test ends.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from redis import Redis
from rq.job import Job as RqJob
from rq.registry import StartedJobRegistry

from service.runtime import kill_tree, start_worker_process
from tests.redis_server import RedisServer, answers, free_port
from worker.errors import EmptyFile, NotADocument

SCAN = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "kh_pgddt_dienbienphu_2022_thidua_scan.pdf"

TEXT = """UBND THÀNH PHỐ ĐIỆN BIÊN PHỦ
PHÒNG GIÁO DỤC VÀ ĐÀO TẠO
Số: {n}/PGDĐT-TĐKT

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Điện Biên Phủ, ngày 15 tháng 3 năm 2022

V/v tổ chức hội nghị sơ kết thi đua lần {n}

Kính gửi: Hiệu trưởng các trường mầm non, tiểu học, trung học cơ sở.

Căn cứ Kế hoạch số 217/KH-SGDĐT ngày 28/01/2022 của Sở Giáo dục và Đào tạo,
Phòng Giáo dục và Đào tạo đề nghị các trường gửi báo cáo sơ kết về Phòng trước ngày 25/3/2022.

Nơi nhận:
- Như trên;
- Lưu: VT.
TRƯỞNG PHÒNG
Lê Thị Hồng
"""


def text_document(n: int) -> bytes:
    return TEXT.format(n=n).encode("utf-8")


def wait_for(predicate: Callable[[], object], timeout: float, what: str, details: Callable[[], str] = str,
             interval: float = 0.2) -> object:
    """Poll ``predicate`` until it returns something truthy, or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{details()}")
        time.sleep(interval)


class Service:
    """The test's environment: Redis, database, blobs, and the worker processes it started."""

    def __init__(self, home: Path, redis: RedisServer):
        self.home = home
        self.redis = redis
        self.connection = Redis.from_url(redis.url)
        self.env = {**os.environ, "VANTHU_HOME": str(home), "REDIS_URL": redis.url,
                    "DATABASE_URL": f"sqlite:///{home / 'vanthu.db'}", "VANTHU_LOG_LEVEL": "INFO"}
        self.workers: list[tuple[subprocess.Popen, Path]] = []
        self.unit_id = 0

    def start_worker(self) -> subprocess.Popen:
        log = self.home / f"worker-{len(self.workers)}.log"
        with log.open("wb") as out:
            p = start_worker_process(self.env, stdout=out, stderr=subprocess.STDOUT)
        self.workers.append((p, log))
        return p

    def logs(self) -> str:
        parts = []
        for p, log in self.workers:
            text = log.read_text(errors="replace") if log.exists() else ""
            parts.append(f"--- worker pid {p.pid} (exit {p.poll()}) {log.name}, last lines:\n"
                         + "\n".join(text.splitlines()[-40:]))
        return "\n".join(parts)

    def stop(self) -> None:
        for p, _log in self.workers:
            if p.poll() is None:
                kill_tree(p.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(10)
        self.connection.close()

    def add(self, data: bytes, filename: str, media_type: str = "text/plain") -> int:
        from store.db import session
        from store.documents import add_document

        with session() as s:
            document, created = add_document(s, self.unit_id, data, filename, media_type)
            assert created, f"{filename}: same bytes as an earlier document"
            return document.id

    def submit(self, data: bytes, filename: str, media_type: str = "text/plain") -> tuple[int, RqJob]:
        from worker.queue import enqueue_extract

        document_id = self.add(data, filename, media_type)
        return document_id, enqueue_extract(document_id, connection=self.connection)

    def document(self, document_id: int):
        from store.db import session
        from store.models import Document

        with session() as s:
            return s.get(Document, document_id)

    def extraction(self, document_id: int):
        from store.db import session
        from store.models import Extraction

        with session() as s:
            row = s.get(Extraction, document_id)
            return row.data if row is not None else None

    def job_rows(self, document_id: int):
        from sqlalchemy import select

        from store.db import session
        from store.models import Job

        with session() as s:
            return list(s.scalars(select(Job).where(Job.document_id == document_id)))

    def wait_status(self, document_id: int, statuses: set[str], timeout: float):
        def status():
            document = self.document(document_id)
            return document if document is not None and document.status in statuses else None

        return wait_for(status, timeout, f"document {document_id} to reach {sorted(statuses)}",
                        lambda: f"now: {self.document(document_id)!r}\n{self.logs()}")


@pytest.fixture
def service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Service]:
    from store.db import migrate, session
    from store.models import Unit

    home = tmp_path / "home"
    home.mkdir()
    with RedisServer(tmp_path / "redis-test") as redis:
        svc = Service(home, redis)
        for key in ("VANTHU_HOME", "REDIS_URL", "DATABASE_URL"):
            monkeypatch.setenv(key, svc.env[key])
        try:
            migrate()
            with session() as s:
                unit = Unit(code="pgddt-dbp", name="Phòng Giáo dục và Đào tạo Điện Biên Phủ")
                s.add(unit)
                s.flush()
                svc.unit_id = unit.id
            yield svc
        finally:
            svc.stop()


def test_text_document_queued_then_done(service: Service) -> None:
    document_id, job = service.submit(text_document(1), "cong-van-1.txt")
    document = service.document(document_id)
    assert document.status == "queued"
    assert [row.status for row in service.job_rows(document_id)] == ["queued"]

    service.start_worker()
    document = service.wait_status(document_id, {"done", "failed"}, 120)
    assert document.status == "done", f"{document.error_code}: {document.error_en}\n{service.logs()}"
    assert document.stage == "done"
    assert document.error_code is None
    assert document.text and "sơ kết thi đua" in document.text

    data = service.extraction(document_id)
    assert data is not None, "no Extraction row"
    assert data["schema"] == "vanthu.extraction/1"
    assert data["source"]["sha256"] == document.sha256
    assert data["header"]["subject"] == document.subject

    rows = service.job_rows(document_id)
    assert [(row.status, row.attempts) for row in rows] == [("done", 1)]
    assert rows[0].rq_id == job.id and rows[0].finished_at is not None
    assert job.get_meta(refresh=True)["stage"] == "done"
    wait_for(lambda: job.get_status(refresh=True) == "finished", 30, "rq to mark the job finished")


def test_bad_files_fail_with_reasons_and_worker_goes_on(service: Service) -> None:
    worker = service.start_worker()
    empty_id, empty_job = service.submit(b"", "rong.txt")
    elf_id, elf_job = service.submit(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56 + b"\x90" * 200, "virus.doc",
                                     "application/msword")
    good_id, _good_job = service.submit(text_document(2), "cong-van-2.txt")

    for document_id, error in ((empty_id, EmptyFile), (elf_id, NotADocument)):
        document = service.wait_status(document_id, {"done", "failed"}, 120)
        assert document.status == "failed", service.logs()
        assert (document.error_code, document.error_vi, document.error_en) == (error.code, error.vi, error.en)
        assert service.extraction(document_id) is None
        rows = service.job_rows(document_id)
        assert [(row.status, row.attempts) for row in rows] == [("failed", 1)]
        assert error.code in (rows[0].error or "")

    # A ReadError is final: the rq job ends normally, never retried, never in the failed registry.
    for job in (empty_job, elf_job):
        wait_for(lambda job=job: job.get_status(refresh=True) == "finished", 30, f"rq job {job.id} finished")
        assert job.retries_left == 3
    assert len(service.connection.zrange("rq:failed:vanthu", 0, -1)) == 0

    assert service.wait_status(good_id, {"done", "failed"}, 120).status == "done", service.logs()
    assert worker.poll() is None, f"the worker died\n{service.logs()}"


def test_twenty_documents_two_workers(service: Service) -> None:
    submitted = [service.submit(text_document(100 + i), f"cv-{i}.txt") for i in range(20)]
    service.start_worker()
    service.start_worker()

    def all_finished():
        docs = [service.document(document_id) for document_id, _job in submitted]
        return docs if all(d.status in ("done", "failed") for d in docs) else None

    def progress() -> str:
        docs = [service.document(document_id) for document_id, _job in submitted]
        return f"statuses: {[d.status for d in docs]}\n{service.logs()}"

    docs = wait_for(all_finished, 300, "20 documents to finish", progress, interval=0.5)
    assert [d.status for d in docs] == ["done"] * 20, progress()
    assert all(service.extraction(d.id) is not None for d in docs)
    refs = {service.extraction(d.id)["source"]["sha256"] for d in docs}
    assert len(refs) == 20
    assert all(p.poll() is None for p, _log in service.workers), service.logs()


@pytest.mark.slow
@pytest.mark.corpus
def test_worker_killed_during_ocr_job_is_recovered(service: Service) -> None:
    if not SCAN.is_file():
        pytest.fail(f"the scanned corpus file is missing: {SCAN}")
    first = service.start_worker()
    document_id, job = service.submit(SCAN.read_bytes(), SCAN.name, "application/pdf")

    def in_ocr():
        meta = job.get_meta(refresh=True)
        return meta if meta.get("stage") in ("ocr", "pages") else None

    meta = wait_for(in_ocr, 180, "the scan job to reach OCR", service.logs)
    assert first.poll() is None
    # Power cut: the worker, its work-horse and tesseract die at once, nothing cleans up.
    kill_tree(first.pid, signal.SIGKILL)
    first.wait(10)
    horse = meta.get("pid")
    wait_for(lambda: not horse or not Path(f"/proc/{horse}").exists() or _zombie(horse), 10,
             f"work-horse {horse} to die")
    assert service.document(document_id).status == "running"
    assert job.get_status(refresh=True) == "started"

    service.start_worker()
    document = service.wait_status(document_id, {"done", "failed"}, 600)
    assert document.status == "done", f"{document.error_code}: {document.error_en}\n{service.logs()}"
    data = service.extraction(document_id)
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(SCAN))
    pages = len(pdf)
    pdf.close()
    assert data is not None and data["source"]["pages"] == pages and data["source"]["ocr"]
    assert document.text
    assert job.get_meta(refresh=True).get("recovered") == 1
    wait_for(lambda: job.get_status(refresh=True) == "finished", 30, "rq to mark the job finished")
    assert StartedJobRegistry("vanthu", connection=service.connection).get_job_ids(cleanup=False) == []
    rows = service.job_rows(document_id)
    assert [row.status for row in rows] == ["done"] and rows[0].attempts == 2


def test_abandoned_job_in_failed_registry_is_requeued(service: Service) -> None:
    from rq import Queue
    from rq.job_lifecycle import record_job_failure

    from worker.recovery import requeue_abandoned

    q = Queue("vanthu", connection=service.connection)
    lost_id, lost = service.submit(text_document(300), "lost.txt")
    broken_id, broken = service.submit(text_document(301), "broken.txt")
    # What rq's StartedJobRegistry.cleanup does to an abandoned job with no retry left,
    # and what a job that raised on its last retry looks like: both in the failed registry.
    for job, reason in ((lost, "Moved to FailedJobRegistry, due to AbandonedJobError, at now"),
                        (broken, "Traceback ...\nValueError: boom")):
        q.remove(job)
        job.retries_left = 0
        job.save()
        with service.connection.pipeline() as pipe:
            record_job_failure(job, reason, pipe)
            pipe.execute()
    assert sorted(q.failed_job_registry.get_job_ids()) == sorted([lost.id, broken.id])

    assert requeue_abandoned(q) == 1
    assert q.failed_job_registry.get_job_ids() == [broken.id]
    assert lost.get_status(refresh=True) == "queued" and lost.get_meta(refresh=True)["recovered"] == 1
    assert requeue_abandoned(q) == 0  # nothing more to do, and not twice

    service.start_worker()
    assert service.wait_status(lost_id, {"done", "failed"}, 120).status == "done", service.logs()
    assert service.document(broken_id).status == "queued"  # untouched: rq's own failure path owns it


def test_recovery_gives_up_and_last_failure_marks_document(service: Service) -> None:
    from types import SimpleNamespace

    from rq import Queue
    from rq.job_lifecycle import record_job_failure

    from worker.jobs import INTERNAL_ERROR, WORKER_LOST, on_extract_failure
    from worker.recovery import MAX_RECOVERIES, requeue_abandoned

    q = Queue("vanthu", connection=service.connection)
    # A file that kills every worker reading it: after MAX_RECOVERIES requeues, the document fails.
    poison_id, poison = service.submit(text_document(400), "poison.txt")
    q.remove(poison)
    poison.retries_left = 0
    poison.meta["recovered"] = MAX_RECOVERIES
    poison.save()
    with service.connection.pipeline() as pipe:
        record_job_failure(poison, "Moved to FailedJobRegistry, due to AbandonedJobError, at now", pipe)
        pipe.execute()
    assert requeue_abandoned(q) == 0
    document = service.document(poison_id)
    assert (document.status, document.error_code, document.error_vi) == ("failed", WORKER_LOST["code"],
                                                                          WORKER_LOST["vi"])
    assert requeue_abandoned(q) == 0

    # rq's failure callback: a retry left keeps the document queued; the last failure fails it.
    flaky_id, flaky = service.submit(text_document(401), "flaky.txt")
    error = RuntimeError("database is locked")
    on_extract_failure(SimpleNamespace(id=flaky.id, args=[flaky_id], should_retry=True), None,
                       RuntimeError, error, None)
    assert (service.document(flaky_id).status, service.job_rows(flaky_id)[0].status) == ("queued", "retrying")
    on_extract_failure(SimpleNamespace(id=flaky.id, args=[flaky_id], should_retry=False), None,
                       RuntimeError, error, None)
    document = service.document(flaky_id)
    assert (document.status, document.error_code, document.error_en) == ("failed", INTERNAL_ERROR["code"],
                                                                          INTERNAL_ERROR["en"])
    row = service.job_rows(flaky_id)[0]
    assert row.status == "failed" and "database is locked" in row.error


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0] == "Z"
    except OSError:
        return True


def test_ensure_redis_starts_local_server_then_reuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from worker import queue as wq

    home = tmp_path / "home"
    port = free_port()
    monkeypatch.setenv("VANTHU_HOME", str(home))
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{port}/0")
    assert not answers(f"redis://127.0.0.1:{port}/0")
    try:
        url = wq.ensure_redis()
        process = wq.started_redis()
        assert process is not None and process.poll() is None
        assert url == f"redis://127.0.0.1:{port}/0" and answers(url)
        client = Redis.from_url(url)
        assert Path(client.config_get("dir")["dir"]) == (home / "redis").resolve()
        assert client.config_get("appendonly")["appendonly"] == "yes"
        assert client.config_get("bind")["bind"] == "127.0.0.1"
        client.close()
        assert (home / "redis" / "redis.pid").read_text().strip() == str(process.pid)

        # Called again (a second `vanthu serve`, or a restart of the web app): reused, not restarted.
        assert wq.ensure_redis() == url
        assert wq.started_redis() is process
    finally:
        process = wq.started_redis()
        wq.stop_redis()
    assert process is not None and process.poll() is not None, "stop_redis left redis-server running"
    assert not (home / "redis" / "redis.pid").exists()

    # A Redis that already answers is used as is: nothing is started.
    with RedisServer(tmp_path / "other") as other:
        monkeypatch.setenv("REDIS_URL", other.url)
        assert wq.ensure_redis() == other.url
        assert wq.started_redis() is None
