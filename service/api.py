"""The JSON API under ``/api/v1`` (docs/SERVICE.md, "service/").

Every view is authenticated (bearer token, or the browser session) and sees only
the caller's unit. Errors have one shape: ``{"error": {"code", "vi", "en"}}``.
Each view's docstring carries its OpenAPI operation after ``---`` (``service/openapi.py``
builds ``/api/v1/openapi.json`` from them).
"""

from __future__ import annotations

import logging
import unicodedata
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request, url_for
from sqlalchemy import func, or_, select

from service.auth import (
    UPLOAD_ROLES,
    CurrentUser,
    api_error,
    api_login_required,
    roles_required,
    unit_document,
)
from store.registry import to_date

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__, url_prefix="/api/v1")

STATUS_VI = {"queued": "đang chờ", "running": "đang xử lý", "done": "xong", "failed": "lỗi"}
STAGE_VI = {
    "queued": "đang chờ xử lý",
    "read": "đọc tệp",
    "convert": "chuyển đổi định dạng",
    "pages": "đọc trang",
    "ocr": "nhận dạng chữ trang",
    "layout": "dựng đoạn văn",
    "extract": "trích xuất",
    "blanks": "đọc chỗ để trống",
    "check": "kiểm tra văn bản viện dẫn",
    "retry": "gặp lỗi tạm thời, sẽ thử lại",
    "done": "hoàn tất",
}
_PAGED_STAGES = ("pages", "ocr")
PER_PAGE_MAX = 100

QUEUE_DOWN = ("queue_unavailable", "Hàng đợi xử lý không hoạt động; hãy tải tệp lên lại sau ít phút.",
              "The processing queue is unavailable; upload the file again in a few minutes.")


# ---------------------------------------------------------------- helpers shared with web.py

def iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def stage_vi(status: str, stage: str | None, done: int | None, total: int | None) -> str:
    """The progress line a clerk reads: ``nhận dạng chữ trang 3/12``, ``trích xuất``, ``lỗi``…"""
    if status == "done":
        return STAGE_VI["done"]
    if status == "failed":
        return STATUS_VI["failed"]
    if status == "queued" or not stage:
        return STAGE_VI["queued"]
    label = STAGE_VI.get(stage, stage)
    if stage in _PAGED_STAGES and total:
        return f"{label} {min(done or 0, total)}/{total}"
    return label


def document_status(doc) -> dict[str, Any]:
    error = None
    if doc.status == "failed":
        error = {"code": doc.error_code, "vi": doc.error_vi, "en": doc.error_en}
    return {
        "id": doc.id,
        "filename": doc.filename,
        "status": doc.status,
        "status_vi": STATUS_VI.get(doc.status, doc.status),
        "stage": doc.stage,
        "stage_vi": stage_vi(doc.status, doc.stage, doc.progress_done, doc.progress_total),
        "progress": {"done": doc.progress_done or 0, "total": doc.progress_total or 0},
        "error": error,
        "created_at": iso(doc.created_at),
        "url": url_for("web.document", document_id=doc.id),
        "extraction_url": url_for("api.extraction", document_id=doc.id),
    }


def document_summary(doc) -> dict[str, Any]:
    return {
        "id": doc.id,
        "filename": doc.filename,
        "status": doc.status,
        "doc_type": doc.doc_type,
        "issuer": doc.issuer,
        "ref": doc.ref,
        "doc_date": iso(doc.doc_date),
        "subject": doc.subject,
        "size": doc.size,
        "created_at": iso(doc.created_at),
        "url": url_for("web.document", document_id=doc.id),
        "status_url": url_for("api.document", document_id=doc.id),
    }


def _like(value: str) -> str:
    """A LIKE pattern for ``value`` anywhere, lower-cased, with ``%``, ``_`` and ``\\`` taken literally."""
    value = unicodedata.normalize("NFC", value).lower()
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _sqlite_lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value


def _folder(s):
    """``column → lower(column)`` that folds Vietnamese capitals too.

    SQLite's own ``lower()`` (and LIKE) fold ASCII only, so "GIÁO DỤC" would never match
    "giáo dục": on SQLite a Python ``vn_lower`` is registered on the connection. PostgreSQL's
    ``lower()`` follows the database's locale (UTF-8 locales fold Vietnamese).
    """
    if s.get_bind().dialect.name == "sqlite":
        raw = s.connection().connection.driver_connection
        raw.create_function("vn_lower", 1, _sqlite_lower, deterministic=True)
        return func.vn_lower
    return func.lower


class BadFilter(ValueError):
    pass


def search_documents(user: CurrentUser, args, s) -> tuple[list, int, int, int]:
    """Documents of ``user``'s unit matching the ``type``, ``issuer``, ``date_from``, ``date_to``
    and ``q`` filters of ``args``, newest first: ``(rows, total, page, per_page)``.

    ``q`` is a case-insensitive LIKE over the stored text, trích yếu, số ký hiệu,
    issuer and file name (SQLite and PostgreSQL; a full scan, fine for one unit's documents).
    """
    from store.models import Document

    lower = _folder(s)
    conditions = [Document.unit_id == user.unit_id]
    doc_type = unicodedata.normalize("NFC", (args.get("type") or "").strip())
    if doc_type:
        conditions.append(lower(Document.doc_type) == doc_type.lower())
    issuer = (args.get("issuer") or "").strip()
    if issuer:
        conditions.append(lower(Document.issuer).like(_like(issuer), escape="\\"))
    for key, op in (("date_from", "ge"), ("date_to", "le")):
        raw = (args.get(key) or "").strip()
        if not raw:
            continue
        try:
            day = date.fromisoformat(raw)
        except ValueError as exc:
            raise BadFilter(key) from exc
        column = Document.doc_date
        conditions.append(column >= day if op == "ge" else column <= day)
    q = (args.get("q") or "").strip()
    if q:
        pattern = _like(q)
        conditions.append(or_(*(lower(col).like(pattern, escape="\\") for col in (
            Document.text, Document.subject, Document.ref, Document.issuer, Document.filename))))
    try:
        page = max(1, int(args.get("page") or 1))
        per_page = min(PER_PAGE_MAX, max(1, int(args.get("per_page") or 20)))
    except ValueError as exc:
        raise BadFilter("page") from exc
    total = s.execute(select(func.count()).select_from(Document).where(*conditions)).scalar_one()
    rows = s.execute(select(Document).where(*conditions)
                     .order_by(Document.created_at.desc(), Document.id.desc())
                     .limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return list(rows), total, page, per_page


def unit_doc_types(user: CurrentUser, s) -> list[str]:
    from store.models import Document

    rows = s.execute(select(Document.doc_type).distinct().where(
        Document.unit_id == user.unit_id, Document.doc_type.is_not(None))).scalars().all()
    return sorted(rows)


def accept_upload(user: CurrentUser, upload) -> tuple[dict[str, Any], bool]:
    """Store one uploaded file (``add_document`` writes the blob) for ``user``'s unit; queue its
    extraction when it is new.

    Returns ``(status dict, created)``. The same bytes uploaded again in the unit
    return the existing document and queue nothing (unless its earlier queueing
    failed because Redis was down).
    """
    from store.db import session
    from store.documents import add_document
    from store.models import Document
    from worker import queue as work_queue

    data = upload.read()
    filename = (upload.filename or "tep").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:255] or "tep"
    media_type = upload.mimetype or "application/octet-stream"
    with session() as s:
        doc, created = add_document(s, user.unit_id, data, filename, media_type)
        doc_id = doc.id
        retry = (not created and doc.status == "failed" and doc.error_code == QUEUE_DOWN[0])
    if created or retry:
        try:
            work_queue.enqueue_extract(doc_id)
        except Exception:  # Redis down: say so, and let a new upload of the same file retry
            log.exception("could not queue document %s", doc_id)
            with session() as s:
                doc = s.get(Document, doc_id)
                doc.status = "failed"
                doc.error_code, doc.error_vi, doc.error_en = QUEUE_DOWN
    with session() as s:
        doc = unit_document(doc_id, user, s)
        return document_status(doc), created


def _empty_upload(upload) -> bool:
    return upload is None or not upload.filename


# ---------------------------------------------------------------- views

@bp.post("/documents")
@api_login_required
@roles_required(*UPLOAD_ROLES, api=True)
def upload():
    """Upload one document for extraction.
    ---
    summary: Upload a document (Word, PDF, scan, image, text)
    description: >
      Stores the file for the caller's unit and queues its extraction. The same
      bytes uploaded again in the unit return the existing document (200,
      ``duplicate: true``) without queueing it again.
    tags: [documents]
    requestBody:
      required: true
      content:
        multipart/form-data:
          schema:
            type: object
            required: [file]
            properties:
              file: {type: string, format: binary}
    responses:
      "202":
        description: Accepted; poll status_url.
        content:
          application/json:
            schema: {$ref: "#/components/schemas/UploadAccepted"}
      "200":
        description: The same file was uploaded before; the existing document.
        content:
          application/json:
            schema: {$ref: "#/components/schemas/UploadAccepted"}
      "400": {$ref: "#/components/responses/Error"}
      "401": {$ref: "#/components/responses/Error"}
      "403": {$ref: "#/components/responses/Error"}
      "413": {$ref: "#/components/responses/Error"}
    """
    upload = request.files.get("file")
    if _empty_upload(upload):
        return api_error(400, "no_file", "Chưa chọn tệp (trường 'file').", "No file in the 'file' field.")
    status, created = accept_upload(g.user, upload)
    body = {"id": status["id"], "status": status["status"],
            "status_url": url_for("api.document", document_id=status["id"]),
            "duplicate": not created, "document": status}
    return jsonify(body), (202 if created else 200)


@bp.get("/documents")
@api_login_required
def documents():
    """List and search the unit's documents.
    ---
    summary: List documents, with filters and full-text search
    tags: [documents]
    parameters:
      - {name: type, in: query, schema: {type: string}, description: "Loại văn bản, e.g. Kế hoạch"}
      - {name: issuer, in: query, schema: {type: string}, description: issuer contains}
      - {name: date_from, in: query, schema: {type: string, format: date}}
      - {name: date_to, in: query, schema: {type: string, format: date}}
      - {name: q, in: query, schema: {type: string}, description: "words in the text, trích yếu, số ký hiệu, issuer or file name"}
      - {name: page, in: query, schema: {type: integer, minimum: 1, default: 1}}
      - {name: per_page, in: query, schema: {type: integer, minimum: 1, maximum: 100, default: 20}}
    responses:
      "200":
        description: One page of documents, newest first.
        content:
          application/json:
            schema: {$ref: "#/components/schemas/DocumentList"}
      "400": {$ref: "#/components/responses/Error"}
      "401": {$ref: "#/components/responses/Error"}
    """
    from store.db import session

    with session() as s:
        try:
            rows, total, page, per_page = search_documents(g.user, request.args, s)
        except BadFilter as exc:
            return api_error(400, "bad_filter", f"Giá trị lọc không hợp lệ: {exc}.",
                             f"Invalid filter value: {exc} (dates are YYYY-MM-DD).")
        items = [document_summary(doc) for doc in rows]
    return jsonify(items=items, total=total, page=page, per_page=per_page)


@bp.get("/documents/<int:document_id>")
@api_login_required
def document(document_id: int):
    """Processing status of one document.
    ---
    summary: Status and progress of a document
    tags: [documents]
    parameters:
      - {name: document_id, in: path, required: true, schema: {type: integer}}
    responses:
      "200":
        description: Status, stage (also in Vietnamese), progress and the error if it failed.
        content:
          application/json:
            schema: {$ref: "#/components/schemas/DocumentStatus"}
      "401": {$ref: "#/components/responses/Error"}
      "404": {$ref: "#/components/responses/Error"}
    """
    from store.db import session

    with session() as s:
        doc = unit_document(document_id, g.user, s)
        if doc is None:
            return _not_found()
        return jsonify(document_status(doc))


@bp.get("/documents/<int:document_id>/extraction")
@api_login_required
def extraction(document_id: int):
    """The extraction of one document.
    ---
    summary: The vanthu.extraction/1 object of a processed document
    tags: [documents]
    parameters:
      - {name: document_id, in: path, required: true, schema: {type: integer}}
      - {name: download, in: query, schema: {type: boolean}, description: send as an attachment}
    responses:
      "200":
        description: The extraction (shared contract vanthu.extraction/1).
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Extraction"}
      "401": {$ref: "#/components/responses/Error"}
      "404": {$ref: "#/components/responses/Error"}
      "409": {$ref: "#/components/responses/Error"}
    """
    from store.db import session
    from store.models import Extraction

    with session() as s:
        doc = unit_document(document_id, g.user, s)
        if doc is None:
            return _not_found()
        row = s.get(Extraction, doc.id)
        if row is None or doc.status != "done":
            return api_error(409, "not_ready", "Văn bản chưa xử lý xong.",
                             "The document has not been processed yet.", status=doc.status)
        data, filename = row.data, doc.filename
    response = jsonify(data)
    if request.args.get("download") in ("1", "true", "yes"):
        stem = filename.rsplit(".", 1)[0] or f"van-ban-{document_id}"
        response.headers["Content-Disposition"] = _attachment(f"{stem}.json")
    return response


@bp.get("/tasks.ics")
@api_login_required
def tasks_ics():
    """Tasks with a deadline, as a calendar.
    ---
    summary: iCalendar of the unit's tasks that have a due date
    description: >
      One all-day event per task (from every processed document of the caller's
      unit) on its due date. With ``document_id``, only that document's tasks.
    tags: [tasks]
    parameters:
      - {name: document_id, in: query, schema: {type: integer}}
    responses:
      "200":
        description: An iCalendar file.
        content:
          text/calendar:
            schema: {type: string}
      "401": {$ref: "#/components/responses/Error"}
      "404": {$ref: "#/components/responses/Error"}
    """
    from store.db import session
    from store.models import Document, Extraction

    only = request.args.get("document_id")
    with session() as s:
        query = (select(Document, Extraction).join(Extraction, Extraction.document_id == Document.id)
                 .where(Document.unit_id == g.user.unit_id, Document.status == "done")
                 .order_by(Document.id))
        if only is not None:
            try:
                doc_id = int(only)
            except ValueError:
                return _not_found()
            if unit_document(doc_id, g.user, s) is None:
                return _not_found()
            query = query.where(Document.id == doc_id)
        rows = [(doc.id, doc.ref, doc.subject, doc.filename, ex.data) for doc, ex in s.execute(query)]
    body = build_ics(rows, g.user.unit_name)
    name = f"nhiem-vu-{only}.ics" if only else "nhiem-vu.ics"
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": _attachment(name)})


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 description of this API.
    ---
    summary: This document
    tags: [meta]
    security: []
    responses:
      "200":
        description: OpenAPI 3.0 document.
        content:
          application/json:
            schema: {type: object}
    """
    from service.openapi import build_spec

    return jsonify(build_spec(current_app))


# ---------------------------------------------------------------- calendar

def build_ics(rows, unit_name: str) -> bytes:
    """``rows``: ``(document id, ref, subject, filename, extraction)``; one VEVENT per dated task."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//vanthu//nhiem vu//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Nhiệm vụ — {unit_name}")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for doc_id, ref, subject, filename, data in rows:
        source = " — ".join(p for p in (ref, subject) if p) or filename
        link = url_for("web.document", document_id=doc_id, _external=True)
        for number, task in enumerate((data or {}).get("tasks") or []):
            due = to_date(task.get("due_date"))
            if due is None:
                continue
            text = " ".join((task.get("text") or "").split())
            event = Event()
            event.add("uid", f"vanthu-doc{doc_id}-task{number}@vanthu")
            event.add("dtstamp", stamp)
            event.add("dtstart", due)
            event.add("dtend", due + timedelta(days=1))
            event.add("summary", text if len(text) <= 120 else text[:119] + "…")
            lines = [f"Nhiệm vụ: {text}"]
            if task.get("index"):
                lines.append(f"Mục: {task['index']}")
            if task.get("lead"):
                lines.append("Chủ trì: " + ", ".join(task["lead"]))
            if task.get("partners"):
                lines.append("Phối hợp: " + ", ".join(task["partners"]))
            if task.get("timeframe"):
                lines.append(f"Thời gian: {task['timeframe']}")
            lines.append(f"Văn bản: {source}")
            lines.append(link)
            event.add("description", "\n".join(lines))
            event.add("url", link)
            event.add("categories", ["Văn bản"])
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
    return cal.to_ical()


# ---------------------------------------------------------------- small things

def _not_found():
    return api_error(404, "not_found", "Không tìm thấy văn bản.", "Document not found.")


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    ascii_name = ascii_name.replace('"', "").replace("\\", "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
