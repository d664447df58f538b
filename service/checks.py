"""Citation checks for people: a downloadable report per document and the admin's registry import."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from service.auth import roles_required, unit_document

bp = Blueprint("checks", __name__)

STATUS_VI = {"ok": "hợp lệ", "warning": "cần lưu ý", "error": "có sai sót", "unknown": "chưa rõ"}
ROLE_VI = {"basis": "căn cứ", "mention": "nhắc đến"}
_IMPORT_SUFFIXES = (".csv", ".jsonl", ".xlsx")


@bp.get("/documents/<int:document_id>/check.csv")
@login_required
def check_report(document_id: int) -> Response:
    """Every cited document with its registry status and reasons, as CSV (UTF-8 with BOM: opens in Excel)."""
    from store.db import session
    from store.models import Extraction

    with session() as s:
        doc = unit_document(document_id, current_user, s)
        row = s.get(Extraction, doc.id) if doc is not None else None
        if doc is None or row is None:
            abort(404)
        data, filename = row.data, doc.filename
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["STT", "Văn bản viện dẫn", "Số ký hiệu", "Ngày", "Vai trò", "Trạng thái", "Lý do",
                     "Khớp sổ đăng ký"])
    for i, ref in enumerate(data.get("references") or [], 1):
        check = ref.get("check") or {}
        match = check.get("match") or {}
        reasons = "; ".join(f["message"] for f in check.get("findings") or [])
        writer.writerow([i, ref.get("text"), ref.get("ref") or "", ref.get("date") or "",
                         ROLE_VI.get(ref.get("role"), ref.get("role") or ""),
                         STATUS_VI.get(check.get("status"), "chưa kiểm tra"), reasons,
                         " ".join(str(v) for v in (match.get("ref"), match.get("date")) if v)])
    for finding in data.get("document_findings") or []:
        writer.writerow(["", "(bản thân văn bản)", "", "", "", finding.get("severity", ""), finding.get("message", ""), ""])
    name = Path(filename).stem + "_kiem_tra.csv"
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{_quote(name)}"})


@bp.route("/admin/registry", methods=["GET", "POST"])
@login_required
@roles_required("admin")
def registry_import():
    """Admins add legal-text metadata (CSV from vbpl.vn, JSONL, XLSX) to the registry."""
    from store.db import session
    from store.registry import as_of, import_file

    report = None
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename or not upload.filename.lower().endswith(_IMPORT_SUFFIXES):
            flash("Hãy chọn tệp .csv, .jsonl hoặc .xlsx.", "error")
            return redirect(url_for("checks.registry_import"))
        suffix = Path(upload.filename).suffix.lower()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"import{suffix}"  # never the uploaded name: no path from the client
            upload.save(path)
            with session() as s:
                report = import_file(s, path, source=f"nhập bởi {current_user.username}: {upload.filename}")
    with session() as s:
        known = as_of(s)
    return render_template("registry.html", report=report, as_of=known)


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
