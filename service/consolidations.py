"""Consolidating schools' commendation submissions: choose, review, then draft.

The education office's yearly chore. The clerk picks the schools' Tờ trình / Báo cáo (already
uploaded and read), a worker reads their lists into rows (``worker.drafts.consolidate_batch``),
and the clerk reviews every row on one page: flags (duplicates, missing fields, figures that
do not add up) sit beside the row; corrections and rows the clerk leaves out are kept with
the batch and listed, never dropped silently. From the reviewed rows vanthu drafts a Quyết
định khen thưởng with its annex and a Báo cáo tổng hợp, both as worker jobs.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from service.auth import UPLOAD_ROLES
from service.drafts import STATUS_VI, queue_drafts

bp = Blueprint("consolidations", __name__)

EDITABLE = ("name", "position", "unit", "title")
# The header fields of the two drafts (decision and summary), asked once.
DRAFT_FIELDS = [
    ("parent_issuer", "Cơ quan chủ quản", "text", ""),
    ("issuer", "Cơ quan ban hành", "text", ""),
    ("place", "Địa danh", "text", ""),
    ("year", "Năm", "text", "in khi chưa có ngày"),
    ("decision_symbol", "Ký hiệu quyết định", "text", "ví dụ QĐ-PGDĐT"),
    ("decision_subject", "Trích yếu quyết định", "textarea", ""),
    ("authority", "Thẩm quyền ban hành", "text", "ví dụ TRƯỞNG PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"),
    ("bases", "Căn cứ", "textarea", "mỗi dòng một căn cứ"),
    ("proposal", "Theo đề nghị của", "text", ""),
    ("executors", "Đơn vị, cá nhân thi hành (Điều 3)", "textarea", ""),
    ("report_symbol", "Ký hiệu báo cáo", "text", "ví dụ BC-PGDĐT"),
    ("report_subject", "Trích yếu báo cáo", "textarea", ""),
    ("report_intro", "Mở đầu báo cáo", "textarea", ""),
    ("report_closing", "Kết luận báo cáo", "textarea", ""),
    ("recipients", "Nơi nhận", "textarea", "mỗi dòng một nơi nhận"),
    ("signer_authority", "Thẩm quyền ký", "text", ""),
    ("signer_title", "Chức vụ người ký", "text", ""),
    ("signer_name", "Họ tên người ký", "text", "có thể để trống"),
]


def _can_write() -> None:
    if current_user.role not in UPLOAD_ROLES:
        abort(403)


def _unit_batch(s, consolidation_id: int):
    from store.models import Consolidation

    batch = s.get(Consolidation, consolidation_id)
    if batch is None or batch.unit_id != current_user.unit_id:
        abort(404)
    return batch


@bp.route("/consolidations", methods=["GET", "POST"])
@login_required
def consolidations():
    """The unit's batches, and a new one from chosen documents."""
    from sqlalchemy import select

    from store.db import session
    from store.models import Consolidation, Document
    from worker.queue import enqueue_task

    if request.method == "POST":
        _can_write()
        ids = sorted({int(v) for v in request.form.getlist("document") if v.isdigit()})
        with session() as s:
            owned = s.scalars(select(Document.id).where(Document.id.in_(ids), Document.unit_id == current_user.unit_id,
                                                        Document.status == "done")).all() if ids else []
            if not owned:
                flash("Hãy chọn ít nhất một văn bản đã đọc xong.", "error")
                return redirect(url_for("consolidations.consolidations"))
            title = (request.form.get("title") or "").strip() or f"Tổng hợp đề nghị khen thưởng ({len(owned)} đơn vị)"
            batch = Consolidation(unit_id=current_user.unit_id, title=title[:500], document_ids=sorted(owned),
                                  created_by=current_user.id)
            s.add(batch)
            s.flush()
            batch_id = batch.id
        try:
            enqueue_task("consolidation", batch_id)
        except Exception:
            flash("Chưa gửi được việc tổng hợp tới máy xử lý; hãy thử lại sau ít phút.", "error")
        return redirect(url_for("consolidations.consolidation", consolidation_id=batch_id))
    with session() as s:
        batches = [{"id": b.id, "title": b.title, "status": b.status, "status_vi": STATUS_VI.get(b.status, b.status),
                    "count": len(b.document_ids or []), "created_at": b.created_at}
                   for b in s.scalars(select(Consolidation).where(Consolidation.unit_id == current_user.unit_id)
                                      .order_by(Consolidation.id.desc()).limit(100))]
        docs = [{"id": d.id, "filename": d.filename, "doc_type": d.doc_type, "issuer": d.issuer, "ref": d.ref,
                 "subject": d.subject}
                for d in s.scalars(select(Document).where(Document.unit_id == current_user.unit_id,
                                                          Document.status == "done")
                                   .order_by(Document.id.desc()).limit(300))]
    return render_template("consolidations.html", batches=batches, docs=docs,
                           can_write=current_user.role in UPLOAD_ROLES)


def _defaults(data: dict[str, Any]) -> dict[str, Any]:
    import datetime as dt

    year = str(dt.date.today().year)
    return {"issuer": current_user.unit_name, "year": year, "decision_symbol": "", "report_symbol": "",
            "decision_subject": f"Về việc công nhận danh hiệu thi đua và tặng Giấy khen năm {year}",
            "report_subject": f"Tổng hợp đề nghị khen thưởng năm {year}",
            "report_intro": "Căn cứ tờ trình, báo cáo đề nghị khen thưởng của các đơn vị trường học, "
                            "kết quả tổng hợp như sau:",
            "report_closing": "Trên đây là kết quả tổng hợp đề nghị khen thưởng của các đơn vị trường học",
            "recipients": "Như Điều 3;\nLưu: VT.", **(data.get("draft_form") or {})}


@bp.get("/consolidations/<int:consolidation_id>")
@login_required
def consolidation(consolidation_id: int):
    """The review page: every row with its flags, the clerk's corrections, the draft form."""
    from store.db import session

    with session() as s:
        batch = _unit_batch(s, consolidation_id)
        info = {"id": batch.id, "title": batch.title, "status": batch.status,
                "status_vi": STATUS_VI.get(batch.status, batch.status), "error_vi": batch.error_vi,
                "done": batch.progress_done, "total": batch.progress_total or len(batch.document_ids or [])}
        data = dict(batch.data or {})
        drafts = [{"id": d.id, "title": d.title, "status_vi": STATUS_VI.get(d.status, d.status), "status": d.status}
                  for d in batch.drafts]
    return render_template("consolidation.html", c=info, data=data, drafts=drafts, fields=DRAFT_FIELDS,
                           values=_defaults(data), errors={}, editable=EDITABLE,
                           can_write=current_user.role in UPLOAD_ROLES)


@bp.post("/consolidations/<int:consolidation_id>")
@login_required
def review(consolidation_id: int):
    """Save the clerk's corrections and exclusions; flags are computed again on the corrected rows."""
    from store.db import session
    from worker.consolidate import revise

    _can_write()
    with session() as s:
        batch = _unit_batch(s, consolidation_id)
        if batch.status != "done" or not batch.data:
            abort(409)
        edits: dict[str, dict[str, str]] = {}
        excluded = []
        for row in batch.data.get("rows") or []:
            rid = str(row["id"])
            changed = {k: request.form.get(f"{k}_{rid}", "").strip() for k in EDITABLE
                       if f"{k}_{rid}" in request.form}
            changed = {k: v for k, v in changed.items() if v != (row.get(k) or "")}
            if changed:
                edits[rid] = changed
            if request.form.get(f"exclude_{rid}"):
                excluded.append(int(rid))
        batch.data = revise(batch.data, edits, excluded)
    flash("Đã lưu các chỉnh sửa; các cảnh báo được tính lại.", "success")
    return redirect(url_for("consolidations.consolidation", consolidation_id=consolidation_id))


@bp.post("/consolidations/<int:consolidation_id>/drafts")
@login_required
def make_drafts(consolidation_id: int):
    """Draft the Quyết định khen thưởng and the Báo cáo tổng hợp from the reviewed rows."""
    from store.db import session
    from worker.contexts import consolidation_contexts
    from worker.render import RenderError, load_manifest, validate

    _can_write()
    form = {name: request.form.get(name, "") for name, *_ in DRAFT_FIELDS}
    with session() as s:
        batch = _unit_batch(s, consolidation_id)
        if batch.status != "done" or not batch.data:
            abort(409)
        data = dict(batch.data)
        info = {"id": batch.id, "title": batch.title, "status": batch.status,
                "status_vi": STATUS_VI.get(batch.status, batch.status), "error_vi": batch.error_vi,
                "done": batch.progress_done, "total": batch.progress_total}
    decision, summary = consolidation_contexts(data, form)
    errors: dict[str, list[str]] = {}
    for template, context, prefix in (("quyet_dinh", decision, "decision_"), ("bao_cao_tong_hop", summary, "report_")):
        try:
            validate(context, load_manifest(template))
        except RenderError as exc:
            for p in exc.problems:
                name = p["path"].split("[", 1)[0].split(".", 1)[0]
                box = f"{prefix}{name}" if f"{prefix}{name}" in form else name
                errors.setdefault(box, []).append(p["vi"])
    if errors:
        return render_template("consolidation.html", c=info, data=data, drafts=[], fields=DRAFT_FIELDS,
                               values={**_defaults(data), **form}, errors=errors, editable=EDITABLE,
                               can_write=True), 200
    with session() as s:
        batch = _unit_batch(s, consolidation_id)
        batch.data = {**data, "draft_form": form}
        title = batch.title
    queue_drafts([{"consolidation_id": consolidation_id, "kind": template, "template": template,
                   "title": f"{label}: {context.get('subject') or title}", "context": context}
                  for template, context, label in (("quyet_dinh", decision, "Quyết định khen thưởng"),
                                                   ("bao_cao_tong_hop", summary, "Báo cáo tổng hợp"))])
    flash("Đang soạn quyết định khen thưởng và báo cáo tổng hợp.", "success")
    return redirect(url_for("consolidations.consolidation", consolidation_id=consolidation_id))
