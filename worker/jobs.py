"""The rq jobs: read one stored document, understand it, and keep the result.

``extract_document`` runs in an rq work-horse. Its progress goes to
``job.meta = {"stage", "done", "total"}`` (for live status) and, throttled, to the
``Document`` row (so the status survives Redis). Status moves
``queued → running → done | failed``:

- a ``ReadError`` (bad input) is final: the document is marked ``failed`` with the
  error's ``code``, ``vi`` and ``en`` and the job returns normally, so rq does not
  retry it;
- any other exception (database, Redis, a crash in a reader) propagates, rq retries
  the job (``worker.queue.enqueue_extract``), and ``on_extract_failure`` marks the
  document failed only once no retry is left.

The job is idempotent: re-running it (a retry, or a job requeued after its
worker died) overwrites the same ``Extraction`` row.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import UTC, date, datetime
from typing import Any

from rq import get_current_job

from worker.errors import ReadError

log = logging.getLogger(__name__)

INTERNAL_ERROR = {
    "code": "internal_error",
    "vi": "Lỗi hệ thống khi xử lý tệp; hãy tải lên lại sau ít phút hoặc báo quản trị viên.",
    "en": "An internal error stopped the processing; upload the file again later or tell the administrator.",
}
WORKER_LOST = {
    "code": "worker_lost",
    "vi": "Máy xử lý bị dừng đột ngột nhiều lần khi đọc tệp này; hãy báo quản trị viên.",
    "en": "The worker stopped abruptly several times while reading this file; tell the administrator.",
}

# Progress reaches the database at most this often within one stage (every stage change is written).
DB_PROGRESS_INTERVAL = 1.0


def _now() -> datetime:
    return datetime.now(UTC)


class _Progress:
    """The ``Progress`` callback of one job: ``job.meta`` on every step, the database throttled."""

    def __init__(self, rq_job: Any, document_id: int):
        self.rq_job = rq_job
        self.document_id = document_id
        self.last: tuple[str, int, int] | None = None
        self.db_stage: str | None = None
        self.db_at = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        step = (stage, int(done), int(total))
        if step == self.last:
            return
        self.last = step
        if self.rq_job is not None:
            try:
                self.rq_job.meta.update({"stage": stage, "done": step[1], "total": step[2]})
                self.rq_job.save_meta()
            except Exception:  # progress is best effort; the job itself goes on
                log.warning("document %s: could not save job progress", self.document_id, exc_info=True)
        now = time.monotonic()
        if stage != self.db_stage or now - self.db_at >= DB_PROGRESS_INTERVAL or (total and done >= total):
            self.db_stage, self.db_at = stage, now
            try:
                _update_document(self.document_id, stage=stage, progress_done=step[1], progress_total=step[2])
            except Exception:
                log.warning("document %s: could not save progress", self.document_id, exc_info=True)


def _update_document(document_id: int, **values: Any) -> None:
    from store.db import session
    from store.models import Document

    with session() as s:
        document = s.get(Document, document_id)
        if document is not None:
            for key, value in values.items():
                setattr(document, key, value)


def _update_job_row(rq_id: str | None, **values: Any) -> None:
    if not rq_id:
        return
    from sqlalchemy import select

    from store.db import session
    from store.models import Job

    with session() as s:
        row = s.scalars(select(Job).where(Job.rq_id == rq_id)).first()
        if row is not None:
            for key, value in values.items():
                setattr(row, key, value)


def _set_meta(rq_job: Any, **values: Any) -> None:
    if rq_job is None:
        return
    try:
        rq_job.meta.update(values)
        rq_job.save_meta()
    except Exception:
        log.warning("job %s: could not save meta", getattr(rq_job, "id", "?"), exc_info=True)


def _summary(data: dict[str, Any]) -> dict[str, Any]:
    """The Document's search columns from a ``vanthu.extraction/1`` object."""
    header = data.get("header") or {}
    return {
        "doc_type": header.get("doc_type"),
        "issuer": header.get("issuer_normalized") or header.get("issuer"),
        "ref": header.get("ref"),
        "doc_date": _as_date(header.get("date")),
        "subject": header.get("subject"),
        "text": data.get("text"),
    }


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def extract_document(document_id: int) -> None:
    """Read, understand and store one document (the rq job; see the module docstring)."""
    from store import blobs
    from store.db import session
    from store.models import Document, Extraction
    from worker.analyze import analyze

    rq_job = get_current_job()
    rq_id = rq_job.id if rq_job is not None else None
    # Which process runs the job: recovery tells a live orphaned work-horse from a dead one.
    _set_meta(rq_job, pid=os.getpid(), host=socket.gethostname(), stage="read", done=0, total=0)

    with session() as s:
        document = s.get(Document, document_id)
        if document is None:  # not committed yet, or deleted: retried, then failed
            raise LookupError(f"document {document_id} does not exist")
        if document.status == "done" and s.get(Extraction, document_id) is not None:
            log.info("document %s is already done; nothing to do", document_id)
            _set_meta(rq_job, stage="done")
            return
        document.status = "running"
        document.stage = "read"
        document.progress_done = 0
        document.progress_total = 0
        document.error_code = document.error_vi = document.error_en = None
        sha256, filename, unit_id = document.sha256, document.filename, document.unit_id
    attempts = (rq_job.meta.get("attempts", 0) + 1) if rq_job is not None else 1
    _set_meta(rq_job, attempts=attempts)
    _update_job_row(rq_id, status="running", attempts=attempts, error=None)

    data = blobs.get(sha256)
    try:
        result = analyze(data, filename=filename, progress=_Progress(rq_job, document_id))
    except ReadError as exc:
        log.info("document %s: %s", document_id, exc.message)
        _update_document(document_id, status="failed", stage="failed",
                         error_code=exc.code, error_vi=exc.vi, error_en=exc.en)
        _update_job_row(rq_id, status="failed", finished_at=_now(), error=f"{exc.code}: {exc.message}")
        _set_meta(rq_job, stage="failed", error={"code": exc.code, "vi": exc.vi, "en": exc.en})
        return

    _set_meta(rq_job, stage="check")
    _check(result, document_id, unit_id)
    with session() as s:
        document = s.get(Document, document_id)
        if document is None:
            raise LookupError(f"document {document_id} vanished while it was read")
        extraction = s.get(Extraction, document_id)
        if extraction is None:
            s.add(Extraction(document_id=document_id, data=result))
        else:
            extraction.data = result
        for key, value in _summary(result).items():
            setattr(document, key, value)
        total = (document.progress_total or 0) or 1
        document.status = "done"
        document.stage = "done"
        document.progress_done = total
        document.progress_total = total
    _update_job_row(rq_id, status="done", finished_at=_now())
    _set_meta(rq_job, stage="done")


def _check(result: dict, document_id: int, unit_id: int) -> None:
    """Check what the document cites, then register it so the unit's later documents can cite it.

    The checker only reads, in its own short transaction, and the registration is
    one small write of its own: neither holds the database while the other works
    (SQLite allows one writer). A failing check must not cost the clerk the
    extraction: it becomes a warning on the document.
    """
    from store.db import session
    from store.registry import ensure_seeded, register_document
    from worker.check import check_extraction

    try:
        ensure_seeded()  # a no-op once the bundled registry is in; a fresh database gets it here
        with session() as s:
            check_extraction(result, s, unit_id=unit_id)
        with session() as s:
            register_document(s, unit_id, result["header"])
    except Exception as exc:  # noqa: BLE001 - any checker fault is reported, not fatal
        log.warning("document %s: citation check failed", document_id, exc_info=True)
        result.setdefault("warnings", []).append(
            f"Không kiểm tra được văn bản viện dẫn / the citation check failed ({type(exc).__name__})")


def on_extract_failure(job: Any, connection: Any, exc_type: Any = None, exc_value: Any = None,
                       traceback: Any = None) -> None:
    """rq failure callback: keep the document's status true while rq retries, fail it when it gives up.

    rq calls it on every failed attempt (also for a job abandoned by a dead worker)
    before deciding on a retry, so ``job.should_retry`` tells which case this is.
    It never raises: that would replace the job's own error.
    """
    try:
        document_id = int(job.args[0])
        reason = f"{getattr(exc_type, '__name__', exc_type)}: {exc_value}"
        abandoned = getattr(exc_type, "__name__", "") == "AbandonedJobError"
        if job.should_retry or abandoned:
            # Abandoned (its worker died) with no retry left: worker.recovery requeues it, or
            # fails the document itself after too many lost workers.
            _update_job_row(job.id, status="retrying", error=reason)
            _mark_unless_done(document_id, status="queued", stage="retry")
        else:
            _update_job_row(job.id, status="failed", finished_at=_now(), error=reason)
            mark_failed(document_id, INTERNAL_ERROR)
    except Exception:
        log.exception("failure callback of job %s raised", getattr(job, "id", "?"))


def mark_failed(document_id: int, error: dict[str, str]) -> None:
    """Mark a document failed with ``error = {code, vi, en}`` unless it is already done."""
    _mark_unless_done(document_id, status="failed", stage="failed",
                      error_code=error["code"], error_vi=error["vi"], error_en=error["en"])


def _mark_unless_done(document_id: int, **values: Any) -> None:
    from store.db import session
    from store.models import Document

    with session() as s:
        document = s.get(Document, document_id)
        if document is not None and document.status != "done":
            for key, value in values.items():
                setattr(document, key, value)


def document_done(document_id: int) -> bool:
    """True when the document's extraction is stored and its status is ``done``."""
    from store.db import session
    from store.models import Document

    with session() as s:
        document = s.get(Document, document_id)
        return document is not None and document.status == "done"
