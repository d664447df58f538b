"""An office's own templates: upload a variant of one of ours, validated before it is accepted.

The variant must fit our manifest (the same fields), parse as docxtpl would render it, use
no variable the manifest does not know and no tag split across paragraphs
(``worker.template_check``). Accepted variants replace ours for the office's drafts and
render in Jinja's sandbox like ours. Administrators only.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from service.auth import roles_required

bp = Blueprint("templates_admin", __name__)
MAX_TEMPLATE_BYTES = 10 * 1024 * 1024


@bp.route("/admin/templates", methods=["GET", "POST"])
@login_required
@roles_required("admin")
def templates():
    """List our templates with the office's variants; upload or replace a variant."""
    from sqlalchemy import select

    from store import blobs
    from store.db import session
    from store.models import UnitTemplate
    from worker.contexts import TITLES_VI
    from worker.errors import ReadError
    from worker.render import list_templates, load_manifest
    from worker.template_check import check_template

    names = list_templates()
    report = None
    if request.method == "POST":
        name = request.form.get("name", "")
        upload = request.files.get("file")
        if name not in names:
            flash("Hãy chọn loại mẫu văn bản.", "error")
            return redirect(url_for("templates_admin.templates"))
        if upload is None or not upload.filename:
            flash("Hãy chọn tệp mẫu (.docx).", "error")
            return redirect(url_for("templates_admin.templates"))
        data = upload.read(MAX_TEMPLATE_BYTES + 1)
        if len(data) > MAX_TEMPLATE_BYTES:
            flash("Tệp mẫu quá lớn (tối đa 10 MB).", "error")
            return redirect(url_for("templates_admin.templates"))
        try:
            checked = check_template(data, load_manifest(name))
        except ReadError as exc:
            flash(f"Không nhận tệp mẫu: {exc.vi}", "error")
            return redirect(url_for("templates_admin.templates"))
        report = {"name": name, "filename": upload.filename, **checked.to_dict()}
        if checked.ok:
            sha = blobs.put(data)
            with session() as s:
                row = s.scalars(select(UnitTemplate).where(UnitTemplate.unit_id == current_user.unit_id,
                                                           UnitTemplate.name == name)).first()
                if row is None:
                    row = UnitTemplate(unit_id=current_user.unit_id, name=name)
                    s.add(row)
                row.filename, row.blob_sha256, row.report = upload.filename[:255], sha, checked.to_dict()
                row.created_by = current_user.id
            flash(f"Đã nhận mẫu «{upload.filename}» cho {TITLES_VI.get(name, name)}.", "success")
        else:
            flash("Mẫu có lỗi nên chưa được nhận; xem chi tiết bên dưới.", "error")
    with session() as s:
        own = {t.name: {"filename": t.filename, "created_at": t.created_at, "report": t.report}
               for t in s.scalars(select(UnitTemplate).where(UnitTemplate.unit_id == current_user.unit_id))}
    rows = [{"name": n, "title": TITLES_VI.get(n, n), "own": own.get(n)} for n in names]
    return render_template("templates_admin.html", rows=rows, report=report)


@bp.post("/admin/templates/<name>/delete")
@login_required
@roles_required("admin")
def delete(name: str):
    """Go back to our template for ``name``."""
    from sqlalchemy import delete as sql_delete

    from store.db import session
    from store.models import UnitTemplate

    with session() as s:
        s.execute(sql_delete(UnitTemplate).where(UnitTemplate.unit_id == current_user.unit_id,
                                                 UnitTemplate.name == name))
    flash("Đã trở lại mẫu mặc định.", "success")
    return redirect(url_for("templates_admin.templates"))
