"""Drafting from a document: the form, the draft's page, its DOCX and PDF, the format check.

A clerk opens a document and presses "Tạo quyết định", "Tạo báo cáo", "In phiếu tóm tắt" or
"Soạn lại kế hoạch": a form shows what the document gives (``worker.contexts.form_defaults``)
and asks what it cannot know. The context is built and checked against the template's
manifest here, so a missing field is shown beside its box at once; the rendering itself
runs as a worker job (``worker.drafts.render_draft``) and the draft's page follows it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from service.auth import UPLOAD_ROLES, unit_document

bp = Blueprint("drafts", __name__)

STATUS_VI = {"queued": "đang chờ", "running": "đang soạn", "done": "đã xong", "failed": "không soạn được"}
STAGE_VI = {"render": "điền mẫu", "format": "kiểm tra thể thức", "pdf": "chuyển sang PDF", "done": "xong"}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The form of each template drafted from a document: (field, label, kind, hint). Kinds: text,
# textarea (one item per line), date, tasks (the document's tasks with "done" boxes).
_HEADER_FIELDS = [
    ("parent_issuer", "Cơ quan chủ quản", "text", ""),
    ("issuer", "Cơ quan ban hành", "text", ""),
    ("symbol", "Ký hiệu", "text", "ví dụ QĐ-PGDĐT"),
    ("number", "Số", "text", "để trống đến khi ký ban hành"),
    ("place", "Địa danh", "text", ""),
    ("date", "Ngày ban hành", "date", "để trống đến khi ký ban hành"),
    ("year", "Năm", "text", "in khi chưa có ngày"),
    ("subject", "Trích yếu", "textarea", ""),
]
_SIGNER_FIELDS = [
    ("recipients", "Nơi nhận", "textarea", "mỗi dòng một nơi nhận"),
    ("signer_authority", "Thẩm quyền ký", "text", "ví dụ KT. TRƯỞNG PHÒNG (để trống nếu ký trực tiếp)"),
    ("signer_title", "Chức vụ người ký", "text", ""),
    ("signer_name", "Họ tên người ký", "text", "có thể để trống"),
]
FORMS: dict[str, list[tuple[str, str, str, str]]] = {
    "phieu_tom_tat": [
        ("parent_unit", "Cơ quan chủ quản của đơn vị nhận", "text", ""),
        ("unit", "Đơn vị nhận văn bản", "text", ""),
        ("incoming_number", "Số đến", "text", "để trống để văn thư ghi tay"),
        ("received_date", "Ngày đến", "text", "ví dụ 05/03/2026"),
        ("doc_subject", "Trích yếu văn bản đến", "textarea", "lấy từ văn bản; sửa nếu đọc sai"),
        ("proposal", "Đề xuất của chuyên viên", "textarea", ""),
        ("prepared_by", "Người tóm tắt", "text", ""),
    ],
    "quyet_dinh": [
        *_HEADER_FIELDS,
        ("authority", "Thẩm quyền ban hành", "text", "ví dụ TRƯỞNG PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"),
        ("bases", "Căn cứ", "textarea", "mỗi dòng một căn cứ"),
        ("proposal", "Theo đề nghị của", "text", "ví dụ Theo đề nghị của Tổ Văn phòng."),
        ("executors", "Đơn vị, cá nhân thi hành (Điều 3)", "textarea", ""),
        *_SIGNER_FIELDS,
    ],
    "bao_cao": [
        *_HEADER_FIELDS,
        ("period_from", "Từ ngày", "date", ""),
        ("period_to", "Đến ngày", "date", ""),
        ("intro", "Mở đầu", "textarea", ""),
        ("done", "Nhiệm vụ đã hoàn thành", "tasks", "đánh dấu nhiệm vụ đã xong, ghi kết quả"),
        ("proposals", "Kiến nghị, đề xuất", "textarea", "mỗi dòng một kiến nghị"),
        ("closing", "Kết luận", "textarea", ""),
        *_SIGNER_FIELDS,
    ],
    "ke_hoach": [*_HEADER_FIELDS, *_SIGNER_FIELDS],
}
BUTTONS = [("quyet_dinh", "Tạo quyết định"), ("bao_cao", "Tạo báo cáo"), ("phieu_tom_tat", "In phiếu tóm tắt"),
           ("ke_hoach", "Soạn lại theo mẫu kế hoạch")]
KIND_VI = {"year": "năm", "school_year": "năm học", "month": "tháng", "date": "ngày", "quarter": "quý",
           "period_kept": "giai đoạn giữ nguyên", "anniversary": "kỷ niệm", "event": "sự kiện năm trước",
           "header_number": "số văn bản", "header_day": "ngày ban hành", "basis_ref": "căn cứ thay mới",
           "placeholder": "căn cứ cần bổ sung"}


def _form_values(template: str) -> dict[str, Any]:
    values: dict[str, Any] = {name: request.form.get(name, "") for name, *_ in FORMS[template]}
    if template == "bao_cao":
        values["done"] = request.form.getlist("done")
        values.update({k: v for k, v in request.form.items() if k.startswith("result_")})
    return values


def _field_errors(problems: list[dict[str, str]]) -> dict[str, list[str]]:
    """``tasks[1].lead`` → the form's box ``tasks``; what has no box goes under ``""``."""
    out: dict[str, list[str]] = {}
    for p in problems:
        name = p["path"].split("[", 1)[0].split(".", 1)[0]
        out.setdefault(name, []).append(p["vi"])
    return out


def _received(s, unit_id: int, start: Any, end: Any) -> list[dict[str, Any]]:
    """The unit's documents uploaded in the report's period, oldest first."""
    import datetime as dt

    from sqlalchemy import select

    from store.models import Document
    from worker.contexts import iso_date

    lo, hi = iso_date(start), iso_date(end)
    if lo is None or hi is None:
        return []
    since = dt.datetime.combine(lo, dt.time.min, tzinfo=dt.UTC)
    until = dt.datetime.combine(hi, dt.time.max, tzinfo=dt.UTC)
    rows = s.scalars(select(Document).where(Document.unit_id == unit_id, Document.created_at >= since,
                                            Document.created_at <= until).order_by(Document.created_at)).all()
    return [{"ref": d.ref, "doc_date": d.doc_date.isoformat() if d.doc_date else None,
             "issuer": d.issuer, "subject": d.subject or d.filename,
             "status": "Đã đọc" if d.status == "done" else STATUS_VI.get(d.status, d.status)} for d in rows]


def _drafting_source(document_id: int) -> tuple[dict[str, Any], str, str | None]:
    """The extraction, file name and subject of a unit's read document a clerk drafts from (403/404)."""
    from store.db import session
    from store.models import Extraction

    if current_user.role not in UPLOAD_ROLES:
        abort(403)
    with session() as s:
        doc = unit_document(document_id, current_user, s)
        row = s.get(Extraction, doc.id) if doc is not None else None
        if doc is None or row is None:
            abort(404)
        return row.data, doc.filename, doc.subject


@bp.route("/documents/<int:document_id>/drafts/<template>", methods=["GET", "POST"])
@login_required
def new_draft(document_id: int, template: str):
    """The form of one draft; on a valid POST the draft is queued and the clerk follows it."""
    from store.db import session
    from worker.contexts import TITLES_VI, build_context, form_defaults
    from worker.render import RenderError, load_manifest, validate

    if template not in FORMS:
        abort(404)
    extraction, filename, _subject = _drafting_source(document_id)
    values = form_defaults(template, extraction, unit_name=current_user.unit_name)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values.update(_form_values(template))
        with session() as s:
            received = _received(s, current_user.unit_id, values.get("period_from"), values.get("period_to")) \
                if template == "bao_cao" else []
        context = build_context(template, extraction, values, received=received)
        try:
            validate(context, load_manifest(template))
        except RenderError as exc:
            errors = _field_errors(exc.problems)
        else:
            title = f"{TITLES_VI[template]}: {context.get('subject') or context.get('doc_subject') or filename}"
            [draft_id] = queue_drafts([{"document_id": document_id, "kind": template, "template": template,
                                        "title": title, "context": context}])
            return redirect(url_for("drafts.draft", draft_id=draft_id))
    tasks = extraction.get("tasks") or [] if template == "bao_cao" else []
    return render_template("draft_form.html", template=template, title=TITLES_VI[template], fields=FORMS[template],
                           values=values, errors=errors, document_id=document_id, filename=filename,
                           tasks=tasks, done={str(v) for v in values.get("done") or []})


def queue_drafts(rows: list[dict[str, Any]]) -> list[int]:
    """Store the current unit's drafts (``Draft`` fields) and queue their rendering; return their ids.

    A draft whose job cannot be queued (Redis down) is kept: its page offers "Soạn lại".
    """
    from store.db import session
    from store.models import Draft
    from worker.queue import enqueue_task

    with session() as s:
        drafts = [Draft(unit_id=current_user.unit_id, created_by=current_user.id,
                        **{**row, "title": row["title"][:500]}) for row in rows]
        s.add_all(drafts)
        s.flush()
        ids = [d.id for d in drafts]
    for draft_id in ids:
        try:
            enqueue_task("draft", draft_id)
        except Exception:  # noqa: BLE001 - the draft stays, to be queued again from its page
            flash("Chưa gửi được việc soạn văn bản tới máy xử lý; hãy bấm 'Soạn lại' sau ít phút.", "error")
            break
    return ids


def _unit_draft(s, draft_id: int):
    from store.models import Draft

    draft = s.get(Draft, draft_id)
    if draft is None or draft.unit_id != current_user.unit_id:
        abort(404)
    return draft


@bp.route("/documents/<int:document_id>/next-year", methods=["GET", "POST"])
@login_required
def next_year(document_id: int):
    """"Soạn kế hoạch năm sau": the year to draft for, then a worker job rolls the plan over."""
    from worker.drafts import NEXT_YEAR
    from worker.rollover import guess_from_year

    extraction, filename, subject = _drafting_source(document_id)
    from_year = guess_from_year(extraction)
    error = None
    if request.method == "POST":
        try:
            to_year = int(request.form.get("to_year", ""))
            base = int(request.form.get("from_year", "") or (to_year - 1))
        except ValueError:
            to_year = base = 0
        if not 2000 <= to_year <= 2100 or not 2000 <= base < to_year:
            error = "Năm không hợp lệ: năm mới phải sau năm của kế hoạch cũ."
        else:
            [draft_id] = queue_drafts([{"document_id": document_id, "kind": NEXT_YEAR, "template": "ke_hoach",
                                        "title": f"Kế hoạch năm {to_year} (từ «{subject or filename}»)",
                                        "context": {"from_year": base, "to_year": to_year}}])
            return redirect(url_for("drafts.draft", draft_id=draft_id))
    return render_template("next_year.html", document_id=document_id, filename=filename, error=error,
                           from_year=from_year, to_year=(from_year + 1) if from_year else None)


@bp.get("/drafts")
@login_required
def drafts():
    """The unit's drafts, newest first."""
    from sqlalchemy import select

    from store.db import session
    from store.models import Draft

    with session() as s:
        rows = s.scalars(select(Draft).where(Draft.unit_id == current_user.unit_id)
                         .order_by(Draft.id.desc()).limit(200)).all()
        items = [_draft_info(d) for d in rows]
    return render_template("drafts.html", items=items)


def _draft_info(d) -> dict[str, Any]:
    return {"id": d.id, "title": d.title, "template": d.template, "status": d.status,
            "status_vi": STATUS_VI.get(d.status, d.status), "created_at": d.created_at,
            "document_id": d.document_id, "consolidation_id": d.consolidation_id,
            "error_vi": d.error_vi, "has_docx": bool(d.blob_sha256), "format_report": d.format_report,
            "changes": (d.context or {}).get("changes") if d.kind == "ke_hoach_nam_sau" else None,
            "rollover": (d.context or {}) if d.kind == "ke_hoach_nam_sau" else None}


@bp.get("/drafts/<int:draft_id>")
@login_required
def draft(draft_id: int):
    """One draft: its status while the worker renders it, then downloads and format findings."""
    from rq.job import Job as RqJob

    from store.db import session
    from worker.queue import connect

    with session() as s:
        d = _unit_draft(s, draft_id)
        info, rq_id = _draft_info(d), d.rq_id
    stage = None
    if info["status"] in ("queued", "running") and rq_id:
        try:
            stage = RqJob.fetch(rq_id, connection=connect()).meta.get("stage")
        except Exception:  # Redis gone or job expired: the row's status is enough
            stage = None
    return render_template("draft.html", d=info, stage_vi=STAGE_VI.get(stage or "", ""), kind_vi=KIND_VI)


@bp.post("/drafts/<int:draft_id>/retry")
@login_required
def retry(draft_id: int):
    """Queue a failed (or never queued) draft again."""
    from store.db import session
    from worker.queue import enqueue_task

    with session() as s:
        _unit_draft(s, draft_id)
    try:
        enqueue_task("draft", draft_id)
    except Exception:
        flash("Máy xử lý chưa sẵn sàng; hãy thử lại sau ít phút.", "error")
    return redirect(url_for("drafts.draft", draft_id=draft_id))


def _download_name(title: str, draft_id: int, suffix: str) -> str:
    from nlp.normalize import strip_diacritics

    stem = "".join(c if c.isalnum() else "_" for c in strip_diacritics(title.split(":", 1)[0]))
    return f"{stem.strip('_') or 'du_thao'}_{draft_id}{suffix}"


@bp.get("/drafts/<int:draft_id>.docx")
@login_required
def draft_docx(draft_id: int):
    from store import blobs
    from store.db import session

    with session() as s:
        d = _unit_draft(s, draft_id)
        sha, title = d.blob_sha256, d.title
    if not sha:
        abort(404)
    return send_file(blobs.path(sha), mimetype=DOCX_TYPE, as_attachment=True,
                     download_name=_download_name(title, draft_id, ".docx"))


@bp.get("/drafts/<int:draft_id>.pdf")
@login_required
def draft_pdf(draft_id: int):
    """The draft as PDF: made by the worker with the DOCX, or here once and cached if that failed."""
    from store import blobs
    from store.db import session
    from worker.errors import ReadError
    from worker.readers.office import convert_to_pdf

    with session() as s:
        d = _unit_draft(s, draft_id)
        sha, pdf_sha, title = d.blob_sha256, d.pdf_sha256, d.title
    if not sha:
        abort(404)
    if not pdf_sha:
        try:
            pdf_sha = blobs.put(convert_to_pdf(blobs.get(sha)))
        except ReadError as exc:
            flash(f"Không chuyển được sang PDF: {exc.vi}", "error")
            return redirect(url_for("drafts.draft", draft_id=draft_id))
        with session() as s:
            _unit_draft(s, draft_id).pdf_sha256 = pdf_sha
    return send_file(blobs.path(pdf_sha), mimetype="application/pdf", as_attachment=True,
                     download_name=_download_name(title, draft_id, ".pdf"))


@bp.get("/documents/<int:document_id>/format")
@login_required
def document_format(document_id: int):
    """The format check (Nghị định 30) of an uploaded Word document."""
    from store import blobs
    from store.db import session
    from worker.errors import ReadError
    from worker.format_check import check_format

    with session() as s:
        doc = unit_document(document_id, current_user, s)
        if doc is None:
            abort(404)
        sha, filename = doc.sha256, doc.filename
    error, report = None, None
    try:
        report = check_format(blobs.get(sha)).to_dict()
    except ReadError as exc:
        error = exc.vi
    return render_template("format.html", report=report, error=error, filename=filename,
                           document_id=document_id, stem=Path(filename).stem)
